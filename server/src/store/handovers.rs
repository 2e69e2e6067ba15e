//! Handovers (crypto/SPEC.md §9.11, migration 0010): a member who joins a role cannot open the
//! role's earlier cases, which were sealed before they joined. Adding the member records one
//! row per such case; a current member's app then wraps each envelope's content key to the new
//! member's key too and sends the longer headers, which replace the old ones here. The server
//! checks that every earlier stanza is kept (`loket_format::envelope::extend_header`), so a
//! handover can add readers to an envelope but never take any away, and it learns nothing but
//! the new stanzas.

use loket_format::envelope::extend_header;
use loket_wire::api::{AuditAction, CaseHeader, MessageHeader};
use sqlx::Row;

use super::sql::visible_to_member;
use super::{MemberId, ReportId, Store, StoreError, begin_write};

/// A case to hand to `member`, with what the handing member needs: the report's envelope whole
/// (its content names the case's readers), and the envelopes of its messages and case records,
/// whose headers alone are sent.
#[derive(Clone, Debug)]
pub struct HandoverRow {
    pub report_id: ReportId,
    pub member: MemberId,
    pub envelope: Vec<u8>,
    pub registered_by: Option<MemberId>,
    pub messages: Vec<(i64, Vec<u8>)>,
    pub cases: Vec<(String, Vec<u8>)>,
}

/// New headers for a case's envelopes, from the handing member.
#[derive(Clone, Debug)]
pub struct NewHeaders {
    pub report: Vec<u8>,
    pub messages: Vec<MessageHeader>,
    pub cases: Vec<CaseHeader>,
}

/// Inside `tx`: records that `member`, just given `role`, must be handed every case of the
/// role they cannot read yet.
pub(super) async fn owe_role_cases(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    member: &str,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO handovers (report_id, member_id) \
         SELECT report_id, $1 FROM report_roles WHERE role_id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(member)
    .bind(role)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Which envelope of a case [`extend`] replaces.
#[derive(Clone, Copy)]
enum Key<'a> {
    Report,
    Message(i64),
    Case(&'a str),
}

impl Key<'_> {
    /// The statements that read the envelope and swap it if it is still the one read.
    fn statements(self) -> (&'static str, &'static str) {
        match self {
            Self::Report => (
                "SELECT envelope FROM reports WHERE id = $1",
                "UPDATE reports SET envelope = $1 WHERE id = $2 AND envelope = $3",
            ),
            Self::Message(_) => (
                "SELECT envelope FROM messages WHERE report_id = $1 AND id = $2",
                "UPDATE messages SET envelope = $1 WHERE report_id = $2 AND id = $3 \
                 AND envelope = $4",
            ),
            Self::Case(_) => (
                "SELECT envelope FROM case_records WHERE report_id = $1 AND id = $2",
                "UPDATE case_records SET envelope = $1 WHERE report_id = $2 AND id = $3 \
                 AND envelope = $4",
            ),
        }
    }

    /// Binds the envelope's own id, if it has one besides the report's.
    fn bind<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
        match self {
            Self::Report => query,
            Self::Message(id) => query.bind(id),
            Self::Case(id) => query.bind(id.to_owned()),
        }
    }
}

/// Inside `tx`: replaces the envelope `key` of `report` by itself with `header` in place of
/// its header, if `header` keeps its stanzas (`NotExtended` otherwise), if it is the report's
/// (`NotInThread`), and if nobody changed it since it was read (`Conflict`).
async fn extend(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report: &ReportId,
    key: Key<'_>,
    header: &[u8],
) -> Result<(), StoreError> {
    let (select, update) = key.statements();
    let old: Vec<u8> = key
        .bind(sqlx::query(select).bind(report.as_str()))
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotInThread)?
        .try_get("envelope")?;
    let new = extend_header(&old, header).map_err(|_| StoreError::NotExtended)?;
    let done = key
        .bind(sqlx::query(update).bind(new).bind(report.as_str()))
        .bind(old)
        .execute(&mut **tx)
        .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict)
    }
}

impl Store {
    /// Up to `limit` cases `member` reads that another member is owed, never one `member` is
    /// owed themselves (they could not open it); with `own`, the cases `member` is owed (for
    /// `loket-team recover`, which opens them with the recovery key, SPEC §9.12).
    pub async fn pending_handovers(
        &self,
        member: &MemberId,
        limit: usize,
        own: bool,
    ) -> Result<Vec<HandoverRow>, StoreError> {
        let whose = if own {
            "h.member_id = $1"
        } else {
            "h.member_id <> $1 AND NOT EXISTS (SELECT 1 FROM handovers o \
             WHERE o.report_id = h.report_id AND o.member_id = $1)"
        };
        let rows = sqlx::query(&format!(
            "SELECT h.report_id, h.member_id, r.envelope, r.registered_by \
             FROM handovers h JOIN reports r ON r.id = h.report_id \
             WHERE {whose} AND {} ORDER BY h.report_id, h.member_id LIMIT $2",
            visible_to_member("r.id", "$1")
        ))
        .bind(member.as_str())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let report_id = ReportId::from(r.try_get::<String, _>("report_id")?);
            let messages = self.messages(&report_id).await?;
            let cases = self.case_records(&report_id).await?;
            out.push(HandoverRow {
                member: MemberId::from(r.try_get::<String, _>("member_id")?),
                envelope: r.try_get("envelope")?,
                registered_by: r
                    .try_get::<Option<String>, _>("registered_by")?
                    .map(MemberId::from),
                messages: messages.into_iter().map(|m| (m.id, m.envelope)).collect(),
                cases: cases.into_iter().map(|c| (c.id, c.envelope)).collect(),
                report_id,
            });
        }
        Ok(out)
    }

    /// `by` hands `report` to `member` (SPEC §9.11): in one transaction, each envelope gets its
    /// new header, the debt is settled and the act is audited. `NotFound` unless `by` reads the
    /// report, `member` is owed it, and `by` is not owed it unless `by` is `member` (a member
    /// who recovers their own cases with the recovery key, SPEC §9.12).
    pub async fn hand_over(
        &self,
        by: &MemberId,
        report: &ReportId,
        member: &MemberId,
        headers: &NewHeaders,
        now: i64,
    ) -> Result<u32, StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let owed = sqlx::query(&format!(
            "SELECT 1 FROM handovers h WHERE h.report_id = $1 AND h.member_id = $2 \
             AND {} AND ($2 = $3 OR NOT EXISTS (SELECT 1 FROM handovers o \
             WHERE o.report_id = h.report_id AND o.member_id = $3))",
            visible_to_member("$1", "$3")
        ))
        .bind(report.as_str())
        .bind(member.as_str())
        .bind(by.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        if owed.is_none() {
            return Err(StoreError::NotFound);
        }
        extend(&mut tx, report, Key::Report, &headers.report).await?;
        for m in &headers.messages {
            extend(&mut tx, report, Key::Message(m.id), &m.header.0).await?;
        }
        for c in &headers.cases {
            extend(&mut tx, report, Key::Case(&c.id), &c.header.0).await?;
        }
        sqlx::query("DELETE FROM handovers WHERE report_id = $1 AND member_id = $2")
            .bind(report.as_str())
            .bind(member.as_str())
            .execute(&mut *tx)
            .await?;
        super::audit::record(
            &mut tx,
            Some(by),
            AuditAction::HandedOver,
            Some(report),
            now,
        )
        .await?;
        tx.commit().await?;
        let envelopes = 1 + headers.messages.len() + headers.cases.len();
        Ok(u32::try_from(envelopes).unwrap_or(u32::MAX))
    }
}
