//! Messages of a thread: appended through the group commit, read in order.

use sqlx::Row;

use super::writer::{WriteOp, Written};
use super::{MemberId, MessageRow, PowSpend, ReportId, RoleId, Store, StoreError};

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

/// The reporter's share (crypto/SPEC.md §9.8), through the group commit in one transaction.
pub struct NewShare {
    pub role: RoleId,
    pub envelope: Vec<u8>,
    pub messages: Vec<(i64, Vec<u8>)>,
    pub answer: Vec<u8>,
}

impl Store {
    /// Lets `share.role` read the report: see [`WriteOp::Share`]. The id of the reporter's
    /// answer.
    pub async fn share_report(
        &self,
        report_id: &ReportId,
        share: NewShare,
        hour: i64,
        spend: Option<PowSpend>,
    ) -> Result<i64, StoreError> {
        let op = WriteOp::Share {
            report_id: report_id.clone(),
            role: share.role,
            envelope: share.envelope,
            messages: share.messages,
            answer_id: random_message_id()?,
            answer: share.answer,
            hour,
            spend,
        };
        match self.writer.write(op).await? {
            Written::Message(id) => Ok(id),
            _ => Err(StoreError::BatchFailed),
        }
    }

    /// Whether `role` is one of the instance's roles.
    pub async fn role_exists(&self, role: &str) -> Result<bool, StoreError> {
        Ok(sqlx::query("SELECT 1 AS one FROM roles WHERE id = $1")
            .bind(role)
            .fetch_optional(&self.pool)
            .await?
            .is_some())
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
