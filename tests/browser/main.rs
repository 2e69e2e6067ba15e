//! The whole round trip through the real apps in headless Chromium (Debian's chromium and
//! chromedriver): in the reporter's app (`/`) a reporter writes and submits a report; in the
//! team's app (served by `loket-team serve`, another tab) a team member unlocks a key file, reads it and replies;
//! the reporter reads the reply with the follow-up code and answers. Then the SQLite files are
//! searched for any piece of the plaintext. The tests wait on stable hooks (ids, `data-msg` of
//! the status line, `data-*` attributes), not on English prose, except where the text itself is
//! what is tested (the language switch).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assets;

use fantoccini::Locator;
use loket_crypto::FollowUpCode;
use loket_crypto::keyfile::{self, DEFAULT_PARAMS};
use loket_e2e::browser::{
    browser, capture_errors, click, select, type_into, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;

mod access;
mod attachments;
mod casework;
mod intake;
mod share;
mod statistics;
mod team;
mod work;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn round_trip_through_the_portal_in_chromium() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    for (url, what) in [
        (app.url("/loket_reporter_bg.wasm"), "the reporter's app"),
        (team.url("/loket_team_bg.wasm"), "the team's app"),
    ] {
        let wasm = app.http.get(&url).send().await.unwrap();
        assert_eq!(
            wasm.status().as_u16(),
            200,
            "{what} is not built into the server: run scripts/build-portal.sh first"
        );
        assert_eq!(wasm.headers()["content-type"], "application/wasm");
    }

    let (member_id, member_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let passphrase = "a long demo passphrase";
    let key_file =
        keyfile::encrypt(&mut rand::rng(), &member_key, passphrase, DEFAULT_PARAMS).unwrap();

    let report_text =
        "Browser report 51c9: my PhD supervisor keeps belittling me in group meetings.";
    let reply_text = "Team reply 8d02: thank you for reaching out. Would a call this week help?";
    let answer_text = "Reporter answer 3e7b: yes, Thursday afternoon works.";

    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    let reporter_tab = c.window().await.unwrap();

    // The app verified the directory with the key it was built with, and shows its fingerprint.
    wait_text(c, "#org-fingerprint", "the organisation fingerprint", |t| {
        t.trim() == test_org_key().fingerprint()
    })
    .await;

    // 1. The reporter writes a report to the CCP coordinator and gets a code.
    type_into(c, "#report-text", report_text).await;
    click(c, "#role-ccp").await;
    click(c, "#submit-report").await;
    let code = wait_text(c, "#code", "the follow-up code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    let argon2_ms: u64 = wait_text(c, "#argon2-ms", "the Argon2id time", |t| {
        t.trim().parse::<u64>().is_ok()
    })
    .await
    .trim()
    .parse()
    .unwrap();
    eprintln!("Argon2id (m=64 MiB, t=3, p=1) in headless Chromium: {argon2_ms} ms");
    assert!(argon2_ms > 0);
    click(c, "#code-saved").await;

    // The reporter's app links to the server's page about the team's app, which serves no
    // code: the app that unlocks a member's key comes from `loket-team serve` alone.
    let team_link = wait_for(c, "#nav-team").await;
    assert_eq!(
        team_link.attr("href").await.unwrap().as_deref(),
        Some("/team/")
    );
    let page = app.http.get(app.url("/team/")).send().await.unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let page = page.text().await.unwrap();
    assert!(page.contains("loket-team serve --server") && !page.contains("<script"));
    for path in [
        "/team/loket_team_bg.wasm",
        "/loket_team_bg.wasm",
        "/loket_team.js",
    ] {
        let got = app.http.get(app.url(path)).send().await.unwrap();
        assert_ne!(got.status().as_u16(), 200, "loket serves {path}");
    }

    // 2. In another tab, a team member unlocks the key file in the team's app; a wrong
    // passphrase first says so.
    let team_tab = c.new_window(true).await.unwrap().handle;
    c.switch_to_window(team_tab.clone()).await.unwrap();
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    wait_text(c, "#org-fingerprint", "the organisation fingerprint", |t| {
        t.trim() == test_org_key().fingerprint()
    })
    .await;
    type_into(c, "#key-file", &key_file).await;
    type_into(c, "#passphrase", "not the passphrase").await;
    click(c, "#unlock").await;
    wait_msg(c, "wrong-passphrase").await;
    type_into(c, "#passphrase", passphrase).await;
    click(c, "#unlock").await;
    click(c, ".inbox-item").await;
    wait_text(c, "#report-view", "the decrypted report", |t| {
        t.contains(report_text)
    })
    .await;
    type_into(c, "#reply-text", reply_text).await;
    click(c, "#send-reply").await;
    wait_text(c, "#report-view", "the reply in the thread", |t| {
        t.contains(reply_text)
    })
    .await;
    let from_team = c
        .find(Locator::Css("#report-view .message.from-team"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(from_team.contains(reply_text));
    // The member closes the case in its record (no formal complaint): it is deleted two years
    // after its last activity, and the case view says when.
    select(c, "#case-status", "closed").await;
    click(c, "#save-case").await;
    wait_msg(c, "case-saved").await;
    let deletes = wait_for(c, "#case-record[data-version='1'] #case-deletes").await;
    assert!(deletes.text().await.unwrap().contains("Deleted on"));

    // 3. The reporter comes back: a typo is caught before any request, a wrong code is refused.
    c.switch_to_window(reporter_tab.clone()).await.unwrap();
    click(c, "#nav-followup").await;
    let mut typo = code.trim().to_owned();
    let first = typo.remove(0);
    typo.insert(0, if first == 'A' { 'B' } else { 'A' });
    type_into(c, "#code-input", &typo).await;
    click(c, "#open-thread").await;
    wait_msg(c, "code-typo").await;
    let unknown = FollowUpCode::generate(&mut rand::rng())
        .display()
        .to_string();
    type_into(c, "#code-input", &unknown).await;
    click(c, "#open-thread").await;
    wait_msg(c, "not-found").await;

    // ... and with the right code reads the reply and answers.
    type_into(c, "#code-input", code.trim()).await;
    click(c, "#open-thread").await;
    wait_text(c, "#thread", "the team's reply", |t| {
        t.contains(reply_text) && t.contains(report_text)
    })
    .await;
    type_into(c, "#answer-text", answer_text).await;
    click(c, "#send-answer").await;
    wait_text(c, "#thread", "the answer", |t| t.contains(answer_text)).await;

    // ... and attaches a file: encrypted in the browser, uploaded in pieces (about 100 KB),
    // announced by a signed answer.
    let files = tempfile::tempdir().unwrap();
    let file_path = files.path().join("minutes.txt");
    let file_text = "Attachment probe 5521: the minutes of the meeting. ";
    let file_body = file_text.repeat(2000);
    std::fs::write(&file_path, &file_body).unwrap();
    c.find(Locator::Css("#attachment-file"))
        .await
        .unwrap()
        .send_keys(file_path.to_str().unwrap())
        .await
        .unwrap();
    click(c, "#attach").await;
    wait_msg(c, "file-attached").await;
    // The note carries no text of its own: each reader's app announces the file in their
    // language.
    let note = wait_for(c, "#thread article[data-attachment='minutes.txt']").await;
    assert!(
        note.text()
            .await
            .unwrap()
            .contains("Attached a file: minutes.txt")
    );
    // The member (still unlocked in the team's tab) decrypts it after checking the signed hash.
    c.switch_to_window(team_tab.clone()).await.unwrap();
    click(c, "#refresh").await;
    click(c, ".inbox-item").await;
    wait_text(c, "#attachments", "the attachment list", |t| {
        t.contains("minutes.txt")
    })
    .await;
    click(
        c,
        "#attachments li[data-attachment='minutes.txt'] .download",
    )
    .await;
    let saved = wait_msg(c, "file-saved").await;
    assert!(
        saved.contains(&format!("minutes.txt ({} bytes)", file_body.len())),
        "{saved}"
    );

    // 4. What the server stored is ciphertext the member can open natively...
    let token = team_login(&app, &member_id, &member_key).await;
    let (_, inbox) = app.get("/api/v1/team/inbox", Some(&token)).await;
    let inbox: loket_wire::api::Inbox = serde_json::from_value(inbox).unwrap();
    assert_eq!(inbox.reports.len(), 1);
    let (_, report) = app
        .get(
            &format!("/api/v1/team/reports/{}", inbox.reports[0].report_id),
            Some(&token),
        )
        .await;
    let report: loket_wire::api::TeamReport = serde_json::from_value(report).unwrap();
    let dir = app.directory().await;
    let opened = open_report(member_key.identity(), &report.envelope).unwrap();
    assert_eq!(opened.text, report_text);
    assert_eq!(
        report.messages.len(),
        3,
        "reply, answer, note about the file"
    );
    // The note is signed by the reporter and vouches for the uploaded ciphertext.
    let (note, reference) = loket_client::open_message_with_attachment(
        member_key.identity(),
        &dir,
        &opened,
        &report.report_id,
        &loket_wire::api::Author::Reporter,
        &report.messages[2].envelope,
    )
    .unwrap();
    assert_eq!(note, "", "no English is signed into the note");
    let reference = reference.unwrap();
    assert_eq!(reference.name, "minutes.txt");
    assert_eq!(report.attachments.len(), 1);
    assert_eq!(report.attachments[0].attachment_id, reference.attachment_id);
    let ciphertext = app
        .download_attachment(&token, &report.attachments[0])
        .await;
    let file =
        loket_client::open_attachment(member_key.identity(), &reference, &ciphertext).unwrap();
    assert_eq!(file.as_slice(), file_body.as_bytes());
    // The reply the browser signed verifies as the member's; the answer as the reporter's.
    assert_eq!(
        open_message(
            member_key.identity(),
            &dir,
            &opened,
            &report.report_id,
            &report.messages[0].author,
            &report.messages[0].envelope,
        )
        .unwrap(),
        reply_text
    );
    assert_eq!(
        report.messages[0].author,
        loket_wire::api::Author::Member {
            member_id: member_id.clone()
        }
    );
    assert_eq!(
        open_message(
            member_key.identity(),
            &dir,
            &opened,
            &report.report_id,
            &loket_wire::api::Author::Reporter,
            &report.messages[1].envelope,
        )
        .unwrap(),
        answer_text
    );

    // 5. ... and the database files hold no piece of any plaintext, nor the code.
    let mut bytes = Vec::new();
    for f in app.sqlite_files() {
        bytes.extend(std::fs::read(&f).unwrap_or_default());
    }
    assert!(bytes.len() > 8192);
    for text in [report_text, reply_text, answer_text, file_text] {
        for window in text.as_bytes().windows(10) {
            assert!(
                !contains(&bytes, window),
                "a piece of plaintext was found in the database: {:?}",
                String::from_utf8_lossy(window)
            );
        }
    }
    assert!(!contains(&bytes, code.trim().as_bytes()));

    // 6. The reporter withdraws the report: it is gone at once, and the code opens nothing.
    c.switch_to_window(reporter_tab).await.unwrap();
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#nav-followup").await;
    type_into(c, "#code-input", code.trim()).await;
    click(c, "#open-thread").await;
    wait_text(c, "#thread", "the thread again", |t| {
        t.contains(answer_text)
    })
    .await;
    click(c, "#withdraw").await;
    click(c, "#confirm-withdraw").await;
    wait_msg(c, "withdrawn").await;
    b.client.close().await.unwrap();
    let (status, _) = app
        .get(
            &format!("/api/v1/team/reports/{}", report.report_id),
            Some(&token),
        )
        .await;
    assert_eq!(status, 404, "the withdrawn report is gone for the team too");
    app.shutdown().await;
}

/// A directory the organisation did not sign (here: the server added a key of its own) is
/// refused by the portal: it says so, offers no roles, and sends nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_refuses_a_directory_the_organisation_did_not_sign() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    let (member_id, member_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    app.add_intruder_to_directory().await;

    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-en").await;
    wait_text(c, "#directory-error", "the refusal", |t| {
        t.contains("not signed by this organisation")
    })
    .await;
    assert!(
        c.find(Locator::Css("#role-ccp")).await.is_err(),
        "no role is offered from an unsigned directory"
    );
    type_into(c, "#report-text", "this must never leave the browser").await;
    click(c, "#submit-report").await;
    wait_msg(c, "directory-untrusted").await;
    // The team's app refuses it too.
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    wait_for(c, "#directory-error").await;
    b.client.close().await.unwrap();

    let token = team_login(&app, &member_id, &member_key).await;
    let (_, inbox) = app.get("/api/v1/team/inbox", Some(&token)).await;
    let inbox: loket_wire::api::Inbox = serde_json::from_value(inbox).unwrap();
    assert!(inbox.reports.is_empty(), "nothing was submitted");
    app.shutdown().await;
}

/// With the interface switched to Dutch, a report is written and sent: the texts are Dutch,
/// `<html lang>` follows, and the report arrives (the language is never sent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_sent_with_the_interface_in_dutch_arrives() {
    let app = TestApp::sqlite().await;
    let (member_id, member_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let report_text = "Melding 7f3a: mijn begeleider kleineert me in werkoverleggen.";

    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    wait_for(c, "#role-ccp").await;
    click(c, "#lang-nl").await;
    wait_text(c, "#submit-report", "the Dutch button", |t| {
        t.trim() == "Versleutelen en versturen"
    })
    .await;
    let html = c.find(Locator::Css("html")).await.unwrap();
    assert_eq!(html.attr("lang").await.unwrap().as_deref(), Some("nl"));
    wait_text(c, "#nav-report", "the Dutch navigation", |t| {
        t.trim() == "Melding maken"
    })
    .await;
    // A Dutch error first, then the report.
    click(c, "#submit-report").await;
    let empty = wait_msg(c, "report-empty").await;
    assert_eq!(
        empty,
        "Kies wat er gebeurd is, of schrijf het in je eigen woorden."
    );
    type_into(c, "#report-text", report_text).await;
    click(c, "#role-ccp").await;
    click(c, "#submit-report").await;
    let code = wait_text(c, "#code", "the follow-up code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    let sent = wait_msg(c, "report-sent").await;
    assert!(sent.starts_with("Je melding is verstuurd"), "{sent}");
    // Switching back translates what is on the page, the status line too.
    click(c, "#lang-en").await;
    wait_text(c, "#status", "the English status", |t| {
        t.starts_with("Your report was sent")
    })
    .await;
    b.client.close().await.unwrap();

    let token = team_login(&app, &member_id, &member_key).await;
    let (_, inbox) = app.get("/api/v1/team/inbox", Some(&token)).await;
    let inbox: loket_wire::api::Inbox = serde_json::from_value(inbox).unwrap();
    assert_eq!(inbox.reports.len(), 1, "the report arrived");
    let (_, report) = app
        .get(
            &format!("/api/v1/team/reports/{}", inbox.reports[0].report_id),
            Some(&token),
        )
        .await;
    let report: loket_wire::api::TeamReport = serde_json::from_value(report).unwrap();
    let opened = open_report(member_key.identity(), &report.envelope).unwrap();
    assert_eq!(opened.text, report_text);
    assert!(FollowUpCode::parse(code.trim()).is_ok());
    app.shutdown().await;
}
