//! Time, once: the current Unix time and the day; the hour and rounding to it come from
//! `loket_wire` (times about reports are stored to the hour).

pub use loket_wire::{HOUR, to_hour};

/// Seconds in one day.
pub const DAY: i64 = 24 * HOUR;

/// Now, in Unix seconds (0 if the clock is before 1970).
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The first whole hour at or after `t`: a time kept only to decide when to forget something,
/// rounded so it dates nothing finer than the hour.
pub fn to_next_hour(t: i64) -> i64 {
    let floor = to_hour(t);
    if floor == t {
        t
    } else {
        floor.saturating_add(HOUR)
    }
}
