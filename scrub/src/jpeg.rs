//! JPEG (ITU T.81 with JFIF and Exif): segments are `FF marker length payload`; the entropy-coded
//! data after each start-of-scan runs to the next marker that is not a stuffed `FF 00` or a
//! restart. Dropped: APP1 (Exif, XMP), APP13 (IPTC), comments, every application segment other
//! than APP0 (JFIF), APP14 (Adobe colour transform) and APP2 ICC profiles, and anything after
//! the end-of-image marker (multi-picture files keep further images, with their own Exif, there).
//! Kept byte for byte: everything else, so the image data are unchanged.

use crate::{Cutter, Plan, Removed, ScrubError};

/// How many payload bytes identify an application segment.
const IDENT_LEN: usize = 32;

#[derive(Debug, Default)]
enum State {
    /// Reading the start-of-image marker (bytes seen).
    #[default]
    Soi,
    SoiSecond,
    /// Expecting the `FF` that starts a marker.
    Marker,
    /// After one or more `FF`: the marker code. `start` is the first `FF`.
    Code {
        start: u64,
        in_scan: bool,
    },
    /// The two length bytes of a segment.
    Length {
        marker: u8,
        start: u64,
        high: Option<u8>,
    },
    /// The payload of a segment, up to `end`.
    Body {
        marker: u8,
        start: u64,
        end: u64,
        ident: Vec<u8>,
    },
    /// Entropy-coded data.
    Scan,
    /// After the end-of-image marker, from `start`.
    Trailing {
        start: u64,
    },
}

/// Streaming JPEG scanner (see [`crate::Scanner`]).
#[derive(Debug, Default)]
pub struct Scanner {
    pos: u64,
    state: State,
    cut: Cutter,
}

impl Scanner {
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), ScrubError> {
        let mut rest = bytes;
        while let Some((&b, tail)) = rest.split_first() {
            match &mut self.state {
                State::Body { end, ident, .. } if ident.len() >= IDENT_LEN => {
                    // Skip the rest of the payload in one step.
                    let left = *end - self.pos;
                    let n = left.min(rest.len() as u64) as usize;
                    self.advance(n as u64)?;
                    rest = rest.get(n..).unwrap_or(&[]);
                    continue;
                }
                State::Scan => {
                    let n = rest.iter().position(|&x| x == 0xff).unwrap_or(rest.len());
                    if n > 0 {
                        self.pos += n as u64;
                        rest = rest.get(n..).unwrap_or(&[]);
                        continue;
                    }
                }
                State::Trailing { .. } => {
                    self.pos += rest.len() as u64;
                    return Ok(());
                }
                _ => {}
            }
            self.byte(b)?;
            rest = tail;
        }
        Ok(())
    }

    /// Moves over `n` payload bytes of the current segment.
    fn advance(&mut self, n: u64) -> Result<(), ScrubError> {
        self.pos += n;
        self.end_segment_if_done()
    }

    fn end_segment_if_done(&mut self) -> Result<(), ScrubError> {
        if let State::Body {
            marker, start, end, ..
        } = &self.state
            && self.pos == *end
        {
            let (marker, start, end) = (*marker, *start, *end);
            let State::Body { ident, .. } = std::mem::take(&mut self.state) else {
                return Err(ScrubError::Malformed);
            };
            if let Some(what) = verdict(marker, &ident) {
                self.cut.drop_range(start, end, what);
            }
            // Start of scan: entropy-coded data follow.
            self.state = if marker == 0xda {
                State::Scan
            } else {
                State::Marker
            };
        }
        Ok(())
    }

    fn byte(&mut self, b: u8) -> Result<(), ScrubError> {
        let at = self.pos;
        self.pos += 1;
        self.state = match std::mem::take(&mut self.state) {
            State::Soi if b == 0xff => State::SoiSecond,
            State::SoiSecond if b == 0xd8 => State::Marker,
            State::Soi | State::SoiSecond => return Err(ScrubError::Malformed),
            State::Marker if b == 0xff => State::Code {
                start: at,
                in_scan: false,
            },
            State::Marker => return Err(ScrubError::Malformed),
            State::Scan => {
                // Only an FF stops the fast path in `feed`.
                State::Code {
                    start: at,
                    in_scan: true,
                }
            }
            State::Code { start, in_scan } => match b {
                // Fill bytes.
                0xff => State::Code { start, in_scan },
                // A stuffed zero or a restart marker inside entropy-coded data.
                0x00 | 0xd0..=0xd7 if in_scan => State::Scan,
                0x00 | 0xd8 => return Err(ScrubError::Malformed),
                0xd9 => State::Trailing { start: self.pos },
                0xd0..=0xd7 | 0x01 => State::Marker,
                marker => State::Length {
                    marker,
                    start,
                    high: None,
                },
            },
            State::Length {
                marker,
                start,
                high: None,
            } => State::Length {
                marker,
                start,
                high: Some(b),
            },
            State::Length {
                marker,
                start,
                high: Some(h),
            } => {
                let len = u16::from_be_bytes([h, b]);
                if len < 2 {
                    return Err(ScrubError::Malformed);
                }
                self.state = State::Body {
                    marker,
                    start,
                    end: self.pos + u64::from(len) - 2,
                    ident: Vec::new(),
                };
                self.end_segment_if_done()?;
                return Ok(());
            }
            State::Body {
                marker,
                start,
                end,
                mut ident,
            } => {
                ident.push(b);
                self.state = State::Body {
                    marker,
                    start,
                    end,
                    ident,
                };
                self.end_segment_if_done()?;
                return Ok(());
            }
            State::Trailing { start } => State::Trailing { start },
        };
        Ok(())
    }

    /// The plan, once the whole file was fed. A file cut inside a segment is malformed; one
    /// that stops in its image data (no end-of-image marker) is kept as it is.
    pub fn finish(self) -> Result<Plan, ScrubError> {
        let mut cut = self.cut;
        match self.state {
            State::Trailing { start } => {
                cut.drop_range(start, self.pos, Removed::Trailing);
            }
            State::Scan | State::Marker | State::Code { in_scan: true, .. } => {}
            _ => return Err(ScrubError::Malformed),
        }
        Ok(cut.plan(self.pos))
    }
}

/// Whether a segment goes, and as what.
fn verdict(marker: u8, ident: &[u8]) -> Option<Removed> {
    match marker {
        0xe1 if ident.starts_with(b"Exif\0") => Some(Removed::Exif),
        0xe1 if ident.starts_with(b"http://ns.adobe.com/") => Some(Removed::Xmp),
        0xe2 if ident.starts_with(b"ICC_PROFILE\0") => None,
        0xed => Some(Removed::Iptc),
        0xfe => Some(Removed::Comment),
        0xe0 | 0xee => None,
        0xe1..=0xef => Some(Removed::OtherSegments),
        _ => None,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Kind, plan_of};

    pub(crate) fn segment(marker: u8, payload: &[u8]) -> Vec<u8> {
        let mut s = vec![0xff, marker];
        s.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
        s.extend_from_slice(payload);
        s
    }

    /// A JPEG-shaped file: SOI, the given segments, a frame, a scan with stuffed bytes and a
    /// restart marker, EOI.
    pub(crate) fn jpeg(segments: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let mut image = vec![0xff, 0xd8];
        let mut kept = image.clone();
        for s in segments {
            image.extend_from_slice(s);
        }
        let mut body = segment(0xe0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        body.extend(segment(0xdb, &[0u8; 65]));
        body.extend(segment(0xc0, &[8, 0, 1, 0, 1, 1, 1, 0x11, 0]));
        body.extend(segment(0xda, &[1, 1, 0, 0, 0x3f, 0]));
        body.extend_from_slice(&[0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd9]);
        image.extend_from_slice(&body);
        kept.extend_from_slice(&body);
        (image, kept)
    }

    fn exif() -> Vec<u8> {
        let mut p = b"Exif\0\0MM\0*\0\0\0\x08".to_vec();
        p.extend_from_slice(b"GPS 52.0116 N 4.3571 E");
        segment(0xe1, &p)
    }

    #[test]
    fn metadata_segments_go_and_the_image_stays() {
        let segments = [
            exif(),
            segment(0xe1, b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>"),
            segment(0xed, b"Photoshop 3.0\08BIM"),
            segment(0xfe, b"taken by J. Doe"),
            segment(0xe2, b"MPF\0\0\0"),
        ];
        let (image, kept) = jpeg(&segments);
        let plan = plan_of(Kind::Jpeg, &image).unwrap();
        assert_eq!(plan.apply(&image), kept);
        assert_eq!(plan.len(), kept.len() as u64);
        assert_eq!(
            plan.removed(),
            &[
                Removed::Exif,
                Removed::Xmp,
                Removed::Iptc,
                Removed::Comment,
                Removed::OtherSegments
            ]
        );
    }

    #[test]
    fn icc_profiles_and_clean_files_are_kept() {
        let icc = segment(0xe2, b"ICC_PROFILE\0\x01\x01profile");
        let (image, _) = jpeg(std::slice::from_ref(&icc));
        let plan = plan_of(Kind::Jpeg, &image).unwrap();
        assert_eq!(plan.apply(&image), image);
        assert!(plan.removed().is_empty());
    }

    #[test]
    fn trailing_images_go() {
        let (mut image, kept) = jpeg(&[]);
        let (second, _) = jpeg(&[exif()]);
        image.extend_from_slice(&second);
        let plan = plan_of(Kind::Jpeg, &image).unwrap();
        assert_eq!(plan.apply(&image), kept);
        assert_eq!(plan.removed(), &[Removed::Trailing]);
    }

    #[test]
    fn any_split_gives_the_same_plan() {
        let (image, _) = jpeg(&[exif(), segment(0xfe, &[7u8; 300])]);
        let whole = plan_of(Kind::Jpeg, &image).unwrap();
        for step in [1, 2, 3, 7, 64] {
            let mut s = Scanner::default();
            for piece in image.chunks(step) {
                s.feed(piece).unwrap();
            }
            assert_eq!(s.finish().unwrap(), whole, "step {step}");
        }
    }

    #[test]
    fn malformed_files_are_errors_not_panics() {
        let (image, _) = jpeg(&[exif()]);
        // Every truncation inside the headers, and garbage.
        for cut in 0..60 {
            let _ = plan_of(Kind::Jpeg, &image[..cut]);
        }
        assert_eq!(plan_of(Kind::Jpeg, b""), Err(ScrubError::Malformed));
        assert_eq!(
            plan_of(Kind::Jpeg, b"\xff\xd8\x00"),
            Err(ScrubError::Malformed)
        );
        assert_eq!(
            plan_of(Kind::Jpeg, b"\xff\xd8\xff\xe1\x00\x01"),
            Err(ScrubError::Malformed)
        );
        // A segment longer than the file.
        assert_eq!(
            plan_of(Kind::Jpeg, b"\xff\xd8\xff\xe1\x10\x00Exif"),
            Err(ScrubError::Malformed)
        );
        let mut x: u32 = 1;
        for _ in 0..2000 {
            let mut bytes = image.clone();
            for _ in 0..4 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let i = (x >> 8) as usize % bytes.len();
                bytes[i] = (x >> 20) as u8;
            }
            if let Ok(plan) = plan_of(Kind::Jpeg, &bytes) {
                assert!(plan.len() <= bytes.len() as u64);
            }
        }
    }
}
