//! Embeds the two built browser apps into the server binary: `portal/dist/reporter` (served at
//! `/`) and `portal/dist/team` (served under `/team/`; a later issue moves the team's app into
//! `loket-team`). When an app has not been built, the server still compiles and serves a page
//! that says how to build it. Also rebuilds the crate when a migration changes.

use std::fmt::Write as _;
use std::path::Path;

/// `pub static <name>: &[(&str, &[u8])]` with the files of `dir` (one level, sorted).
fn embed(code: &mut String, name: &str, dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let _ = writeln!(code, "pub static {name}: &[(&str, &[u8])] = &[");
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
        let (Some(file), Ok(abs)) = (
            path.file_name().and_then(|n| n.to_str()),
            path.canonicalize(),
        ) else {
            continue;
        };
        let _ = writeln!(
            code,
            "    ({file:?}, include_bytes!({:?})),",
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
    let mut code = String::new();
    embed(&mut code, "REPORTER", &dist.join("reporter"));
    embed(&mut code, "TEAM", &dist.join("team"));
    let out = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("assets.rs");
    if let Err(e) = std::fs::write(&out, code) {
        println!("cargo:warning=cannot write {}: {e}", out.display());
    }
}
