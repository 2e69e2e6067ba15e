//! Office Open XML files (docx, xlsx, pptx: ISO/IEC 29500 packages, which are zip archives,
//! APPNOTE 6.3). The document properties — `docProps/core.xml` (creator, last modified by,
//! dates, title, keywords), `docProps/app.xml` (company, manager, template, application) and
//! `docProps/custom.xml` — are replaced by empty, valid parts, stored uncompressed. Every other
//! entry is copied as it is (compressed data untouched); the archive comment and entry comments
//! are dropped and every entry's time is set to 1980-01-01. Zip64 archives are refused.

use crate::{IN_MEMORY_LIMIT, Removed, ScrubError};

const CORE: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"></cp:coreProperties>"#;
const APP: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>"#;
const CUSTOM: &[u8] = br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"></Properties>"#;

/// The parts replaced, and by what.
fn replacement(name: &[u8]) -> Option<&'static [u8]> {
    match name {
        b"docProps/core.xml" => Some(CORE),
        b"docProps/app.xml" => Some(APP),
        b"docProps/custom.xml" => Some(CUSTOM),
        _ => None,
    }
}

const LOCAL: &[u8] = b"PK\x03\x04";
const CENTRAL: &[u8] = b"PK\x01\x02";
const END: &[u8] = b"PK\x05\x06";
/// DOS date 1980-01-01.
const DOS_DATE: u16 = 0x21;

fn u16_at(f: &[u8], at: usize) -> Result<u16, ScrubError> {
    let b = f.get(at..at + 2).ok_or(ScrubError::Malformed)?;
    Ok(u16::from_le_bytes(
        b.try_into().map_err(|_| ScrubError::Malformed)?,
    ))
}

fn u32_at(f: &[u8], at: usize) -> Result<u32, ScrubError> {
    let b = f.get(at..at + 4).ok_or(ScrubError::Malformed)?;
    Ok(u32::from_le_bytes(
        b.try_into().map_err(|_| ScrubError::Malformed)?,
    ))
}

fn set_u16(f: &mut [u8], at: usize, v: u16) {
    if let Some(b) = f.get_mut(at..at + 2) {
        b.copy_from_slice(&v.to_le_bytes());
    }
}

fn set_u32(f: &mut [u8], at: usize, v: u32) {
    if let Some(b) = f.get_mut(at..at + 4) {
        b.copy_from_slice(&v.to_le_bytes());
    }
}

/// CRC-32 (IEEE), for the replaced parts.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = (crc >> 1) ^ (0xedb8_8320 & 0u32.wrapping_sub(crc & 1));
        }
    }
    !crc
}

/// One central directory entry.
struct Entry {
    /// The central directory record, with its name, extra field and comment.
    record: Vec<u8>,
    name: Vec<u8>,
    offset: usize,
}

/// The central directory of the package in `file`: its entries, where it starts, and how
/// many entries the end record counts.
fn central_directory(file: &[u8]) -> Result<(Vec<Entry>, usize, u16), ScrubError> {
    // The end record: the last signature within the final 22 + 65 535 bytes.
    let low = file.len().saturating_sub(22 + 0xffff);
    let end = (low..=file.len().saturating_sub(22))
        .rev()
        .find(|&i| file.get(i..i + 4) == Some(END))
        .ok_or(ScrubError::Malformed)?;
    if end + 22 + usize::from(u16_at(file, end + 20)?) != file.len() {
        return Err(ScrubError::Malformed);
    }
    let count = u16_at(file, end + 10)?;
    let cd_size = u32_at(file, end + 12)?;
    let cd_offset = u32_at(file, end + 16)?;
    if count == 0xffff || cd_size == 0xffff_ffff || cd_offset == 0xffff_ffff {
        return Err(ScrubError::Unsupported);
    }
    if u16_at(file, end + 4)? != 0 || u16_at(file, end + 6)? != 0 {
        return Err(ScrubError::Unsupported); // split archives
    }
    let cd_offset = cd_offset as usize;
    if cd_offset.checked_add(cd_size as usize) != Some(end) {
        return Err(ScrubError::Malformed);
    }
    let mut entries = Vec::new();
    let mut at = cd_offset;
    for _ in 0..count {
        if file.get(at..at + 4) != Some(CENTRAL) {
            return Err(ScrubError::Malformed);
        }
        let name_len = usize::from(u16_at(file, at + 28)?);
        let extra_len = usize::from(u16_at(file, at + 30)?);
        let comment_len = usize::from(u16_at(file, at + 32)?);
        let offset = u32_at(file, at + 42)?;
        if offset == 0xffff_ffff || u32_at(file, at + 20)? == 0xffff_ffff {
            return Err(ScrubError::Unsupported);
        }
        let name_end = at + 46 + name_len;
        let name = file.get(at + 46..name_end).ok_or(ScrubError::Malformed)?;
        let record = file
            .get(at..name_end + extra_len)
            .ok_or(ScrubError::Malformed)?;
        entries.push(Entry {
            record: record.to_vec(),
            name: name.to_vec(),
            offset: offset as usize,
        });
        at = name_end + extra_len + comment_len;
    }
    if at != end {
        return Err(ScrubError::Malformed);
    }
    if !entries.iter().any(|e| e.name == b"[Content_Types].xml") {
        return Err(ScrubError::Malformed);
    }
    Ok((entries, cd_offset, count))
}

/// Writes `part` in place of `entry`'s data: a stored local entry with its new CRC and sizes,
/// and the central record changed to match. `flags` keeps only the "UTF-8 names" bit.
fn write_replacement(out: &mut Vec<u8>, entry: &mut Entry, part: &[u8]) -> Result<(), ScrubError> {
    let crc = crc32(part);
    let size = part.len() as u32;
    let flags = u16_at(&entry.record, 8)? & 0x0800;
    let mut local = Vec::with_capacity(30 + entry.name.len());
    local.extend_from_slice(LOCAL);
    for v in [20u16, flags, 0, 0, DOS_DATE] {
        local.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        local.extend_from_slice(&v.to_le_bytes());
    }
    local.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
    local.extend_from_slice(&0u16.to_le_bytes());
    local.extend_from_slice(&entry.name);
    out.extend_from_slice(&local);
    out.extend_from_slice(part);
    // The central record: stored, new CRC and sizes, no extra field.
    let name_end = 46 + entry.name.len();
    entry.record.truncate(name_end);
    set_u16(&mut entry.record, 6, 20);
    set_u16(&mut entry.record, 8, flags);
    set_u16(&mut entry.record, 10, 0);
    set_u32(&mut entry.record, 16, crc);
    set_u32(&mut entry.record, 20, size);
    set_u32(&mut entry.record, 24, size);
    set_u16(&mut entry.record, 30, 0);
    Ok(())
}

/// Rewrites the package in `file` without its document properties.
pub fn scrub(file: &[u8]) -> Result<(Vec<u8>, Vec<Removed>), ScrubError> {
    if file.len() as u64 > IN_MEMORY_LIMIT {
        return Err(ScrubError::TooLarge);
    }
    let (mut entries, cd_offset, count) = central_directory(file)?;
    // Each entry's local data run to the next entry's (or to the central directory).
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries.get(i).map_or(0, |e| e.offset));
    let stops: Vec<usize> = (0..order.len())
        .map(|k| {
            order
                .get(k + 1)
                .and_then(|&j| entries.get(j))
                .map_or(cd_offset, |e| e.offset)
        })
        .collect();
    let mut out = Vec::with_capacity(file.len());
    let mut removed = Vec::new();
    for (&i, &stop) in order.iter().zip(&stops) {
        let entry = entries.get_mut(i).ok_or(ScrubError::Malformed)?;
        let start = entry.offset;
        let raw = file.get(start..stop).ok_or(ScrubError::Malformed)?;
        if !raw.starts_with(LOCAL) || raw.len() < 30 {
            return Err(ScrubError::Malformed);
        }
        let new_offset = u32::try_from(out.len()).map_err(|_| ScrubError::Unsupported)?;
        set_u32(&mut entry.record, 42, new_offset);
        set_u16(&mut entry.record, 12, 0);
        set_u16(&mut entry.record, 14, DOS_DATE);
        set_u16(&mut entry.record, 32, 0); // no entry comment
        match replacement(&entry.name) {
            Some(part) => {
                if !removed.contains(&Removed::DocumentProperties) {
                    removed.push(Removed::DocumentProperties);
                }
                write_replacement(&mut out, entry, part)?;
            }
            None => {
                let at = out.len();
                out.extend_from_slice(raw);
                set_u16(&mut out, at + 10, 0);
                set_u16(&mut out, at + 12, DOS_DATE);
            }
        }
    }
    let cd_start = u32::try_from(out.len()).map_err(|_| ScrubError::Unsupported)?;
    for e in &entries {
        out.extend_from_slice(&e.record);
    }
    let cd_len = u32::try_from(out.len()).map_err(|_| ScrubError::Unsupported)? - cd_start;
    out.extend_from_slice(END);
    for v in [0u16, 0, count, count] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&cd_len.to_le_bytes());
    out.extend_from_slice(&cd_start.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // no archive comment
    Ok((out, removed))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A stored zip of `parts`, as a packager would write it (with a data descriptor flag and
    /// an archive comment, to see them handled).
    fn zip(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut cd = Vec::new();
        for (name, data) in parts {
            let offset = out.len() as u32;
            let crc = crc32(data);
            let size = data.len() as u32;
            let mut local = LOCAL.to_vec();
            for v in [20u16, 0, 0, 0x6000, 0x5a21] {
                local.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc, size, size] {
                local.extend_from_slice(&v.to_le_bytes());
            }
            local.extend_from_slice(&(name.len() as u16).to_le_bytes());
            local.extend_from_slice(&0u16.to_le_bytes());
            local.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&local);
            out.extend_from_slice(data);
            cd.extend_from_slice(CENTRAL);
            for v in [20u16, 20, 0, 0, 0x6000, 0x5a21] {
                cd.extend_from_slice(&v.to_le_bytes());
            }
            for v in [crc, size, size] {
                cd.extend_from_slice(&v.to_le_bytes());
            }
            let comment = b"by jdoe";
            for v in [name.len() as u16, 0, comment.len() as u16, 0, 0] {
                cd.extend_from_slice(&v.to_le_bytes());
            }
            cd.extend_from_slice(&0u32.to_le_bytes());
            cd.extend_from_slice(&offset.to_le_bytes());
            cd.extend_from_slice(name.as_bytes());
            cd.extend_from_slice(comment);
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&cd);
        out.extend_from_slice(END);
        let n = parts.len() as u16;
        for v in [0u16, 0, n, n] {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(cd.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&7u16.to_le_bytes());
        out.extend_from_slice(b"J. Doe!");
        out
    }

    /// Reads a stored zip back through its central directory, checking every CRC.
    fn unzip(file: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = file.len() - 22;
        assert_eq!(&file[end..end + 4], END);
        let count = u16_at(file, end + 10).unwrap();
        let mut at = u32_at(file, end + 16).unwrap() as usize;
        let mut parts = Vec::new();
        for _ in 0..count {
            assert_eq!(&file[at..at + 4], CENTRAL);
            let name_len = u16_at(file, at + 28).unwrap() as usize;
            let extra = u16_at(file, at + 30).unwrap() as usize;
            let comment = u16_at(file, at + 32).unwrap() as usize;
            let size = u32_at(file, at + 20).unwrap() as usize;
            let crc = u32_at(file, at + 16).unwrap();
            let offset = u32_at(file, at + 42).unwrap() as usize;
            let name = String::from_utf8(file[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(&file[offset..offset + 4], LOCAL);
            let data_at = offset
                + 30
                + u16_at(file, offset + 26).unwrap() as usize
                + u16_at(file, offset + 28).unwrap() as usize;
            let data = file[data_at..data_at + size].to_vec();
            assert_eq!(crc32(&data), crc, "{name}");
            parts.push((name, data));
            at += 46 + name_len + extra + comment;
        }
        parts
    }

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }

    #[test]
    fn document_properties_are_emptied_and_the_rest_kept() {
        let core = b"<cp:coreProperties><dc:creator>J. Doe</dc:creator><cp:lastModifiedBy>J. Doe</cp:lastModifiedBy></cp:coreProperties>";
        let app = b"<Properties><Company>Faculty of Law</Company><Manager>P. Smith</Manager></Properties>";
        let doc = b"<w:document>the minutes</w:document>";
        let file = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("docProps/core.xml", core),
            ("word/document.xml", doc),
            ("docProps/app.xml", app),
        ]);
        let (clean, removed) = scrub(&file).unwrap();
        assert_eq!(removed, vec![Removed::DocumentProperties]);
        let parts = unzip(&clean);
        let names: Vec<&str> = parts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "docProps/core.xml",
                "word/document.xml",
                "docProps/app.xml"
            ]
        );
        assert_eq!(parts[1].1, CORE);
        assert_eq!(parts[2].1, doc);
        assert_eq!(parts[3].1, APP);
        for gone in [
            &b"J. Doe"[..],
            b"Faculty",
            b"Smith",
            b"by jdoe",
            &0x5a21u16.to_le_bytes(),
        ] {
            assert!(!clean.windows(gone.len()).any(|w| w == gone), "{gone:?}");
        }
        // A clean package stays a package, and cleaning it again changes nothing.
        assert_eq!(scrub(&clean).unwrap().0, clean);
    }

    #[test]
    fn malformed_packages_are_errors_not_panics() {
        let file = zip(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("docProps/core.xml", b"<x>J. Doe</x>"),
        ]);
        for cut in 0..file.len() {
            assert!(scrub(&file[..cut]).is_err());
        }
        assert_eq!(
            scrub(&zip(&[("a.txt", b"no content types")])).err(),
            Some(ScrubError::Malformed)
        );
        let mut x: u32 = 3;
        for _ in 0..3000 {
            let mut f = file.clone();
            for _ in 0..2 {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                let i = (x >> 8) as usize % f.len();
                f[i] = (x >> 24) as u8;
            }
            let _ = scrub(&f);
        }
        let mut zip64 = file.clone();
        let end = zip64.len() - 22 - 7;
        zip64[end + 16..end + 20].copy_from_slice(&[0xff; 4]);
        assert_eq!(scrub(&zip64).err(), Some(ScrubError::Unsupported));
    }
}
