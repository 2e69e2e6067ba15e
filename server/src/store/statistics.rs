//! The annual report's statistics (issue 14): every report of the instance, oldest first, with
//! its arrival, roles and sealed statistics part — never its envelope. Any member may list it,
//! whatever their roles (the annual report counts all, the pattern signals compare roles),
//! except a report the reporter kept them out of, which they must not learn exists, and
//! reports marked as spam.

use std::collections::HashMap;

use sqlx::Row;

use super::sql::not_excluded;
use super::{InboxCursor, MemberId, ReportId, RoleId, Store, StoreError};

/// One report as the statistics count it.
#[derive(Clone, Debug)]
pub struct StatisticsRow {
    pub id: ReportId,
    /// The hour it arrived.
    pub received_at: i64,
    pub roles: Vec<RoleId>,
    /// The statistics part as stored: an envelope only the statistics key opens.
    pub statistics: Option<Vec<u8>>,
    /// A contact a member registered from another channel.
    pub registered: bool,
}

impl Store {
    /// One page of every report `member_id` was not kept out of and nobody marked as spam,
    /// oldest first by arrival and id: at most `limit`, after `after` (the previous page's
    /// last report). The cursor of the next page comes with it when there is one.
    ///
    /// One query, so the page and its roles come from one snapshot: the page's reports (at
    /// most `limit` + 1, the extra one telling that there is more) joined with their roles.
    pub async fn statistics_page(
        &self,
        member_id: &MemberId,
        after: Option<&InboxCursor>,
        limit: u32,
    ) -> Result<(Vec<StatisticsRow>, Option<InboxCursor>), StoreError> {
        let visible = not_excluded("r.id", "$1");
        let after_clause = match after {
            Some(_) => "AND (r.received_at > $2 OR (r.received_at = $2 AND r.id > $3))",
            None => "AND $2 = $2 AND $3 = $3",
        };
        let (at, id) = after.map_or((0, ""), |c| (c.received_at, c.report_id.as_str()));
        let rows = sqlx::query(&format!(
            "SELECT p.id, p.received_at, p.statistics, p.registered_by, rr.role_id \
             FROM (SELECT r.id, r.received_at, r.statistics, r.registered_by FROM reports r \
             WHERE r.spam = 0 AND {visible} {after_clause} \
             ORDER BY r.received_at, r.id LIMIT $4) p \
             LEFT JOIN report_roles rr ON rr.report_id = p.id \
             ORDER BY p.received_at, p.id, rr.role_id"
        ))
        .bind(member_id.as_str())
        .bind(at)
        .bind(id)
        .bind(i64::from(limit) + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut page: Vec<StatisticsRow> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for r in &rows {
            let id: String = r.try_get("id")?;
            let role = r.try_get::<Option<String>, _>("role_id")?.map(RoleId::from);
            let i = match index.get(&id) {
                Some(&i) => i,
                None => {
                    index.insert(id.clone(), page.len());
                    page.push(StatisticsRow {
                        id: ReportId::from(id),
                        received_at: r.try_get("received_at")?,
                        roles: Vec::new(),
                        statistics: r.try_get("statistics")?,
                        registered: r.try_get::<Option<String>, _>("registered_by")?.is_some(),
                    });
                    page.len() - 1
                }
            };
            if let (Some(role), Some(row)) = (role, page.get_mut(i)) {
                row.roles.push(role);
            }
        }
        let more = page.len() > limit as usize;
        page.truncate(limit as usize);
        let next = match page.last() {
            Some(last) if more => Some(InboxCursor {
                received_at: last.received_at,
                report_id: last.id.as_str().to_owned(),
            }),
            _ => None,
        };
        Ok((page, next))
    }
}
