//! `loket_crypto::open` on arbitrary bytes (an envelope from the server is untrusted), and a
//! seal → open roundtrip of the input as plaintext with a fixed-seed RNG.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_crypto::{Identity, RecipientKey};
use rand::SeedableRng;
use std::sync::LazyLock;

// Built once: key setup is a scalar multiplication, which would dominate every run.
static IDENTITY: LazyLock<(Identity, RecipientKey)> = LazyLock::new(|| {
    let identity = Identity::from_bytes([7; 32]);
    let recipient = identity.recipient();
    (identity, recipient)
});

fuzz_target!(|data: &[u8]| {
    let (identity, recipient) = &*IDENTITY;

    // Untrusted bytes: any result is fine, a panic is not.
    let _ = loket_crypto::open(identity, data);

    // Roundtrip: whatever the plaintext, sealing to this identity must open back to it.
    let mut rng = rand::rngs::StdRng::seed_from_u64(0x6c6f6b6574);
    let sealed = loket_crypto::seal(&mut rng, &[*recipient], data)
        .expect("sealing to one valid recipient must succeed");
    let opened = loket_crypto::open(identity, &sealed).expect("a fresh envelope must open");
    assert_eq!(opened.as_slice(), data, "roundtrip changed the plaintext");
});
