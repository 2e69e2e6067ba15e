//! Test harness: each test gets its own server, on its own database (a fresh SQLite file or a
//! fresh PostgreSQL database), plus native clients that play the portal's part with the same
//! loket-crypto and loket-wire code the portal uses.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

pub mod browser;
pub mod load;

use std::path::PathBuf;

pub use loket_client::{OpenedReport, open_message, open_report};
use loket_crypto::keyfile::{self, KdfParams};
use loket_crypto::{FollowUpCode, MemberSecretKey, ReporterKeys};
use loket_server::{OrganisationSigner, ServeConfig, Store, router};
use loket_wire::api::{Directory, SignedDirectory, SubmitReport, SubmitReportResponse};
use loket_wire::keys::OrganisationKey;
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

fn random_hex(n: usize) -> String {
    let mut b = vec![0u8; n];
    getrandom::fill(&mut b).unwrap();
    b.iter().map(|x| format!("{x:02x}")).collect()
}

pub enum Db {
    Sqlite { dir: tempfile::TempDir },
    Postgres { name: String },
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
        let admin = pg_admin_url();
        let name = format!("loket_test_{}", random_hex(6));
        let mut conn = sqlx::PgConnection::connect(&admin)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at {admin} is needed for these tests: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
        Self::start_with(&format!("{base}/{name}"), Db::Postgres { name }, config).await
    }

    /// The settings of test servers: real proof of work at a low difficulty (8 bits, solved in
    /// about a millisecond), no automatic raise and no rate limits (tests that need them set
    /// their own), no background purge (tests call it).
    pub fn test_config() -> ServeConfig {
        ServeConfig {
            pow_bits: 8,
            pow_raise_per_minute: 0,
            submit_per_minute: 0,
            check_per_minute: 0,
            login_per_minute: 0,
            purge_interval: 0,
            ..ServeConfig::default()
        }
    }

    pub async fn sqlite_with(config: ServeConfig) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = loket_server::sqlite_url(dir.path()).unwrap();
        Self::start_with(&url, Db::Sqlite { dir }, config).await
    }

    async fn start_with(url: &str, db: Db, config: ServeConfig) -> Self {
        let store = Store::connect(url).await.unwrap();
        store.init_organisation("Test University", 0).await.unwrap();
        loket_server::publish(&store, &test_org(), 0).await.unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let app = router(store.clone(), config).await.unwrap();
        let server = tokio::spawn(async move {
            loket_server::serve(listener, app, async {
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

    /// Stops the server and drops a PostgreSQL database.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let _ = (&mut self.server).await;
        self.store.close().await;
        if let Db::Postgres { name } = &self.db {
            let mut conn = sqlx::PgConnection::connect(&pg_admin_url()).await.unwrap();
            sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .await
                .unwrap();
        }
    }

    /// The directory as a client sees it: fetched, and verified with the organisation key.
    pub async fn directory(&self) -> Directory {
        let signed: SignedDirectory = self
            .http
            .get(self.url("/api/v1/directory"))
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
        loket_server::publish(&self.store, &test_org(), 0)
            .await
            .unwrap();
    }

    /// Adds a member with fresh keys to `roles`; returns the member id and secret key.
    pub async fn add_member(&self, name: &str, roles: &[&str]) -> (String, MemberSecretKey) {
        let key = MemberSecretKey::generate(&mut rand::rng());
        let public = key.public();
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        let id = self
            .store
            .add_member(name, &public, &roles, 0)
            .await
            .unwrap();
        self.publish().await;
        (id, key)
    }

    /// Downloads every piece of an attachment with a team session: its ciphertext.
    pub async fn download_attachment(
        &self,
        bearer: &str,
        info: &loket_wire::api::AttachmentInfo,
    ) -> Vec<u8> {
        let mut ciphertext = Vec::new();
        for i in 0..info.pieces {
            let path = format!("/api/v1/team/attachments/{}/{i}", info.attachment_id);
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
            .post_raw("/api/v1/pow", &PowRequest { purpose }, None)
            .await;
        assert_eq!(status, 200, "{json}");
        let challenge: PowChallenge = serde_json::from_value(json).unwrap();
        loket_wire::pow::solve(&challenge).unwrap()
    }

    /// POSTs JSON and returns the status and the parsed body. Like the portal, it pays the
    /// proof of work of the reporter's endpoints first (unless the body carries one).
    pub async fn post<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
        bearer: Option<&str>,
    ) -> (u16, serde_json::Value) {
        let purpose = match path {
            "/api/v1/reports" => Some(PowPurpose::Submit),
            "/api/v1/thread"
            | "/api/v1/thread/messages"
            | "/api/v1/thread/withdraw"
            | "/api/v1/thread/attachments" => Some(PowPurpose::Check),
            _ => None,
        };
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
        };
        let (status, json) = app.post("/api/v1/reports", &body, None).await;
        assert_eq!(status, 201, "{json}");
        serde_json::from_value(json).unwrap()
    }

    /// `POST /api/v1/thread` with this reporter's lookup token: status and body.
    pub async fn read_thread(&self, app: &TestApp) -> (u16, serde_json::Value) {
        app.post(
            "/api/v1/thread",
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

/// Opens a team session for `member` by signing a fresh challenge.
pub async fn team_login(app: &TestApp, member_id: &str, key: &MemberSecretKey) -> String {
    let (status, ch) = app
        .post("/api/v1/team/challenge", &serde_json::json!({}), None)
        .await;
    assert_eq!(status, 200, "{ch}");
    let ch: loket_wire::api::Challenge = serde_json::from_value(ch).unwrap();
    let sig = key.sign(&loket_wire::keys::session_proof_message(&ch.challenge.0));
    let req = loket_wire::api::SessionRequest {
        member_id: member_id.into(),
        challenge: ch.challenge,
        signature: B64(sig.to_vec()),
    };
    let (status, json) = app.post("/api/v1/team/session", &req, None).await;
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
