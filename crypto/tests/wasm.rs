//! loket-crypto in the browser: the test vectors and round trips of the native suite, run as
//! WebAssembly in headless Chromium with wasm-bindgen-test (`scripts/test.sh` runs it with
//! `wasm-bindgen-test-runner`; `webdriver.json` holds the Chromium flags).
#![cfg(all(target_arch = "wasm32", target_os = "unknown"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use loket_crypto::sign::{self, Signer, SigningSecret};
use loket_crypto::{FollowUpCode, Identity, MemberSecretKey, keyfile};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

macro_rules! vectors {
    ($($name:literal),* $(,)?) => {
        [$(($name, include_str!(concat!("vectors/", $name)))),*]
    };
}

#[wasm_bindgen_test]
fn envelope_vectors_in_the_browser() {
    let all = vectors!(
        "envelope_all_zero_share.txt",
        "envelope_bad_magic.txt",
        "envelope_chunk_bitflip.txt",
        "envelope_count_past_end.txt",
        "envelope_empty_plaintext.txt",
        "envelope_extended.txt",
        "envelope_mac_bitflip.txt",
        "envelope_missing_last_chunk.txt",
        "envelope_multi_chunk.txt",
        "envelope_nonce_bitflip.txt",
        "envelope_one_recipient.txt",
        "envelope_reordered_chunks.txt",
        "envelope_stanza_bitflip.txt",
        "envelope_three_recipients.txt",
        "envelope_tiny_final_chunk.txt",
        "envelope_truncated.txt",
        "envelope_wrong_key.txt",
        "envelope_wrong_version.txt",
        "envelope_zero_stanzas.txt",
    );
    let mut kinds = std::collections::BTreeSet::new();
    for (name, text) in all {
        kinds.insert(common::check_envelope(name, text));
    }
    assert_eq!(kinds.len(), 4);
}

#[wasm_bindgen_test]
fn code_vectors_in_the_browser() {
    // Argon2id with m = 64 MiB in WebAssembly: the same tokens and keys as natively.
    assert_eq!(common::check_codes(include_str!("vectors/codes.txt")), 3);
}

#[wasm_bindgen_test]
fn keyfile_vector_in_the_browser() {
    common::check_keyfile(include_str!("vectors/keyfile.txt"));
}

#[wasm_bindgen_test]
fn signed_body_vector_in_the_browser() {
    common::check_signed_body(include_str!("vectors/signed_body.txt"));
}

#[wasm_bindgen_test]
fn seal_open_with_browser_randomness() {
    // rand's thread RNG draws from crypto.getRandomValues here (getrandom's wasm_js backend).
    let mut rng = rand::rng();
    let ids: Vec<Identity> = (0..3).map(|_| Identity::generate(&mut rng)).collect();
    let recipients: Vec<_> = ids.iter().map(Identity::recipient).collect();
    for len in [0usize, 1, 4095, 70_000] {
        let data: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let sealed = loket_crypto::seal(&mut rng, &recipients, &data).unwrap();
        for id in &ids {
            assert_eq!(loket_crypto::open(id, &sealed).unwrap().as_slice(), data);
        }
        let mut bent = sealed.clone();
        let last = bent.len() - 1;
        bent[last] ^= 1;
        assert!(loket_crypto::open(&ids[0], &bent).is_err());
    }
    let code = FollowUpCode::generate(&mut rng);
    assert!(FollowUpCode::parse(&code.display()).is_ok());
    let member = MemberSecretKey::generate(&mut rng);
    let signed = sign::sign_body(&member, b"report", b"x");
    assert_eq!(
        sign::verify_body(&signed, b"report").unwrap().signer,
        member.verifying_key()
    );
    let other = SigningSecret::generate(&mut rng);
    assert_ne!(other.verifying_key(), member.verifying_key());
    let file = keyfile::encrypt(
        &mut rng,
        &member,
        "a passphrase for the browser",
        keyfile::KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        },
    )
    .unwrap();
    let back = keyfile::parse(&file)
        .unwrap()
        .unlock("a passphrase for the browser")
        .unwrap();
    assert_eq!(back.public(), member.public());
}

/// The in-memory and streaming sealers give the pinned bytes in WebAssembly too.
#[wasm_bindgen_test]
fn sealers_give_the_pinned_bytes_in_the_browser() {
    let seal =
        |rng: &mut rand::rngs::StdRng, r: &[_], p: &[u8]| loket_crypto::seal(rng, r, p).unwrap();
    assert_eq!(common::digests(seal), common::EXPECTED);
    let into = |rng: &mut rand::rngs::StdRng, r: &[_], p: &[u8]| {
        let mut out = Vec::new();
        loket_crypto::seal_into(rng, r, p, &mut out).unwrap();
        out
    };
    assert_eq!(common::digests(into), common::EXPECTED);
    let stream = |rng: &mut rand::rngs::StdRng, r: &[_], p: &[u8]| {
        let mut out = Vec::new();
        loket_crypto::stream::seal_stream(rng, r, p, p.len() as u64, &mut out).unwrap();
        out
    };
    assert_eq!(common::digests(stream), common::EXPECTED);
}
