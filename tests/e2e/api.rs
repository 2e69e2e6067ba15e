//! API tests, run against SQLite and against PostgreSQL. Test names follow the protocol steps
//! of crypto/SPEC.md §9: submit, read thread, reply, answer.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_e2e::*;
use loket_wire::api::{Author, Inbox, SubmitReport, TeamReport, Thread};
use loket_wire::paths::{self, route};
use loket_wire::{B64, ErrorCode};

async fn step_1_directory_lists_roles_and_members(app: TestApp) {
    let (_, key) = app.add_member("Alex", &["ccp", "ombudsperson"]).await;
    let dir = app.directory().await;
    assert_eq!(dir.organisation, "Test University");
    assert!(dir.deployment_salt.0.len() >= 16);
    let ids: Vec<&str> = dir.roles.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["ccp", "confidential-adviser", "ombudsperson"]);
    assert_eq!(dir.members.len(), 1);
    assert_eq!(dir.members[0].x25519.0, key.public().x25519.to_vec());
    assert_eq!(dir.members[0].roles, ["ccp", "ombudsperson"]);
    app.shutdown().await;
}

async fn step_2_to_4_full_thread(app: TestApp) {
    let (ccp_id, ccp) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (_, adviser) = app
        .add_member("Avery (adviser)", &["confidential-adviser"])
        .await;
    let dir = app.directory().await;

    // Step 2: the reporter seals to the CCP role and submits.
    let reporter = Reporter::new(&dir, &["ccp"]);
    let submitted = reporter
        .submit(&app, &dir, "My supervisor shouts at me in meetings.")
        .await;
    assert_eq!(
        submitted.received % 3600,
        0,
        "arrival is stored to the hour"
    );

    // The reporter can reread the report with the code alone.
    let (status, json) = reporter.read_thread(&app).await;
    assert_eq!(status, 200, "{json}");
    let thread: Thread = serde_json::from_value(json).unwrap();
    assert_eq!(thread.report_id, submitted.report_id);
    let mine = open_report(&reporter.keys.identity, &thread.envelope).unwrap();
    assert_eq!(mine.text, "My supervisor shouts at me in meetings.");

    // Step 3: the CCP member logs in, sees the report in the inbox, opens it, replies.
    let token = team_login(&app, &ccp_id, &ccp).await;
    let (status, json) = app.inbox(&token).await;
    assert_eq!(status, 200, "{json}");
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert_eq!(inbox.reports.len(), 1);
    let item = &inbox.reports[0];
    assert_eq!(item.roles, ["ccp"]);
    assert_eq!(item.first_response, None);
    assert_eq!(item.deadlines.first_response_due, item.received + 24 * 3600);
    assert_eq!(
        item.deadlines.acknowledgement_due,
        item.received + 7 * 24 * 3600
    );

    let (status, json) = app.team_report(&token, &item.report_id).await;
    assert_eq!(status, 200, "{json}");
    let report: TeamReport = serde_json::from_value(json).unwrap();
    let content = open_report(ccp.identity(), &report.envelope).unwrap();
    assert_eq!(content.text, "My supervisor shouts at me in meetings.");
    assert_eq!(content, mine, "both sides read the same signed report");
    // Strict confidentiality between roles: the adviser was not chosen and cannot decrypt.
    assert!(open_report(adviser.identity(), &report.envelope).is_none());

    let reply = seal_reply(
        &dir,
        &content,
        &item.report_id,
        &ccp,
        "Thank you for telling us. Can we talk?",
    );
    let (status, json) = app.reply(&token, &item.report_id, reply).await;
    assert_eq!(status, 201, "{json}");
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert!(
        inbox.reports[0].first_response.is_some(),
        "the first response time is recorded"
    );
    assert_eq!(inbox.reports[0].messages, 1);

    // Step 4: the reporter reads the reply and answers.
    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    assert_eq!(thread.messages.len(), 1);
    assert_eq!(
        thread.messages[0].author,
        loket_wire::api::Author::Member {
            member_id: ccp_id.clone()
        }
    );
    let reply = open_message(
        &reporter.keys.identity,
        &dir,
        &mine,
        &thread.report_id,
        &thread.messages[0].author,
        &thread.messages[0].envelope,
    )
    .unwrap();
    assert_eq!(reply, "Thank you for telling us. Can we talk?");

    let answer = reporter.seal_answer(&dir, &mine, &thread.report_id, "Yes, on Thursday.");
    let (status, json) = app.answer(reporter.token(), answer).await;
    assert_eq!(status, 201, "{json}");
    let (_, json) = app.team_report(&token, &item.report_id).await;
    let report: TeamReport = serde_json::from_value(json).unwrap();
    assert_eq!(report.messages.len(), 2);
    assert_eq!(report.messages[1].author, Author::Reporter);
    assert_eq!(
        open_message(
            ccp.identity(),
            &dir,
            &content,
            &report.report_id,
            &Author::Reporter,
            &report.messages[1].envelope
        )
        .unwrap(),
        "Yes, on Thursday."
    );
    app.shutdown().await;
}

/// A wrong code gets an answer of the same status and shape as a right one — a decoy thread
/// that is the same every time, sized like a real report, and that cannot be opened — so
/// nobody watching can tell known codes from unknown ones. The client says "no report found"
/// after failing to open it.
async fn wrong_codes_get_decoys_like_real_threads(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let real = Reporter::new(&dir, &["ccp"]);
    let sent = real.submit(&app, &dir, "a real report").await;
    let (status, json) = real.read_thread(&app).await;
    assert_eq!(status, 200);
    let real_thread: Thread = serde_json::from_value(json.clone()).unwrap();
    assert!(open_report(&real.keys.identity, &real_thread.envelope).is_some());
    let real_keys: Vec<&String> = json.as_object().unwrap().keys().collect();

    let mut ids = std::collections::HashSet::new();
    for _ in 0..3 {
        let stranger = Reporter::new(&dir, &["ccp"]);
        let (status, json) = stranger.read_thread(&app).await;
        assert_eq!(status, 200, "{json}");
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(keys, real_keys, "same shape");
        let decoy: Thread = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(
            decoy.envelope.0.len(),
            real_thread.envelope.0.len(),
            "same size"
        );
        assert_eq!(decoy.report_id.len(), sent.report_id.len());
        assert!(decoy.received <= sent.received);
        assert!(open_report(&stranger.keys.identity, &decoy.envelope).is_none());
        // The same code gets the same decoy every time.
        let (_, again) = stranger.read_thread(&app).await;
        assert_eq!(again, json);
        ids.insert(decoy.report_id);
    }
    assert_eq!(ids.len(), 3, "each code its own decoy");
    // Answering with a wrong code looks accepted, and stores nothing.
    let stranger = Reporter::new(&dir, &["ccp"]);
    let answer = stranger.seal_report(&dir, "hello?");
    let (status, json) = app.answer(stranger.token(), answer).await;
    assert_eq!(status, 201, "{json}");
    assert_eq!(
        app.store
            .messages(&sent.report_id.as_str().into())
            .await
            .unwrap()
            .len(),
        0
    );
    let (_, json) = stranger.read_thread(&app).await;
    assert_eq!(json["messages"], serde_json::json!([]));
    app.shutdown().await;
}

async fn bad_input_gets_clear_errors(app: TestApp) {
    let (member_id, key) = app.add_member("Casey", &["ccp"]).await;
    let (_, other_key) = app.add_member("Robin", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let envelope = reporter.seal_report(&dir, "text");

    // Broken JSON: 400. Wrong content type: 415. Missing field: 422.
    assert_eq!(
        submit_bytes(&app, "application/json", "{not json").await,
        (400, ErrorCode::MalformedRequest)
    );
    assert_eq!(
        submit_bytes(&app, "text/plain", "{}").await,
        (415, ErrorCode::UnsupportedMediaType)
    );
    let (status, json) = app.submit(&serde_json::json!({"roles": ["ccp"]})).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let (status, json) = app
        .submit(&serde_json::json!({"lookup_token": "%%%", "roles": ["ccp"], "envelope": ""}))
        .await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));

    // Token of the wrong length, garbage envelope, no roles, unknown role: 422, nothing stored.
    let bad = [
        SubmitReport {
            lookup_token: B64(vec![1; 31]),
            roles: vec!["ccp".into()],
            envelope: envelope.clone(),
            pow: None,
            excluded: Vec::new(),
            statistics: None,
        },
        SubmitReport {
            lookup_token: reporter.token(),
            roles: vec!["ccp".into()],
            envelope: B64(vec![7; 5000]),
            pow: None,
            excluded: Vec::new(),
            statistics: None,
        },
        SubmitReport {
            lookup_token: reporter.token(),
            roles: vec![],
            envelope: envelope.clone(),
            pow: None,
            excluded: Vec::new(),
            statistics: None,
        },
    ];
    for body in &bad {
        let (status, json) = app.submit(body).await;
        assert_eq!(
            (status, error_code(&json)),
            (422, ErrorCode::InvalidField),
            "{json}"
        );
    }
    let unknown = SubmitReport {
        lookup_token: reporter.token(),
        roles: vec!["ccp".into(), "dean".into()],
        envelope: envelope.clone(),
        pow: None,
        excluded: Vec::new(),
        statistics: None,
    };
    let (status, json) = app.submit(&unknown).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::UnknownRole));
    assert!(
        app.store
            .report_by_lookup(&sha2_check::digest(reporter.keys.lookup_token.as_slice()).into())
            .await
            .unwrap()
            .is_none(),
        "a refused report leaves nothing behind (one transaction)"
    );

    // The same code twice: answered as stored (a wrong code looks like a right one on every
    // path), with a new id, and nothing is stored or changed.
    let first = reporter.submit(&app, &dir, "first").await.report_id;
    let again = SubmitReport {
        lookup_token: reporter.token(),
        roles: vec!["ccp".into()],
        envelope,
        pow: None,
        excluded: Vec::new(),
        statistics: None,
    };
    let (status, json) = app.submit(&again).await;
    assert_eq!(status, 201, "{json}");
    let shown = json["report_id"].as_str().unwrap();
    assert_eq!(shown.len(), first.len());
    assert_ne!(shown, first);
    let stored = app
        .store
        .report_by_lookup(&sha2_check::digest(reporter.keys.lookup_token.as_slice()).into())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.id.as_str(), first);

    // A body over the limit: 413.
    // (Raw socket: the server answers from the declared length without reading the body.)
    let (status, json) = declare_huge_body(&app, 3 * 1024 * 1024).await;
    assert_eq!(
        (status, error_code(&json)),
        (413, ErrorCode::PayloadTooLarge)
    );

    // Team endpoints: no session, a made-up session, a bad proof, a reused challenge.
    let (status, json) = app.get(&paths::api(route::TEAM_INBOX), None).await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::Unauthorized));
    let (status, json) = app
        .get(&paths::api(route::TEAM_INBOX), Some("made-up"))
        .await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::Unauthorized));
    let challenge = team_challenge(&app).await;
    let (status, json) = team_session(&app, &member_id, &challenge, &other_key).await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::InvalidProof));
    let (status, json) = team_session(&app, &member_id, &challenge, &key).await;
    assert_eq!(
        status, 200,
        "a bad proof does not use the challenge up: {json}"
    );
    let (status, json) = team_session(&app, &member_id, &challenge, &key).await;
    assert_eq!(
        (status, error_code(&json)),
        (401, ErrorCode::InvalidProof),
        "a challenge is single-use"
    );
    // A challenge this instance did not issue (made up, or with its expiry changed).
    let mut forged = challenge.clone();
    if let Some(b) = forged.0.get_mut(7) {
        *b ^= 1;
    }
    let (status, json) = team_session(&app, &member_id, &forged, &key).await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::InvalidProof));

    // Unknown API route: JSON 404.
    let (status, json) = app.get(&paths::api("/nothing-here"), None).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));
    app.shutdown().await;
}

/// POSTs `body` as it is, with `content_type`, to the submission endpoint: the status and the
/// error code.
async fn submit_bytes(app: &TestApp, content_type: &str, body: &'static str) -> (u16, ErrorCode) {
    let res = app
        .http
        .post(app.url(&paths::api(route::REPORTS)))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, error_code(&res.json().await.unwrap()))
}

/// Sends only the headers of a POST declaring `len` bytes of JSON and reads the answer.
async fn declare_huge_body(app: &TestApp, len: usize) -> (u16, serde_json::Value) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut sock = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "POST /api/v1/reports HTTP/1.1\r\nhost: {}\r\ncontent-type: application/json\r\ncontent-length: {len}\r\nconnection: close\r\n\r\n{{",
        app.addr
    );
    sock.write_all(head.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sock.read_to_end(&mut raw),
    )
    .await;
    let text = String::from_utf8_lossy(&raw);
    let status: u16 = text.split_whitespace().nth(1).unwrap().parse().unwrap();
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
    // The body may be chunked: take the JSON object inside.
    let json = body
        .find('{')
        .and_then(|a| body.rfind('}').map(|b| &body[a..=b]))
        .unwrap_or("null");
    (status, serde_json::from_str(json).unwrap())
}

async fn members_see_only_their_roles(app: TestApp) {
    let (_, _ccp) = app.add_member("Casey", &["ccp"]).await;
    let (omb_id, omb) = app.add_member("Olive", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let sent = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "for the CCP only")
        .await;
    let token = team_login(&app, &omb_id, &omb).await;
    let (_, json) = app.inbox(&token).await;
    assert_eq!(
        serde_json::from_value::<Inbox>(json).unwrap().reports.len(),
        0
    );
    let (status, json) = app.team_report(&token, &sent.report_id).await;
    assert_eq!((status, error_code(&json)), (404, ErrorCode::NotFound));
    let fake = Reporter::new(&dir, &["ombudsperson"]);
    let guess = open_report(
        &fake.keys.identity,
        &fake.seal_report(&dir, "a report of my own"),
    )
    .unwrap();
    let reply = seal_reply(&dir, &guess, &sent.report_id, &omb, "sneaky");
    let (status, _) = app.reply(&token, &sent.report_id, reply).await;
    assert_eq!(status, 404);
    app.shutdown().await;
}

async fn tampered_ciphertext_is_refused(app: TestApp) {
    let (id, key) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let sent = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "original words")
        .await;
    let token = team_login(&app, &id, &key).await;
    let (_, json) = app.team_report(&token, &sent.report_id).await;
    let report: TeamReport = serde_json::from_value(json).unwrap();
    for i in [0usize, 5, 10, 100, 200, report.envelope.0.len() - 1] {
        let mut bent = report.envelope.clone();
        bent.0[i] ^= 0x20;
        assert!(
            open_report(key.identity(), &bent).is_none(),
            "a flipped byte at {i} must not open"
        );
    }
    assert_eq!(
        open_report(key.identity(), &report.envelope).unwrap().text,
        "original words"
    );
    app.shutdown().await;
}

async fn responses_carry_security_headers(app: TestApp) {
    for path in [
        "/".to_owned(),
        paths::api(route::DIRECTORY),
        paths::api("/nothing"),
    ] {
        let res = app.http.get(app.url(&path)).send().await.unwrap();
        let h = res.headers();
        let csp = h.get("content-security-policy").unwrap().to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h.get("referrer-policy").unwrap(), "no-referrer");
        assert_eq!(h.get("x-content-type-options").unwrap(), "nosniff");
        assert!(h.get("set-cookie").is_none());
        if path.starts_with("/api/") {
            assert_eq!(h.get("cache-control").unwrap(), "no-store");
        }
    }
    app.shutdown().await;
}

/// The server (or anyone with its database) knows the members' public keys and could seal a
/// "reply from the team" to the reporter. It cannot sign as a member: the reporter's client
/// refuses it, and still shows the genuine reply.
async fn a_reply_forged_by_the_server_is_refused(app: TestApp) {
    let (ccp_id, ccp) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "please help").await;
    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    let mine = open_report(&reporter.keys.identity, &thread.envelope).unwrap();

    // The genuine reply, through the API.
    let token = team_login(&app, &ccp_id, &ccp).await;
    let genuine = seal_reply(&dir, &mine, &sent.report_id, &ccp, "genuine reply");
    let (status, _) = app.reply(&token, &sent.report_id, genuine).await;
    assert_eq!(status, 201);

    // The forgery, written straight into the database as if Casey had sent it: sealed to the
    // reporter's key (which a server would even have to guess) and signed with a key of its own.
    let server_key = loket_crypto::sign::SigningSecret::generate(&mut rand::rng());
    let body = serde_json::to_vec(&loket_wire::content::Content::Message {
        v: loket_wire::content::CONTENT_VERSION,
        text: "Please send us your full name and phone number.".into(),
        attachment: None,
        status: None,
        contact: None,
        share: None,
    })
    .unwrap();
    let signed = loket_crypto::sign::sign_body(
        &server_key,
        &loket_crypto::sign::thread_context(&sent.report_id),
        &body,
    );
    let forged = loket_crypto::seal(
        &mut rand::rng(),
        &[reporter.keys.identity.recipient()],
        &signed,
    )
    .unwrap();
    app.store
        .insert_message(
            &sent.report_id.as_str().into(),
            Some(&ccp_id.as_str().into()),
            forged.clone(),
            0,
            None,
        )
        .await
        .unwrap();

    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    assert_eq!(thread.messages.len(), 2);
    let shown: Vec<Option<String>> = thread
        .messages
        .iter()
        .map(|m| {
            open_message(
                &reporter.keys.identity,
                &dir,
                &mine,
                &thread.report_id,
                &m.author,
                &m.envelope,
            )
        })
        .collect();
    assert_eq!(shown, [Some("genuine reply".to_owned()), None]);
    app.shutdown().await;
}

/// A directory changed after signing (here: the server adds a key of its own to a role) is
/// refused by every client.
async fn a_directory_changed_by_the_server_is_refused(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let row = app.add_intruder_to_directory().await;
    let (status, json) = app.get(&paths::api(route::DIRECTORY), None).await;
    assert_eq!(status, 200);
    let signed: loket_wire::api::SignedDirectory = serde_json::from_value(json).unwrap();
    assert_eq!(
        loket_client::verify_directory(&signed, &test_org_key()),
        Err(loket_client::ClientError::DirectoryNotSigned)
    );
    // An older signed directory cannot replace a newer one.
    assert!(app.store.save_signed_directory(&row).await.is_err());
    app.shutdown().await;
}

/// The reporter withdraws the report with the code: it and its messages are gone at once, and
/// the code then gets the same answer as any wrong code.
async fn withdrawal_deletes_the_report_at_once(app: TestApp) {
    let (ccp_id, ccp) = app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter
        .submit(&app, &dir, "I want to take this back")
        .await;
    let other = Reporter::new(&dir, &["ccp"]);
    other.submit(&app, &dir, "this one stays").await;
    let token = team_login(&app, &ccp_id, &ccp).await;
    let (_, json) = reporter.read_thread(&app).await;
    let thread: Thread = serde_json::from_value(json).unwrap();
    let mine = open_report(&reporter.keys.identity, &thread.envelope).unwrap();
    let reply = seal_reply(&dir, &mine, &sent.report_id, &ccp, "we read it");
    let (status, _) = app.reply(&token, &sent.report_id, reply).await;
    assert_eq!(status, 201);

    // A wrong code withdraws nothing, though the answer looks the same.
    let stranger = Reporter::new(&dir, &["ccp"]);
    let (status, json) = app.withdraw(stranger.token()).await;
    assert_eq!(status, 200, "{json}");
    assert_ne!(json["report_id"], sent.report_id.as_str());
    assert_eq!(
        app.store
            .inbox(&ccp_id.as_str().into(), None, 200)
            .await
            .unwrap()
            .0
            .len(),
        2
    );

    let (status, json) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(json["report_id"], sent.report_id.as_str());

    // The code now gets a decoy, like any wrong code: it cannot be opened.
    let (status, json) = reporter.read_thread(&app).await;
    assert_eq!(status, 200);
    let decoy: Thread = serde_json::from_value(json).unwrap();
    assert_ne!(decoy.report_id, sent.report_id);
    assert!(open_report(&reporter.keys.identity, &decoy.envelope).is_none());
    let (status, _) = app.team_report(&token, &sent.report_id).await;
    assert_eq!(status, 404);
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert_eq!(inbox.reports.len(), 1, "the other report stays");
    assert_ne!(inbox.reports[0].report_id, sent.report_id);
    // A second withdrawal finds nothing, and says what it says for any wrong code.
    let (status, json) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200);
    assert_eq!(json["report_id"], decoy.report_id.as_str());
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    step_1_directory_lists_roles_and_members,
    step_2_to_4_full_thread,
    wrong_codes_get_decoys_like_real_threads,
    bad_input_gets_clear_errors,
    members_see_only_their_roles,
    tampered_ciphertext_is_refused,
    responses_carry_security_headers,
    a_reply_forged_by_the_server_is_refused,
    a_directory_changed_by_the_server_is_refused,
    withdrawal_deletes_the_report_at_once,
);

/// Withdrawal deletes for real: the ciphertext's bytes are in the SQLite files before, and in
/// none of them (database, write-ahead log) after.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawn_ciphertext_is_gone_from_the_sqlite_files() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let envelope = reporter.seal_report(&dir, "a report to withdraw");
    let (status, _) = app
        .submit(&SubmitReport {
            lookup_token: reporter.token(),
            roles: reporter.roles.clone(),
            envelope: envelope.clone(),
            pow: None,
            excluded: Vec::new(),
            statistics: None,
        })
        .await;
    assert_eq!(status, 201);
    let read_all = || {
        let mut bytes = Vec::new();
        for f in app.sqlite_files() {
            bytes.extend(std::fs::read(&f).unwrap_or_default());
        }
        bytes
    };
    // Pieces from the stanzas, the MAC and the payload.
    let pieces: Vec<&[u8]> = [10usize, 200, 1000, envelope.0.len() - 40]
        .iter()
        .map(|&at| &envelope.0[at..at + 32])
        .collect();
    let before = read_all();
    for piece in &pieces {
        assert!(contains(&before, piece), "the ciphertext is stored");
    }
    let (status, _) = app.withdraw(reporter.token()).await;
    assert_eq!(status, 200);
    let after = read_all();
    assert!(after.len() > 4096, "the database files were read");
    for piece in &pieces {
        assert!(
            !contains(&after, piece),
            "ciphertext left in the database files"
        );
    }
    assert!(!contains(
        &after,
        &sha2_check::digest(reporter.keys.lookup_token.as_slice())
    ));
    app.shutdown().await;
}

/// The SQLite file holds ciphertext only: no plaintext, no lookup token, no code.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_file_holds_no_plaintext_or_token() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let text = "Unmistakable plaintext marker 7f3a: the lab manager threatened me.";
    reporter.submit(&app, &dir, text).await;
    let mut bytes = Vec::new();
    for f in app.sqlite_files() {
        bytes.extend(std::fs::read(&f).unwrap_or_default());
    }
    assert!(bytes.len() > 4096, "the database files were read");
    for window in text.as_bytes().windows(12) {
        assert!(!contains(&bytes, window), "plaintext found in the database");
    }
    assert!(
        !contains(&bytes, reporter.keys.lookup_token.as_slice()),
        "lookup token found in the database"
    );
    assert!(!contains(&bytes, reporter.code.display().as_bytes()));
    use sha2_check::digest;
    assert!(
        contains(&bytes, &digest(reporter.keys.lookup_token.as_slice())),
        "the token's SHA-256 is what is stored"
    );
    app.shutdown().await;
}

mod sha2_check {
    pub fn digest(bytes: &[u8]) -> [u8; 32] {
        use sha2::Digest;
        sha2::Sha256::digest(bytes).into()
    }
}

/// The portal that `scripts/test.sh` builds is pinned to `tests/fixtures/organisation.pub`;
/// it must be the public half of the key every test instance signs its directory with.
#[test]
fn the_test_portal_is_pinned_to_the_test_organisation_key() {
    let pinned = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/organisation.pub"
    ))
    .unwrap();
    assert_eq!(pinned.trim(), test_org_key().encode());
}
