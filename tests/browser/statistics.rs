//! The annual report's statistics in the team's app (issue 14): a data set made by the
//! generator through the real API (tools/loket-load, `dataset`), spread over two and a half
//! years, counted in Chromium by a member of one role with the team's statistics key. Every
//! figure and every table row on the page is checked against counts made here from what the
//! generator sent; every CSV file and the printable report hide small counts with their
//! complementary cells; a unit whose reports reached two roles is flagged.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::Client;
use loket_crypto::MemberSecretKey;
use loket_e2e::browser::{
    axe_check, browser, click, select, set_value, type_into, unlock_team_app, wait_for,
};
use loket_e2e::cdp::cdp;
use loket_e2e::*;
use loket_load::dataset::{DatasetConfig, GeneratedCase, generate};
use loket_wire::content::{
    AgeBand, CaseStatus, Channel, DecisionOutcome, Handling, Nature, ReferralTarget, StaffCategory,
    Stage,
};

const DAY: i64 = 86_400;
/// How many days before now each fifth of the cases arrived: the last fifth falls before the
/// period counted.
const AGES: [i64; 5] = [0, 40, 130, 250, 700];
const UNITS: [&str; 4] = [
    "Faculty of Science",
    "Faculty of Law",
    "School of Business",
    "University Library",
];
const ROLES: [&str; 3] = ["ccp", "confidential-adviser", "ombudsperson"];
const THRESHOLD: u32 = 5;

/// A case as it ends up: the generator's, with its day of arrival moved.
struct Case {
    made: GeneratedCase,
    age: i64,
    day: i64,
}

/// `YYYY-MM-DD` of a Unix day, UTC.
fn date(unix: i64) -> String {
    let z = unix.div_euclid(DAY) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn quarter(unix: i64) -> String {
    let d = date(unix);
    let m: u32 = d[5..7].parse().unwrap();
    format!("{} Q{}", &d[..4], m.div_ceil(3))
}

/// The true count of every row of every table, from the generated cases of the period; the
/// member reads the cases of role `mine`.
fn truth(cases: &[&Case], mine: &str) -> BTreeMap<&'static str, Vec<(String, u32)>> {
    let mut t: BTreeMap<&'static str, Vec<(String, u32)>> = BTreeMap::new();
    let rows = |keys: Vec<String>| keys.into_iter().map(|k| (k, 0)).collect::<Vec<_>>();
    let keys = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let with_unanswered = |all: &[&str]| {
        let mut k = keys(all);
        k.push("unanswered".into());
        rows(k)
    };
    t.insert("role", rows(keys(&ROLES)));
    t.insert("staff", with_unanswered(StaffCategory::KEYS));
    t.insert("age", with_unanswered(AgeBand::KEYS));
    t.insert("unit", with_unanswered(&UNITS));
    t.insert("contact", rows(keys(Channel::KEYS)));
    t.insert("nature", rows(keys(Nature::KEYS)));
    t.insert("handling", rows(keys(Handling::KEYS)));
    t.insert("referral", rows(keys(ReferralTarget::KEYS)));
    t.insert("stage", rows(keys(Stage::KEYS)));
    t.insert("status", rows(keys(CaseStatus::KEYS)));
    t.insert("outcome", rows(keys(DecisionOutcome::KEYS)));
    for due in ["first_response", "acknowledgement", "feedback"] {
        t.insert(due, rows(keys(&["met", "missed", "open"])));
    }
    let mut bump = |table: &'static str, key: &str| {
        let row = t.get_mut(table).unwrap();
        match row.iter_mut().find(|(k, _)| k == key) {
            Some((_, n)) => *n += 1,
            None => panic!("{table} has no row {key}"),
        }
    };
    for c in cases {
        for role in &c.made.roles {
            bump("role", role);
        }
        let part = c.made.statistics.as_ref();
        bump(
            "staff",
            part.and_then(|p| p.staff).map_or("unanswered", |s| s.key()),
        );
        bump(
            "age",
            part.and_then(|p| p.age).map_or("unanswered", |a| a.key()),
        );
        bump(
            "unit",
            part.and_then(|p| p.unit.as_deref()).unwrap_or("unanswered"),
        );
        if !c.made.roles.iter().any(|r| r == mine) {
            continue;
        }
        bump("contact", c.made.channel.key());
        if !c.made.registered {
            // The reply came when the data set was made: in time only for a case of today.
            let (first, ack) = match (c.made.replied, c.age) {
                (true, 0) => ("met", "met"),
                (false, 0) => ("open", "open"),
                _ => ("missed", "missed"),
            };
            bump("first_response", first);
            bump("acknowledgement", ack);
        }
        let closed = c
            .made
            .record
            .as_ref()
            .is_some_and(|r| r.status == CaseStatus::Closed);
        // Three months (91 days) from arrival; the record was saved when the set was made.
        bump(
            "feedback",
            match (closed, c.age < 91) {
                (true, true) => "met",
                (false, true) => "open",
                (_, false) => "missed",
            },
        );
        let Some(r) = &c.made.record else { continue };
        for n in &r.what {
            bump("nature", n.key());
        }
        for h in &r.handling {
            bump("handling", h.key());
        }
        if r.handling.contains(&Handling::Referral) {
            for x in &r.referred_to {
                bump("referral", x.key());
            }
        }
        bump("stage", r.stage.key());
        bump("status", r.status.key());
        if let Some(d) = &r.decision {
            bump("outcome", d.outcome.key());
        }
    }
    t
}

/// Reads every table of the view as `{table: [[row, count, percent]]}`.
async fn page_tables(c: &Client, css: &str) -> HashMap<String, Vec<(String, String, String)>> {
    let css = serde_json::to_string(css).unwrap();
    let script = format!(
        "const out = {{}};
         for (const t of document.querySelectorAll({css})) {{
           out[t.dataset.table || t.id.replace('stats-', '')] = [...t.querySelectorAll('tr[data-row]')]
             .map(r => [r.dataset.row, (r.querySelector('.count') || {{}}).textContent || '',
                        (r.querySelector('.percent') || {{}}).textContent || '']);
         }}
         return out;"
    );
    let v = c.execute(&script, vec![]).await.unwrap();
    serde_json::from_value(v).unwrap()
}

/// Checks a table as it left the machine: a true count from 1 to below the threshold is
/// hidden, every shown one is the true count, and no line has exactly one hidden cell.
fn check_hidden(
    name: &str,
    shown: &[(String, String)],
    truth: &[(String, u32)],
    total: u32,
) -> usize {
    let hidden_mark = format!("< {THRESHOLD}");
    let mut hidden = 0;
    for (key, n) in truth.iter().chain([&("total".to_string(), total)]) {
        let (_, s) = shown
            .iter()
            .find(|(k, _)| k == key)
            .unwrap_or_else(|| panic!("{name}: no row {key} in {shown:?}"));
        if *s == hidden_mark {
            hidden += 1;
        } else {
            assert_eq!(s, &n.to_string(), "{name} {key}");
            assert!(*n == 0 || *n >= THRESHOLD, "{name} {key}: {n} is shown");
        }
    }
    assert_ne!(
        hidden, 1,
        "{name}: one hidden cell follows from the total: {shown:?}"
    );
    hidden
}

/// Parses a CSV file of the view: `key,label,count,percent` rows.
fn csv_rows(text: &str) -> Vec<(String, String)> {
    text.lines()
        .skip(1)
        .map(|l| {
            let fields: Vec<&str> = l.split(',').collect();
            let key = fields[0].trim_matches('"').to_owned();
            (key, fields[fields.len() - 2].to_owned())
        })
        .collect()
}

async fn wait_file(path: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(text) = std::fs::read_to_string(path)
            && text.ends_with("\r\n")
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "{} was not saved",
            path.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_annual_report_counts_a_generated_data_set() {
    let app = TestApp::sqlite().await;
    let (stats_key, members) = app.statistics_team(&UNITS).await;
    let ccp_key = MemberSecretKey::from_recovery_secret(&members[0].1.to_recovery_secret());
    let mut config = DatasetConfig::new(&app.url(""), test_org_key(), members);
    config.reports = 90;
    config.seed = 14;
    config.concurrency = 4;
    let made = generate(&config).await.unwrap();
    assert_eq!(made.cases.len(), 90);

    // Spread over two and a half years: each fifth of the cases arrived AGES days ago.
    let now = loket_server::clock::to_hour(loket_server::clock::now());
    let pool = sqlx::SqlitePool::connect(&app.database_url())
        .await
        .unwrap();
    let mut cases = Vec::new();
    for (i, made) in made.cases.into_iter().enumerate() {
        let age = AGES[i % AGES.len()];
        let received = made.received - age * DAY;
        sqlx::query("UPDATE reports SET received_at = ?1, last_activity_at = ?1 WHERE id = ?2")
            .bind(received)
            .bind(&made.report_id)
            .execute(&pool)
            .await
            .unwrap();
        cases.push(Case {
            made,
            age,
            day: received.div_euclid(DAY) * DAY,
        });
    }
    pool.close().await;

    // The period: the last 365 days.
    let today = now.div_euclid(DAY) * DAY;
    let (from, to) = (today - 365 * DAY, today);
    let counted: Vec<&Case> = cases
        .iter()
        .filter(|c| (from..=to).contains(&c.day))
        .collect();
    assert!(counted.len() < cases.len() && counted.len() > 50);
    let truth = truth(&counted, "ccp");
    // The data set has a case of each kind of deadline.
    for due in ["first_response", "feedback"] {
        assert!(
            truth[due].iter().all(|(_, n)| *n > 0),
            "{due}: {:?}",
            truth[due]
        );
    }

    let team = app.team_app().await;
    let b = browser().await;
    let c = &b.client;
    let downloads = tempfile::tempdir().unwrap();
    cdp(
        c,
        "Browser.setDownloadBehavior",
        serde_json::json!({"behavior": "allow", "downloadPath": downloads.path()}),
    )
    .await;
    unlock_team_app(c, &team, &ccp_key).await;
    click(c, "#open-statistics").await;
    let passphrase = "the statistics key's passphrase";
    type_into(c, "#stats-key", &test_key_file(&stats_key, passphrase)).await;
    type_into(c, "#stats-passphrase", passphrase).await;
    set_value(c, "#stats-from", &date(from)).await;
    set_value(c, "#stats-to", &date(to)).await;
    click(c, "#stats-count").await;
    // Decrypted in the Web Worker, off the page.
    wait_for(c, "#stats-elapsed[data-ms][data-ran='worker']").await;

    // WCAG 2.2 AA, with every table, chart and the printable report on the page.
    axe_check(c, "the annual report's statistics").await;

    // The key figures.
    let mine: Vec<&&Case> = counted
        .iter()
        .filter(|c| c.made.roles.iter().any(|r| r == "ccp"))
        .collect();
    let recorded: Vec<_> = mine.iter().filter_map(|c| c.made.record.as_ref()).collect();
    let reporters: u32 = recorded.iter().map(|r| r.reporters.max(1)).sum();
    let conversations: u32 = recorded.iter().map(|r| r.conversations).sum();
    let per = conversations * 100 / reporters;
    let figures = [
        ("fig-reports", counted.len().to_string()),
        (
            "fig-registered",
            counted
                .iter()
                .filter(|c| c.made.registered)
                .count()
                .to_string(),
        ),
        ("fig-read", mine.len().to_string()),
        ("fig-recorded", recorded.len().to_string()),
        ("fig-reporters", reporters.to_string()),
        (
            "fig-signals",
            mine.iter().filter(|c| c.made.signal).count().to_string(),
        ),
        (
            "fig-conversations",
            format!("{}.{:02}", per / 100, per % 100),
        ),
    ];
    for (id, want) in &figures {
        let got = c
            .find(fantoccini::Locator::Css(&format!("#{id}")))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_eq!(&got, want, "{id}");
    }

    // Every row of every table, with its percentage.
    let page = page_tables(c, "#stats-results table[id^='stats-']").await;
    for (table, rows) in &truth {
        let shown = page
            .get(*table)
            .unwrap_or_else(|| panic!("no table {table}"));
        let base: u32 = match *table {
            "role" | "staff" | "age" | "unit" => counted.len() as u32,
            "contact" | "feedback" => mine.len() as u32,
            "first_response" | "acknowledgement" => {
                mine.iter().filter(|c| !c.made.registered).count() as u32
            }
            "referral" => recorded
                .iter()
                .filter(|r| r.handling.contains(&Handling::Referral))
                .count() as u32,
            "outcome" => recorded.iter().filter(|r| r.decision.is_some()).count() as u32,
            _ => recorded.len() as u32,
        };
        for (key, n) in rows {
            let (_, count, percent) = shown
                .iter()
                .find(|(k, _, _)| k == key)
                .unwrap_or_else(|| panic!("{table}: no row {key}"));
            assert_eq!(count, &n.to_string(), "{table} {key}");
            let want = if base == 0 {
                0
            } else {
                (n * 200 + base) / (base * 2)
            };
            assert_eq!(percent, &want.to_string(), "{table} {key} %");
        }
        let total = shown.iter().find(|(k, _, _)| k == "total").unwrap();
        assert_eq!(total.1, base.to_string(), "{table} total");
    }
    // The months of the period: each fifth that arrived in it, in its month.
    let months = &page["timeline"];
    let mut by_month: BTreeMap<String, u32> = BTreeMap::new();
    for c in &counted {
        *by_month.entry(date(c.day)[..7].to_owned()).or_default() += 1;
    }
    for (month, n) in &by_month {
        let row = months.iter().find(|(k, _, _)| k == month).unwrap();
        assert_eq!(row.1, n.to_string(), "month {month}");
    }
    assert_eq!(months.iter().filter(|(k, _, _)| k != "total").count(), 13);

    // The pattern signals: every unit and quarter whose reports reached two roles or five.
    let mut cells: BTreeMap<(String, String), (u32, BTreeSet<String>)> = BTreeMap::new();
    for c in &counted {
        if let Some(unit) = c.made.statistics.as_ref().and_then(|p| p.unit.clone()) {
            let cell = cells.entry((unit, quarter(c.day))).or_default();
            cell.0 += 1;
            cell.1.extend(c.made.roles.iter().cloned());
        }
    }
    let want: BTreeSet<(String, String)> = cells
        .iter()
        .filter(|(_, (n, roles))| roles.len() >= 2 || *n >= THRESHOLD)
        .map(|(k, _)| k.clone())
        .collect();
    assert!(
        cells.iter().any(|(_, (_, roles))| roles.len() >= 2),
        "the data set has a unit reaching two roles"
    );
    let flagged: Vec<(String, String)> = serde_json::from_value(
        c.execute(
            "return [...document.querySelectorAll('#stats-signals li[data-unit]')]
               .map(li => [li.dataset.unit, li.dataset.quarter]);",
            vec![],
        )
        .await
        .unwrap(),
    )
    .unwrap();
    assert_eq!(flagged.into_iter().collect::<BTreeSet<_>>(), want);

    // Every CSV file: small counts hidden, with their complements.
    let mut hidden = 0;
    for (table, rows) in &truth {
        click(c, &format!("button[data-csv='{table}']")).await;
        let name = format!("loket-{table}-{}-{}.csv", date(from), date(to));
        let text = wait_file(&downloads.path().join(&name)).await;
        let total = page[*table]
            .iter()
            .find(|(k, _, _)| k == "total")
            .unwrap()
            .1
            .parse()
            .unwrap();
        hidden += check_hidden(table, &csv_rows(&text), rows, total);
    }
    assert!(hidden > 10, "the data set hides only {hidden} cells");
    click(c, "button[data-csv='patterns']").await;
    let grid = wait_file(&downloads.path().join(format!(
        "loket-patterns-{}-{}.csv",
        date(from),
        date(to)
    )))
    .await;
    assert!(grid.lines().count() == UNITS.len() + 2, "{grid}");
    assert!(
        !grid.lines().skip(1).any(|l| l
            .split(',')
            .skip(1)
            .any(|f| { f.parse::<u32>().is_ok_and(|n| n > 0 && n < THRESHOLD) })),
        "a small count left the machine: {grid}"
    );

    // The printable report, in Dutch, with the team's own text: small counts hidden.
    type_into(c, "#print-text", "Meer meldingen uit de bibliotheek.").await;
    select(c, "#print-lang", "nl").await;
    wait_for(c, "#stats-print[lang='nl']").await;
    let heading = c
        .find(fantoccini::Locator::Css("#stats-print h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(heading.starts_with("Jaarverslag"), "{heading}");
    let printed = page_tables(c, "#stats-print table[data-table]").await;
    for (table, rows) in &truth {
        let shown: Vec<(String, String)> = printed[*table]
            .iter()
            .map(|(k, n, _)| (k.clone(), n.clone()))
            .collect();
        let total = page[*table]
            .iter()
            .find(|(k, _, _)| k == "total")
            .unwrap()
            .1
            .parse()
            .unwrap();
        check_hidden(table, &shown, rows, total);
    }
    let text = c
        .find(fantoccini::Locator::Css("#print-team-text"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, "Meer meldingen uit de bibliotheek.");
    app.shutdown().await;
}
