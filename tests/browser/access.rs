//! Accessibility (WCAG 2.2 AA) of both apps: axe-core on every page and state, in English and
//! in Dutch, at 360 px wide; a report made and followed up with the keyboard alone, whose
//! focus outline stands out at least 3:1 from what is behind it.

use fantoccini::Locator;
use loket_crypto::FollowUpCode;
use loket_e2e::browser::{
    Browser, axe_check, axe_violations, browser, capture_errors, click, fits_width,
    focus_outline_contrast, press, tab_to, type_into, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;

/// axe-core, and the width check, on the state the page is in.
async fn check(b: &Browser, state: &str) {
    axe_check(&b.client, state).await;
    let (fits, how) = fits_width(&b.client).await;
    assert!(fits, "{state}: the page scrolls sideways at 360 px ({how})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_in_both_languages_at_360_px() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    let (_, key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let stats = loket_crypto::MemberSecretKey::generate(&mut rand::rng());
    app.store
        .set_statistics(Some(&stats.public().x25519), &["Faculty of Science".into()])
        .await
        .unwrap();
    app.publish().await;
    let passphrase = "a long demo passphrase";
    let key_file = test_key_file(&key, passphrase);
    let b = browser().await;
    let c = &b.client;
    c.set_window_size(360, 900).await.unwrap();
    for lang in ["en", "nl"] {
        let at = |state: &str| format!("{state} ({lang})");
        c.goto(&app.url("/")).await.unwrap();
        capture_errors(c).await;
        click(c, &format!("#lang-{lang}")).await;
        wait_for(c, "#role-ccp").await;
        check(&b, &at("the report form")).await;
        click(c, "#submit-report").await;
        wait_msg(c, "report-empty").await;
        check(&b, &at("the report form with an error")).await;
        click(c, "#what-bullying").await;
        type_into(c, "#report-text", "Accessibility probe.").await;
        click(c, "#role-ccp").await;
        wait_for(c, "#exclude").await;
        check(&b, &at("the report form filled in")).await;
        click(c, "#submit-report").await;
        let code = wait_text(c, "#code", "the code", |t| {
            FollowUpCode::parse(t.trim()).is_ok()
        })
        .await;
        wait_for(c, "#receipt-download").await;
        check(&b, &at("the code and the receipt")).await;
        click(c, "#code-saved").await;
        click(c, "#nav-followup").await;
        wait_for(c, "#code-input").await;
        check(&b, &at("the follow-up form")).await;
        type_into(c, "#code-input", code.trim()).await;
        click(c, "#open-thread").await;
        wait_for(c, "#case-status").await;
        click(c, "#contact summary").await;
        check(&b, &at("the thread")).await;

        c.goto(&team.url("/")).await.unwrap();
        capture_errors(c).await;
        click(c, &format!("#lang-{lang}")).await;
        wait_for(c, "#key-file").await;
        check(&b, &at("the team's sign-in")).await;
        type_into(c, "#key-file", &key_file).await;
        type_into(c, "#passphrase", passphrase).await;
        click(c, "#unlock").await;
        wait_for(c, ".inbox-item").await;
        check(&b, &at("the inbox")).await;
        click(c, ".inbox-item").await;
        wait_for(c, "#intake").await;
        check(&b, &at("a report in the team's app")).await;
    }
    // The check can fail: an input without a label is found.
    c.execute(
        "document.querySelector('main').appendChild(document.createElement('input'))",
        vec![],
    )
    .await
    .unwrap();
    let found = axe_violations(c, "an unlabelled input").await;
    assert!(found.iter().any(|v| v.starts_with("label")), "{found:?}");
    b.client.close().await.unwrap();
    app.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_made_and_followed_up_with_the_keyboard_alone() {
    let app = TestApp::sqlite().await;
    app.add_member("Casey (CCP)", &["ccp"]).await;
    let text = "Keyboard probe 9d1e: made without a mouse.";
    let answer = "Keyboard answer 4b2a.";
    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    wait_for(c, "#role-ccp").await;
    tab_to(c, "lang-en").await;
    press(c, "\u{e007}").await; // Enter
    tab_to(c, "what-intimidation").await;
    let contrast = focus_outline_contrast(c).await;
    assert!(contrast >= 3.0, "focus outline contrast {contrast:.2}:1");
    press(c, " ").await;
    tab_to(c, "report-text").await;
    let contrast = focus_outline_contrast(c).await;
    assert!(contrast >= 3.0, "focus outline contrast {contrast:.2}:1");
    press(c, text).await;
    tab_to(c, "role-ccp").await;
    press(c, " ").await;
    tab_to(c, "submit-report").await;
    let contrast = focus_outline_contrast(c).await;
    assert!(contrast >= 3.0, "focus outline contrast {contrast:.2}:1");
    press(c, "\u{e007}").await;
    let code = wait_text(c, "#code", "the code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    tab_to(c, "code-saved").await;
    press(c, "\u{e007}").await;
    tab_to(c, "nav-followup").await;
    press(c, "\u{e007}").await;
    wait_for(c, "#code-input").await;
    tab_to(c, "code-input").await;
    press(c, code.trim()).await;
    tab_to(c, "open-thread").await;
    press(c, "\u{e007}").await;
    wait_text(c, "#thread", "the report", |t| t.contains(text)).await;
    tab_to(c, "answer-text").await;
    press(c, answer).await;
    tab_to(c, "send-answer").await;
    press(c, "\u{e007}").await;
    wait_text(c, "#thread", "the answer", |t| t.contains(answer)).await;
    // Nothing was clicked: the report holds what the keyboard chose.
    assert!(c.find(Locator::Css("#case-status")).await.is_ok());
    b.client.close().await.unwrap();
    app.shutdown().await;
}
