//! The plaintext inside envelopes. Only clients (the portal, loket-team, tests) read or write
//! these; the server never sees them. The reporter's choice of roles and the reporter's public
//! key travel inside the sealed report, so the server can neither widen the readership nor
//! swap the key that team replies are sealed to.

use serde::{Deserialize, Serialize};

use crate::B64;

/// Plaintext schema version.
pub const CONTENT_VERSION: u32 = 1;

/// Its `Debug` leaves the texts out.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Content {
    /// The first message of a thread, written by the reporter.
    Report {
        v: u32,
        /// Role ids the reporter chose as readers.
        roles: Vec<String>,
        /// The reporter's X25519 public key (derived from the follow-up code).
        reporter_key: B64,
        /// The reporter's Ed25519 public key (derived from the code): the reporter's later
        /// messages must be signed by it (crypto/SPEC.md §11).
        reporter_signing_key: B64,
        text: String,
    },
    /// A later message in the thread, from either side.
    Message {
        v: u32,
        text: String,
        /// A file the author attached: the signed message vouches for the attachment's
        /// ciphertext by its SHA-256, so the server cannot swap or forge it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attachment: Option<AttachmentRef>,
    },
}

/// What a message says about its attachment. The file's name and type travel only here,
/// encrypted; the server sees an opaque upload of a certain size. Its `Debug` leaves the name
/// and type out.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
pub struct AttachmentRef {
    /// The id the server gave the upload.
    pub attachment_id: String,
    pub name: String,
    pub media_type: String,
    /// Size of the file (plaintext), bytes.
    pub size: u64,
    /// SHA-256 of the uploaded ciphertext.
    pub sha256: B64,
}

impl Content {
    pub fn text(&self) -> &str {
        match self {
            Self::Report { text, .. } | Self::Message { text, .. } => text,
        }
    }
}

impl std::fmt::Debug for Content {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Report { v, roles, .. } => f
                .debug_struct("Report")
                .field("v", v)
                .field("roles", roles)
                .finish_non_exhaustive(),
            Self::Message { v, attachment, .. } => f
                .debug_struct("Message")
                .field("v", v)
                .field("attachment", attachment)
                .finish_non_exhaustive(),
        }
    }
}

impl std::fmt::Debug for AttachmentRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AttachmentRef")
            .field("attachment_id", &self.attachment_id)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}
