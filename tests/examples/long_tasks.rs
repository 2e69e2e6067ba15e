//! How long the reporter's page is held while it works: the longest main-thread task while a
//! report is sealed and sent, and while a thread is opened with the code and answered, in
//! headless Chromium. A benchmark, not a test; figures and how to read them:
//! docs/benchmarks.md ("Main-thread tasks while sending and following up").
//!
//!     LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) scripts/build-portal.sh
//!     cargo run --release -p loket-e2e --example long_tasks [runs]
//!
//! The server asks the production proof of work (18 bits). Two modes alternate in one run of
//! the benchmark, so that a busy machine slows both alike: `worker` (the apps as built:
//! Argon2id and the proof of work in a Web Worker, portal/src/work.rs) and `page` (the
//! baseline: `Worker` removed from the page before it loads, so the apps fall back to doing
//! the same work on the main thread, as before the worker). Long tasks are the browser's own
//! (`PerformanceObserver`, type `longtask`: every task of 50 ms or more, with its duration);
//! each phase starts with an empty list, after its page is ready.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_crypto::FollowUpCode;
use loket_e2e::browser::{browser, click, type_into, wait_for, wait_text};
use loket_e2e::cdp::{NO_WORKER, WATCH_LONG_TASKS as WATCH, cdp};
use loket_e2e::{TestApp, median};
use serde_json::json;

/// The longest task of each phase of one run, ms (0 when none reached 50 ms).
struct Run {
    submit: f64,
    follow_up: f64,
}

async fn reset(c: &fantoccini::Client) {
    c.execute("window.__long = [];", vec![]).await.unwrap();
}

async fn longest(c: &fantoccini::Client) -> f64 {
    c.execute("return Math.max(0, ...window.__long);", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

async fn visit(app: &TestApp, worker: bool) -> Run {
    let b = browser().await;
    let c = &b.client;
    c.goto("about:blank").await.unwrap();
    let mut source = WATCH.to_owned();
    if !worker {
        source.push_str(NO_WORKER);
    }
    cdp(
        c,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": source }),
    )
    .await;

    c.goto(&app.url("/")).await.unwrap();
    wait_for(c, "#role-ccp").await;
    click(c, "#what-bullying").await;
    type_into(
        c,
        "#report-text",
        "Long-task probe: a report of some length.",
    )
    .await;
    click(c, "#role-ccp").await;
    reset(c).await;
    click(c, "#submit-report").await;
    let code = wait_text(c, "#code", "the follow-up code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    let submit = longest(c).await;

    c.goto(&app.url("/follow-up")).await.unwrap();
    wait_for(c, "#code-input").await;
    type_into(c, "#code-input", code.trim()).await;
    reset(c).await;
    click(c, "#open-thread").await;
    wait_for(c, "#answer-text").await;
    type_into(c, "#answer-text", "An answer from the reporter.").await;
    click(c, "#send-answer").await;
    wait_text(c, "#thread", "the answer", |t| {
        t.contains("An answer from the reporter.")
    })
    .await;
    let follow_up = longest(c).await;
    b.client.close().await.unwrap();
    Run { submit, follow_up }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("runs: a number"))
        .unwrap_or(5);
    let mut config = TestApp::test_config();
    config.limits.pow.bits = loket_server::config::defaults::POW_BITS;
    let app = TestApp::sqlite_with(config).await;
    app.add_member("Casey (CCP)", &["ccp"]).await;
    app.publish().await;
    let modes = [("worker", true), ("page", false)];
    let mut results: Vec<Vec<Run>> = modes.iter().map(|_| Vec::new()).collect();
    for i in 0..runs {
        for ((name, worker), out) in modes.iter().zip(&mut results) {
            let run = visit(&app, *worker).await;
            eprintln!(
                "run {}/{runs} {name}: longest task {:.0} ms sending, {:.0} ms following up",
                i + 1,
                run.submit,
                run.follow_up
            );
            out.push(run);
        }
    }
    app.shutdown().await;
    println!(
        "proof of work {} bits; {runs} runs per mode, medians of each run's longest task",
        loket_server::config::defaults::POW_BITS
    );
    println!("| Argon2id and proof of work | sending a report | opening a thread and answering |");
    println!("|---|---:|---:|");
    for ((name, _), runs) in modes.iter().zip(&results) {
        let submit = median(runs.iter().map(|r| r.submit).collect());
        let follow_up = median(runs.iter().map(|r| r.follow_up).collect());
        println!("| {name} | {submit:.0} ms | {follow_up:.0} ms |");
    }
}
