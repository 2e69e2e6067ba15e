//! What the e-mail notices keep in the database (`notice_state`, one row): whether something
//! new arrived since the last notice, and which period's notice was last claimed. Every
//! instance on one PostgreSQL shares the row, so at most one of them sends per period.
//! Nothing here names a report, a reporter or a time finer than the notice period.

use sqlx::Row;

use super::{Store, StoreError};

/// The notice row as it stands (for tests and operators).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NoticeState {
    /// A new report or reporter message arrived since the last claimed notice.
    pub pending: bool,
    /// Start of the period whose notice was last claimed (Unix seconds; 0: never).
    pub last_sent: i64,
}

/// Inside a write batch's transaction: something new arrived (a report or a reporter
/// message). Touches the row only when it is not pending yet, so concurrent batches on
/// PostgreSQL do not queue on its lock for the rest of the period.
pub(crate) async fn mark_pending(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE notice_state SET pending = 1 WHERE id = 1 AND pending = 0")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

impl Store {
    /// Claims the notice of the period starting at `slot` (a multiple of `period` seconds):
    /// `true` for exactly one caller across all instances, and only if something new arrived
    /// and no notice was claimed for this period yet. The claim clears `pending`.
    pub async fn claim_notice(&self, slot: i64, period: i64) -> Result<bool, StoreError> {
        let res = sqlx::query(
            "UPDATE notice_state SET pending = 0, last_sent = $1 \
             WHERE id = 1 AND pending = 1 AND last_sent <= $2",
        )
        .bind(slot)
        .bind(slot.saturating_sub(period))
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected() == 1)
    }

    /// After a failed send: the news is pending again, for the next period.
    pub async fn restore_notice(&self) -> Result<(), StoreError> {
        sqlx::query("UPDATE notice_state SET pending = 1 WHERE id = 1")
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The notice row.
    pub async fn notice_state(&self) -> Result<NoticeState, StoreError> {
        let row = sqlx::query("SELECT pending, last_sent FROM notice_state WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let pending: i64 = row.try_get("pending")?;
        Ok(NoticeState {
            pending: pending != 0,
            last_sent: row.try_get("last_sent")?,
        })
    }
}
