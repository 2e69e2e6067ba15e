//! Receipts (crypto/SPEC.md §9.2 step 6): the server signs that a report with a given
//! envelope arrived in a given hour. The key is derived from the instance secret, so every
//! instance of one deployment signs alike; its public half is in the signed directory, so
//! the organisation vouches for it. A receipt names no one.

use ed25519_dalek::{Signer as _, SigningKey};
use loket_format::{labels, signed};
use loket_wire::B64;
use loket_wire::api::Receipt;
use sha2::{Digest, Sha256};

use super::{PolicyError, derive};

/// The receipt key.
pub struct Receipts {
    key: SigningKey,
}

impl std::fmt::Debug for Receipts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Receipts([redacted])")
    }
}

impl Receipts {
    pub fn new(secret: &[u8; 32]) -> Result<Self, PolicyError> {
        let seed = zeroize::Zeroizing::new(derive(secret, labels::RECEIPT_KEY)?);
        Ok(Self {
            key: SigningKey::from_bytes(&seed),
        })
    }

    /// The public key the directory lists as `receipt_key`.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    /// The receipt for `envelope`, received in the hour `received`.
    pub fn sign(&self, envelope: &[u8], received: i64) -> Receipt {
        let digest: [u8; 32] = Sha256::digest(envelope).into();
        let signature = self
            .key
            .sign(&signed::receipt_message(&digest, received))
            .to_bytes();
        Receipt {
            envelope_sha256: B64(digest.to_vec()),
            received,
            signature: B64(signature.to_vec()),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// A receipt verifies with the public key over the message of SPEC §9.2, and the key
    /// depends on the instance secret.
    #[test]
    fn receipts_verify_and_depend_on_the_secret() {
        let receipts = Receipts::new(&[3; 32]).unwrap();
        let receipt = receipts.sign(b"an envelope", 7200);
        let digest: [u8; 32] = Sha256::digest(b"an envelope").into();
        assert_eq!(receipt.envelope_sha256.0, digest.to_vec());
        let signature: [u8; 64] = receipt.signature.array().unwrap();
        let message = signed::receipt_message(&digest, 7200);
        assert!(signed::verify(&receipts.public_key(), &message, &signature));
        assert!(!signed::verify(
            &receipts.public_key(),
            &signed::receipt_message(&digest, 10_800),
            &signature
        ));
        let other = Receipts::new(&[4; 32]).unwrap();
        assert_ne!(other.public_key(), receipts.public_key());
    }
}
