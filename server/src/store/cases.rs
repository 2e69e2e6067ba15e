//! Case records and registered contacts (crypto/SPEC.md §9.10): versions of an envelope the
//! server cannot read, and what retention needs of them — whether the case is held, and the
//! date after a decision. Nothing of the category, stage or handling.

use loket_wire::api::Keep;
use sqlx::Row;

use super::sql::visible_row;
use super::{
    Backend, MemberId, ReportId, RoleId, Store, StoreError, begin_write, random_bytes, random_hex,
};

/// One stored version of a case record.
#[derive(Clone, Debug)]
pub struct CaseRow {
    pub id: String,
    pub author: MemberId,
    pub created_at: i64,
    pub envelope: Vec<u8>,
}

/// What retention knows of a case: held until a later record says otherwise, or kept until
/// `delete_after`; with neither, the rule of last activity decides (`policy::retention`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Retained {
    pub held: bool,
    pub delete_after: Option<i64>,
}

impl Retained {
    /// As the latest record's `keep` says, a decided formal complaint being kept `keep_formal`
    /// seconds after its decision day.
    pub fn from_keep(keep: Keep, keep_formal: i64) -> Self {
        match keep {
            Keep::Activity => Self::default(),
            Keep::Decided { decided } => Self {
                held: false,
                delete_after: Some(crate::clock::to_next_hour(
                    decided.saturating_add(keep_formal),
                )),
            },
            Keep::Hold => Self {
                held: true,
                delete_after: None,
            },
        }
    }

    pub(super) fn from_row(r: &sqlx::any::AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            held: r.try_get::<i64, _>("held")? != 0,
            delete_after: r.try_get("delete_after")?,
        })
    }
}

/// A contact from another channel as stored: its roles and the contact's envelope.
#[derive(Debug)]
pub struct NewContact {
    pub roles: Vec<RoleId>,
    pub envelope: Vec<u8>,
}

fn case_row(r: &sqlx::any::AnyRow) -> Result<CaseRow, StoreError> {
    Ok(CaseRow {
        id: r.try_get("id")?,
        author: MemberId::from(r.try_get::<String, _>("author_member_id")?),
        created_at: r.try_get("created_at")?,
        envelope: r.try_get("envelope")?,
    })
}

async fn insert_case_row(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: &ReportId,
    author: &MemberId,
    envelope: Vec<u8>,
    hour: i64,
) -> Result<String, StoreError> {
    let id = random_hex::<16>()?;
    sqlx::query(
        "INSERT INTO case_records (id, report_id, seq, author_member_id, envelope, created_at) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM case_records WHERE report_id = $3), \
         $4, $5, $6)",
    )
    .bind(&id)
    .bind(report_id.as_str())
    .bind(report_id.as_str())
    .bind(author.as_str())
    .bind(envelope)
    .bind(hour)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

async fn set_retention(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    report_id: &ReportId,
    retained: Retained,
    hour: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE reports SET held = $1, delete_after = $2, last_activity_at = $3 WHERE id = $4",
    )
    .bind(i64::from(retained.held))
    .bind(retained.delete_after)
    .bind(hour)
    .bind(report_id.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Stores a new version of the case record of `report_id`, if `member_id` may read the
    /// report, and sets its retention as the record says (`Retained::from_keep`); the case's
    /// last activity is now.
    /// Returns the version's id and the retention. `NotFound` if the member cannot see it.
    pub async fn save_case_record(
        &self,
        member_id: &MemberId,
        report_id: &ReportId,
        envelope: Vec<u8>,
        retained: Retained,
        hour: i64,
    ) -> Result<(String, Retained), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        visible_row(&mut tx, report_id, member_id, "id")
            .await?
            .ok_or(StoreError::NotFound)?;
        let id = insert_case_row(&mut tx, report_id, member_id, envelope, hour).await?;
        set_retention(&mut tx, report_id, retained, hour).await?;
        tx.commit().await?;
        Ok((id, retained))
    }

    /// Every version of the case record of `report_id`, oldest first.
    pub async fn case_records(&self, report_id: &ReportId) -> Result<Vec<CaseRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, author_member_id, created_at, envelope FROM case_records \
             WHERE report_id = $1 ORDER BY seq",
        )
        .bind(report_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(case_row).collect()
    }

    /// The latest version of the case record of `report_id`, if any.
    pub(super) async fn latest_case_record(
        &self,
        report_id: &ReportId,
    ) -> Result<Option<CaseRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, author_member_id, created_at, envelope FROM case_records \
             WHERE report_id = $1 ORDER BY seq DESC LIMIT 1",
        )
        .bind(report_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(case_row).transpose()
    }

    /// Registers a contact from another channel as a case of `new.roles`, in one
    /// transaction. The member must hold one of the roles
    /// (`NotAReader` otherwise); an unknown role is `UnknownRole`. The case gets a lookup
    /// hash nobody holds a token for: no reporter can open it.
    pub async fn register_contact(
        &self,
        member_id: &MemberId,
        new: NewContact,
        hour: i64,
    ) -> Result<ReportId, StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let mut holds_one = false;
        for role in &new.roles {
            let row = sqlx::query(
                "SELECT (SELECT COUNT(*) FROM member_roles WHERE role_id = $1 AND member_id = $2) \
                 AS held FROM roles WHERE id = $3",
            )
            .bind(role.as_str())
            .bind(member_id.as_str())
            .bind(role.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| StoreError::UnknownRole(role.as_str().to_owned()))?;
            holds_one |= row.try_get::<i64, _>("held")? > 0;
        }
        if !holds_one {
            return Err(StoreError::NotAReader);
        }
        let id = ReportId::from(random_hex::<16>()?);
        sqlx::query(match self.backend {
            // A random rowid, as for reports from the portal (migration 0005).
            Backend::Sqlite => {
                "INSERT INTO reports (rowid, id, lookup_hash, envelope, received_at, \
                 last_activity_at, registered_by) VALUES (abs(random()), $1, $2, $3, $4, $5, $6)"
            }
            Backend::Postgres => {
                "INSERT INTO reports (id, lookup_hash, envelope, received_at, last_activity_at, \
                 registered_by) VALUES ($1, $2, $3, $4, $5, $6)"
            }
        })
        .bind(id.as_str())
        .bind(random_bytes::<32>()?.to_vec())
        .bind(new.envelope)
        .bind(hour)
        .bind(hour)
        .bind(member_id.as_str())
        .execute(&mut *tx)
        .await?;
        for role in &new.roles {
            sqlx::query(
                "INSERT INTO report_roles (report_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id.as_str())
            .bind(role.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(id)
    }
}
