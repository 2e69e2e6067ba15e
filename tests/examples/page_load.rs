//! A reporter's first visit on a slow anonymous link, in headless Chromium: bytes on the wire
//! and the time until the report form is usable. A benchmark, not a test; figures and how to
//! read them: docs/benchmarks.md.
//!
//!     LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) scripts/build-portal.sh
//!     cargo run --release -p loket-e2e --example page_load [runs]
//!
//! Each run starts a fresh browser (empty cache, new connections) on the link of issue 11
//! (300 ms added latency, 2 Mbit/s down, 1 Mbit/s up) and loads `/` of a real server. Two
//! modes alternate, so that a busy machine slows both alike: `identity` (the browser asks for
//! no compression: the baseline) and `br` (the browser's own `Accept-Encoding`, which offers
//! brotli to 127.0.0.1 as to an HTTPS site). What gzip would have sent (an older browser) is
//! computed from the `br` runs' entries and the server's gzip bodies.
//!
//! Bytes on the wire: the sum of `transferSize` over the navigation's and every resource's
//! Resource Timing entry (bodies as sent plus response headers). Form usable: the first
//! moment, in ms since the navigation started, at which `#report-text` exists and the roles
//! of the verified team directory are shown (tests/src/cdp.rs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use loket_e2e::browser::browser;
use loket_e2e::cdp::{self, Entry, SLOW_LINK};
use loket_e2e::{TestApp, median};

/// The modes: a name and the `Accept-Encoding` the browser sends (`None`: its own, which for
/// this server on 127.0.0.1, a potentially trustworthy origin like an HTTPS one, is
/// `gzip, deflate, br, zstd`: the server answers with brotli).
const MODES: [(&str, Option<&str>); 2] = [("identity", Some("identity")), ("br", None)];

struct Run {
    bytes: f64,
    form_ms: f64,
    entries: Vec<Entry>,
}

async fn visit(app: &TestApp, accept: Option<&str>) -> Run {
    let b = browser().await;
    let c = &b.client;
    c.goto("about:blank").await.unwrap();
    cdp::emulate(c, SLOW_LINK).await;
    if let Some(accept) = accept {
        cdp::accept_encoding(c, accept).await;
    }
    cdp::watch_form_ready(c).await;
    c.goto(&app.url("/")).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let form_ms = loop {
        if let Some(ms) = cdp::form_ready_ms(c).await {
            break ms;
        }
        assert!(Instant::now() < deadline, "the report form did not appear");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let (_, entries) = cdp::entries(c).await;
    let bytes = entries.iter().map(|e| e.transfer_size).sum();
    b.client.close().await.unwrap();
    Run {
        bytes,
        form_ms,
        entries,
    }
}

/// Bytes on the wire had the server answered a run with `coding`: each compressed entry's
/// body replaced by the body the server sends to `Accept-Encoding: <coding>` (headers as
/// measured).
async fn with_coding(app: &TestApp, run: &Run, coding: &str) -> f64 {
    let mut total = 0.0;
    for e in &run.entries {
        let res = app
            .http
            .get(&e.name)
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        let coded = res
            .headers()
            .get("content-encoding")
            .is_some_and(|v| v == coding);
        let len = res.bytes().await.unwrap().len() as f64;
        total += if coded && e.encoded_body_size < e.decoded_body_size {
            e.transfer_size - e.encoded_body_size + len
        } else {
            e.transfer_size
        };
    }
    total
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("runs: a number"))
        .unwrap_or(5);
    let app = TestApp::sqlite().await;
    let mut results: Vec<Vec<Run>> = MODES.iter().map(|_| Vec::new()).collect();
    for i in 0..runs {
        for ((name, accept), out) in MODES.iter().zip(&mut results) {
            let run = visit(&app, *accept).await;
            eprintln!(
                "run {}/{runs} {name}: {:.0} bytes, form usable after {:.0} ms",
                i + 1,
                run.bytes,
                run.form_ms
            );
            out.push(run);
        }
    }
    // The browser's own runs, recomputed: brotli (which must match what was measured) and gzip.
    let mut computed: Vec<Vec<f64>> = vec![Vec::new(), Vec::new()];
    for run in &results[1] {
        computed[0].push(with_coding(&app, run, "br").await);
        computed[1].push(with_coding(&app, run, "gzip").await);
    }
    app.shutdown().await;

    println!(
        "link: {} ms added latency, {} kbit/s down; {runs} runs per mode, medians",
        SLOW_LINK.latency_ms,
        SLOW_LINK.down_bits_per_s / 1000
    );
    println!("| Accept-Encoding | bytes on the wire | form usable |");
    println!("|---|---:|---:|");
    for ((name, _), runs) in MODES.iter().zip(&results) {
        let bytes = median(runs.iter().map(|r| r.bytes).collect());
        let ms = median(runs.iter().map(|r| r.form_ms).collect());
        println!("| {name} | {bytes:.0} B | {:.2} s |", ms / 1000.0);
    }
    let [br, gzip] = [&computed[0], &computed[1]].map(|v| median(v.clone()));
    println!("| br, computed from the br runs' entries (a check) | {br:.0} B | — |");
    println!("| gzip, computed from the br runs' entries | {gzip:.0} B | — |");
    for ((name, _), runs) in MODES.iter().zip(&results) {
        let Some(last) = runs.last() else { continue };
        println!();
        println!("last `{name}` run, per entry:");
        println!("| entry | transferSize | encodedBodySize | decodedBodySize |");
        println!("|---|---:|---:|---:|");
        for e in &last.entries {
            let path = e.name.splitn(4, '/').nth(3).unwrap_or(&e.name);
            println!(
                "| /{path} | {:.0} | {:.0} | {:.0} |",
                e.transfer_size, e.encoded_body_size, e.decoded_body_size
            );
        }
    }
}
