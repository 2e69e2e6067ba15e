//! The team's audit trail (issue 13, migration 0009): who did what to which case, at the hour,
//! and never what a case says. Members' acts carry their id; the reporter's share and the
//! server's own purge carry none. An act is written in the same transaction as the change it
//! records where there is one. The trail follows the cases' retention: an act about a case
//! lives as long as the case, and acts about deleted cases, and sign-ins, go once they are
//! older than the retention of a case without a complaint (`purge`).

use loket_wire::api::{AuditAction, AuditEntry};
use sqlx::Row;

use super::{MemberId, ReportId, Store, StoreError};
use crate::clock::to_hour;

/// Writes one act inside `tx`, dated to the hour of `now`.
pub(crate) async fn record(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member: Option<&MemberId>,
    action: AuditAction,
    report: Option<&ReportId>,
    now: i64,
) -> Result<(), StoreError> {
    let id = new_id()?;
    record_as(tx, &id, member, action, report, now).await?;
    Ok(())
}

/// A new act's id (random: ids say nothing of order).
pub(crate) fn new_id() -> Result<String, StoreError> {
    super::random_hex::<16>()
}

/// [`record`] with an id drawn before (inside the group commit, where nothing may fail halfway
/// through an op but the database).
pub(crate) async fn record_as(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: &str,
    member: Option<&MemberId>,
    action: AuditAction,
    report: Option<&ReportId>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_trail (id, hour, member_id, action, report_id) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(to_hour(now))
    .bind(member.map(MemberId::as_str))
    .bind(action.key())
    .bind(report.map(ReportId::as_str))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records an act that changes nothing else (a sign-in, a case opened), in its own
    /// transaction.
    pub async fn audit(
        &self,
        member: &MemberId,
        action: AuditAction,
        report: Option<&ReportId>,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = super::begin_write(&self.pool, self.backend).await?;
        record(&mut tx, Some(member), action, report, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The trail of `report`, oldest first (acts of one hour by action, then member).
    pub async fn audit_trail(&self, report: &ReportId) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT member_id, action, hour FROM audit_trail WHERE report_id = $1 \
             ORDER BY hour, action, member_id",
        )
        .bind(report.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let action: String = r.try_get("action")?;
                Ok(AuditEntry {
                    member_id: r.try_get("member_id")?,
                    action: AuditAction::from_key(&action)
                        .ok_or(StoreError::CorruptRow("audit_trail.action"))?,
                    hour: r.try_get("hour")?,
                })
            })
            .collect()
    }

    /// The audit trail about `report` as (member, action) pairs, oldest first: for tests and
    /// the admin's eye. The reporter's and the server's acts have an empty member.
    pub async fn audit_of(&self, report: &ReportId) -> Result<Vec<(String, String)>, StoreError> {
        Ok(self
            .audit_trail(report)
            .await?
            .into_iter()
            .map(|e| (e.member_id.unwrap_or_default(), e.action.key().to_owned()))
            .collect())
    }

    /// Acts older than `before` about no case (sign-ins) or about a case that no longer
    /// exists; the number deleted.
    pub(crate) async fn purge_audit(&self, before: i64) -> Result<u64, StoreError> {
        let res = sqlx::query(
            "DELETE FROM audit_trail WHERE hour <= $1 AND (report_id IS NULL OR NOT EXISTS \
             (SELECT 1 FROM reports r WHERE r.id = audit_trail.report_id))",
        )
        .bind(before)
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected())
    }
}
