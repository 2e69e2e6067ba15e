//! The team's casework on the server (crypto/SPEC.md §9.10, docs/api.md "Case records"): case
//! records are stored as versions the server cannot read, only a reader of the case may add
//! one, registered contacts become cases of the member's role, and retention follows the
//! regulation — a melding is deleted two years after its last activity (closed or not), a
//! formal complaint five years after its decision and not before one is recorded, and a
//! reopened case follows its latest record. Each rule is tried by moving the purge's clock.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::case::{
    CaseReaders, ContactCase, keep, open_case_record, seal_case_record, seal_contact,
};
use loket_wire::api::{
    CaseVersion, Inbox, PostCase, PostedCase, RegisterContact, Registered, TeamReport,
};
use loket_wire::content::{CaseRecord, CaseStatus, Channel, Decision, DecisionOutcome, Stage};
use loket_wire::paths::{self, route};
use loket_wire::{B64, ErrorCode};

use loket_e2e::*;

const DAY: i64 = 86_400;

async fn post_case(
    app: &TestApp,
    token: &str,
    report_id: &str,
    envelope: B64,
    record: &CaseRecord,
) -> (u16, serde_json::Value) {
    let body = PostCase {
        envelope,
        keep: keep(record),
    };
    app.post(
        &paths::fill(route::TEAM_REPORT_CASE, &[report_id]),
        &body,
        Some(token),
    )
    .await
}

/// A version of the case record of `report_id`, sealed and signed by `member`.
fn seal(
    dir: &loket_wire::api::Directory,
    readers: &CaseReaders,
    report_id: &str,
    member: &loket_crypto::MemberSecretKey,
    record: &CaseRecord,
) -> B64 {
    seal_case_record(&mut rand::rng(), dir, readers, report_id, member, record).unwrap()
}

async fn team_report(app: &TestApp, token: &str, report_id: &str) -> TeamReport {
    let (status, json) = app.team_report(token, report_id).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Whether `member` can still read the case, asked of the store: a purge at a later time also
/// ends every session that would have expired by then.
async fn exists(app: &TestApp, member: &str, report_id: &str) -> bool {
    app.store
        .team_report(&member.into(), &report_id.into())
        .await
        .unwrap()
        .is_some()
}

async fn case_records_are_versions_only_readers_add(app: TestApp) {
    let (ccp, ccp_key) = app.add_member("Casey", &["ccp"]).await;
    let (ombuds, ombuds_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "a report for the ccp").await;
    let token = team_login(&app, &ccp, &ccp_key).await;
    let readers = CaseReaders {
        roles: vec!["ccp".into()],
        excluded: Vec::new(),
        ..CaseReaders::default()
    };
    let mut record = CaseRecord::first(Vec::new(), 0);
    let v1 = seal(&dir, &readers, &sent.report_id, &ccp_key, &record);
    let (status, json) = post_case(&app, &token, &sent.report_id, v1, &record).await;
    assert_eq!(status, 201, "{json}");
    let posted: PostedCase = serde_json::from_value(json).unwrap();
    assert!(posted.deletes.is_some());
    record.version = 2;
    record.status = CaseStatus::InProgress;
    record.notes = "internal".into();
    let v2 = seal(&dir, &readers, &sent.report_id, &ccp_key, &record);
    assert_eq!(
        post_case(&app, &token, &sent.report_id, v2.clone(), &record)
            .await
            .0,
        201
    );

    // Both versions come back, oldest first, with their author; the inbox carries the latest.
    let report = team_report(&app, &token, &sent.report_id).await;
    assert_eq!(report.cases.len(), 2);
    assert!(report.cases.iter().all(|c| c.author == ccp));
    let opened: Vec<u32> = report
        .cases
        .iter()
        .map(|c| {
            open_case_record(ccp_key.identity(), &dir, &sent.report_id, c)
                .unwrap()
                .version
        })
        .collect();
    assert_eq!(opened, [1, 2]);
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    let latest: &CaseVersion = inbox.reports[0].case.as_ref().unwrap();
    assert_eq!(latest.envelope, v2);
    // The server stored ciphertext: the notes are nowhere in the database.
    for file in app.sqlite_files() {
        assert!(!contains(&std::fs::read(file).unwrap(), b"internal"));
    }

    // A member of another role cannot add a version (nor see the case); a bad id is 404; an
    // envelope that is not one is 422.
    let other = team_login(&app, &ombuds, &ombuds_key).await;
    let v3 = seal(&dir, &readers, &sent.report_id, &ombuds_key, &record);
    let (status, json) = post_case(&app, &other, &sent.report_id, v3, &record).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));
    let (status, _) = post_case(&app, &token, "nothing", B64(vec![1]), &record).await;
    assert_eq!(status, 404);
    let (status, json) = post_case(&app, &token, &sent.report_id, B64(vec![1; 40]), &record).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    assert_eq!(
        team_report(&app, &token, &sent.report_id).await.cases.len(),
        2
    );
    app.shutdown().await;
}

async fn a_registered_contact_is_a_case_of_the_members_role(app: TestApp) {
    let (ccp, ccp_key) = app.add_member("Casey", &["ccp"]).await;
    let (ombuds, ombuds_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let token = team_login(&app, &ccp, &ccp_key).await;
    let contact = ContactCase {
        roles: vec!["ccp".into()],
        channel: Channel::Phone,
        signal: false,
        on: Some("2026-11-27".into()),
        text: "a call about a supervisor".into(),
        intake: None,
    };
    let envelope = seal_contact(&mut rand::rng(), &dir, &ccp_key, &contact).unwrap();
    let register = |roles: &[&str], envelope: B64| RegisterContact {
        roles: roles.iter().map(|r| r.to_string()).collect(),
        envelope,
    };
    let path = paths::api(route::TEAM_CASES);
    let (status, json) = app
        .post(&path, &register(&["ccp"], envelope.clone()), Some(&token))
        .await;
    assert_eq!(status, 201, "{json}");
    let registered: Registered = serde_json::from_value(json).unwrap();
    let report = team_report(&app, &token, &registered.report_id).await;
    assert_eq!(report.registered_by.as_deref(), Some(ccp.as_str()));
    let opened =
        loket_client::case::open_contact(ccp_key.identity(), &dir, &ccp, &report.envelope).unwrap();
    assert_eq!(opened.text, contact.text);
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert_eq!(
        inbox.reports[0].registered_by.as_deref(),
        Some(ccp.as_str())
    );
    // Another role's member neither sees it nor may register for a role they do not hold;
    // an unknown role is refused; nothing is stored by a refusal.
    let other = team_login(&app, &ombuds, &ombuds_key).await;
    assert!(!exists(&app, &ombuds, &registered.report_id).await);
    let (status, json) = app
        .post(&path, &register(&["ccp"], envelope.clone()), Some(&other))
        .await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let (status, json) = app
        .post(&path, &register(&["nobody"], envelope), Some(&token))
        .await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::UnknownRole));
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert_eq!(inbox.reports.len(), 1);
    app.shutdown().await;
}

async fn retention_follows_the_regulation(app: TestApp) {
    let (ccp, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let token = team_login(&app, &ccp, &key).await;
    let readers = CaseReaders {
        roles: vec!["ccp".into()],
        excluded: Vec::new(),
        ..CaseReaders::default()
    };
    let mut reports = Vec::new();
    for text in [
        "melding",
        "closed melding",
        "formal, decided",
        "formal, pending",
        "reopened",
    ] {
        let r = Reporter::new(&dir, &["ccp"]);
        reports.push(r.submit(&app, &dir, text).await.report_id);
    }
    let save = |id: String, record: CaseRecord| {
        let app = &app;
        let token = token.clone();
        let env = seal(&dir, &readers, &id, &key, &record);
        async move {
            let (status, json) = post_case(app, &token, &id, env, &record).await;
            assert_eq!(status, 201, "{json}");
            serde_json::from_value::<PostedCase>(json).unwrap()
        }
    };
    let record = |status: CaseStatus, stage: Stage, decided: Option<&str>| {
        let mut r = CaseRecord::first(Vec::new(), 0);
        r.status = status;
        r.stage = stage;
        r.decision = decided.map(|d| Decision {
            date: d.into(),
            outcome: DecisionOutcome::Founded,
        });
        r
    };
    let now = loket_server::clock::now();
    let melding = save(
        reports[1].clone(),
        record(CaseStatus::Closed, Stage::Melding, None),
    )
    .await;
    let decided = save(
        reports[2].clone(),
        record(CaseStatus::Closed, Stage::Formal, Some("2026-01-15")),
    )
    .await;
    let pending = save(
        reports[3].clone(),
        record(CaseStatus::InProgress, Stage::Formal, None),
    )
    .await;
    // A closed melding reopened as a formal complaint: held from then on.
    save(
        reports[4].clone(),
        record(CaseStatus::Closed, Stage::Informal, None),
    )
    .await;
    let reopened = save(
        reports[4].clone(),
        record(CaseStatus::InProgress, Stage::Formal, None),
    )
    .await;
    // What the server says it will do: two years after the last activity; five years after
    // the decision day (1826 days); nothing while a formal complaint awaits its decision.
    let last = loket_server::clock::to_hour(now);
    assert!(
        melding.deletes.unwrap() - last <= 731 * DAY
            && melding.deletes.unwrap() - last >= 729 * DAY
    );
    assert_eq!(decided.deletes, Some(1_768_435_200 + 1826 * DAY));
    assert_eq!(pending.deletes, None);
    assert_eq!(reopened.deletes, None);
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    let open_melding = inbox
        .reports
        .iter()
        .find(|r| r.report_id == reports[0])
        .unwrap();
    assert_eq!(
        open_melding.deletes,
        Some(open_melding.last_activity + 730 * DAY)
    );

    let purge = |at: i64| {
        let store = app.store.clone();
        async move { store.purge(at, at - 730 * DAY, 0).await.unwrap().reports }
    };
    // A day short of two years since the last activity: nothing goes.
    assert_eq!(purge(now + 729 * DAY).await, 0);
    // Two years on: both meldings go, closed or not; the formal complaints stay.
    assert_eq!(purge(now + 731 * DAY).await, 2);
    assert!(!exists(&app, &ccp, &reports[0]).await);
    assert!(!exists(&app, &ccp, &reports[1]).await);
    assert!(exists(&app, &ccp, &reports[2]).await);
    // Five years after the decision day: the decided complaint goes; the pending and the
    // reopened ones are held, however long.
    assert_eq!(purge(1_768_435_200 + 1826 * DAY - 1).await, 0);
    assert_eq!(purge(1_768_435_200 + 1826 * DAY).await, 1);
    assert_eq!(purge(now + 100 * 365 * DAY).await, 0);
    assert!(exists(&app, &ccp, &reports[3]).await);
    // Once its decision is recorded, the reopened complaint is dated too.
    // (The purges at later times ended the session: a new one.)
    let token = team_login(&app, &ccp, &key).await;
    let decided_later = record(CaseStatus::Closed, Stage::Formal, Some("2027-03-01"));
    let env = seal(&dir, &readers, &reports[4], &key, &decided_later);
    let (status, json) = post_case(&app, &token, &reports[4], env, &decided_later).await;
    assert_eq!(status, 201, "{json}");
    let dated: PostedCase = serde_json::from_value(json).unwrap();
    assert_eq!(dated.deletes, Some(1_803_859_200 + 1826 * DAY));
    assert_eq!(purge(1_803_859_200 + 1826 * DAY).await, 1);
    assert!(!exists(&app, &ccp, &reports[4]).await);
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    case_records_are_versions_only_readers_add,
    a_registered_contact_is_a_case_of_the_members_role,
    retention_follows_the_regulation,
);
