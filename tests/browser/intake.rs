//! Issue 11 in the real apps: a report made in Dutch with the regulation's intake, a member
//! kept out and the anonymous statistics; what to know before sending and the receipt; the
//! member who may read it sees the answers and shares the state of the case; the reporter
//! sees that state, gives their name for the formal route and leaves the page quickly.

use fantoccini::Locator;
use loket_crypto::FollowUpCode;
use loket_e2e::browser::{
    browser, capture_errors, click, select, type_into, wait_for, wait_msg, wait_text,
};
use loket_e2e::*;
use loket_wire::api::{Inbox, TeamReport};
use loket_wire::content::{AgeBand, Nature, Purpose, Relation, StaffCategory, When};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dutch_report_with_the_intake_reaches_only_its_readers() {
    let app = TestApp::sqlite().await;
    let team = app.team_app().await;
    let (casey, casey_key) = app.add_member("Casey (CCP)", &["ccp"]).await;
    let (chair, chair_key) = app.add_member("Dana (vakgroepvoorzitter)", &["ccp"]).await;
    let stats_key = loket_crypto::MemberSecretKey::generate(&mut rand::rng());
    app.store
        .set_statistics(
            Some(&stats_key.public().x25519),
            &["Faculteit der Bètawetenschappen".to_string()],
        )
        .await
        .unwrap();
    app.publish().await;
    let passphrase = "a long demo passphrase";
    let key_file = test_key_file(&casey_key, passphrase);
    let report_text = "Melding 2c4e: mijn promotor schreeuwt in het lab.";
    let aftercare = "We pakken het op. Nazorg: bel ons gerust.";

    let b = browser().await;
    let c = &b.client;
    c.goto(&app.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-nl").await;
    // The roles are named in Dutch, from the signed directory.
    wait_text(c, "label.role", "the Dutch role name", |t| {
        t.contains("CCP-coördinator")
    })
    .await;
    // What a reporter must know is on the form, in Dutch.
    wait_text(c, "#before-sending", "what to know", |t| {
        t.contains("klachtencommissie") && t.contains("24 uur") && t.contains("Slachtofferhulp")
    })
    .await;
    for n in [Nature::Bullying, Nature::Intimidation] {
        click(c, &format!("#what-{}", n.key())).await;
    }
    click(c, "#about-myself").await;
    select(c, "#relation", Relation::Supervisor.key()).await;
    type_into(c, "#person", "Prof. Voorbeeld").await;
    select(c, "#when", When::Ongoing.key()).await;
    click(c, &format!("#purpose-{}", Purpose::Advice.key())).await;
    type_into(c, "#report-text", report_text).await;
    click(c, "#role-ccp").await;
    click(c, &format!("#exclude-{chair}")).await;
    select(c, "#stats-staff", StaffCategory::Phd.key()).await;
    select(c, "#stats-age", AgeBand::From25To34.key()).await;
    select(c, "#stats-unit", "Faculteit der Bètawetenschappen").await;
    click(c, "#submit-report").await;
    let code = wait_text(c, "#code", "the follow-up code", |t| {
        FollowUpCode::parse(t.trim()).is_ok()
    })
    .await;
    // The receipt verified in the page, so it is offered.
    wait_for(c, "#receipt-download").await;
    assert!(c.find(Locator::Css("#receipt-bad")).await.is_err());
    click(c, "#code-saved").await;
    let reporter_tab = c.window().await.unwrap();

    // Casey reads the answers in Dutch and shares the state of the case with aftercare.
    let team_tab = c.new_window(true).await.unwrap().handle;
    c.switch_to_window(team_tab.clone()).await.unwrap();
    c.goto(&team.url("/")).await.unwrap();
    capture_errors(c).await;
    click(c, "#lang-nl").await;
    type_into(c, "#key-file", &key_file).await;
    type_into(c, "#passphrase", passphrase).await;
    click(c, "#unlock").await;
    click(c, ".inbox-item").await;
    let answers = wait_text(c, "#intake", "the intake answers", |t| {
        t.contains("Pesten") && t.contains("Intimidatie")
    })
    .await;
    for expected in [
        "Het overkwam mij",
        "Mijn begeleider of promotor",
        "Prof. Voorbeeld",
        "Het speelt nog steeds",
        "Advies of ondersteuning",
    ] {
        assert!(answers.contains(expected), "{expected} in {answers}");
    }
    wait_text(c, "#intake-excluded", "who was kept out", |t| {
        t.contains("Dana (vakgroepvoorzitter)")
    })
    .await;
    // Times are in the browser's own zone (Amsterdam), with the offset.
    let time = wait_for(c, "#report-view time").await.text().await.unwrap();
    assert!(
        time.contains("(UTC+1)") || time.contains("(UTC+2)"),
        "{time}"
    );
    type_into(c, "#reply-text", aftercare).await;
    select(c, "#reply-status", "in_progress").await;
    click(c, "#send-reply").await;
    wait_for(c, "#report-view .note[data-status='in_progress']").await;

    // The reporter sees the state and the aftercare, and gives their name.
    c.switch_to_window(reporter_tab.clone()).await.unwrap();
    click(c, "#nav-followup").await;
    type_into(c, "#code-input", code.trim()).await;
    click(c, "#open-thread").await;
    let status = wait_text(c, "#case-status", "the shared state", |t| {
        t.contains("In behandeling")
    })
    .await;
    assert!(status.contains(aftercare), "{status}");
    wait_for(c, "#case-status[data-status='in_progress']").await;
    wait_for(c, "#receipt-download").await;
    click(c, "#contact summary").await;
    type_into(c, "#contact-name", "Sam Jansen").await;
    type_into(c, "#contact-reach", "sam@example.org").await;
    click(c, "#contact-send").await;
    wait_msg(c, "contact-sent").await;
    // Leaving quickly replaces the page with an empty one.
    click(c, "#leave-quickly").await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let url = c.current_url().await.unwrap();
        if url.as_str() == "about:blank" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "still at {url}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Casey sees the name and contact details as such.
    c.switch_to_window(team_tab).await.unwrap();
    click(c, "#refresh").await;
    click(c, ".inbox-item").await;
    wait_text(c, "#report-view", "the contact details", |t| {
        t.contains("Naam en contactgegevens: Sam Jansen, sam@example.org")
    })
    .await;
    b.client.close().await.unwrap();

    // Natively: the chair's inbox is empty; the intake and the statistics are as chosen.
    let chair_token = team_login(&app, &chair, &chair_key).await;
    let (_, json) = app.inbox(&chair_token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    assert!(
        inbox.reports.is_empty(),
        "the excluded member lists nothing"
    );
    let token = team_login(&app, &casey, &casey_key).await;
    let (_, json) = app.inbox(&token).await;
    let inbox: Inbox = serde_json::from_value(json).unwrap();
    let (_, json) = app.team_report(&token, &inbox.reports[0].report_id).await;
    let report: TeamReport = serde_json::from_value(json).unwrap();
    let opened = loket_client::open_report(casey_key.identity(), &report.envelope).unwrap();
    assert_eq!(opened.text, report_text);
    assert_eq!(opened.excluded, vec![chair.clone()]);
    let intake = opened.intake.unwrap();
    assert_eq!(intake.what, vec![Nature::Bullying, Nature::Intimidation]);
    assert_eq!(intake.relation, Some(Relation::Supervisor));
    assert_eq!(intake.person.as_deref(), Some("Prof. Voorbeeld"));
    assert!(loket_crypto::open(chair_key.identity(), &report.envelope.0).is_err());
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&app.database_url()).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT statistics FROM reports")
        .fetch_one(&pool)
        .await
        .unwrap();
    let part =
        loket_client::open_statistics(stats_key.identity(), &loket_wire::B64(stored)).unwrap();
    assert_eq!(part.staff, Some(StaffCategory::Phd));
    assert_eq!(part.age, Some(AgeBand::From25To34));
    assert_eq!(
        part.unit.as_deref(),
        Some("Faculteit der Bètawetenschappen")
    );
    app.shutdown().await;
}
