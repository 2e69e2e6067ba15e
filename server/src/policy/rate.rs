//! Global per-minute rate limits that never identify a client: each process counts what it
//! admitted this minute, and learns what the other instances counted through the database
//! (the rate exchange job, `jobs::rate_exchange`).

use std::sync::atomic::{AtomicI64, Ordering};

use crate::store::RateCount;

use super::PolicyError;

/// What is counted for the global limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Report submissions.
    Submit = 0,
    /// Anything done with a follow-up code.
    Check = 1,
}

const KINDS: [Kind; 2] = [Kind::Submit, Kind::Check];

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Submit => "submit",
            Self::Check => "check",
        }
    }
}

/// The most a process's count is rounded up by before it is stored.
pub const GRANULE: i64 = 16;

/// The unit a count against `limit` is stored in: the other instances see it rounded up, so
/// the limit is overestimated by at most one unit per instance: 1/32 of the limit, 1 to
/// [`GRANULE`] (with no limit, accuracy does not matter: [`GRANULE`]).
pub fn granule(limit: i64) -> i64 {
    if limit <= 0 {
        GRANULE
    } else {
        (limit / 32).clamp(1, GRANULE)
    }
}

/// `count` rounded up to a whole number of `granule`s, at least one.
fn coarse(count: i64, granule: i64) -> i64 {
    let granule = granule.max(1);
    count
        .max(1)
        .saturating_add(granule - 1)
        .div_euclid(granule)
        .saturating_mul(granule)
}

/// This process's counts of the current minute, and the other instances' as last learnt.
#[derive(Debug)]
pub struct RateCounter {
    /// Random per process: the row its counts are stored under.
    instance: String,
    minute: AtomicI64,
    mine: [AtomicI64; 2],
    others: [AtomicI64; 2],
}

impl RateCounter {
    /// A counter for a new process, starting at `now`.
    pub fn new(now: i64) -> Result<Self, PolicyError> {
        let id: [u8; 8] = super::random_bytes()?;
        Ok(Self {
            instance: id.iter().map(|b| format!("{b:02x}")).collect(),
            minute: AtomicI64::new(now / 60),
            mine: Default::default(),
            others: Default::default(),
        })
    }

    /// The row this process's counts are stored under.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// Starts a new minute when `now` is in one: every count back to zero.
    fn roll(&self, now: i64) {
        let minute = now / 60;
        let seen = self.minute.load(Ordering::Relaxed);
        if minute > seen
            && self
                .minute
                .compare_exchange(seen, minute, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            for c in self.mine.iter().chain(self.others.iter()) {
                c.store(0, Ordering::Relaxed);
            }
        }
    }

    /// Requests of `kind` this minute, across all instances (as of the last exchange).
    pub fn rate(&self, kind: Kind) -> i64 {
        let i = kind as usize;
        self.mine.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
            + self.others.get(i).map_or(0, |c| c.load(Ordering::Relaxed))
    }

    /// Counts one request of `kind` at `now`; `RateLimited` once this minute's global count
    /// is over `limit` (0: no limit).
    pub fn count(&self, kind: Kind, limit: i64, now: i64) -> Result<(), PolicyError> {
        self.roll(now);
        if let Some(c) = self.mine.get(kind as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        if limit > 0 && self.rate(kind) > limit {
            return Err(PolicyError::RateLimited {
                retry_after: 60 - now % 60,
            });
        }
        Ok(())
    }

    /// What to store for the exchange at `now`: the minute and this process's counts of every
    /// kind, each rounded up to a whole number of [`granule`]s of its limit (`limit` of a kind)
    /// and at least one. So a row is written every minute whatever happened, and with the
    /// default limits a copy of the database cannot tell a quiet minute from one with a few
    /// submissions in it (only a burst of more than a granule shows).
    pub fn mine(&self, now: i64, limit: impl Fn(Kind) -> i64) -> (i64, Vec<RateCount>) {
        self.roll(now);
        let counts = KINDS
            .iter()
            .map(|k| RateCount {
                kind: k.name().to_owned(),
                count: coarse(
                    self.mine
                        .get(*k as usize)
                        .map_or(0, |c| c.load(Ordering::Relaxed)),
                    granule(limit(*k)),
                ),
            })
            .collect();
        (now / 60, counts)
    }

    /// Learns what the other instances counted in `minute` (ignored if that minute is over).
    pub fn learn(&self, minute: i64, others: &[RateCount]) {
        if self.minute.load(Ordering::Relaxed) != minute {
            return;
        }
        for k in KINDS {
            let total = others
                .iter()
                .find(|c| c.kind == k.name())
                .map_or(0, |c| c.count);
            if let Some(c) = self.others.get(k as usize) {
                c.store(total, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_all_instances_and_reset_each_minute() {
        let r = RateCounter::new(600).unwrap();
        r.count(Kind::Submit, 2, 600).unwrap();
        r.learn(
            10,
            &[RateCount {
                kind: "submit".into(),
                count: 1,
            }],
        );
        assert_eq!(r.rate(Kind::Submit), 2);
        assert!(matches!(
            r.count(Kind::Submit, 2, 610),
            Err(PolicyError::RateLimited { retry_after: 50 })
        ));
        r.count(Kind::Submit, 2, 660).unwrap();
        assert_eq!(r.rate(Kind::Submit), 1);
        assert_eq!(r.rate(Kind::Check), 0);
    }

    /// What is stored does not change with the first few requests of a minute.
    #[test]
    fn stored_counts_are_coarse() {
        let r = RateCounter::new(600).unwrap();
        let default = |_| 600;
        let quiet = r.mine(600, default);
        r.count(Kind::Submit, 0, 601).unwrap();
        r.count(Kind::Check, 0, 601).unwrap();
        assert_eq!(r.mine(602, default), quiet);
        assert!(quiet.1.iter().all(|c| c.count == GRANULE));
        for _ in 0..GRANULE {
            r.count(Kind::Submit, 0, 603).unwrap();
        }
        let busy = r.mine(604, default);
        assert_eq!(busy.1.first().map(|c| c.count), Some(2 * GRANULE));
        assert_eq!(coarse(i64::MAX, GRANULE), i64::MAX / GRANULE * GRANULE);
        assert_eq!(
            (granule(0), granule(3), granule(96), granule(6000)),
            (16, 1, 3, 16)
        );
        // A small limit is counted exactly (and a quiet minute still stores one).
        assert_eq!(r.mine(605, |_| 3).1.first().map(|c| c.count), Some(17));
        assert_eq!(r.mine(605, |_| 3).1.get(1).map(|c| c.count), Some(1));
    }
}
