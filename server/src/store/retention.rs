//! Retention: closing a case records its outcome and the date after which the purge job
//! deletes it — for real, like a withdrawal.

use loket_wire::api::{AuditAction, Outcome};
use sqlx::Row;

use super::sql::visible_row;
use super::{MemberId, ReportId, Store, StoreError, delete_report_rows};

/// A closed case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosedRow {
    pub at: i64,
    pub outcome: Outcome,
    pub delete_after: i64,
}

impl ClosedRow {
    pub(super) fn from_row(r: &sqlx::any::AnyRow) -> Result<Option<Self>, StoreError> {
        let at: Option<i64> = r.try_get("closed_at")?;
        let outcome: Option<String> = r.try_get("outcome")?;
        let delete_after: Option<i64> = r.try_get("delete_after")?;
        Ok(match (at, outcome.as_deref(), delete_after) {
            (Some(at), Some(outcome), Some(delete_after)) => Some(Self {
                at,
                outcome: outcome_from_str(outcome)?,
                delete_after,
            }),
            _ => None,
        })
    }
}

fn outcome_str(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::NoComplaint => "no_complaint",
        Outcome::FormalComplaint => "formal_complaint",
    }
}

fn outcome_from_str(s: &str) -> Result<Outcome, StoreError> {
    match s {
        "no_complaint" => Ok(Outcome::NoComplaint),
        "formal_complaint" => Ok(Outcome::FormalComplaint),
        _ => Err(StoreError::CorruptRow("a stored outcome is unknown")),
    }
}

/// What one purge run deleted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub reports: u64,
    pub stale_uploads: u64,
}

impl Store {
    /// Closes `report_id` with `outcome`, if `member_id` may read it and it is still open.
    /// `NotFound` if the member cannot see it, `Conflict` if it was closed already.
    pub async fn close_report(
        &self,
        member_id: &MemberId,
        report_id: &ReportId,
        outcome: Outcome,
        at: i64,
        delete_after: i64,
    ) -> Result<ClosedRow, StoreError> {
        let mut tx = super::begin_write(&self.pool, self.backend).await?;
        let row = visible_row(&mut tx, report_id, member_id, "closed_at")
            .await?
            .ok_or(StoreError::NotFound)?;
        let closed: Option<i64> = row.try_get("closed_at")?;
        if closed.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "UPDATE reports SET closed_at = $1, outcome = $2, delete_after = $3, last_activity_at = $4 \
             WHERE id = $5",
        )
        .bind(at)
        .bind(outcome_str(outcome))
        .bind(delete_after)
        .bind(at)
        .bind(report_id.as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(ClosedRow {
            at,
            outcome,
            delete_after,
        })
    }

    /// Deletes every case that is not held and whose deletion date has passed, or that has
    /// none and no activity since `inactive_before` (the rule of last activity), with all its
    /// rows, and uploads left incomplete since before `stale_before`; then scrubs the SQLite
    /// files.
    pub async fn purge(
        &self,
        now: i64,
        inactive_before: i64,
        stale_before: i64,
    ) -> Result<Purged, StoreError> {
        let mut purged = Purged::default();
        let due = sqlx::query(
            "SELECT id FROM reports WHERE held = 0 AND ((delete_after IS NOT NULL AND \
             delete_after <= $1) OR (delete_after IS NULL AND last_activity_at <= $2))",
        )
        .bind(now)
        .bind(inactive_before)
        .fetch_all(&self.pool)
        .await?;
        for row in due {
            let id = ReportId::from(row.try_get::<String, _>("id")?);
            let mut tx = super::begin_write(&self.pool, self.backend).await?;
            delete_report_rows(&mut tx, &id).await?;
            super::audit::record(&mut tx, None, AuditAction::Purged, Some(&id), now).await?;
            self.journal_deletion(&id).await?;
            tx.commit().await?;
            purged.reports += 1;
        }
        let stale =
            sqlx::query("SELECT id FROM attachments WHERE received < pieces AND created_at < $1")
                .bind(stale_before)
                .fetch_all(&self.pool)
                .await?;
        for row in stale {
            let id: String = row.try_get("id")?;
            let mut tx = super::begin_write(&self.pool, self.backend).await?;
            sqlx::query("DELETE FROM attachment_pieces WHERE attachment_id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            sqlx::query("DELETE FROM attachments WHERE id = $1")
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            purged.stale_uploads += 1;
        }
        self.delete_expired(now).await?;
        // The trail keeps what it says of deleted cases, and sign-ins, as long as a case
        // without a complaint is kept after its last activity.
        self.purge_audit(inactive_before).await?;
        self.prune_journal(now).await?;
        if purged.reports + purged.stale_uploads > 0 {
            self.scrub().await;
        }
        Ok(purged)
    }
}
