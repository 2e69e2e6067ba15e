//! Checks of the test vectors in `tests/vectors/` (SPEC.md), shared by the native runner
//! (`vectors.rs`, which reads the directory) and the browser runner (`wasm.rs`, which embeds
//! the files), so both targets check exactly the same expectations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::sign::Signer;
use loket_crypto::{FollowUpCode, Identity, OpenError, keyfile};
use sha2::{Digest, Sha256};

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn field(head: &str, k: &str) -> Option<String> {
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{k}: ")))
        .map(str::to_owned)
}

/// Checks one envelope vector; returns its expectation kind.
pub fn check_envelope(name: &str, text: &str) -> String {
    let (head, body) = text.split_once("\n\n").unwrap();
    let expect = field(head, "expect").unwrap();
    let secret: [u8; 32] = unhex(&field(head, "identity").unwrap()).try_into().unwrap();
    let envelope = STANDARD
        .decode(body.split_whitespace().collect::<String>())
        .unwrap();
    let result = loket_crypto::open(&Identity::from_bytes(secret), &envelope);
    match expect.as_str() {
        "success" => {
            let plain = result.unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(
                hex(&Sha256::digest(plain.as_slice())),
                field(head, "plaintext_sha256").unwrap(),
                "{name}"
            );
            assert_eq!(
                plain.len().to_string(),
                field(head, "plaintext_len").unwrap(),
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
    expect
}

/// Checks `codes.txt`: code, salt → lookup token, reporter X25519 and Ed25519 public keys.
/// Returns the number of vectors.
pub fn check_codes(text: &str) -> usize {
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
        assert_eq!(hex(&keys.signing.verifying_key()), f[4]);
        n += 1;
    }
    n
}

/// Checks `keyfile.txt`: the right passphrase unlocks the stated keys, a wrong one is named.
pub fn check_keyfile(text: &str) {
    let (head, armored) = text.split_once("\n\n").unwrap();
    let pass = field(head, "passphrase").unwrap();
    let key = keyfile::parse(armored).unwrap().unlock(&pass).unwrap();
    assert_eq!(hex(&key.public().x25519), field(head, "x25519").unwrap());
    assert_eq!(hex(&key.public().ed25519), field(head, "ed25519").unwrap());
    assert_eq!(
        keyfile::parse(armored)
            .unwrap()
            .unlock("not it at all")
            .unwrap_err(),
        loket_crypto::KeyFileError::WrongPassphrase
    );
}

/// Checks `signed_body.txt`: the signature reproduces byte for byte, verifies only in its
/// context, and any flipped bit breaks it.
pub fn check_signed_body(text: &str) {
    let f = |k: &str| field(text, k).unwrap();
    let seed: [u8; 32] = unhex(&f("signer_seed")).try_into().unwrap();
    let signer = loket_crypto::sign::SigningSecret::from_seed(seed);
    assert_eq!(hex(&signer.verifying_key()), f("signer"));
    let context = f("context");
    let body = unhex(&f("body"));
    let signed = unhex(&f("signed"));
    assert_eq!(
        loket_crypto::sign::sign_body(&signer, context.as_bytes(), &body),
        signed
    );
    let ok = loket_crypto::sign::verify_body(&signed, context.as_bytes()).unwrap();
    assert_eq!(ok.body, body.as_slice());
    assert_eq!(hex(&ok.signer), f("signer"));
    assert!(loket_crypto::sign::verify_body(&signed, b"report").is_err());
    for i in [0, 4, 5, 40, 100, signed.len() - 1] {
        let mut bent = signed.clone();
        bent[i] ^= 1;
        assert!(loket_crypto::sign::verify_body(&bent, context.as_bytes()).is_err());
    }
}
