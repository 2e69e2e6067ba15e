//! Embeds the two built browser apps into the server binary: `portal/dist/reporter` (served at
//! `/`) and `portal/dist/team` (served under `/team/`; a later issue moves the team's app into
//! `loket-team`). When an app has not been built, the server still compiles and serves a page
//! that says how to build it. Also rebuilds the crate when a migration changes.
//!
//! Every file is compressed here, once, at the highest levels (brotli quality 11 with the
//! largest window, gzip level 9), so that the server only picks the stored bytes that the
//! request accepts (src/http/assets.rs); a compressed form is kept only when it is smaller.
//! The SHA-256 of each file's own bytes is computed here too: the server publishes them
//! (`/hashes.txt`, docs/verify.md).

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;

use sha2::{Digest as _, Sha256};

fn brotli(data: &[u8]) -> std::io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 24,
        size_hint: data.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &data[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(data: &[u8]) -> std::io::Result<Vec<u8>> {
    // No file name and a zero time in the header: the same input gives the same bytes.
    let mut enc = flate2::GzBuilder::new().mtime(0).write(
        Vec::with_capacity(data.len() / 2),
        flate2::Compression::best(),
    );
    enc.write_all(data)?;
    enc.finish()
}

/// Writes `bytes` to `out_dir/name` if they are smaller than the original; returns the
/// `include_bytes!` expression for the field, or `None`.
fn compressed(
    out_dir: &Path,
    name: &str,
    original: usize,
    bytes: std::io::Result<Vec<u8>>,
) -> String {
    let bytes = match bytes {
        Ok(b) if b.len() < original => b,
        Ok(_) => return "None".into(),
        Err(e) => {
            println!("cargo:warning=cannot compress {name}: {e}");
            return "None".into();
        }
    };
    let path = out_dir.join(name);
    if let Err(e) = std::fs::write(&path, bytes) {
        println!("cargo:warning=cannot write {}: {e}", path.display());
        return "None".into();
    }
    format!("Some(include_bytes!({:?}))", path.display().to_string())
}

/// `pub static <name>: &[Asset] = &[…]` with the files of `dir` (one level, sorted by name).
fn embed(code: &mut String, name: &str, dir: &Path, out_dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let _ = writeln!(code, "pub static {name}: &[Asset] = &[");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let (Some(file), Ok(abs), Ok(data)) = (
            path.file_name().and_then(|n| n.to_str()),
            path.canonicalize(),
            std::fs::read(&path),
        ) else {
            continue;
        };
        let stem = format!("{}-{file}", name.to_lowercase());
        let br = compressed(out_dir, &format!("{stem}.br"), data.len(), brotli(&data));
        let gz = compressed(out_dir, &format!("{stem}.gz"), data.len(), gzip(&data));
        let sha256: String = Sha256::digest(&data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let _ = writeln!(
            code,
            "    Asset {{ name: {file:?}, identity: include_bytes!({:?}), br: {br}, gzip: {gz}, \
             sha256: {sha256:?} }},",
            abs.display().to_string()
        );
    }
    code.push_str("];\n");
}

fn main() {
    // sqlx::migrate! embeds the migrations: a new or changed file must rebuild the crate.
    println!("cargo:rerun-if-changed=migrations");
    let dist = Path::new(env!("CARGO_MANIFEST_DIR")).join("../portal/dist");
    println!("cargo:rerun-if-changed={}", dist.display());
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap_or_default());
    let mut code = String::new();
    embed(&mut code, "REPORTER", &dist.join("reporter"), &out_dir);
    embed(&mut code, "TEAM", &dist.join("team"), &out_dir);
    let out = out_dir.join("assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
