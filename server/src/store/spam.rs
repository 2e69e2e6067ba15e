//! Spam: a member marks a report as spam (or takes the mark back), and deletes a report so
//! marked, with everything of it. Both are written to the audit trail (`store::audit`) with the
//! member and the hour, in the same transaction as the change.

use loket_wire::api::AuditAction;
use sqlx::Row;

use super::sql::visible_row;
use super::{MemberId, ReportId, Store, StoreError, begin_write, delete_report_rows};

/// What a member did to a report, as the audit log names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpamAction {
    Marked,
    Unmarked,
    Deleted,
}

type Tx = sqlx::Transaction<'static, sqlx::Any>;

async fn audit(
    tx: &mut Tx,
    member: &MemberId,
    action: SpamAction,
    report: &ReportId,
    now: i64,
) -> Result<(), StoreError> {
    let action = match action {
        SpamAction::Marked => AuditAction::SpamMarked,
        SpamAction::Unmarked => AuditAction::SpamUnmarked,
        SpamAction::Deleted => AuditAction::SpamDeleted,
    };
    super::audit::record(tx, Some(member), action, Some(report), now).await
}

/// Whether `member` may read `report`, and whether it is marked as spam; `None` if not visible.
async fn spam_state(
    tx: &mut Tx,
    member: &MemberId,
    report: &ReportId,
) -> Result<Option<bool>, StoreError> {
    match visible_row(tx, report, member, "spam").await? {
        Some(r) => Ok(Some(r.try_get::<i64, _>("spam")? != 0)),
        None => Ok(None),
    }
}

impl Store {
    /// Marks `report` as spam (`spam`) or takes the mark back, for a member who may read it;
    /// `NotFound` otherwise. Audited.
    pub async fn mark_spam(
        &self,
        member: &MemberId,
        report: &ReportId,
        spam: bool,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        if spam_state(&mut tx, member, report).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE reports SET spam = $1 WHERE id = $2")
            .bind(i64::from(spam))
            .bind(report.as_str())
            .execute(&mut *tx)
            .await?;
        let action = if spam {
            SpamAction::Marked
        } else {
            SpamAction::Unmarked
        };
        audit(&mut tx, member, action, report, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes `report`, marked as spam before, with every row of it, for a member who may
    /// read it (`NotFound` otherwise; `Conflict` when it is not marked). Audited; the deleted
    /// ciphertext is scrubbed as after a withdrawal.
    pub async fn delete_spam(
        &self,
        member: &MemberId,
        report: &ReportId,
        now: i64,
    ) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        match spam_state(&mut tx, member, report).await? {
            None => return Err(StoreError::NotFound),
            Some(false) => return Err(StoreError::Conflict),
            Some(true) => {}
        }
        delete_report_rows(&mut tx, report).await?;
        audit(&mut tx, member, SpamAction::Deleted, report, now).await?;
        self.journal_deletion(report).await?;
        tx.commit().await?;
        self.scrub().await;
        Ok(())
    }
}
