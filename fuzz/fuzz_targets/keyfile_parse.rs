//! `keyfile::parse` on any UTF-8 (a key file comes from disk or a paste). `unlock` is not
//! called: parse bounds Argon2id at m ≥ 8 MiB, t ≥ 1, so each unlock costs tens of
//! milliseconds at least, which is too slow for fuzzing; parsing is the parser under test.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: &str| {
    if let Ok(locked) = loket_crypto::keyfile::parse(input) {
        // What parse accepts must be within the documented bounds.
        let p = locked.params;
        assert!((8 * 1024..=1024 * 1024).contains(&p.m_kib), "{p:?}");
        assert!((1..=10).contains(&p.t), "{p:?}");
        assert!((1..=4).contains(&p.p), "{p:?}");
    }
});
