//! How member public keys are written for people and tools, and their fingerprints.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// Prefix of a member public key string: `lkm1:` + base64url(x25519 ‖ ed25519).
pub const PUBLIC_KEY_PREFIX: &str = "lkm1:";
/// Domain label for the challenge a member signs to open a team session.
pub const SESSION_PROOF_LABEL: &[u8] = b"loket/v1/team-session";
/// Prefix of an organisation public key string: `lko1:` + base64url(ed25519).
pub const ORGANISATION_KEY_PREFIX: &str = "lko1:";
/// Domain label of the organisation's signature over the team directory.
pub const DIRECTORY_LABEL: &[u8] = b"loket/v1/directory";

/// The organisation's Ed25519 public key, which signs the team directory. Clients are built
/// with it (crypto/SPEC.md §12).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrganisationKey {
    pub ed25519: [u8; 32],
}

impl OrganisationKey {
    pub fn encode(&self) -> String {
        format!(
            "{ORGANISATION_KEY_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(self.ed25519)
        )
    }

    pub fn parse(s: &str) -> Result<Self, PublicKeyParseError> {
        let body = s
            .trim()
            .strip_prefix(ORGANISATION_KEY_PREFIX)
            .ok_or(PublicKeyParseError)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| PublicKeyParseError)?;
        Ok(Self {
            ed25519: bytes.try_into().map_err(|_| PublicKeyParseError)?,
        })
    }

    /// Fingerprint to publish where reporters can compare it (same scheme as members').
    pub fn fingerprint(&self) -> String {
        MemberKeys {
            x25519: [0; 32],
            ed25519: self.ed25519,
        }
        .fingerprint()
    }
}

/// The bytes the organisation signs for a directory `body`.
pub fn directory_signed_message(body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(DIRECTORY_LABEL.len() + body.len());
    m.extend_from_slice(DIRECTORY_LABEL);
    m.extend_from_slice(body);
    m
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("not a Loket public key (expected lkm1:… for a member, lko1:… for an organisation)")]
pub struct PublicKeyParseError;

/// A member's two public keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemberKeys {
    pub x25519: [u8; 32],
    pub ed25519: [u8; 32],
}

impl MemberKeys {
    pub fn encode(&self) -> String {
        let mut both = [0u8; 64];
        both[..32].copy_from_slice(&self.x25519);
        both[32..].copy_from_slice(&self.ed25519);
        format!("{PUBLIC_KEY_PREFIX}{}", URL_SAFE_NO_PAD.encode(both))
    }

    pub fn parse(s: &str) -> Result<Self, PublicKeyParseError> {
        let body = s
            .trim()
            .strip_prefix(PUBLIC_KEY_PREFIX)
            .ok_or(PublicKeyParseError)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| PublicKeyParseError)?;
        let (x, ed) = bytes.split_at_checked(32).ok_or(PublicKeyParseError)?;
        Ok(Self {
            x25519: x.try_into().map_err(|_| PublicKeyParseError)?,
            ed25519: ed.try_into().map_err(|_| PublicKeyParseError)?,
        })
    }

    /// A short fingerprint a person can compare aloud: 80 bits of
    /// SHA-256("loket/v1/fingerprint" ‖ x25519 ‖ ed25519) in Crockford base 32, groups of four.
    pub fn fingerprint(&self) -> String {
        const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        let digest = Sha256::new()
            .chain_update(b"loket/v1/fingerprint")
            .chain_update(self.x25519)
            .chain_update(self.ed25519)
            .finalize();
        let mut bits: u128 = 0;
        for b in digest.iter().take(10) {
            bits = (bits << 8) | u128::from(*b);
        }
        let mut out = String::with_capacity(19);
        for i in 0..16 {
            if i > 0 && i % 4 == 0 {
                out.push(' ');
            }
            let v = ((bits >> (75 - 5 * i)) & 31) as usize;
            out.push(char::from(ALPHABET.get(v).copied().unwrap_or(b'0')));
        }
        out
    }
}

/// The bytes a member signs to prove possession of their key for a team session.
pub fn session_proof_message(challenge: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(SESSION_PROOF_LABEL.len() + challenge.len());
    m.extend_from_slice(SESSION_PROOF_LABEL);
    m.extend_from_slice(challenge);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn public_key_strings_roundtrip() {
        let k = MemberKeys {
            x25519: [1; 32],
            ed25519: [2; 32],
        };
        let s = k.encode();
        assert!(s.starts_with("lkm1:"));
        assert_eq!(MemberKeys::parse(&s), Ok(k));
        assert_eq!(MemberKeys::parse("lkm1:AAAA"), Err(PublicKeyParseError));
        assert_eq!(
            MemberKeys::parse("ssh-ed25519 AAAA"),
            Err(PublicKeyParseError)
        );
        let fp = k.fingerprint();
        assert_eq!(fp.len(), 19);
        assert_ne!(
            fp,
            MemberKeys {
                x25519: [1; 32],
                ed25519: [3; 32]
            }
            .fingerprint()
        );
    }
}
