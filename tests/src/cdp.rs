//! Chrome DevTools Protocol commands through chromedriver (`POST /session/{id}/goog/cdp/execute`),
//! and what the page-load benchmark (tests/examples/page_load.rs) and the assets test
//! (tests/browser/assets.rs) read with them: a simulated slow link, the time until the
//! reporter's form is usable, and the Resource Timing entries of the page.

use fantoccini::Client;
use fantoccini::wd::WebDriverCompatibleCommand;
use serde::Deserialize;
use serde_json::{Value, json};

/// One CDP command, e.g. `Network.emulateNetworkConditions`.
#[derive(Debug)]
struct CdpCommand {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!(
            "session/{}/goog/cdp/execute",
            session.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// Runs the CDP command `cmd` with `params`; returns its result.
pub async fn cdp(c: &Client, cmd: &str, params: Value) -> Value {
    c.issue_cmd(CdpCommand {
        cmd: cmd.into(),
        params,
    })
    .await
    .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
}

/// A simulated link: added round-trip latency and download/upload rates.
#[derive(Clone, Copy, Debug)]
pub struct Link {
    pub latency_ms: u32,
    pub down_bits_per_s: u32,
    pub up_bits_per_s: u32,
}

/// The slow anonymous link of issue 11: 300 ms added latency, 2 Mbit/s down (1 Mbit/s up).
pub const SLOW_LINK: Link = Link {
    latency_ms: 300,
    down_bits_per_s: 2_000_000,
    up_bits_per_s: 1_000_000,
};

/// Slows every later request of the page down to `link` (the cache stays off, so every
/// visit is a first visit).
pub async fn emulate(c: &Client, link: Link) {
    cdp(c, "Network.enable", json!({})).await;
    cdp(
        c,
        "Network.setCacheDisabled",
        json!({ "cacheDisabled": true }),
    )
    .await;
    cdp(
        c,
        "Network.emulateNetworkConditions",
        json!({
            "offline": false,
            "latency": link.latency_ms,
            "downloadThroughput": f64::from(link.down_bits_per_s) / 8.0,
            "uploadThroughput": f64::from(link.up_bits_per_s) / 8.0,
        }),
    )
    .await;
}

/// Makes the browser send `Accept-Encoding: <value>` with every later request (e.g.
/// `identity` for a baseline without compression, or `br`, which Chromium asks for on its own
/// only over HTTPS).
pub async fn accept_encoding(c: &Client, value: &str) {
    cdp(c, "Network.enable", json!({})).await;
    cdp(
        c,
        "Network.setExtraHTTPHeaders",
        json!({ "headers": { "Accept-Encoding": value } }),
    )
    .await;
}

/// Records, in every page loaded afterwards, the time (ms since the navigation started) at
/// which the reporter's form became usable: the text field `#report-text` exists and the
/// roles to choose from are shown (`#role-…` check boxes), which happens only once the team
/// directory has been fetched and its signature verified. Read it with [`form_ready_ms`].
pub async fn watch_form_ready(c: &Client) {
    let script = "new MutationObserver((_, obs) => { \
        if (document.getElementById('report-text') && \
            document.querySelector('input[type=checkbox][id^=role-]')) { \
          window.__formReadyMs = performance.now(); obs.disconnect(); } \
      }).observe(document, { childList: true, subtree: true, characterData: true });";
    cdp(
        c,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": script }),
    )
    .await;
}

/// The time [`watch_form_ready`] recorded, once there is one.
pub async fn form_ready_ms(c: &Client) -> Option<f64> {
    c.execute("return window.__formReadyMs ?? null", vec![])
        .await
        .ok()
        .and_then(|v| v.as_f64())
}

/// One Resource Timing entry (the navigation's own entry included).
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    pub name: String,
    pub transfer_size: f64,
    pub encoded_body_size: f64,
    pub decoded_body_size: f64,
    /// The HTTP status (0 where the browser does not tell).
    #[serde(default)]
    pub response_status: f64,
}

/// The page's origin and every Resource Timing entry so far: the navigation, then each
/// resource.
pub async fn entries(c: &Client) -> (String, Vec<Entry>) {
    let v = c
        .execute(
            "const pick = (e) => ({ name: e.name, transferSize: e.transferSize, \
               encodedBodySize: e.encodedBodySize, decodedBodySize: e.decodedBodySize, \
               responseStatus: e.responseStatus ?? 0 }); \
             return JSON.stringify({ origin: location.origin, entries: \
               performance.getEntriesByType('navigation').map(pick) \
                 .concat(performance.getEntriesByType('resource').map(pick)) });",
            vec![],
        )
        .await
        .unwrap_or_else(|e| panic!("cannot read the Resource Timing entries: {e}"));
    #[derive(Deserialize)]
    struct Page {
        origin: String,
        entries: Vec<Entry>,
    }
    let page: Page = serde_json::from_str(v.as_str().unwrap_or_default())
        .unwrap_or_else(|e| panic!("Resource Timing entries: {e}"));
    (page.origin, page.entries)
}

/// Records every long task of the page in `window.__long` (durations, ms), for
/// `Page.addScriptToEvaluateOnNewDocument` (tests/examples/long_tasks.rs, stats_bench.rs).
pub const WATCH_LONG_TASKS: &str = "window.__long = []; new PerformanceObserver((list) => { \
    for (const e of list.getEntries()) window.__long.push(e.duration); \
  }).observe({ type: 'longtask', buffered: true });";

/// The baseline of the worker benchmarks: no Web Worker in the page.
pub const NO_WORKER: &str = "delete window.Worker; window.Worker = undefined;";
