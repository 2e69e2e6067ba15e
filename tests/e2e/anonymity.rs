//! Anonymous by construction: a whole thread (submit, read, reply, answer, withdraw) with
//! logging at its most verbose (TRACE, every server-side crate, including sqlx and hyper) and a
//! recognisable user agent. Neither the log nor the database files may contain the client's
//! address, the user agent, the lookup token (raw, base64 or hex), the code or any plaintext.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::Write;
use std::sync::{Arc, Mutex};

use base64::Engine;
use loket_e2e::*;
use loket_wire::api::Thread;
use loket_wire::paths::{self, route};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_address_agent_token_code_or_plaintext_in_logs_or_database() {
    let log = Captured::default();
    let writer = log.clone();
    // Everything at TRACE, through the server's own filter (as `LOKET_LOG=trace`), except
    // the test's own HTTP client (it runs in this process and logs where it connects to).
    tracing_subscriber::fmt()
        .with_env_filter(loket_server::log_filter(
            "trace,reqwest=off,hyper_util::client=off",
        ))
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .init();

    let agent = "AnonymityProbe/7.3 (X11; Linux x86_64)";
    let mut app = TestApp::sqlite().await;
    app.http = reqwest::Client::builder()
        .user_agent(agent)
        .build()
        .unwrap();
    let (ccp_id, ccp) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let report_text = "Anonymity probe 4411: the committee chair made threats.";
    let reply_text = "Anonymity probe 9320: we will call you.";
    let answer_text = "Anonymity probe 7765: thank you.";
    let sent = reporter.submit(&app, &dir, report_text).await;
    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    let mine = open_report(&reporter.keys.identity, &thread.envelope).unwrap();
    let token = team_login(&app, &ccp_id, &ccp).await;
    let reply = seal_reply(&dir, &mine, &sent.report_id, &ccp, reply_text);
    let (status, _) = app.reply(&token, &sent.report_id, reply).await;
    assert_eq!(status, 201);
    let answer = reporter.seal_answer(&dir, &mine, &sent.report_id, answer_text);
    let (status, _) = app.answer(reporter.token(), answer).await;
    assert_eq!(status, 201);
    // An attachment, uploaded in two pieces: its upload key is a credential too.
    let (status, json) = app
        .post(
            &paths::api(route::THREAD_ATTACHMENTS),
            &serde_json::json!({"lookup_token": reporter.token(), "size": 300 * 1024}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{json}");
    let upload_key = json["upload_key"].as_str().unwrap().to_owned();
    for (i, len) in [(0, 256 * 1024), (1, 44 * 1024)] {
        let res = app
            .http
            .put(app.url(&paths::fill(
                route::UPLOAD_PIECE,
                &[&upload_key, &i.to_string()],
            )))
            .header("content-type", "application/octet-stream")
            .body(vec![0x5a; len])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    // A wrong code and a malformed request, so error paths are logged too.
    let stranger = Reporter::new(&dir, &["ccp"]);
    let (status, _) = stranger.read_thread(&app).await;
    assert_eq!(status, 200, "a wrong code gets a decoy");
    let (status, _) = app
        .post(
            &paths::api(route::THREAD),
            &serde_json::json!({"lookup_token": 7}),
            None,
        )
        .await;
    assert_eq!(status, 422);

    // The database, while the report exists.
    let mut db = Vec::new();
    for f in app.sqlite_files() {
        db.extend(std::fs::read(&f).unwrap_or_default());
    }
    let (status, _) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200);
    app.shutdown().await;

    let log = log.0.lock().unwrap().clone();
    let text = String::from_utf8_lossy(&log);
    // The capture works (the server's start is logged), and no request is: a line's time
    // would date a reporter's request (server/src/held_log.rs).
    assert!(
        text.contains("published the signed team directory"),
        "the verbose log was captured ({} bytes)",
        log.len()
    );
    for route in ["/reports", "/thread", "/pow", "/uploads"] {
        assert!(
            !text.contains(route),
            "a request is logged ({route}): {text}"
        );
    }
    let raw = reporter.keys.lookup_token.to_vec();
    let b64 = base64::engine::general_purpose::STANDARD.encode(&raw);
    let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    let code = reporter.code.display().to_string();
    let mut secrets: Vec<(&str, Vec<u8>)> = vec![
        ("the user agent", agent.as_bytes().to_vec()),
        ("the user agent's product", b"AnonymityProbe".to_vec()),
        ("the client address", b"127.0.0.1:".to_vec()),
        ("the lookup token", raw.clone()),
        ("the lookup token in base64", b64.as_bytes().to_vec()),
        ("the lookup token in hex", hex.as_bytes().to_vec()),
        ("the code", code.as_bytes().to_vec()),
        ("the team session token", token.as_bytes().to_vec()),
        ("the attachment upload key", upload_key.as_bytes().to_vec()),
        (
            "the attachment upload key (raw)",
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(&upload_key)
                .unwrap(),
        ),
    ];
    for t in [report_text, reply_text, answer_text] {
        secrets.push(("plaintext", t.as_bytes()[..20].to_vec()));
    }
    for (what, needle) in &secrets {
        if contains(&log, needle) {
            let lines: Vec<&str> = text
                .lines()
                .filter(|l| l.contains(&*String::from_utf8_lossy(needle)))
                .take(3)
                .collect();
            panic!("{what} is in the log: {lines:#?}");
        }
        if *what != "the client address" {
            assert!(!contains(&db, needle), "{what} is in the database");
        }
    }
}
