//! Keys (SPEC.md §3): a team member holds an X25519 key pair (to receive envelopes) and an
//! Ed25519 key pair (to sign). Secrets zeroize on drop and never print. The public halves are
//! loket-format's types, so that server, tools and clients share one.

use ed25519_dalek::{Signer, SigningKey};
use x25519_dalek::{PublicKey, StaticSecret};

use crate::random32;

/// Public keys and their strings (`lkm1:`) and fingerprints are defined in loket-format.
pub use loket_format::keys::{MemberPublicKey, RecipientKey};

/// An X25519 secret that opens envelopes sealed to its public half.
pub struct Identity(StaticSecret);

impl Identity {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(StaticSecret::from(bytes))
    }

    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::from_bytes(random32(rng))
    }

    pub fn recipient(&self) -> RecipientKey {
        RecipientKey(PublicKey::from(&self.0).to_bytes())
    }

    pub(crate) fn secret(&self) -> &StaticSecret {
        &self.0
    }

    pub(crate) fn to_bytes(&self) -> [u8; 32] {
        self.0.to_bytes()
    }
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Identity").field(&"[redacted]").finish()
    }
}

/// A member's secret keys. Lives only in a key file encrypted under the member's passphrase,
/// and, once unlocked, in the memory of a trusted machine.
pub struct MemberSecretKey {
    identity: Identity,
    signing: SigningKey,
}

impl MemberSecretKey {
    pub fn generate<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> Self {
        Self::from_seeds(random32(rng), random32(rng))
    }

    pub(crate) fn from_seeds(x25519: [u8; 32], ed25519: [u8; 32]) -> Self {
        Self {
            identity: Identity::from_bytes(x25519),
            signing: SigningKey::from_bytes(&ed25519),
        }
    }

    pub(crate) fn seeds(&self) -> ([u8; 32], [u8; 32]) {
        (self.identity.to_bytes(), self.signing.to_bytes())
    }

    pub fn identity(&self) -> &Identity {
        &self.identity
    }

    /// Both secret seeds (X25519 ‖ Ed25519), to be split into shares: only for the
    /// organisation's recovery key, which lives in no key file (`loket-team recovery-keygen`,
    /// SPEC.md §9.12). Wiped when dropped.
    pub fn to_recovery_secret(&self) -> zeroize::Zeroizing<[u8; 64]> {
        let (mut x, mut ed) = self.seeds();
        let mut out = zeroize::Zeroizing::new([0u8; 64]);
        for (to, from) in out.iter_mut().zip(x.iter().chain(ed.iter())) {
            *to = *from;
        }
        zeroize::Zeroize::zeroize(&mut x);
        zeroize::Zeroize::zeroize(&mut ed);
        out
    }

    /// The key of [`Self::to_recovery_secret`]'s bytes.
    pub fn from_recovery_secret(secret: &[u8; 64]) -> Self {
        let mut x = [0u8; 32];
        let mut ed = [0u8; 32];
        for (to, from) in x.iter_mut().chain(ed.iter_mut()).zip(secret.iter()) {
            *to = *from;
        }
        let key = Self::from_seeds(x, ed);
        zeroize::Zeroize::zeroize(&mut x);
        zeroize::Zeroize::zeroize(&mut ed);
        key
    }

    pub fn public(&self) -> MemberPublicKey {
        MemberPublicKey {
            x25519: self.identity.recipient().0,
            ed25519: self.signing.verifying_key().to_bytes(),
        }
    }

    /// Ed25519 signature over `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.signing.sign(message).to_bytes()
    }
}

impl std::fmt::Debug for MemberSecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberSecretKey")
            .field("public", &self.public())
            .field("secret", &"[redacted]")
            .finish()
    }
}
