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

/// A Unix time as `YYYY-MM-DD HH:MM UTC`, for administrators (directory expiry): the civil
/// date from the days since 1970 (proleptic Gregorian calendar).
pub fn utc_time(unix_seconds: i64) -> String {
    let days = unix_seconds.div_euclid(86_400);
    let secs = unix_seconds.rem_euclid(86_400);
    // Days since 0000-03-01, in 400-year eras of 146 097 days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3600,
        secs % 3600 / 60
    )
}

#[cfg(test)]
mod time_tests {
    use super::*;

    #[test]
    fn utc_times() {
        assert_eq!(utc_time(0), "1970-01-01 00:00 UTC");
        assert_eq!(utc_time(951_782_400), "2000-02-29 00:00 UTC");
        assert_eq!(utc_time(1_700_000_000), "2023-11-14 22:13 UTC");
        assert_eq!(utc_time(-86_400), "1969-12-31 00:00 UTC");
    }
}
