//! loket-crypto: the cryptography of Loket, with no I/O.
//!
//! Every object here is specified byte for byte in `crypto/SPEC.md`; module names follow the
//! spec's sections. Randomness is always passed in by the caller (`rng` arguments), so that no
//! function draws hidden randomness and tests are deterministic.
//!
//! The byte layouts that need no cipher (labels, the envelope's frame and sizes, padding,
//! base 32, key strings, what is signed) are defined once in `loket-format`, which the server
//! links too; this crate seals, opens, derives and signs with them.

#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod code;
pub mod envelope;
pub mod error;
pub mod keyfile;
pub mod keys;
mod reader;
pub mod sign;
pub mod stream;

pub use code::{FollowUpCode, MasterSecret, ReporterKeys};
pub use envelope::{HandoverError, add_readers, open, seal, seal_into, sealed_len};
pub use error::{CodeError, KeyFileError, OpenError, SealError, SignatureError};
pub use keys::{Identity, MemberPublicKey, MemberSecretKey, RecipientKey};

/// Domain labels; every derivation in Loket has its own (SPEC.md §2, defined in loket-format).
pub use loket_format::labels;
/// Padding (SPEC.md §6, defined in loket-format).
pub use loket_format::pad;

/// A fresh random 32-byte array from the caller's RNG.
pub(crate) fn random32<R: rand_core::CryptoRng + ?Sized>(rng: &mut R) -> [u8; 32] {
    let mut out = [0u8; 32];
    rng.fill_bytes(&mut out);
    out
}
