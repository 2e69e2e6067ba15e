//! Data-driven runner for the test vectors in `tests/vectors/` (SPEC.md §11): every file is
//! checked, success and failure cases alike, so another implementation can use the same files.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::{FollowUpCode, Identity, OpenError, keyfile};
use sha2::{Digest, Sha256};

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

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
        let (head, body) = text.split_once("\n\n").unwrap();
        let field = |k: &str| {
            head.lines()
                .find_map(|l| l.strip_prefix(&format!("{k}: ")))
                .map(str::to_owned)
        };
        let expect = field("expect").unwrap();
        let secret: [u8; 32] = unhex(&field("identity").unwrap()).try_into().unwrap();
        let envelope = STANDARD
            .decode(body.split_whitespace().collect::<String>())
            .unwrap();
        let result = loket_crypto::open(&Identity::from_bytes(secret), &envelope);
        match expect.as_str() {
            "success" => {
                let plain = result.unwrap_or_else(|e| panic!("{name}: {e}"));
                assert_eq!(
                    hex(&Sha256::digest(plain.as_slice())),
                    field("plaintext_sha256").unwrap(),
                    "{name}"
                );
                assert_eq!(
                    plain.len().to_string(),
                    field("plaintext_len").unwrap(),
                    "{name}"
                );
            }
            "cannot_decrypt" => assert_eq!(result.unwrap_err(), OpenError::CannotDecrypt, "{name}"),
            "malformed" => assert_eq!(result.unwrap_err(), OpenError::Malformed, "{name}"),
            "unsupported_version" => {
                assert_eq!(result.unwrap_err(), OpenError::UnsupportedVersion, "{name}")
            }
            other => panic!("{name}: unknown expectation {other}"),
        }
        // The streaming reader agrees with the in-memory one on every vector.
        let streamed = loket_crypto::stream::open_stream(
            &Identity::from_bytes(secret),
            envelope.as_slice(),
            &mut Vec::new(),
        );
        assert_eq!(
            streamed.is_ok(),
            expect == "success",
            "{name}: stream reader disagrees"
        );
        kinds.insert(expect);
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
    let mut n = 0;
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let f: Vec<&str> = line.split_whitespace().collect();
        let keys = FollowUpCode::parse(f[0])
            .unwrap()
            .derive(&unhex(f[1]))
            .unwrap();
        assert_eq!(hex(keys.lookup_token.as_slice()), f[2]);
        assert_eq!(hex(&keys.identity.recipient().0), f[3]);
        n += 1;
    }
    assert_eq!(n, 3);
}

#[test]
fn keyfile_vector() {
    let text = std::fs::read_to_string(dir().join("keyfile.txt")).unwrap();
    let (head, armored) = text.split_once("\n\n").unwrap();
    let field = |k: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}: ")))
            .unwrap()
    };
    let key = keyfile::parse(armored)
        .unwrap()
        .unlock(field("passphrase"))
        .unwrap();
    assert_eq!(hex(&key.public().x25519), field("x25519"));
    assert_eq!(hex(&key.public().ed25519), field("ed25519"));
    assert_eq!(
        keyfile::parse(armored)
            .unwrap()
            .unlock("not it at all")
            .unwrap_err(),
        loket_crypto::KeyFileError::WrongPassphrase
    );
}
