//! `loket_crypto::stream::open_stream` on arbitrary bytes, checked against the in-memory
//! `open`; and a roundtrip through `seal_stream`/`open_stream` of a plaintext that may span
//! several 64 KiB chunks, checked byte for byte against the in-memory `seal`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_crypto::stream::{open_stream, seal_stream};
use loket_crypto::{Identity, RecipientKey};
use rand::SeedableRng;
use std::sync::LazyLock;

static IDENTITY: LazyLock<(Identity, RecipientKey)> = LazyLock::new(|| {
    let identity = Identity::from_bytes([7; 32]);
    let recipient = identity.recipient();
    (identity, recipient)
});

const SEED: u64 = 0x7374726561;

fuzz_target!(|data: &[u8]| {
    let (identity, recipient) = &*IDENTITY;

    // Untrusted bytes: no panic, and the streaming reader agrees with the in-memory one.
    let mut out = Vec::new();
    let streamed = open_stream(identity, data, &mut out);
    let in_memory = loket_crypto::open(identity, data);
    match (&streamed, &in_memory) {
        (Ok(n), Ok(plain)) => {
            assert_eq!(*n as usize, plain.len());
            assert_eq!(out.as_slice(), plain.as_slice());
        }
        (Err(_), Err(_)) => {}
        _ => panic!(
            "open_stream and open disagree: {streamed:?} vs {:?}",
            in_memory.is_ok()
        ),
    }

    // Roundtrip. The first two bytes choose a length up to ~256 KiB (several chunks, Padmé
    // sizes); the rest is cycled to fill it (zeros when empty).
    let (len, pattern) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])) * 4, rest),
        _ => (data.len(), data),
    };
    let plain: Vec<u8> = if pattern.is_empty() {
        vec![0; len]
    } else {
        pattern.iter().copied().cycle().take(len).collect()
    };

    let mut rng = rand::rngs::StdRng::seed_from_u64(SEED);
    let mut sealed = Vec::new();
    let written = seal_stream(
        &mut rng,
        &[*recipient],
        plain.as_slice(),
        len as u64,
        &mut sealed,
    )
    .expect("seal_stream to one recipient must succeed");
    assert_eq!(written as usize, sealed.len());

    // SPEC §5: the stream writer produces the same bytes as the in-memory seal.
    let mut rng = rand::rngs::StdRng::seed_from_u64(SEED);
    let sealed_mem = loket_crypto::seal(&mut rng, &[*recipient], &plain)
        .expect("seal to one recipient must succeed");
    assert!(
        sealed == sealed_mem,
        "seal_stream and seal produced different bytes"
    );

    let mut opened = Vec::new();
    let n =
        open_stream(identity, sealed.as_slice(), &mut opened).expect("a fresh stream must open");
    assert_eq!(n as usize, len);
    assert!(opened == plain, "stream roundtrip changed the plaintext");

    // Truncated by one byte: must fail (truncation is detected at the end).
    if let Some(short) = sealed.get(..sealed.len() - 1) {
        assert!(open_stream(identity, short, &mut Vec::new()).is_err());
    }
});
