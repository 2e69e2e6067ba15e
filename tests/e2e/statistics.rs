//! The annual report's statistics (issue 14, docs/api.md "Statistics"), on SQLite and on
//! PostgreSQL: `GET /team/statistics` lists every report of the instance once, oldest first, a
//! page at a time, whatever the member's roles, with its day, roles and the statistics part
//! exactly as stored (which opens with the statistics key only); never a report the member was
//! kept out of or one marked as spam; registered contacts say so. And a data set made by
//! `loket_load::dataset` through the API reads back as it was made.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashMap;

use loket_client::case::latest_case_record;
use loket_client::{StatisticsPart, Submission};
use loket_crypto::MemberSecretKey;
use loket_e2e::*;
use loket_load::dataset::{DatasetConfig, generate};
use loket_wire::api::{
    Directory, MarkSpam, RegisterContact, StatisticsItem, StatisticsPage, SubmitReport, TeamReport,
};
use loket_wire::content::{AgeBand, Channel, StaffCategory};
use loket_wire::paths::{self, route};
use loket_wire::{B64, ErrorCode};

const UNITS: [&str; 3] = ["Faculty of Science", "Faculty of Law", "University Library"];

/// Sets a fresh statistics key and the units, and publishes the directory; the key's secret.
async fn statistics_key(app: &TestApp) -> MemberSecretKey {
    let key = MemberSecretKey::generate(&mut rand::rng());
    let units: Vec<String> = UNITS.iter().map(|u| u.to_string()).collect();
    app.store
        .set_statistics(Some(&key.public().x25519), &units)
        .await
        .unwrap();
    app.publish().await;
    key
}

/// Submits a report to `roles` (keeping `excluded` out) with a statistics part; its id, the
/// hour it arrived and the statistics part as sent.
async fn submit(
    app: &TestApp,
    dir: &Directory,
    roles: &[&str],
    excluded: &[&str],
    part: &StatisticsPart,
) -> (String, i64, B64) {
    let reporter = Reporter::new(dir, roles);
    let submission = Submission {
        text: "a report for the statistics".into(),
        intake: None,
        roles: reporter.roles.clone(),
        excluded: excluded.iter().map(|m| m.to_string()).collect(),
    };
    let envelope =
        loket_client::seal_submission(&mut rand::rng(), dir, &reporter.keys, &submission).unwrap();
    let statistics = loket_client::seal_statistics(&mut rand::rng(), dir, &reporter.keys, part)
        .unwrap()
        .unwrap();
    let body = SubmitReport {
        lookup_token: reporter.token(),
        roles: submission.roles.clone(),
        envelope,
        pow: None,
        excluded: submission.excluded.clone(),
        statistics: Some(statistics.clone()),
    };
    let (status, json) = app.submit(&body).await;
    assert_eq!(status, 201, "{json}");
    let id = json["report_id"].as_str().unwrap().to_owned();
    (id, json["received"].as_i64().unwrap(), statistics)
}

/// `GET /team/statistics` with the query `query`: status and body.
async fn get_page(app: &TestApp, token: Option<&str>, query: &str) -> (u16, serde_json::Value) {
    let path = format!("{}{query}", paths::api(route::TEAM_STATISTICS));
    app.get(&path, token).await
}

/// Every page, `limit` at a time, following `next`: the reports in the order listed.
async fn list_all(app: &TestApp, token: &str, limit: u32) -> (Vec<StatisticsItem>, usize) {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let query = match &after {
            Some(cursor) => format!("?limit={limit}&after={cursor}"),
            None => format!("?limit={limit}"),
        };
        let (status, json) = get_page(app, Some(token), &query).await;
        assert_eq!(status, 200, "{json}");
        let page: StatisticsPage = serde_json::from_value(json).unwrap();
        assert!(page.reports.len() <= limit as usize);
        pages += 1;
        items.extend(page.reports);
        match page.next {
            Some(next) => after = Some(next),
            None => return (items, pages),
        }
    }
}

fn part(staff: Option<StaffCategory>, age: Option<AgeBand>, unit: Option<&str>) -> StatisticsPart {
    StatisticsPart {
        staff,
        age,
        unit: unit.map(str::to_owned),
    }
}

/// Paging with a small limit gives every report once, oldest first, whatever roles the member
/// holds; each statistics part comes back byte for byte and opens with the statistics key.
async fn every_report_once_oldest_first(app: TestApp) {
    app.add_member("Casey", &["ccp"]).await;
    app.add_member("Ada", &["confidential-adviser"]).await;
    let (olivia, olivia_key) = app.add_member("Olivia", &["ombudsperson"]).await;
    let stats_key = statistics_key(&app).await;
    let dir = app.directory().await;
    let roles: [&[&str]; 4] = [
        &["ccp"],
        &["ombudsperson"],
        &["confidential-adviser"],
        &["ccp", "ombudsperson"],
    ];
    let mut sent = Vec::new();
    for i in 0..7usize {
        let answers = part(
            Some(StaffCategory::ALL[i % StaffCategory::ALL.len()]),
            (i % 3 != 0).then_some(AgeBand::From35To44),
            Some(UNITS[i % UNITS.len()]),
        );
        let (id, received, sealed) = submit(&app, &dir, roles[i % 4], &[], &answers).await;
        let mut report_roles: Vec<String> = roles[i % 4].iter().map(|r| r.to_string()).collect();
        report_roles.sort();
        sent.push((id, received, sealed, answers, report_roles));
    }
    sent.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));

    let token = team_login(&app, &olivia, &olivia_key).await;
    let (items, pages) = list_all(&app, &token, 3).await;
    assert_eq!(pages, 3);
    let ids: Vec<&str> = items.iter().map(|i| i.report_id.as_str()).collect();
    let expected: Vec<&str> = sent.iter().map(|s| s.0.as_str()).collect();
    assert_eq!(ids, expected);
    for (item, (_, received, sealed, answers, roles)) in items.iter().zip(&sent) {
        assert_eq!(item.day, received - received.rem_euclid(86_400));
        assert_eq!(item.day % 86_400, 0);
        assert_eq!(&item.roles, roles);
        assert!(!item.registered);
        assert_eq!(item.statistics.as_ref(), Some(sealed));
        let opened = loket_client::open_statistics(stats_key.identity(), sealed).unwrap();
        assert!(opened == *answers);
        // The member's own key does not open it.
        assert!(loket_client::open_statistics(olivia_key.identity(), sealed).is_none());
    }
    // The default page holds them all; a limit of one pages through them one by one.
    let (status, json) = get_page(&app, Some(&token), "").await;
    assert_eq!(status, 200, "{json}");
    let page: StatisticsPage = serde_json::from_value(json).unwrap();
    assert_eq!(page.reports, items);
    assert!(page.next.is_none());
    let (one_by_one, pages) = list_all(&app, &token, 1).await;
    assert_eq!((one_by_one, pages), (items, 7));
    app.shutdown().await;
}

/// A member kept out of a report does not learn it exists, while their colleague lists it; a
/// report marked as spam is gone from the list; a registered contact says so and has no
/// statistics part.
async fn kept_out_spam_and_registered(app: TestApp) {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (chair, chair_key) = app.add_member("The chair", &["ccp"]).await;
    statistics_key(&app).await;
    let dir = app.directory().await;
    let empty = StatisticsPart::default();
    let (about_chair, _, _) = submit(&app, &dir, &["ccp"], &[&chair], &empty).await;
    let (junk, _, _) = submit(&app, &dir, &["ccp"], &[], &empty).await;
    let (plain, _, _) = submit(&app, &dir, &["ccp"], &[], &empty).await;
    let casey_token = team_login(&app, &casey, &casey_key).await;
    let chair_token = team_login(&app, &chair, &chair_key).await;
    let ids = |items: Vec<StatisticsItem>| {
        let mut ids: Vec<String> = items.into_iter().map(|i| i.report_id).collect();
        ids.sort();
        ids
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(
        ids(list_all(&app, &casey_token, 10).await.0),
        sorted(vec![about_chair.clone(), junk.clone(), plain.clone()])
    );
    assert_eq!(
        ids(list_all(&app, &chair_token, 10).await.0),
        sorted(vec![junk.clone(), plain.clone()])
    );

    let (status, json) = app
        .post(
            &paths::fill(route::TEAM_REPORT_SPAM, &[&junk]),
            &MarkSpam { spam: true },
            Some(&casey_token),
        )
        .await;
    assert_eq!(status, 204, "{json}");
    assert_eq!(
        ids(list_all(&app, &casey_token, 10).await.0),
        sorted(vec![about_chair.clone(), plain.clone()])
    );
    assert_eq!(
        ids(list_all(&app, &chair_token, 10).await.0),
        vec![plain.clone()]
    );

    let contact = loket_client::case::ContactCase {
        roles: vec!["ccp".into()],
        channel: Channel::Phone,
        signal: false,
        on: None,
        text: "a call".into(),
        intake: None,
    };
    let envelope =
        loket_client::case::seal_contact(&mut rand::rng(), &dir, &casey_key, &contact).unwrap();
    let register = RegisterContact {
        roles: vec!["ccp".into()],
        envelope,
    };
    let (status, json) = app
        .post(
            &paths::api(route::TEAM_CASES),
            &register,
            Some(&casey_token),
        )
        .await;
    assert_eq!(status, 201, "{json}");
    let contact_id = json["report_id"].as_str().unwrap().to_owned();
    let (items, _) = list_all(&app, &chair_token, 10).await;
    let listed = items.iter().find(|i| i.report_id == contact_id).unwrap();
    assert!(listed.registered);
    assert!(listed.statistics.is_none());
    assert_eq!(listed.roles, vec!["ccp".to_string()]);
    assert!(
        items
            .iter()
            .filter(|i| i.report_id != contact_id)
            .all(|i| !i.registered)
    );
    app.shutdown().await;
}

/// No session is 401; a cursor or limit that is not one is refused with the inbox's code.
async fn bad_requests_are_refused(app: TestApp) {
    let (casey, casey_key) = app.add_member("Casey", &["ccp"]).await;
    let (status, json) = get_page(&app, None, "").await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::Unauthorized));
    let (status, json) = get_page(&app, Some("not-a-session"), "").await;
    assert_eq!((status, error_code(&json)), (401, ErrorCode::Unauthorized));
    let token = team_login(&app, &casey, &casey_key).await;
    for query in [
        "?after=nope",
        "?after=12.",
        "?after=x.0123456789abcdef0123456789abcdef",
        "?limit=0",
        "?limit=1001",
        "?limit=many",
    ] {
        let (status, json) = get_page(&app, Some(&token), query).await;
        assert_eq!(
            (status, error_code(&json)),
            (422, ErrorCode::InvalidField),
            "{query}"
        );
        // The inbox answers its own bad cursor and limit the same way.
        let inbox = query.replace("after", "before");
        let (status, json) = app
            .get(
                &format!("{}{inbox}", paths::api(route::TEAM_INBOX)),
                Some(&token),
            )
            .await;
        assert_eq!(
            (status, error_code(&json)),
            (422, ErrorCode::InvalidField),
            "{inbox}"
        );
    }
    let (status, json) = get_page(&app, Some(&token), "?limit=1000").await;
    assert_eq!(status, 200, "{json}");
    app.shutdown().await;
}

on_both_backends!(
    every_report_once_oldest_first,
    kept_out_spam_and_registered,
    bad_requests_are_refused,
);

/// A data set made by `loket_load::dataset` through the API reads back as it was made: every
/// case listed once with its roles and registered flag, every statistics part opening to the
/// answers sent, and each member reading the record written for their case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_data_set_reads_back() {
    let app = TestApp::sqlite().await;
    let mut members = vec![
        app.add_member("Casey", &["ccp"]).await,
        app.add_member("Chris", &["ccp"]).await,
        app.add_member("Olivia", &["ombudsperson"]).await,
        app.add_member("Ada", &["confidential-adviser"]).await,
    ];
    let stats_key = statistics_key(&app).await;
    let dir = app.directory().await;
    let mut config = DatasetConfig::new(&app.url(""), test_org_key(), Vec::new());
    config.members.append(&mut members);
    config.reports = 120;
    config.seed = 14;
    config.concurrency = 8;
    config.registered_share = 0.2;
    config.reporter_keys = 2;
    let data = generate(&config).await.unwrap();
    assert_eq!(data.cases.len(), 120);
    assert!(data.cases.iter().any(|c| c.registered));
    assert!(data.cases.iter().any(|c| c.record.is_none()));
    assert!(data.cases.iter().any(|c| c.roles.len() > 1));
    let truth = data.truth();
    assert_eq!(truth["cases"].as_array().unwrap().len(), 120);
    assert!(
        !truth.to_string().contains("generated"),
        "no texts in the truth"
    );

    let (casey, casey_key) = &config.members[0];
    let token = team_login(&app, casey, casey_key).await;
    let (items, _) = list_all(&app, &token, 50).await;
    assert_eq!(items.len(), data.cases.len());
    let listed: HashMap<&str, &StatisticsItem> =
        items.iter().map(|i| (i.report_id.as_str(), i)).collect();
    assert_eq!(listed.len(), items.len(), "each once");
    let mut sessions: HashMap<&str, String> = HashMap::new();
    for (id, key) in &config.members {
        sessions.insert(id.as_str(), team_login(&app, id, key).await);
    }
    for case in &data.cases {
        let item = listed[case.report_id.as_str()];
        let mut roles = case.roles.clone();
        roles.sort();
        assert_eq!(item.roles, roles);
        assert_eq!(item.registered, case.registered);
        match (&case.statistics, &item.statistics) {
            (Some(sent), Some(sealed)) => {
                let opened = loket_client::open_statistics(stats_key.identity(), sealed).unwrap();
                assert!(opened == *sent);
            }
            (None, None) => assert!(case.registered),
            _ => panic!("statistics part of {} not as sent", case.report_id),
        }
        // The member who did the casework reads it back as written.
        let Some(member) = &case.member else {
            assert!(case.record.is_none() && !case.replied);
            continue;
        };
        let key = &config
            .members
            .iter()
            .find(|(id, _)| id == member)
            .unwrap()
            .1;
        let (status, json) = app
            .team_report(&sessions[member.as_str()], &case.report_id)
            .await;
        assert_eq!(status, 200, "{json}");
        let report: TeamReport = serde_json::from_value(json).unwrap();
        assert_eq!(report.messages.len(), usize::from(case.replied));
        assert_eq!(report.registered_by.is_some(), case.registered);
        let read = latest_case_record(key.identity(), &dir, &case.report_id, &report.cases)
            .map(|(_, record)| record);
        assert!(read == case.record, "record of {}", case.report_id);
    }
    app.shutdown().await;
}
