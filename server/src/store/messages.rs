//! Messages of a thread: appended through the group commit, read in order.

use sqlx::Row;

use super::writer::{WriteOp, Written};
use super::{MemberId, MessageRow, PowSpend, ReportId, Store, StoreError};

impl Store {
    pub async fn messages(&self, report_id: &ReportId) -> Result<Vec<MessageRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, author_member_id, envelope, created_at FROM messages WHERE report_id = $1 ORDER BY seq",
        )
        .bind(report_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(MessageRow {
                    id: r.try_get("id")?,
                    author_member_id: r
                        .try_get::<Option<String>, _>("author_member_id")?
                        .map(MemberId::from),
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
        report_id: &ReportId,
        author: Option<&MemberId>,
        envelope: Vec<u8>,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<i64, StoreError> {
        let op = WriteOp::Message {
            id: random_message_id()?,
            report_id: report_id.clone(),
            author: author.cloned(),
            envelope,
            hour,
            spend,
        };
        match self.writer.write(op).await? {
            Written::Message(id) => Ok(id),
            _ => Err(StoreError::BatchFailed),
        }
    }
}

/// A new message id: random in 1 to 2^53 − 1 (exact in JavaScript's numbers), so ids say
/// nothing about when or in which order messages arrived. A decoy answer draws one the same
/// way.
pub fn random_message_id() -> Result<i64, StoreError> {
    let bytes = super::random_bytes::<8>()?;
    let id = i64::from_be_bytes(bytes) & ((1 << 53) - 1);
    Ok(id.max(1))
}
