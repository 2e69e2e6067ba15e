//! Handovers on the server (crypto/SPEC.md §9.11, docs/api.md "Handovers"): a member added to a
//! role after ten of its cases were sealed lists them but cannot open them; a current member's
//! app wraps each envelope's key to the newcomer too (`loket_client::handover`), the server
//! splices the longer headers in, and the newcomer reads all ten — report, thread and case
//! record — while everyone who read them before still does. The server refuses a header that
//! drops a reader, a handover by a member who does not read the case, and one to a member who
//! is not owed it, and changes nothing then.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::case::{CaseReaders, open_case_record, seal_case_record};
use loket_client::handover::hand_over;
use loket_client::{open_own_thread, open_thread};
use loket_crypto::MemberSecretKey;
use loket_wire::api::{
    AuditAction, Directory, HandedOver, Handovers, Inbox, PostCase, PostHandover, TeamReport,
};
use loket_wire::content::{CaseRecord, CaseStatus};
use loket_wire::paths::{self, route};
use loket_wire::{B64, ErrorCode};

use loket_e2e::*;

/// Ten cases of the CCP, each with the reporter's answer, Casey's reply and a case record, and
/// one case of the ombudsperson; then Dana joins the CCP.
struct Team {
    casey: (String, MemberSecretKey, String),
    olivia: (String, MemberSecretKey, String),
    dana: (String, MemberSecretKey, String),
    /// The directory after Dana joined.
    dir: Directory,
    /// The CCP's cases: report id, text, reporter.
    cases: Vec<(String, String, Reporter)>,
    ombuds_case: String,
}

async fn team_with_a_newcomer(app: &TestApp) -> Team {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let casey_token = team_login(app, &casey, &casey_key).await;
    let mut cases = Vec::new();
    for i in 0..10 {
        let reporter = Reporter::new(&dir, &["ccp"]);
        let text = format!("report number {i}");
        let sent = reporter.submit(app, &dir, &text).await;
        let mine =
            open_report(&reporter.keys.identity, &reporter.seal_report(&dir, &text)).unwrap();
        let answer = reporter.seal_answer(&dir, &mine, &sent.report_id, "it happened again");
        assert_eq!(app.answer(reporter.token(), answer).await.0, 201);
        let reply = seal_reply(&dir, &mine, &sent.report_id, &casey_key, "we can help");
        assert_eq!(app.reply(&casey_token, &sent.report_id, reply).await.0, 201);
        let mut record = CaseRecord::first(Vec::new(), 0);
        record.status = CaseStatus::InProgress;
        record.notes = format!("notes on case {i}");
        let readers = CaseReaders {
            roles: vec!["ccp".into()],
            ..CaseReaders::default()
        };
        let envelope = seal_case_record(
            &mut rand::rng(),
            &dir,
            &readers,
            &sent.report_id,
            &casey_key,
            &record,
        )
        .unwrap();
        let body = PostCase {
            envelope,
            keep: loket_client::case::keep(&record),
        };
        let path = paths::fill(route::TEAM_REPORT_CASE, &[&sent.report_id]);
        assert_eq!(app.post(&path, &body, Some(&casey_token)).await.0, 201);
        cases.push((sent.report_id, text, reporter));
    }
    let ombuds_reporter = Reporter::new(&dir, &["ombudsperson"]);
    let ombuds_case = ombuds_reporter
        .submit(app, &dir, "for the ombudsperson")
        .await;

    let (dana, dana_key) = app.add_member("Dana", &["ccp"]).await;
    let dir = app.directory().await;
    let olivia_token = team_login(app, &olivia, &olivia_key).await;
    let dana_token = team_login(app, &dana, &dana_key).await;
    Team {
        casey: (casey, casey_key, casey_token),
        olivia: (olivia, olivia_key, olivia_token),
        dana: (dana, dana_key, dana_token),
        dir,
        cases,
        ombuds_case: ombuds_case.report_id,
    }
}

async fn pending(app: &TestApp, token: &str) -> Handovers {
    let (status, json) = app
        .get(&paths::api(route::TEAM_HANDOVERS), Some(token))
        .await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

async fn team_report(app: &TestApp, token: &str, report_id: &str) -> TeamReport {
    let (status, json) = app.team_report(token, report_id).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Whether `key` opens the report, every message and the case record of `report_id`.
async fn reads_everything(
    app: &TestApp,
    t: &Team,
    token: &str,
    key: &MemberSecretKey,
    id: &str,
) -> bool {
    let report = team_report(app, token, id).await;
    let Some(thread) = open_thread(
        key.identity(),
        &t.dir,
        id,
        &report.envelope,
        &report.messages,
    ) else {
        return false;
    };
    thread.messages.len() == 2
        && thread.messages.iter().all(|m| m.body.is_some())
        && report.cases.len() == 1
        && open_case_record(key.identity(), &t.dir, id, &report.cases[0]).is_some()
}

async fn a_member_added_after_ten_reports_reads_all_ten(app: TestApp) {
    let t = team_with_a_newcomer(&app).await;
    let (casey, casey_key, casey_token) = &t.casey;
    let (dana, dana_key, dana_token) = &t.dana;
    let (_, _, olivia_token) = &t.olivia;

    // Dana lists the CCP's ten cases (routing is by role) but cannot open one.
    let (status, json) = app.inbox(dana_token).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(
        serde_json::from_value::<Inbox>(json).unwrap().reports.len(),
        10
    );
    for (id, _, _) in &t.cases {
        assert!(!reads_everything(&app, &t, dana_token, dana_key, id).await);
    }
    // Only a reader of the cases who is not owed them is asked to hand them over.
    assert!(pending(&app, dana_token).await.handovers.is_empty());
    assert!(pending(&app, olivia_token).await.handovers.is_empty());
    let owed = pending(&app, casey_token).await.handovers;
    assert_eq!(owed.len(), 10);
    assert!(owed.iter().all(|h| &h.member_id == dana));
    assert!(
        owed.iter()
            .all(|h| h.messages.len() == 2 && h.cases.len() == 1)
    );

    // Casey's app hands each case over, as it does on unlock.
    for item in &owed {
        let post = hand_over(&mut rand::rng(), casey_key.identity(), &t.dir, item).unwrap();
        let (status, json) = app
            .post(&paths::api(route::TEAM_HANDOVERS), &post, Some(casey_token))
            .await;
        assert_eq!(status, 201, "{json}");
        let done: HandedOver = serde_json::from_value(json).unwrap();
        assert_eq!(done.envelopes, 4);
    }
    assert!(pending(&app, casey_token).await.handovers.is_empty());

    // Dana now reads all ten, whole; Casey and each reporter still read theirs.
    for (id, text, reporter) in &t.cases {
        assert!(reads_everything(&app, &t, dana_token, dana_key, id).await);
        assert!(reads_everything(&app, &t, casey_token, casey_key, id).await);
        let report = team_report(&app, dana_token, id).await;
        assert_eq!(
            &open_report(dana_key.identity(), &report.envelope)
                .unwrap()
                .text,
            text
        );
        assert!(
            report
                .audit
                .iter()
                .any(|a| a.action == AuditAction::HandedOver
                    && a.member_id.as_deref() == Some(casey.as_str()))
        );
        let (status, json) = reporter.read_thread(&app).await;
        assert_eq!(status, 200, "{json}");
        let thread: loket_wire::api::Thread = serde_json::from_value(json).unwrap();
        let own = open_own_thread(
            &reporter.keys,
            &t.dir,
            &thread.report_id,
            &thread.envelope,
            &thread.messages,
        )
        .unwrap();
        assert_eq!(&own.report.text, text);
        assert!(own.messages.iter().all(|m| m.body.is_some()));
    }
    // The ombudsperson's case was never Dana's.
    let (status, _) = app.team_report(dana_token, &t.ombuds_case).await;
    assert_eq!(status, 404);
    app.shutdown().await;
}

async fn a_handover_the_server_refuses_changes_nothing(app: TestApp) {
    let t = team_with_a_newcomer(&app).await;
    let (casey, casey_key, casey_token) = &t.casey;
    let (_, _, dana_token) = &t.dana;
    let (_, _, olivia_token) = &t.olivia;
    let item = pending(&app, casey_token).await.handovers.remove(0);
    let post = hand_over(&mut rand::rng(), casey_key.identity(), &t.dir, &item).unwrap();
    let path = paths::api(route::TEAM_HANDOVERS);
    let refused = |body: PostHandover, token: String| {
        let app = &app;
        let path = path.clone();
        async move { app.post(&path, &body, Some(&token)).await }
    };

    // A header that drops the readers (the old one), or one of another envelope: 422.
    let mut dropped = post.clone();
    dropped.header = B64(item.messages[0].header.0.clone());
    let (status, json) = refused(dropped, casey_token.clone()).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let mut foreign = post.clone();
    foreign.messages[0].id += 1;
    let (status, json) = refused(foreign, casey_token.clone()).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    // By a member who does not read the case, or to a member not owed it: 404.
    let (status, json) = refused(post.clone(), olivia_token.clone()).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));
    let mut to_casey = post.clone();
    to_casey.member_id = casey.clone();
    let (status, json) = refused(to_casey, casey_token.clone()).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));

    // Nothing changed: still owed, still unreadable; the real handover then goes through once.
    assert_eq!(pending(&app, casey_token).await.handovers.len(), 10);
    assert!(
        open_report(
            t.dana.1.identity(),
            &team_report(&app, dana_token, &item.report_id)
                .await
                .envelope
        )
        .is_none()
    );
    assert_eq!(refused(post.clone(), casey_token.clone()).await.0, 201);
    let (status, json) = refused(post, casey_token.clone()).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));
    assert_eq!(pending(&app, casey_token).await.handovers.len(), 9);

    // A member who leaves is owed nothing any more.
    app.store
        .remove_member(&t.dana.0.clone().into())
        .await
        .unwrap();
    assert!(pending(&app, casey_token).await.handovers.is_empty());
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    a_member_added_after_ten_reports_reads_all_ten,
    a_handover_the_server_refuses_changes_nothing,
);
