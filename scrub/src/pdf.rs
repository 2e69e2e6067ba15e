//! PDF (ISO 32000): the document information dictionary (`/Info` in each trailer or
//! cross-reference stream) and every metadata stream (`/Type /Metadata`, XMP) are blanked in
//! place: string values become spaces, metadata stream data become spaces with their filter
//! removed. The file keeps its length, so every cross-reference offset stays right and no
//! object is rewritten. An encrypted PDF, or information kept inside a compressed object
//! stream, cannot be blanked this way: those are errors.

use crate::{Removed, ScrubError, find};

/// A lexical value, by its byte range in the file.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// A literal `( … )` or hex `< … >` string; the range is the content between the
    /// delimiters.
    Str(usize, usize),
    /// `n g R`.
    Ref(u64, u64),
    /// A dictionary: (key name, key start, value start, value end, value).
    Dict(Vec<(Vec<u8>, usize, usize, usize, Value)>),
    /// A name, number, array or keyword.
    Other,
}

fn is_white(b: u8) -> bool {
    matches!(b, 0 | b'\t' | b'\n' | 0x0c | b'\r' | b' ')
}

fn is_delim(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

/// Skips white space and comments.
fn skip_white(f: &[u8], mut i: usize) -> usize {
    while let Some(&b) = f.get(i) {
        if is_white(b) {
            i += 1;
        } else if b == b'%' {
            while f.get(i).is_some_and(|&c| c != b'\n' && c != b'\r') {
                i += 1;
            }
        } else {
            break;
        }
    }
    i
}

/// A run of regular characters from `i`.
fn token_end(f: &[u8], mut i: usize) -> usize {
    while f.get(i).is_some_and(|&b| !is_white(b) && !is_delim(b)) {
        i += 1;
    }
    i
}

fn number(f: &[u8], i: usize) -> Option<(u64, usize)> {
    let end = token_end(f, i);
    let s = std::str::from_utf8(f.get(i..end)?).ok()?;
    Some((s.parse().ok()?, end))
}

/// Parses one value at `i` (after white space); returns it and the position after it.
fn value(f: &[u8], i: usize, depth: usize) -> Result<(Value, usize), ScrubError> {
    if depth > 64 {
        return Err(ScrubError::Malformed);
    }
    let i = skip_white(f, i);
    let rest = f.get(i..).ok_or(ScrubError::Malformed)?;
    if rest.starts_with(b"<<") {
        let mut entries = Vec::new();
        let mut j = i + 2;
        loop {
            j = skip_white(f, j);
            if f.get(j..).is_some_and(|r| r.starts_with(b">>")) {
                return Ok((Value::Dict(entries), j + 2));
            }
            if f.get(j) != Some(&b'/') {
                return Err(ScrubError::Malformed);
            }
            let key_end = token_end(f, j + 1);
            let key = f.get(j + 1..key_end).ok_or(ScrubError::Malformed)?.to_vec();
            let start = skip_white(f, key_end);
            let (v, end) = value(f, start, depth + 1)?;
            entries.push((key, j, start, end, v));
            j = end;
        }
    }
    match rest.first() {
        None => Err(ScrubError::Malformed),
        Some(b'(') => {
            let mut level = 0usize;
            let mut j = i;
            while let Some(&b) = f.get(j) {
                match b {
                    b'\\' => j += 1,
                    b'(' => level += 1,
                    b')' => {
                        level -= 1;
                        if level == 0 {
                            return Ok((Value::Str(i + 1, j), j + 1));
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            Err(ScrubError::Malformed)
        }
        Some(b'<') => {
            let end = find(f, b">", i).ok_or(ScrubError::Malformed)?;
            Ok((Value::Str(i + 1, end), end + 1))
        }
        Some(b'[') => {
            let mut j = i + 1;
            loop {
                j = skip_white(f, j);
                match f.get(j) {
                    None => return Err(ScrubError::Malformed),
                    Some(b']') => return Ok((Value::Other, j + 1)),
                    Some(_) => j = value(f, j, depth + 1)?.1,
                }
            }
        }
        Some(b'/') => Ok((Value::Other, token_end(f, i + 1))),
        Some(&b) if is_delim(b) => Err(ScrubError::Malformed),
        Some(_) => {
            // A number, possibly the start of `n g R`.
            if let Some((n, e1)) = number(f, i) {
                let j = skip_white(f, e1);
                if let Some((g, e2)) = number(f, j) {
                    let k = skip_white(f, e2);
                    if f.get(k) == Some(&b'R') && token_end(f, k) == k + 1 {
                        return Ok((Value::Ref(n, g), k + 1));
                    }
                }
                return Ok((Value::Other, e1));
            }
            Ok((Value::Other, token_end(f, i).max(i + 1)))
        }
    }
}

/// Positions just after each `n g obj` header in the file.
fn objects(f: &[u8], n: u64, g: u64) -> Vec<usize> {
    let header = format!("{n} {g} obj");
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = find(f, header.as_bytes(), from) {
        let before_ok = at == 0 || f.get(at - 1).is_some_and(|&b| !b.is_ascii_digit());
        let end = at + header.len();
        let after_ok = f.get(end).is_none_or(|&b| is_white(b) || is_delim(b));
        if before_ok && after_ok {
            found.push(end);
        }
        from = at + 1;
    }
    found
}

fn blank(f: &mut [u8], start: usize, end: usize) {
    if let Some(range) = f.get_mut(start..end) {
        range.fill(b' ');
    }
}

/// Blanks the document information and metadata streams of the PDF in `file`, in place.
pub fn scrub(file: &mut [u8]) -> Result<Vec<Removed>, ScrubError> {
    if find(file.get(..1024.min(file.len())).unwrap_or(&[]), b"%PDF-", 0).is_none() {
        return Err(ScrubError::Malformed);
    }
    if find(file, b"/Encrypt", 0).is_some() {
        return Err(ScrubError::Encrypted);
    }
    let mut removed = Vec::new();
    if info(file)? {
        removed.push(Removed::DocumentInfo);
    }
    if metadata_streams(file)? {
        removed.push(Removed::Xmp);
    }
    Ok(removed)
}

/// Blanks every information dictionary; true if there was one.
fn info(file: &mut [u8]) -> Result<bool, ScrubError> {
    // Every `/Info` key in a trailer or cross-reference stream, and the strings it names.
    let mut dicts: Vec<(u64, u64)> = Vec::new();
    let mut direct: Vec<usize> = Vec::new();
    let mut from = 0;
    while let Some(at) = find(file, b"/Info", from) {
        from = at + 1;
        let after = at + 5;
        if file
            .get(after)
            .is_some_and(|&b| !is_white(b) && !is_delim(b))
        {
            continue; // a longer name
        }
        match value(file, after, 0) {
            Ok((Value::Ref(n, g), _)) if !dicts.contains(&(n, g)) => dicts.push((n, g)),
            Ok((Value::Dict(_), _)) => direct.push(skip_white(file, after)),
            _ => {}
        }
    }
    let mut starts = direct;
    for &(n, g) in &dicts {
        let found = objects(file, n, g);
        if found.is_empty() {
            // In a compressed object stream: it cannot be blanked in place.
            return Err(ScrubError::Unsupported);
        }
        starts.extend(found);
    }
    let mut any = false;
    let mut strings: Vec<(u64, u64)> = Vec::new();
    for start in starts {
        let (Value::Dict(entries), _) = value(file, start, 0)? else {
            return Err(ScrubError::Malformed);
        };
        any = true;
        for (_, _, vstart, vend, v) in entries {
            match v {
                Value::Str(a, b) => blank(file, a, b),
                Value::Ref(n, g) => strings.push((n, g)),
                // Anything else a producer put there (a name, a number) goes too; `()` is a
                // valid value for every key.
                _ => {
                    blank(file, vstart, vend);
                    if let Some(b) = file.get_mut(vstart..vstart + 2)
                        && vend >= vstart + 2
                    {
                        b.copy_from_slice(b"()");
                    }
                }
            }
        }
    }
    // Values kept in objects of their own.
    for (n, g) in strings {
        for start in objects(file, n, g) {
            if let Ok((Value::Str(a, b), _)) = value(file, start, 0) {
                blank(file, a, b);
            }
        }
    }
    Ok(any)
}

/// Blanks the data of every `/Type /Metadata` stream; true if there was one.
fn metadata_streams(file: &mut [u8]) -> Result<bool, ScrubError> {
    let mut any = false;
    let mut from = 0;
    while let Some(at) = find(file, b"/Metadata", from) {
        from = at + 1;
        let end = at + 9;
        if file.get(end).is_some_and(|&b| !is_white(b) && !is_delim(b)) {
            continue;
        }
        // Only the value of a /Type key: look back over white space for `/Type`.
        let mut k = at;
        while k > 0 && file.get(k - 1).is_some_and(|&b| is_white(b)) {
            k -= 1;
        }
        if k < 5 || file.get(k - 5..k) != Some(b"/Type") {
            continue;
        }
        // The dictionary that holds it starts after the nearest `obj` before it.
        let Some(obj) = file
            .get(..k)
            .and_then(|head| head.windows(3).rposition(|w| w == b"obj"))
        else {
            return Err(ScrubError::Malformed);
        };
        let (Value::Dict(entries), dict_end) = value(file, obj + 3, 0)? else {
            continue;
        };
        if dict_end <= at {
            continue; // `/Type /Metadata` was not in this object's own dictionary
        }
        let s = skip_white(file, dict_end);
        if !file.get(s..).is_some_and(|r| r.starts_with(b"stream")) {
            continue;
        }
        let mut data = s + 6;
        if file.get(data) == Some(&b'\r') {
            data += 1;
        }
        if file.get(data) == Some(&b'\n') {
            data += 1;
        }
        let stop = find(file, b"endstream", data).ok_or(ScrubError::Malformed)?;
        let length = entries.iter().find_map(|(key, _, vs, _, _)| {
            (key == b"Length")
                .then(|| number(file, *vs))
                .flatten()
                .map(|(n, _)| n)
        });
        let data_end = match length.and_then(|n| usize::try_from(n).ok()) {
            Some(n) if data + n <= stop => data + n,
            _ => stop,
        };
        blank(file, data, data_end);
        // The blanked data are no longer compressed.
        for (key, kstart, _, vend, _) in &entries {
            if key == b"Filter" || key == b"DecodeParms" {
                blank(file, *kstart, *vend);
            }
        }
        any = true;
        from = data_end.max(from);
    }
    Ok(any)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &str = "%PDF-1.7\n\
1 0 obj\n<< /Type /Catalog /Pages 2 0 R /Metadata 4 0 R >>\nendobj\n\
2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n\
3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>\nendobj\n\
4 0 obj\n<< /Type /Metadata /Subtype /XML /Length 47 >>\nstream\n\
<x:xmpmeta><dc:creator>J. Doe</dc:creator></x:>\nendstream\nendobj\n\
5 0 obj\n<< /Author (J. Doe \\(PhD\\)) /Creator <FEFF004A> /Producer 6 0 R \
/CreationDate (D:20240101120000+01'00') /Trapped /False >>\nendobj\n\
6 0 obj\n(Word for J. Doe)\nendobj\n\
xref\n0 7\n0000000000 65535 f \ntrailer\n<< /Size 7 /Root 1 0 R /Info 5 0 R >>\n\
startxref\n0\n%%EOF\n";

    #[test]
    fn information_and_xmp_are_blanked_in_place() {
        let mut f = PDF.as_bytes().to_vec();
        let removed = scrub(&mut f).unwrap();
        assert_eq!(removed, vec![Removed::DocumentInfo, Removed::Xmp]);
        assert_eq!(f.len(), PDF.len(), "offsets stay right");
        let text = String::from_utf8(f.clone()).unwrap();
        for gone in ["Doe", "FEFF", "2024", "Word", "xmpmeta", "/False"] {
            assert!(!text.contains(gone), "{gone} is still there:\n{text}");
        }
        // The structure is intact.
        for kept in [
            "/Type /Catalog",
            "/Metadata 4 0 R",
            "/Info 5 0 R",
            "/Length 47",
            "/MediaBox",
        ] {
            assert!(text.contains(kept), "{kept} is gone");
        }
        let (Value::Dict(info), _) = value(&f, objects(&f, 5, 0)[0], 0).unwrap() else {
            panic!("the information is no longer a dictionary");
        };
        assert_eq!(info.len(), 5);
        // Blanking again finds nothing new but still parses.
        assert!(scrub(&mut f).is_ok());
    }

    #[test]
    fn compressed_metadata_lose_their_filter() {
        let src = "%PDF-1.4\n7 0 obj\n<</Type/Metadata/Subtype/XML/Filter/FlateDecode/Length 5>>stream\r\nx\x01\x02\x03\x04\r\nendstream endobj\ntrailer<</Root 1 0 R>>";
        let mut f = src.as_bytes().to_vec();
        assert_eq!(scrub(&mut f).unwrap(), vec![Removed::Xmp]);
        let text = String::from_utf8(f).unwrap();
        assert!(!text.contains("Flate"));
        assert!(text.contains("stream\r\n     \r\nendstream"), "{text}");
    }

    #[test]
    fn refusals() {
        let mut enc = b"%PDF-1.7\ntrailer << /Encrypt 9 0 R /Info 5 0 R >>".to_vec();
        assert_eq!(scrub(&mut enc), Err(ScrubError::Encrypted));
        // Information kept in an object stream cannot be found in the plain text.
        let mut packed = b"%PDF-1.7\n9 0 obj << /Type /XRef /Info 5 0 R >> stream".to_vec();
        assert_eq!(scrub(&mut packed), Err(ScrubError::Unsupported));
        assert_eq!(
            scrub(&mut b"not a pdf".to_vec()),
            Err(ScrubError::Malformed)
        );
        let mut clean = b"%PDF-1.7\ntrailer << /Root 1 0 R >>".to_vec();
        assert_eq!(scrub(&mut clean), Ok(vec![]));
    }

    #[test]
    fn malformed_input_never_panics() {
        let base = PDF.as_bytes();
        for cut in 0..base.len() {
            let _ = scrub(&mut base[..cut].to_vec());
        }
        let mut x: u32 = 7;
        for _ in 0..3000 {
            let mut f = base.to_vec();
            for _ in 0..3 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let i = (x >> 8) as usize % f.len();
                f[i] = b"()<>[]/ 0R%\\"[(x >> 24) as usize % 12];
            }
            if scrub(&mut f).is_ok() {
                assert_eq!(f.len(), base.len());
            }
        }
        let mut deep = b"%PDF-1.7\n1 0 obj ".to_vec();
        deep.extend(std::iter::repeat_n(b'[', 10_000));
        deep.extend_from_slice(b" /Info 1 0 R");
        let _ = scrub(&mut deep);
    }
}
