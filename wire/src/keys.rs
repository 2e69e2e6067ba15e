//! How member and organisation public keys are written for people and tools, their
//! fingerprints, and the messages signed with them. Defined once in loket-format; re-exported
//! here under the names the API code has always used.

/// Prefix of a member public key string: `lkm1:` + base64url(x25519 ‖ ed25519).
pub use loket_format::keys::MEMBER_KEY_PREFIX as PUBLIC_KEY_PREFIX;
/// A member's two public keys (loket-format's [`MemberPublicKey`]).
pub use loket_format::keys::MemberPublicKey as MemberKeys;
pub use loket_format::keys::{
    MemberPublicKey, ORGANISATION_KEY_PREFIX, OrganisationKey, PublicKeyParseError,
};
/// Domain label of the organisation's signature over the team directory.
pub use loket_format::labels::DIRECTORY as DIRECTORY_LABEL;
/// Domain label for the challenge a member signs to open a team session.
pub use loket_format::labels::SESSION_PROOF as SESSION_PROOF_LABEL;
pub use loket_format::signed::{directory_signed_message, session_proof_message};
