//! The annual report's statistics of a large data set, in headless Chromium: how long from the
//! click on Count until every table is drawn, and how long the page is held meanwhile. A
//! benchmark, not a test; figures and how to read them: docs/statistics.md ("Speed").
//!
//!     LOKET_ORG_KEY=$(cat tests/fixtures/organisation.pub) scripts/build-portal.sh
//!     cargo run --release -p loket-e2e --example stats_bench [reports] [runs]
//!
//! The data set (10,000 reports by default) is made by the generator (tools/loket-load,
//! `dataset`) through the real API of an in-process server on a SQLite file: reports with their
//! statistics parts sealed to the team's statistics key, replies, case records, registered
//! contacts. The member who counts holds the CCP role (about half of the cases) and pastes the
//! statistics key, so every statistics part and every CCP case record is opened.
//!
//! Two modes alternate, so that a busy machine slows both alike: `worker` (as built: the
//! decryption in a Web Worker, portal/src/tally.rs) and `page` (the baseline: `Worker` removed
//! from the page before it loads, so the app decrypts on the main thread). The time is the
//! app's own (`#stats-elapsed[data-ms]`: fetching every page, decrypting, counting, until the
//! tables are set); the longest main-thread task is the browser's (`PerformanceObserver`,
//! type `longtask`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use loket_crypto::MemberSecretKey;
use loket_e2e::browser::{browser, click, set_value, type_into, unlock_team_app, wait_for};
use loket_e2e::cdp::{NO_WORKER, WATCH_LONG_TASKS as WATCH, cdp};
use loket_e2e::{TeamApp, TestApp, median, test_key_file, test_org_key};
use loket_load::dataset::{DatasetConfig, generate};
use serde_json::json;

/// One count: the app's time and the longest task, ms.
struct Run {
    ms: f64,
    longest: f64,
}

async fn count(team: &TeamApp, member: &MemberSecretKey, stats: &str, worker: bool) -> Run {
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
    unlock_team_app(c, team, member).await;
    click(c, "#open-statistics").await;
    type_into(c, "#stats-key", stats).await;
    type_into(c, "#stats-passphrase", "statistics").await;
    set_value(c, "#stats-from", "2000-01-01").await;
    c.execute("window.__long = [];", vec![]).await.unwrap();
    click(c, "#stats-count").await;
    let deadline = Instant::now() + Duration::from_secs(600);
    let ms = loop {
        let v = c
            .execute(
                "const e = document.querySelector('#stats-elapsed[data-ms]'); \
                 return e && document.querySelector('#stats-figures') ? Number(e.dataset.ms) : null;",
                vec![],
            )
            .await
            .unwrap();
        if let Some(ms) = v.as_f64() {
            break ms;
        }
        assert!(Instant::now() < deadline, "the count did not finish");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    wait_for(c, "#stats-results").await;
    let longest = c
        .execute("return Math.max(0, ...window.__long);", vec![])
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    b.client.close().await.unwrap();
    Run { ms, longest }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let mut args = std::env::args().skip(1);
    let reports: usize = args
        .next()
        .map_or(10_000, |a| a.parse().expect("reports: a number"));
    let runs: usize = args
        .next()
        .map_or(3, |a| a.parse().expect("runs: a number"));
    let app = TestApp::sqlite().await;
    let units = [
        "Faculty of Science",
        "Faculty of Law",
        "Faculty of Health, Medicine and Life Sciences",
        "School of Business and Economics",
        "Faculty of Arts and Social Sciences",
        "Faculty of Psychology and Neuroscience",
        "University Library",
        "Facility Services",
    ];
    let (stats_key, members) = app.statistics_team(&units).await;
    let ccp_key = MemberSecretKey::from_recovery_secret(&members[0].1.to_recovery_secret());
    let mut config = DatasetConfig::new(&app.url(""), test_org_key(), members);
    config.reports = reports;
    config.seed = 2026;
    let started = Instant::now();
    let made = generate(&config).await.unwrap();
    eprintln!(
        "made {} cases in {:.0} s",
        made.cases.len(),
        started.elapsed().as_secs_f64()
    );
    let team = app.team_app().await;
    let stats = test_key_file(&stats_key, "statistics");
    let modes = [("worker", true), ("page", false)];
    let mut results: Vec<Vec<Run>> = modes.iter().map(|_| Vec::new()).collect();
    for i in 0..runs {
        for ((name, worker), out) in modes.iter().zip(&mut results) {
            let run = count(&team, &ccp_key, &stats, *worker).await;
            eprintln!(
                "run {}/{runs} {name}: {:.0} ms, longest task {:.0} ms",
                i + 1,
                run.ms,
                run.longest
            );
            out.push(run);
        }
    }
    app.shutdown().await;
    println!("{reports} reports; {runs} runs per mode; medians");
    println!("| decryption | Count until the tables are drawn | longest main-thread task |");
    println!("|---|---:|---:|");
    let medians: Vec<f64> = results
        .iter()
        .map(|runs| median(runs.iter().map(|r| r.ms).collect()))
        .collect();
    for ((name, _), runs) in modes.iter().zip(&results) {
        let ms = median(runs.iter().map(|r| r.ms).collect());
        let longest = median(runs.iter().map(|r| r.longest).collect());
        println!("| {name} | {ms:.0} ms | {longest:.0} ms |");
    }
    if let [worker, page] = medians[..] {
        println!("worker / page: {:.2}", worker / page);
    }
}
