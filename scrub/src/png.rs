//! PNG (ISO/IEC 15948): a signature, then chunks `length[4] type[4] data crc[4]`. Dropped:
//! eXIf (Exif), tEXt, zTXt, iTXt (text, XMP is an iTXt), tIME, caBX (content credentials),
//! and anything after IEND. Every other chunk is kept byte for byte, its CRC with it.

use crate::{Cutter, Plan, Removed, ScrubError};

pub const SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

#[derive(Debug, Default)]
enum State {
    /// Bytes of the signature seen.
    #[default]
    Signature,
    /// The 8-byte chunk header being read.
    Header,
    /// Inside a chunk up to `end`.
    Chunk { end: u64, iend: bool },
    /// After IEND, from `start`.
    Trailing { start: u64 },
}

/// Streaming PNG scanner (see [`crate::Scanner`]).
#[derive(Debug, Default)]
pub struct Scanner {
    pos: u64,
    state: State,
    head: Vec<u8>,
    cut: Cutter,
}

impl Scanner {
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), ScrubError> {
        let mut rest = bytes;
        while !rest.is_empty() {
            match self.state {
                State::Signature | State::Header => {
                    let want = if matches!(self.state, State::Signature) {
                        SIGNATURE.len()
                    } else {
                        8
                    };
                    let n = (want - self.head.len()).min(rest.len());
                    let (now, tail) = rest.split_at(n);
                    self.head.extend_from_slice(now);
                    self.pos += n as u64;
                    rest = tail;
                    if self.head.len() == want {
                        self.header_done()?;
                    }
                }
                State::Chunk { end, iend } => {
                    let n = (end - self.pos).min(rest.len() as u64);
                    self.pos += n;
                    rest = rest.get(n as usize..).unwrap_or(&[]);
                    if self.pos == end {
                        self.state = if iend {
                            State::Trailing { start: end }
                        } else {
                            State::Header
                        };
                    }
                }
                State::Trailing { .. } => {
                    self.pos += rest.len() as u64;
                    rest = &[];
                }
            }
        }
        Ok(())
    }

    fn header_done(&mut self) -> Result<(), ScrubError> {
        let head = std::mem::take(&mut self.head);
        if matches!(self.state, State::Signature) {
            if head != SIGNATURE {
                return Err(ScrubError::Malformed);
            }
            self.state = State::Header;
            return Ok(());
        }
        let (Some(len), Some(kind)) = (head.get(..4), head.get(4..8)) else {
            return Err(ScrubError::Malformed);
        };
        let len = u32::from_be_bytes(len.try_into().map_err(|_| ScrubError::Malformed)?);
        if len > 0x7fff_ffff || !kind.iter().all(u8::is_ascii_alphabetic) {
            return Err(ScrubError::Malformed);
        }
        let start = self.pos - 8;
        let end = self.pos + u64::from(len) + 4;
        let what = match kind {
            b"eXIf" => Some(Removed::Exif),
            b"tEXt" | b"zTXt" | b"iTXt" => Some(Removed::Text),
            b"tIME" => Some(Removed::Time),
            b"caBX" => Some(Removed::OtherSegments),
            _ => None,
        };
        if let Some(what) = what {
            self.cut.drop_range(start, end, what);
        }
        self.state = State::Chunk {
            end,
            iend: kind == b"IEND",
        };
        Ok(())
    }

    /// The plan, once the whole file was fed; a file that ends before IEND is malformed.
    pub fn finish(self) -> Result<Plan, ScrubError> {
        let mut cut = self.cut;
        match self.state {
            State::Trailing { start } => cut.drop_range(start, self.pos, Removed::Trailing),
            _ => return Err(ScrubError::Malformed),
        }
        Ok(cut.plan(self.pos))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Kind, plan_of};

    fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
        let mut c = (data.len() as u32).to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        c.extend_from_slice(&[1, 2, 3, 4]); // the CRC is not checked, only kept
        c
    }

    fn png(extra: &[Vec<u8>], late: &[Vec<u8>]) -> (Vec<u8>, Vec<u8>) {
        let ihdr = chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0]);
        let idat = chunk(b"IDAT", &[0x78, 0x9c, 0x63, 0, 0, 0, 1, 0, 1]);
        let iend = chunk(b"IEND", &[]);
        let mut file = SIGNATURE.to_vec();
        file.extend_from_slice(&ihdr);
        let mut kept = file.clone();
        for c in extra {
            file.extend_from_slice(c);
        }
        for part in [&idat, &iend] {
            file.extend_from_slice(part);
            kept.extend_from_slice(part);
        }
        for c in late {
            file.extend_from_slice(c);
        }
        (file, kept)
    }

    #[test]
    fn text_exif_and_time_go() {
        let (file, kept) = png(
            &[
                chunk(b"eXIf", b"MM\0*GPS"),
                chunk(b"tEXt", b"Author\0J. Doe"),
                chunk(b"iTXt", b"XML:com.adobe.xmp\0\0\0\0\0<x:xmpmeta/>"),
                chunk(b"tIME", &[7, 233, 1, 1, 0, 0, 0]),
            ],
            &[b"trailing".to_vec()],
        );
        let plan = plan_of(Kind::Png, &file).unwrap();
        assert_eq!(plan.apply(&file), kept);
        assert_eq!(
            plan.removed(),
            &[
                Removed::Exif,
                Removed::Text,
                Removed::Time,
                Removed::Trailing
            ]
        );
        let (clean, _) = png(&[chunk(b"gAMA", &[0, 0, 0xb1, 0x8f])], &[]);
        let plan = plan_of(Kind::Png, &clean).unwrap();
        assert_eq!(plan.apply(&clean), clean);
        assert!(plan.removed().is_empty());
    }

    #[test]
    fn any_split_gives_the_same_plan() {
        let (file, _) = png(&[chunk(b"zTXt", &[9u8; 200])], &[]);
        let whole = plan_of(Kind::Png, &file).unwrap();
        for step in [1, 3, 8, 13, 100] {
            let mut s = Scanner::default();
            for piece in file.chunks(step) {
                s.feed(piece).unwrap();
            }
            assert_eq!(s.finish().unwrap(), whole, "step {step}");
        }
    }

    #[test]
    fn malformed_files_are_errors_not_panics() {
        let (file, _) = png(&[chunk(b"tEXt", b"a\0b")], &[]);
        for cut in 0..file.len() {
            assert_eq!(plan_of(Kind::Png, &file[..cut]), Err(ScrubError::Malformed));
        }
        let mut bad = file.clone();
        bad[12] = b'1';
        assert_eq!(plan_of(Kind::Png, &bad), Err(ScrubError::Malformed));
        let mut huge = file.clone();
        huge[8..12].copy_from_slice(&[0xff; 4]);
        assert_eq!(plan_of(Kind::Png, &huge), Err(ScrubError::Malformed));
        assert_eq!(plan_of(Kind::Png, b"\x89PNG"), Err(ScrubError::Malformed));
    }
}
