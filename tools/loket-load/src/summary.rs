//! The figures of a run and their human-readable report.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

use crate::{Acknowledged, Config, Envelopes, Mode};

/// What one request came to.
pub(crate) enum Outcome {
    Ok,
    Error(String),
}

/// Adds `n` to the count of `what`.
pub(crate) fn count(errors: &mut BTreeMap<String, u64>, what: String, n: u64) {
    *errors.entry(what).or_insert(0) += n;
}

/// One kind of request: the latencies of those that succeeded, in microseconds, and the
/// number that failed (whose latencies would only blur the figures).
#[derive(Clone, Debug, Default)]
pub struct Latencies {
    micros: Vec<u64>,
    failed: usize,
}

impl Latencies {
    pub(crate) fn record(&mut self, d: Duration, outcome: &Outcome) {
        match outcome {
            Outcome::Ok => self
                .micros
                .push(u64::try_from(d.as_micros()).unwrap_or(u64::MAX)),
            Outcome::Error(_) => self.failed += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: Self) {
        self.micros.extend(other.micros);
        self.failed += other.failed;
    }

    pub(crate) fn finish(&mut self) {
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
    /// Acknowledged submissions the server no longer finds (it answers with another id).
    pub lost: usize,
    /// Reads that failed otherwise (no answer, another status): neither found nor proven lost.
    pub errors: BTreeMap<String, u64>,
}

impl Verified {
    pub(crate) fn merge(&mut self, other: Self) {
        self.checked += other.checked;
        self.lost += other.lost;
        for (k, n) in other.errors {
            count(&mut self.errors, k, n);
        }
    }
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
    /// What the flood sent meanwhile (`--flood`).
    pub flood: Option<crate::Flood>,
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
        let mut out = String::new();
        self.render_setup(&mut out);
        self.render_requests(&mut out);
        self.render_flood(&mut out);
        self.render_outcome(&mut out);
        out
    }

    /// What ran: clients, envelopes, proof of work.
    fn render_setup(&self, out: &mut String) {
        let c = &self.config;
        let _ = writeln!(
            out,
            "loket-load: {} clients, mode {:?}, {:.2} s against {}, roles {}",
            c.clients,
            c.mode,
            self.elapsed.as_secs_f64(),
            c.url,
            c.roles.join(",")
        );
        let e = &self.envelopes;
        let kind = if e.sealed {
            format!("sealed with loket-client to {} readers", e.readers)
        } else {
            "LOKT\\x01 + random bytes (not sealed)".into()
        };
        let _ = writeln!(out, "envelopes: {} x {} bytes, {kind}", e.len(), e.bytes);
        let pow = match self.pow_bits {
            Some(bits) => format!("{bits} bits asked for; fetched and solved per request"),
            None => "none asked for".into(),
        };
        let _ = writeln!(out, "proof of work: {pow}");
    }

    /// Throughput and latency per kind of request.
    fn render_requests(&self, out: &mut String) {
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
                "checks: {} with known tokens, {} with unknown tokens (decoy expected)",
                self.checks_known, self.checks_unknown
            );
        }
    }

    /// The flood's requests and the answers they got.
    fn render_flood(&self, out: &mut String) {
        let Some(flood) = &self.flood else {
            return;
        };
        let _ = writeln!(
            out,
            "flood: {} tasks sent {} unpaid or junk requests = {:.0}/s; answers:",
            self.config.flood,
            flood.sent,
            self.per_second(flood.sent as usize)
        );
        render_counts(out, &flood.answers);
        let paying = self.submit.requests() + self.check.requests();
        let ok = self.submit.count() + self.check.count();
        let _ = writeln!(
            out,
            "paying clients under flood: {ok} of {paying} succeeded = {:.2} %",
            if paying == 0 {
                0.0
            } else {
                ok as f64 * 100.0 / paying as f64
            }
        );
    }

    /// Acknowledged, errors, the verification, and the verdict.
    fn render_outcome(&self, out: &mut String) {
        let seeding = if self.config.mode == Mode::Check {
            format!(
                ", from the unmeasured seeding of {} submissions",
                self.config.seed_reports
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "acknowledged: {} (201){seeding}",
            self.acknowledged.len()
        );
        let _ = writeln!(out, "errors: {}", self.errors.values().sum::<u64>());
        render_counts(out, &self.errors);
        match &self.verified {
            Some(v) => {
                let _ = writeln!(
                    out,
                    "verify: {} acknowledged read back, lost {}, read errors {}",
                    v.checked,
                    v.lost,
                    v.errors.values().sum::<u64>()
                );
                render_counts(out, &v.errors);
            }
            None => {
                let _ = writeln!(out, "verify: not run (lost: not measured; use --verify)");
            }
        }
        let verdict = if self.passed() { "PASS" } else { "FAIL" };
        let _ = writeln!(out, "result: {verdict}");
    }
}

fn render_counts(out: &mut String, counts: &BTreeMap<String, u64>) {
    for (what, n) in counts {
        let _ = writeln!(out, "  {n:>8}  {what}");
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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
