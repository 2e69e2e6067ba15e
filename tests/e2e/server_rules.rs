//! Issue 5's server rules through the real HTTP API, on SQLite and on PostgreSQL: proof of
//! work, global rate limits, sessions that end, configurable deadlines, closing and purging
//! cases (retention), and chunked encrypted attachments.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_e2e::*;
use loket_server::ServeConfig;
use loket_wire::ErrorCode;
use loket_wire::api::{
    AttachmentUpload, Closed, Inbox, NewAttachment, Outcome, TeamReport, UploadStatus,
};
use loket_wire::paths::{self, route};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest};

fn digest(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

async fn challenge(app: &TestApp, purpose: PowPurpose) -> PowChallenge {
    let (status, json) = app
        .post_raw(&paths::api(route::POW), &PowRequest { purpose }, None)
        .await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Submitting and using a code need a solved challenge of the right purpose, unexpired,
/// unaltered, and only once.
async fn proof_of_work_is_required_and_single_use(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let body = |pow: Option<serde_json::Value>| {
        let mut b = serde_json::json!({
            "lookup_token": reporter.token(),
            "roles": ["ccp"],
            "envelope": reporter.seal_report(&dir, "pay first"),
        });
        if let Some(p) = pow {
            b["pow"] = p;
        }
        b
    };
    // None at all.
    let (status, json) = app.submit_raw(&body(None)).await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkRequired)
    );
    // A challenge for code checks does not pay for a submission.
    let check = app.pow(PowPurpose::Check).await;
    let (status, json) = app
        .submit_raw(&body(Some(serde_json::to_value(&check).unwrap())))
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkInvalid)
    );
    // A wrong nonce; an altered challenge (the difficulty byte lowered to 0).
    let c = challenge(&app, PowPurpose::Submit).await;
    assert_eq!(c.bits, 8);
    let good = loket_wire::pow::solve(&c).unwrap();
    let nonce = u64::from_be_bytes(good.nonce.array().unwrap());
    let wrong = (0..)
        .find(|n| !loket_wire::pow::check(&c.challenge.0, *n, 8))
        .unwrap();
    let mut bad = good.clone();
    bad.nonce = loket_wire::B64(u64::to_be_bytes(wrong).to_vec());
    let (status, json) = app
        .submit_raw(&body(Some(serde_json::to_value(&bad).unwrap())))
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkInvalid)
    );
    let mut altered = good.clone();
    altered.challenge.0[2] = 0;
    let (status, _) = app
        .submit_raw(&body(Some(serde_json::to_value(&altered).unwrap())))
        .await;
    assert_eq!(status, 403);
    assert!(loket_wire::pow::check(&c.challenge.0, nonce, 8));
    // The right one works once.
    let (status, json) = app
        .submit_raw(&body(Some(serde_json::to_value(&good).unwrap())))
        .await;
    assert_eq!(status, 201, "{json}");
    let other = Reporter::new(&dir, &["ccp"]);
    let mut again = body(Some(serde_json::to_value(&good).unwrap()));
    again["lookup_token"] = serde_json::to_value(other.token()).unwrap();
    let (status, json) = app.submit_raw(&again).await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkInvalid),
        "a spent challenge is refused"
    );
    assert!(
        app.store
            .report_by_lookup(&digest(other.keys.lookup_token.as_slice()).into())
            .await
            .unwrap()
            .is_none()
    );
    // Code checks: required, and single use too.
    let (status, json) = app
        .post_raw(
            &paths::api(route::THREAD),
            &serde_json::json!({"lookup_token": reporter.token()}),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkRequired)
    );
    let check = app.pow(PowPurpose::Check).await;
    let req = serde_json::json!({"lookup_token": reporter.token(), "pow": check});
    let (status, _) = app.post_raw(&paths::api(route::THREAD), &req, None).await;
    assert_eq!(status, 200);
    let (status, json) = app.post_raw(&paths::api(route::THREAD), &req, None).await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkInvalid)
    );
    app.shutdown().await;
}

/// A challenge has a short lifetime: solved too late, it is refused.
async fn proof_of_work_expires(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let solution = app.pow(PowPurpose::Submit).await;
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let (status, json) = app
        .submit_raw(&serde_json::json!({
            "lookup_token": reporter.token(),
            "roles": ["ccp"],
            "envelope": reporter.seal_report(&dir, "too late"),
            "pow": solution,
        }))
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (403, ErrorCode::ProofOfWorkInvalid)
    );
    app.shutdown().await;
}

/// With proof of work switched off (`--pow-bits 0`) no solution is needed; the challenge
/// endpoint says so with `bits: 0`.
async fn proof_of_work_can_be_switched_off(config_app: TestApp) {
    let app = config_app;
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let c = challenge(&app, PowPurpose::Submit).await;
    assert_eq!(c.bits, 0);
    let reporter = Reporter::new(&dir, &["ccp"]);
    let (status, json) = app
        .submit_raw(&serde_json::json!({
            "lookup_token": reporter.token(),
            "roles": ["ccp"],
            "envelope": reporter.seal_report(&dir, "free"),
        }))
        .await;
    assert_eq!(status, 201, "{json}");
    app.shutdown().await;
}

/// The global limit counts every client together (no client is identified): past it, 429 with
/// Retry-After; the difficulty rises with the global rate.
async fn global_rate_limit_and_rising_difficulty(app: TestApp) {
    // Counts are per minute: do not start in the last seconds of one.
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second > 50 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - second)).await;
    }
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let mut statuses = Vec::new();
    for i in 0..4 {
        let r = Reporter::new(&dir, &["ccp"]);
        let (status, json) = app
            .submit(&serde_json::json!({
                "lookup_token": r.token(),
                "roles": ["ccp"],
                "envelope": r.seal_report(&dir, &format!("report {i}")),
            }))
            .await;
        statuses.push((status, json));
    }
    // Limit 2 per minute: the first two are stored, then 429 (unless the minute turned).
    let stored = statuses.iter().filter(|(s, _)| *s == 201).count();
    let limited: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    assert!(stored >= 2, "{statuses:?}");
    assert!(!limited.is_empty() || stored == 4, "{statuses:?}");
    for (_, json) in &limited {
        assert_eq!(error_code(json), ErrorCode::RateLimited);
    }
    if stored < 4 {
        let res = app
            .http
            .post(app.url(&paths::api(route::REPORTS)))
            .json(&serde_json::json!({"lookup_token": "AAAA", "roles": [], "envelope": ""}))
            .send()
            .await
            .unwrap();
        // Bad input is refused before it is counted: 422, not 429.
        assert_eq!(res.status().as_u16(), 422);
    }
    // 4 submissions this minute, threshold 1 per minute: base 8 + 2 bits (rate 4 > 1, > 2).
    let c = challenge(&app, PowPurpose::Submit).await;
    assert!(c.bits >= 10, "difficulty rose: {}", c.bits);
    // Code checks are counted apart: still the base difficulty.
    let c = challenge(&app, PowPurpose::Check).await;
    assert_eq!(c.bits, 8);
    app.shutdown().await;
}

/// A member logs out: the session ends at once.
async fn sessions_end_on_logout(app: TestApp) {
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let token = team_login(&app, &id, &key).await;
    let (status, _) = app.inbox(&token).await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post_raw(
            &paths::api(route::TEAM_LOGOUT),
            &serde_json::json!({}),
            Some(&token),
        )
        .await;
    assert_eq!(status, 204);
    let (status, json) = app.inbox(&token).await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::Unauthorized));
    app.shutdown().await;
}

/// Closing a case sets its deletion date from the outcome; the purge deletes it and all of its
/// rows when the date has passed, and nothing before.
async fn closed_cases_are_purged_after_retention(app: TestApp) {
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let a = Reporter::new(&dir, &["ccp"]);
    let sent_a = a.submit(&app, &dir, "closed without a complaint").await;
    let b = Reporter::new(&dir, &["ccp"]);
    let sent_b = b.submit(&app, &dir, "a formal complaint").await;
    let c = Reporter::new(&dir, &["ccp"]);
    let sent_c = c.submit(&app, &dir, "still open").await;
    let token = team_login(&app, &id, &key).await;
    let close = |rid: String, outcome: Outcome| {
        let app = &app;
        let token = token.clone();
        async move { app.close(&token, &rid, outcome).await }
    };
    let (status, json) = close(sent_a.report_id.clone(), Outcome::NoComplaint).await;
    assert_eq!(status, 200, "{json}");
    let closed_a: Closed = serde_json::from_value(json).unwrap();
    assert_eq!(closed_a.delete_after - closed_a.at, 2 * 365 * 86400);
    let (status, json) = close(sent_b.report_id.clone(), Outcome::FormalComplaint).await;
    assert_eq!(status, 200, "{json}");
    let closed_b: Closed = serde_json::from_value(json).unwrap();
    // Five years with a leap day: 1826 days (server/src/config.rs).
    assert_eq!(closed_b.delete_after - closed_b.at, 1826 * 86400);
    // Closing twice: 409. Unknown report: 404. Bad outcome: 422.
    let (status, json) = close(sent_a.report_id.clone(), Outcome::NoComplaint).await;
    assert_eq!((status, error_code(&json)), (409, ErrorCode::Conflict));
    let (status, _) = close("00ff".into(), Outcome::NoComplaint).await;
    assert_eq!(status, 404);
    let (status, json) = app.close(&token, &sent_c.report_id, "forgotten").await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    // The inbox shows it.
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    let item = |rid: &str| inbox.reports.iter().find(|r| r.report_id == rid).unwrap();
    assert_eq!(item(&sent_a.report_id).closed, Some(closed_a.clone()));
    assert_eq!(item(&sent_c.report_id).closed, None);

    // Before the date: nothing goes.
    let purged = app
        .store
        .purge(closed_a.delete_after - 1, i64::MIN, 0)
        .await
        .unwrap();
    assert_eq!(purged.reports, 0);
    // After the first date: only the case without a complaint.
    let purged = app
        .store
        .purge(closed_a.delete_after, i64::MIN, 0)
        .await
        .unwrap();
    assert_eq!(purged.reports, 1);
    let gone = |r: &Reporter| {
        let store = app.store.clone();
        let hash = digest(r.keys.lookup_token.as_slice());
        async move {
            store
                .report_by_lookup(&hash.into())
                .await
                .unwrap()
                .is_none()
        }
    };
    assert!(gone(&a).await);
    assert!(!gone(&b).await);
    assert!(
        app.store
            .messages(&sent_a.report_id.as_str().into())
            .await
            .unwrap()
            .is_empty()
    );
    let purged = app
        .store
        .purge(closed_b.delete_after, i64::MIN, 0)
        .await
        .unwrap();
    assert_eq!(purged.reports, 1);
    assert!(gone(&b).await);
    assert!(
        !gone(&c).await,
        "an open case with activity since is not purged"
    );
    app.shutdown().await;
}

/// `POST /thread/attachments` for `reporter`'s report: status and body.
async fn start_attachment(
    app: &TestApp,
    reporter: &Reporter,
    size: u64,
) -> (u16, serde_json::Value) {
    app.post(
        &paths::api(route::THREAD_ATTACHMENTS),
        &NewAttachment {
            lookup_token: reporter.token(),
            size,
            pow: None,
        },
        None,
    )
    .await
}

/// Uploads an attachment of `ciphertext` for `reporter`, `stop_after` pieces at first, then
/// resumes from the status. Returns the upload.
async fn upload(
    app: &TestApp,
    reporter: &Reporter,
    ciphertext: &[u8],
    stop_after: usize,
) -> AttachmentUpload {
    let (status, json) = start_attachment(app, reporter, ciphertext.len() as u64).await;
    assert_eq!(status, 201, "{json}");
    let up: AttachmentUpload = serde_json::from_value(json).unwrap();
    let pieces: Vec<&[u8]> = ciphertext.chunks(up.piece_size as usize).collect();
    assert_eq!(pieces.len() as u64, up.pieces);
    let put = |i: usize| {
        let req = app
            .http
            .put(app.url(&paths::fill(
                route::UPLOAD_PIECE,
                &[&up.upload_key, &i.to_string()],
            )))
            .header("content-type", "application/octet-stream")
            .body(pieces[i].to_vec());
        async move {
            let res = req.send().await.unwrap();
            let status = res.status().as_u16();
            (status, res.json::<serde_json::Value>().await.unwrap())
        }
    };
    for i in 0..stop_after.min(pieces.len()) {
        let (status, json) = put(i).await;
        assert_eq!(status, 200, "{json}");
    }
    // Interrupted: the status says where to resume; a piece out of order is refused.
    let status: UploadStatus = serde_json::from_value(
        app.get(&paths::fill(route::UPLOAD, &[&up.upload_key]), None)
            .await
            .1,
    )
    .unwrap();
    assert_eq!(status.received as usize, stop_after.min(pieces.len()));
    if status.received + 1 < up.pieces {
        let (code, json) = put(status.received as usize + 1).await;
        assert_eq!((code, error_code(&json)), (409, ErrorCode::Conflict));
    }
    for i in status.received as usize..pieces.len() {
        let (code, json) = put(i).await;
        assert_eq!(code, 200, "{json}");
    }
    // A retried piece is accepted without change.
    let (code, json) = put(0).await;
    assert_eq!(code, 200);
    let done: UploadStatus = serde_json::from_value(json).unwrap();
    assert!(done.complete);
    up
}

/// An attachment is encrypted in the client (STREAM), uploaded in pieces, resumed after an
/// interruption, listed for the team and downloaded and opened by a member; limits hold.
async fn attachments_upload_in_pieces_and_open_for_the_team(app: TestApp) {
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let (other_id, other_key) = app.add_member("Robin", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "see the screenshot").await;
    // 700 KiB of "file", sealed to the readers of the report's roles and the reporter.
    let file: Vec<u8> = (0..700 * 1024u32).map(|i| (i % 251) as u8).collect();
    let readers = loket_client::readers(
        &dir,
        &reporter.roles,
        &[],
        &[],
        reporter.keys.identity.recipient(),
    )
    .unwrap();
    let mut ciphertext = Vec::new();
    loket_crypto::stream::seal_stream(
        &mut rand::rng(),
        &readers,
        file.as_slice(),
        file.len() as u64,
        &mut ciphertext,
    )
    .unwrap();
    let up = upload(&app, &reporter, &ciphertext, 1).await;

    let token = team_login(&app, &id, &key).await;
    let (status, json) = app.team_report(&token, &sent.report_id).await;
    assert_eq!(status, 200);
    let report: TeamReport = serde_json::from_value(json).unwrap();
    assert_eq!(report.attachments.len(), 1);
    let info = &report.attachments[0];
    assert_eq!(info.attachment_id, up.attachment_id);
    assert_eq!(info.size, ciphertext.len() as u64);
    let downloaded = app.download_attachment(&token, info).await;
    assert_eq!(downloaded, ciphertext);
    let mut opened = Vec::new();
    loket_crypto::stream::open_stream(key.identity(), downloaded.as_slice(), &mut opened).unwrap();
    assert_eq!(opened, file);
    // A member of another role cannot fetch it.
    let other = team_login(&app, &other_id, &other_key).await;
    let res = app
        .http
        .get(app.url(&paths::fill(
            route::TEAM_ATTACHMENT_PIECE,
            &[&info.attachment_id, "0"],
        )))
        .bearer_auth(&other)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);

    // Limits: too large (413), empty (422), an unknown code (answered as a started upload whose
    // pieces are refused: tests/e2e/hardening.rs), wrong piece size (422), wrong content type
    // (415), unknown upload (404).
    let (status, json) = start_attachment(&app, &reporter, 101 * 1024 * 1024).await;
    assert_eq!(
        (status, error_code(&json)),
        (413, ErrorCode::PayloadTooLarge)
    );
    let (status, _) = start_attachment(&app, &reporter, 0).await;
    assert_eq!(status, 422);
    let stranger = Reporter::new(&dir, &["ccp"]);
    let (status, json) = start_attachment(&app, &stranger, 10).await;
    assert_eq!(status, 201, "{json}");
    let decoy: AttachmentUpload = serde_json::from_value(json).unwrap();
    let res = app
        .http
        .put(app.url(&paths::fill(route::UPLOAD_PIECE, &[&decoy.upload_key, "0"])))
        .header("content-type", "application/octet-stream")
        .body(vec![1; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404, "a decoy upload takes no piece");
    let (status, json) = start_attachment(&app, &reporter, 10).await;
    assert_eq!(status, 201);
    let small: AttachmentUpload = serde_json::from_value(json).unwrap();
    let put = |body: Vec<u8>, ct: &str| {
        app.http
            .put(app.url(&paths::fill(route::UPLOAD_PIECE, &[&small.upload_key, "0"])))
            .header("content-type", ct.to_owned())
            .body(body)
            .send()
    };
    let res = put(vec![1; 9], "application/octet-stream").await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let res = put(vec![1; 11], "application/octet-stream").await.unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let res = put(vec![1; 10], "text/plain").await.unwrap();
    assert_eq!(res.status().as_u16(), 415);
    let res = app
        .http
        .put(app.url(&paths::fill(
            route::UPLOAD_PIECE,
            &["AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "0"],
        )))
        .header("content-type", "application/octet-stream")
        .body(vec![1; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
    // The unfinished upload is not shown to the team, and a purge of stale uploads removes it.
    let purged = app.store.purge(0, i64::MIN, i64::MAX).await.unwrap();
    assert_eq!(purged.stale_uploads, 1);
    assert_eq!(purged.reports, 0);
    // Withdrawing deletes the attachment with the report.
    let (status, _) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200);
    assert!(
        app.store
            .attachments(&sent.report_id.as_str().into())
            .await
            .unwrap()
            .is_empty()
    );
    app.shutdown().await;
}

/// Deadlines come from the configuration.
async fn deadlines_follow_the_configuration(app: TestApp) {
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let sent = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "when will you answer?")
        .await;
    let token = team_login(&app, &id, &key).await;
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    let d = &inbox.reports[0].deadlines;
    assert_eq!(d.first_response_due, sent.received + 2 * 3600);
    assert_eq!(d.acknowledgement_due, sent.received + 3 * 86400);
    assert_eq!(d.feedback_due, sent.received + 30 * 86400);
    app.shutdown().await;
}

fn limited() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.limits.rates.submit_per_minute = 2;
    config.limits.pow.raise_per_minute = 1;
    config
}

fn short_pow() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.limits.pow.ttl = 1;
    config
}

fn no_pow() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.limits.pow.bits = 0;
    config
}

fn short_deadlines() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.deadlines.first_response = 2 * 3600;
    config.deadlines.acknowledgement = 3 * 86400;
    config.deadlines.feedback = 30 * 86400;
    config
}

loket_e2e::on_both_backends!(
    proof_of_work_is_required_and_single_use,
    proof_of_work_expires with short_pow,
    proof_of_work_can_be_switched_off with no_pow,
    global_rate_limit_and_rising_difficulty with limited,
    sessions_end_on_logout,
    closed_cases_are_purged_after_retention,
    attachments_upload_in_pieces_and_open_for_the_team,
    deadlines_follow_the_configuration with short_deadlines,
);

/// A purged case's ciphertext is gone from the SQLite files (secure_delete + checkpoint).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purged_ciphertext_is_gone_from_the_sqlite_files() {
    let app = TestApp::sqlite().await;
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let envelope = reporter.seal_report(&dir, "delete me after two years");
    let (status, json) = app
        .submit(&serde_json::json!({"lookup_token": reporter.token(), "roles": ["ccp"], "envelope": envelope}))
        .await;
    assert_eq!(status, 201, "{json}");
    let report_id = json["report_id"].as_str().unwrap().to_owned();
    let token = team_login(&app, &id, &key).await;
    let (status, json) = app.close(&token, &report_id, "no_complaint").await;
    assert_eq!(status, 200, "{json}");
    let closed: Closed = serde_json::from_value(json).unwrap();
    // A distinctive stretch of the ciphertext (past the header).
    let needle = envelope.0[200..264].to_vec();
    let present = |files: &[std::path::PathBuf]| {
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .any(|b| contains(&b, &needle))
    };
    let _ = app.store.purge(0, i64::MIN, 0).await.unwrap(); // checkpoint, nothing due
    assert!(
        present(&app.sqlite_files()),
        "the test must see the bytes first"
    );
    let purged = app
        .store
        .purge(closed.delete_after, i64::MIN, 0)
        .await
        .unwrap();
    assert_eq!(purged.reports, 1);
    assert!(
        !present(&app.sqlite_files()),
        "purged ciphertext left on disk"
    );
    app.shutdown().await;
}
