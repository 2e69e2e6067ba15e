//! The run itself: the clients, their requests, the seeding and the verification.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_wire::B64;
use loket_wire::api::ThreadRequest;
use loket_wire::paths::{self, route};
use loket_wire::pow::{self, PowChallenge, PowPurpose, PowRequest, PowSolution};
use rand::rngs::SmallRng;
use rand::{Rng as _, RngExt as _, SeedableRng as _};
use serde::{Deserialize, Serialize};

use crate::summary::{Outcome, count};
use crate::{Acknowledged, Config, Envelopes, Latencies, LoadError, Mode, Summary, Verified};

/// `POST /api/v1/reports`, with the envelope borrowed from the pool as base64 made before the
/// run. `loket_wire::api::SubmitReport` owns its envelope as bytes and encodes it while
/// serialising: sending it would copy and base64-encode about 16 KB on every request, work
/// the measured clients would pay and a real portal does once.
#[derive(Serialize)]
struct SubmitBody<'a> {
    lookup_token: &'a str,
    roles: &'a [String],
    envelope: &'a str,
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

impl Answer {
    fn code(&self) -> &str {
        self.code.as_deref().unwrap_or("(no error code)")
    }

    fn is_report(&self, id: &str) -> bool {
        self.report_id.as_deref() == Some(id)
    }
}

/// 32 fresh random bytes.
fn random_token() -> [u8; 32] {
    let mut t = [0u8; 32];
    rand::rng().fill_bytes(&mut t);
    t
}

/// The tool's own choices (which operation, which known token): a small, fast generator per
/// client; tokens and envelopes come from the thread's cryptographic generator.
fn choices() -> SmallRng {
    SmallRng::from_rng(&mut rand::rng())
}

/// A number below `n` (0 when `n` is 0).
fn below(rng: &mut SmallRng, n: usize) -> usize {
    if n == 0 { 0 } else { rng.random_range(0..n) }
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

/// What one client measured.
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
            count(&mut self.errors, k, v);
        }
    }
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
        config.check()?;
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(config.clients)
            .tcp_nodelay(true)
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| LoadError::Http(e.to_string()))?;
        let pow_bits = pow_demanded(&config, &http).await;
        let envelopes = Envelopes::prepare(&config, &http).await?;
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
            .post(self.config.url(&paths::api(route::POW)))
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
        route: &str,
        body: &B,
    ) -> Result<(u16, Answer), &'static str> {
        let res = self
            .http
            .post(self.config.url(&paths::api(route)))
            .json(body)
            .send()
            .await
            .map_err(|e| transport(&e))?;
        let status = res.status().as_u16();
        let bytes = res.bytes().await.map_err(|e| transport(&e))?;
        Ok((status, serde_json::from_slice(&bytes).unwrap_or_default()))
    }

    /// Reads the thread of `token` (with the proof of work the server asks for).
    async fn read_thread(&self, token: [u8; 32]) -> Result<(u16, Answer), String> {
        let pow = self.pow(PowPurpose::Check).await?;
        let body = ThreadRequest {
            lookup_token: B64(token.to_vec()),
            pow,
        };
        self.post(route::THREAD, &body)
            .await
            .map_err(|e| format!("no answer ({e})"))
    }

    /// One submission with a fresh token and an envelope from the pool.
    async fn submit(&self, rng: &mut SmallRng, lat: &mut Latencies) -> Outcome {
        let token = random_token();
        let token_b64 = STANDARD.encode(token);
        let envelope = self.envelopes.get(below(rng, self.envelopes.len()));
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
        let answer = self.post(route::REPORTS, &body).await;
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
            Ok((status, a)) => Outcome::Error(format!("submit: {status} {}", a.code())),
            Err(e) => Outcome::Error(format!("submit: no answer ({e})")),
        };
        lat.record(elapsed, &outcome);
        outcome
    }

    /// One code check: a known token (expects 200 and its report id) or an unknown one
    /// (expects 200 and a decoy). Returns whether the token was known.
    async fn check(&self, rng: &mut SmallRng, lat: &mut Latencies) -> (bool, Outcome) {
        let known = if rng.random_bool(self.config.known_share) {
            self.known
                .read()
                .ok()
                .and_then(|k| k.get(below(rng, k.len())).cloned())
        } else {
            None
        };
        let token = known.as_ref().map_or_else(random_token, |k| k.token);
        let start = Instant::now();
        let answer = self.read_thread(token).await;
        let elapsed = start.elapsed();
        let outcome = match (&known, answer) {
            (Some(k), Ok((200, a))) if a.is_report(&k.report_id) => Outcome::Ok,
            (Some(_), Ok((200, _))) => {
                Outcome::Error("check: a known token got another report id (a decoy)".into())
            }
            (None, Ok((200, _))) => Outcome::Ok,
            (k, Ok((status, a))) => Outcome::Error(format!(
                "check ({} token): {status} {}",
                if k.is_some() { "known" } else { "unknown" },
                a.code()
            )),
            (_, Err(e)) => Outcome::Error(format!("check: {e}")),
        };
        lat.record(elapsed, &outcome);
        (known.is_some(), outcome)
    }

    /// Runs the configured load: the seeding (unmeasured, for `check`), the measured phase,
    /// and `verify` if asked for.
    pub async fn run(self: &Arc<Self>) -> Result<Summary, LoadError> {
        let mut errors = BTreeMap::new();
        if self.config.mode == Mode::Check {
            self.seed(&mut errors).await;
        }
        let start = Instant::now();
        let deadline = start + self.config.duration;
        let flood = (self.config.flood > 0).then(|| {
            tokio::spawn(crate::flood::run(
                Arc::new(self.config.clone()),
                self.http.clone(),
                self.envelopes.get(0),
                deadline,
            ))
        });
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.config.clients {
            let load = Arc::clone(self);
            let mut rng = choices();
            tasks.spawn(async move { load.client(deadline, &mut rng).await });
        }
        let mut total = ClientFigures::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(f) => total.merge(f),
                Err(e) => count(&mut errors, format!("client task failed: {e}"), 1),
            }
        }
        let flood = match flood {
            Some(f) => Some(f.await.unwrap_or_default()),
            None => None,
        };
        let elapsed = start.elapsed();
        for (k, v) in total.errors {
            count(&mut errors, k, v);
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
            flood,
        })
    }

    /// Submissions before a check run, so checks have known tokens. Not measured; failures
    /// count as errors.
    async fn seed(self: &Arc<Self>, errors: &mut BTreeMap<String, u64>) {
        let remaining = Arc::new(AtomicUsize::new(self.config.seed_reports));
        let seeders = self
            .config
            .seed_clients
            .clamp(1, self.config.seed_reports.max(1));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..seeders {
            let (load, remaining) = (Arc::clone(self), Arc::clone(&remaining));
            let mut rng = choices();
            tasks.spawn(async move {
                let mut errors = BTreeMap::new();
                let mut lat = Latencies::default();
                while remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    if let Outcome::Error(e) = load.submit(&mut rng, &mut lat).await {
                        count(&mut errors, format!("seeding {e}"), 1);
                    }
                }
                errors
            });
        }
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(e) => e.into_iter().for_each(|(k, v)| count(errors, k, v)),
                Err(e) => count(errors, format!("seeding task failed: {e}"), 1),
            }
        }
    }

    /// One client: one request at a time until `deadline`.
    async fn client(&self, deadline: Instant, rng: &mut SmallRng) -> ClientFigures {
        let mut f = ClientFigures::default();
        while Instant::now() < deadline {
            let submit = match self.config.mode {
                Mode::Submit => true,
                Mode::Check => false,
                Mode::Mixed => rng.random_bool(self.config.submit_share),
            };
            let outcome = if submit {
                self.submit(rng, &mut f.submit).await
            } else {
                let (known, outcome) = self.check(rng, &mut f.check).await;
                if known {
                    f.checks_known += 1;
                } else {
                    f.checks_unknown += 1;
                }
                outcome
            };
            if let Outcome::Error(e) = outcome {
                count(&mut f.errors, e, 1);
            }
        }
        f
    }

    /// Reads back every acknowledged submission with `clients` concurrent readers. Another
    /// report id (a decoy) is a lost report; any other failure is a read error.
    pub async fn verify(self: &Arc<Self>, acknowledged: &[Acknowledged]) -> Verified {
        let items: Arc<Vec<Acknowledged>> = Arc::new(acknowledged.to_vec());
        let next = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..self.config.clients {
            let (load, items, next) = (Arc::clone(self), Arc::clone(&items), Arc::clone(&next));
            tasks.spawn(async move {
                let mut v = Verified::default();
                while let Some(item) = items.get(next.fetch_add(1, Ordering::Relaxed)) {
                    load.verify_one(item, &mut v).await;
                }
                v
            });
        }
        let mut total = Verified::default();
        while let Some(done) = tasks.join_next().await {
            match done {
                Ok(v) => total.merge(v),
                Err(e) => count(&mut total.errors, format!("verify task failed: {e}"), 1),
            }
        }
        total
    }

    async fn verify_one(&self, item: &Acknowledged, v: &mut Verified) {
        v.checked += 1;
        match self.read_thread(item.token).await {
            Ok((200, a)) if a.is_report(&item.report_id) => {}
            // Another id: a decoy, the server does not know the token.
            Ok((200, _)) => v.lost += 1,
            Ok((status, a)) => count(&mut v.errors, format!("verify: {status} {}", a.code()), 1),
            Err(e) => count(&mut v.errors, format!("verify: {e}"), 1),
        }
    }
}

/// The difficulty the server asks for, if it asks for work (a challenge with `bits` > 0).
/// A server that answers no challenge asks for no work.
async fn pow_demanded(config: &Config, http: &reqwest::Client) -> Option<u8> {
    let url = config.url(&paths::api(route::POW));
    for purpose in [PowPurpose::Submit, PowPurpose::Check] {
        let Ok(res) = http.post(&url).json(&PowRequest { purpose }).send().await else {
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
