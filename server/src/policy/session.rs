//! The team's login proof: an Ed25519 signature, by the key in the signed directory, over the
//! single-use challenge (crypto/SPEC.md §9.5). Verification is strict (no malleable or
//! small-order keys), by loket-format's one verifier.

use loket_format::signed::{self, session_proof_message};
use loket_wire::keys::MemberKeys;

use super::PolicyError;

/// Checks that `signature` by `keys` proves possession for `challenge`.
pub fn verify_session_proof(
    keys: &MemberKeys,
    challenge: &[u8; 32],
    signature: &[u8; 64],
) -> Result<(), PolicyError> {
    if signed::verify(&keys.ed25519, &session_proof_message(challenge), signature) {
        Ok(())
    } else {
        Err(PolicyError::InvalidProof)
    }
}
