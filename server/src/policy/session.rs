//! The team's login proof: an Ed25519 signature, by the key in the signed directory, over the
//! instance's deployment salt and the single-use challenge (crypto/SPEC.md §9.5). Verification is strict (no malleable or
//! small-order keys), by loket-format's one verifier.
//!
//! Challenges are stateless: 8 bytes of expiry, 8 random bytes and a 16-byte HMAC of both under
//! a key from the instance secret. Issuing one costs a MAC and stores nothing, so strangers
//! cannot fill a table or use up a global quota with them; a challenge is spent once, in the
//! database, only after its signature verified. Logins are then limited per member
//! ([`MemberLogins`]), after the signature, so nobody without a member's key can lock that
//! member (or the team) out.

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::Mac as _;

use loket_format::signed::{self, session_proof_message};
use loket_wire::keys::MemberKeys;

use super::{PolicyError, derive, mac_of};

/// Issues and checks the stateless login challenges.
pub struct LoginChallenges {
    key: [u8; 32],
}

impl std::fmt::Debug for LoginChallenges {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LoginChallenges([redacted])")
    }
}

impl LoginChallenges {
    pub fn new(secret: &[u8; 32]) -> Result<Self, PolicyError> {
        Ok(Self {
            key: derive(secret, loket_format::labels::LOGIN_KEY)?,
        })
    }

    /// A challenge that expires at `expires`.
    pub fn issue(&self, expires: i64) -> Result<[u8; 32], PolicyError> {
        let mut out = [0u8; 32];
        let (body, tag) = out.split_at_mut(16);
        let (at, random) = body.split_at_mut(8);
        at.copy_from_slice(&expires.to_be_bytes());
        random.copy_from_slice(&super::random_bytes::<8>()?);
        let mac = mac_of(&self.key, &[body])?.finalize().into_bytes();
        tag.copy_from_slice(mac.get(..16).unwrap_or_default());
        Ok(out)
    }

    /// The expiry of a challenge this instance issued that has not expired at `now`;
    /// `InvalidProof` otherwise.
    pub fn check(&self, challenge: &[u8; 32], now: i64) -> Result<i64, PolicyError> {
        let (body, tag) = challenge.split_at(16);
        mac_of(&self.key, &[body])?
            .verify_truncated_left(tag)
            .map_err(|_| PolicyError::InvalidProof)?;
        let expires = body
            .first_chunk::<8>()
            .map(|b| i64::from_be_bytes(*b))
            .ok_or(PolicyError::InvalidProof)?;
        if expires <= now {
            return Err(PolicyError::InvalidProof);
        }
        Ok(expires)
    }
}

/// Logins per member in the current minute, in this process.
#[derive(Debug, Default)]
pub struct MemberLogins {
    counts: Mutex<(i64, HashMap<String, i64>)>,
}

impl MemberLogins {
    /// Counts a login of `member` at `now`; `RateLimited` past `limit` this minute (0: none).
    pub fn count(&self, member: &str, limit: i64, now: i64) -> Result<(), PolicyError> {
        let retry_after = 60 - now.rem_euclid(60);
        let mut counts = self
            .counts
            .lock()
            .map_err(|_| PolicyError::RateLimited { retry_after })?;
        if counts.0 != now / 60 {
            *counts = (now / 60, HashMap::new());
        }
        let n = counts.1.entry(member.to_owned()).or_insert(0);
        *n = n.saturating_add(1);
        if limit > 0 && *n > limit {
            return Err(PolicyError::RateLimited { retry_after });
        }
        Ok(())
    }
}

/// Checks that `signature` by `keys` proves possession for `challenge` on the instance whose
/// deployment salt is `deployment_salt`.
pub fn verify_session_proof(
    keys: &MemberKeys,
    deployment_salt: &[u8],
    challenge: &[u8; 32],
    signature: &[u8; 64],
) -> Result<(), PolicyError> {
    let message = session_proof_message(deployment_salt, challenge);
    if signed::verify(&keys.ed25519, &message, signature) {
        Ok(())
    } else {
        Err(PolicyError::InvalidProof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_authenticated_and_expire() {
        let c = LoginChallenges::new(&[3; 32]).unwrap();
        let challenge = c.issue(1000).unwrap();
        assert_eq!(c.check(&challenge, 999).unwrap(), 1000);
        assert!(c.check(&challenge, 1000).is_err());
        let mut forged = challenge;
        forged[7] ^= 1; // a later expiry
        assert!(c.check(&forged, 999).is_err());
        let other = LoginChallenges::new(&[4; 32]).unwrap();
        assert!(other.check(&challenge, 999).is_err());
    }

    #[test]
    fn logins_are_limited_per_member() {
        let l = MemberLogins::default();
        l.count("a", 2, 60).unwrap();
        l.count("a", 2, 61).unwrap();
        assert!(matches!(
            l.count("a", 2, 62),
            Err(PolicyError::RateLimited { retry_after: 58 })
        ));
        l.count("b", 2, 62).unwrap();
        l.count("a", 2, 120).unwrap();
    }
}
