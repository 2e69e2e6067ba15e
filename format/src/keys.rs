//! Public keys as people and tools write them (SPEC.md §3, §12.1): member keys (`lkm1:`),
//! the organisation key (`lko1:`), and their fingerprints. Secrets live in the crypto crate.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use sha2::{Digest, Sha256};

use crate::{base32, labels, signed};

/// Prefix of a member public key string: `lkm1:` + base64url(x25519 ‖ ed25519).
pub const MEMBER_KEY_PREFIX: &str = "lkm1:";
/// Prefix of an organisation public key string: `lko1:` + base64url(ed25519).
pub const ORGANISATION_KEY_PREFIX: &str = "lko1:";
/// Symbols in a fingerprint (80 bits).
pub const FINGERPRINT_SYMBOLS: usize = 16;

/// A string that is not a Loket public key.
#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone, Copy)]
#[error("not a Loket public key (expected lkm1:… for a member, lko1:… for an organisation)")]
pub struct PublicKeyParseError;

/// A public X25519 key that envelopes can be sealed to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RecipientKey(pub [u8; 32]);

/// The public half of a member's keys, as published in the team directory: X25519 to receive
/// envelopes, Ed25519 to check what the member signs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct MemberPublicKey {
    /// The X25519 public key envelopes are sealed to.
    pub x25519: [u8; 32],
    /// The Ed25519 public key that checks the member's signatures.
    pub ed25519: [u8; 32],
}

/// Decodes the base64url body of a key string with `prefix` (surrounding whitespace ignored).
fn decode_key<const N: usize>(s: &str, prefix: &str) -> Result<[u8; N], PublicKeyParseError> {
    let body = s.trim().strip_prefix(prefix).ok_or(PublicKeyParseError)?;
    let bytes = URL_SAFE_NO_PAD
        .decode(body)
        .map_err(|_| PublicKeyParseError)?;
    bytes.try_into().map_err(|_| PublicKeyParseError)
}

/// A short fingerprint a person can compare aloud: the first 80 bits of
/// SHA-256("loket/v1/fingerprint" ‖ x25519 ‖ ed25519) in Crockford base 32, groups of four.
fn fingerprint(x25519: &[u8; 32], ed25519: &[u8; 32]) -> String {
    let digest = Sha256::new()
        .chain_update(labels::FINGERPRINT)
        .chain_update(x25519)
        .chain_update(ed25519)
        .finalize();
    let bits = digest
        .iter()
        .take(10)
        .fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
    let symbols =
        (0..FINGERPRINT_SYMBOLS).map(|i| char::from(base32::symbol((bits >> (75 - 5 * i)) as u8)));
    let mut out = String::with_capacity(base32::grouped_len(FINGERPRINT_SYMBOLS));
    base32::push_grouped(&mut out, symbols, ' ');
    out
}

impl MemberPublicKey {
    /// The key envelopes for this member are sealed to.
    pub fn recipient(&self) -> RecipientKey {
        RecipientKey(self.x25519)
    }

    /// Checks an Ed25519 signature by this member, strictly (see [`signed::verify`]).
    pub fn verify(&self, message: &[u8], signature: &[u8; 64]) -> bool {
        signed::verify(&self.ed25519, message, signature)
    }

    /// The key string, `lkm1:…`.
    pub fn encode(&self) -> String {
        let mut both = [0u8; 64];
        let (x, ed) = both.split_at_mut(32);
        x.copy_from_slice(&self.x25519);
        ed.copy_from_slice(&self.ed25519);
        format!("{MEMBER_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(both))
    }

    /// Reads a key string; any other prefix or a decoded length other than 64 is refused.
    pub fn parse(s: &str) -> Result<Self, PublicKeyParseError> {
        let both: [u8; 64] = decode_key(s, MEMBER_KEY_PREFIX)?;
        let (x, ed) = both.split_at(32);
        Ok(Self {
            x25519: x.try_into().map_err(|_| PublicKeyParseError)?,
            ed25519: ed.try_into().map_err(|_| PublicKeyParseError)?,
        })
    }

    /// The fingerprint (SPEC.md §3), e.g. `K6KZ 72E8 BEW5 NFAT`.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.x25519, &self.ed25519)
    }
}

/// The organisation's Ed25519 public key, which signs the team directory. Clients are built
/// with it (SPEC.md §12).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct OrganisationKey {
    /// The Ed25519 public key.
    pub ed25519: [u8; 32],
}

impl OrganisationKey {
    /// The key string, `lko1:…`.
    pub fn encode(&self) -> String {
        format!(
            "{ORGANISATION_KEY_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(self.ed25519)
        )
    }

    /// Reads a key string; any other prefix or a decoded length other than 32 is refused.
    pub fn parse(s: &str) -> Result<Self, PublicKeyParseError> {
        Ok(Self {
            ed25519: decode_key(s, ORGANISATION_KEY_PREFIX)?,
        })
    }

    /// Fingerprint to publish where reporters can compare it: a member's scheme with the
    /// X25519 half zero (SPEC.md §12.1).
    pub fn fingerprint(&self) -> String {
        fingerprint(&[0; 32], &self.ed25519)
    }

    /// Checks a signature over a signed directory `body` (SPEC.md §12.3), strictly.
    pub fn verify_directory(&self, body: &[u8], signature: &[u8; 64]) -> bool {
        signed::verify(
            &self.ed25519,
            &signed::directory_signed_message(body),
            signature,
        )
    }
}

/// First line of an organisation key file (SPEC.md §12.1).
pub const ORGANISATION_KEY_FILE_BEGIN: &str = "-----BEGIN LOKET ORGANISATION KEY-----";
/// Last line of an organisation key file (SPEC.md §12.1).
pub const ORGANISATION_KEY_FILE_END: &str = "-----END LOKET ORGANISATION KEY-----";

/// The text of an organisation key file holding `seed` (SPEC.md §12.1): the armor lines around
/// one line of standard base64. Written by `loket init` (demo) and `loket-team org-keygen`.
pub fn organisation_key_file(seed: &[u8; 32]) -> zeroize::Zeroizing<String> {
    let line = zeroize::Zeroizing::new(STANDARD.encode(seed));
    zeroize::Zeroizing::new(format!(
        "{ORGANISATION_KEY_FILE_BEGIN}\n{}\n{ORGANISATION_KEY_FILE_END}\n",
        line.as_str()
    ))
}

/// The seed in an organisation key file, or `None` if `text` is not one.
pub fn parse_organisation_key_file(text: &str) -> Option<zeroize::Zeroizing<[u8; 32]>> {
    let body = text
        .trim()
        .strip_prefix(ORGANISATION_KEY_FILE_BEGIN)?
        .strip_suffix(ORGANISATION_KEY_FILE_END)?
        .trim();
    let bytes = zeroize::Zeroizing::new(STANDARD.decode(body).ok()?);
    let seed: [u8; 32] = bytes.as_slice().try_into().ok()?;
    Some(zeroize::Zeroizing::new(seed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_strings_roundtrip() {
        let k = MemberPublicKey {
            x25519: [1; 32],
            ed25519: [2; 32],
        };
        let s = k.encode();
        assert!(s.starts_with("lkm1:"));
        assert_eq!(MemberPublicKey::parse(&s), Ok(k));
        assert_eq!(MemberPublicKey::parse(&format!(" {s}\n")), Ok(k));
        assert_eq!(
            MemberPublicKey::parse("lkm1:AAAA"),
            Err(PublicKeyParseError)
        );
        assert_eq!(
            MemberPublicKey::parse("ssh-ed25519 AAAA"),
            Err(PublicKeyParseError)
        );
        let fp = k.fingerprint();
        assert_eq!(fp.len(), 19);
        assert_ne!(
            fp,
            MemberPublicKey {
                x25519: [1; 32],
                ed25519: [3; 32]
            }
            .fingerprint()
        );
        assert_eq!(k.recipient(), RecipientKey([1; 32]));
    }

    #[test]
    fn organisation_keys_roundtrip() {
        let k = OrganisationKey { ed25519: [7; 32] };
        let s = k.encode();
        assert!(s.starts_with("lko1:"));
        assert_eq!(OrganisationKey::parse(&s), Ok(k));
        assert_eq!(
            OrganisationKey::parse(&s.replace("lko1", "lkm1")),
            Err(PublicKeyParseError)
        );
        assert_eq!(
            OrganisationKey::parse(
                &MemberPublicKey {
                    x25519: [7; 32],
                    ed25519: [7; 32]
                }
                .encode()
            ),
            Err(PublicKeyParseError)
        );
        let member = MemberPublicKey {
            x25519: [0; 32],
            ed25519: [7; 32],
        };
        assert_eq!(k.fingerprint(), member.fingerprint());
    }

    #[test]
    fn organisation_key_files_roundtrip() {
        let text = organisation_key_file(&[4; 32]);
        assert!(text.starts_with(ORGANISATION_KEY_FILE_BEGIN));
        assert_eq!(
            parse_organisation_key_file(&text).as_deref(),
            Some(&[4; 32])
        );
        assert!(parse_organisation_key_file("lko1:AAAA").is_none());
        let short = text.replace(&STANDARD.encode([4u8; 32]), &STANDARD.encode([4u8; 31]));
        assert!(parse_organisation_key_file(&short).is_none());
    }

    /// Fingerprints are a published format: pin them (values computed independently of this
    /// code, from SPEC.md §3 and §12.1).
    #[test]
    fn fingerprints_are_stable() {
        let member = MemberPublicKey {
            x25519: [1; 32],
            ed25519: [2; 32],
        };
        assert_eq!(member.fingerprint(), "SNRA Y8EG 19H3 YZM8");
        let org = OrganisationKey { ed25519: [7; 32] };
        assert_eq!(org.fingerprint(), "GNP7 ZGCZ GYNR H4CQ");
    }
}
