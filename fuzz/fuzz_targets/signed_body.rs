//! `sign::verify_body` on arbitrary bytes, in the report context and in a thread context;
//! plus a sign → verify roundtrip of the input as body with a fixed key.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_crypto::sign::{self, Signer, SigningSecret};
use std::sync::LazyLock;

static KEY: LazyLock<(SigningSecret, [u8; 32])> = LazyLock::new(|| {
    let key = SigningSecret::from_seed([9; 32]);
    let public = key.verifying_key();
    (key, public)
});

fuzz_target!(|data: &[u8]| {
    let _ = sign::verify_body(data, sign::REPORT_CONTEXT);
    let _ = sign::verify_body(data, &sign::thread_context("r-0123456789"));

    let (key, public) = &*KEY;
    let signed = sign::sign_body(key, sign::REPORT_CONTEXT, data);
    let ok = sign::verify_body(&signed, sign::REPORT_CONTEXT).expect("own signature must verify");
    assert_eq!(ok.body, data);
    assert_eq!(&ok.signer, public);
    assert!(sign::verify_body(&signed, &sign::thread_context("r-0123456789")).is_err());
});
