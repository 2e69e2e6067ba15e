//! The API of `/api/v1`: request and response bodies, the error codes every client switches
//! on, and the plaintext schema that only clients ever see (`content`).

pub mod api;
pub mod b64;
pub mod content;
pub mod error;
pub mod keys;
pub mod paths;
pub mod pow;

pub use b64::B64;
pub use error::{ErrorBody, ErrorCode};

/// The API prefix (see [`paths`]).
pub const API_PREFIX: &str = paths::PREFIX;
/// Seconds in one hour; times about reports are stored and shown to the hour.
pub const HOUR: i64 = 3600;

/// Rounds a Unix time down to the hour (docs/design.md, "Time": timestamps about reporters are coarse).
pub fn to_hour(unix_seconds: i64) -> i64 {
    unix_seconds - unix_seconds.rem_euclid(HOUR)
}
