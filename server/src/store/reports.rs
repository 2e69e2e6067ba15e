//! Reports: stored through the group commit, found by lookup hash (the reporter) or by id for
//! a member who may read them (the team), deleted for real on withdrawal.

use std::collections::BTreeMap;

use sqlx::Row;

use super::sql::visible_to_member;
use super::writer::{WriteOp, Written};
use super::{
    ClosedRow, InboxRow, LookupHash, MemberId, MessageRow, PowSpend, ReportId, ReportRow, RoleId,
    Store, StoreError, ThreadRow, begin_write, delete_report_rows, random_hex,
};

impl Store {
    /// Stores a report and its roles — in one transaction, usually shared with other writes
    /// (group commit, see `writer`). Returns once the transaction is durable. `lookup_hash` is
    /// SHA-256 of the token; `spend` records the proof of work that paid for it.
    pub async fn insert_report(
        &self,
        lookup_hash: &LookupHash,
        roles: &[RoleId],
        envelope: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<ReportId, StoreError> {
        let op = WriteOp::Report {
            id: ReportId::from(random_hex::<16>()?),
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

    async fn report_roles(&self, report_id: &ReportId) -> Result<Vec<RoleId>, StoreError> {
        let rows =
            sqlx::query("SELECT role_id FROM report_roles WHERE report_id = $1 ORDER BY role_id")
                .bind(report_id.as_str())
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| Ok(RoleId::from(r.try_get::<String, _>("role_id")?)))
            .collect()
    }

    fn report_from_row(r: &sqlx::any::AnyRow, roles: Vec<RoleId>) -> Result<ReportRow, StoreError> {
        Ok(ReportRow {
            closed: ClosedRow::from_row(r)?,
            id: ReportId::from(r.try_get::<String, _>("id")?),
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
        lookup_hash: &LookupHash,
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
        lookup_hash: &LookupHash,
    ) -> Result<Option<ReportId>, StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let row = sqlx::query("SELECT id FROM reports WHERE lookup_hash = $1")
            .bind(lookup_hash.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id = ReportId::from(row.try_get::<String, _>("id")?);
        delete_report_rows(&mut tx, &id).await?;
        tx.commit().await?;
        self.scrub().await;
        Ok(Some(id))
    }

    /// The reporter's thread of a lookup token: the report and its messages in one query (one
    /// round trip, one snapshot), or `None` for an unknown token. Known and unknown tokens cost
    /// the same lookup by `lookup_hash`. The first row is the report (`mid` NULL), then the
    /// messages in order.
    pub async fn thread_by_lookup(
        &self,
        lookup_hash: &LookupHash,
    ) -> Result<Option<ThreadRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id AS rid, NULL AS mid, NULL AS author, r.envelope AS envelope, \
             r.received_at AS at, NULL AS seq FROM reports r WHERE r.lookup_hash = $1 \
             UNION ALL \
             SELECT m.report_id, m.id, m.author_member_id, m.envelope, m.created_at, m.seq \
             FROM reports r JOIN messages m ON m.report_id = r.id WHERE r.lookup_hash = $1 \
             ORDER BY seq NULLS FIRST",
        )
        .bind(lookup_hash.to_vec())
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
                    author_member_id: r
                        .try_get::<Option<String>, _>("author")?
                        .map(MemberId::from),
                    envelope: r.try_get("envelope")?,
                    created_at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(ThreadRow {
            report_id: ReportId::from(first.try_get::<String, _>("rid")?),
            received_at: first.try_get("at")?,
            envelope: first.try_get("envelope")?,
            messages,
        }))
    }

    /// Reports readable by `member_id`: those addressed to a role the member holds.
    pub async fn inbox(&self, member_id: &MemberId) -> Result<Vec<InboxRow>, StoreError> {
        let visible = visible_to_member("r.id", "$1");
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.envelope, r.received_at, r.first_response_at, r.last_activity_at, \
             r.closed_at, r.outcome, r.delete_after, (SELECT COUNT(*) FROM messages m WHERE m.report_id = r.id) AS message_count \
             FROM reports r WHERE {visible} ORDER BY r.received_at DESC, r.id"
        ))
        .bind(member_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        let role_rows = sqlx::query(&format!(
            "SELECT x.report_id, x.role_id FROM report_roles x JOIN reports r ON r.id = x.report_id \
             WHERE {visible} ORDER BY x.role_id"
        ))
        .bind(member_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut roles: BTreeMap<String, Vec<RoleId>> = BTreeMap::new();
        for r in role_rows {
            roles
                .entry(r.try_get("report_id")?)
                .or_default()
                .push(RoleId::from(r.try_get::<String, _>("role_id")?));
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
        member_id: &MemberId,
        report_id: &ReportId,
    ) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT r.id, r.envelope, r.received_at, r.first_response_at, r.last_activity_at, \
             r.closed_at, r.outcome, r.delete_after FROM reports r WHERE r.id = $1 AND {}",
            visible_to_member("r.id", "$2")
        ))
        .bind(report_id.as_str())
        .bind(member_id.as_str())
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
}
