//! The flood (`--flood N`): N tasks that send, as fast as one process can, requests that pay
//! nothing, while the load's clients go on paying their proof of work. It measures what the
//! server promises (docs/api.md, "Only paid work counts"): unpaid and junk requests are
//! refused before they count, so the paying clients' success and latency hold up.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use loket_wire::paths::{self, route};

use crate::Config;

/// What the flood sent, and the answers by kind and status.
#[derive(Clone, Debug, Default)]
pub struct Flood {
    pub sent: u64,
    /// `"<kind> <status>"` (or `"<kind> no answer"`) → count.
    pub answers: BTreeMap<String, u64>,
}

impl Flood {
    fn merge(&mut self, other: Flood) {
        self.sent += other.sent;
        for (k, v) in other.answers {
            *self.answers.entry(k).or_default() += v;
        }
    }
}

/// One kind of flood request: its name, its path and its body.
fn request(config: &Config, i: u64, envelope: &str) -> (&'static str, String, String) {
    let token = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let forged = r#"{"challenge":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","nonce":"AAAAAAAAAAA="}"#;
    match i % 5 {
        0 => (
            "unpaid submit",
            config.url(&paths::api(route::REPORTS)),
            format!(r#"{{"lookup_token":"{token}","roles":["ccp"],"envelope":"{envelope}"}}"#),
        ),
        1 => (
            "forged submit",
            config.url(&paths::api(route::REPORTS)),
            format!(
                r#"{{"lookup_token":"{token}","roles":["ccp"],"envelope":"{envelope}","pow":{forged}}}"#
            ),
        ),
        2 => (
            "unpaid check",
            config.url(&paths::api(route::THREAD)),
            format!(r#"{{"lookup_token":"{token}"}}"#),
        ),
        3 => (
            "junk",
            config.url(&paths::api(route::REPORTS)),
            "{\"lookup_token\": [1, 2".to_owned(),
        ),
        _ => (
            "login challenge",
            config.url(&paths::api(route::TEAM_CHALLENGE)),
            "{}".to_owned(),
        ),
    }
}

/// One flood task until `deadline`, one request in flight at a time.
async fn task(
    config: Arc<Config>,
    http: reqwest::Client,
    envelope: Arc<str>,
    first: u64,
    deadline: Instant,
) -> Flood {
    let mut flood = Flood::default();
    let mut i = first;
    while Instant::now() < deadline {
        let (kind, url, body) = request(&config, i, &envelope);
        i += 1;
        let answer = http
            .post(url)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await;
        let key = match answer {
            Ok(res) => {
                let status = res.status().as_u16();
                // Read the answer, so the connection can be used again.
                let _ = res.bytes().await;
                format!("{kind} {status}")
            }
            Err(_) => format!("{kind} no answer"),
        };
        flood.sent += 1;
        *flood.answers.entry(key).or_default() += 1;
    }
    flood
}

/// Runs `config.flood` flood tasks until `deadline`.
pub async fn run(
    config: Arc<Config>,
    http: reqwest::Client,
    envelope: Arc<str>,
    deadline: Instant,
) -> Flood {
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..config.flood {
        let (config, http, envelope) = (Arc::clone(&config), http.clone(), Arc::clone(&envelope));
        tasks.spawn(task(config, http, envelope, n as u64, deadline));
    }
    let mut total = Flood::default();
    while let Some(done) = tasks.join_next().await {
        if let Ok(f) = done {
            total.merge(f);
        }
    }
    total
}
