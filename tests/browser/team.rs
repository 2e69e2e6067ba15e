//! The team's app as `loket-team serve` runs it (team-cli/src/serve.rs): it locks itself after
//! the idle time it was given on the member's machine (`/settings.json`), as the lock button
//! does (portal/src/team/actions.rs), says why, and asks for the key file again. A member who
//! joined later reads the role's earlier cases once a current member unlocks the app, which
//! hands them over on its own (portal/src/team/handover.rs, crypto/SPEC.md §9.11).

use std::time::Duration;

use fantoccini::Locator;
use loket_e2e::browser::{
    browser, capture_errors, click, type_into, unlock_team_app, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_teams_app_locks_itself_after_the_idle_time() {
    let app = TestApp::sqlite().await;
    let (_, key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    app.publish().await;
    let idle = loket_team::serve::Settings {
        idle_lock: Duration::from_secs(3),
    };
    let team = app.team_app_with(idle).await;
    let settings: serde_json::Value = app
        .http
        .get(team.url("/settings.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["idle_lock_seconds"], 3);

    let passphrase = "a long demo passphrase";
    let b = browser().await;
    let c = &b.client;
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    type_into(c, "#key-file", &test_key_file(&key, passphrase)).await;
    type_into(c, "#passphrase", passphrase).await;
    click(c, "#unlock").await;
    wait_for(c, "#lock").await;
    // Nobody touches it: it locks, says why, and asks for the key file again.
    let said = wait_msg(c, "idle-locked").await;
    assert!(said.contains("without use"), "{said}");
    wait_for(c, "#key-file").await;
    assert!(
        c.find(Locator::Css("#lock")).await.is_err(),
        "still unlocked"
    );
    b.client.close().await.unwrap();
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_who_joins_later_reads_the_roles_cases_after_a_colleague_unlocks() {
    let app = TestApp::sqlite().await;
    let (casey_id, casey) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let dir = app.directory().await;
    let mut sent = Vec::new();
    for i in 0..10 {
        let reporter = Reporter::new(&dir, &["ccp"]);
        let text = format!("earlier report {i}");
        sent.push((reporter.submit(&app, &dir, &text).await.report_id, text));
    }
    let (_, dana) = app.add_member("Dana (CCP, new)", &["ccp"]).await;
    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;

    // Casey unlocks; her app hands the ten cases to Dana without a step of hers.
    unlock_team_app(c, &team, &casey).await;
    let said = wait_msg(c, "handed-over").await;
    assert!(said.contains("10 cases"), "{said}");
    click(c, "#lock").await;
    wait_for(c, "#key-file").await;

    // Nothing is owed any more.
    let token = team_login(&app, &casey_id, &casey).await;
    let path = loket_wire::paths::api(loket_wire::paths::route::TEAM_HANDOVERS);
    let (status, json) = app.get(&path, Some(&token)).await;
    assert_eq!(status, 200, "{json}");
    assert_eq!(
        json["handovers"].as_array().map(Vec::len),
        Some(0),
        "{json}"
    );

    // Dana unlocks and reads each of them.
    unlock_team_app(c, &team, &dana).await;
    for (id, text) in &sent {
        let row = format!(".inbox-item[data-report='{id}']");
        wait_for(c, &row).await;
        click(c, &row).await;
        wait_text(c, "#report-view", "the earlier report", |t| {
            t.contains(text.as_str())
        })
        .await;
    }
    b.client.close().await.unwrap();
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_former_members_reply_shows_as_theirs_for_the_reporter_and_the_team() {
    let app = TestApp::sqlite().await;
    let (_, casey) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (olivia_id, olivia) = app.add_member("Olivia (CCP, left)", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "my manager shouts at me").await;
    let mine = open_report(&reporter.keys.identity, &reporter.seal_report(&dir, "x")).unwrap();
    let token = team_login(&app, &olivia_id, &olivia).await;
    let reply = seal_reply(
        &dir,
        &mine,
        &sent.report_id,
        &olivia,
        "Reply 4d1e: we can help",
    );
    assert_eq!(app.reply(&token, &sent.report_id, reply).await.0, 201);
    app.store.remove_member(&olivia_id.into()).await.unwrap();
    app.publish().await;

    // The reporter's follow-up verifies it through the chain of directories.
    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    click(c, "#nav-followup").await;
    type_into(c, "#code-input", reporter.code.display().as_ref()).await;
    click(c, "#open-thread").await;
    let former = "#thread article[data-former='true']";
    let seen = wait_text(c, former, "the former member's reply", |t| {
        t.contains("Reply 4d1e")
    })
    .await;
    assert!(seen.contains("from a former team member"), "{seen}");
    assert!(
        c.find(Locator::Css("#thread .undecryptable"))
            .await
            .is_err()
    );

    // So does the team's app, with her name.
    let team = app.team_app().await;
    unlock_team_app(c, &team, &casey).await;
    click(c, &format!(".inbox-item[data-report='{}']", sent.report_id)).await;
    let former = "#report-view article[data-former='true']";
    let seen = wait_text(c, former, "the former member's reply", |t| {
        t.contains("Reply 4d1e")
    })
    .await;
    assert!(
        seen.contains("Olivia") && seen.contains("from a former team member"),
        "{seen}"
    );
    b.client.close().await.unwrap();
    app.shutdown().await;
}
