//! The payload encoders are pinned byte for byte: for a seeded RNG, `seal`, `seal_into` and
//! `seal_stream` must produce exactly these envelopes (their SHA-256 is
//! listed), across the padding buckets and chunk boundaries (SPEC.md §4–§6). The digests were
//! taken from the implementation before the payload path was optimised (docs/benchmarks.md), so any change
//! to an output byte fails here, not only in the vector files (which test opening).
//! `wasm.rs` checks the same digests in headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{EXPECTED, digests};
use loket_crypto::stream::seal_stream;
use loket_crypto::{seal, seal_into, sealed_len};
use rand::SeedableRng;

#[test]
fn seal_output_is_unchanged() {
    assert_eq!(digests(|rng, r, p| seal(rng, r, p).unwrap()), EXPECTED);
}

#[test]
fn seal_into_output_is_unchanged_and_appends() {
    let mut out = b"kept".to_vec();
    let got = digests(|rng, r, p| {
        out.truncate(4);
        let n = seal_into(rng, r, p, &mut out).unwrap();
        assert_eq!(&out[..4], b"kept");
        assert_eq!(n, out.len() - 4);
        assert_eq!(n, sealed_len(r.len(), p.len()).unwrap());
        out[4..].to_vec()
    });
    assert_eq!(got, EXPECTED);
}

#[test]
fn refused_recipients_leave_the_output_alone() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let mut out = b"kept".to_vec();
    assert!(seal_into(&mut rng, &[], b"plaintext", &mut out).is_err());
    assert_eq!(out, b"kept");
}

#[test]
fn seal_stream_output_is_unchanged() {
    let got = digests(|rng, r, p| {
        let mut out = Vec::new();
        let n = seal_stream(rng, r, p, p.len() as u64, &mut out).unwrap();
        assert_eq!(n, out.len() as u64);
        out
    });
    assert_eq!(got, EXPECTED);
}
