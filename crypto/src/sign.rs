//! Signatures (SPEC.md §11, §12): signed bodies inside envelopes, so that a reader knows who wrote a
//! message, and plain Ed25519 verification for the signed team directory. Signing keys zeroize
//! on drop (ed25519-dalek's `zeroize` feature) and never print.

use ed25519_dalek::{Signer as _, SigningKey, VerifyingKey};

use crate::error::SignatureError;
use crate::keys::MemberSecretKey;
use crate::random32;
use crate::reader::Reader;

/// Magic of a signed body (SPEC.md §11).
pub const MAGIC: &[u8; 4] = b"LKSG";
pub const VERSION: u8 = 1;
/// Bytes before the body: magic, version, signer key, signature.
pub const HEADER_LEN: usize = 4 + 1 + 32 + 64;
/// Domain label of what a signed body's signature covers.
pub const LABEL: &[u8] = b"loket/v1/signed-body";
/// Context of a report (the first message of a thread; it has no id yet).
pub const REPORT_CONTEXT: &[u8] = b"report";

/// The context of a message in the thread of `report_id`: a signed message cannot be moved
/// to another thread.
pub fn thread_context(report_id: &str) -> Vec<u8> {
    let mut c = b"thread/".to_vec();
    c.extend_from_slice(report_id.as_bytes());
    c
}

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

/// Strict Ed25519 verification (RFC 8032 §5.1.7, no malleable or small-order keys).
pub fn verify(public: &[u8; 32], message: &[u8], signature: &[u8; 64]) -> bool {
    let Ok(key) = VerifyingKey::from_bytes(public) else {
        return false;
    };
    key.verify_strict(message, &ed25519_dalek::Signature::from_bytes(signature))
        .is_ok()
}

fn signed_message(context: &[u8], body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(LABEL.len() + 4 + context.len() + body.len());
    m.extend_from_slice(LABEL);
    m.extend_from_slice(&(context.len() as u32).to_be_bytes());
    m.extend_from_slice(context);
    m.extend_from_slice(body);
    m
}

/// Wraps `body` with `signer`'s key and signature over (label, context, body) (SPEC.md §11).
pub fn sign_body(signer: &impl Signer, context: &[u8], body: &[u8]) -> Vec<u8> {
    let signature = signer.sign(&signed_message(context, body));
    let mut out = Vec::with_capacity(HEADER_LEN + body.len());
    out.extend_from_slice(MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&signer.verifying_key());
    out.extend_from_slice(&signature);
    out.extend_from_slice(body);
    out
}

/// A body whose signature checked out, and the key that made it. The caller decides whether
/// that key is the one it expected (a member in the signed directory, the reporter's key).
#[derive(Debug, PartialEq, Eq)]
pub struct Verified<'a> {
    pub signer: [u8; 32],
    pub body: &'a [u8],
}

/// Checks a signed body for `context`; any failure is the same error.
pub fn verify_body<'a>(signed: &'a [u8], context: &[u8]) -> Result<Verified<'a>, SignatureError> {
    let mut r = Reader::new(signed);
    let magic = r.take(4).ok_or(SignatureError)?;
    let version = r.take(1).ok_or(SignatureError)?;
    if magic != MAGIC.as_slice() || version != [VERSION].as_slice() {
        return Err(SignatureError);
    }
    let signer: [u8; 32] = r.array().ok_or(SignatureError)?;
    let signature: [u8; 64] = r.array().ok_or(SignatureError)?;
    let body = r.rest();
    if !verify(&signer, &signed_message(context, body), &signature) {
        return Err(SignatureError);
    }
    Ok(Verified { signer, body })
}

#[cfg(test)]
mod tests {
    use super::*;
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
