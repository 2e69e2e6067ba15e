//! Durability (issue 5): a report the server acknowledged with 201 survives the server being
//! killed with SIGKILL at any moment. In each round the real `loket serve` runs with 16
//! concurrent submitters and is killed 100–1000 ms after its first acknowledgement, in the
//! middle of writes; every acknowledged report must then be readable by its token, with the
//! same report id, after a restart, and the database must be sound: SQLite's
//! `PRAGMA integrity_check` says `ok`, PostgreSQL's rows are all readable and consistent (and
//! amcheck finds nothing, where the extension is available).
//!
//! `cargo test -p loket-e2e --test e2e crash:: -- --nocapture` prints the figures.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use loket_e2e::process::{self, Database, Instance, Submitted};

const ROUNDS: usize = 5;
const SUBMITTERS: usize = 16;
const ENVELOPE_LEN: usize = 16 * 1024;
const ROLES: [&str; 1] = ["ccp"];
/// Bounds of one round's load phase, so a stuck server fails the test instead of hanging it.
const FIRST_ACK_TIMEOUT: Duration = Duration::from_secs(30);
const DRAIN_TIMEOUT: Duration = Duration::from_secs(30);

/// What the submitters of one round saw.
#[derive(Default)]
struct RoundLog {
    acknowledged: Mutex<Vec<([u8; 32], String)>>,
    /// Answers other than 201, by status (503 is the only one allowed: overload shedding).
    refused: Mutex<BTreeMap<u16, (usize, String)>>,
    /// Requests that got no answer although the server had not been killed yet.
    failed_before_kill: Mutex<Vec<String>>,
    in_flight: AtomicUsize,
    killed: AtomicBool,
}

impl RoundLog {
    fn acknowledged(&self) -> usize {
        self.acknowledged.lock().unwrap().len()
    }
}

async fn submitter(http: reqwest::Client, base: String, log: Arc<RoundLog>) {
    while !log.killed.load(Ordering::SeqCst) {
        let token = process::random_bytes::<32>();
        let envelope = process::fake_envelope(ENVELOPE_LEN);
        log.in_flight.fetch_add(1, Ordering::SeqCst);
        let outcome = process::submit(&http, &base, &token, &ROLES, &envelope).await;
        log.in_flight.fetch_sub(1, Ordering::SeqCst);
        match outcome {
            Submitted::Acknowledged(id) => log.acknowledged.lock().unwrap().push((token, id)),
            Submitted::Refused(status, body) => {
                let mut refused = log.refused.lock().unwrap();
                let entry = refused.entry(status).or_insert((0, body));
                entry.0 += 1;
            }
            Submitted::NoAnswer(e) => {
                if !log.killed.load(Ordering::SeqCst) {
                    log.failed_before_kill.lock().unwrap().push(e);
                }
                // Either the server is gone (the round is over) or it failed: stop either way.
                break;
            }
        }
    }
}

/// Figures of the whole test.
#[derive(Default)]
struct Totals {
    kills: usize,
    killed_in_flight: usize,
    /// Answers other than 201 over all rounds, by status.
    refused: BTreeMap<u16, (usize, String)>,
    acknowledged: Vec<([u8; 32], String)>,
}

/// Fails when any acknowledged report is `missing` (naming the first ten).
fn none_lost<T: std::fmt::Debug>(when: &str, missing: &[T], totals: &Totals) {
    assert!(
        missing.is_empty(),
        "{when}: {} of {} acknowledged reports lost: {:?}",
        missing.len(),
        totals.acknowledged.len(),
        &missing[..missing.len().min(10)]
    );
}

/// One round: start, verify everything acknowledged so far, load, SIGKILL mid-load.
async fn round(instance: &Instance, label: &str, n: usize, totals: &mut Totals) {
    let start = Instant::now();
    let server = instance.serve().await;
    let missing = process::missing_reports(&server, &totals.acknowledged, SUBMITTERS).await;
    none_lost(
        &format!("{label} round {n}, after the restart"),
        &missing,
        totals,
    );

    let log = Arc::new(RoundLog::default());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..SUBMITTERS {
        tasks.spawn(submitter(
            server.http.clone(),
            server.base_url(),
            log.clone(),
        ));
    }
    let waited = Instant::now();
    while log.acknowledged() == 0 {
        assert!(
            waited.elapsed() < FIRST_ACK_TIMEOUT && !tasks.is_empty(),
            "{label} round {n}: no submission acknowledged; refused {:?}, failed {:?}; log:\n{}",
            log.refused.lock().unwrap(),
            log.failed_before_kill.lock().unwrap(),
            server.log_tail()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let delay = process::random_between(100, 1000);
    tokio::time::sleep(Duration::from_millis(delay)).await;

    log.killed.store(true, Ordering::SeqCst);
    let in_flight = log.in_flight.load(Ordering::SeqCst);
    let pid = server.pid();
    let log_path = server.log.clone();
    let status = server.kill().await;
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "{label} round {n}: the server (pid {pid:?}) was not killed by SIGKILL but ended with {status}"
    );
    totals.kills += 1;
    totals.killed_in_flight += in_flight;
    tokio::time::timeout(DRAIN_TIMEOUT, async {
        while let Some(res) = tasks.join_next().await {
            res.unwrap();
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{label} round {n}: submitters did not stop after the kill"));

    let failed = log.failed_before_kill.lock().unwrap().clone();
    assert!(
        failed.is_empty(),
        "{label} round {n}: requests failed before the kill: {failed:?}"
    );
    let refused = log.refused.lock().unwrap().clone();
    for (&status, (count, body)) in &refused {
        let entry = totals.refused.entry(status).or_insert((0, body.clone()));
        entry.0 += count;
    }
    if refused.keys().any(|&status| status != 503) {
        // Checked at the end, after durability, so a failure reports both.
        println!(
            "{label} round {n}: unexpected answers {refused:?}; server log:\n{}",
            process::log_tail(&log_path, 3)
        );
    }
    let acknowledged = std::mem::take(&mut *log.acknowledged.lock().unwrap());

    if matches!(instance.database, Database::Sqlite) {
        // The file as the crash left it, recovered as any opener would: sound already.
        let (integrity, fk) = process::sqlite_integrity(&instance.sqlite_path()).await;
        assert_eq!(
            integrity,
            ["ok"],
            "{label} round {n}: integrity_check after the kill"
        );
        assert_eq!(
            fk, 0,
            "{label} round {n}: foreign key violations after the kill"
        );
    }
    println!(
        "{label} round {n}: killed after {delay} ms past the first 201, {} acknowledged, \
         {in_flight} requests in flight at the kill, {} refused, round took {:.1} s",
        acknowledged.len(),
        refused.values().map(|(count, _)| count).sum::<usize>(),
        start.elapsed().as_secs_f64()
    );
    totals.acknowledged.extend(acknowledged);
}

/// Rounds of load and SIGKILL, then a last restart that must find every acknowledged report.
async fn crash_rounds(instance: &Instance, label: &str) -> Totals {
    let mut totals = Totals::default();
    for n in 1..=ROUNDS {
        round(instance, label, n, &mut totals).await;
    }
    let server = instance.serve().await;
    let missing = process::missing_reports(&server, &totals.acknowledged, SUBMITTERS).await;
    // The check itself can fail: a token that was never submitted does not come back with an
    // acknowledged report's id (the server answers with a decoy thread of its own).
    let never_submitted = [(
        process::random_bytes::<32>(),
        totals.acknowledged[0].1.clone(),
    )];
    assert_eq!(
        process::missing_reports(&server, &never_submitted, 1)
            .await
            .len(),
        1,
        "{label}: the presence check cannot see a missing report"
    );
    server.kill().await;
    totals.kills += 1;

    let ids: std::collections::HashSet<&String> =
        totals.acknowledged.iter().map(|(_, id)| id).collect();
    assert_eq!(
        ids.len(),
        totals.acknowledged.len(),
        "{label}: report ids repeat"
    );
    println!(
        "{label}: {} rounds, {} kills (SIGKILL), {} acknowledged, {} in flight at the kills, \
         lost {}, refused {:?}",
        ROUNDS,
        totals.kills,
        totals.acknowledged.len(),
        totals.killed_in_flight,
        missing.len(),
        totals
            .refused
            .iter()
            .map(|(status, (count, _))| (status, count))
            .collect::<BTreeMap<_, _>>()
    );
    none_lost(label, &missing, &totals);
    assert!(
        totals.acknowledged.len() >= ROUNDS,
        "every round acknowledges at least one report"
    );
    // Not a durability failure, but a failure all the same: under this modest load every
    // submission is either acknowledged or, at most, shed with 503.
    assert!(
        totals.refused.keys().all(|&status| status == 503),
        "{label}: submissions failed (status: count, body): {:?}",
        totals.refused
    );
    totals
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_acknowledged_reports_survive_sigkill() {
    let started = Instant::now();
    let instance = Instance::sqlite().await;
    let totals = crash_rounds(&instance, "SQLite").await;

    let (integrity, fk) = process::sqlite_integrity(&instance.sqlite_path()).await;
    assert_eq!(integrity, ["ok"], "PRAGMA integrity_check");
    assert_eq!(fk, 0, "PRAGMA foreign_key_check");
    let reports = assert_consistent(&instance, totals.acknowledged.len()).await;
    println!(
        "SQLite: integrity_check ok, {reports} reports stored ({} acknowledged; the rest were \
         in flight at a kill), {:.1} s in all",
        totals.acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_acknowledged_reports_survive_sigkill() {
    let started = Instant::now();
    let instance = Instance::postgres("loket_crash").await;
    let totals = crash_rounds(&instance, "PostgreSQL").await;

    let reports = assert_consistent(&instance, totals.acknowledged.len()).await;
    let amcheck = postgres_amcheck(&instance).await;
    println!(
        "PostgreSQL: {reports} reports stored and readable ({} acknowledged), {amcheck}, \
         {:.1} s in all",
        totals.acknowledged.len(),
        started.elapsed().as_secs_f64()
    );
}

/// Reads every stored report in full and counts them; returns the number of reports and of
/// reports that lost their role routing (must be 0: both are written in one transaction).
/// Every envelope must be whole: distinct (they are random), framed, and of its full length.
async fn consistency(instance: &Instance) -> (i64, i64) {
    use sqlx::{Connection, Row};
    sqlx::any::install_default_drivers();
    let mut conn = sqlx::AnyConnection::connect(&instance.database_url())
        .await
        .unwrap();
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, COUNT(DISTINCT envelope) AS distinct_envelopes, \
         CAST(COALESCE(MIN(LENGTH(envelope)), 0) AS BIGINT) AS shortest FROM reports",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    let n: i64 = row.try_get("n").unwrap();
    let distinct: i64 = row.try_get("distinct_envelopes").unwrap();
    let shortest: i64 = row.try_get("shortest").unwrap();
    assert_eq!(
        distinct, n,
        "every stored envelope is distinct and readable"
    );
    assert!(
        n == 0 || shortest >= ENVELOPE_LEN as i64,
        "a stored envelope is shorter than sent: {shortest} bytes"
    );
    // Every envelope read back in full, row by row.
    let rows = sqlx::query("SELECT envelope FROM reports")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    for r in &rows {
        let envelope: Vec<u8> = r.try_get("envelope").unwrap();
        assert!(
            envelope.len() == process::fake_envelope(ENVELOPE_LEN).len()
                && envelope.starts_with(b"LOKT\x01"),
            "a stored envelope is not what was sent ({} bytes)",
            envelope.len()
        );
    }
    let without_roles = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM reports r WHERE NOT EXISTS \
         (SELECT 1 FROM report_roles rr WHERE rr.report_id = r.id)",
    )
    .await;
    let orphans = count(
        &mut conn,
        "SELECT COUNT(*) AS n FROM report_roles rr WHERE NOT EXISTS \
         (SELECT 1 FROM reports r WHERE r.id = rr.report_id)",
    )
    .await;
    assert_eq!(orphans, 0, "role routing of reports that do not exist");
    conn.close().await.unwrap();
    (n, without_roles)
}

/// Every acknowledged report is stored, and every stored report has its roles. Returns the
/// number of stored reports.
async fn assert_consistent(instance: &Instance, acknowledged: usize) -> i64 {
    let (reports, without_roles) = consistency(instance).await;
    assert!(
        reports >= acknowledged as i64,
        "{reports} reports stored, {acknowledged} acknowledged"
    );
    assert_eq!(without_roles, 0, "reports without roles");
    reports
}

/// The column `n` of the one row `sql` returns.
async fn count(conn: &mut sqlx::AnyConnection, sql: &str) -> i64 {
    use sqlx::Row;
    sqlx::query(sql)
        .fetch_one(conn)
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// PostgreSQL's own checks of the test database's tables and B-tree indexes (amcheck's
/// `verify_heapam` and `bt_index_check` with `heapallindexed`), if the extension is available.
async fn postgres_amcheck(instance: &Instance) -> String {
    use sqlx::{Connection, Row};
    let mut conn = sqlx::PgConnection::connect(&instance.database_url())
        .await
        .unwrap();
    if let Err(e) = sqlx::query("CREATE EXTENSION IF NOT EXISTS amcheck")
        .execute(&mut conn)
        .await
    {
        return format!("amcheck not available ({e})");
    }
    let corrupt_heap: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM pg_class c, LATERAL verify_heapam(c.oid) v \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap()
    .try_get("n")
    .unwrap();
    assert_eq!(corrupt_heap, 0, "verify_heapam found corruption");
    let indexes = sqlx::query(
        "SELECT bt_index_check(c.oid, true) FROM pg_class c JOIN pg_am am ON am.oid = c.relam \
         WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'i' \
         AND am.amname = 'btree'",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap_or_else(|e| panic!("bt_index_check failed: {e}"))
    .len();
    assert!(indexes > 0, "no index was checked");
    conn.close().await.unwrap();
    format!("amcheck clean (heap of every table, {indexes} B-tree indexes with all heap tuples)")
}
