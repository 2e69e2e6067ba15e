//! Group commit. Reports and messages are not written one transaction each: a writer task
//! takes every write waiting in its queue (up to a batch limit), applies them in ONE
//! transaction, commits — with SQLite's `synchronous = FULL` that is one fsync of the WAL —
//! and only then answers each request. So a `201 Created` always means "on disk", and the
//! cost of the sync is shared by everyone who arrived while the last batch was syncing.
//!
//! Each write either happens completely or leaves nothing behind: a rejected item (unknown
//! role, duplicate lookup hash, spent proof of work, vanished report) is checked before any
//! of its rows are written, or its rows are removed again, inside the same transaction. A
//! database failure rolls back the whole batch and every request in it gets an error: none of
//! them was acknowledged.
//!
//! Hook: a batch that stored a report or a reporter's message also marks the team's e-mail
//! notice as due ([`super::notices::mark_pending`]), in the same transaction, so a notice can
//! never announce something that was rolled back, nor miss something that was committed.

use std::collections::HashSet;
use std::sync::Arc;

use loket_wire::api::AuditAction;
use sqlx::{AnyPool, Row};
use tokio::sync::{Mutex, mpsc, oneshot};

use super::{Backend, LookupHash, MemberId, ReportId, RoleId, StoreError, begin_write};

/// Most writes in one transaction.
const MAX_BATCH: usize = 256;
/// Most envelope bytes in one transaction (bounds the memory of a batch).
const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;
/// Writes waiting beyond this many make new requests wait for room (backpressure).
const QUEUE: usize = 4096;

/// A spent proof-of-work challenge: its id and when the record may be forgotten.
#[derive(Clone, Debug)]
pub struct PowSpend {
    pub id: [u8; 32],
    pub expires_at: i64,
}

/// Whom a share lets read a report: every member of a role, or one member.
#[derive(Clone, Debug)]
pub enum ShareTarget {
    Role(RoleId),
    Member(MemberId),
}

#[derive(Debug)]
pub(crate) enum WriteOp {
    Report {
        id: ReportId,
        lookup_hash: LookupHash,
        roles: Vec<RoleId>,
        /// Members of those roles the reporter excluded.
        excluded: Vec<MemberId>,
        envelope: Vec<u8>,
        /// The statistics part, sealed to the statistics key.
        statistics: Option<Vec<u8>>,
        hour: i64,
        spend: Option<PowSpend>,
    },
    Message {
        /// Random (see `store::random_message_id`): ids do not order messages globally.
        id: i64,
        report_id: ReportId,
        author: Option<MemberId>,
        envelope: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    },
    /// The reporter lets `to` read the report (crypto/SPEC.md §9.8): the report's envelope and
    /// those of the listed messages are replaced, the role or member routed, the share recorded
    /// and the reporter's answer appended, all or nothing.
    Share {
        report_id: ReportId,
        to: ShareTarget,
        envelope: Vec<u8>,
        /// Message ids of the thread with their envelopes sealed again.
        messages: Vec<(i64, Vec<u8>)>,
        /// The reporter's answer: a new message.
        answer_id: i64,
        answer: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    },
    Spend(PowSpend),
}

impl WriteOp {
    fn bytes(&self) -> usize {
        match self {
            Self::Report {
                envelope,
                statistics,
                ..
            } => envelope.len() + statistics.as_ref().map_or(0, Vec::len),
            Self::Message { envelope, .. } => envelope.len(),
            Self::Share {
                envelope,
                messages,
                answer,
                ..
            } => envelope.len() + answer.len() + messages.iter().map(|m| m.1.len()).sum::<usize>(),
            Self::Spend(_) => 64,
        }
    }
}

#[derive(Debug)]
pub(crate) enum Written {
    Report(ReportId),
    Message(i64),
    Spent,
}

struct Job {
    op: WriteOp,
    done: oneshot::Sender<Result<Written, StoreError>>,
}

/// The queue into the writer tasks.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    tx: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").finish_non_exhaustive()
    }
}

impl Writer {
    /// Starts `tasks` writer tasks on the current Tokio runtime. SQLite has one writer at a
    /// time anyway (one task); PostgreSQL commits several batches in parallel.
    pub(crate) fn start(pool: AnyPool, backend: Backend, tasks: usize) -> Self {
        let (tx, rx) = mpsc::channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for _ in 0..tasks.max(1) {
            tokio::spawn(run(pool.clone(), backend, Arc::clone(&rx)));
        }
        Self { tx }
    }

    /// Queues `op` and waits until its batch is committed (or failed).
    pub(crate) async fn write(&self, op: WriteOp) -> Result<Written, StoreError> {
        let (done, wait) = oneshot::channel();
        self.tx
            .send(Job { op, done })
            .await
            .map_err(|_| StoreError::WriterStopped)?;
        wait.await.map_err(|_| StoreError::WriterStopped)?
    }
}

async fn run(pool: AnyPool, backend: Backend, rx: Arc<Mutex<mpsc::Receiver<Job>>>) {
    loop {
        let batch = {
            let mut rx = rx.lock().await;
            let Some(first) = rx.recv().await else {
                return;
            };
            let mut bytes = first.op.bytes();
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH && bytes < MAX_BATCH_BYTES {
                match rx.try_recv() {
                    Ok(job) => {
                        bytes += job.op.bytes();
                        batch.push(job);
                    }
                    Err(_) => break,
                }
            }
            batch
        };
        commit(&pool, backend, batch).await;
    }
}

async fn commit(pool: &AnyPool, backend: Backend, batch: Vec<Job>) {
    let (ops, dones): (Vec<WriteOp>, Vec<_>) = batch.into_iter().map(|j| (j.op, j.done)).unzip();
    match apply_all(pool, backend, ops).await {
        Ok(results) => {
            for (done, result) in dones.into_iter().zip(results) {
                // The requester may have gone away; the write stands either way.
                let _ = done.send(result);
            }
        }
        Err(e) => {
            crate::held_log::hold(format!(
                "a write batch of {} failed and was rolled back: {e}",
                dones.len()
            ));
            let retry = matches!(e, StoreError::Db(sqlx::Error::PoolTimedOut));
            for done in dones {
                let _ = done.send(Err(if retry {
                    StoreError::Db(sqlx::Error::PoolTimedOut)
                } else {
                    StoreError::BatchFailed
                }));
            }
        }
    }
}

/// Applies every op in one transaction. The outer error is a database failure (the whole
/// batch is rolled back); the inner results are each op's own outcome.
async fn apply_all(
    pool: &AnyPool,
    backend: Backend,
    ops: Vec<WriteOp>,
) -> Result<Vec<Result<Written, StoreError>>, StoreError> {
    let mut tx = begin_write(pool, backend).await?;
    let needs_roles = ops.iter().any(|op| matches!(op, WriteOp::Report { .. }));
    let roles = if needs_roles {
        known_roles(&mut tx).await?
    } else {
        HashSet::new()
    };
    let mut results = Vec::with_capacity(ops.len());
    // A report or a reporter's message was stored: the team's e-mail notice is due.
    let mut news = false;
    for op in ops {
        let (result, new) = match op {
            WriteOp::Report { .. } => apply_report(&mut tx, backend, &roles, op).await?,
            WriteOp::Message { .. } => apply_message(&mut tx, op).await?,
            WriteOp::Share { .. } => apply_share(&mut tx, op).await?,
            WriteOp::Spend(spend) => match spend_pow(&mut tx, Some(&spend)).await? {
                true => (Ok(Written::Spent), false),
                false => (Err(StoreError::PowSpent), false),
            },
        };
        news |= new;
        results.push(result);
    }
    if news {
        // The notice hook (see the module documentation).
        super::notices::mark_pending(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(results)
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

/// One op's outcome, and whether it is news for the team's notice.
type Applied = (Result<Written, StoreError>, bool);

async fn known_roles(tx: &mut Tx) -> Result<HashSet<String>, sqlx::Error> {
    sqlx::query("SELECT id FROM roles")
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect()
}

/// A report with its role routing, unless a role is unknown or the proof of work was spent
/// (then nothing of it is left). With its lookup hash taken, nothing is stored either, but it
/// is answered as stored: a wrong code must look like a right one on every path.
async fn apply_report(
    tx: &mut Tx,
    backend: Backend,
    known: &HashSet<String>,
    op: WriteOp,
) -> Result<Applied, sqlx::Error> {
    let WriteOp::Report {
        id,
        lookup_hash,
        roles,
        excluded,
        envelope,
        statistics,
        hour,
        spend,
    } = op
    else {
        return Ok((Err(StoreError::BatchFailed), false));
    };
    if let Some(unknown) = roles.iter().find(|r| !known.contains(r.as_str())) {
        return Ok((Err(StoreError::UnknownRole(unknown.to_string())), false));
    }
    if !spend_pow(tx, spend.as_ref()).await? {
        return Ok((Err(StoreError::PowSpent), false));
    }
    let res = sqlx::query(match backend {
        // A random rowid: SQLite's row order says nothing of arrival (migration 0005).
        Backend::Sqlite => {
            "INSERT INTO reports \
             (rowid, id, lookup_hash, envelope, received_at, last_activity_at, statistics) \
             VALUES (abs(random()), $1, $2, $3, $4, $5, $6) ON CONFLICT (lookup_hash) DO NOTHING"
        }
        Backend::Postgres => {
            "INSERT INTO reports \
             (id, lookup_hash, envelope, received_at, last_activity_at, statistics) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (lookup_hash) DO NOTHING"
        }
    })
    .bind(id.as_str())
    .bind(lookup_hash.to_vec())
    .bind(envelope)
    .bind(hour)
    .bind(hour)
    .bind(statistics)
    .execute(&mut **tx)
    .await?;
    if res.rows_affected() == 0 {
        // The lookup hash is taken: somebody is trying a code. Nothing is stored, the work
        // stays spent, and the answer is that of a stored report (`http::reporter::submit`).
        return Ok((Ok(Written::Report(id)), false));
    }
    for role in &roles {
        sqlx::query("INSERT INTO report_roles (report_id, role_id) VALUES ($1, $2)")
            .bind(id.as_str())
            .bind(role.as_str())
            .execute(&mut **tx)
            .await?;
    }
    for member in &excluded {
        sqlx::query(
            "INSERT INTO report_exclusions (report_id, member_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(id.as_str())
        .bind(member.as_str())
        .execute(&mut **tx)
        .await?;
    }
    Ok((Ok(Written::Report(id)), true))
}

/// A message, unless the proof of work was spent or the report is gone. A team message also
/// records the first response; a reporter's message is news for the team.
async fn apply_message(tx: &mut Tx, op: WriteOp) -> Result<Applied, sqlx::Error> {
    let WriteOp::Message {
        id,
        report_id,
        author,
        envelope,
        hour,
        spend,
    } = op
    else {
        return Ok((Err(StoreError::BatchFailed), false));
    };
    if !spend_pow(tx, spend.as_ref()).await? {
        return Ok((Err(StoreError::PowSpent), false));
    }
    let update = if author.is_some() {
        "UPDATE reports SET last_activity_at = $1, first_response_at = COALESCE(first_response_at, $1) WHERE id = $2"
    } else {
        "UPDATE reports SET last_activity_at = $1 WHERE id = $2"
    };
    let res = sqlx::query(update)
        .bind(hour)
        .bind(report_id.as_str())
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        unspend_pow(tx, spend.as_ref()).await?;
        return Ok((Err(StoreError::NotFound), false));
    }
    let news = author.is_none();
    // `seq` orders the thread's own messages; nothing orders messages across threads.
    sqlx::query(
        "INSERT INTO messages (id, report_id, seq, author_member_id, envelope, created_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM messages WHERE report_id = $2), \
         $3, $4, $5)",
    )
    .bind(id)
    .bind(report_id.as_str())
    .bind(author.map(MemberId::into_string))
    .bind(envelope)
    .bind(hour)
    .execute(&mut **tx)
    .await?;
    Ok((Ok(Written::Message(id)), news))
}

/// A share, unless the role or member is unknown, reads the report already (or is kept out of
/// it), a message is not the thread's, the report is gone or the proof of work was spent: every
/// check comes before the first write, so a refused share leaves nothing behind.
async fn apply_share(tx: &mut Tx, op: WriteOp) -> Result<Applied, sqlx::Error> {
    let WriteOp::Share {
        report_id,
        to,
        envelope,
        messages,
        answer_id,
        answer,
        hour,
        spend,
    } = op
    else {
        return Ok((Err(StoreError::BatchFailed), false));
    };
    if let Some(refused) = share_refused(tx, &report_id, &to).await? {
        return Ok((Err(refused), false));
    }
    let audit_id = match super::audit::new_id() {
        Ok(id) => id,
        Err(e) => return Ok((Err(e), false)),
    };
    let thread: HashSet<i64> = sqlx::query("SELECT id FROM messages WHERE report_id = $1")
        .bind(report_id.as_str())
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    if messages.iter().any(|(id, _)| !thread.contains(id)) {
        return Ok((Err(StoreError::NotInThread), false));
    }
    if !spend_pow(tx, spend.as_ref()).await? {
        return Ok((Err(StoreError::PowSpent), false));
    }
    let res = sqlx::query("UPDATE reports SET envelope = $1, last_activity_at = $2 WHERE id = $3")
        .bind(envelope)
        .bind(hour)
        .bind(report_id.as_str())
        .execute(&mut **tx)
        .await?;
    if res.rows_affected() == 0 {
        unspend_pow(tx, spend.as_ref()).await?;
        return Ok((Err(StoreError::NotFound), false));
    }
    for (id, envelope) in messages {
        sqlx::query("UPDATE messages SET envelope = $1 WHERE id = $2 AND report_id = $3")
            .bind(envelope)
            .bind(id)
            .bind(report_id.as_str())
            .execute(&mut **tx)
            .await?;
    }
    let (route, role, member) = match &to {
        ShareTarget::Role(role) => (
            "INSERT INTO report_roles (report_id, role_id) VALUES ($1, $2)",
            Some(role.as_str()),
            None,
        ),
        ShareTarget::Member(member) => (
            "INSERT INTO report_members (report_id, member_id) VALUES ($1, $2)",
            None,
            Some(member.as_str()),
        ),
    };
    sqlx::query(route)
        .bind(report_id.as_str())
        .bind(role.or(member))
        .execute(&mut **tx)
        .await?;
    sqlx::query(
        "INSERT INTO report_shares (report_id, role_id, member_id, created_at) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(report_id.as_str())
    .bind(role)
    .bind(member)
    .bind(hour)
    .execute(&mut **tx)
    .await?;
    super::audit::record_as(
        tx,
        &audit_id,
        None,
        AuditAction::Shared,
        Some(&report_id),
        hour,
    )
    .await?;
    let answer = WriteOp::Message {
        id: answer_id,
        report_id,
        author: None,
        envelope: answer,
        hour,
        spend: None,
    };
    apply_message(tx, answer).await
}

/// Why a share to `to` cannot be made, if it cannot: an unknown role or member, one who reads
/// the report already (409), or a member the reporter kept out.
async fn share_refused(
    tx: &mut Tx,
    report_id: &ReportId,
    to: &ShareTarget,
) -> Result<Option<StoreError>, sqlx::Error> {
    Ok(match to {
        ShareTarget::Role(role) => {
            if !row(
                tx,
                "SELECT 1 AS one FROM roles WHERE id = $1",
                &[role.as_str()],
            )
            .await?
            {
                Some(StoreError::UnknownRole(role.to_string()))
            } else if row(
                tx,
                "SELECT 1 AS one FROM report_roles WHERE report_id = $1 AND role_id = $2",
                &[report_id.as_str(), role.as_str()],
            )
            .await?
            {
                Some(StoreError::Conflict)
            } else {
                None
            }
        }
        ShareTarget::Member(member) => {
            let ids = [report_id.as_str(), member.as_str()];
            let known = row(
                tx,
                "SELECT 1 AS one FROM members WHERE id = $1",
                &[member.as_str()],
            )
            .await?;
            let kept_out = row(
                tx,
                "SELECT 1 AS one FROM report_exclusions WHERE report_id = $1 AND member_id = $2",
                &ids,
            )
            .await?;
            if !known || kept_out {
                Some(StoreError::NotAReader)
            } else if row(
                tx,
                &format!(
                    "SELECT 1 AS one FROM reports r WHERE r.id = $1 AND {}",
                    super::sql::visible_to_member("r.id", "$2")
                ),
                &ids,
            )
            .await?
            {
                Some(StoreError::Conflict)
            } else {
                None
            }
        }
    })
}

/// Whether `sql` with `binds` finds a row.
async fn row(tx: &mut Tx, sql: &str, binds: &[&str]) -> Result<bool, sqlx::Error> {
    let mut query = sqlx::query(sql);
    for b in binds {
        query = query.bind(*b);
    }
    Ok(query.fetch_optional(&mut **tx).await?.is_some())
}

/// Records a spent challenge; `false` if it was spent before.
async fn spend_pow(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    spend: Option<&PowSpend>,
) -> Result<bool, sqlx::Error> {
    let Some(spend) = spend else {
        return Ok(true);
    };
    let res = sqlx::query(
        "INSERT INTO pow_spent (id, expires_at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING",
    )
    .bind(spend.id.to_vec())
    .bind(spend.expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(res.rows_affected() == 1)
}

/// Gives a challenge back when the write it paid for was refused.
async fn unspend_pow(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    spend: Option<&PowSpend>,
) -> Result<(), sqlx::Error> {
    if let Some(spend) = spend {
        sqlx::query("DELETE FROM pow_spent WHERE id = $1")
            .bind(spend.id.to_vec())
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
