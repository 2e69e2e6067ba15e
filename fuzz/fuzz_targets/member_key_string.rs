//! Public key strings pasted by people: `MemberKeys::parse` (lkm1:…) and
//! `OrganisationKey::parse` (lko1:…), with encode → parse roundtrips of what they accept.
#![no_main]

use libfuzzer_sys::fuzz_target;
use loket_wire::keys::{MemberKeys, OrganisationKey};

fuzz_target!(|input: &str| {
    if let Ok(k) = MemberKeys::parse(input) {
        assert_eq!(MemberKeys::parse(&k.encode()), Ok(k));
        let _ = k.fingerprint();
    }
    if let Ok(k) = OrganisationKey::parse(input) {
        assert_eq!(OrganisationKey::parse(&k.encode()), Ok(k));
        let _ = k.fingerprint();
    }
});
