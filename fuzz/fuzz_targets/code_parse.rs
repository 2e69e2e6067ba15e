//! `FollowUpCode::parse` on any UTF-8 (a code is typed by a person). Never `derive`: Argon2id
//! with 64 MiB would make each run take a second.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_crypto::FollowUpCode;

fuzz_target!(|input: &str| {
    if let Ok(code) = FollowUpCode::parse(input) {
        let shown = code.display();
        let again = FollowUpCode::parse(&shown).expect("a displayed code must parse");
        assert_eq!(
            *again.display(),
            *shown,
            "display → parse → display is not stable"
        );
        // Display form: 20 symbols in groups of four.
        assert_eq!(shown.len(), 24);
    }
});
