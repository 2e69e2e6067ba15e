//! Data-driven runner for the test vectors in `tests/vectors/` (SPEC.md): every file is
//! checked, success and failure cases alike, so another implementation can use the same files.
//! `wasm.rs` runs the same checks in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

fn dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

#[test]
fn envelope_vectors() {
    let mut seen = 0;
    let mut kinds = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(dir()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.starts_with("envelope_") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        kinds.insert(common::check_envelope(&name, &text));
        seen += 1;
    }
    assert!(seen >= 19, "expected the full vector set, found {seen}");
    assert_eq!(
        kinds.len(),
        4,
        "vectors cover success and every failure kind"
    );
}

#[test]
fn code_vectors() {
    let text = std::fs::read_to_string(dir().join("codes.txt")).unwrap();
    assert_eq!(common::check_codes(&text), 3);
}

#[test]
fn keyfile_vector() {
    common::check_keyfile(&std::fs::read_to_string(dir().join("keyfile.txt")).unwrap());
}

#[test]
fn signed_body_vector() {
    common::check_signed_body(&std::fs::read_to_string(dir().join("signed_body.txt")).unwrap());
}
