//! Issue 11's protocol through the real HTTP API, on SQLite and on PostgreSQL: the intake
//! travels inside the report; a member the reporter keeps out sees nothing of the report,
//! from the inbox to every later message; the statistics part is sealed to the statistics key
//! alone and has one size; receipts verify against the signed directory, on a wrong code too;
//! the state a member shares reaches the reporter; the directory names the roles in Dutch.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::{StatisticsPart, Submission};
use loket_crypto::MemberSecretKey;
use loket_e2e::*;
use loket_wire::B64;
use loket_wire::api::{Inbox, SubmitReport, SubmitReportResponse, Thread};
use loket_wire::content::{
    About, AgeBand, CaseState, Intake, Nature, Purpose, Relation, StaffCategory, When,
};
use sqlx::Row;

fn intake() -> Intake {
    Intake {
        what: vec![Nature::Bullying, Nature::Intimidation],
        about: Some(About::Myself),
        relation: Some(Relation::Supervisor),
        person: Some("Prof. Example".into()),
        when: Some(When::Ongoing),
        purpose: Some(Purpose::Advice),
    }
}

/// Submits `submission` (and `statistics`, when given) as `reporter`; status and body.
async fn submit(
    app: &TestApp,
    reporter: &Reporter,
    submission: &Submission,
    statistics: Option<B64>,
) -> (u16, serde_json::Value) {
    let dir = app.directory().await;
    let envelope =
        loket_client::seal_submission(&mut rand::rng(), &dir, &reporter.keys, submission).unwrap();
    let body = SubmitReport {
        lookup_token: reporter.token(),
        roles: submission.roles.clone(),
        envelope,
        pow: None,
        excluded: submission.excluded.clone(),
        statistics,
    };
    app.submit(&body).await
}

/// Report ids in the inbox of the member with session `token`.
async fn inbox_ids(app: &TestApp, token: &str) -> Vec<String> {
    let (status, json) = app.inbox(token).await;
    assert_eq!(status, 200, "{json}");
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    inbox.reports.into_iter().map(|r| r.report_id).collect()
}

/// A member the reporter keeps out can neither list, fetch, answer nor decrypt the report;
/// the other member of the role reads it with its intake, and their reply is sealed without
/// the excluded member too.
async fn an_excluded_member_sees_nothing(app: TestApp) {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (chair, chair_key) = app.add_member("The chair", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let submission = Submission {
        text: "It is about the chair.".into(),
        intake: Some(intake()),
        roles: vec!["ccp".into()],
        excluded: vec![chair.clone()],
    };
    let (status, json) = submit(&app, &reporter, &submission, None).await;
    assert_eq!(status, 201, "{json}");
    let report_id = json["report_id"].as_str().unwrap().to_owned();

    let casey_token = team_login(&app, &casey, &casey_key).await;
    let chair_token = team_login(&app, &chair, &chair_key).await;
    assert_eq!(inbox_ids(&app, &casey_token).await, vec![report_id.clone()]);
    assert!(inbox_ids(&app, &chair_token).await.is_empty());
    let (status, json) = app.team_report(&chair_token, &report_id).await;
    assert_eq!(status, 404, "{json}");
    assert_eq!(error_code(&json), loket_wire::ErrorCode::NotFound);

    let (status, json) = app.team_report(&casey_token, &report_id).await;
    assert_eq!(status, 200, "{json}");
    let envelope = B64(serde_json::from_value::<B64>(json["envelope"].clone())
        .unwrap()
        .0);
    assert!(loket_crypto::open(chair_key.identity(), &envelope.0).is_err());
    let opened = loket_client::open_report(casey_key.identity(), &envelope).unwrap();
    assert!(opened.intake == Some(intake()));
    assert_eq!(opened.excluded, vec![chair.clone()]);

    // Casey's reply shares a state; it is not sealed to the chair, who cannot post either.
    let reply = loket_client::seal_team_status(
        &mut rand::rng(),
        &dir,
        &opened,
        &report_id,
        &casey_key,
        "We are on it. Aftercare: call us any time.",
        Some(CaseState::InProgress),
    )
    .unwrap();
    assert!(loket_crypto::open(chair_key.identity(), &reply.0).is_err());
    let (status, json) = app.reply(&chair_token, &report_id, reply.clone()).await;
    assert_eq!(status, 404, "{json}");
    let (status, json) = app.reply(&casey_token, &report_id, reply).await;
    assert_eq!(status, 201, "{json}");

    // The reporter sees the shared state and what was said with it.
    let (status, json) = reporter.read_thread(&app).await;
    assert_eq!(status, 200, "{json}");
    let thread: Thread = serde_json::from_value(json).unwrap();
    let opened = loket_client::open_own_thread(
        &reporter.keys,
        &dir,
        &thread.report_id,
        &thread.envelope,
        &thread.messages,
    )
    .unwrap();
    let (state, message) = opened.shared_status().unwrap();
    assert_eq!(state, CaseState::InProgress);
    assert_eq!(
        message.body.as_deref().map(String::as_str),
        Some("We are on it. Aftercare: call us any time.")
    );
    app.shutdown().await;
}

/// The statistics part: sealed to the statistics key only, one size answered or not, stored
/// beside the report; anything of another shape is refused and nothing is stored.
async fn the_statistics_part_has_one_shape(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let stats_key = MemberSecretKey::generate(&mut rand::rng());
    app.store
        .set_statistics(
            Some(&stats_key.public().x25519),
            &["Faculty of Science".to_string()],
        )
        .await
        .unwrap();
    app.publish().await;
    let dir = app.directory().await;
    assert_eq!(dir.units, vec!["Faculty of Science".to_string()]);
    let reporter = Reporter::new(&dir, &["ccp"]);
    let part = StatisticsPart {
        staff: Some(StaffCategory::Phd),
        age: Some(AgeBand::From25To34),
        unit: Some("Faculty of Science".into()),
    };
    let full = loket_client::seal_statistics(&mut rand::rng(), &dir, &reporter.keys, &part)
        .unwrap()
        .unwrap();
    let empty = loket_client::seal_statistics(
        &mut rand::rng(),
        &dir,
        &reporter.keys,
        &StatisticsPart::default(),
    )
    .unwrap()
    .unwrap();
    assert_eq!(full.0.len(), empty.0.len());

    // A report envelope where the statistics part goes is refused, and nothing is stored.
    let submission = Submission {
        text: "text".into(),
        intake: None,
        roles: vec!["ccp".into()],
        excluded: Vec::new(),
    };
    let wrong = reporter.seal_report(&dir, "not a statistics part");
    let (status, json) = submit(&app, &reporter, &submission, Some(wrong)).await;
    assert_eq!(status, 422, "{json}");
    assert_eq!(error_code(&json), loket_wire::ErrorCode::InvalidField);

    let (status, json) = submit(&app, &reporter, &submission, Some(full.clone())).await;
    assert_eq!(status, 201, "{json}");
    let report_id = json["report_id"].as_str().unwrap().to_owned();
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let row = sqlx::query("SELECT statistics FROM reports WHERE id = $1")
        .bind(&report_id)
        .fetch_one(&pool)
        .await
        .unwrap();
    let stored: Option<Vec<u8>> = row.try_get("statistics").unwrap();
    let stored = B64(stored.unwrap());
    assert_eq!(stored, full);
    assert!(loket_client::open_statistics(stats_key.identity(), &stored) == Some(part));
    assert!(loket_client::open_statistics(&reporter.keys.identity, &stored).is_none());
    app.shutdown().await;
}

/// A receipt verifies against the signed directory's receipt key and the envelope sent, on
/// submission and on every read; a wrong code's decoy carries a receipt that verifies over
/// the decoy's envelope just the same. The directory carries the roles' Dutch names.
async fn receipts_verify_and_roles_speak_dutch(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    assert!(dir.receipt_key.is_some());
    let ccp = dir.roles.iter().find(|r| r.id == "ccp").unwrap();
    assert_eq!(ccp.nl.as_ref().unwrap().name, "CCP-coördinator");
    let reporter = Reporter::new(&dir, &["ccp"]);
    let envelope = reporter.seal_report(&dir, "receipt please");
    let body = SubmitReport {
        lookup_token: reporter.token(),
        roles: vec!["ccp".into()],
        envelope: envelope.clone(),
        pow: None,
        excluded: Vec::new(),
        statistics: None,
    };
    let (status, json) = app.submit(&body).await;
    assert_eq!(status, 201, "{json}");
    let answer: SubmitReportResponse = serde_json::from_value(json).unwrap();
    assert_eq!(answer.receipt.received, answer.received);
    loket_client::verify_receipt(&dir, &envelope, &answer.receipt).unwrap();
    assert!(
        loket_client::verify_receipt(&dir, &reporter.seal_report(&dir, "x"), &answer.receipt)
            .is_err()
    );

    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    assert_eq!(thread.receipt, answer.receipt);

    // The file a reporter downloads verifies with the organisation key alone.
    let signed: loket_wire::api::SignedDirectory = app
        .http
        .get(app.url(&loket_wire::paths::api(loket_wire::paths::route::DIRECTORY)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = loket_wire::api::ReceiptFile {
        format: loket_wire::api::RECEIPT_FORMAT.into(),
        receipt: answer.receipt.clone(),
        directory: signed,
    };
    loket_client::verify_receipt_file(&file, &test_org_key()).unwrap();
    let mut forged = file.clone();
    forged.receipt.received += 3600;
    assert!(loket_client::verify_receipt_file(&forged, &test_org_key()).is_err());

    let stranger = Reporter::new(&dir, &["ccp"]);
    let (status, json) = stranger.read_thread(&app).await;
    assert_eq!(status, 200, "{json}");
    let decoy: Thread = serde_json::from_value(json).unwrap();
    loket_client::verify_receipt(&dir, &decoy.envelope, &decoy.receipt).unwrap();
    app.shutdown().await;
}

on_both_backends!(
    an_excluded_member_sees_nothing,
    the_statistics_part_has_one_shape,
    receipts_verify_and_roles_speak_dutch,
);
