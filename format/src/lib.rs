//! loket-format: every byte layout of Loket that needs no cipher, defined once
//! (crypto/SPEC.md). The crypto crate seals and opens with these constants; the server checks
//! envelope frames, builds decoys and verifies team logins with them, and links no cipher.
//!
//! - [`labels`]: the domain-separation labels (SPEC.md §2).
//! - [`envelope`]: the envelope's magic, sizes and frame check, and decoy envelopes (§4–§5).
//! - [`pad`]: padding buckets (§6).
//! - [`base32`]: the Crockford alphabet and grouping of codes, fingerprints and passphrases (§3, §7).
//! - [`keys`]: public key strings and fingerprints (§3, §12.1).
//! - [`signed`]: what is signed, and strict Ed25519 verification (§9.5, §11, §12.3).

#![deny(missing_docs, unreachable_pub)]
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

pub mod base32;
pub mod envelope;
pub mod keys;
pub mod labels;
pub mod pad;
pub mod signed;

pub use envelope::{FrameError, check_frame};
pub use keys::{MemberPublicKey, OrganisationKey, PublicKeyParseError, RecipientKey};
pub use signed::{SignatureError, verify};
