//! The team's login proof: an Ed25519 signature, by the key in the signed directory, over the
//! single-use challenge (crypto/SPEC.md §9.5). Verification is strict (no malleable or
//! small-order signatures), in this one function.

use loket_wire::keys::{MemberKeys, session_proof_message};

use super::PolicyError;

/// Checks that `signature` by `keys` proves possession for `challenge`.
pub fn verify_session_proof(
    keys: &MemberKeys,
    challenge: &[u8; 32],
    signature: &[u8; 64],
) -> Result<(), PolicyError> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(&keys.ed25519)
        .map_err(|_| PolicyError::InvalidProof)?;
    key.verify_strict(
        &session_proof_message(challenge),
        &ed25519_dalek::Signature::from_bytes(signature),
    )
    .map_err(|_| PolicyError::InvalidProof)
}
