//! The team's audit trail (issue 13, docs/api.md "Audit trail"): sign-ins, cases opened,
//! replies, case records, spam marks and the reporter's share are recorded with the member (none
//! for the reporter and the server) and the hour, never content; a member sees the trail of the
//! cases they may read and of no other; the purge records what it deletes and keeps the trail
//! of deleted cases and sign-ins as long as a case without a complaint.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::case::{CaseReaders, keep, seal_case_record};
use loket_client::share::{grant_share, seal_share_request};
use loket_wire::api::{AuditAction, MarkSpam, PostCase, PostShare, TeamReport, Thread};
use loket_wire::content::{CaseRecord, ShareTo};
use loket_wire::paths::{self, route};
use sqlx::Row;

use loket_e2e::*;

const DAY: i64 = 86_400;

async fn team_report(app: &TestApp, token: &str, id: &str) -> TeamReport {
    let (status, json) = app.team_report(token, id).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Rows of the trail: (member, action) about `report`, or sign-ins when it is `None`.
async fn rows(app: &TestApp, report: Option<&str>) -> Vec<(Option<String>, String, i64)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let query = match report {
        Some(_) => "SELECT member_id, action, hour FROM audit_trail WHERE report_id = $1",
        None => {
            "SELECT member_id, action, hour FROM audit_trail WHERE report_id IS NULL \
                 AND $1 = $1"
        }
    };
    let out = sqlx::query(query)
        .bind(report.unwrap_or(""))
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get("member_id").unwrap(),
                r.try_get("action").unwrap(),
                r.try_get("hour").unwrap(),
            )
        })
        .collect();
    pool.close().await;
    out
}

async fn the_trail_records_team_acts_without_content(app: TestApp) {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "audit probe 61f2").await;
    let casey_token = team_login(&app, &casey, &casey_key).await;
    let olivia_token = team_login(&app, &olivia, &olivia_key).await;

    // Casey opens the case, replies, asks to involve the ombudsperson, saves a record, marks
    // it as spam and takes the mark back.
    let report = team_report(&app, &casey_token, &sent.report_id).await;
    let opened = open_report(casey_key.identity(), &report.envelope).unwrap();
    let reply = seal_reply(&dir, &opened, &sent.report_id, &casey_key, "hello");
    assert_eq!(app.reply(&casey_token, &sent.report_id, reply).await.0, 201);
    let ombuds = ShareTo::Role("ombudsperson".into());
    let ask = seal_share_request(
        &mut rand::rng(),
        &dir,
        &opened,
        &sent.report_id,
        &casey_key,
        "may she read it?",
        &ombuds,
    )
    .unwrap();
    assert_eq!(app.reply(&casey_token, &sent.report_id, ask).await.0, 201);
    let record = CaseRecord::first(Vec::new(), 0);
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
    let path = paths::fill(route::TEAM_REPORT_CASE, &[&sent.report_id]);
    let body = PostCase {
        envelope,
        keep: keep(&record),
    };
    assert_eq!(app.post(&path, &body, Some(&casey_token)).await.0, 201);
    let spam = paths::fill(route::TEAM_REPORT_SPAM, &[&sent.report_id]);
    for mark in [true, false] {
        let (status, _) = app
            .post(&spam, &MarkSpam { spam: mark }, Some(&casey_token))
            .await;
        assert_eq!(status, 204);
    }
    // Olivia cannot see the case, nor its trail.
    assert_eq!(app.team_report(&olivia_token, &sent.report_id).await.0, 404);

    // The reporter grants the share: an act without a member.
    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    let grant = grant_share(
        &mut rand::rng(),
        &dir,
        &reporter.keys,
        &thread.report_id,
        &thread.envelope,
        &thread.messages,
        "",
        &ombuds,
    )
    .unwrap();
    let body = PostShare {
        lookup_token: reporter.token(),
        to: ombuds,
        envelope: grant.envelope,
        messages: grant.messages,
        answer: grant.answer,
        pow: None,
    };
    let (status, json) = app
        .post(&paths::api(route::THREAD_SHARE), &body, None)
        .await;
    assert_eq!(status, 201, "{json}");

    // Olivia now reads the case and its whole trail, oldest first, to the hour.
    let report = team_report(&app, &olivia_token, &sent.report_id).await;
    let acts: Vec<_> = report
        .audit
        .iter()
        .map(|e| (e.member_id.as_deref(), e.action))
        .collect();
    for expected in [
        (Some(casey.as_str()), AuditAction::Opened),
        (Some(casey.as_str()), AuditAction::Replied),
        (Some(casey.as_str()), AuditAction::CaseSaved),
        (Some(casey.as_str()), AuditAction::SpamMarked),
        (Some(casey.as_str()), AuditAction::SpamUnmarked),
        (None, AuditAction::Shared),
        (Some(olivia.as_str()), AuditAction::Opened),
    ] {
        assert!(acts.contains(&expected), "{expected:?} in {acts:?}");
    }
    assert_eq!(
        acts.iter()
            .filter(|a| **a == (Some(casey.as_str()), AuditAction::Replied))
            .count(),
        2,
        "the reply and the request"
    );
    assert!(report.audit.iter().all(|e| e.hour % 3600 == 0));
    assert!(report.audit.windows(2).all(|w| w[0].hour <= w[1].hour));
    // Sign-ins are recorded too, about no case.
    let logins = rows(&app, None).await;
    for member in [&casey, &olivia] {
        assert!(
            logins
                .iter()
                .any(|(m, a, _)| m.as_deref() == Some(member.as_str()) && a == "login"),
            "{logins:?}"
        );
    }
    // Nothing of the case's content is in the trail (nor anywhere in the files).
    for file in app.sqlite_files() {
        assert!(!contains(
            &std::fs::read(file).unwrap(),
            b"audit probe 61f2"
        ));
    }

    // Two years and a day on, the purge deletes the case and says so; the trail of the
    // deleted case and the sign-ins go with the case's retention, the purge's own act stays.
    let now = loket_server::clock::to_hour(loket_server::clock::now());
    let at = now + 731 * DAY;
    let purged = app.store.purge(at, at - 730 * DAY, 0).await.unwrap();
    assert_eq!(purged.reports, 1);
    let left = rows(&app, Some(&sent.report_id)).await;
    assert_eq!(left, [(None, "purged".to_string(), at)]);
    assert!(rows(&app, None).await.is_empty());
    // And that act goes too once it is as old.
    app.store.purge(at + 731 * DAY, at + DAY, 0).await.unwrap();
    assert!(rows(&app, Some(&sent.report_id)).await.is_empty());
    app.shutdown().await;
}

loket_e2e::on_both_backends!(the_trail_records_team_acts_without_content);
