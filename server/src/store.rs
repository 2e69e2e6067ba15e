//! Storage: one type over SQLite (the default, a file in the data directory) and PostgreSQL,
//! with a migrations folder per backend. Everything stored is ciphertext, an opaque id, a
//! SHA-256 of a token, or a time rounded to the hour.

use std::collections::BTreeMap;
use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Connection, Executor, Row};

use loket_wire::keys::MemberKeys;

mod abuse;
mod attachments;
mod notices;
mod retention;
mod writer;

pub use abuse::RateCount;
pub use attachments::{AttachmentRow, UploadRow};
pub use notices::NoticeState;
pub use retention::{ClosedRow, Purged};
pub use writer::PowSpend;
use writer::{WriteOp, Writer, Written};

/// Which database a [`Store`] talks to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    #[error("already exists")]
    Conflict,
    #[error("not found")]
    NotFound,
    #[error("unknown role: {0}")]
    UnknownRole(String),
    #[error("the instance is not initialised (run `loket init`)")]
    NotInitialised,
    #[error("this proof of work was used before")]
    PowSpent,
    #[error("the write batch failed and was rolled back")]
    BatchFailed,
    #[error("the writer task has stopped")]
    WriterStopped,
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub name: String,
    pub deployment_salt: Vec<u8>,
    /// The organisation's Ed25519 public key, which signs the directory.
    pub organisation_key: Option<Vec<u8>>,
}

/// The team directory as the organisation signed it.
#[derive(Clone, Debug)]
pub struct SignedDirectoryRow {
    pub serial: i64,
    pub body: Vec<u8>,
    pub signature: Vec<u8>,
}

#[derive(Clone, Debug)]
pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub description: String,
}

#[derive(Clone, Debug)]
pub struct MemberRow {
    pub id: String,
    pub name: String,
    pub keys: MemberKeys,
    pub roles: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ReportRow {
    pub id: String,
    pub envelope: Vec<u8>,
    pub received_at: i64,
    pub first_response_at: Option<i64>,
    pub last_activity_at: i64,
    pub roles: Vec<String>,
    pub closed: Option<ClosedRow>,
}

#[derive(Clone, Debug)]
pub struct MessageRow {
    pub id: i64,
    pub author_member_id: Option<String>,
    pub envelope: Vec<u8>,
    pub created_at: i64,
}

/// What the reporter's thread shows: the report's id, arrival hour and envelope, and its
/// messages in order.
#[derive(Clone, Debug)]
pub struct ThreadRow {
    pub report_id: String,
    pub received_at: i64,
    pub envelope: Vec<u8>,
    pub messages: Vec<MessageRow>,
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub report: ReportRow,
    pub messages: i64,
}

/// The roles of the regulation, created by `loket init`.
pub const DEFAULT_ROLES: &[(&str, &str, &str)] = &[
    (
        "ccp",
        "CCP coordinator",
        "First contact: listens, explains the options, refers you on.",
    ),
    (
        "confidential-adviser",
        "Confidential adviser",
        "Listens and supports you; you stay in control of every next step.",
    ),
    (
        "ombudsperson",
        "Ombudsperson",
        "Neutral: advises, mediates and can investigate.",
    ),
];

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: Writer,
}

/// A pooled connection idle this long is pinged before use (see [`Store::connect`]).
const PING_IF_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

fn random_hex(bytes: usize) -> Result<String, StoreError> {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).map_err(|e| StoreError::Db(sqlx::Error::Protocol(e.to_string())))?;
    Ok(buf.iter().map(|b| format!("{b:02x}")).collect())
}

impl Store {
    /// Connects to `url` (`sqlite://path?mode=rwc` or `postgres://…`) and runs the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // sqlx pings every connection it hands out by default: a round trip to PostgreSQL
            // (or a hop to SQLite's worker thread) before every query. Ping only connections
            // that sat idle, where a dead one is likely; under load they never do.
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= PING_IF_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL with synchronous=FULL: an acknowledged commit survives a crash.
                        // secure_delete: deleted ciphertext is overwritten, not left in free pages.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON; \
                             PRAGMA busy_timeout = 10000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        // SQLite has one writer at a time: one group-commit task. PostgreSQL commits batches
        // in parallel.
        let writers = if backend == Backend::Sqlite { 1 } else { 4 };
        let writer = Writer::start(pool.clone(), backend, writers);
        let store = Self {
            pool,
            backend,
            writer,
        };
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&store.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&store.pool)
                    .await?
            }
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    // ----- organisation, roles, members (admin) -----

    pub async fn organisation(&self) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(
            "SELECT name, deployment_salt, organisation_key FROM organisation WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(Organisation {
                name: r.try_get("name")?,
                deployment_salt: r.try_get("deployment_salt")?,
                organisation_key: r.try_get("organisation_key")?,
            }),
            None => None,
        })
    }

    /// Records the organisation's public key (once; `Conflict` if a different one is set).
    pub async fn set_organisation_key(&self, key: &[u8; 32]) -> Result<(), StoreError> {
        let res = sqlx::query(
            "UPDATE organisation SET organisation_key = $1 \
             WHERE id = 1 AND (organisation_key IS NULL OR organisation_key = $2)",
        )
        .bind(key.to_vec())
        .bind(key.to_vec())
        .execute(&self.pool)
        .await?;
        if res.rows_affected() == 0 {
            return Err(match self.organisation().await? {
                None => StoreError::NotInitialised,
                Some(_) => StoreError::Conflict,
            });
        }
        Ok(())
    }

    /// The current signed directory, if one was published.
    pub async fn signed_directory(&self) -> Result<Option<SignedDirectoryRow>, StoreError> {
        let row = sqlx::query("SELECT serial, body, signature FROM signed_directory WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(SignedDirectoryRow {
                serial: r.try_get("serial")?,
                body: r.try_get("body")?,
                signature: r.try_get("signature")?,
            }),
            None => None,
        })
    }

    /// Stores a newly signed directory, unless one with the same or a higher serial is there
    /// already (`Conflict`): two admins publishing at once cannot roll the directory back.
    pub async fn save_signed_directory(&self, row: &SignedDirectoryRow) -> Result<(), StoreError> {
        let res = sqlx::query(
            "INSERT INTO signed_directory (id, serial, body, signature) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, body = excluded.body, \
             signature = excluded.signature WHERE signed_directory.serial < excluded.serial",
        )
        .bind(row.serial)
        .bind(row.body.clone())
        .bind(row.signature.clone())
        .execute(&self.pool)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    /// Creates the organisation with a fresh deployment salt and the default roles.
    pub async fn init_organisation(&self, name: &str, now: i64) -> Result<(), StoreError> {
        let mut salt = vec![0u8; 32];
        getrandom::fill(&mut salt)
            .map_err(|e| StoreError::Db(sqlx::Error::Protocol(e.to_string())))?;
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let exists = sqlx::query("SELECT 1 FROM organisation WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query("INSERT INTO organisation (id, name, deployment_salt, created_at) VALUES (1, $1, $2, $3)")
            .bind(name)
            .bind(salt)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (i, (id, role_name, description)) in DEFAULT_ROLES.iter().enumerate() {
            sqlx::query(
                "INSERT INTO roles (id, name, description, position) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(*id)
            .bind(*role_name)
            .bind(*description)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn add_role(
        &self,
        id: &str,
        name: &str,
        description: &str,
    ) -> Result<(), StoreError> {
        let res = sqlx::query(
            "INSERT INTO roles (id, name, description, position) \
             SELECT $1, $2, $3, COALESCE(MAX(position), 0) + 1 FROM roles \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(description)
        .execute(&self.pool)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub async fn roles(&self) -> Result<Vec<RoleRow>, StoreError> {
        let rows = sqlx::query("SELECT id, name, description FROM roles ORDER BY position, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(RoleRow {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                })
            })
            .collect()
    }

    /// Adds a member with `keys` to `roles`; returns the new member id.
    pub async fn add_member(
        &self,
        name: &str,
        keys: &MemberKeys,
        roles: &[String],
        now: i64,
    ) -> Result<String, StoreError> {
        let id = random_hex(8)?;
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let dup = sqlx::query("SELECT 1 FROM members WHERE x25519 = $1 OR ed25519 = $2")
            .bind(keys.x25519.to_vec())
            .bind(keys.ed25519.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query("INSERT INTO members (id, name, x25519, ed25519, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name)
            .bind(keys.x25519.to_vec())
            .bind(keys.ed25519.to_vec())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for role in roles {
            let known = sqlx::query("SELECT 1 FROM roles WHERE id = $1")
                .bind(role)
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(StoreError::UnknownRole(role.clone()));
            }
            sqlx::query("INSERT INTO member_roles (member_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(&id)
                .bind(role)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(id)
    }

    pub async fn remove_member(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        sqlx::query("DELETE FROM sessions WHERE member_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM member_roles WHERE member_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let res = sqlx::query("DELETE FROM members WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(&self) -> Result<Vec<MemberRow>, StoreError> {
        let rows = sqlx::query("SELECT id, name, x25519, ed25519 FROM members ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        let role_rows = sqlx::query("SELECT mr.member_id, mr.role_id FROM member_roles mr JOIN roles r ON r.id = mr.role_id ORDER BY r.position")
            .fetch_all(&self.pool)
            .await?;
        let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in role_rows {
            roles
                .entry(r.try_get("member_id")?)
                .or_default()
                .push(r.try_get("role_id")?);
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            let x: Vec<u8> = r.try_get("x25519")?;
            let ed: Vec<u8> = r.try_get("ed25519")?;
            let (Ok(x25519), Ok(ed25519)) = (x.try_into(), ed.try_into()) else {
                return Err(StoreError::Db(sqlx::Error::Protocol(
                    "stored key has the wrong length".into(),
                )));
            };
            out.push(MemberRow {
                roles: roles.remove(&id).unwrap_or_default(),
                id,
                name: r.try_get("name")?,
                keys: MemberKeys { x25519, ed25519 },
            });
        }
        Ok(out)
    }

    pub async fn member(&self, id: &str) -> Result<Option<MemberRow>, StoreError> {
        Ok(self.members().await?.into_iter().find(|m| m.id == id))
    }

    // ----- reports and threads -----

    /// Stores a report and its roles — in one transaction, usually shared with other writes
    /// (group commit, see `writer`). Returns once the transaction is durable. `lookup_hash` is
    /// SHA-256 of the token; `spend` records the proof of work that paid for it.
    pub async fn insert_report(
        &self,
        lookup_hash: &[u8; 32],
        roles: &[String],
        envelope: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<String, StoreError> {
        let op = WriteOp::Report {
            id: random_hex(16)?,
            lookup_hash: *lookup_hash,
            roles: roles.to_vec(),
            envelope,
            hour,
            spend,
        };
        match self.writer.write(op).await? {
            Written::Report(id) => Ok(id),
            _ => Err(StoreError::BatchFailed),
        }
    }

    /// Records a spent proof-of-work challenge (group commit); `PowSpent` if it was used.
    pub async fn spend_pow(&self, spend: PowSpend) -> Result<(), StoreError> {
        match self.writer.write(WriteOp::Spend(spend)).await? {
            Written::Spent => Ok(()),
            _ => Err(StoreError::BatchFailed),
        }
    }

    async fn report_roles(&self, report_id: &str) -> Result<Vec<String>, StoreError> {
        let rows =
            sqlx::query("SELECT role_id FROM report_roles WHERE report_id = $1 ORDER BY role_id")
                .bind(report_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(r.try_get("role_id")?)).collect()
    }

    fn report_from_row(r: &sqlx::any::AnyRow, roles: Vec<String>) -> Result<ReportRow, StoreError> {
        Ok(ReportRow {
            closed: ClosedRow::from_row(r)?,
            id: r.try_get("id")?,
            envelope: r.try_get("envelope")?,
            received_at: r.try_get("received_at")?,
            first_response_at: r.try_get("first_response_at")?,
            last_activity_at: r.try_get("last_activity_at")?,
            roles,
        })
    }

    /// The report of a lookup token, without its roles (`roles` is empty).
    pub async fn report_by_lookup(
        &self,
        lookup_hash: &[u8; 32],
    ) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, envelope, received_at, first_response_at, last_activity_at, closed_at, outcome, delete_after FROM reports WHERE lookup_hash = $1",
        )
        .bind(lookup_hash.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        match row {
            // The reporter's endpoints never need the roles: one query less per code check.
            Some(r) => Ok(Some(Self::report_from_row(&r, Vec::new())?)),
            None => Ok(None),
        }
    }

    /// How many members hold each role, in directory order (sizes the decoys).
    pub async fn readers_per_role(&self) -> Result<Vec<i64>, StoreError> {
        let rows = sqlx::query(
            "SELECT CAST(COUNT(mr.member_id) AS BIGINT) AS n FROM roles r \
             LEFT JOIN member_roles mr ON mr.role_id = r.id \
             GROUP BY r.id, r.position ORDER BY r.position, r.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok(r.try_get("n")?)).collect()
    }

    /// Deletes the report with `lookup_hash` and everything of it (messages, role routing),
    /// in one transaction, for real: SQLite runs with `secure_delete`, and the write-ahead log
    /// is checkpointed and truncated so no page image of the ciphertext is left behind.
    /// Returns the deleted report's id, or `None` if no report has this hash.
    pub async fn withdraw_report(
        &self,
        lookup_hash: &[u8; 32],
    ) -> Result<Option<String>, StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let row = sqlx::query("SELECT id FROM reports WHERE lookup_hash = $1")
            .bind(lookup_hash.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id: String = row.try_get("id")?;
        delete_report_rows(&mut tx, &id).await?;
        tx.commit().await?;
        self.scrub().await;
        Ok(Some(id))
    }

    /// After a deletion: on SQLite, copy the write-ahead log (which holds zeroed pages thanks
    /// to `secure_delete`) into the database and truncate it. Best effort: a reader that holds
    /// an old snapshot can delay it, and the next checkpoint finishes the job.
    async fn scrub(&self) {
        if self.backend == Backend::Sqlite
            && let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(&self.pool)
                .await
        {
            tracing::warn!(error = %e, "checkpoint after deletion failed");
        }
    }

    /// The reporter's thread of a lookup token: the report and its messages in one query (one
    /// round trip, one snapshot), or `None` for an unknown token. Known and unknown tokens cost
    /// the same lookup by `lookup_hash`. The first row is the report (`mid` NULL), then the
    /// messages in order.
    pub async fn thread_by_lookup(
        &self,
        lookup_hash: &[u8; 32],
    ) -> Result<Option<ThreadRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id AS rid, NULL AS mid, NULL AS author, r.envelope AS envelope, \
             r.received_at AS at FROM reports r WHERE r.lookup_hash = $1 \
             UNION ALL \
             SELECT m.report_id, m.id, m.author_member_id, m.envelope, m.created_at \
             FROM reports r JOIN messages m ON m.report_id = r.id WHERE r.lookup_hash = $1 \
             ORDER BY mid NULLS FIRST",
        )
        .bind(lookup_hash.as_slice())
        .fetch_all(&self.pool)
        .await?;
        let mut rows = rows.iter();
        let Some(first) = rows.next() else {
            return Ok(None);
        };
        if first.try_get::<Option<i64>, _>("mid")?.is_some() {
            // Messages without their report cannot happen (foreign key); treat as unknown.
            return Ok(None);
        }
        let messages = rows
            .map(|r| {
                Ok(MessageRow {
                    id: r.try_get("mid")?,
                    author_member_id: r.try_get("author")?,
                    envelope: r.try_get("envelope")?,
                    created_at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(ThreadRow {
            report_id: first.try_get("rid")?,
            received_at: first.try_get("at")?,
            envelope: first.try_get("envelope")?,
            messages,
        }))
    }

    pub async fn messages(&self, report_id: &str) -> Result<Vec<MessageRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, author_member_id, envelope, created_at FROM messages WHERE report_id = $1 ORDER BY id",
        )
        .bind(report_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageRow {
                    id: r.try_get("id")?,
                    author_member_id: r.try_get("author_member_id")?,
                    envelope: r.try_get("envelope")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Appends a message (group commit); `author` is `None` for the reporter. A team message
    /// also records the first response time (the server knows *when* the team answered, never
    /// what).
    pub async fn insert_message(
        &self,
        report_id: &str,
        author: Option<&str>,
        envelope: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<i64, StoreError> {
        let op = WriteOp::Message {
            report_id: report_id.to_owned(),
            author: author.map(str::to_owned),
            envelope,
            hour,
            spend,
        };
        match self.writer.write(op).await? {
            Written::Message(id) => Ok(id),
            _ => Err(StoreError::BatchFailed),
        }
    }

    /// The id the next message will probably get (for the decoy answer to an unknown code).
    pub async fn next_message_id(&self) -> Result<i64, StoreError> {
        let row =
            sqlx::query("SELECT CAST(COALESCE(MAX(id), 0) + 1 AS BIGINT) AS next FROM messages")
                .fetch_one(&self.pool)
                .await?;
        Ok(row.try_get("next")?)
    }

    /// Reports readable by `member_id`: those addressed to a role the member holds.
    pub async fn inbox(&self, member_id: &str) -> Result<Vec<InboxRow>, StoreError> {
        let visible = "EXISTS (SELECT 1 FROM report_roles rr JOIN member_roles mr ON mr.role_id = rr.role_id \
                       WHERE rr.report_id = r.id AND mr.member_id = $1)";
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.envelope, r.received_at, r.first_response_at, r.last_activity_at, \
             r.closed_at, r.outcome, r.delete_after, (SELECT COUNT(*) FROM messages m WHERE m.report_id = r.id) AS message_count \
             FROM reports r WHERE {visible} ORDER BY r.received_at DESC, r.id"
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        let role_rows = sqlx::query(&format!(
            "SELECT x.report_id, x.role_id FROM report_roles x JOIN reports r ON r.id = x.report_id \
             WHERE {visible} ORDER BY x.role_id"
        ))
        .bind(member_id)
        .fetch_all(&self.pool)
        .await?;
        let mut roles: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for r in role_rows {
            roles
                .entry(r.try_get("report_id")?)
                .or_default()
                .push(r.try_get("role_id")?);
        }
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let report_roles = roles.remove(&id).unwrap_or_default();
                Ok(InboxRow {
                    report: Self::report_from_row(r, report_roles)?,
                    messages: r.try_get("message_count")?,
                })
            })
            .collect()
    }

    /// A report, if `member_id` may read it.
    pub async fn team_report(
        &self,
        member_id: &str,
        report_id: &str,
    ) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query(
            "SELECT r.id, r.envelope, r.received_at, r.first_response_at, r.last_activity_at, \
             r.closed_at, r.outcome, r.delete_after FROM reports r \
             WHERE r.id = $1 AND EXISTS (SELECT 1 FROM report_roles rr JOIN member_roles mr ON mr.role_id = rr.role_id \
             WHERE rr.report_id = r.id AND mr.member_id = $2)",
        )
        .bind(report_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?;
        match row {
            Some(r) => {
                let roles = self.report_roles(report_id).await?;
                Ok(Some(Self::report_from_row(&r, roles)?))
            }
            None => Ok(None),
        }
    }

    // ----- team sessions -----

    pub async fn insert_challenge(
        &self,
        hash: &[u8; 32],
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM challenges WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO challenges (hash, expires_at) VALUES ($1, $2)")
            .bind(hash.to_vec())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Uses up a challenge; `true` only the first time and only before it expires.
    pub async fn consume_challenge(&self, hash: &[u8; 32], now: i64) -> Result<bool, StoreError> {
        let res = sqlx::query("DELETE FROM challenges WHERE hash = $1 AND expires_at > $2")
            .bind(hash.to_vec())
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(res.rows_affected() == 1)
    }

    pub async fn insert_session(
        &self,
        token_hash: &[u8; 32],
        member_id: &str,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        sqlx::query("INSERT INTO sessions (token_hash, member_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash.to_vec())
            .bind(member_id)
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session_member(
        &self,
        token_hash: &[u8; 32],
        now: i64,
    ) -> Result<Option<String>, StoreError> {
        let row =
            sqlx::query("SELECT member_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash.to_vec())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("member_id")?),
            None => None,
        })
    }
}

/// Every row of a report, inside the caller's transaction: attachment pieces, attachments,
/// messages, role routing, the report.
pub(crate) async fn delete_report_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: &str,
) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM attachment_pieces WHERE attachment_id IN \
         (SELECT id FROM attachments WHERE report_id = $1)",
        "DELETE FROM attachments WHERE report_id = $1",
        "DELETE FROM messages WHERE report_id = $1",
        "DELETE FROM report_roles WHERE report_id = $1",
        "DELETE FROM reports WHERE id = $1",
    ] {
        sqlx::query(statement)
            .bind(report_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Begins a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), waiting up to `busy_timeout` for it: a deferred transaction that reads
/// first and writes later cannot wait for the lock when another writer holds it, and would fail
/// with "database is locked" under concurrent writes.
pub(crate) async fn begin_write(
    pool: &AnyPool,
    backend: Backend,
) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
    match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
        Backend::Postgres => pool.begin().await,
    }
}
