//! Signatures (SPEC.md §11, §12): signed bodies inside envelopes, so that a reader knows who wrote a
//! message, and plain Ed25519 verification for the signed team directory. Signing keys zeroize
//! on drop (ed25519-dalek's `zeroize` feature) and never print.

use ed25519_dalek::{Signer as _, SigningKey};

use crate::keys::MemberSecretKey;
use crate::random32;

/// The layout of signed bodies, their contexts and strict verification are defined in
/// loket-format (SPEC.md §11), so that every crate checks signatures the same way.
pub use loket_format::labels::SIGNED_BODY as LABEL;
pub use loket_format::signed::{
    HEADER_LEN, MAGIC, REPORT_CONTEXT, VERSION, Verified, case_context, signed_message,
    thread_context, verify, verify_body,
};

/// Anything that can sign: a member key, a reporter key, an organisation key.
pub trait Signer {
    /// The Ed25519 public key that verifies this signer's signatures.
    fn verifying_key(&self) -> [u8; 32];
    /// An Ed25519 signature over `message`.
    fn sign(&self, message: &[u8]) -> [u8; 64];
}

/// An Ed25519 signing key on its own (a reporter's, derived from the code; an organisation's).
pub struct SigningSecret(SigningKey);

impl SigningSecret {
    pub fn from_seed(seed: [u8; 32]) -> Self {
        Self(SigningKey::from_bytes(&seed))
    }

    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::from_seed(random32(rng))
    }

    /// The 32-byte seed, for writing the key to a protected file.
    pub fn seed(&self) -> zeroize::Zeroizing<[u8; 32]> {
        zeroize::Zeroizing::new(self.0.to_bytes())
    }
}

impl Signer for SigningSecret {
    fn verifying_key(&self) -> [u8; 32] {
        self.0.verifying_key().to_bytes()
    }
    fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }
}

impl Signer for MemberSecretKey {
    fn verifying_key(&self) -> [u8; 32] {
        self.public().ed25519
    }
    fn sign(&self, message: &[u8]) -> [u8; 64] {
        MemberSecretKey::sign(self, message)
    }
}

impl std::fmt::Debug for SigningSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SigningSecret").field(&"[redacted]").finish()
    }
}

/// Wraps `body` with `signer`'s key and signature over (label, context, body) (SPEC.md §11).
pub fn sign_body(signer: &impl Signer, context: &[u8], body: &[u8]) -> Vec<u8> {
    let signature = signer.sign(&signed_message(context, body));
    loket_format::signed::signed_body(&signer.verifying_key(), &signature, body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::SignatureError;
    use proptest::prelude::*;
    use rand::SeedableRng;

    #[test]
    fn signed_bodies_verify_only_in_their_context() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(9);
        let key = SigningSecret::generate(&mut rng);
        let signed = sign_body(&key, &thread_context("abc"), b"hello");
        let ok = verify_body(&signed, &thread_context("abc")).unwrap();
        assert_eq!(ok.body, b"hello");
        assert_eq!(ok.signer, key.verifying_key());
        assert_eq!(
            verify_body(&signed, &thread_context("abd")),
            Err(SignatureError)
        );
        assert_eq!(verify_body(&signed, REPORT_CONTEXT), Err(SignatureError));
        assert_eq!(
            verify_body(&signed[..HEADER_LEN - 1], b""),
            Err(SignatureError)
        );
        assert_eq!(format!("{key:?}"), "SigningSecret(\"[redacted]\")");
    }

    #[test]
    fn a_body_signed_by_one_key_cannot_claim_another() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(10);
        let real = SigningSecret::generate(&mut rng);
        let forger = SigningSecret::generate(&mut rng);
        let mut signed = sign_body(&forger, REPORT_CONTEXT, b"I am the team");
        // Put the real key in the signer field: the signature no longer verifies.
        signed[5..37].copy_from_slice(&real.verifying_key());
        assert_eq!(verify_body(&signed, REPORT_CONTEXT), Err(SignatureError));
    }

    proptest! {
        #[test]
        fn any_flipped_bit_fails(body in proptest::collection::vec(any::<u8>(), 0..200), bit in 0usize..8, pos in any::<prop::sample::Index>()) {
            let key = SigningSecret::generate(&mut rand::rngs::StdRng::seed_from_u64(11));
            let mut signed = sign_body(&key, b"ctx", &body);
            let i = pos.index(signed.len());
            signed[i] ^= 1 << bit;
            prop_assert!(verify_body(&signed, b"ctx").is_err());
        }
    }
}
