//! loket-crypto: the cryptography of Loket, with no I/O.
//!
//! Every object here is specified byte for byte in `crypto/SPEC.md`; module names follow the
//! spec's sections. Randomness is always passed in by the caller (`rng` arguments), so that no
//! function draws hidden randomness and tests are deterministic.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod code;
pub mod envelope;
pub mod error;
pub mod keyfile;
pub mod keys;
pub mod pad;
mod reader;
pub mod sign;
pub mod stream;

pub use code::{FollowUpCode, ReporterKeys};
pub use envelope::{open, seal, seal_into, sealed_len};
pub use error::{CodeError, KeyFileError, OpenError, SealError, SignatureError};
pub use keys::{Identity, MemberPublicKey, MemberSecretKey, RecipientKey};

/// HKDF `info` labels; every derivation in Loket has its own (SPEC.md §2).
pub mod labels {
    pub const STANZA_X25519: &[u8] = b"loket/v1/X25519";
    pub const HEADER_MAC: &[u8] = b"loket/v1/header";
    pub const PAYLOAD: &[u8] = b"loket/v1/payload";
    pub const LOOKUP_TOKEN: &[u8] = b"loket/v1/lookup-token";
    pub const REPORTER_X25519: &[u8] = b"loket/v1/reporter-x25519";
    pub const REPORTER_ED25519: &[u8] = b"loket/v1/reporter-ed25519";
}

/// A fresh random 32-byte array from the caller's RNG.
pub(crate) fn random32<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> [u8; 32] {
    let mut out = [0u8; 32];
    rng.fill_bytes(&mut out);
    out
}
