//! `loket-load`: many concurrent reporters against a running server, with latency
//! percentiles, errors by status, and the loss count of `--verify` (docs/load.md).
//!
//! What a request costs the load tool, and what it skips:
//!
//! - **Envelopes** are sealed once, before the run: a small pool of real envelopes (loket-client,
//!   the portal's own code) sealed to the members of the chosen roles in the directory the
//!   server publishes, padded like the portal pads them. When nobody holds those roles (a fresh
//!   `loket init` has no members) or `fake_envelopes` is set, the pool holds `LOKT\x01` and
//!   random bytes instead, which the server cannot tell apart (it checks only the frame).
//! - **Lookup tokens** are 32 fresh random bytes per submission. A real portal derives the token
//!   from the follow-up code with Argon2id (64 MiB, about a third of a second); the load tool
//!   skips that on purpose, as it is client-side work the server never sees.
//! - **Proof of work**: measurements run the server with `LOKET_POW_BITS=0` and
//!   `LOKET_RATE_LIMIT=0` (no work, no global limit), so they measure the server and not the
//!   clients' hashing. A server that does ask for work (its challenges have `bits` > 0) gets
//!   it: each request then first fetches a challenge and solves it, like the portal, and that
//!   time counts in the request's latency.
//!
//! Checks read a thread by token: a share of them with tokens of earlier submissions (200 with
//! the same report id), the rest with unknown tokens, for which the server answers with a
//! decoy thread (200, a report id of its own, an envelope nobody can open): right, not an
//! error. A known token that comes back with another report id is a report the server no
//! longer finds.
//!
//! `dataset` (and the binary `loket-dataset`) makes a realistic encrypted data set for the
//! annual report through the same API, with real replies and case records (docs/load.md).

pub mod dataset;
mod engine;
mod envelopes;
mod flood;
mod summary;

use std::str::FromStr;
use std::time::Duration;

use loket_wire::keys::OrganisationKey;

pub use engine::Load;
pub use envelopes::Envelopes;
pub use flood::Flood;
pub use summary::{Latencies, Summary, Verified};

/// What the clients do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Only submissions.
    Submit,
    /// Only code checks (after `seed_reports` submissions that are not measured).
    Check,
    /// Submissions (a `submit_share` of requests) and code checks.
    Mixed,
}

impl FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "submit" => Ok(Self::Submit),
            "check" => Ok(Self::Check),
            "mixed" => Ok(Self::Mixed),
            other => Err(format!("unknown mode {other:?} (submit, check or mixed)")),
        }
    }
}

/// Parses `10s`, `500ms`, `2m` or a plain number of seconds.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (number, unit) = match s.find(|c: char| !(c.is_ascii_digit() || c == '.')) {
        Some(i) => s.split_at(i),
        None => (s, "s"),
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("not a duration: {s:?} (try 10s, 500ms, 2m)"))?;
    let seconds = match unit {
        "ms" => value / 1000.0,
        "s" => value,
        "m" | "min" => value * 60.0,
        _ => return Err(format!("unknown unit in {s:?} (ms, s or m)")),
    };
    Duration::try_from_secs_f64(seconds).map_err(|e| format!("{s:?}: {e}"))
}

/// Settings of one run.
#[derive(Clone, Debug)]
pub struct Config {
    /// Base URL of the server, e.g. `http://127.0.0.1:8080`.
    pub url: String,
    /// Concurrent clients, each with one request in flight at a time.
    pub clients: usize,
    /// Length of the measured phase.
    pub duration: Duration,
    pub mode: Mode,
    /// Target envelope size in bytes. Real envelopes are padded to the portal's buckets (16384
    /// gives about 16.5 KB on the wire); fake ones have exactly this size.
    pub envelope_size: usize,
    pub roles: Vec<String>,
    /// After the run, read back every acknowledged submission.
    pub verify: bool,
    /// Submissions made before a `check` run, so that checks have known tokens.
    pub seed_reports: usize,
    /// Concurrent clients of that seeding (1 by default: the seeding is not measured, and a
    /// server that fails under concurrent writes still gets its known tokens).
    pub seed_clients: usize,
    /// Share of checks that use a known token (the rest use unknown tokens).
    pub known_share: f64,
    /// Share of submissions in `mixed` mode.
    pub submit_share: f64,
    /// Number of distinct envelopes sealed before the run.
    pub pool: usize,
    /// Verify the directory's signature with this key before sealing to it.
    pub org_key: Option<OrganisationKey>,
    /// Use `LOKT\x01` and random bytes even if the directory has readers.
    pub fake_envelopes: bool,
    /// Tasks that flood the server with unpaid and junk requests meanwhile (0: none).
    pub flood: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            url: "http://127.0.0.1:8080".into(),
            clients: 64,
            duration: Duration::from_secs(10),
            mode: Mode::Submit,
            envelope_size: 16 * 1024,
            roles: vec!["ccp".into()],
            verify: false,
            seed_reports: 256,
            seed_clients: 1,
            known_share: 0.5,
            submit_share: 0.2,
            pool: 8,
            org_key: None,
            fake_envelopes: false,
            flood: 0,
        }
    }
}

impl Config {
    /// Refuses settings a run cannot start with.
    fn check(&self) -> Result<(), LoadError> {
        if self.clients == 0 || self.pool == 0 || self.roles.is_empty() {
            return Err(LoadError::Config(
                "clients, pool and roles must not be empty".into(),
            ));
        }
        for share in [self.known_share, self.submit_share] {
            if !(0.0..=1.0).contains(&share) {
                return Err(LoadError::Config("shares are between 0 and 1".into()));
            }
        }
        Ok(())
    }

    /// The URL of an API path (from `loket_wire::paths`) on the server.
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url.trim_end_matches('/'))
    }
}

/// Why a run could not start (errors during the run are counted, not returned).
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("bad settings: {0}")]
    Config(String),
    #[error("cannot reach {0}")]
    Http(String),
    #[error("the directory: {0}")]
    Directory(String),
    #[error("sealing the envelopes failed: {0}")]
    Seal(String),
}

/// A submission the server acknowledged with 201.
#[derive(Clone, Debug)]
pub struct Acknowledged {
    pub token: [u8; 32],
    pub report_id: String,
}

/// Runs the load described by `config` from start to end.
pub async fn run(config: Config) -> Result<Summary, LoadError> {
    Load::prepare(config).await?.run().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
    }
}
