//! The reporter's slow work (portal/src/work.rs): Argon2id and the proof of work run in a Web
//! Worker from the page's own origin, and a browser that cannot start one still sends the
//! report, with the same work done on the page; either way the keys open the thread in the
//! follow-up view, which is a document and module of its own.

use loket_crypto::FollowUpCode;
use loket_e2e::browser::{browser, capture_errors, click, type_into, wait_for, wait_text};
use loket_e2e::cdp::cdp;
use loket_e2e::*;
use serde_json::json;

/// What a browser without Web Workers looks like to the app.
const NO_WORKER: &str = "delete window.Worker; window.Worker = undefined;";

/// The URLs of the page's dedicated workers that are running now.
async fn workers(c: &fantoccini::Client) -> Vec<String> {
    let targets = cdp(c, "Target.getTargets", json!({})).await;
    targets["targetInfos"]
        .as_array()
        .map(|all| {
            all.iter()
                .filter(|t| t["type"] == "worker")
                .filter_map(|t| t["url"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_slow_work_runs_in_a_worker_and_on_the_page_where_none_starts() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey (CCP)", &["ccp"]).await;
    app.publish().await;
    for (ran, script) in [("worker", None), ("page", Some(NO_WORKER))] {
        let text = format!("Worker test: this report's keys were derived on the {ran}.");
        let b = browser().await;
        let c = &b.client;
        if let Some(script) = script {
            c.goto("about:blank").await.unwrap();
            cdp(
                c,
                "Page.addScriptToEvaluateOnNewDocument",
                json!({ "source": script }),
            )
            .await;
        }
        c.goto(&app.url("/")).await.unwrap();
        capture_errors(c).await;
        wait_for(c, "#role-ccp").await;
        assert!(
            workers(c).await.is_empty(),
            "a worker started before the reporter began"
        );
        click(c, "#what-bullying").await;
        type_into(c, "#report-text", &text).await;
        // Beginning the form starts the worker, from this origin.
        if ran == "worker" {
            let origin = app.url("/work.js");
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
            while !workers(c).await.contains(&origin) {
                assert!(
                    std::time::Instant::now() < deadline,
                    "no worker at {origin}: {:?}",
                    workers(c).await
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        } else {
            assert!(workers(c).await.is_empty(), "a worker without Worker");
        }
        click(c, "#role-ccp").await;
        click(c, "#submit-report").await;
        let code = wait_text(c, "#code", "the follow-up code", |t| {
            FollowUpCode::parse(t.trim()).is_ok()
        })
        .await;
        let shown = wait_for(c, "#argon2-ms").await;
        assert_eq!(
            shown.attr("data-ran").await.unwrap().as_deref(),
            Some(ran),
            "{}",
            loket_e2e::browser::page_errors(c).await
        );

        // The follow-up view, its own page: the keys derived there open the same thread, and
        // an answer (one more proof of work) goes through.
        click(c, "#nav-followup").await;
        wait_for(c, "#code-input").await;
        capture_errors(c).await;
        type_into(c, "#code-input", code.trim()).await;
        click(c, "#open-thread").await;
        wait_text(c, "#thread", "the report", |t| t.contains(&text)).await;
        type_into(c, "#answer-text", "And an answer.").await;
        click(c, "#send-answer").await;
        wait_text(c, "#thread", "the answer", |t| t.contains("And an answer.")).await;
        b.client.close().await.unwrap();
    }
    app.shutdown().await;
}
