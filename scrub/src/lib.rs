//! loket-scrub: removes metadata from a file before the reporter's browser encrypts it
//! (crypto/SPEC.md §9.9, docs/design.md "Attachments").
//!
//! Two ways, by what a format allows:
//! - **Streamed** (JPEG, PNG): a [`Scanner`] is fed the file slice by slice and yields a
//!   [`Plan`], the byte ranges to keep. The metadata are whole segments or chunks, so dropping
//!   them is cutting ranges; the caller then reads only the kept ranges, slice by slice, and
//!   never holds the file.
//! - **In memory** (PDF, Office): [`pdf::scrub`] blanks the document information and XMP
//!   metadata in place (same length, so the cross-reference offsets stay right);
//!   [`office::scrub`] rewrites the zip with empty document properties. The caller holds the
//!   file, up to [`IN_MEMORY_LIMIT`].
//!
//! A file of a known kind that does not parse is an error, never a panic: the portal then
//! refuses it rather than send metadata it promised to remove. Files of other kinds are not
//! touched (the portal says so).

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod jpeg;
pub mod office;
pub mod pdf;
pub mod png;

/// The largest PDF or Office file scrubbed in memory (the reporter's browser holds it, and its
/// rewritten copy for Office files).
pub const IN_MEMORY_LIMIT: u64 = 64 * 1024 * 1024;

/// What kind of file this is, from its first bytes (and, for Office files, which are zip
/// archives like many others, its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Pdf,
    Office,
    /// Any other file: sent as it is.
    Other,
}

/// How many leading bytes [`sniff`] looks at.
pub const SNIFF_LEN: usize = 1024;

/// Recognises a file by its first bytes (up to [`SNIFF_LEN`]) and its name.
pub fn sniff(head: &[u8], name: &str) -> Kind {
    if head.starts_with(&[0xff, 0xd8, 0xff]) {
        return Kind::Jpeg;
    }
    if head.starts_with(png::SIGNATURE) {
        return Kind::Png;
    }
    // A PDF reader accepts the header anywhere in the first 1024 bytes.
    if find(head, b"%PDF-", 0).is_some() {
        return Kind::Pdf;
    }
    let lower = name.to_ascii_lowercase();
    let office = [
        ".docx", ".docm", ".dotx", ".dotm", ".xlsx", ".xlsm", ".xltx", ".xltm", ".pptx", ".pptm",
        ".potx", ".potm", ".ppsx", ".ppsm",
    ];
    if head.starts_with(b"PK\x03\x04") && office.iter().any(|ext| lower.ends_with(ext)) {
        return Kind::Office;
    }
    Kind::Other
}

/// One kind of metadata that was removed; the portal names each in the reporter's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Removed {
    /// JPEG APP1 Exif or PNG eXIf: camera, time, GPS position, thumbnail.
    Exif,
    /// XMP, in a JPEG APP1 segment or a PDF metadata stream.
    Xmp,
    /// IPTC / Photoshop (JPEG APP13).
    Iptc,
    /// JPEG comment segments.
    Comment,
    /// Other JPEG application segments (maker data, multi-picture index, content credentials).
    OtherSegments,
    /// PNG text chunks (tEXt, zTXt, iTXt).
    Text,
    /// PNG last-modification time (tIME).
    Time,
    /// Bytes after the end of the image (JPEG: often further images with their own Exif).
    Trailing,
    /// The PDF document information (author, creator, producer, title, dates).
    DocumentInfo,
    /// Office document properties (creator, last modified by, company, manager, dates).
    DocumentProperties,
}

impl Removed {
    /// Every kind, for text tables that must name each.
    pub const ALL: [Self; 10] = [
        Self::Exif,
        Self::Xmp,
        Self::Iptc,
        Self::Comment,
        Self::OtherSegments,
        Self::Text,
        Self::Time,
        Self::Trailing,
        Self::DocumentInfo,
        Self::DocumentProperties,
    ];
}

/// Why a file of a known kind could not be cleaned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScrubError {
    /// The file does not follow its format.
    Malformed,
    /// The PDF is encrypted: its metadata cannot be reached.
    Encrypted,
    /// Built in a way this module does not rewrite (PDF information inside a compressed
    /// object stream; zip64).
    Unsupported,
    /// Larger than [`IN_MEMORY_LIMIT`].
    TooLarge,
}

impl ScrubError {
    /// Every reason, for text tables that must name each.
    pub const ALL: [Self; 4] = [
        Self::Malformed,
        Self::Encrypted,
        Self::Unsupported,
        Self::TooLarge,
    ];
}

impl std::fmt::Display for ScrubError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Malformed => "the file does not follow its format",
            Self::Encrypted => "the file is encrypted",
            Self::Unsupported => "the file is built in a way that cannot be cleaned here",
            Self::TooLarge => "the file is too large to clean",
        })
    }
}

impl std::error::Error for ScrubError {}

/// The byte ranges of a streamed file to keep, and what the others held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    keep: Vec<(u64, u64)>,
    removed: Vec<Removed>,
}

impl Plan {
    /// The kept ranges, `(start, end)`, in order and not overlapping.
    pub fn keep(&self) -> &[(u64, u64)] {
        &self.keep
    }

    /// What was removed, each kind once, in a fixed order.
    pub fn removed(&self) -> &[Removed] {
        &self.removed
    }

    /// The length of the cleaned file.
    pub fn len(&self) -> u64 {
        self.keep.iter().map(|(a, b)| b - a).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cleaned file, from the whole file in memory (for small files and tests).
    pub fn apply(&self, file: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        for &(a, b) in &self.keep {
            let (Ok(a), Ok(b)) = (usize::try_from(a), usize::try_from(b)) else {
                continue;
            };
            out.extend_from_slice(file.get(a..b).unwrap_or(&[]));
        }
        out
    }
}

/// Collects the ranges a scanner drops.
#[derive(Debug, Default)]
struct Cutter {
    drops: Vec<(u64, u64)>,
    removed: Vec<Removed>,
}

impl Cutter {
    fn drop_range(&mut self, start: u64, end: u64, what: Removed) {
        if end > start {
            self.drops.push((start, end));
            if !self.removed.contains(&what) {
                self.removed.push(what);
            }
        }
    }

    fn plan(mut self, total: u64) -> Plan {
        self.drops.sort_unstable();
        let mut keep = Vec::new();
        let mut at = 0u64;
        for (a, b) in self.drops {
            let a = a.min(total);
            if a > at {
                keep.push((at, a));
            }
            at = at.max(b.min(total));
        }
        if total > at {
            keep.push((at, total));
        }
        self.removed.sort_unstable();
        Plan {
            keep,
            removed: self.removed,
        }
    }
}

/// A streaming scanner for a JPEG or PNG file.
pub enum Scanner {
    Jpeg(jpeg::Scanner),
    Png(png::Scanner),
}

impl Scanner {
    /// A scanner for `kind`, or `None` for a kind that is not streamed.
    pub fn new(kind: Kind) -> Option<Self> {
        match kind {
            Kind::Jpeg => Some(Self::Jpeg(jpeg::Scanner::default())),
            Kind::Png => Some(Self::Png(png::Scanner::default())),
            _ => None,
        }
    }

    /// Feeds the next bytes of the file.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<(), ScrubError> {
        match self {
            Self::Jpeg(s) => s.feed(bytes),
            Self::Png(s) => s.feed(bytes),
        }
    }

    /// After the whole file was fed: the ranges to keep.
    pub fn finish(self) -> Result<Plan, ScrubError> {
        match self {
            Self::Jpeg(s) => s.finish(),
            Self::Png(s) => s.finish(),
        }
    }
}

/// Scans a whole file in memory (tests; small files).
pub fn plan_of(kind: Kind, file: &[u8]) -> Result<Plan, ScrubError> {
    let mut scanner = Scanner::new(kind).ok_or(ScrubError::Unsupported)?;
    scanner.feed(file)?;
    scanner.finish()
}

/// The first position at or after `from` where `needle` occurs in `hay`.
pub(crate) fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_recognised() {
        assert_eq!(sniff(&[0xff, 0xd8, 0xff, 0xe0], "x"), Kind::Jpeg);
        assert_eq!(sniff(png::SIGNATURE, "x.jpg"), Kind::Png);
        assert_eq!(sniff(b"\n\n%PDF-1.7\n", "x"), Kind::Pdf);
        assert_eq!(sniff(b"PK\x03\x04rest", "Notes.DOCX"), Kind::Office);
        assert_eq!(sniff(b"PK\x03\x04rest", "notes.zip"), Kind::Other);
        assert_eq!(sniff(b"hello", "a.txt"), Kind::Other);
        assert_eq!(sniff(b"", ""), Kind::Other);
    }

    #[test]
    fn plans_keep_the_complement_of_the_drops() {
        let mut c = Cutter::default();
        c.drop_range(2, 4, Removed::Exif);
        c.drop_range(6, 20, Removed::Trailing);
        c.drop_range(3, 5, Removed::Exif);
        let plan = c.plan(10);
        assert_eq!(plan.keep(), &[(0, 2), (5, 6)]);
        assert_eq!(plan.removed(), &[Removed::Exif, Removed::Trailing]);
        assert_eq!(plan.len(), 3);
        assert_eq!(plan.apply(b"0123456789"), b"015");
    }
}
