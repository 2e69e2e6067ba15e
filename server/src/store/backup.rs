//! What `loket backup` and `loket restore` need of the database: the backup mark (migration
//! 0011), SQLite's online snapshot, the replay of the deletion journal (`store::journal`).

use std::collections::BTreeSet;
use std::path::Path;

use sqlx::Row;

use super::{Backend, ReportId, Store, StoreError, begin_write, delete_report_rows};

impl Store {
    /// Records `hour` as the time of a backup about to be taken: the snapshot then holds a
    /// mark no later than itself.
    pub async fn mark_backup(&self, hour: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO backup_mark (id, taken_at) VALUES (1, $1) \
             ON CONFLICT (id) DO UPDATE SET taken_at = excluded.taken_at",
        )
        .bind(hour)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The hour the latest backup mark in this database names (none in a database from before
    /// migration 0011, or never backed up with `loket backup`).
    pub async fn backup_mark(&self) -> Result<Option<i64>, StoreError> {
        let row = sqlx::query("SELECT taken_at FROM backup_mark WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| r.try_get::<i64, _>("taken_at")).transpose()?)
    }

    /// SQLite: a consistent copy of the live database into `path`, which must not exist or be
    /// empty (`VACUUM INTO`: one read transaction, so the copy is a snapshot while writers go
    /// on; it is rebuilt page by page, so no freed page of deleted ciphertext goes with it).
    pub async fn vacuum_into(&self, path: &Path) -> Result<(), StoreError> {
        if self.backend != Backend::Sqlite {
            return Err(StoreError::UnsupportedUrl);
        }
        sqlx::query("VACUUM INTO $1")
            .bind(path.display().to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The number of reports stored.
    pub async fn report_count(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM reports")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")?)
    }

    /// Deletes again, with every row of it, each report in `deleted` that is stored (one
    /// restored from a backup taken before its deletion), in one transaction; returns how many
    /// there were. Not written to the journal again: they are listed there already.
    pub async fn replay_deletions(&self, deleted: &BTreeSet<ReportId>) -> Result<u64, StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let mut replayed = 0;
        for id in deleted {
            let found = sqlx::query("SELECT 1 AS one FROM reports WHERE id = $1")
                .bind(id.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if found.is_some() {
                delete_report_rows(&mut tx, id).await?;
                replayed += 1;
            }
        }
        tx.commit().await?;
        if replayed > 0 {
            self.scrub().await;
        }
        Ok(replayed)
    }
}
