//! Proof of work (hashcash style) for the anonymous endpoints. The server hands out a challenge
//! it authenticated itself; the client finds a nonce such that
//! `SHA-256("loket-pow-v1" || challenge || nonce)` starts with `bits` zero bits. The server
//! checks the solution with one hash and spends the challenge once (docs/api.md, "Proof of
//! work"). Nothing in a challenge or a solution says who asked.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::B64;

/// Domain separation of the work hash (crypto/SPEC.md §2).
use loket_format::labels::POW_WORK as LABEL;
/// Largest difficulty a client agrees to work on (2^32 hashes: hours on a phone).
pub const MAX_BITS: u8 = 32;

/// What a challenge may be spent on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "snake_case")]
pub enum PowPurpose {
    /// Submitting a report.
    Submit,
    /// Anything done with a follow-up code: reading the thread, answering, withdrawing.
    Check,
}

/// `POST /api/v1/pow`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PowRequest {
    pub purpose: PowPurpose,
}

/// A challenge to solve; `bits` is 0 when the server asks for no work (then no solution is
/// needed).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PowChallenge {
    pub challenge: B64,
    pub bits: u8,
    /// Unix seconds after which the server refuses the solution.
    pub expires: i64,
}

/// A solved challenge, sent along with the request it pays for.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct PowSolution {
    pub challenge: B64,
    /// 8 bytes.
    pub nonce: B64,
}

/// The work hash of `challenge` with `nonce`.
pub fn work_hash(challenge: &[u8], nonce: u64) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(LABEL);
    h.update(challenge);
    h.update(nonce.to_be_bytes());
    h.finalize().into()
}

/// The number of leading zero bits of `hash`.
pub fn leading_zero_bits(hash: &[u8; 32]) -> u32 {
    let mut zeros = 0;
    for byte in hash {
        if *byte == 0 {
            zeros += 8;
        } else {
            return zeros + byte.leading_zeros();
        }
    }
    zeros
}

/// `true` if `nonce` solves `challenge` at `bits` difficulty.
pub fn check(challenge: &[u8], nonce: u64, bits: u8) -> bool {
    leading_zero_bits(&work_hash(challenge, nonce)) >= u32::from(bits)
}

/// Tries the nonces `start .. start + count` and returns the first that solves the challenge.
/// Call it in slices to show progress and stay responsive (the portal does).
pub fn solve_range(challenge: &[u8], bits: u8, start: u64, count: u64) -> Option<u64> {
    // The label and challenge are hashed once; each try only adds the nonce.
    let mut prefix = Sha256::new();
    prefix.update(LABEL);
    prefix.update(challenge);
    let want = u32::from(bits);
    (start..start.saturating_add(count)).find(|nonce| {
        let mut h = prefix.clone();
        h.update(nonce.to_be_bytes());
        let hash: [u8; 32] = h.finalize().into();
        leading_zero_bits(&hash) >= want
    })
}

/// Solves a challenge completely (tests, the load tool). `None` if `bits` exceeds
/// [`MAX_BITS`] or no nonce below 2^40 works.
pub fn solve(challenge: &PowChallenge) -> Option<PowSolution> {
    if challenge.bits > MAX_BITS {
        return None;
    }
    let nonce = solve_range(&challenge.challenge.0, challenge.bits, 0, 1 << 40)?;
    Some(PowSolution {
        challenge: challenge.challenge.clone(),
        nonce: B64(nonce.to_be_bytes().to_vec()),
    })
}

/// A nonce search in slices, for a caller that shows progress between them (the portal's Web
/// Worker, and its page where no worker starts).
pub struct Search<'a> {
    challenge: &'a [u8],
    bits: u8,
    start: u64,
}

/// What one slice of a [`Search`] found.
pub enum Step {
    Found(u64),
    /// Not yet: the share of the expected work done so far, 0 to 99.
    Progress(u32),
    /// No nonce below 2^40 works, or the difficulty is above [`MAX_BITS`].
    Exhausted,
}

impl<'a> Search<'a> {
    /// About 20 ms of hashing on a laptop: progress moves smoothly.
    const SLICE: u64 = 1 << 14;
    const LIMIT: u64 = 1 << 40;

    pub fn new(challenge: &'a [u8], bits: u8) -> Self {
        Self {
            challenge,
            bits,
            start: 0,
        }
    }

    /// Tries the next slice of nonces.
    pub fn step(&mut self) -> Step {
        if self.bits > MAX_BITS || self.start >= Self::LIMIT {
            return Step::Exhausted;
        }
        if let Some(nonce) = solve_range(self.challenge, self.bits, self.start, Self::SLICE) {
            return Step::Found(nonce);
        }
        self.start += Self::SLICE;
        let done = self.start as f64 / expected_tries(self.bits) * 100.0;
        Step::Progress(done.min(99.0) as u32)
    }
}

/// The expected number of hashes for `bits`.
pub fn expected_tries(bits: u8) -> f64 {
    2f64.powi(i32::from(bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solutions_check_and_wrong_nonces_do_not() {
        let challenge = PowChallenge {
            challenge: B64(b"a challenge of any length".to_vec()),
            bits: 12,
            expires: 0,
        };
        let solution = solve(&challenge).unwrap();
        let nonce = u64::from_be_bytes(solution.nonce.array().unwrap());
        assert!(check(&challenge.challenge.0, nonce, 12));
        // The first solution is the smallest: every nonce before it fails.
        assert!((0..nonce).all(|n| !check(&challenge.challenge.0, n, 12)));
        // Bound to the challenge: another challenge needs its own work (overwhelmingly).
        assert!(!check(b"another challenge", nonce, 24));
    }

    #[test]
    fn zero_bits_count() {
        let mut hash = [0xffu8; 32];
        assert_eq!(leading_zero_bits(&hash), 0);
        hash[0] = 0;
        hash[1] = 0x10;
        assert_eq!(leading_zero_bits(&hash), 11);
        assert_eq!(leading_zero_bits(&[0u8; 32]), 256);
    }

    #[test]
    fn too_hard_is_refused() {
        let challenge = PowChallenge {
            challenge: B64(vec![1]),
            bits: MAX_BITS + 1,
            expires: 0,
        };
        assert!(solve(&challenge).is_none());
    }
}
