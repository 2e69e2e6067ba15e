//! The core of `loket-load` (issue 5, "Load"): many concurrent reporters against a running
//! server, with latency percentiles, errors by status, and the loss count of `--verify`.
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
//!   clients' hashing. A server that does ask for work (`POST /api/v1/pow` answers with
//!   `bits` > 0) gets it: each request then first fetches a challenge and solves it, like the
//!   portal, and that time counts in the request's latency.
//!
//! Checks read a thread by token: a share of them with tokens of earlier submissions (200 with
//! the same report id), the rest with unknown tokens. For those the server answers with a
//! decoy thread (200, a report id of its own, an envelope nobody can open; older servers
//! answered 404 `report_not_found`): both are right, neither is an error. A known token that
//! comes back with another report id is a report the server no longer finds.

#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::FollowUpCode;
use loket_wire::api::{Directory, SignedDirectory};
use loket_wire::keys::OrganisationKey;
use loket_wire::pow::{self, PowChallenge, PowPurpose, PowRequest, PowSolution};
use serde::{Deserialize, Serialize};

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
        }
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
    #[error("no randomness: {0}")]
    Random(String),
}

/// A submission the server acknowledged with 201.
#[derive(Clone, Debug)]
pub struct Acknowledged {
    pub token: [u8; 32],
    pub report_id: String,
}

/// One kind of request: the latencies of those that succeeded, in microseconds, and the
/// number that failed (whose latencies would only blur the figures).
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    micros: Vec<u64>,
    failed: usize,
}

impl Latencies {
    fn record(&mut self, d: Duration, outcome: &Outcome) {
        match outcome {
            Outcome::Ok => self
                .micros
                .push(u64::try_from(d.as_micros()).unwrap_or(u64::MAX)),
            Outcome::Error(_) => self.failed += 1,
        }
    }

    fn merge(&mut self, other: Self) {
        self.micros.extend(other.micros);
        self.failed += other.failed;
    }

    fn finish(&mut self) {
        self.micros.sort_unstable();
    }

    /// Requests that succeeded.
    pub fn count(&self) -> usize {
        self.micros.len()
    }

    /// Requests sent, whatever became of them.
    pub fn requests(&self) -> usize {
        self.micros.len() + self.failed
    }

    /// The `q` quantile (0.0..=1.0), nearest rank; zero when nothing was recorded.
    pub fn quantile(&self, q: f64) -> Duration {
        if self.micros.is_empty() {
            return Duration::ZERO;
        }
        let rank = (q * self.micros.len() as f64).ceil() as usize;
        let i = rank.clamp(1, self.micros.len()) - 1;
        Duration::from_micros(self.micros.get(i).copied().unwrap_or_default())
    }

    pub fn max(&self) -> Duration {
        Duration::from_micros(self.micros.last().copied().unwrap_or_default())
    }
}

/// What `--verify` found.
#[derive(Clone, Debug, Default)]
pub struct Verified {
    /// Acknowledged submissions read back.
    pub checked: usize,
    /// Acknowledged submissions the server no longer finds (404) or finds under another id.
    pub lost: usize,
    /// Reads that failed otherwise (no answer, another status): neither found nor proven lost.
    pub errors: BTreeMap<String, u64>,
}

/// The envelopes of a run.
#[derive(Clone, Debug)]
pub struct Envelopes {
    /// Real envelopes sealed with loket-client, or `LOKT\x01` + random bytes.
    pub sealed: bool,
    /// Readers per sealed envelope (members of the roles, plus the reporter).
    pub readers: usize,
    /// Size of each envelope in bytes.
    pub bytes: usize,
    /// Base64 of each envelope, ready to send.
    b64: Vec<Arc<str>>,
}

/// Figures of one run.
#[derive(Clone, Debug)]
pub struct Summary {
    pub config: Config,
    pub envelopes: Envelopes,
    /// The difficulty the server asked for, if any.
    pub pow_bits: Option<u8>,
    /// Length of the measured phase.
    pub elapsed: Duration,
    pub submit: Latencies,
    pub check: Latencies,
    pub checks_known: u64,
    pub checks_unknown: u64,
    /// Failed requests by kind, status and error code (or by transport failure).
    pub errors: BTreeMap<String, u64>,
    /// Every acknowledged submission, including those of the unmeasured seeding phase.
    pub acknowledged: Vec<Acknowledged>,
    pub verified: Option<Verified>,
}

impl Summary {
    pub fn error_count(&self) -> u64 {
        self.errors.values().sum::<u64>()
            + self
                .verified
                .as_ref()
                .map_or(0, |v| v.errors.values().sum::<u64>())
    }

    pub fn lost(&self) -> usize {
        self.verified.as_ref().map_or(0, |v| v.lost)
    }

    /// No error and nothing lost.
    pub fn passed(&self) -> bool {
        self.error_count() == 0 && self.lost() == 0
    }

    fn per_second(&self, n: usize) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 { n as f64 / secs } else { 0.0 }
    }

    /// A human-readable report of the run.
    pub fn render(&self) -> String {
        let c = &self.config;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "loket-load: {} clients, mode {:?}, {:.2} s against {}, roles {}",
            c.clients,
            c.mode,
            self.elapsed.as_secs_f64(),
            c.url,
            c.roles.join(",")
        );
        let _ = writeln!(
            out,
            "envelopes: {} x {} bytes, {}",
            self.envelopes.b64.len(),
            self.envelopes.bytes,
            if self.envelopes.sealed {
                format!(
                    "sealed with loket-client to {} readers",
                    self.envelopes.readers
                )
            } else {
                "LOKT\\x01 + random bytes (not sealed)".into()
            }
        );
        let _ = writeln!(
            out,
            "proof of work: {}",
            match self.pow_bits {
                Some(bits) => format!("{bits} bits asked for; fetched and solved per request"),
                None => "none asked for".into(),
            }
        );
        let requests = self.submit.requests() + self.check.requests();
        let _ = writeln!(
            out,
            "requests: {requests} in {:.2} s = {:.0}/s (succeeded and failed)",
            self.elapsed.as_secs_f64(),
            self.per_second(requests)
        );
        for (name, lat) in [("submit", &self.submit), ("check", &self.check)] {
            if lat.requests() == 0 {
                continue;
            }
            let _ = writeln!(
                out,
                "{name:>7}: {:>7} ok = {:>6.0}/s, {} failed; latency of the ok: p50 {}, p90 {}, \
                 p99 {}, max {}",
                lat.count(),
                self.per_second(lat.count()),
                lat.failed,
                ms(lat.quantile(0.50)),
                ms(lat.quantile(0.90)),
                ms(lat.quantile(0.99)),
                ms(lat.max())
            );
        }
        if self.check.requests() > 0 {
            let _ = writeln!(
                out,
                "checks: {} with known tokens, {} with unknown tokens (decoy or 404 expected)",
                self.checks_known, self.checks_unknown
            );
        }
        let _ = writeln!(
            out,
            "acknowledged: {} (201){}",
            self.acknowledged.len(),
            if c.mode == Mode::Check {
                format!(
                    ", from the unmeasured seeding of {} submissions",
                    c.seed_reports
                )
            } else {
                String::new()
            }
        );
        let _ = writeln!(out, "errors: {}", self.errors.values().sum::<u64>());
        for (what, n) in &self.errors {
            let _ = writeln!(out, "  {n:>8}  {what}");
        }
        match &self.verified {
            Some(v) => {
                let _ = writeln!(
                    out,
                    "verify: {} acknowledged read back, lost {}, read errors {}",
                    v.checked,
                    v.lost,
                    v.errors.values().sum::<u64>()
                );
                for (what, n) in &v.errors {
                    let _ = writeln!(out, "  {n:>8}  {what}");
                }
            }
            None => {
                let _ = writeln!(out, "verify: not run (lost: not measured; use --verify)");
            }
        }
        let _ = writeln!(
            out,
            "result: {}",
            if self.passed() { "PASS" } else { "FAIL" }
        );
        out
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// `POST /api/v1/reports`. `pow` is left out while `None`.
#[derive(Serialize)]
struct SubmitBody<'a> {
    lookup_token: &'a str,
    roles: &'a [String],
    envelope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pow: Option<PowSolution>,
}

/// `POST /api/v1/thread`. `pow` is left out while `None`.
#[derive(Serialize)]
struct ThreadBody<'a> {
    lookup_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pow: Option<PowSolution>,
}

/// The two fields the tool reads from answers; the rest (the envelope of a thread) is skipped.
#[derive(Deserialize, Default)]
struct Answer {
    #[serde(default)]
    report_id: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

fn random_token() -> Result<[u8; 32], LoadError> {
    let mut t = [0u8; 32];
    getrandom::fill(&mut t).map_err(|e| LoadError::Random(e.to_string()))?;
    Ok(t)
}

/// A small, fast generator for the tool's own choices (which operation, which known token);
/// tokens and envelopes come from the operating system's generator.
struct Choices(u64);

impl Choices {
    fn new() -> Result<Self, LoadError> {
        let mut seed = [0u8; 8];
        getrandom::fill(&mut seed).map_err(|e| LoadError::Random(e.to_string()))?;
        Ok(Self(u64::from_le_bytes(seed) | 1))
    }

    /// xorshift64*.
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// What one request came to.
enum Outcome {
    Ok,
    Error(String),
}

/// A prepared run: the HTTP client, the envelopes, and the tokens known so far.
pub struct Load {
    config: Config,
    http: reqwest::Client,
    envelopes: Envelopes,
    /// The difficulty the server asked for when the run was prepared (`None`: no work).
    pow_bits: Option<u8>,
    known: RwLock<Vec<Acknowledged>>,
}

impl Load {
    /// Checks the settings, makes the HTTP client, and seals the envelope pool.
    pub async fn prepare(config: Config) -> Result<Arc<Self>, LoadError> {
        if config.clients == 0 || config.pool == 0 || config.roles.is_empty() {
            return Err(LoadError::Config(
                "clients, pool and roles must not be empty".into(),
            ));
        }
        for share in [config.known_share, config.submit_share] {
            if !(0.0..=1.0).contains(&share) {
                return Err(LoadError::Config("shares are between 0 and 1".into()));
            }
        }
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(config.clients)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| LoadError::Http(e.to_string()))?;
        let pow_bits = pow_demanded(&config, &http).await;
        let envelopes = envelopes(&config, &http).await?;
        Ok(Arc::new(Self {
            config,
            http,
            envelopes,
            pow_bits,
            known: RwLock::new(Vec::new()),
        }))
    }

    pub fn envelopes(&self) -> &Envelopes {
        &self.envelopes
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.url.trim_end_matches('/'))
    }

    /// The difficulty the server asked for when the run was prepared (`None`: no work).
    pub fn pow_bits(&self) -> Option<u8> {
        self.pow_bits
    }

    /// The proof of work to send with a request: `None` when the server asks for none;
    /// otherwise a challenge for `purpose`, fetched and solved now. A failure here is the
    /// request's failure.
    async fn pow(&self, purpose: PowPurpose) -> Result<Option<PowSolution>, String> {
        if self.pow_bits.is_none() {
            return Ok(None);
        }
        let res = self
            .http
            .post(self.url("/api/v1/pow"))
            .json(&PowRequest { purpose })
            .send()
            .await
            .map_err(|e| format!("pow: no answer ({})", transport(&e)))?;
        let status = res.status().as_u16();
        if status != 200 {
            return Err(format!("pow: {status}"));
        }
        let challenge: PowChallenge = res
            .json()
            .await
            .map_err(|e| format!("pow: unreadable challenge ({})", transport(&e)))?;
        if challenge.bits == 0 {
            return Ok(None);
        }
        let solved = if challenge.bits <= 12 {
            pow::solve(&challenge)
        } else {
            tokio::task::spawn_blocking(move || pow::solve(&challenge))
                .await
                .map_err(|e| format!("pow: {e}"))?
        };
        solved
            .map(Some)
            .ok_or_else(|| "pow: challenge too hard".to_owned())
    }

    async fn post<B: Serialize>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<(u16, Answer), &'static str> {
        let res = self
            .http
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| transport(&e))?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or_default()))
    }

    /// One submission with a fresh token and an envelope from the pool.
    async fn submit(&self, choices: &mut Choices, lat: &mut Latencies) -> Outcome {
        let token = match random_token() {
            Ok(t) => t,
            Err(e) => return Outcome::Error(e.to_string()),
        };
        let token_b64 = STANDARD.encode(token);
        let envelope = self
            .envelopes
            .b64
            .get(choices.below(self.envelopes.b64.len()))
            .cloned()
            .unwrap_or_else(|| Arc::from(""));
        let start = Instant::now();
        let pow = match self.pow(PowPurpose::Submit).await {
            Ok(pow) => pow,
            Err(e) => {
                let outcome = Outcome::Error(format!("submit: {e}"));
                lat.record(start.elapsed(), &outcome);
                return outcome;
            }
        };
        let body = SubmitBody {
            lookup_token: &token_b64,
            roles: &self.config.roles,
            envelope: &envelope,
            pow,
        };
        let answer = self.post("/api/v1/reports", &body).await;
        let elapsed = start.elapsed();
        let outcome = match answer {
            Ok((
                201,
                Answer {
                    report_id: Some(report_id),
                    ..
                },
            )) => {
                if let Ok(mut known) = self.known.write() {
                    known.push(Acknowledged { token, report_id });
                }
                Outcome::Ok
            }
            Ok((status, a)) => Outcome::Error(format!(
                "submit: {status} {}",
                a.code.as_deref().unwrap_or("(no error code)")
            )),
            Err(e) => Outcome::Error(format!("submit: no answer ({e})")),
        };
        lat.record(elapsed, &outcome);
        outcome
    }

    /// One code check: a known token (expects 200 and its report id) or an unknown one
    /// (expects 404 `report_not_found`). Returns whether the token was known.
    async fn check(&self, choices: &mut Choices, lat: &mut Latencies) -> (bool, Outcome) {
        let known = if choices.chance(self.config.known_share) {
            self.known.read().ok().and_then(|k| {
                let i = choices.below(k.len());
                k.get(i).cloned()
            })
        } else {
            None
        };
        let token = match &known {
            Some(k) => k.token,
            None => match random_token() {
                Ok(t) => t,
                Err(e) => return (false, Outcome::Error(e.to_string())),
            },
        };
        let token_b64 = STANDARD.encode(token);
        let start = Instant::now();
        let pow = match self.pow(PowPurpose::Check).await {
            Ok(pow) => pow,
            Err(e) => {
                let outcome = Outcome::Error(format!("check: {e}"));
                lat.record(start.elapsed(), &outcome);
                return (known.is_some(), outcome);
            }
        };
        let body = ThreadBody {
            lookup_token: &token_b64,
            pow,
        };
        let answer = self.post("/api/v1/thread", &body).await;
        let elapsed = start.elapsed();
        let outcome = match (&known, answer) {
            (Some(k), Ok((200, a))) if a.report_id.as_deref() == Some(k.report_id.as_str()) => {
                Outcome::Ok
            }
            (Some(_), Ok((200, _))) => {
                Outcome::Error("check: a known token got another report id (a decoy)".into())
            }
            // A decoy thread, or the older servers' "no report found".
            (None, Ok((200, _))) => Outcome::Ok,
            (None, Ok((404, a))) if a.code.as_deref() == Some("report_not_found") => Outcome::Ok,
            (k, Ok((status, a))) => Outcome::Error(format!(
                "check ({} token): {status} {}",
                if k.is_some() { "known" } else { "unknown" },
                a.code.as_deref().unwrap_or("(no error code)")
            )),
            (_, Err(e)) => Outcome::Error(format!("check: no answer ({e})")),
        };
        lat.record(elapsed, &outcome);
        (known.is_some(), outcome)
    }

    /// Runs the configured load: the seeding (unmeasured, for `check`), the measured phase,
    /// and `verify` if asked for.
    pub async fn run(self: &Arc<Self>) -> Result<Summary, LoadError> {
        let mut errors = BTreeMap::new();
        if self.config.mode == Mode::Check {
            self.seed(&mut errors).await?;
        }
        let start = Instant::now();
        let deadline = start + self.config.duration;
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.config.clients {
            let load = Arc::clone(self);
            let mut choices = Choices::new()?;
            tasks.spawn(async move { load.client(deadline, &mut choices).await });
        }
        let mut total = ClientFigures::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(f) => total.merge(f),
                Err(e) => {
                    *errors
                        .entry(format!("client task failed: {e}"))
                        .or_insert(0) += 1
                }
            }
        }
        let elapsed = start.elapsed();
        for (k, v) in total.errors {
            *errors.entry(k).or_insert(0) += v;
        }
        total.submit.finish();
        total.check.finish();
        let acknowledged = self.known.read().map(|k| k.clone()).unwrap_or_default();
        let verified = if self.config.verify {
            Some(self.verify(&acknowledged).await)
        } else {
            None
        };
        Ok(Summary {
            config: self.config.clone(),
            envelopes: self.envelopes.clone(),
            pow_bits: self.pow_bits,
            elapsed,
            submit: total.submit,
            check: total.check,
            checks_known: total.checks_known,
            checks_unknown: total.checks_unknown,
            errors,
            acknowledged,
            verified,
        })
    }

    /// Submissions before a check run, so checks have known tokens. Not measured; failures
    /// count as errors.
    async fn seed(self: &Arc<Self>, errors: &mut BTreeMap<String, u64>) -> Result<(), LoadError> {
        let remaining = Arc::new(AtomicUsize::new(self.config.seed_reports));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self
            .config
            .seed_clients
            .clamp(1, self.config.seed_reports.max(1))
        {
            let (load, remaining) = (Arc::clone(self), Arc::clone(&remaining));
            let mut choices = Choices::new()?;
            tasks.spawn(async move {
                let mut errors = BTreeMap::new();
                let mut lat = Latencies::default();
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    if let Outcome::Error(e) = load.submit(&mut choices, &mut lat).await {
                        *errors.entry(format!("seeding {e}")).or_insert(0u64) += 1;
                    }
                }
                errors
            });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(e) => {
                    for (k, v) in e {
                        *errors.entry(k).or_insert(0) += v;
                    }
                }
                Err(e) => {
                    *errors
                        .entry(format!("seeding task failed: {e}"))
                        .or_insert(0) += 1
                }
            }
        }
        Ok(())
    }

    /// One client: one request at a time until `deadline`.
    async fn client(&self, deadline: Instant, choices: &mut Choices) -> ClientFigures {
        let mut f = ClientFigures::default();
        while Instant::now() < deadline {
            let submit = match self.config.mode {
                Mode::Submit => true,
                Mode::Check => false,
                Mode::Mixed => choices.chance(self.config.submit_share),
            };
            let outcome = if submit {
                self.submit(choices, &mut f.submit).await
            } else {
                let (known, outcome) = self.check(choices, &mut f.check).await;
                if known {
                    f.checks_known += 1;
                } else {
                    f.checks_unknown += 1;
                }
                outcome
            };
            if let Outcome::Error(e) = outcome {
                *f.errors.entry(e).or_insert(0) += 1;
            }
        }
        f
    }

    /// Reads back every acknowledged submission with `clients` concurrent readers. A 404 (or
    /// another report id) is a lost report; any other failure is a read error.
    pub async fn verify(self: &Arc<Self>, acknowledged: &[Acknowledged]) -> Verified {
        let items: Arc<Vec<Acknowledged>> = Arc::new(acknowledged.to_vec());
        let next = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.config.clients {
            let (load, items, next) = (Arc::clone(self), Arc::clone(&items), Arc::clone(&next));
            tasks.spawn(async move {
                let mut v = Verified::default();
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    v.checked += 1;
                    let token_b64 = STANDARD.encode(item.token);
                    let pow = match load.pow(PowPurpose::Check).await {
                        Ok(pow) => pow,
                        Err(e) => {
                            *v.errors.entry(format!("verify: {e}")).or_insert(0) += 1;
                            continue;
                        }
                    };
                    let body = ThreadBody {
                        lookup_token: &token_b64,
                        pow,
                    };
                    match load.post("/api/v1/thread", &body).await {
                        Ok((200, a)) if a.report_id.as_deref() == Some(item.report_id.as_str()) => {
                        }
                        // Another id: a decoy, the server does not know the token.
                        Ok((200, _)) => v.lost += 1,
                        Ok((404, a)) if a.code.as_deref() == Some("report_not_found") => {
                            v.lost += 1;
                        }
                        Ok((status, a)) => {
                            let code = a.code.unwrap_or_else(|| "(no error code)".into());
                            *v.errors
                                .entry(format!("verify: {status} {code}"))
                                .or_insert(0) += 1;
                        }
                        Err(e) => {
                            *v.errors
                                .entry(format!("verify: no answer ({e})"))
                                .or_insert(0) += 1;
                        }
                    }
                }
                v
            });
        }
        let mut total = Verified::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(v) => {
                    total.checked += v.checked;
                    total.lost += v.lost;
                    for (k, n) in v.errors {
                        *total.errors.entry(k).or_insert(0) += n;
                    }
                }
                Err(e) => {
                    *total
                        .errors
                        .entry(format!("verify task failed: {e}"))
                        .or_insert(0) += 1;
                }
            }
        }
        total
    }
}

/// A short name for a transport failure (no URL, no body).
fn transport(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    }
}

#[derive(Default)]
struct ClientFigures {
    submit: Latencies,
    check: Latencies,
    checks_known: u64,
    checks_unknown: u64,
    errors: BTreeMap<String, u64>,
}

impl ClientFigures {
    fn merge(&mut self, o: Self) {
        self.submit.merge(o.submit);
        self.check.merge(o.check);
        self.checks_known += o.checks_known;
        self.checks_unknown += o.checks_unknown;
        for (k, v) in o.errors {
            *self.errors.entry(k).or_insert(0) += v;
        }
    }
}

/// The difficulty the server asks for, if it asks for work (`POST /api/v1/pow` answers with
/// `bits` > 0). Servers without proof of work answer 404: no work.
async fn pow_demanded(config: &Config, http: &reqwest::Client) -> Option<u8> {
    let url = format!("{}/api/v1/pow", config.url.trim_end_matches('/'));
    for purpose in ["submit", "check"] {
        let Ok(res) = http
            .post(&url)
            .json(&serde_json::json!({ "purpose": purpose }))
            .send()
            .await
        else {
            continue;
        };
        if !res.status().is_success() {
            continue;
        }
        if let Ok(PowChallenge { bits, .. }) = res.json().await
            && bits > 0
        {
            return Some(bits);
        }
    }
    None
}

/// The directory as the server publishes it: verified with `org_key` if given, otherwise only
/// parsed (the load tool is not a reporter's client; a real portal always verifies).
async fn directory(config: &Config, http: &reqwest::Client) -> Result<Directory, LoadError> {
    let url = format!("{}/api/v1/directory", config.url.trim_end_matches('/'));
    let res = http
        .get(&url)
        .send()
        .await
        .map_err(|e| LoadError::Http(format!("{url}: {e}")))?;
    if !res.status().is_success() {
        return Err(LoadError::Directory(format!(
            "{url} answered {}",
            res.status()
        )));
    }
    let signed: SignedDirectory = res
        .json()
        .await
        .map_err(|e| LoadError::Directory(e.to_string()))?;
    match &config.org_key {
        Some(key) => loket_client::verify_directory(&signed, key)
            .map_err(|e| LoadError::Directory(e.to_string())),
        None => {
            serde_json::from_slice(&signed.body.0).map_err(|e| LoadError::Directory(e.to_string()))
        }
    }
}

/// Seals the envelope pool, or makes fake envelopes when nobody could read real ones.
async fn envelopes(config: &Config, http: &reqwest::Client) -> Result<Envelopes, LoadError> {
    let dir = directory(config, http).await?;
    let readers = dir.members_of(&config.roles).count();
    if config.fake_envelopes || readers == 0 {
        let mut b64 = Vec::with_capacity(config.pool);
        for _ in 0..config.pool {
            let mut env = vec![0u8; config.envelope_size.max(5)];
            getrandom::fill(&mut env).map_err(|e| LoadError::Random(e.to_string()))?;
            env[..5].copy_from_slice(b"LOKT\x01");
            b64.push(Arc::from(STANDARD.encode(&env)));
        }
        return Ok(Envelopes {
            sealed: false,
            readers: 0,
            bytes: config.envelope_size.max(5),
            b64,
        });
    }
    // One code for the whole pool: one Argon2id (the expensive step of a real reporter),
    // done once here, off the clock.
    let config = config.clone();
    tokio::task::spawn_blocking(move || seal_pool(&config, &dir))
        .await
        .map_err(|e| LoadError::Seal(e.to_string()))?
}

fn seal_pool(config: &Config, dir: &Directory) -> Result<Envelopes, LoadError> {
    let code = FollowUpCode::generate(&mut rand::rng());
    let keys = code
        .derive(&dir.deployment_salt.0)
        .map_err(|e| LoadError::Seal(e.to_string()))?;
    // The signed body adds a few hundred bytes of JSON and signature to the text; leave 1 KiB
    // so the padded plaintext falls in the bucket of `envelope_size` (16 KiB for 16384).
    let text_len = config.envelope_size.saturating_sub(1024).max(1);
    let mut b64 = Vec::with_capacity(config.pool);
    let mut bytes = 0;
    for _ in 0..config.pool {
        let mut raw = vec![0u8; text_len];
        getrandom::fill(&mut raw).map_err(|e| LoadError::Random(e.to_string()))?;
        let text: String = raw.iter().map(|b| char::from(b'a' + b % 26)).collect();
        let sealed = loket_client::seal_report(&mut rand::rng(), dir, &config.roles, &keys, &text)
            .map_err(|e| LoadError::Seal(e.to_string()))?;
        bytes = sealed.0.len();
        b64.push(Arc::from(STANDARD.encode(&sealed.0)));
    }
    Ok(Envelopes {
        sealed: true,
        readers: dir.members_of(&config.roles).count() + 1,
        bytes,
        b64,
    })
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

    #[test]
    fn quantiles_are_nearest_rank() {
        let mut l = Latencies::default();
        for us in (1..=100).rev() {
            l.record(Duration::from_micros(us), &Outcome::Ok);
        }
        l.record(Duration::from_secs(9), &Outcome::Error("failed".into()));
        l.finish();
        assert_eq!(l.quantile(0.5), Duration::from_micros(50));
        assert_eq!(l.quantile(0.99), Duration::from_micros(99));
        assert_eq!(l.quantile(1.0), Duration::from_micros(100));
        assert_eq!(l.max(), Duration::from_micros(100));
        assert_eq!((l.count(), l.requests()), (100, 101));
        assert_eq!(Latencies::default().quantile(0.5), Duration::ZERO);
    }
}
