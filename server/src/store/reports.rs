//! Reports: stored through the group commit, found by lookup hash (the reporter) or by id for
//! a member who may read them (the team), deleted for real on withdrawal.

use sqlx::{Column as _, Row};

use super::sql::visible_to_member;
use super::writer::{WriteOp, Written};
use super::{
    ClosedRow, InboxRow, LookupHash, MemberId, MessageRow, PowSpend, ReportId, ReportRow, RoleId,
    Store, StoreError, ThreadRow, begin_write, delete_report_rows, random_hex,
};

/// What a reporter sends, as stored: `lookup_hash` is SHA-256 of the token.
#[derive(Debug)]
pub struct NewReport {
    pub lookup_hash: LookupHash,
    pub roles: Vec<RoleId>,
    pub excluded: Vec<MemberId>,
    pub envelope: Vec<u8>,
    pub statistics: Option<Vec<u8>>,
}

impl Store {
    /// Stores a report and its roles — in one transaction, usually shared with other writes
    /// (group commit, see `writer`). Returns once the transaction is durable. `lookup_hash` is
    /// SHA-256 of the token; `spend` records the proof of work that paid for it.
    pub async fn insert_report(
        &self,
        new: NewReport,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<ReportId, StoreError> {
        let op = WriteOp::Report {
            id: ReportId::from(random_hex::<16>()?),
            lookup_hash: new.lookup_hash,
            roles: new.roles,
            excluded: new.excluded,
            envelope: new.envelope,
            statistics: new.statistics,
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

    /// A report from a row of `REPORT_COLUMNS`, with its envelope if the row has one.
    fn report_from_row(r: &sqlx::any::AnyRow, roles: Vec<RoleId>) -> Result<ReportRow, StoreError> {
        let has_envelope = r.columns().iter().any(|c| c.name() == "envelope");
        Ok(ReportRow {
            closed: ClosedRow::from_row(r)?,
            id: ReportId::from(r.try_get::<String, _>("id")?),
            envelope: if has_envelope {
                r.try_get("envelope")?
            } else {
                Vec::new()
            },
            spam: r.try_get::<i64, _>("spam")? != 0,
            received_at: r.try_get("received_at")?,
            first_response_at: r.try_get("first_response_at")?,
            last_activity_at: r.try_get("last_activity_at")?,
            retained: super::Retained::from_row(r)?,
            registered_by: r
                .try_get::<Option<String>, _>("registered_by")?
                .map(MemberId::from),
            roles,
        })
    }

    /// The report of a lookup token, without its roles (`roles` is empty).
    pub async fn report_by_lookup(
        &self,
        lookup_hash: &LookupHash,
    ) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, envelope, received_at, first_response_at, last_activity_at, closed_at, outcome, delete_after, spam, held, registered_by FROM reports WHERE lookup_hash = $1",
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
        self.journal_deletion(&id).await?;
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

    /// One page of the reports `member_id` may read, newest first, without their envelopes
    /// (but for a registered contact's, which is small and says how the contact came):
    /// at most `limit`, after `before` (the cursor of the previous page's last report). The
    /// cursor of the next page comes with it when there is one.
    pub async fn inbox(
        &self,
        member_id: &MemberId,
        before: Option<&InboxCursor>,
        limit: u32,
    ) -> Result<(Vec<InboxRow>, Option<InboxCursor>), StoreError> {
        let visible = visible_to_member("r.id", "$1");
        let after = match before {
            Some(_) => "AND (r.received_at < $2 OR (r.received_at = $2 AND r.id > $3))",
            None => "AND $2 = $2 AND $3 = $3",
        };
        let (at, id) = before.map_or((0, ""), |c| (c.received_at, c.report_id.as_str()));
        let rows = sqlx::query(&format!(
            "SELECT r.id, r.received_at, r.first_response_at, r.last_activity_at, r.closed_at, \
             r.outcome, r.delete_after, r.spam, r.held, r.registered_by, \
             CASE WHEN r.registered_by IS NULL THEN NULL ELSE r.envelope END AS contact, \
             (SELECT COUNT(*) FROM messages m WHERE m.report_id = r.id) AS message_count \
             FROM reports r WHERE {visible} {after} ORDER BY r.received_at DESC, r.id LIMIT $4"
        ))
        .bind(member_id.as_str())
        .bind(at)
        .bind(id)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let more = rows.len() > limit as usize;
        let mut page = Vec::with_capacity(rows.len().min(limit as usize));
        for r in rows.iter().take(limit as usize) {
            let report_id = ReportId::from(r.try_get::<String, _>("id")?);
            let roles = self.report_roles(&report_id).await?;
            let case = self.latest_case_record(&report_id).await?;
            page.push(InboxRow {
                report: Self::report_from_row(r, roles)?,
                messages: r.try_get("message_count")?,
                case,
                contact: r.try_get("contact")?,
            });
        }
        let next = match page.last() {
            Some(last) if more => Some(InboxCursor {
                received_at: last.report.received_at,
                report_id: last.report.id.as_str().to_owned(),
            }),
            _ => None,
        };
        Ok((page, next))
    }

    /// A report, if `member_id` may read it.
    pub async fn team_report(
        &self,
        member_id: &MemberId,
        report_id: &ReportId,
    ) -> Result<Option<ReportRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT r.id, r.envelope, r.received_at, r.first_response_at, r.last_activity_at, \
             r.closed_at, r.outcome, r.delete_after, r.spam, r.held, r.registered_by \
             FROM reports r WHERE r.id = $1 AND {}",
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

/// Where an inbox page ends: the arrival hour and id of its last report. Written as
/// `<hour>.<id>` in the API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxCursor {
    pub received_at: i64,
    pub report_id: String,
}

impl InboxCursor {
    /// The cursor in the API's form.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.received_at, self.report_id)
    }

    /// A cursor from the API's form; `None` if it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        let (at, id) = s.split_once('.')?;
        let received_at = at.parse().ok()?;
        ReportId::parse(id).map(|id| Self {
            received_at,
            report_id: id.into_string(),
        })
    }
}
