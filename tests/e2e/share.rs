//! Referral with consent on the server (crypto/SPEC.md §9.8, docs/api.md "Referral with
//! consent"): a member asks in the thread, the reporter grants or refuses. A grant replaces the
//! report's and the messages' envelopes, routes the new role (or the one member named) and
//! appends the reporter's answer in one transaction; the new readers then read the report and
//! every message, each still signed by its author. A refusal, or a share the server refuses,
//! changes nothing.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::share::{Grant, grant_share, seal_share_refusal, seal_share_request};
use loket_client::{open_own_thread, open_thread};
use loket_crypto::MemberSecretKey;
use loket_wire::api::{Directory, Inbox, PostShare, ResealedMessage, TeamReport, Thread};
use loket_wire::content::{Share, ShareTo};
use loket_wire::paths::{self, route};
use loket_wire::{B64, ErrorCode};

use loket_e2e::*;

/// A report to the CCP with the reporter's answer, the CCP's reply and its request to involve
/// the ombudsperson: the members' ids, keys and session, and the reporter.
struct Case {
    dir: Directory,
    reporter: Reporter,
    report_id: String,
    casey: (String, MemberSecretKey, String),
    olivia: (String, MemberSecretKey, String),
}

async fn case(app: &TestApp) -> Case {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter
        .submit(app, &dir, "the head of unit threatens me")
        .await;
    let mine = open_report(
        &reporter.keys.identity,
        &thread(app, &reporter).await.envelope,
    )
    .unwrap();
    let answer = reporter.seal_answer(&dir, &mine, &sent.report_id, "it happened again");
    assert_eq!(app.answer(reporter.token(), answer).await.0, 201);
    let casey_token = team_login(app, &casey, &casey_key).await;
    let reply = seal_reply(&dir, &mine, &sent.report_id, &casey_key, "we can help");
    assert_eq!(app.reply(&casey_token, &sent.report_id, reply).await.0, 201);
    let ask = seal_share_request(
        &mut rand::rng(),
        &dir,
        &mine,
        &sent.report_id,
        &casey_key,
        "May the ombudsperson read along?",
        &ombuds(),
    )
    .unwrap();
    assert_eq!(app.reply(&casey_token, &sent.report_id, ask).await.0, 201);
    let olivia_token = team_login(app, &olivia, &olivia_key).await;
    Case {
        dir,
        reporter,
        report_id: sent.report_id,
        casey: (casey, casey_key, casey_token),
        olivia: (olivia, olivia_key, olivia_token),
    }
}

async fn thread(app: &TestApp, reporter: &Reporter) -> Thread {
    let (status, json) = reporter.read_thread(app).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

async fn inbox_len(app: &TestApp, token: &str) -> usize {
    let (status, json) = app.inbox(token).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value::<Inbox>(json).unwrap().reports.len()
}

fn ombuds() -> ShareTo {
    ShareTo::Role("ombudsperson".into())
}

fn grant(c: &Case, thread: &Thread, to: &ShareTo) -> Grant {
    grant_share(
        &mut rand::rng(),
        &c.dir,
        &c.reporter.keys,
        &thread.report_id,
        &thread.envelope,
        &thread.messages,
        "Yes, the ombudsperson may read it.",
        to,
    )
    .unwrap()
}

async fn post_share(
    app: &TestApp,
    token: B64,
    to: ShareTo,
    grant: &Grant,
    messages: Vec<ResealedMessage>,
) -> (u16, serde_json::Value) {
    let body = PostShare {
        lookup_token: token,
        to,
        envelope: grant.envelope.clone(),
        messages,
        answer: grant.answer.clone(),
        pow: None,
    };
    app.post(&paths::api(route::THREAD_SHARE), &body, None)
        .await
}

async fn a_granted_share_lets_the_other_role_read_the_whole_thread(app: TestApp) {
    let c = case(&app).await;
    let (olivia, olivia_key, olivia_token) = &c.olivia;
    let (casey, casey_key, casey_token) = &c.casey;
    assert_eq!(inbox_len(&app, olivia_token).await, 0);
    let before = thread(&app, &c.reporter).await;
    let mine = open_own_thread(
        &c.reporter.keys,
        &c.dir,
        &before.report_id,
        &before.envelope,
        &before.messages,
    )
    .unwrap();
    assert_eq!(mine.open_share_requests(), [ombuds()]);

    let g = grant(&c, &before, &ombuds());
    let (status, json) =
        post_share(&app, c.reporter.token(), ombuds(), &g, g.messages.clone()).await;
    assert_eq!(status, 201, "{json}");

    // Olivia now lists the case, with both roles, and reads everything, each message still
    // verified as its author's; Casey still reads it too.
    let (_, json) = app.inbox(olivia_token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert_eq!(inbox.reports.len(), 1);
    assert_eq!(inbox.reports[0].roles, ["ccp", "ombudsperson"]);
    for (member, key, token) in [
        (olivia, olivia_key, olivia_token),
        (casey, casey_key, casey_token),
    ] {
        let (status, json) = app.team_report(token, &c.report_id).await;
        assert_eq!(status, 200, "{member}: {json}");
        let report: TeamReport = serde_json::from_value(json).unwrap();
        let seen = open_thread(
            key.identity(),
            &c.dir,
            &c.report_id,
            &report.envelope,
            &report.messages,
        )
        .unwrap();
        assert_eq!(seen.report.text, "the head of unit threatens me");
        assert_eq!(seen.report.roles, ["ccp", "ombudsperson"]);
        let texts: Vec<_> = seen
            .messages
            .iter()
            .map(|m| m.body.as_deref().map(String::as_str))
            .collect();
        assert_eq!(
            texts,
            [
                Some("it happened again"),
                Some("we can help"),
                Some("May the ombudsperson read along?"),
                Some("Yes, the ombudsperson may read it.")
            ]
        );
        assert_eq!(seen.messages[3].share, Some(Share::Grant { to: ombuds() }));
        assert!(seen.open_share_requests().is_empty());
    }
    // The reporter's thread still opens, with the answer; granting the role again is a
    // conflict that changes nothing.
    let after = thread(&app, &c.reporter).await;
    assert_eq!(after.messages.len(), 4);
    let (status, json) =
        post_share(&app, c.reporter.token(), ombuds(), &g, g.messages.clone()).await;
    assert_eq!((status, error_code(&json)), (409, ErrorCode::Conflict));
    assert_eq!(thread(&app, &c.reporter).await, after);
    app.shutdown().await;
}

async fn a_refusal_or_a_refused_share_changes_nothing(app: TestApp) {
    let c = case(&app).await;
    let (_, olivia_key, olivia_token) = &c.olivia;
    let before = thread(&app, &c.reporter).await;
    let mine = open_own_thread(
        &c.reporter.keys,
        &c.dir,
        &before.report_id,
        &before.envelope,
        &before.messages,
    )
    .unwrap();
    let g = grant(&c, &before, &ombuds());

    // What the server refuses leaves the thread as it was: an unknown role, a message of
    // another thread, the same message twice. A wrong code is answered as if stored.
    let (status, json) = post_share(
        &app,
        c.reporter.token(),
        ShareTo::Role("nobody".into()),
        &g,
        Vec::new(),
    )
    .await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::UnknownRole));
    let stranger = Reporter::new(&c.dir, &["ccp"]);
    let (status, json) = post_share(
        &app,
        stranger.token(),
        ShareTo::Role("nobody".into()),
        &g,
        Vec::new(),
    )
    .await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::UnknownRole));
    let mut foreign = g.messages.clone();
    foreign[0].id = foreign[0].id.wrapping_add(1);
    let (status, json) = post_share(&app, c.reporter.token(), ombuds(), &g, foreign).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let mut twice = g.messages.clone();
    twice.push(twice[0].clone());
    let (status, json) = post_share(&app, c.reporter.token(), ombuds(), &g, twice).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let (status, json) = post_share(&app, stranger.token(), ombuds(), &g, g.messages.clone()).await;
    assert_eq!(status, 201, "{json}");
    assert_eq!(thread(&app, &c.reporter).await, before);
    assert_eq!(inbox_len(&app, olivia_token).await, 0);

    // The reporter refuses: an answer like any other; the request is closed, nobody is added.
    let no = seal_share_refusal(
        &mut rand::rng(),
        &c.dir,
        &mine.report,
        &before.report_id,
        &c.reporter.keys,
        "No, please keep it with the CCP.",
        &ombuds(),
    )
    .unwrap();
    assert_eq!(app.answer(c.reporter.token(), no).await.0, 201);
    let after = thread(&app, &c.reporter).await;
    assert_eq!(after.envelope, before.envelope);
    let mine = open_own_thread(
        &c.reporter.keys,
        &c.dir,
        &after.report_id,
        &after.envelope,
        &after.messages,
    )
    .unwrap();
    assert!(mine.open_share_requests().is_empty());
    assert_eq!(inbox_len(&app, olivia_token).await, 0);
    let (status, _) = app.team_report(olivia_token, &c.report_id).await;
    assert_eq!(status, 404);
    assert!(open_report(olivia_key.identity(), &after.envelope).is_none());
    app.shutdown().await;
}

/// A share to one member by name: she reads the case; the other members of her role do not.
async fn a_member_named_in_a_share_reads_it_and_her_role_does_not(app: TestApp) {
    let c = case(&app).await;
    let (pat, pat_key) = app.add_member("Pat (PhD adviser)", &["ombudsperson"]).await;
    let dir = app.directory().await;
    let (_, olivia_key, olivia_token) = &c.olivia;
    let before = thread(&app, &c.reporter).await;
    let to = ShareTo::Member(pat.clone());
    let g = grant_share(
        &mut rand::rng(),
        &dir,
        &c.reporter.keys,
        &before.report_id,
        &before.envelope,
        &before.messages,
        "Only Pat, please.",
        &to,
    )
    .unwrap();
    // An unknown member is refused whatever the code.
    let nobody = ShareTo::Member("0000000000000000".into());
    let (status, json) = post_share(&app, c.reporter.token(), nobody, &g, Vec::new()).await;
    assert_eq!((status, error_code(&json)), (422, ErrorCode::InvalidField));
    let (status, json) =
        post_share(&app, c.reporter.token(), to.clone(), &g, g.messages.clone()).await;
    assert_eq!(status, 201, "{json}");
    // A member who reads it already cannot be added again.
    let (status, json) = post_share(&app, c.reporter.token(), to, &g, Vec::new()).await;
    assert_eq!((status, error_code(&json)), (409, ErrorCode::Conflict));
    let casey = ShareTo::Member(c.casey.0.clone());
    let (status, json) = post_share(&app, c.reporter.token(), casey, &g, Vec::new()).await;
    assert_eq!((status, error_code(&json)), (409, ErrorCode::Conflict));

    let pat_token = team_login(&app, &pat, &pat_key).await;
    let (status, json) = app.team_report(&pat_token, &c.report_id).await;
    assert_eq!(status, 200, "{json}");
    let report: TeamReport = serde_json::from_value(json).unwrap();
    let seen = open_thread(
        pat_key.identity(),
        &dir,
        &c.report_id,
        &report.envelope,
        &report.messages,
    )
    .unwrap();
    assert_eq!(seen.report.members, [pat]);
    assert_eq!(seen.report.roles, ["ccp"]);
    assert!(seen.messages.iter().all(|m| m.body.is_some()));
    // Olivia holds the same role but was not named: she neither lists nor opens it.
    assert_eq!(inbox_len(&app, olivia_token).await, 0);
    assert!(open_report(olivia_key.identity(), &report.envelope).is_none());
    app.shutdown().await;
}

loket_e2e::on_both_backends!(
    a_granted_share_lets_the_other_role_read_the_whole_thread,
    a_refusal_or_a_refused_share_changes_nothing,
    a_member_named_in_a_share_reads_it_and_her_role_does_not,
);
