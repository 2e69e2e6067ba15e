//! Checks of the test vectors in `tests/vectors/` (SPEC.md), shared by the native runner
//! (`vectors.rs`, which reads the directory) and the browser runner (`wasm.rs`, which embeds
//! the files), so both targets check exactly the same expectations.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::sign::Signer;
use loket_crypto::{FollowUpCode, Identity, OpenError, keyfile};
use rand::SeedableRng;
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

/// Plaintext lengths: empty, the small buckets' edges, one chunk and its neighbours, a
/// zero-only padding chunk after a full one (Padmé), several chunks.
pub const LENGTHS: [usize; 14] = [
    0,
    1,
    45,
    4095,
    4096,
    16_383,
    65_535,
    65_536,
    65_537,
    131_071,
    131_072,
    150_000,
    300_001,
    (1 << 20) + 5,
];

pub fn plaintext(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

/// The SHA-256 of the envelope `f` seals for each of [`LENGTHS`], with a seeded RNG and one or
/// two recipients.
pub fn digests(
    mut f: impl FnMut(&mut rand::rngs::StdRng, &[loket_crypto::RecipientKey], &[u8]) -> Vec<u8>,
) -> Vec<String> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x5a4d_4542);
    let a = Identity::generate(&mut rng).recipient();
    let b = Identity::generate(&mut rng).recipient();
    LENGTHS
        .iter()
        .enumerate()
        .map(|(i, &len)| {
            let recipients = if i % 3 == 0 { vec![a, b] } else { vec![a] };
            hex(&Sha256::digest(f(&mut rng, &recipients, &plaintext(len))))
        })
        .collect()
}

/// SHA-256 of each envelope, in the order of [`LENGTHS`], taken before the payload path was
/// optimised (docs/benchmarks.md): `same_bytes.rs` and `wasm.rs` hold every sealer to them.
pub const EXPECTED: [&str; 14] = [
    "56ad9b0db19ed4be2588c425c1666435eaab7254d44d41b8ea8ee5751aa8c187",
    "53fb150277a1f09c4d43a35353d4739f0701c705dcaeea7174940f1699848b18",
    "f47cea445f62b7045bbf33a33f38e0cc8aea0da54937a921f306d9a2298b7344",
    "198fe9b0e5cfc6b6e8ef0f87fa17b5f39410fd4f17d66b3346ba24299dcd1265",
    "cf73e927a155ecc954db06f32368965a865efccf45f30e59dfda31c83100c601",
    "5e1f7f09ef88a89850570d8f3dbf1ea9b14a7cf68f6d18d3f0d01a707ef6c9f8",
    "1b60bf6990e4271585a701154645733ea753556522f68b3517da6e214f752232",
    "433ba6143d0ff7db472aa9351ddfbc548dc4d8ff87f6bed37cb5d027afe1217b",
    "41bcb68b98548912c51399742b0cb231ec05c21fe5688c9b5dba007362257fb3",
    "819190d9a858b0219207a7f0dbe522fe79ca666d0c8d9f5009df1de9563af9d4",
    "91f177cc9d1d55e1346fb9c32863e58ad806f5f8354d1e069c0bd65546115c56",
    "cb02c2c9271ba84faecb760afcf0a50c3ec55b8afe55ac296668e2bfc597d1ec",
    "04b943e02acde51785645d8b9ed58f6ebc92927f51f0472b443db26698618a5e",
    "ca5666944de5e448c562f11e0a655cfef2e5eb801bc0fa445060340fb94ba71c",
];
