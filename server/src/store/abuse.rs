//! What the abuse defences keep in the database, so that every instance on one PostgreSQL
//! sees the same state: the secret that authenticates proof-of-work challenges, spent
//! challenges, and per-minute request counts; and the clean-up of what has expired. Nothing here names a client.

use sqlx::Row;

use super::{Store, StoreError};

/// One kind of request counted in one minute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RateCount {
    pub kind: String,
    pub count: i64,
}

impl Store {
    /// The instance-wide secret (32 bytes), created by whichever instance asks first.
    pub async fn server_secret(&self) -> Result<[u8; 32], StoreError> {
        let fresh = super::random_bytes::<32>()?;
        sqlx::query(
            "INSERT INTO server_secrets (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(fresh.to_vec())
        .execute(&self.pool)
        .await?;
        let row = sqlx::query("SELECT secret FROM server_secrets WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        let secret: Vec<u8> = row.try_get("secret")?;
        secret
            .try_into()
            .map_err(|_| StoreError::CorruptRow("the server secret has the wrong length"))
    }

    /// Stores this instance's counts for `minute` and returns what all OTHER instances
    /// counted in `minute`, per kind.
    pub async fn exchange_rate_counts(
        &self,
        instance: &str,
        minute: i64,
        mine: &[RateCount],
    ) -> Result<Vec<RateCount>, StoreError> {
        let mut tx = super::begin_write(&self.pool, self.backend).await?;
        for c in mine {
            sqlx::query(
                "INSERT INTO rate_counts (instance, kind, minute, count) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (instance, kind, minute) DO UPDATE SET count = excluded.count",
            )
            .bind(instance)
            .bind(&c.kind)
            .bind(minute)
            .bind(c.count)
            .execute(&mut *tx)
            .await?;
        }
        let rows = sqlx::query(
            "SELECT kind, CAST(SUM(count) AS BIGINT) AS total FROM rate_counts \
             WHERE minute = $1 AND instance <> $2 GROUP BY kind",
        )
        .bind(minute)
        .bind(instance)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        rows.iter()
            .map(|r| {
                Ok(RateCount {
                    kind: r.try_get("kind")?,
                    count: r.try_get("total")?,
                })
            })
            .collect()
    }

    /// Forgets what has expired: spent challenges, old counts, login challenges, sessions.
    pub async fn delete_expired(&self, now: i64) -> Result<(), StoreError> {
        for (statement, limit) in [
            ("DELETE FROM pow_spent WHERE expires_at <= $1", now),
            ("DELETE FROM rate_counts WHERE minute < $1", now / 60 - 10),
            ("DELETE FROM challenges WHERE expires_at <= $1", now),
            ("DELETE FROM sessions WHERE expires_at <= $1", now),
        ] {
            sqlx::query(statement)
                .bind(limit)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }
}
