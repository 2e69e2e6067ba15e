//! Encrypted attachments, stored in pieces. An upload appends one piece per transaction, in
//! order, so what is stored is always a prefix and an interrupted upload resumes at
//! `received`. No piece is ever held beyond its own request.

use sqlx::Row;

use super::sql::visible_to_member;
use super::{AttachmentId, Backend, MemberId, ReportId, Store, StoreError, UploadHash, random_hex};

/// An upload in progress (or finished), as the reporter sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UploadRow {
    pub attachment_id: AttachmentId,
    pub size: i64,
    pub pieces: i64,
    pub received: i64,
}

/// An upload to start: the hash of its key, its size in bytes and in pieces, and the hour.
#[derive(Clone, Debug)]
pub struct NewUpload {
    pub hash: UploadHash,
    pub size: i64,
    pub pieces: i64,
    pub hour: i64,
}

/// A complete attachment, as the team sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    pub size: i64,
    pub pieces: i64,
    pub created_at: i64,
}

fn upload_from_row(r: &sqlx::any::AnyRow) -> Result<UploadRow, StoreError> {
    Ok(UploadRow {
        attachment_id: AttachmentId::from(r.try_get::<String, _>("id")?),
        size: r.try_get("size")?,
        pieces: r.try_get("pieces")?,
        received: r.try_get("received")?,
    })
}

/// What attachments may take: files and bytes per report, bytes of the whole instance.
#[derive(Clone, Copy, Debug)]
pub struct Quota {
    pub files_per_report: i64,
    pub bytes_per_report: u64,
    pub bytes_total: u64,
}

impl Store {
    /// Starts `upload` for `report_id`, within `quota`: `Conflict` when the report has its
    /// files already, `ReportQuota` when its bytes would be too many, `StorageFull` when the
    /// instance's would. Counted in the same transaction as the new row, so concurrent starts
    /// cannot pass it together.
    pub async fn create_attachment(
        &self,
        report_id: &ReportId,
        upload: &NewUpload,
        quota: Quota,
    ) -> Result<AttachmentId, StoreError> {
        let id = AttachmentId::from(random_hex::<16>()?);
        let mut tx = super::begin_write(&self.pool, self.backend).await?;
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(COALESCE(SUM(size), 0) AS BIGINT) AS bytes, \
             (SELECT CAST(COALESCE(SUM(size), 0) AS BIGINT) FROM attachments) AS total \
             FROM attachments WHERE report_id = $1",
        )
        .bind(report_id.as_str())
        .fetch_one(&mut *tx)
        .await?;
        let n: i64 = row.try_get("n")?;
        let after = |column: &str| -> Result<u64, StoreError> {
            let bytes: i64 = row.try_get(column)?;
            let size = u64::try_from(upload.size).unwrap_or(u64::MAX);
            Ok(u64::try_from(bytes).unwrap_or(0).saturating_add(size))
        };
        if n >= quota.files_per_report {
            return Err(StoreError::Conflict);
        }
        if after("bytes")? > quota.bytes_per_report {
            return Err(StoreError::ReportQuota);
        }
        if after("total")? > quota.bytes_total {
            return Err(StoreError::StorageFull);
        }
        sqlx::query(
            "INSERT INTO attachments (id, report_id, upload_hash, size, pieces, received, created_at) \
             VALUES ($1, $2, $3, $4, $5, 0, $6)",
        )
        .bind(id.as_str())
        .bind(report_id.as_str())
        .bind(upload.hash.to_vec())
        .bind(upload.size)
        .bind(upload.pieces)
        .bind(upload.hour)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn upload(&self, upload_hash: &UploadHash) -> Result<Option<UploadRow>, StoreError> {
        let row = sqlx::query(
            "SELECT id, size, pieces, received FROM attachments WHERE upload_hash = $1",
        )
        .bind(upload_hash.to_vec())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(upload_from_row).transpose()
    }

    /// Stores piece `index` of the upload. Pieces go in order: the next one (`received`) is
    /// appended; one that is already stored is accepted again without change (a retried
    /// request); one further ahead is a `Conflict`.
    pub async fn put_piece(
        &self,
        upload_hash: &UploadHash,
        index: i64,
        data: &[u8],
    ) -> Result<UploadRow, StoreError> {
        let mut tx = super::begin_write(&self.pool, self.backend).await?;
        let row = sqlx::query(
            "SELECT id, size, pieces, received FROM attachments WHERE upload_hash = $1",
        )
        .bind(upload_hash.to_vec())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let mut upload = upload_from_row(&row)?;
        if index < upload.received {
            return Ok(upload);
        }
        if index != upload.received || index >= upload.pieces {
            return Err(StoreError::Conflict);
        }
        let res = sqlx::query(
            "UPDATE attachments SET received = received + 1 WHERE id = $1 AND received = $2",
        )
        .bind(upload.attachment_id.as_str())
        .bind(index)
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            // Another request stored this piece meanwhile.
            return Err(StoreError::Conflict);
        }
        sqlx::query(match self.backend {
            // A random rowid: SQLite's row order says nothing of arrival (migration 0005).
            Backend::Sqlite => {
                "INSERT INTO attachment_pieces (rowid, attachment_id, idx, data) \
                 VALUES (abs(random()), $1, $2, $3)"
            }
            Backend::Postgres => {
                "INSERT INTO attachment_pieces (attachment_id, idx, data) VALUES ($1, $2, $3)"
            }
        })
        .bind(upload.attachment_id.as_str())
        .bind(index)
        .bind(data)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        upload.received += 1;
        Ok(upload)
    }

    /// The complete attachments of a report.
    pub async fn attachments(
        &self,
        report_id: &ReportId,
    ) -> Result<Vec<AttachmentRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, size, pieces, created_at FROM attachments \
             WHERE report_id = $1 AND received = pieces ORDER BY created_at, id",
        )
        .bind(report_id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AttachmentRow {
                    id: AttachmentId::from(r.try_get::<String, _>("id")?),
                    size: r.try_get("size")?,
                    pieces: r.try_get("pieces")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Piece `index` of a complete attachment, if `member_id` may read its report.
    pub async fn team_piece(
        &self,
        member_id: &MemberId,
        attachment_id: &AttachmentId,
        index: i64,
    ) -> Result<Option<Vec<u8>>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT p.data FROM attachment_pieces p JOIN attachments a ON a.id = p.attachment_id \
             WHERE p.attachment_id = $1 AND p.idx = $2 AND a.received = a.pieces AND {}",
            visible_to_member("a.report_id", "$3")
        ))
        .bind(attachment_id.as_str())
        .bind(index)
        .bind(member_id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(r.try_get("data")?),
            None => None,
        })
    }
}
