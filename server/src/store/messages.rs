//! Messages of a thread: appended through the group commit, read in order.

use sqlx::Row;

use super::writer::{ShareTarget, WriteOp, Written};
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

/// The reporter's share (crypto/SPEC.md §9.8), through the group commit in one transaction.
pub struct NewShare {
    pub to: ShareTarget,
    pub envelope: Vec<u8>,
    pub messages: Vec<(i64, Vec<u8>)>,
    pub answer: Vec<u8>,
}

impl Store {
    /// Lets `share.to` read the report: see [`WriteOp::Share`]. The id of the reporter's
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
            to: share.to,
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

    /// Whether `to` is one of the instance's roles or members.
    pub async fn share_target_exists(&self, to: &ShareTarget) -> Result<bool, StoreError> {
        let (sql, id) = match to {
            ShareTarget::Role(role) => ("SELECT 1 AS one FROM roles WHERE id = $1", role.as_str()),
            ShareTarget::Member(member) => (
                "SELECT 1 AS one FROM members WHERE id = $1",
                member.as_str(),
            ),
        };
        Ok(sqlx::query(sql)
            .bind(id)
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
