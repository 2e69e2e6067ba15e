//! Domain-separation labels (crypto/SPEC.md §2): every key derivation, MAC key, hash and
//! signature in Loket has its own label, so that no value made for one purpose is valid for
//! another. Each is defined here once; a test checks this list against the table in SPEC.md §2.

/// HKDF `info` of a stanza's wrap key (SPEC.md §4.2).
pub const STANZA_X25519: &[u8] = b"loket/v1/X25519";
/// HKDF `info` of the header MAC key (SPEC.md §4.1).
pub const HEADER_MAC: &[u8] = b"loket/v1/header";
/// HKDF `info` of the payload key (SPEC.md §5).
pub const PAYLOAD: &[u8] = b"loket/v1/payload";
/// HKDF `info` of the lookup token derived from a follow-up code (SPEC.md §7).
pub const LOOKUP_TOKEN: &[u8] = b"loket/v1/lookup-token";
/// HKDF `info` of the reporter's X25519 secret derived from a follow-up code (SPEC.md §7).
pub const REPORTER_X25519: &[u8] = b"loket/v1/reporter-x25519";
/// HKDF `info` of the reporter's Ed25519 seed derived from a follow-up code (SPEC.md §7).
pub const REPORTER_ED25519: &[u8] = b"loket/v1/reporter-ed25519";
/// Hashed before the keys of a member or organisation fingerprint (SPEC.md §3, §12.1).
pub const FINGERPRINT: &[u8] = b"loket/v1/fingerprint";
/// Prefix of what a member signs to open a team session (SPEC.md §9.5).
pub const SESSION_PROOF: &[u8] = b"loket/v1/team-session";
/// Prefix of what the signature of a signed body covers (SPEC.md §11.2).
pub const SIGNED_BODY: &[u8] = b"loket/v1/signed-body";
/// Prefix of what the organisation key signs in the team directory (SPEC.md §12.3).
pub const DIRECTORY: &[u8] = b"loket/v1/directory";
/// Prefix of the proof-of-work hash (docs/api.md, "Proof of work").
pub const POW_WORK: &[u8] = b"loket-pow-v1";
/// The server's HMAC key for proof-of-work challenges, derived from its instance secret.
pub const POW_KEY: &[u8] = b"loket/v1/pow";
/// The server's HMAC key for decoy answers, derived from its instance secret.
pub const DECOY_KEY: &[u8] = b"loket/v1/decoy";
/// The server's HMAC key for team login challenges, derived from its instance secret.
pub const LOGIN_KEY: &[u8] = b"loket/v1/login";
/// What the server's receipt key signs (SPEC.md §9.2).
pub const RECEIPT: &[u8] = b"loket/v1/signed-receipt";
/// The server's receipt signing key, from its instance secret.
pub const RECEIPT_KEY: &[u8] = b"loket/v1/receipt-key";

/// Every label above, for checks that they are distinct and documented.
pub const ALL: [&[u8]; 16] = [
    STANZA_X25519,
    HEADER_MAC,
    PAYLOAD,
    LOOKUP_TOKEN,
    REPORTER_X25519,
    REPORTER_ED25519,
    FINGERPRINT,
    SESSION_PROOF,
    SIGNED_BODY,
    DIRECTORY,
    POW_WORK,
    POW_KEY,
    DECOY_KEY,
    LOGIN_KEY,
    RECEIPT,
    RECEIPT_KEY,
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// The labels in the table of SPEC.md §2: the first code span of each table row.
    fn spec_labels() -> BTreeSet<String> {
        let spec = include_str!("../../crypto/SPEC.md");
        let section = spec
            .split_once("\n## 2.")
            .and_then(|(_, rest)| rest.split_once("\n## "))
            .map(|(section, _)| section)
            .expect("SPEC.md has a §2 followed by a §3");
        section
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(label, _)| label.to_owned())
            .collect()
    }

    /// The byte-string literals of the `pub const` lines of this file, so that a label added
    /// above but forgotten in [`super::ALL`] is caught too.
    fn source_labels() -> BTreeSet<String> {
        include_str!("labels.rs")
            .lines()
            .filter(|l| l.starts_with("pub const ") && l.contains("&[u8] = b\""))
            .filter_map(|l| l.split_once("b\""))
            .filter_map(|(_, rest)| rest.split_once('"'))
            .map(|(label, _)| label.to_owned())
            .collect()
    }

    #[test]
    fn every_label_is_in_the_spec_and_every_spec_label_is_here() {
        let spec = spec_labels();
        let source = source_labels();
        let all: BTreeSet<String> = super::ALL
            .iter()
            .map(|l| String::from_utf8(l.to_vec()).unwrap())
            .collect();
        assert_eq!(spec.len(), 16, "{spec:?}");
        assert_eq!(source, spec);
        assert_eq!(all, spec);
        // Distinct: no label is a prefix of another either, so no concatenation is ambiguous.
        for a in super::ALL {
            for b in super::ALL {
                assert!(a == b || !b.starts_with(a), "{a:?} is a prefix of {b:?}");
            }
        }
    }
}
