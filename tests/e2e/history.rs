//! The chain of signed directories (crypto/SPEC.md §12.6): each directory names the SHA-256 of
//! the one before, the server keeps them all (`GET /api/v1/directory/history`), and a client
//! that checks the chain against the organisation key and the current directory verifies a
//! removed member's messages against the directory that listed them — for the reporter and the
//! team alike — and marks them as a former member's. A directory signed with another link is
//! not published.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use loket_client::history::verify_history;
use loket_client::{open_own_thread, open_thread};
use loket_server::directory::{DirectoryError, prepare, publish_signed};
use loket_wire::B64;
use loket_wire::api::{DirectoryHistory, SignedDirectory, TeamReport, Thread};
use loket_wire::paths::{self, route};

use loket_e2e::*;

async fn history(app: &TestApp) -> DirectoryHistory {
    let (status, json) = app.get(&paths::api(route::DIRECTORY_HISTORY), None).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value(json).unwrap()
}

async fn a_former_members_reply_still_verifies_through_the_chain(app: TestApp) {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia", &["ccp"]).await;
    let dir = app.directory().await;
    let reporter = Reporter::new(&dir, &["ccp"]);
    let sent = reporter.submit(&app, &dir, "my manager shouts at me").await;
    let mine = open_report(&reporter.keys.identity, &reporter.seal_report(&dir, "x")).unwrap();
    let olivia_token = team_login(&app, &olivia, &olivia_key).await;
    let reply = seal_reply(&dir, &mine, &sent.report_id, &olivia_key, "we can help");
    assert_eq!(
        app.reply(&olivia_token, &sent.report_id, reply).await.0,
        201
    );

    // Olivia leaves: the current directory no longer lists her.
    app.store
        .remove_member(&olivia.clone().into())
        .await
        .unwrap();
    app.publish().await;
    let mut now = app.directory().await;
    assert!(now.members.iter().all(|m| m.id != olivia));
    let chain = history(&app).await;
    assert!(chain.directories.len() >= 3);

    let (status, json) = reporter.read_thread(&app).await;
    assert_eq!(status, 200, "{json}");
    let thread: Thread = serde_json::from_value(json).unwrap();
    let reporter_sees = |dir: &loket_wire::api::Directory| {
        open_own_thread(
            &reporter.keys,
            dir,
            &thread.report_id,
            &thread.envelope,
            &thread.messages,
        )
        .unwrap()
        .messages
        .remove(0)
    };
    // Against the current directory alone her reply cannot be verified ...
    assert!(reporter_sees(&now).body.is_none());
    // ... with the verified chain it is hers, from a former member.
    now.former = verify_history(&chain, &now, &test_org_key()).unwrap();
    assert_eq!(now.former.len(), 1);
    assert_eq!(now.former[0].member.id, olivia);
    let seen = reporter_sees(&now);
    assert_eq!(
        seen.body.as_deref().map(String::as_str),
        Some("we can help")
    );
    assert!(seen.former);

    // The team sees the same.
    let casey_token = team_login(&app, &casey, &casey_key).await;
    let (status, json) = app.team_report(&casey_token, &sent.report_id).await;
    assert_eq!(status, 200, "{json}");
    let report: TeamReport = serde_json::from_value(json).unwrap();
    let team_sees = open_thread(
        casey_key.identity(),
        &now,
        &sent.report_id,
        &report.envelope,
        &report.messages,
    )
    .unwrap();
    assert!(team_sees.messages[0].former);
    assert!(team_sees.messages[0].body.is_some());

    // A chain the server cut or changed is refused as a whole.
    let mut cut = chain.clone();
    cut.directories.remove(1);
    assert!(verify_history(&cut, &now, &test_org_key()).is_err());
    app.shutdown().await;
}

async fn a_directory_that_does_not_follow_the_published_one_is_refused(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    let now = loket_server::clock::now();
    let prepared = prepare(&app.store, now, 30).await.unwrap();
    let published = app.store.signed_directory().await.unwrap().unwrap();
    assert_eq!(
        prepared.directory.previous.as_ref().map(|p| p.0.clone()),
        Some(sha256(&published.body).to_vec())
    );
    let mut wrong = prepared.directory.clone();
    wrong.previous = Some(B64(vec![0; 32]));
    let body = serde_json::to_vec(&wrong).unwrap();
    let signed = SignedDirectory {
        signature: B64(test_org().sign(&body).to_vec()),
        body: B64(body),
    };
    let refused = publish_signed(&app.store, &signed, now).await;
    assert!(
        matches!(refused, Err(DirectoryError::Mismatch(_))),
        "{refused:?}"
    );
    // The one that names the published directory is accepted and joins the chain.
    let signed = SignedDirectory {
        signature: B64(test_org().sign(&prepared.body).to_vec()),
        body: B64(prepared.body),
    };
    publish_signed(&app.store, &signed, now).await.unwrap();
    let chain = history(&app).await;
    assert_eq!(chain.directories.last(), Some(&signed));
    let current = app.directory().await;
    assert!(
        verify_history(&chain, &current, &test_org_key())
            .unwrap()
            .is_empty()
    );
    app.shutdown().await;
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

loket_e2e::on_both_backends!(
    a_former_members_reply_still_verifies_through_the_chain,
    a_directory_that_does_not_follow_the_published_one_is_refused,
);
