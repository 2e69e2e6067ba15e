//! Storage: one type over SQLite (the default, a file in the data directory) and PostgreSQL,
//! with a migrations folder per backend. Everything stored is ciphertext, an opaque id, a
//! SHA-256 of a token, or a time rounded to the hour.

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, ConnectOptions as _, Connection, Executor};

use loket_wire::keys::MemberKeys;

mod abuse;
mod attachments;
mod audit;
mod backup;
mod cases;
mod handovers;
mod ids;
pub mod journal;
mod messages;
mod notices;
mod organisation;
mod reports;
mod retention;
mod sessions;
mod spam;
mod sql;
mod statistics;
mod writer;

pub use abuse::RateCount;
pub use attachments::{AttachmentRow, NewUpload, Quota, UploadRow};
pub use cases::{CaseRow, NewContact, Retained};
pub use handovers::{HandoverRow, NewHeaders};
pub use ids::{
    AttachmentId, ChallengeHash, LookupHash, MemberId, ReportId, RoleId, TokenHash, UploadHash,
};
use journal::Journal;
pub use messages::{NewShare, random_message_id};
pub use notices::NoticeState;
pub use organisation::{DEFAULT_ROLES, DefaultRole};
pub use reports::{InboxCursor, NewReport};
pub use retention::{ClosedRow, Purged};
pub use statistics::StatisticsRow;
use writer::Writer;
pub use writer::{PowSpend, ShareTarget};

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
    /// A member registered a case for roles none of which they hold.
    #[error("the member holds none of the case's roles")]
    NotAReader,
    #[error("this proof of work was used before")]
    PowSpent,
    /// A share or handover names a message that is not one of the report's.
    #[error("a message is not in the report's thread")]
    NotInThread,
    /// A handover's header does not keep the envelope's stanzas (SPEC §9.11).
    #[error("the new header does not keep the envelope's readers")]
    NotExtended,
    /// The report's attachments would exceed their bytes in all.
    #[error("the report's attachments are too large in all")]
    ReportQuota,
    /// The instance's attachments would exceed their bytes in all.
    #[error("the attachment storage is full")]
    StorageFull,
    #[error("the write batch failed and was rolled back")]
    BatchFailed,
    #[error("the writer task has stopped")]
    WriterStopped,
    #[error("no randomness from the operating system: {0}")]
    Random(getrandom::Error),
    #[error("a stored row is not what it should be: {0}")]
    CorruptRow(&'static str),
    /// The deletion journal could not be written; the deletion was rolled back.
    #[error("cannot write the deletion journal: {0}")]
    Journal(std::io::Error),
}

#[derive(Clone, Debug)]
pub struct Organisation {
    pub name: String,
    pub deployment_salt: Vec<u8>,
    /// The organisation's Ed25519 public key, which signs the directory.
    pub organisation_key: Option<Vec<u8>>,
    /// The team's statistics key (X25519 public key), if set.
    pub statistics_key: Option<Vec<u8>>,
    /// The faculties and service units a reporter may name in the statistics part.
    pub units: Vec<String>,
    /// The organisation's recovery key (X25519 public key), if set (crypto/SPEC.md §9.12).
    pub recovery_key: Option<Vec<u8>>,
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
    pub id: RoleId,
    pub name: String,
    pub description: String,
    /// Name and description in Dutch.
    pub nl: Option<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct MemberRow {
    pub id: MemberId,
    pub name: String,
    pub keys: MemberKeys,
    pub roles: Vec<RoleId>,
}

#[derive(Clone, Debug)]
pub struct ReportRow {
    pub id: ReportId,
    /// Empty where it was not loaded (the inbox never loads envelopes).
    pub envelope: Vec<u8>,
    /// Marked as spam by a member.
    pub spam: bool,
    pub received_at: i64,
    pub first_response_at: Option<i64>,
    pub last_activity_at: i64,
    pub roles: Vec<RoleId>,
    pub closed: Option<ClosedRow>,
    /// What retention knows of the case (migration 0007).
    pub retained: Retained,
    /// The member who registered the case from another channel.
    pub registered_by: Option<MemberId>,
}

#[derive(Clone, Debug)]
pub struct MessageRow {
    pub id: i64,
    pub author_member_id: Option<MemberId>,
    pub envelope: Vec<u8>,
    pub created_at: i64,
}

/// What the reporter's thread shows: the report's id, arrival hour and envelope, and its
/// messages in order.
#[derive(Clone, Debug)]
pub struct ThreadRow {
    pub report_id: ReportId,
    pub received_at: i64,
    pub envelope: Vec<u8>,
    pub messages: Vec<MessageRow>,
}

#[derive(Clone, Debug)]
pub struct InboxRow {
    pub report: ReportRow,
    pub messages: i64,
    /// The latest version of the case record.
    pub case: Option<CaseRow>,
    /// A registered contact's own envelope (the member's short note of it).
    pub contact: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    writer: Writer,
    /// Where deletions are written down outside the database (`store::journal`); none in
    /// the in-process tests.
    journal: Option<std::sync::Arc<Journal>>,
}

/// A pooled connection idle this long is pinged before use (see [`Store::connect`]).
const PING_IF_IDLE: std::time::Duration = std::time::Duration::from_secs(1);

/// `N` random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], StoreError> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(StoreError::Random)?;
    Ok(buf)
}

/// A new random id of `N` bytes, as hex.
fn random_hex<const N: usize>() -> Result<String, StoreError> {
    Ok(random_bytes::<N>()?
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
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
        let pool = open_pool(url, backend).await?;
        // SQLite has one writer at a time: one group-commit task. PostgreSQL commits batches
        // in parallel.
        let writers = if backend == Backend::Sqlite { 1 } else { 4 };
        let writer = Writer::start(pool.clone(), backend, writers);
        let store = Self {
            pool,
            backend,
            writer,
            journal: None,
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

    /// This store with every deletion of a report written to `journal` first.
    pub fn with_journal(self, journal: Journal) -> Self {
        Self {
            journal: Some(std::sync::Arc::new(journal)),
            ..self
        }
    }

    /// Inside a deletion's transaction, before it commits: writes the deletion of `id` to the
    /// journal, if there is one. An error here rolls the deletion back.
    pub(crate) async fn journal_deletion(&self, id: &ReportId) -> Result<(), StoreError> {
        let Some(journal) = self.journal.clone() else {
            return Ok(());
        };
        let id = id.clone();
        let now = crate::clock::now();
        tokio::task::spawn_blocking(move || journal.append(&id, now))
            .await
            .map_err(|e| StoreError::Journal(std::io::Error::other(e)))?
            .map_err(StoreError::Journal)
    }

    /// Drops the journal's entries older than its keep period (the purge does this).
    async fn prune_journal(&self, now: i64) -> Result<(), StoreError> {
        let Some(journal) = self.journal.clone() else {
            return Ok(());
        };
        tokio::task::spawn_blocking(move || journal.prune(now))
            .await
            .map_err(|e| StoreError::Journal(std::io::Error::other(e)))?
            .map_err(|e| StoreError::Journal(std::io::Error::other(e)))?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// After a deletion: on SQLite, copy the write-ahead log (which holds zeroed pages thanks
    /// to `secure_delete`) into the database and truncate it, so the deleted ciphertext is in
    /// neither file. A reader that holds an old snapshot blocks that; then it is retried, in
    /// the background, until it really completes (see [`Store::checkpoint`]).
    async fn scrub(&self) {
        if self.backend != Backend::Sqlite {
            return;
        }
        if self.checkpoint().await.unwrap_or(false) {
            return;
        }
        let store = self.clone();
        tokio::spawn(async move {
            let mut wait = std::time::Duration::from_millis(10);
            loop {
                tokio::time::sleep(wait).await;
                match store.checkpoint().await {
                    Ok(true) => return,
                    Ok(false) => {}
                    Err(e) => crate::held_log::hold(format!("checkpoint after deletion: {e}")),
                }
                wait = (wait * 2).min(std::time::Duration::from_secs(5));
            }
        });
    }

    /// One `wal_checkpoint(TRUNCATE)`: `true` when it completed (every frame copied into the
    /// database and the log truncated), `false` when a reader or writer kept it from that.
    pub async fn checkpoint(&self) -> Result<bool, StoreError> {
        let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .fetch_one(&self.pool)
            .await?;
        let busy: i64 = sqlx::Row::try_get(&row, 0)?;
        let log: i64 = sqlx::Row::try_get(&row, 1)?;
        let copied: i64 = sqlx::Row::try_get(&row, 2)?;
        Ok(busy == 0 && log == copied)
    }
}

/// The connection pool for `url`, with the pragmas SQLite needs on every connection.
async fn open_pool(url: &str, backend: Backend) -> Result<AnyPool, sqlx::Error> {
    // No statement is logged, not even a slow one: sqlx's lines would carry the time of a
    // reporter's write to the second (and its SQL).
    let options = AnyConnectOptions::from_str(url)?
        .log_statements(log::LevelFilter::Off)
        .log_slow_statements(log::LevelFilter::Off, std::time::Duration::MAX);
    AnyPoolOptions::new()
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
        .await
}

/// Every row of a report, inside the caller's transaction: attachment pieces, attachments,
/// messages, role routing, the report.
pub(crate) async fn delete_report_rows(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    report_id: &ReportId,
) -> Result<(), sqlx::Error> {
    for statement in [
        "DELETE FROM attachment_pieces WHERE attachment_id IN \
         (SELECT id FROM attachments WHERE report_id = $1)",
        "DELETE FROM attachments WHERE report_id = $1",
        "DELETE FROM messages WHERE report_id = $1",
        "DELETE FROM case_records WHERE report_id = $1",
        "DELETE FROM report_roles WHERE report_id = $1",
        "DELETE FROM report_members WHERE report_id = $1",
        "DELETE FROM report_shares WHERE report_id = $1",
        "DELETE FROM report_exclusions WHERE report_id = $1",
        "DELETE FROM handovers WHERE report_id = $1",
        "DELETE FROM reports WHERE id = $1",
    ] {
        sqlx::query(statement)
            .bind(report_id.as_str())
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
