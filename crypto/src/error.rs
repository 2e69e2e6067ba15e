//! Error types, one per operation. They never carry secret bytes, and opening errors are
//! deliberately coarse: a caller learns *that* something could not be decrypted, not why.

/// Failure to seal an envelope.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SealError {
    #[error("an envelope needs between 1 and {max} recipients")]
    RecipientCount { max: usize },
    #[error("a recipient key is not usable (low-order point)")]
    BadRecipient,
    #[error("message too large")]
    TooLarge,
    /// An incremental sealer was given more or fewer bytes than it was told.
    #[error("the plaintext is not the declared length")]
    LengthMismatch,
}

/// Failure to open an envelope.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum OpenError {
    #[error("unsupported envelope version")]
    UnsupportedVersion,
    #[error("malformed envelope")]
    Malformed,
    #[error("cannot decrypt")]
    CannotDecrypt,
}

/// Failure to read a follow-up code.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CodeError {
    #[error("the code contains a character that is not used in codes")]
    InvalidCharacter,
    #[error("the code has {found} characters; it should have {expected}")]
    WrongLength { expected: usize, found: usize },
    #[error("the code contains a typo (its check character does not match)")]
    Typo,
    #[error("the deployment salt is invalid")]
    BadSalt,
}

/// Failure to read, unlock or write a member key file.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyFileError {
    #[error("not a Loket member key file")]
    NotAKeyFile,
    #[error("unsupported key file version")]
    UnsupportedVersion,
    #[error("the key file is damaged")]
    Corrupt,
    #[error("the key file asks for more work than allowed")]
    ExcessiveWork,
    #[error("wrong passphrase")]
    WrongPassphrase,
    #[error("the passphrase is too short (at least {min} characters)")]
    WeakPassphrase { min: usize },
}

/// A signed body whose signature does not verify, or that is not a signed body at all. One
/// error for every cause, like [`OpenError::CannotDecrypt`] (defined in loket-format).
pub use loket_format::signed::SignatureError;
