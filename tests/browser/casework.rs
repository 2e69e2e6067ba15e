//! The team's casework in the team's app, served by `loket-team serve` (issue 12): a case
//! record taken through every status and stage, versioned, and reopened; the inbox's unread
//! marker, deadlines, status and filters; a telephone contact registered as a case; the
//! retention rules, with the purge's clock moved, and the inbox's warning a month ahead. Two
//! members of different roles: the other role's member sees none of the first role's cases.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use fantoccini::{Client, Locator};
use loket_e2e::browser::{
    browser, click, select, set_value, type_into, unlock_team_app, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;
use loket_wire::api::Inbox;

const DAY: i64 = 86_400;

async fn unlock(c: &Client, team: &TeamApp, key: &loket_crypto::MemberSecretKey) {
    unlock_team_app(c, team, key).await;
}

async fn save_case(c: &Client, version: u32) {
    click(c, "#save-case").await;
    wait_msg(c, "case-saved").await;
    wait_for(c, &format!("#case-record[data-version='{version}']")).await;
}

async fn count(c: &Client, css: &str) -> usize {
    c.find_all(Locator::Css(css)).await.unwrap().len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_record_through_every_stage_and_a_registered_phone_contact() {
    let app = TestApp::sqlite().await;
    let (_, key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (ombuds, ombuds_key) = app.add_member("Olivia (Ombuds)", &["ombudsperson"]).await;
    app.publish().await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "my manager shouts at me").await;
    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;
    unlock(c, &team, &key).await;

    // The inbox: unread, new, and the first response and acknowledgement due.
    let row = format!(".inbox-item[data-report='{}']", sent.report_id);
    wait_for(c, &format!("{row}.unread[data-status='new']")).await;
    wait_for(c, &format!("{row} [data-deadline='first-response']")).await;
    wait_for(c, &format!("{row} [data-deadline='acknowledgement']")).await;
    click(c, &row).await;
    wait_for(c, "#case-new").await;
    wait_for(c, "#case-deletes[data-deletes='dated']").await;

    // In progress, informal procedure, advice and a referral to the company doctor.
    select(c, "#case-status", "in_progress").await;
    select(c, "#case-stage", "informal").await;
    click(c, "#case-handling-advice").await;
    click(c, "#case-handling-referral").await;
    click(c, "#case-referred-company_doctor").await;
    click(c, "#case-what-bullying").await;
    type_into(c, "#case-conversations", "2").await;
    type_into(c, "#case-notes", "first talk went well").await;
    save_case(c, 1).await;
    wait_for(c, &format!("{row}[data-status='in_progress']")).await;
    wait_for(c, &format!("{row} [data-deadline='informal']")).await;
    // Opened once, no longer unread.
    assert_eq!(count(c, &format!("{row}.unread")).await, 0);

    // The reporter moves to a formal complaint: held until the decision is recorded.
    select(c, "#case-stage", "formal").await;
    save_case(c, 2).await;
    wait_for(c, "#case-deletes[data-deletes='held']").await;
    // The committee decides; the case is closed and dated five years after the decision.
    set_value(c, "#case-decision-date", "2026-11-20").await;
    select(c, "#case-decision-outcome", "partly_founded").await;
    select(c, "#case-status", "closed").await;
    save_case(c, 3).await;
    wait_text(
        c,
        "#case-deletes[data-deletes='dated']",
        "the deletion date",
        |t| t.contains("2031-11-2"),
    )
    .await;
    wait_for(c, &format!("{row}[data-status='closed']")).await;
    assert_eq!(
        count(c, &format!("{row} [data-deadline]")).await,
        0,
        "a closed case has no deadlines"
    );
    // Reopened: every version stays readable, newest first.
    select(c, "#case-status", "in_progress").await;
    save_case(c, 4).await;
    assert_eq!(
        count(c, "#case-versions .case-version[data-readable='true']").await,
        4
    );
    let versions = wait_for(c, "#case-versions").await.text().await.unwrap();
    assert!(versions.contains("first talk went well"), "{versions}");
    assert!(versions.contains("Version 4, by Casey (CCP)"), "{versions}");

    // A telephone contact, registered as a case of the member's role.
    click(c, "#open-contact").await;
    select(c, "#contact-channel", "phone").await;
    set_value(c, "#contact-on", "2026-11-27").await;
    click(c, "#contact-what-intimidation").await;
    type_into(
        c,
        "#contact-text",
        "a PhD candidate called about their supervisor",
    )
    .await;
    click(c, "#register-contact").await;
    wait_msg(c, "contact-registered").await;
    wait_text(c, "#report-view", "the contact", |t| {
        t.contains("a PhD candidate called") && t.contains("Telephone, 2026-11-27")
    })
    .await;
    wait_for(c, "#case-record[data-version='1']").await;
    wait_for(c, ".inbox-item .badge.registered").await;

    // Filters, after decryption: by status, by what happened.
    select(c, "#filter-status", "closed").await;
    wait_for(c, "#filtered-none").await;
    select(c, "#filter-status", "").await;
    select(c, "#filter-what", "intimidation").await;
    wait_for(c, ".inbox-item .badge.registered").await;
    assert_eq!(count(c, ".inbox-item").await, 1);
    select(c, "#filter-what", "bullying").await;
    wait_for(c, &row).await;
    assert_eq!(count(c, ".inbox-item").await, 1);

    // The other role's member sees neither case.
    let other = team_login(&app, &ombuds, &ombuds_key).await;
    let (_, json) = app.inbox(&other).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert!(inbox.reports.is_empty(), "{inbox:?}");
    // And the server stored nothing of what the member wrote.
    for file in app.sqlite_files() {
        let bytes = std::fs::read(file).unwrap();
        assert!(!contains(&bytes, b"first talk went well"));
        assert!(!contains(&bytes, b"supervisor"));
    }
    b.client.close().await.unwrap();
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_warns_a_month_ahead_and_deletes_as_the_regulation_says() {
    let app = TestApp::sqlite().await;
    let (_, key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    app.publish().await;
    let dir = app.directory().await;
    let melding = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "an old melding")
        .await;
    let formal = Reporter::new(&dir, &["ccp"])
        .submit(&app, &dir, "a formal complaint")
        .await;
    // The melding's last activity was 23 months ago (as if the clock had moved on).
    let now = loket_server::clock::to_hour(loket_server::clock::now());
    let pool = sqlx::SqlitePool::connect(&app.database_url())
        .await
        .unwrap();
    sqlx::query("UPDATE reports SET last_activity_at = ?1, received_at = ?1 WHERE id = ?2")
        .bind(now - 710 * DAY)
        .bind(&melding.report_id)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;
    unlock(c, &team, &key).await;
    // The inbox warns a month ahead: the melding goes within a month, the other does not.
    let melding_row = format!(".inbox-item[data-report='{}']", melding.report_id);
    let formal_row = format!(".inbox-item[data-report='{}']", formal.report_id);
    let warning = wait_for(c, &format!("{melding_row} .deletes-soon")).await;
    // Coloured as a deadline near its end (portal/static/style.css: `--warn-bg`).
    assert_eq!(
        warning.css_value("background-color").await.unwrap(),
        "rgba(255, 246, 224, 1)"
    );
    wait_for(c, &formal_row).await;
    assert_eq!(count(c, &format!("{formal_row} .deletes-soon")).await, 0);
    // The formal complaint is recorded, with a decision five years and a day ago.
    click(c, &formal_row).await;
    select(c, "#case-stage", "formal").await;
    save_case(c, 1).await;
    wait_for(c, "#case-deletes[data-deletes='held']").await;
    let long_ago = "2021-11-28";
    set_value(c, "#case-decision-date", long_ago).await;
    save_case(c, 2).await;
    wait_for(c, "#case-deletes[data-deletes='soon']").await;

    // The purge at the time it would run in 21 days: the melding is two years without
    // activity, the complaint five years past its decision: both go.
    let at = now + 21 * DAY;
    let purged = app.store.purge(at, at - 730 * DAY, 0).await.unwrap();
    assert_eq!(purged.reports, 2);
    // (A purge at that time also ends every session that would have expired by then: the
    // member signs in again.)
    unlock(c, &team, &key).await;
    wait_for(c, ".inbox p.muted").await;
    assert_eq!(count(c, ".inbox-item").await, 0);
    b.client.close().await.unwrap();
    app.shutdown().await;
}
