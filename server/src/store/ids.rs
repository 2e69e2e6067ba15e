//! The store's typed values: ids made by the server (hex text) and SHA-256 hashes of secrets
//! (the lookup token, the session token, the upload key, the login challenge), so that one
//! cannot be passed where another is meant.

use std::fmt;

macro_rules! text_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            /// The id as text (as stored and as sent in the API).
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The id as an owned string, for the API types.
            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl From<String> for $name {
            fn from(id: String) -> Self {
                Self(id)
            }
        }

        impl From<&str> for $name {
            fn from(id: &str) -> Self {
                Self(id.to_owned())
            }
        }

        impl From<&String> for $name {
            fn from(id: &String) -> Self {
                Self(id.clone())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
    };
}

text_id!(
    /// A report's id: 32 hex digits, random.
    ReportId
);
text_id!(
    /// A team member's id: 16 hex digits, random.
    MemberId
);
text_id!(
    /// A role's id, chosen by the administrator (`ccp`, `confidential-adviser`, …).
    RoleId
);
text_id!(
    /// An attachment's id: 32 hex digits, random.
    AttachmentId
);

impl ReportId {
    /// An id from a request path: hex digits only, at most 64 (anything else cannot exist).
    pub fn parse(id: &str) -> Option<Self> {
        hex_id(id).then(|| Self(id.to_owned()))
    }
}

impl AttachmentId {
    /// An id from a request path (see [`ReportId::parse`]).
    pub fn parse(id: &str) -> Option<Self> {
        hex_id(id).then(|| Self(id.to_owned()))
    }
}

fn hex_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

macro_rules! hash_of {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name([u8; 32]);

        impl $name {
            /// The SHA-256 of `secret`.
            pub fn of(secret: &[u8]) -> Self {
                use sha2::Digest;
                Self(sha2::Sha256::digest(secret).into())
            }

            /// The hash as stored.
            pub fn as_bytes(&self) -> &[u8; 32] {
                &self.0
            }

            pub(crate) fn to_vec(self) -> Vec<u8> {
                self.0.to_vec()
            }
        }

        impl From<[u8; 32]> for $name {
            /// A hash computed elsewhere (tests, tools).
            fn from(hash: [u8; 32]) -> Self {
                Self(hash)
            }
        }

        // Hashes of secrets are not secret, but there is no reason to print them.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(..)"))
            }
        }
    };
}

hash_of!(
    /// SHA-256 of a reporter's lookup token: how a report is found.
    LookupHash
);
hash_of!(
    /// SHA-256 of a team session token.
    TokenHash
);
hash_of!(
    /// SHA-256 of an upload key.
    UploadHash
);
hash_of!(
    /// SHA-256 of a team login challenge.
    ChallengeHash
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_paths_are_hex_only() {
        assert!(ReportId::parse("0a1B").is_some());
        assert!(ReportId::parse("").is_none());
        assert!(ReportId::parse("../x").is_none());
        assert!(ReportId::parse(&"a".repeat(65)).is_none());
    }
}
