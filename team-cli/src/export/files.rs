//! Writing the export: a folder only the member can open (0700), files only they can read
//! (0600), each created anew, never over an existing one.

use std::io::Write;
use std::path::{Path, PathBuf};

use super::ExportError;

fn io(path: &Path, e: std::io::Error) -> ExportError {
    ExportError::Write {
        path: path.to_owned(),
        why: e.to_string(),
    }
}

/// Makes `out` for an export: a new folder, or an empty one that exists. Refuses anything
/// else, so an export never mixes with or overwrites other files.
pub(crate) fn prepare(out: &Path) -> Result<(), ExportError> {
    match std::fs::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(ExportError::NotEmpty(out.to_owned()));
            }
            restrict(out)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            #[cfg(unix)]
            {
                use std::os::unix::fs::DirBuilderExt;
                builder.mode(0o700);
            }
            builder.create(out).map_err(|e| io(out, e))?;
            restrict(out)
        }
        Err(e) => Err(io(out, e)),
    }
}

/// Only the member may list or open the folder.
fn restrict(dir: &Path) -> Result<(), ExportError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io(dir, e))?;
    }
    Ok(())
}

/// A new folder `parent/name`, 0700.
pub(crate) fn folder(parent: &Path, name: &str) -> Result<PathBuf, ExportError> {
    let path = parent.join(name);
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(&path).map_err(|e| io(&path, e))?;
    restrict(&path)?;
    Ok(path)
}

/// A new file `path` with `bytes`, 0600, written to the disk before it returns.
pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<(), ExportError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| io(path, e))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| io(path, e))
}

/// A case id as a folder name: the server makes ids URL-safe; anything else is made harmless.
pub(crate) fn case_folder_name(report_id: &str) -> String {
    let plain = !report_id.is_empty()
        && report_id.len() <= 100
        && report_id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        report_id.to_owned()
    } else {
        format!("case-{}", loket_client::safe_file_name(report_id))
    }
}

/// `name` made harmless (loket_client::safe_file_name), and made unique among `taken` by a
/// number before its extension: `photo.jpg`, `photo (2).jpg`.
pub(crate) fn unique_name(name: &str, taken: &[String]) -> String {
    let safe = loket_client::safe_file_name(name);
    let free = |candidate: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(candidate));
    if free(&safe) {
        return safe;
    }
    let (stem, ext) = match safe.rfind('.') {
        Some(dot) if dot > 0 => safe.split_at(dot),
        _ => (safe.as_str(), ""),
    };
    let mut n = 2u32;
    loop {
        let candidate = format!("{stem} ({n}){ext}");
        if free(&candidate) {
            return candidate;
        }
        n += 1;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn names_are_harmless_and_unique() {
        let taken = vec!["photo.jpg".to_owned(), "photo (2).jpg".to_owned()];
        assert_eq!(unique_name("photo.jpg", &taken), "photo (3).jpg");
        assert_eq!(unique_name("../../etc/passwd", &[]), "_.._etc_passwd");
        assert_eq!(unique_name("notes", &["notes".into()]), "notes (2)");
        assert_eq!(case_folder_name("AbC-12_x"), "AbC-12_x");
        assert_eq!(case_folder_name("../x"), "case-_x");
    }

    #[test]
    fn only_a_new_or_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("new");
        prepare(&out).unwrap();
        prepare(&out).unwrap();
        write(&out.join("f"), b"x").unwrap();
        assert!(matches!(prepare(&out), Err(ExportError::NotEmpty(_))));
        assert!(write(&out.join("f"), b"y").is_err(), "never over a file");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&out), 0o700);
            assert_eq!(mode(&out.join("f")), 0o600);
        }
    }
}
