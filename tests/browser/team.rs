//! The team's app as `loket-team serve` runs it (team-cli/src/serve.rs): it locks itself after
//! the idle time it was given on the member's machine (`/settings.json`), as the lock button
//! does (portal/src/team/actions.rs), says why, and asks for the key file again.

use std::time::Duration;

use fantoccini::Locator;
use loket_e2e::browser::{browser, capture_errors, click, type_into, wait_for, wait_msg};
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
