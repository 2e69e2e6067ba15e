//! WASM against native, in one run: measures loket-client's `bench` cases natively (this
//! process) and in headless Chromium (the portal at `/#bench`, served by a real server), and
//! prints both with the ratio. Figures and how to read them: docs/benchmarks.md.
//!
//!     LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) scripts/build-portal.sh --bench
//!     cargo run --release -p loket-e2e --example wasm_bench
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use fantoccini::Locator;
use loket_client::bench::{self, Measure};
use loket_e2e::TestApp;
use loket_e2e::browser::browser;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let origin = Instant::now();
    let now = move || origin.elapsed().as_secs_f64() * 1e3;
    eprintln!("native…");
    let native = bench::run(&now, &mut rand::rng());

    eprintln!("headless Chromium…");
    let app = TestApp::sqlite().await;
    let b = browser().await;
    b.client.goto(&app.url("/#bench")).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(600);
    let json = loop {
        if let Ok(el) = b.client.find(Locator::Css("#bench-json")).await {
            break el.text().await.unwrap();
        }
        assert!(
            Instant::now() < deadline,
            "the browser benchmark did not finish"
        );
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let wasm: Vec<Measure> = serde_json::from_str(&json).unwrap();
    b.client.close().await.unwrap();
    app.shutdown().await;

    println!("| case | native median | WASM median | WASM/native | native MB/s | WASM MB/s |");
    println!("|---|---:|---:|---:|---:|---:|");
    for n in &native {
        let Some(w) = wasm.iter().find(|w| w.name == n.name) else {
            println!("| {} | missing in the browser run |", n.name);
            continue;
        };
        let mbs = |m: &Measure| m.mb_per_s().map(|v| format!("{v:.0}")).unwrap_or_default();
        println!(
            "| {} | {:.3} ms | {:.3} ms | {:.1}× | {} | {} |",
            n.name,
            n.median_ms,
            w.median_ms,
            w.median_ms / n.median_ms,
            mbs(n),
            mbs(w)
        );
    }
    let framing = |set: &[Measure]| {
        let get = |name: &str| set.iter().find(|m| m.name == name).map(|m| m.median_ms);
        match (get("seal_1MiB"), get("raw_chacha20poly1305_1MiB")) {
            (Some(s), Some(r)) if r > 0.0 => format!("{:+.1} %", (s / r - 1.0) * 100.0),
            _ => "n/a".into(),
        }
    };
    println!();
    println!(
        "framing overhead of seal_1MiB over the raw AEAD: native {}, WASM {}",
        framing(&native),
        framing(&wasm)
    );
}
