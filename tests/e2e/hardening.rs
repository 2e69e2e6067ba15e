//! Issue 10 through the real HTTP API, on SQLite and PostgreSQL: a flood of unpaid and replayed
//! requests locks nobody out; a wrong code is indistinguishable from a right one on every
//! reporter path, field by field; no column holds a reporter time finer than the hour, and
//! nothing orders reports or messages by arrival; the WAL scrub after a deletion completes
//! once a busy reader lets it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeSet;

use loket_e2e::*;
use loket_server::ServeConfig;
use loket_wire::api::Thread;
use loket_wire::paths::{self, route};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest};
use loket_wire::{B64, ErrorCode};
use sqlx::{Column, Row};

async fn challenge(app: &TestApp, purpose: PowPurpose) -> PowChallenge {
    let (status, json) = app
        .post_raw(&paths::api(route::POW), &PowRequest { purpose }, None)
        .await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

/// Waits, if need be, until at least `needed` seconds are left in this minute (limits are
/// counted per minute).
async fn room_in_this_minute(needed: u64) {
    let second = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        % 60;
    if second + needed > 59 {
        tokio::time::sleep(std::time::Duration::from_secs(61 - second)).await;
    }
}

/// POSTs every body in `bodies` to `path`, 32 at a time: the statuses and error codes.
async fn flood(app: &TestApp, path: &str, bodies: Vec<serde_json::Value>) -> Vec<(u16, String)> {
    let url = app.url(path);
    let mut out = Vec::new();
    let mut bodies = bodies.into_iter().peekable();
    while bodies.peek().is_some() {
        let mut set = tokio::task::JoinSet::new();
        for body in bodies.by_ref().take(32) {
            let (http, url) = (app.http.clone(), url.clone());
            set.spawn(async move {
                let res = http.post(url).json(&body).send().await.unwrap();
                let status = res.status().as_u16();
                let json: serde_json::Value = res.json().await.unwrap_or_default();
                (status, json["code"].as_str().unwrap_or_default().to_owned())
            });
        }
        while let Some(r) = set.join_next().await {
            out.push(r.unwrap());
        }
    }
    out
}

/// Every element of `got` is `(status, code)`.
fn all_are(got: &[(u16, String)], status: u16, code: ErrorCode) {
    let want = serde_json::to_value(code).unwrap();
    let want = want.as_str().unwrap();
    let wrong: Vec<_> = got
        .iter()
        .filter(|(s, c)| *s != status || c != want)
        .collect();
    assert!(
        wrong.is_empty(),
        "{} of {}: {wrong:?}",
        wrong.len(),
        got.len()
    );
}

/// The flood of the issue (620 unpaid submissions in well under a second), unpaid code checks,
/// forged and replayed work, free login challenges and bad login proofs: none of it counts
/// toward a limit or raises the difficulty, so a reporter who pays gets through, and a member
/// logs in. Paid requests are still limited.
async fn a_flood_of_unpaid_requests_locks_nobody_out(app: TestApp) {
    room_in_this_minute(40).await;
    let (member, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let junk = Reporter::new(&dir, &["ccp"]);
    let envelope = junk.seal_report(&dir, "junk");
    let submit = |pow: Option<serde_json::Value>| {
        let r = Reporter::new(&dir, &["ccp"]);
        let mut body = serde_json::json!({
            "lookup_token": r.token(), "roles": ["ccp"], "envelope": envelope,
        });
        if let Some(pow) = pow {
            body["pow"] = pow;
        }
        body
    };
    let reports = paths::api(route::REPORTS);

    let unpaid = flood(&app, &reports, (0..620).map(|_| submit(None)).collect()).await;
    all_are(&unpaid, 403, ErrorCode::ProofOfWorkRequired);
    let forged = serde_json::json!({"challenge": B64(vec![7; 43]), "nonce": B64(vec![0; 8])});
    let forged = flood(
        &app,
        &reports,
        (0..100).map(|_| submit(Some(forged.clone()))).collect(),
    )
    .await;
    all_are(&forged, 403, ErrorCode::ProofOfWorkInvalid);
    let checks = (0..300)
        .map(|_| serde_json::json!({"lookup_token": junk.token()}))
        .collect();
    let checks = flood(&app, &paths::api(route::THREAD), checks).await;
    all_are(&checks, 403, ErrorCode::ProofOfWorkRequired);
    let logins = flood(
        &app,
        &paths::api(route::TEAM_CHALLENGE),
        (0..300).map(|_| serde_json::json!({})).collect(),
    )
    .await;
    assert!(logins.iter().all(|(s, _)| *s == 200), "challenges are free");
    let stranger = loket_crypto::MemberSecretKey::generate(&mut rand::rng());
    for _ in 0..20 {
        let ch = team_challenge(&app).await;
        let (status, _) = team_session(&app, &member, &ch, &stranger).await;
        assert_eq!(status, 401);
    }

    // Nothing of that counted: base difficulty, and paid requests get through.
    assert_eq!(challenge(&app, PowPurpose::Submit).await.bits, 8);
    assert_eq!(challenge(&app, PowPurpose::Check).await.bits, 8);
    let reporter = Reporter::new(&dir, &["ccp"]);
    reporter.submit(&app, &dir, "I am not a flood").await;
    let (status, json) = reporter.read_thread(&app).await;
    assert_eq!(status, 200, "{json}");

    // A valid solution replayed: used once, then refused before it counts.
    let paid = app.pow(PowPurpose::Submit).await;
    let paid = serde_json::to_value(paid).unwrap();
    let (status, json) = app.submit_raw(&submit(Some(paid.clone()))).await;
    assert_eq!(status, 201, "{json}");
    let replays = flood(
        &app,
        &reports,
        (0..50).map(|_| submit(Some(paid.clone()))).collect(),
    )
    .await;
    all_are(&replays, 403, ErrorCode::ProofOfWorkInvalid);
    // The limit (3 a minute) still holds for paid work: the next paid submissions reach it
    // (within a few, even if the minute turned meanwhile on a slow machine).
    let mut limited = false;
    for _ in 0..8 {
        let (status, json) = app.submit(&submit(None)).await;
        if status == 429 {
            assert_eq!(error_code(&json), ErrorCode::RateLimited);
            limited = true;
            break;
        }
        assert_eq!(status, 201, "{json}");
    }
    assert!(limited, "paid submissions are still limited");

    // Logins: the member's own, limited per member; another member is not affected.
    team_login(&app, &member, &key).await;
    team_login(&app, &member, &key).await;
    let ch = team_challenge(&app).await;
    let (status, json) = team_session(&app, &member, &ch, &key).await;
    assert_eq!((status, error_code(&json)), (429, ErrorCode::RateLimited));
    let (other, other_key) = app.add_member("Robin", &["ccp"]).await;
    team_login(&app, &other, &other_key).await;
    app.shutdown().await;
}

fn flood_limits() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.limits.rates.submit_per_minute = 3;
    config.limits.rates.check_per_minute = 3;
    config.limits.rates.login_per_minute = 2;
    config.limits.pow.raise_per_minute = 2;
    config
}

/// The keys of a JSON object.
fn keys(json: &serde_json::Value) -> BTreeSet<String> {
    json.as_object().unwrap().keys().cloned().collect()
}

/// Each stanza's share in an envelope is a point of Curve25519 (not of its twist), as a real
/// X25519 public key is; random bytes are one or the other by chance.
fn shares_are_public_keys(envelope: &[u8]) -> bool {
    let count = loket_format::envelope::read_fixed(envelope).unwrap();
    let start = loket_format::envelope::FIXED_SIZE;
    (0..count).all(|i| {
        let at = start + i * loket_format::envelope::STANZA_SIZE;
        let share: [u8; 32] = envelope[at..at + 32].try_into().unwrap();
        share[31] & 0x80 == 0
            && curve25519_dalek::MontgomeryPoint(share)
                .to_edwards(0)
                .is_some()
    })
}

/// A known and an unknown code on every reporter path: thread, answer, attachment start,
/// withdrawal, and a submission with a code already in use. Status, keys, sizes and the kinds
/// of values match.
async fn a_wrong_code_is_indistinguishable_on_every_path(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let known = Reporter::new(&dir, &["ccp"]);
    known.submit(&app, &dir, "short").await;
    let unknown = Reporter::new(&dir, &["ccp"]);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;

    // Thread.
    let (ks, kj) = known.read_thread(&app).await;
    let (us, uj) = unknown.read_thread(&app).await;
    assert_eq!((ks, keys(&kj)), (us, keys(&uj)));
    let (kt, ut): (Thread, Thread) = (
        serde_json::from_value(kj).unwrap(),
        serde_json::from_value(uj).unwrap(),
    );
    assert_eq!(kt.report_id.len(), ut.report_id.len());
    assert!(ut.report_id.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(kt.envelope.0.len(), ut.envelope.0.len());
    assert_eq!(
        loket_format::envelope::read_fixed(&kt.envelope.0),
        loket_format::envelope::read_fixed(&ut.envelope.0)
    );
    assert!(shares_are_public_keys(&kt.envelope.0));
    assert!(shares_are_public_keys(&ut.envelope.0));
    for t in [&kt, &ut] {
        assert_eq!(t.received % 3600, 0);
        assert!(t.received <= now);
        assert!(t.messages.is_empty());
    }

    // Answer.
    let answer = known.seal_report(&dir, "an answer");
    let (ks, kj) = app.answer(known.token(), answer.clone()).await;
    let (us, uj) = app.answer(unknown.token(), answer).await;
    assert_eq!((ks, keys(&kj)), (us, keys(&uj)));
    assert_eq!(ks, 201, "{kj}");
    assert_eq!(kj["created"], uj["created"]);
    for j in [&kj, &uj] {
        let id = j["id"].as_i64().unwrap();
        assert!((1..1 << 53).contains(&id), "{id}");
    }

    // Attachment start.
    let start = |r: &Reporter| serde_json::json!({"lookup_token": r.token(), "size": 300_000});
    let path = paths::api(route::THREAD_ATTACHMENTS);
    let (ks, kj) = app.post(&path, &start(&known), None).await;
    let (us, uj) = app.post(&path, &start(&unknown), None).await;
    assert_eq!((ks, keys(&kj)), (us, keys(&uj)));
    assert_eq!(ks, 201, "{kj}");
    assert_eq!(
        (&kj["piece_size"], &kj["pieces"]),
        (&uj["piece_size"], &uj["pieces"])
    );
    for field in ["attachment_id", "upload_key"] {
        assert_eq!(
            kj[field].as_str().unwrap().len(),
            uj[field].as_str().unwrap().len(),
            "{field}"
        );
    }

    // A submission with a code already in use, and one with a fresh code.
    let fresh = Reporter::new(&dir, &["ccp"]);
    let body = |r: &Reporter| {
        serde_json::json!({
            "lookup_token": r.token(), "roles": ["ccp"], "envelope": r.seal_report(&dir, "x"),
        })
    };
    let (ks, kj) = app.submit(&body(&known)).await;
    let (fs, fj) = app.submit(&body(&fresh)).await;
    assert_eq!((ks, keys(&kj)), (fs, keys(&fj)));
    assert_eq!(ks, 201, "{kj}");
    assert_eq!(kj["received"], fj["received"]);
    assert_eq!(
        kj["report_id"].as_str().unwrap().len(),
        fj["report_id"].as_str().unwrap().len()
    );

    // Withdrawal.
    let (ks, kj) = app.withdraw(known.token()).await;
    let (us, uj) = app.withdraw(unknown.token()).await;
    assert_eq!((ks, keys(&kj)), (us, keys(&uj)));
    assert_eq!(ks, 200, "{kj}");
    assert_eq!(kj["report_id"], serde_json::json!(kt.report_id));
    assert_eq!(uj["report_id"], serde_json::json!(ut.report_id));
    app.shutdown().await;
}

/// Columns that may hold a time finer than the hour, and why that is safe.
const EXEMPT: &[(&str, &str, &str)] = &[
    (
        "sessions",
        "expires_at",
        "a team member's session: team-side, not a reporter's",
    ),
    (
        "challenges",
        "expires_at",
        "a spent team login challenge: team-side",
    ),
    (
        "members",
        "created_at",
        "when an administrator added a member: team-side",
    ),
    (
        "organisation",
        "created_at",
        "when the instance was set up: team-side",
    ),
];

/// A value that reads as a Unix time (seconds or milliseconds, 2001 to 2100) off the hour.
fn fine_time(v: i64) -> bool {
    ((1_000_000_000..4_102_444_800).contains(&v) && v % 3600 != 0)
        || ((1_000_000_000_000..4_102_444_800_000).contains(&v) && v % 3_600_000 != 0)
}

/// Every table and every integer column of `app`'s database, as (table, column, values).
async fn every_integer(app: &TestApp) -> Vec<(String, String, Vec<i64>)> {
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let list = match app.db {
        Db::Sqlite { .. } => {
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'"
        }
        Db::Postgres { .. } => {
            "SELECT CAST(tablename AS TEXT) AS name FROM pg_tables \
             WHERE schemaname = 'public' AND tablename <> '_sqlx_migrations'"
        }
    };
    let tables: Vec<String> = sqlx::query(list)
        .fetch_all(&pool)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get("name"))
        .collect();
    assert!(tables.len() >= 15, "{tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(&pool)
            .await
            .unwrap();
        let Some(first) = rows.first() else {
            out.push((table, String::new(), Vec::new()));
            continue;
        };
        for (i, col) in first.columns().iter().enumerate() {
            let values: Vec<i64> =
                rows.iter()
                    .filter_map(|r| {
                        r.try_get::<Option<i64>, _>(i).ok().flatten().or_else(|| {
                            r.try_get::<Option<i32>, _>(i).ok().flatten().map(i64::from)
                        })
                    })
                    .collect();
            out.push((table.clone(), col.name().to_owned(), values));
        }
    }
    pool.close().await;
    out
}

/// A full reporter flow (reports, answers, replies, an attachment, a withdrawal, logins), then
/// every column of every table: no value that reads as a Unix time off the hour outside the
/// listed team-side exemptions, and stored rate counts in whole granules.
async fn no_reporter_time_finer_than_the_hour(app: TestApp) {
    let (member, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let session = team_login(&app, &member, &key).await;
    let mut reporters = Vec::new();
    for i in 0..4 {
        let r = Reporter::new(&dir, &["ccp"]);
        let sent = r.submit(&app, &dir, &format!("report {i}")).await;
        let (status, _) = app.answer(r.token(), r.seal_report(&dir, "more")).await;
        assert_eq!(status, 201);
        let (status, _) = app
            .reply(&session, &sent.report_id, r.seal_report(&dir, "reply"))
            .await;
        assert_eq!(status, 201);
        reporters.push(r);
    }
    let start = serde_json::json!({"lookup_token": reporters[0].token(), "size": 10});
    let (status, json) = app
        .post(&paths::api(route::THREAD_ATTACHMENTS), &start, None)
        .await;
    assert_eq!(status, 201, "{json}");
    let upload: loket_wire::api::AttachmentUpload = serde_json::from_value(json).unwrap();
    let res = app
        .http
        .put(app.url(&paths::fill(
            route::UPLOAD_PIECE,
            &[&upload.upload_key, "0"],
        )))
        .header("content-type", "application/octet-stream")
        .body(vec![9u8; 10])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (status, _) = app.withdraw(reporters[1].token()).await;
    assert_eq!(status, 200);
    // Let the rate exchange store this minute's counts.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;

    let exempt = |t: &str, c: &str| EXEMPT.iter().any(|(et, ec, _)| *et == t && *ec == c);
    let mut found = Vec::new();
    let mut seen_counts = false;
    for (table, column, values) in every_integer(&app).await {
        if table == "rate_counts" && column == "count" {
            seen_counts = !values.is_empty();
            assert!(values.iter().all(|v| v % 16 == 0 && *v > 0), "{values:?}");
        }
        if !exempt(&table, &column) && values.iter().any(|v| fine_time(*v)) {
            found.push(format!("{table}.{column}: {values:?}"));
        }
    }
    assert!(
        found.is_empty(),
        "reporter times finer than the hour: {found:#?}"
    );
    assert!(seen_counts, "the rate exchange stored counts");
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    a_flood_of_unpaid_requests_locks_nobody_out with flood_limits,
    a_wrong_code_is_indistinguishable_on_every_path,
    no_reporter_time_finer_than_the_hour,
    spam_is_marked_and_deleted_and_the_inbox_pages,
    attachments_are_metered with small_quota,
);

/// `true` when `ids` (in arrival order) are in ascending or descending order.
fn monotonic(ids: &[i64]) -> bool {
    ids.windows(2).all(|w| w[0] < w[1]) || ids.windows(2).all(|w| w[0] > w[1])
}

/// On SQLite, neither the rows' physical order (rowid) nor message ids follow arrival.
/// (PostgreSQL keeps its own order of writes; docs/operations.md says what and what to do.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_orders_reports_or_messages_by_arrival() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let mut arrived = Vec::new();
    let mut messages = Vec::new();
    for i in 0..8 {
        let r = Reporter::new(&dir, &["ccp"]);
        arrived.push(r.submit(&app, &dir, &format!("report {i}")).await.report_id);
        let (status, json) = app.answer(r.token(), r.seal_report(&dir, "more")).await;
        assert_eq!(status, 201);
        messages.push(json["id"].as_i64().unwrap());
    }
    let pool = sqlx::SqlitePool::connect(&app.database_url())
        .await
        .unwrap();
    let stored: Vec<(i64, String)> = sqlx::query_as("SELECT rowid, id FROM reports")
        .fetch_all(&pool)
        .await
        .unwrap();
    let rank = |id: &str| arrived.iter().position(|a| a == id).unwrap() as i64;
    let by_row: Vec<i64> = stored.iter().map(|(_, id)| rank(id)).collect();
    assert_eq!(by_row.len(), 8);
    assert!(!monotonic(&by_row), "reports in arrival order: {by_row:?}");
    assert!(
        !monotonic(&messages),
        "message ids in arrival order: {messages:?}"
    );
    let rowids: Vec<i64> = sqlx::query_scalar("SELECT rowid FROM report_roles")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(rowids.iter().all(|r| *r > 1000), "{rowids:?}");
    pool.close().await;
    app.shutdown().await;
}

/// A withdrawn report's ciphertext leaves the WAL once a reader that held an old snapshot
/// lets go: the scrub is retried until it completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_scrub_completes_after_a_busy_reader() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let envelope = reporter.seal_report(&dir, "withdraw me");
    let body = serde_json::json!({"lookup_token": reporter.token(), "roles": ["ccp"], "envelope": envelope});
    let (status, json) = app.submit(&body).await;
    assert_eq!(status, 201, "{json}");
    let needle = envelope.0[200..264].to_vec();
    let present = || {
        app.sqlite_files()
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .any(|b| b.windows(needle.len()).any(|w| w == needle))
    };
    assert!(present(), "the test must see the bytes first");

    // A reader holds a snapshot from before the withdrawal.
    let pool = sqlx::SqlitePool::connect(&app.database_url())
        .await
        .unwrap();
    let mut reader = pool.begin().await.unwrap();
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reports")
        .fetch_one(&mut *reader)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let (status, _) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200);
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        present(),
        "the reader kept the old frames (else this test proves nothing)"
    );
    reader.rollback().await.unwrap();
    pool.close().await;
    let mut gone = false;
    for _ in 0..100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        if !present() {
            gone = true;
            break;
        }
    }
    assert!(
        gone,
        "withdrawn ciphertext still on disk after the reader let go"
    );
    app.shutdown().await;
}

/// Writes `head` (and nothing more) on a raw connection, then reads until the server closes
/// it or 10 seconds pass: what came back, and after how long.
async fn hold_open(app: &TestApp, head: &str) -> (String, std::time::Duration) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let start = std::time::Instant::now();
    sock.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sock.read_to_end(&mut raw),
    )
    .await;
    (String::from_utf8_lossy(&raw).into_owned(), start.elapsed())
}

fn short_timeouts() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.http.timeouts.headers = std::time::Duration::from_secs(1);
    config.http.timeouts.request = std::time::Duration::from_secs(2);
    config
}

/// A client that holds a request open (headers never finished, or a body that never comes)
/// is cut off; each route refuses a declared body over its own limit before reading it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_requests_end_and_routes_have_their_own_body_limits() {
    let app = TestApp::sqlite_with(short_timeouts()).await;
    let host = app.addr;
    // Headers never finished: the connection is closed after the header timeout.
    let (_, took) = hold_open(
        &app,
        &format!("POST /api/v1/thread HTTP/1.1\r\nhost: {host}\r\n"),
    )
    .await;
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    // A body announced and never sent: 408 request_timeout after the request timeout.
    let head = format!(
        "POST /api/v1/thread HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
         content-length: 1000\r\nconnection: close\r\n\r\n{{\"lookup"
    );
    let (answer, took) = hold_open(&app, &head).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("request_timeout"), "{answer}");
    assert!(took < std::time::Duration::from_secs(5), "{took:?}");
    // Declared lengths over a route's own limit: 413 at once, nothing read.
    for (path, len) in [
        ("/api/v1/thread", 16 * 1024 + 1),
        ("/api/v1/pow", 16 * 1024 + 1),
        ("/api/v1/team/session", 16 * 1024 + 1),
        ("/api/v1/reports", loket_server::http::ENVELOPE_BODY + 1),
    ] {
        let head = format!(
            "POST {path} HTTP/1.1\r\nhost: {host}\r\ncontent-type: application/json\r\n\
             content-length: {len}\r\nconnection: close\r\n\r\n{{"
        );
        let (answer, _) = hold_open(&app, &head).await;
        assert!(answer.starts_with("HTTP/1.1 413"), "{path}: {answer}");
    }
    // An envelope route takes the largest envelope a client seals.
    let (status, json) = app
        .post_raw(
            "/api/v1/reports",
            &serde_json::json!({
                "lookup_token": B64(vec![1; 32]), "roles": ["ccp"],
                "envelope": B64(vec![0; loket_format::envelope::MAX_SEALED_LEN]),
            }),
            None,
        )
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (422, ErrorCode::InvalidField),
        "read, then refused as no envelope"
    );
    app.shutdown().await;
}

/// The inbox pages (newest first, no envelopes, every report once); a member marks a report
/// as spam and deletes it (only once marked, only within their roles), and both acts are in
/// the audit log.
async fn spam_is_marked_and_deleted_and_the_inbox_pages(app: TestApp) {
    let (member, key) = app.add_member("Casey", &["ccp"]).await;
    let (outsider, outsider_key) = app.add_member("Olive", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let session = team_login(&app, &member, &key).await;
    let mut reporters = Vec::new();
    for i in 0..5 {
        let r = Reporter::new(&dir, &["ccp"]);
        r.submit(&app, &dir, &format!("report {i}")).await;
        reporters.push(r);
    }
    let mut seen = Vec::new();
    let mut before: Option<String> = None;
    loop {
        let path = match &before {
            Some(c) => format!("{}?limit=2&before={c}", paths::api(route::TEAM_INBOX)),
            None => format!("{}?limit=2", paths::api(route::TEAM_INBOX)),
        };
        let (status, json) = app.get(&path, Some(&session)).await;
        assert_eq!(status, 200, "{json}");
        let page = json["reports"].as_array().unwrap();
        assert!(page.len() <= 2);
        for item in page {
            assert!(
                item.get("envelope").is_none(),
                "the inbox carries no envelope"
            );
            seen.push(item["report_id"].as_str().unwrap().to_owned());
        }
        match json["next"].as_str() {
            Some(next) => before = Some(next.to_owned()),
            None => break,
        }
    }
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!((seen.len(), unique.len()), (5, 5), "{seen:?}");
    for bad in ["?limit=0", "?limit=201", "?before=nope", "?before=12.zz"] {
        let (status, json) = app
            .get(
                &format!("{}{bad}", paths::api(route::TEAM_INBOX)),
                Some(&session),
            )
            .await;
        assert_eq!(
            (status, error_code(&json)),
            (422, ErrorCode::InvalidField),
            "{bad}"
        );
    }

    let target = seen[0].clone();
    let spam = |id: &str| paths::fill(route::TEAM_REPORT_SPAM, &[id]);
    let delete = |id: &str| paths::fill(route::TEAM_REPORT_DELETE, &[id]);
    let (status, json) = app
        .post(&delete(&target), &serde_json::json!({}), Some(&session))
        .await;
    assert_eq!(
        (status, error_code(&json)),
        (409, ErrorCode::Conflict),
        "not marked yet"
    );
    let other = team_login(&app, &outsider, &outsider_key).await;
    let (status, _) = app
        .post(
            &spam(&target),
            &serde_json::json!({"spam": true}),
            Some(&other),
        )
        .await;
    assert_eq!(status, 404, "another role's member cannot see it");
    let (status, json) = app
        .post(
            &spam(&target),
            &serde_json::json!({"spam": true}),
            Some(&session),
        )
        .await;
    assert_eq!(status, 204, "{json}");
    let (_, json) = app.team_report(&session, &target).await;
    assert_eq!(json["spam"], true);
    let (status, json) = app
        .post(&delete(&target), &serde_json::json!({}), Some(&session))
        .await;
    assert_eq!(status, 204, "{json}");
    let (status, _) = app.team_report(&session, &target).await;
    assert_eq!(status, 404);
    let (_, json) = app.inbox(&session).await;
    assert_eq!(json["reports"].as_array().unwrap().len(), 4);
    let audit = app
        .store
        .audit_of(&loket_server::store::ReportId::parse(&target).unwrap())
        .await
        .unwrap();
    // (Opening the case is in the trail too.)
    let mut audit: Vec<_> = audit
        .into_iter()
        .filter(|(_, action)| action.starts_with("spam_"))
        .collect();
    audit.sort();
    assert_eq!(
        audit,
        vec![
            (member.clone(), "spam_deleted".to_owned()),
            (member.clone(), "spam_marked".to_owned())
        ],
        "both acts are in the audit log"
    );
    app.shutdown().await;
}

fn small_quota() -> ServeConfig {
    let mut config = TestApp::test_config();
    config.attachments.max = 400_000;
    config.attachments.bytes_per_report = 500_000;
    config.attachments.bytes_total = 800_000;
    config
}

/// Attachment uploads are metered: bytes per upload, per report and for the whole instance.
async fn attachments_are_metered(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let path = paths::api(route::THREAD_ATTACHMENTS);
    let start =
        |r: &Reporter, size: u64| serde_json::json!({"lookup_token": r.token(), "size": size});
    let a = Reporter::new(&dir, &["ccp"]);
    a.submit(&app, &dir, "a").await;
    let (status, json) = app.post(&path, &start(&a, 400_001), None).await;
    assert_eq!(
        (status, error_code(&json)),
        (413, ErrorCode::PayloadTooLarge),
        "per upload"
    );
    let (status, json) = app.post(&path, &start(&a, 300_000), None).await;
    assert_eq!(status, 201, "{json}");
    let (status, json) = app.post(&path, &start(&a, 300_000), None).await;
    assert_eq!(
        (status, error_code(&json)),
        (413, ErrorCode::PayloadTooLarge),
        "per report"
    );
    let b = Reporter::new(&dir, &["ccp"]);
    b.submit(&app, &dir, "b").await;
    let (status, json) = app.post(&path, &start(&b, 300_000), None).await;
    assert_eq!(status, 201, "{json}");
    let c = Reporter::new(&dir, &["ccp"]);
    c.submit(&app, &dir, "c").await;
    let (status, json) = app.post(&path, &start(&c, 300_000), None).await;
    assert_eq!(
        (status, error_code(&json)),
        (503, ErrorCode::Unavailable),
        "instance full"
    );
    app.shutdown().await;
}
