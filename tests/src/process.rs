//! Helpers for the tests that run the real `loket` binary as a separate process (crash,
//! scale-out): an instance on a fresh SQLite directory or a fresh PostgreSQL database,
//! `loket init`, `loket serve` on a free port with the test environment, readiness, SIGKILL,
//! and the reporter's two calls (submit, read the thread) with the raw JSON of the API.
//!
//! Every server these helpers start gets `LOKET_POW_BITS=0` (no proof-of-work) and
//! `LOKET_RATE_LIMIT=0` (no global rate limit), so load from one address is not refused.
//!
//! The binary: `LOKET_BIN` if set (`scripts/test.sh` builds it first and sets it); otherwise
//! [`loket_bin`] builds it once per test run with `cargo build -p loket-server --bin loket`
//! in the same profile, so it is never stale. That build uses a target directory of its own,
//! `target/loket-bin/`: `cargo test` holds the lock of the tests' target directory while the
//! tests run, so a build there would wait for ever.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use loket_wire::paths::{self, route};
use sqlx::Connection;
use tokio::process::{Child, Command};

use crate::{create_pg_database, drop_pg_database};

/// The `loket` binary of the server under test (see the module's documentation).
pub fn loket_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("LOKET_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => build_bin("loket-server", "loket"),
    })
    .as_path()
}

/// The `loket-team` binary (`LOKET_TEAM_BIN` if set, otherwise built like [`loket_bin`]).
pub fn loket_team_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| match std::env::var_os("LOKET_TEAM_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => build_bin("loket-team", "loket-team"),
    })
    .as_path()
}

/// `cargo build -p <package> --bin <bin>` in the profile of this test binary, which lives in
/// `<target>/<profile>/deps/`; the binary lands in `<target>/loket-bin/<profile>/`.
fn build_bin(package: &str, bin: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lies in <target>/<profile>/deps")
        .to_path_buf();
    let profile = profile_dir
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let bin_target = profile_dir.parent().unwrap().join("loket-bin");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["build", "-p", package, "--bin", bin])
        .env("CARGO_TARGET_DIR", &bin_target);
    match profile.as_str() {
        "debug" => {}
        "release" => {
            cmd.arg("--release");
        }
        other => {
            cmd.args(["--profile", other]);
        }
    }
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "building {bin} failed (set LOKET_BIN or LOKET_TEAM_BIN to use a built one):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin_target
        .join(profile)
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX))
}

/// The environment of every `loket` process the tests start.
pub const TEST_ENV: [(&str, &str); 2] = [("LOKET_POW_BITS", "0"), ("LOKET_RATE_LIMIT", "0")];

/// How long a freshly started server may take to answer `GET /api/v1/directory`.
const READY_TIMEOUT: Duration = Duration::from_secs(60);

pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).unwrap();
    out
}

/// A uniformly random number in `lo..=hi`.
pub fn random_between(lo: u64, hi: u64) -> u64 {
    lo + u64::from_le_bytes(random_bytes::<8>()) % (hi - lo + 1)
}

/// Something the server accepts as an envelope: the frame and shape of one to a single
/// reader, of about `len` bytes (the padding bucket that fits), filled with random bytes. The
/// server checks only the shape; these tests never decrypt.
pub fn fake_envelope(len: usize) -> Vec<u8> {
    let padded = len.saturating_sub(loket_format::envelope::header_len(1) + 16);
    loket_format::envelope::sized_decoy(1, padded, |rest| getrandom::fill(rest).unwrap())
}

/// A port on 127.0.0.1 that was free a moment ago. Another process may take it before the
/// server binds it: [`Instance::serve`] then retries with another.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap()
}

/// The database of an instance.
#[derive(Clone, Debug)]
pub enum Database {
    /// `loket.db` in the data directory.
    Sqlite,
    /// A database made for this test, dropped when the [`Instance`] is dropped.
    Postgres { name: String, url: String },
}

/// A Loket instance: a data directory (logs, and for SQLite the database), its database, and
/// the organisation key's custodian: a directory of its own outside the data directory (the
/// server refuses to serve with the key beside its data, docs/operations.md).
pub struct Instance {
    pub dir: tempfile::TempDir,
    pub custody: tempfile::TempDir,
    pub database: Database,
    spawned: AtomicUsize,
}

impl Instance {
    /// A fresh instance on SQLite, initialised with `loket init`.
    pub async fn sqlite() -> Self {
        let instance = Self::empty_sqlite();
        instance.init().await;
        instance
    }

    /// A fresh instance on a new PostgreSQL database `<prefix>_<random>`, initialised with
    /// `loket init`.
    pub async fn postgres(prefix: &str) -> Self {
        let instance = Self::empty_postgres(prefix).await;
        instance.init().await;
        instance
    }

    /// An empty data directory for SQLite, not initialised: where `loket restore` goes.
    pub fn empty_sqlite() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
            custody: tempfile::tempdir().unwrap(),
            database: Database::Sqlite,
            spawned: AtomicUsize::new(0),
        }
    }

    /// A new, empty PostgreSQL database `<prefix>_<random>`, not initialised.
    pub async fn empty_postgres(prefix: &str) -> Self {
        let (name, url) = create_pg_database(prefix).await;
        Self {
            dir: tempfile::tempdir().unwrap(),
            custody: tempfile::tempdir().unwrap(),
            database: Database::Postgres { name, url },
            spawned: AtomicUsize::new(0),
        }
    }

    /// The SQLite database file (meaningful for [`Database::Sqlite`] only).
    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.path().join("loket.db")
    }

    /// A connection URL for the tests' own look at the database after the servers stopped.
    pub fn database_url(&self) -> String {
        match &self.database {
            Database::Sqlite => format!("sqlite://{}?mode=rw", self.sqlite_path().display()),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    /// The organisation key file, with its custodian.
    pub fn org_key_path(&self) -> PathBuf {
        self.custody.path().join("organisation.key")
    }

    /// `loket --data-dir <dir> [--database-url <url>]` with the test environment, the
    /// custodian's key file for the admin commands (`serve` does not read it), and nothing
    /// inherited that could point it elsewhere.
    pub fn command(&self) -> Command {
        let mut cmd = Command::new(loket_bin());
        cmd.env_remove("DATABASE_URL")
            .env_remove("LOKET_DATA_DIR")
            .env_remove("LOKET_LISTEN")
            .env_remove("LOKET_DEMO")
            .env("LOKET_ORG_KEY_FILE", self.org_key_path())
            .env(
                "LOKET_LOG",
                std::env::var("LOKET_TEST_LOG").unwrap_or_else(|_| "warn".into()),
            )
            .env("NO_COLOR", "1")
            .envs(TEST_ENV)
            .arg("--data-dir")
            .arg(self.dir.path());
        if let Database::Postgres { url, .. } = &self.database {
            cmd.arg("--database-url").arg(url);
        }
        cmd.stdin(Stdio::null()).kill_on_drop(true);
        cmd
    }

    async fn init(&self) {
        let out = self
            .command()
            .args(["init", "--organisation", "Crash Test University"])
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "loket init failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Starts `loket serve` on a free port and waits until it answers `GET /api/v1/directory`.
    /// `extra_env` is added to the test environment (for example a setting under test).
    pub async fn serve(&self) -> Server {
        self.serve_with(&[]).await
    }

    pub async fn serve_with(&self, extra_env: &[(&str, &str)]) -> Server {
        let mut last_log = String::new();
        for _attempt in 0..5 {
            let n = self.spawned.fetch_add(1, Ordering::Relaxed);
            let log_path = self.dir.path().join(format!("serve-{n}.log"));
            let log = std::fs::File::create(&log_path).unwrap();
            let addr = SocketAddr::from(([127, 0, 0, 1], free_port()));
            let child = self
                .command()
                .envs(extra_env.iter().copied())
                .arg("serve")
                .arg("--listen")
                .arg(addr.to_string())
                .stdout(Stdio::null())
                .stderr(Stdio::from(log))
                .spawn()
                .unwrap();
            let mut server = Server {
                child,
                addr,
                log: log_path,
                http: http_client(32),
            };
            match server.wait_ready().await {
                Ok(()) => return server,
                // Most likely the port was taken in between: try another.
                Err(status) => {
                    last_log = server.log_tail();
                    eprintln!("loket serve on {addr} exited early ({status}); retrying");
                }
            }
        }
        panic!("loket serve did not start; last log:\n{last_log}");
    }
}

impl Drop for Instance {
    /// Drops the test's PostgreSQL database, also when the test failed. Runs on a thread of its
    /// own so it works inside and outside a Tokio runtime.
    fn drop(&mut self) {
        let Database::Postgres { name, .. } = &self.database else {
            return;
        };
        let name = name.clone();
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(drop_pg_database(&name)).ok()
        })
        .join();
        if !matches!(dropped, Ok(Some(()))) {
            eprintln!("could not drop the test database");
        }
    }
}

/// An HTTP client with keep-alive connections for `clients` concurrent callers.
pub fn http_client(clients: usize) -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A running `loket serve` process. Dropping it kills the process.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    pub log: PathBuf,
    pub http: reqwest::Client,
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Waits until `GET /api/v1/directory` answers 200; `Err` with the exit status if the process
    /// ended first.
    async fn wait_ready(&mut self) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < READY_TIMEOUT {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(status.to_string());
            }
            if let Ok(res) = self
                .http
                .get(self.url(&paths::api(route::DIRECTORY)))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                && res.status() == reqwest::StatusCode::OK
            {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "loket serve on {} did not answer within {READY_TIMEOUT:?}; log:\n{}",
            self.addr,
            self.log_tail()
        );
    }

    /// The last lines of the server's log (stderr), for failure messages.
    pub fn log_tail(&self) -> String {
        log_tail(&self.log, 40)
    }

    /// SIGKILL, as a power cut would leave it: no shutdown, no flush, no goodbye. Returns once
    /// the process is gone.
    pub async fn kill(mut self) -> ExitStatus {
        self.child.start_kill().unwrap();
        self.child.wait().await.unwrap()
    }

    /// SIGTERM (graceful shutdown: requests in flight finish), SIGKILL after `grace`.
    pub async fn terminate(mut self, grace: Duration) -> ExitStatus {
        if let Some(pid) = self.child.id() {
            let _ = std::process::Command::new("kill")
                .args(["-TERM", &pid.to_string()])
                .status();
        }
        match tokio::time::timeout(grace, self.child.wait()).await {
            Ok(status) => status.unwrap(),
            Err(_) => self.kill().await,
        }
    }
}

/// The last `n` lines of a server's log file.
pub fn log_tail(path: &Path, n: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// What became of one submission.
#[derive(Debug)]
pub enum Submitted {
    /// 201 with this report id: the server promised the report is stored.
    Acknowledged(String),
    /// Any other HTTP answer.
    Refused(u16, String),
    /// No HTTP answer (connection refused or reset, timeout).
    NoAnswer(String),
}

/// `POST /api/v1/reports` with `token` and `envelope`.
pub async fn submit(
    http: &reqwest::Client,
    base: &str,
    token: &[u8; 32],
    roles: &[&str],
    envelope: &[u8],
) -> Submitted {
    let body = serde_json::json!({
        "lookup_token": STANDARD.encode(token),
        "roles": roles,
        "envelope": STANDARD.encode(envelope),
    });
    let res = match http
        .post(format!("{base}{}", paths::api(route::REPORTS)))
        .json(&body)
        .send()
        .await
    {
        Ok(res) => res,
        Err(e) => return Submitted::NoAnswer(e.to_string()),
    };
    let status = res.status().as_u16();
    let json: serde_json::Value = match res.json().await {
        Ok(json) => json,
        Err(e) => return Submitted::NoAnswer(format!("status {status}, body lost: {e}")),
    };
    match (status, json["report_id"].as_str()) {
        (201, Some(id)) => Submitted::Acknowledged(id.to_owned()),
        _ => Submitted::Refused(status, json.to_string()),
    }
}

/// `POST /api/v1/thread` with `token`: the status, and the report id if it answered 200, or the
/// error code otherwise. An unknown token gets 200 too, with a decoy thread whose report id is
/// not any stored report's: presence is "200 with the acknowledged id".
pub async fn read_thread(
    http: &reqwest::Client,
    base: &str,
    token: &[u8; 32],
) -> Result<(u16, String), String> {
    let res = http
        .post(format!("{base}{}", paths::api(route::THREAD)))
        .json(&serde_json::json!({"lookup_token": STANDARD.encode(token)}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let status = res.status().as_u16();
    let json: serde_json::Value = res.json().await.map_err(|e| e.to_string())?;
    let field = if status == 200 { "report_id" } else { "code" };
    Ok((status, json[field].as_str().unwrap_or_default().to_owned()))
}

/// Reads the thread of every `(token, report_id)` with `concurrency` callers; returns those
/// that did not come back as 200 with the same report id, with what came back instead.
pub async fn missing_reports(
    server: &Server,
    acknowledged: &[([u8; 32], String)],
    concurrency: usize,
) -> Vec<(String, String)> {
    let items = std::sync::Arc::new(acknowledged.to_vec());
    let next = std::sync::Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (items, next, http, base) = (
            items.clone(),
            next.clone(),
            server.http.clone(),
            server.base_url(),
        );
        tasks.spawn(async move {
            let mut missing = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((token, id)) = items.get(i) else {
                    break;
                };
                match read_thread(&http, &base, token).await {
                    Ok((200, got)) if &got == id => {}
                    Ok((status, got)) => {
                        missing.push((id.clone(), format!("status {status} {got}")));
                    }
                    Err(e) => missing.push((id.clone(), format!("no answer: {e}"))),
                }
            }
            missing
        });
    }
    let mut missing = Vec::new();
    while let Some(part) = tasks.join_next().await {
        missing.extend(part.unwrap());
    }
    missing
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check` of the SQLite file at `path`,
/// opened the way SQLite recovers after a crash (the write-ahead log is replayed on open).
/// Returns the integrity check's rows (`["ok"]` when sound) and the foreign key violations.
pub async fn sqlite_integrity(path: &Path) -> (Vec<String>, usize) {
    use sqlx::Row;
    let url = format!("sqlite://{}?mode=rw", path.display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let rows = sqlx::query("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    let integrity = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0).unwrap())
        .collect();
    let fk = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .len();
    conn.close().await.unwrap();
    (integrity, fk)
}
