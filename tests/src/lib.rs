//! Test harness: each test gets its own server, on its own database (a fresh SQLite file or a
//! fresh PostgreSQL database), plus native clients that play the portal's part with the same
//! loket-crypto and loket-wire code the portal uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod browser;
pub mod cdp;
pub mod process;

use std::path::PathBuf;

pub use loket_client::{OpenedReport, open_message, open_report};
use loket_crypto::keyfile::{self, KdfParams};
use loket_crypto::{FollowUpCode, MemberSecretKey, ReporterKeys};
use loket_server::{App, OrganisationSigner, ServeConfig, Store};
use loket_wire::api::{
    Directory, PostAnswer, PostReply, SignedDirectory, SubmitReport, SubmitReportResponse,
};
use loket_wire::keys::OrganisationKey;
use loket_wire::paths::{self, route};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest, PowSolution};
use loket_wire::{B64, ErrorBody};
use sqlx::Connection;

/// The organisation key of every test instance. Test-only: the portal that `scripts/test.sh`
/// builds is pinned to its public half (`tests/fixtures/organisation.pub`); a real deployment
/// makes its own with `loket init`.
pub const TEST_ORG_SEED: [u8; 32] = *b"loket test organisation key 0001";

pub fn test_org() -> OrganisationSigner {
    OrganisationSigner::from_seed(&TEST_ORG_SEED)
}

/// The public key the test portal is built with.
pub fn test_org_key() -> OrganisationKey {
    test_org().public()
}

/// Where the tests find PostgreSQL; each test makes and drops its own database there.
pub fn pg_admin_url() -> String {
    std::env::var("LOKET_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// `n` random bytes in hex.
pub fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Makes a fresh PostgreSQL database `<prefix>_<random>`; returns its name and URL.
pub async fn create_pg_database(prefix: &str) -> (String, String) {
    let admin = pg_admin_url();
    let name = format!("{prefix}_{}", random_hex(6));
    let mut conn = sqlx::PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for these tests: {e}"));
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
    let url = format!("{base}/{name}");
    (name, url)
}

/// Drops a database [`create_pg_database`] made, with whatever is still connected to it.
pub async fn drop_pg_database(name: &str) -> Result<(), sqlx::Error> {
    let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await?;
    sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .execute(&mut conn)
        .await?;
    conn.close().await
}

/// Runs each named test function (`async fn name(app: TestApp)`) twice: in a module `sqlite`
/// against a fresh SQLite app and in a module `postgres` against a fresh PostgreSQL one, with
/// [`TestApp::test_config`] or, after `with`, the `ServeConfig` a function of that name returns.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident $(with $config:ident)?),* $(,)?) => {
        $crate::on_both_backends!(@backend sqlite sqlite_with; $($name $(with $config)?),*);
        $crate::on_both_backends!(@backend postgres postgres_with; $($name $(with $config)?),*);
    };
    (@backend $backend:ident $start:ident; $($name:ident $(with $config:ident)?),*) => {
        mod $backend {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() {
                #[allow(unused_mut, unused_assignments)]
                let mut config = $crate::TestApp::test_config();
                $( config = super::$config(); )?
                super::$name($crate::TestApp::$start(config).await).await
            } )*
        }
    };
}

pub enum Db {
    Sqlite { dir: tempfile::TempDir },
    Postgres { name: String },
}

/// The median of some measurements (the benchmarks' figure); NaN for none.
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

/// `loket-team serve` on 127.0.0.1, in front of a [`TestApp`].
pub struct TeamApp {
    pub addr: std::net::SocketAddr,
}

impl TeamApp {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }
}

/// A running server on 127.0.0.1 with its own database.
pub struct TestApp {
    pub addr: std::net::SocketAddr,
    pub store: Store,
    pub db: Db,
    pub http: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    pub async fn sqlite() -> Self {
        Self::sqlite_with(Self::test_config()).await
    }

    pub async fn postgres() -> Self {
        Self::postgres_with(Self::test_config()).await
    }

    pub async fn postgres_with(config: ServeConfig) -> Self {
        let (name, url) = create_pg_database("loket_test").await;
        Self::start_with(&url, Db::Postgres { name }, config).await
    }

    /// The settings of test servers: real proof of work at a low difficulty (8 bits, solved in
    /// about a millisecond), no automatic raise and no rate limits (tests that need them set
    /// their own), no background purge (tests call it).
    pub fn test_config() -> ServeConfig {
        let mut config = ServeConfig::default();
        config.limits.pow.bits = 8;
        config.limits.pow.raise_per_minute = 0;
        config.limits.rates = loket_server::config::Rates::from_limit(0);
        config.retention.purge_interval = 0;
        config
    }

    pub async fn sqlite_with(config: ServeConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = loket_server::sqlite_url(dir.path()).unwrap();
        Self::start_with(&url, Db::Sqlite { dir }, config).await
    }

    async fn start_with(url: &str, db: Db, config: ServeConfig) -> Self {
        let store = Store::connect(url).await.unwrap();
        store.init_organisation("Test University", 0).await.unwrap();
        let now = loket_server::clock::now();
        loket_server::publish(&store, &test_org(), now)
            .await
            .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let timeouts = config.http.timeouts;
        let app = App::build(store.clone(), config).await.unwrap();
        app.jobs.start();
        let server = tokio::spawn(async move {
            loket_server::serve(listener, app.router, timeouts, async {
                let _ = stopped.await;
            })
            .await
            .unwrap();
        });
        Self {
            addr,
            store,
            db,
            http: reqwest::Client::new(),
            server,
            stop: Some(stop),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The URL of this app's database, for tests that read its rows as they are.
    pub fn database_url(&self) -> String {
        match &self.db {
            Db::Sqlite { dir } => loket_server::sqlite_url(dir.path()).unwrap(),
            Db::Postgres { name } => {
                let admin = pg_admin_url();
                let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
                format!("{base}/{name}")
            }
        }
    }

    /// The SQLite database files (main file, WAL, shared memory) of this app.
    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        match &self.db {
            Db::Sqlite { dir } => ["loket.db", "loket.db-wal", "loket.db-shm"]
                .iter()
                .map(|f| dir.path().join(f))
                .collect(),
            Db::Postgres { .. } => Vec::new(),
        }
    }

    /// The team's app as a member runs it: `loket-team serve` (team-cli/src/serve.rs) on its
    /// own loopback port, passing the app's requests on to this server. It stops with the
    /// test's runtime.
    pub async fn team_app(&self) -> TeamApp {
        self.team_app_with(loket_team::serve::Settings::default())
            .await
    }

    /// [`team_app`](Self::team_app) with settings of its own (a short idle lock).
    pub async fn team_app_with(&self, settings: loket_team::serve::Settings) -> TeamApp {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let upstream = loket_team::serve::Upstream::parse(&self.url("")).unwrap();
        tokio::spawn(async move {
            loket_team::serve::run(listener, upstream, settings, std::future::pending())
                .await
                .unwrap();
        });
        TeamApp { addr }
    }

    /// Stops the server and drops a PostgreSQL database.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
        self.store.close().await;
        if let Db::Postgres { name } = &self.db {
            drop_pg_database(name).await.unwrap();
        }
    }

    /// The directory as a client sees it: fetched, and verified with the organisation key.
    pub async fn directory(&self) -> Directory {
        let signed: SignedDirectory = self
            .http
            .get(self.url(&paths::api(route::DIRECTORY)))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        loket_client::verify_directory(&signed, &test_org_key()).unwrap()
    }

    /// What a server that wants to read along would do: add a member key of its own to the
    /// signed directory under a new serial, keeping the organisation's old signature. Returns
    /// the genuine row it replaced.
    pub async fn add_intruder_to_directory(&self) -> loket_server::store::SignedDirectoryRow {
        let row = self.store.signed_directory().await.unwrap().unwrap();
        let mut dir: Directory = serde_json::from_slice(&row.body).unwrap();
        let intruder = MemberSecretKey::generate(&mut rand::rng()).public();
        let mut extra = dir.members[0].clone();
        extra.id = "intruder".into();
        extra.name = "Intruder".into();
        extra.x25519 = B64(intruder.x25519.to_vec());
        extra.ed25519 = B64(intruder.ed25519.to_vec());
        dir.members.push(extra);
        dir.serial += 1;
        self.store
            .save_signed_directory(&loket_server::store::SignedDirectoryRow {
                serial: dir.serial,
                body: serde_json::to_vec(&dir).unwrap(),
                signature: row.signature.clone(),
            })
            .await
            .unwrap();
        row
    }

    /// Re-signs the directory after a change, as the admin commands do.
    pub async fn publish(&self) {
        loket_server::publish(&self.store, &test_org(), loket_server::clock::now())
            .await
            .unwrap();
    }

    /// Adds a member with fresh keys to `roles`; returns the member id and secret key.
    pub async fn add_member(&self, name: &str, roles: &[&str]) -> (String, MemberSecretKey) {
        let key = MemberSecretKey::generate(&mut rand::rng());
        let public = key.public();
        let roles: Vec<_> = roles.iter().map(|r| (*r).into()).collect();
        let id = self
            .store
            .add_member(name, &public, &roles, 0)
            .await
            .unwrap();
        self.publish().await;
        (id.into_string(), key)
    }

    /// A team for the annual report (issue 14): a fresh statistics key and `units` in the
    /// directory, and a member for each of the three roles (CCP first, then the confidential
    /// adviser and the ombudsperson); returns the statistics key and the members.
    pub async fn statistics_team(
        &self,
        units: &[&str],
    ) -> (MemberSecretKey, Vec<(String, MemberSecretKey)>) {
        let stats_key = MemberSecretKey::generate(&mut rand::rng());
        let units: Vec<String> = units.iter().map(|u| u.to_string()).collect();
        self.store
            .set_statistics(Some(&stats_key.public().x25519), &units)
            .await
            .unwrap();
        let mut members = Vec::new();
        for (name, role) in [
            ("Casey (CCP)", "ccp"),
            ("Vera (VP)", "confidential-adviser"),
            ("Olivia (Ombuds)", "ombudsperson"),
        ] {
            members.push(self.add_member(name, &[role]).await);
        }
        (stats_key, members)
    }

    /// Downloads every piece of an attachment with a team session: its ciphertext.
    pub async fn download_attachment(
        &self,
        bearer: &str,
        info: &loket_wire::api::AttachmentInfo,
    ) -> Vec<u8> {
        let mut ciphertext = Vec::new();
        for i in 0..info.pieces {
            let index = i.to_string();
            let path = paths::fill(route::TEAM_ATTACHMENT_PIECE, &[&info.attachment_id, &index]);
            let res = self
                .http
                .get(self.url(&path))
                .bearer_auth(bearer)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status().as_u16(), 200, "{path}");
            ciphertext.extend_from_slice(&res.bytes().await.unwrap());
        }
        ciphertext
    }

    /// A solved proof-of-work challenge for `purpose`, as the portal gets one.
    pub async fn pow(&self, purpose: PowPurpose) -> PowSolution {
        let (status, json) = self
            .post_raw(&paths::api(route::POW), &PowRequest { purpose }, None)
            .await;
        assert_eq!(status, 200, "{json}");
        let challenge: PowChallenge = serde_json::from_value(json).unwrap();
        loket_wire::pow::solve(&challenge).unwrap()
    }

    /// POSTs JSON to `path` (from `loket_wire::paths`) and returns the status and the parsed
    /// body. Like the portal, it pays the proof of work of the reporter's endpoints first
    /// (unless the body carries one).
    pub async fn post<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
        bearer: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let purpose = path
            .strip_prefix(paths::PREFIX)
            .and_then(paths::pow_purpose);
        let mut json = serde_json::to_value(body).unwrap();
        if let (Some(purpose), Some(obj)) = (purpose, json.as_object_mut())
            && !obj.contains_key("pow")
        {
            let solution = self.pow(purpose).await;
            obj.insert("pow".into(), serde_json::to_value(solution).unwrap());
        }
        self.post_raw(path, &json, bearer).await
    }

    /// POSTs JSON as it is (no proof of work added).
    pub async fn post_raw<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
        bearer: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.http.post(self.url(path)).json(body);
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }

    pub async fn get(&self, path: &str, bearer: Option<&str>) -> (u16, serde_json::Value) {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = bearer {
            req = req.bearer_auth(t);
        }
        let res = req.send().await.unwrap();
        let status = res.status().as_u16();
        (status, res.json().await.unwrap_or(serde_json::Value::Null))
    }
}

/// Typed calls of the endpoints the tests use most, each returning the status and the body.
impl TestApp {
    /// `POST` a submission `body` (any JSON), paying the proof of work unless it carries one.
    pub async fn submit<T: serde::Serialize + ?Sized>(&self, body: &T) -> (u16, serde_json::Value) {
        self.post(&paths::api(route::REPORTS), body, None).await
    }

    /// `POST` a submission `body` as it is (no proof of work added).
    pub async fn submit_raw<T: serde::Serialize + ?Sized>(
        &self,
        body: &T,
    ) -> (u16, serde_json::Value) {
        self.post_raw(&paths::api(route::REPORTS), body, None).await
    }

    /// `POST` withdraw with `lookup_token`.
    pub async fn withdraw(&self, lookup_token: B64) -> (u16, serde_json::Value) {
        let body = serde_json::json!({ "lookup_token": lookup_token });
        self.post(&paths::api(route::THREAD_WITHDRAW), &body, None)
            .await
    }

    /// `POST` a reporter's answer (sealed `envelope`) to the thread of `lookup_token`.
    pub async fn answer(&self, lookup_token: B64, envelope: B64) -> (u16, serde_json::Value) {
        let body = PostAnswer {
            lookup_token,
            envelope,
            pow: None,
        };
        self.post(&paths::api(route::THREAD_MESSAGES), &body, None)
            .await
    }

    /// `GET` the inbox of the member of session `bearer`.
    pub async fn inbox(&self, bearer: &str) -> (u16, serde_json::Value) {
        self.get(&paths::api(route::TEAM_INBOX), Some(bearer)).await
    }

    /// `GET` one report with its thread, for the member of session `bearer`.
    pub async fn team_report(&self, bearer: &str, report_id: &str) -> (u16, serde_json::Value) {
        self.get(&paths::fill(route::TEAM_REPORT, &[report_id]), Some(bearer))
            .await
    }

    /// `POST` a member's reply (sealed `envelope`) in the thread of `report_id`.
    pub async fn reply(
        &self,
        bearer: &str,
        report_id: &str,
        envelope: B64,
    ) -> (u16, serde_json::Value) {
        let path = paths::fill(route::TEAM_REPORT_MESSAGES, &[report_id]);
        self.post(&path, &PostReply { envelope }, Some(bearer))
            .await
    }

    /// `POST` close `report_id` with `outcome` (an `Outcome` or any JSON value).
    pub async fn close<T: serde::Serialize>(
        &self,
        bearer: &str,
        report_id: &str,
        outcome: T,
    ) -> (u16, serde_json::Value) {
        let path = paths::fill(route::TEAM_REPORT_CLOSE, &[report_id]);
        let body = serde_json::json!({ "outcome": outcome });
        self.post(&path, &body, Some(bearer)).await
    }
}

/// A reporter, as the portal does it: code → keys → signed, sealed report.
pub struct Reporter {
    pub code: FollowUpCode,
    pub keys: ReporterKeys,
    pub roles: Vec<String>,
}

impl Reporter {
    pub fn new(dir: &Directory, roles: &[&str]) -> Self {
        let code = FollowUpCode::generate(&mut rand::rng());
        let keys = code.derive(&dir.deployment_salt.0).unwrap();
        Self {
            code,
            keys,
            roles: roles.iter().map(|r| r.to_string()).collect(),
        }
    }

    pub fn token(&self) -> B64 {
        B64(self.keys.lookup_token.to_vec())
    }

    pub fn seal_report(&self, dir: &Directory, text: &str) -> B64 {
        loket_client::seal_report(&mut rand::rng(), dir, &self.roles, &self.keys, text).unwrap()
    }

    pub async fn submit(&self, app: &TestApp, dir: &Directory, text: &str) -> SubmitReportResponse {
        let body = SubmitReport {
            lookup_token: self.token(),
            roles: self.roles.clone(),
            envelope: self.seal_report(dir, text),
            pow: None,
            excluded: Vec::new(),
            statistics: None,
        };
        let (status, json) = app.post(&paths::api(route::REPORTS), &body, None).await;
        assert_eq!(status, 201, "{json}");
        serde_json::from_value(json).unwrap()
    }

    /// `POST /api/v1/thread` with this reporter's lookup token: status and body.
    pub async fn read_thread(&self, app: &TestApp) -> (u16, serde_json::Value) {
        app.post(
            &paths::api(route::THREAD),
            &serde_json::json!({"lookup_token": self.token()}),
            None,
        )
        .await
    }

    /// The reporter's signed answer in the thread of `report_id`.
    pub fn seal_answer(
        &self,
        dir: &Directory,
        report: &OpenedReport,
        report_id: &str,
        text: &str,
    ) -> B64 {
        loket_client::seal_reporter_message(
            &mut rand::rng(),
            dir,
            report,
            report_id,
            &self.keys,
            text,
        )
        .unwrap()
    }
}

/// A team member's signed reply in the thread of `report_id`.
pub fn seal_reply(
    dir: &Directory,
    report: &OpenedReport,
    report_id: &str,
    member: &MemberSecretKey,
    text: &str,
) -> B64 {
    loket_client::seal_team_message(&mut rand::rng(), dir, report, report_id, member, text).unwrap()
}

/// Parses an error body and checks its code.
pub fn error_code(json: &serde_json::Value) -> loket_wire::ErrorCode {
    serde_json::from_value::<ErrorBody>(json.clone())
        .unwrap_or_else(|e| panic!("not an ErrorBody: {json} ({e})"))
        .code
}

/// A fresh team login challenge.
pub async fn team_challenge(app: &TestApp) -> B64 {
    let (status, ch) = app
        .post(
            &paths::api(route::TEAM_CHALLENGE),
            &serde_json::json!({}),
            None,
        )
        .await;
    assert_eq!(status, 200, "{ch}");
    serde_json::from_value::<loket_wire::api::Challenge>(ch)
        .unwrap()
        .challenge
}

/// Asks for a session for `member_id` with `key`'s proof for `challenge`: status and body.
pub async fn team_session(
    app: &TestApp,
    member_id: &str,
    challenge: &B64,
    key: &MemberSecretKey,
) -> (u16, serde_json::Value) {
    // The instance's deployment salt, as the member's app knows it (read from the database, so
    // that a test whose served directory is tampered with can still log a member in).
    let salt = app
        .store
        .organisation()
        .await
        .unwrap()
        .unwrap()
        .deployment_salt;
    let sig = key.sign(&loket_wire::keys::session_proof_message(
        &salt,
        &challenge.0,
    ));
    let req = loket_wire::api::SessionRequest {
        member_id: member_id.into(),
        challenge: challenge.clone(),
        signature: B64(sig.to_vec()),
    };
    app.post(&paths::api(route::TEAM_SESSION), &req, None).await
}

/// Opens a team session for `member` by signing a fresh challenge.
pub async fn team_login(app: &TestApp, member_id: &str, key: &MemberSecretKey) -> String {
    let challenge = team_challenge(app).await;
    let (status, json) = team_session(app, member_id, &challenge, key).await;
    assert_eq!(status, 200, "{json}");
    serde_json::from_value::<loket_wire::api::Session>(json)
        .unwrap()
        .token
}

/// A key file for `key` with fast KDF parameters (tests only).
pub fn test_key_file(key: &MemberSecretKey, passphrase: &str) -> String {
    keyfile::encrypt(
        &mut rand::rng(),
        key,
        passphrase,
        KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        },
    )
    .unwrap()
}

/// Whether `haystack` contains `needle` anywhere.
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}
