//! The load tool's core (`loket_load`, tools/loket-load) for three seconds
//! against a fresh server on SQLite and on PostgreSQL: mixed submissions of real sealed
//! envelopes and code checks with known and unknown tokens. Not a speed test: it asserts that
//! nothing failed and nothing acknowledged was lost, and that the loss count can see a loss.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use loket_e2e::*;
use loket_load::{Config, Load, Mode};

async fn three_seconds_of_load(app: TestApp, label: &str) {
    let started = Instant::now();
    app.add_member("Casey (CCP)", &["ccp"]).await;
    let config = Config {
        url: format!("http://{}", app.addr),
        clients: 8,
        duration: Duration::from_secs(3),
        mode: Mode::Mixed,
        submit_share: 0.5,
        known_share: 0.5,
        pool: 2,
        verify: true,
        org_key: Some(test_org_key()),
        ..Config::default()
    };
    let load = Load::prepare(config).await.unwrap();
    assert!(load.envelopes().sealed, "real envelopes to the CCP member");
    assert!(
        load.envelopes().bytes > 16 * 1024,
        "padded to the 16 KiB bucket"
    );
    let summary = load.run().await.unwrap();
    println!("{label}:\n{}", summary.render());

    assert!(summary.errors.is_empty(), "{:?}", summary.errors);
    let verified = summary.verified.as_ref().unwrap();
    assert!(verified.errors.is_empty(), "{:?}", verified.errors);
    assert_eq!(verified.lost, 0);
    assert_eq!(verified.checked, summary.acknowledged.len());
    assert!(!summary.acknowledged.is_empty(), "something was submitted");
    assert_eq!(summary.acknowledged.len(), summary.submit.count());
    assert!(summary.checks_known > 0, "checks with known tokens ran");
    assert!(summary.checks_unknown > 0, "checks with unknown tokens ran");
    assert!(summary.passed());

    // The loss count sees a loss: the reporter withdraws one report, and it is counted as lost.
    let gone = &summary.acknowledged[0];
    let (status, json) = app.withdraw(loket_wire::B64(gone.token.to_vec())).await;
    assert_eq!(status, 200, "{json}");
    let again = load.verify(&summary.acknowledged).await;
    assert_eq!(again.lost, 1, "the withdrawn report is missing");
    assert!(again.errors.is_empty(), "{:?}", again.errors);

    app.shutdown().await;
    println!("{label}: {:.1} s in all", started.elapsed().as_secs_f64());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_sqlite_no_errors_no_loss() {
    three_seconds_of_load(TestApp::sqlite().await, "SQLite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_postgres_no_errors_no_loss() {
    three_seconds_of_load(TestApp::postgres().await, "PostgreSQL").await;
}
