//! Referral with consent (crypto/SPEC.md §9.8) and spam, in the real apps with two members of
//! different roles: the CCP's member asks, in the team's app served by `loket-team serve`, to
//! involve the ombudsperson; the reporter refuses in follow-up, then, asked again, grants; the
//! ombudsperson's member then reads the report and the whole thread in her app, and what the
//! reporter writes afterwards. Spam: only a member of the report's role may mark and delete
//! it, and both acts are audited.

use fantoccini::{Client, Locator};
use loket_e2e::browser::{
    browser, capture_errors, click, type_into, unlock_team_app, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;
use loket_wire::api::{Inbox, MarkSpam, TeamReport};
use loket_wire::paths::{self, route};

async fn unlock(c: &Client, team: &TeamApp, key: &loket_crypto::MemberSecretKey) {
    unlock_team_app(c, team, key).await;
}

/// The reporter opens their thread in follow-up with `code`.
async fn follow_up(c: &Client, app: &TestApp, code: &str) {
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    click(c, "#nav-followup").await;
    type_into(c, "#code-input", code).await;
    click(c, "#open-thread").await;
    wait_for(c, "#thread").await;
}

/// The member asks, in the open case, to involve the ombudsperson.
async fn ask(c: &Client, why: &str) {
    click(c, "#share summary").await;
    type_into(c, "#share-text", why).await;
    click(c, "#share-ask").await;
    wait_msg(c, "share-asked").await;
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

async fn inbox_len(app: &TestApp, token: &str) -> usize {
    let (_, json) = app.inbox(token).await;
    serde_json::from_value::<Inbox>(json).unwrap().reports.len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_referral_refused_then_granted_in_chromium() {
    let app = TestApp::sqlite().await;
    let (_, casey_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia (Ombuds)", &["ombudsperson"]).await;
    app.publish().await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter
        .submit(&app, &dir, "Report 7f3a: the head of unit threatens me")
        .await;
    let code = reporter.code.display().to_string();
    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;
    let row = format!(".inbox-item[data-report='{}']", sent.report_id);

    // The CCP's member asks. The ombudsperson's role or Olivia by name can be asked; the other
    // roles have nobody, and Casey reads the report already.
    unlock(c, &team, &casey_key).await;
    click(c, &row).await;
    wait_for(c, "#share-role option[value='ombudsperson']").await;
    wait_for(c, &format!("#share-role option[value='member-{olivia}']")).await;
    assert_eq!(count(c, "#share-role option").await, 2);
    ask(c, "Ask 21c4: may the ombudsperson read along?").await;
    wait_for(c, "#report-view .note[data-share='ask:ombudsperson']").await;

    // The reporter sees the request, and refuses: nothing is shared.
    follow_up(c, &app, &code).await;
    wait_text(c, "#share-request-ombudsperson", "the request", |t| {
        t.contains("The team asks your consent")
    })
    .await;
    let thread = wait_for(c, "#thread").await.text().await.unwrap();
    assert!(thread.contains("Ask 21c4"), "{thread}");
    click(c, "#share-refuse-ombudsperson").await;
    wait_msg(c, "share-refused").await;
    wait_for(c, "#thread .note[data-share='refuse:ombudsperson']").await;
    assert_eq!(count(c, ".share-request").await, 0);
    let olivia_token = team_login(&app, &olivia, &olivia_key).await;
    assert_eq!(inbox_len(&app, &olivia_token).await, 0);

    // Asked again, the reporter grants it, and then writes once more.
    unlock(c, &team, &casey_key).await;
    click(c, &row).await;
    wait_for(c, "#report-view .note[data-share='refuse:ombudsperson']").await;
    ask(c, "Ask 9d10: she can help with the formal route").await;
    follow_up(c, &app, &code).await;
    click(c, "#share-grant-ombudsperson").await;
    wait_msg(c, "share-granted").await;
    wait_for(c, "#thread .note[data-share='grant:ombudsperson']").await;
    assert_eq!(count(c, ".share-request").await, 0);
    type_into(c, "#answer-text", "Answer 5be2: written after the grant").await;
    click(c, "#send-answer").await;
    wait_text(c, "#thread", "the answer", |t| t.contains("Answer 5be2")).await;

    // The ombudsperson's member now has the case and reads all of it, each message verified
    // (a message that did not open would show as undecryptable).
    unlock(c, &team, &olivia_key).await;
    click(c, &row).await;
    let seen = wait_text(c, "#report-view", "the shared thread", |t| {
        t.contains("Answer 5be2")
    })
    .await;
    for text in ["Report 7f3a", "Ask 21c4", "Ask 9d10", "Answer 5be2"] {
        assert!(seen.contains(text), "{text} in {seen}");
    }
    assert_eq!(count(c, "#report-view .message.undecryptable").await, 0);
    wait_for(c, "#report-view .note[data-share='grant:ombudsperson']").await;
    // The case's audit trail shows the reporter's share and Casey's acts.
    click(c, "#audit summary").await;
    wait_text(
        c,
        "#audit-trail li[data-action='shared']",
        "the share",
        |t| t.contains("The reporter"),
    )
    .await;
    wait_text(c, "#audit-trail", "Casey's acts", |t| {
        t.contains("Casey (CCP) replied")
    })
    .await;
    // Every role with somebody reads it now: nobody is left to ask.
    click(c, "#share summary").await;
    wait_for(c, "#share-none").await;
    let (_, json) = app.team_report(&olivia_token, &sent.report_id).await;
    let report: TeamReport = serde_json::from_value(json).unwrap();
    assert_eq!(report.roles, ["ccp", "ombudsperson"]);
    for file in app.sqlite_files() {
        let bytes = std::fs::read(file).unwrap();
        for text in [&b"Ask 21c4"[..], b"Answer 5be2", b"Report 7f3a"] {
            assert!(!contains(&bytes, text));
        }
    }
    b.client.close().await.unwrap();
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spam_is_marked_and_deleted_by_a_reader_only_and_audited() {
    let app = TestApp::sqlite().await;
    let (casey, casey_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia (Ombuds)", &["ombudsperson"]).await;
    app.publish().await;
    let dir = app.directory().await;
    let sent = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "buy cheap watches")
        .await;
    let row = format!(".inbox-item[data-report='{}']", sent.report_id);

    // The ombudsperson's member, not a reader, can neither mark nor delete it.
    let olivia_token = team_login(&app, &olivia, &olivia_key).await;
    let mark = paths::fill(route::TEAM_REPORT_SPAM, &[&sent.report_id]);
    let delete = paths::fill(route::TEAM_REPORT_DELETE, &[&sent.report_id]);
    let (status, _) = app
        .post(&mark, &MarkSpam { spam: true }, Some(&olivia_token))
        .await;
    assert_eq!(status, 404);

    // The CCP's member marks it in the app; the inbox shows the mark.
    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;
    unlock(c, &team, &casey_key).await;
    click(c, &row).await;
    click(c, "#mark-spam").await;
    wait_for(c, "#spam-note").await;
    wait_for(c, &format!("{row} span.spam")).await;
    // Still not for the other role's member to delete.
    let (status, _) = app
        .post(&delete, &serde_json::json!({}), Some(&olivia_token))
        .await;
    assert_eq!(status, 404);
    click(c, "#delete-spam").await;
    click(c, "#confirm-delete").await;
    wait_msg(c, "spam-deleted").await;
    assert_eq!(count(c, &row).await, 0);
    let casey_token = team_login(&app, &casey, &casey_key).await;
    assert_eq!(inbox_len(&app, &casey_token).await, 0);
    // The audit log names the member and what they did, nothing of the report's content (acts
    // within one second come in no particular order).
    let id = loket_server::store::ReportId::parse(&sent.report_id).unwrap();
    let mut audit: Vec<_> = app
        .store
        .audit_of(&id)
        .await
        .unwrap()
        .into_iter()
        .filter(|(_, action)| action.starts_with("spam_"))
        .collect();
    audit.sort();
    assert_eq!(
        audit,
        [
            (casey.clone(), "spam_deleted".to_string()),
            (casey.clone(), "spam_marked".to_string())
        ]
    );
    b.client.close().await.unwrap();
    app.shutdown().await;
}
