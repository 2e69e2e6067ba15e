//! Backup and restore (issue 13), with the real `loket` binary on SQLite and PostgreSQL:
//! reporters submit reports sealed to a team member while `loket backup` runs; `loket restore`
//! brings the backup into a fresh instance, served by a fresh `loket serve`. Every report
//! acknowledged before the backup began is there and still opens for the member; a report
//! withdrawn after the backup stays gone (the deletion journal, docs/operations.md); the
//! retention purge runs on the restored data before anything serves it.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_crypto::MemberSecretKey;
use loket_e2e::process::{self, Instance, Server, Submitted};
use loket_e2e::{Reporter, open_report};
use loket_wire::api::{Directory, SignedDirectory, Thread};
use loket_wire::keys::OrganisationKey;
use loket_wire::paths::{self, route};

const SUBMITTERS: usize = 4;
const ROLES: [&str; 1] = ["ccp"];
/// Reports acknowledged before the backup starts, at least.
const BEFORE: usize = 40;
const LOAD_TIMEOUT: Duration = Duration::from_secs(60);

/// One acknowledged report: its lookup token, id, text, and when the answer came.
struct Acked {
    token: [u8; 32],
    id: String,
    text: String,
    at: Instant,
}

#[derive(Default)]
struct Load {
    acked: Mutex<Vec<Acked>>,
    stop: AtomicBool,
}

/// `loket <args>` on `instance`; its stdout, after checking it succeeded.
async fn loket(instance: &Instance, args: &[&str]) -> String {
    let out = instance.command().args(args).output().await.unwrap();
    assert!(
        out.status.success(),
        "loket {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `loket <args>` on `instance`, which must fail; its stderr.
async fn loket_fails(instance: &Instance, args: &[&str]) -> String {
    let out = instance.command().args(args).output().await.unwrap();
    assert_eq!(out.status.code(), Some(1), "loket {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// The directory the server publishes, verified with the instance's organisation key.
async fn directory(server: &Server, org: &OrganisationKey) -> Directory {
    let signed: SignedDirectory = server
        .http
        .get(server.url(&paths::api(route::DIRECTORY)))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    loket_client::verify_directory(&signed, org).unwrap()
}

async fn submitter(
    server_url: String,
    dir: Arc<Directory>,
    reporter: Arc<Reporter>,
    load: Arc<Load>,
) {
    let http = process::http_client(1);
    let mut n = 0;
    while !load.stop.load(Ordering::SeqCst) {
        n += 1;
        let token = process::random_bytes::<32>();
        let text = format!("Report {n}, {}", loket_e2e::random_hex(8));
        let envelope = reporter.seal_report(&dir, &text);
        match process::submit(&http, &server_url, &token, &ROLES, &envelope.0).await {
            Submitted::Acknowledged(id) => load.acked.lock().unwrap().push(Acked {
                token,
                id,
                text,
                at: Instant::now(),
            }),
            other => panic!("a submission under load failed: {other:?}"),
        }
    }
}

/// The thread of `token` on `server`, if the server has a report for it (an unknown token
/// gets a decoy with another id).
async fn thread(server: &Server, token: &[u8; 32]) -> Thread {
    let res = server
        .http
        .post(server.url(&paths::api(route::THREAD)))
        .json(&serde_json::json!({"lookup_token": STANDARD.encode(token)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The backup, made under load; returns the reports acknowledged before it started.
async fn backup_under_load(
    source: &Instance,
    server: &Server,
    dir: &Arc<Directory>,
    file: &Path,
) -> Vec<Acked> {
    let reporter = Arc::new(Reporter::new(dir, &ROLES));
    let load = Arc::new(Load::default());
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..SUBMITTERS {
        tasks.spawn(submitter(
            server.base_url(),
            dir.clone(),
            reporter.clone(),
            load.clone(),
        ));
    }
    let start = Instant::now();
    while load.acked.lock().unwrap().len() < BEFORE {
        assert!(start.elapsed() < LOAD_TIMEOUT, "the load did not get going");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let started = Instant::now();
    let printed = loket(source, &["backup", "--out", file.to_str().unwrap()]).await;
    assert!(printed.contains("ciphertext only"), "{printed}");
    let finished = Instant::now();
    // The load goes on after the backup too.
    let count = load.acked.lock().unwrap().len();
    while load.acked.lock().unwrap().len() < count + SUBMITTERS {
        assert!(start.elapsed() < LOAD_TIMEOUT, "the load stopped");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    load.stop.store(true, Ordering::SeqCst);
    while let Some(done) = tasks.join_next().await {
        done.unwrap();
    }
    let acked = std::mem::take(&mut *load.acked.lock().unwrap());
    let during = acked
        .iter()
        .filter(|a| a.at >= started && a.at < finished)
        .count();
    let (before, after): (Vec<_>, Vec<_>) = acked.into_iter().partition(|a| a.at < started);
    eprintln!(
        "backup under load: {} acknowledged before it, {during} while it ran, {} after it began; \
         it took {:?}",
        before.len(),
        after.len(),
        finished - started
    );
    assert!(before.len() >= BEFORE);
    before
}

/// Backs up `source` under load, withdraws a report after the backup, restores into `fresh`,
/// and checks the restored instance.
async fn backup_during_load_then_restore(source: Instance, fresh: Instance) {
    let member = MemberSecretKey::generate(&mut rand::rng());
    let public = member.public().encode();
    loket(
        &source,
        &[
            "member", "add", "--name", "Casey", "--role", "ccp", "--key", &public,
        ],
    )
    .await;
    let org = OrganisationKey::parse(loket(&source, &["org-key"]).await.trim()).unwrap();
    let server = source.serve().await;
    let dir = Arc::new(directory(&server, &org).await);

    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("loket.backup");
    let before = backup_under_load(&source, &server, &dir, &file).await;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "a backup is readable by its owner only");
    let again = loket_fails(&source, &["backup", "--out", file.to_str().unwrap()]).await;
    assert!(again.contains("never overwrites"), "{again}");

    // After the backup, the reporter of the first report withdraws it.
    let gone = &before[0];
    let res = server
        .http
        .post(server.url(&paths::api(route::THREAD_WITHDRAW)))
        .json(&serde_json::json!({"lookup_token": STANDARD.encode(gone.token)}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let journal = source.dir.path().join("deletions.journal");
    let listed = std::fs::read_to_string(&journal).unwrap();
    assert!(
        listed
            .lines()
            .any(|l| l.ends_with(&format!(" {}", gone.id))),
        "{listed}"
    );
    let token_b64 = STANDARD.encode(gone.token);
    assert!(!listed.contains(&token_b64), "the journal holds no token");
    server.terminate(Duration::from_secs(10)).await;

    let printed = loket(
        &fresh,
        &[
            "restore",
            "--from",
            file.to_str().unwrap(),
            "--journal",
            journal.to_str().unwrap(),
        ],
    )
    .await;
    assert!(
        printed.contains("Deleted again, as the deletion journal lists them: 1 report(s)."),
        "{printed}"
    );
    assert!(
        printed.contains("Purged, as retention says: 0 report(s)."),
        "{printed}"
    );
    let twice = loket_fails(&fresh, &["restore", "--from", file.to_str().unwrap()]).await;
    assert!(twice.contains("refusing to restore"), "{twice}");

    let restored = fresh.serve().await;
    assert_eq!(
        directory(&restored, &org).await.members.len(),
        dir.members.len(),
        "the signed directory came back"
    );
    for a in &before[1..] {
        let t = thread(&restored, &a.token).await;
        assert_eq!(
            t.report_id, a.id,
            "an acknowledged report is missing after restore"
        );
        let opened = open_report(member.identity(), &t.envelope)
            .expect("a restored report opens for the member it was sealed to");
        assert_eq!(opened.text, a.text);
    }
    let withdrawn = thread(&restored, &gone.token).await;
    assert_ne!(withdrawn.report_id, gone.id, "a withdrawn report came back");
    restored.terminate(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_during_load_then_restore() {
    let source = Instance::sqlite().await;
    let fresh = Instance::empty_sqlite();
    backup_during_load_then_restore(source, fresh).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_backup_during_load_then_restore() {
    let source = Instance::postgres("loket_backup").await;
    let fresh = Instance::empty_postgres("loket_restore").await;
    backup_during_load_then_restore(source, fresh).await;
}

/// Retention applies to what a backup brings back: a purge after the backup is in the journal,
/// and the restore deletes those reports again; without the journal, the restore's own purge
/// deletes what its retention says is due before anything serves it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purged_reports_stay_purged_after_restore() {
    let source = Instance::sqlite().await;
    let server = source.serve().await;
    let mut ids = Vec::new();
    for _ in 0..3 {
        let token = process::random_bytes::<32>();
        let envelope = process::fake_envelope(1024);
        match process::submit(&server.http, &server.base_url(), &token, &ROLES, &envelope).await {
            Submitted::Acknowledged(id) => ids.push(id),
            other => panic!("{other:?}"),
        }
    }
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("loket.backup");
    let file = file.to_str().unwrap();
    loket(&source, &["backup", "--out", file]).await;
    server.terminate(Duration::from_secs(10)).await;

    // The purge after the backup writes each report it deletes to the journal.
    let purged = loket(&source, &["purge", "--keep-no-complaint-days", "0"]).await;
    assert!(purged.contains("Purged 3 report(s)"), "{purged}");
    let journal = source.dir.path().join("deletions.journal");
    let listed = std::fs::read_to_string(&journal).unwrap();
    for id in &ids {
        assert!(listed.contains(&format!(" {id}\n")), "{listed}");
    }
    let fresh = Instance::empty_sqlite();
    let journal = journal.to_str().unwrap();
    let printed = loket(&fresh, &["restore", "--from", file, "--journal", journal]).await;
    assert!(
        printed.contains("Deleted again, as the deletion journal lists them: 3 report(s)."),
        "{printed}"
    );
    assert!(printed.contains("Reports now: 0."), "{printed}");

    // Without a journal the restore refuses, unless told; then its own purge applies.
    let other = Instance::empty_sqlite();
    let refused = loket_fails(&other, &["restore", "--from", file]).await;
    assert!(refused.contains("without a deletion journal"), "{refused}");
    let printed = loket(
        &other,
        &[
            "restore",
            "--from",
            file,
            "--without-journal",
            "--keep-no-complaint-days",
            "0",
        ],
    )
    .await;
    assert!(printed.contains("The backup held 3 report(s)"), "{printed}");
    assert!(
        printed.contains("Purged, as retention says: 3 report(s)."),
        "{printed}"
    );
    assert!(printed.contains("Reports now: 0."), "{printed}");
}

loket_e2e::on_both_backends!(every_deletion_is_journaled_before_it_commits);

/// In process, on both backends: a withdrawal, a spam deletion and the purge each write the
/// deleted report's id (and the hour, nothing else) to the journal; a deletion whose journal
/// line cannot be written is rolled back.
async fn every_deletion_is_journaled_before_it_commits(app: loket_e2e::TestApp) {
    use loket_server::clock::{DAY, now};
    use loket_server::store::journal::{self, Journal};
    use loket_server::store::{LookupHash, MemberId, ReportId};

    let (member, _) = app.add_member("Casey", &["ccp"]).await;
    let member = MemberId::from(member);
    let dir = app.directory().await;
    let mut sent = Vec::new();
    for text in ["withdrawn", "spam", "purged"] {
        let reporter = Reporter::new(&dir, &ROLES);
        let id = reporter.submit(&app, &dir, text).await.report_id;
        sent.push((reporter, ReportId::from(id)));
    }
    let files = tempfile::tempdir().unwrap();

    // A journal that cannot be written: the withdrawal fails and the report stays.
    std::fs::write(files.path().join("not-a-dir"), b"").unwrap();
    let broken = Journal::new(files.path().join("not-a-dir/deletions.journal"), DAY);
    let lookup = LookupHash::of(sent[0].0.keys.lookup_token.as_slice());
    let failed = app
        .store
        .clone()
        .with_journal(broken)
        .withdraw_report(&lookup)
        .await;
    assert!(
        failed.is_err(),
        "a deletion without its journal line must fail"
    );
    let (status, json) = sent[0].0.read_thread(&app).await;
    assert_eq!(
        (status, json["report_id"].as_str()),
        (200, Some(sent[0].1.as_str()))
    );

    let path = files.path().join("deletions.journal");
    let store = app
        .store
        .clone()
        .with_journal(Journal::new(path.clone(), 400 * DAY));
    let withdrawn = store.withdraw_report(&lookup).await.unwrap();
    assert_eq!(withdrawn.as_ref(), Some(&sent[0].1));
    store
        .mark_spam(&member, &sent[1].1, true, now())
        .await
        .unwrap();
    store.delete_spam(&member, &sent[1].1, now()).await.unwrap();
    let purged = store.purge(now(), now(), 0).await.unwrap();
    assert_eq!(purged.reports, 1);

    let listed = journal::read(&path).unwrap();
    let expected: std::collections::BTreeSet<_> = sent.iter().map(|(_, id)| id.clone()).collect();
    assert_eq!(listed.deleted, expected);
    assert_eq!(listed.unreadable, 0);
    let text = std::fs::read_to_string(&path).unwrap();
    for line in text.lines().skip(2) {
        let (hour, _) = line.split_once(' ').unwrap();
        assert_eq!(hour.parse::<i64>().unwrap() % 3600, 0, "hours only: {line}");
    }
    app.shutdown().await;
}

/// A backup made before migration 0011 (no backup mark) comes up: the restore migrates it, and
/// says it cannot check the journal against a backup that carries no time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_backup_is_migrated_on_restore() {
    use sqlx::Connection;
    let source = Instance::sqlite().await;
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("loket.backup");
    loket(&source, &["backup", "--out", file.to_str().unwrap()]).await;
    let url = format!("sqlite://{}?mode=rw", file.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    for statement in [
        "DROP TABLE backup_mark",
        "DELETE FROM _sqlx_migrations WHERE version = 11",
    ] {
        sqlx::query(statement).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();

    let fresh = Instance::empty_sqlite();
    let journal = source.dir.path().join("deletions.journal");
    let out = fresh
        .command()
        .args(["restore", "--from", file.to_str().unwrap(), "--journal"])
        .arg(&journal)
        .output()
        .await
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("no time (an older or hand-made backup)"),
        "{stdout}"
    );
    assert!(stderr.contains("carries no time"), "{stderr}");
    // Migrated: the restored instance has the table `loket backup` writes.
    let again = backups.path().join("again.backup");
    loket(&fresh, &["backup", "--out", again.to_str().unwrap()]).await;
    let server = fresh.serve().await;
    server.terminate(Duration::from_secs(10)).await;
}

/// A damaged backup is refused with a message and a non-zero status, and leaves nothing in the
/// data directory.
#[tokio::test]
async fn a_damaged_backup_is_refused_and_leaves_nothing() {
    let backups = tempfile::tempdir().unwrap();
    let file = backups.path().join("damaged.backup");
    let mut bytes = b"SQLite format 3\0".to_vec();
    bytes.extend_from_slice(&process::random_bytes::<4096>());
    std::fs::write(&file, bytes).unwrap();
    let fresh = Instance::empty_sqlite();
    let args = [
        "restore",
        "--from",
        file.to_str().unwrap(),
        "--without-journal",
    ];
    let refused = loket_fails(&fresh, &args).await;
    assert!(
        refused.contains("is not a sound SQLite database"),
        "{refused}"
    );
    let left: Vec<_> = std::fs::read_dir(fresh.dir.path()).unwrap().collect();
    assert!(left.is_empty(), "a failed restore left {left:?}");
}
