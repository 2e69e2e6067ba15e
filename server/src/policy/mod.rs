//! Policy: the rules the server enforces, as plain functions and types without HTTP or SQL,
//! so each can be unit-tested on its own. Proof of work ([`pow`]), global rate limits
//! ([`rate`]), decoy answers and the envelope frame ([`decoy`]), the team's login proof
//! ([`session`]), receipts ([`receipt`]), deadlines ([`deadlines`]) and retention ([`retention`]).

pub mod deadlines;
pub mod decoy;
pub mod pow;
pub mod rate;
pub mod receipt;
pub mod retention;
pub mod session;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Why a policy refused a request, or could not decide.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// Over this minute's global limit; try again after `retry_after` seconds.
    #[error("rate limited")]
    RateLimited { retry_after: i64 },
    #[error("proof of work required")]
    PowRequired,
    #[error("proof of work invalid")]
    PowInvalid,
    /// Not the frame of an envelope, or not a size a client seals (crypto/SPEC.md §4–§6).
    #[error("not an envelope")]
    InvalidEnvelope,
    /// More padded plaintext than a report or message may have.
    #[error("envelope too large")]
    EnvelopeTooLarge,
    /// The login proof does not verify.
    #[error("invalid login proof")]
    InvalidProof,
    #[error("no randomness from the operating system: {0}")]
    Random(getrandom::Error),
    #[error("HMAC key setup failed")]
    Key,
}

/// The keys and counters of the abuse defences, shared by every request of one process.
#[derive(Debug)]
pub struct Abuse {
    pub pow: pow::PowIssuer,
    pub claims: pow::Claims,
    pub rates: rate::RateCounter,
    pub decoys: decoy::Decoys,
    pub logins: session::LoginChallenges,
    pub member_logins: session::MemberLogins,
    /// Signs the receipts of reports (not a defence, but keyed from the same secret).
    pub receipts: receipt::Receipts,
}

impl Abuse {
    /// The defences keyed from the instance-wide `secret`, counting from `now`.
    pub fn new(secret: &[u8; 32], now: i64) -> Result<Self, PolicyError> {
        Ok(Self {
            pow: pow::PowIssuer::new(secret)?,
            claims: pow::Claims::default(),
            rates: rate::RateCounter::new(now)?,
            decoys: decoy::Decoys::new(secret)?,
            logins: session::LoginChallenges::new(secret)?,
            member_logins: session::MemberLogins::default(),
            receipts: receipt::Receipts::new(secret)?,
        })
    }
}

/// A key for one purpose, derived from the instance secret with HMAC-SHA-256.
fn derive(secret: &[u8; 32], label: &[u8]) -> Result<[u8; 32], PolicyError> {
    Ok(mac_of(secret, &[label])?.finalize().into_bytes().into())
}

/// HMAC-SHA-256 under `key` over `parts`, not finalised yet.
fn mac_of(key: &[u8; 32], parts: &[&[u8]]) -> Result<Hmac<Sha256>, PolicyError> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| PolicyError::Key)?;
    for p in parts {
        mac.update(p);
    }
    Ok(mac)
}

/// `N` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], PolicyError> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(PolicyError::Random)?;
    Ok(out)
}
