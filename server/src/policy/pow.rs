//! Proof of work (docs/api.md, "Proof of work"): challenges are stateless to issue —
//! authenticated with an HMAC under the instance secret — and spent once in the database, in
//! the same transaction as the write they pay for. Before a request counts toward any limit,
//! its work is checked here: valid, for its purpose, at the current difficulty (less one bit of
//! grace for a challenge issued just before the difficulty rose), and not claimed before by
//! this process ([`Claims`]), so unpaid or replayed requests cost an attacker's flood nothing
//! but cannot crowd out anyone.

use std::collections::HashMap;
use std::sync::Mutex;

use hmac::Mac as _;
use loket_wire::B64;
use loket_wire::pow::{self, PowChallenge, PowPurpose, PowSolution};
use sha2::Digest as _;

use super::{PolicyError, derive, mac_of};
use crate::config;
use crate::store::PowSpend;

/// Challenge layout: version, purpose, bits, expiry (u64 BE), 16 random bytes, then a
/// 16-byte truncated HMAC-SHA-256 of all that under the instance secret.
const CHALLENGE_BODY: usize = 1 + 1 + 1 + 8 + 16;
const CHALLENGE_LEN: usize = CHALLENGE_BODY + 16;
const CHALLENGE_VERSION: u8 = 1;

/// Issues and checks challenges.
pub struct PowIssuer {
    key: [u8; 32],
}

impl std::fmt::Debug for PowIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PowIssuer([redacted])")
    }
}

/// The difficulty at a global `rate` of requests this minute: the configured base, plus one
/// bit for every doubling of the rate over `raise_per_minute`, up to `max_extra_bits` more.
pub fn bits(config: &config::Pow, rate: i64) -> u8 {
    if config.bits == 0 {
        return 0;
    }
    let mut extra = 0u8;
    if config.raise_per_minute > 0 {
        let mut threshold = config.raise_per_minute;
        while rate > threshold && extra < config.max_extra_bits {
            extra += 1;
            threshold = threshold.saturating_mul(2);
        }
    }
    config.bits.saturating_add(extra).min(pow::MAX_BITS)
}

fn purpose_byte(purpose: PowPurpose) -> u8 {
    match purpose {
        PowPurpose::Submit => 1,
        PowPurpose::Check => 2,
    }
}

impl PowIssuer {
    pub fn new(secret: &[u8; 32]) -> Result<Self, PolicyError> {
        Ok(Self {
            key: derive(secret, loket_format::labels::POW_KEY)?,
        })
    }

    /// A new challenge for `purpose` at difficulty `bits`, valid for `ttl` seconds from `now`.
    pub fn challenge(
        &self,
        purpose: PowPurpose,
        bits: u8,
        ttl: i64,
        now: i64,
    ) -> Result<PowChallenge, PolicyError> {
        let expires = now + ttl;
        let random: [u8; 16] = super::random_bytes()?;
        let mut challenge = Vec::with_capacity(CHALLENGE_LEN);
        challenge.push(CHALLENGE_VERSION);
        challenge.push(purpose_byte(purpose));
        challenge.push(bits);
        challenge.extend_from_slice(&expires.to_be_bytes());
        challenge.extend_from_slice(&random);
        let tag = mac_of(&self.key, &[&challenge])?.finalize().into_bytes();
        challenge.extend_from_slice(tag.get(..16).unwrap_or_default());
        Ok(PowChallenge {
            challenge: B64(challenge),
            bits,
            expires,
        })
    }

    /// Checks a solution for `purpose` at `now`, solved at `least_bits` or more; returns what to
    /// record as spent (in the same transaction as the write it pays for). With proof of work
    /// switched off, `None`.
    pub fn verify(
        &self,
        config: &config::Pow,
        purpose: PowPurpose,
        solution: Option<&PowSolution>,
        least_bits: u8,
        now: i64,
    ) -> Result<Option<PowSpend>, PolicyError> {
        if config.bits == 0 {
            return Ok(None);
        }
        let solution = solution.ok_or(PolicyError::PowRequired)?;
        let invalid = || PolicyError::PowInvalid;
        let c = solution.challenge.0.as_slice();
        let (body, tag) = c.split_at_checked(CHALLENGE_BODY).ok_or_else(invalid)?;
        if tag.len() != 16 {
            return Err(invalid());
        }
        mac_of(&self.key, &[body])?
            .verify_truncated_left(tag)
            .map_err(|_| invalid())?;
        let [version, kind, bits, rest @ ..] = body else {
            return Err(invalid());
        };
        let expires = rest
            .get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(i64::from_be_bytes)
            .ok_or_else(invalid)?;
        let nonce: [u8; 8] = solution.nonce.array().ok_or_else(invalid)?;
        if *version != CHALLENGE_VERSION
            || *kind != purpose_byte(purpose)
            || expires <= now
            || *bits < least_bits
            || !pow::check(c, u64::from_be_bytes(nonce), *bits)
        {
            return Err(invalid());
        }
        Ok(Some(PowSpend {
            id: sha2::Sha256::digest(c).into(),
            // Kept until the hour after the challenge expires: the second it was issued (and so
            // when the report it paid for was written) is not stored.
            expires_at: crate::clock::to_next_hour(expires),
        }))
    }
}

/// Solutions this process admitted and that have not expired: a replayed solution is refused
/// before it counts toward a limit (the database refuses it again when it is spent, across
/// instances). Bounded by the work paid: one entry per solved challenge within its lifetime.
#[derive(Debug, Default)]
pub struct Claims {
    seen: Mutex<HashMap<[u8; 32], i64>>,
}

/// Entries kept before expired ones are swept out.
const SWEEP_AT: usize = 4096;

impl Claims {
    /// Claims `spend` at `now`; `PowInvalid` if it was claimed before.
    pub fn claim(&self, spend: &PowSpend, now: i64) -> Result<(), PolicyError> {
        let mut seen = self.seen.lock().map_err(|_| PolicyError::PowInvalid)?;
        if seen.len() >= SWEEP_AT {
            seen.retain(|_, expires| *expires > now);
        }
        match seen.insert(spend.id, spend.expires_at) {
            None => Ok(()),
            Some(_) => Err(PolicyError::PowInvalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difficulty_rises_one_bit_per_doubling() {
        let c = config::Pow {
            bits: 10,
            raise_per_minute: 100,
            max_extra_bits: 3,
            ttl: 300,
        };
        assert_eq!(bits(&c, 100), 10);
        assert_eq!(bits(&c, 101), 11);
        assert_eq!(bits(&c, 201), 12);
        assert_eq!(bits(&c, 1_000_000), 13);
        assert_eq!(bits(&config::Pow { bits: 0, ..c }, 1_000_000), 0);
    }

    #[test]
    fn a_challenge_verifies_once_solved_and_not_for_another_purpose() {
        let issuer = PowIssuer::new(&[7; 32]).unwrap();
        let c = config::Pow {
            bits: 4,
            ..config::Pow::default()
        };
        let challenge = issuer.challenge(PowPurpose::Check, 4, 300, 1000).unwrap();
        let nonce = (0u64..)
            .find(|n| pow::check(&challenge.challenge.0, *n, 4))
            .unwrap();
        let solution = PowSolution {
            challenge: challenge.challenge.clone(),
            nonce: B64(nonce.to_be_bytes().to_vec()),
        };
        let spend = issuer
            .verify(&c, PowPurpose::Check, Some(&solution), 4, 1001)
            .unwrap()
            .unwrap();
        assert_eq!(spend.expires_at, 3600, "kept to the hour after expiry");
        assert!(matches!(
            issuer.verify(&c, PowPurpose::Submit, Some(&solution), 4, 1001),
            Err(PolicyError::PowInvalid)
        ));
        assert!(matches!(
            issuer.verify(&c, PowPurpose::Check, Some(&solution), 4, 1300),
            Err(PolicyError::PowInvalid)
        ));
        assert!(matches!(
            issuer.verify(&c, PowPurpose::Check, None, 4, 1001),
            Err(PolicyError::PowRequired)
        ));
        // Solved before the difficulty rose past it: refused at spend.
        assert!(matches!(
            issuer.verify(&c, PowPurpose::Check, Some(&solution), 5, 1001),
            Err(PolicyError::PowInvalid)
        ));
        let claims = Claims::default();
        claims.claim(&spend, 1001).unwrap();
        assert!(matches!(
            claims.claim(&spend, 1002),
            Err(PolicyError::PowInvalid)
        ));
    }
}
