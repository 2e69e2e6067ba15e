//! Team logins: single-use challenges and sessions. Only SHA-256 hashes of the challenge and
//! of the session token are stored, so a copy of the database logs nobody in.

use sqlx::Row;

use super::{ChallengeHash, MemberId, Store, StoreError, TokenHash};

impl Store {
    /// Deletes the rows of `table` (`challenges` or `sessions`) that expired by `now`.
    async fn forget_expired(&self, table: &'static str, now: i64) -> Result<(), StoreError> {
        sqlx::query(&format!("DELETE FROM {table} WHERE expires_at <= $1"))
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records a login challenge as spent until it expires (`expires_at`, team-side time);
    /// `true` only the first time, on any instance.
    pub async fn spend_challenge(
        &self,
        hash: &ChallengeHash,
        expires_at: i64,
        now: i64,
    ) -> Result<bool, StoreError> {
        self.forget_expired("challenges", now).await?;
        let res = sqlx::query(
            "INSERT INTO challenges (hash, expires_at) VALUES ($1, $2) ON CONFLICT (hash) DO NOTHING",
        )
        .bind(hash.to_vec())
        .bind(expires_at)
        .execute(&self.pool)
        .await?;
        Ok(res.rows_affected() == 1)
    }

    pub async fn insert_session(
        &self,
        token_hash: &TokenHash,
        member_id: &MemberId,
        expires_at: i64,
        now: i64,
    ) -> Result<(), StoreError> {
        self.forget_expired("sessions", now).await?;
        sqlx::query("INSERT INTO sessions (token_hash, member_id, expires_at) VALUES ($1, $2, $3)")
            .bind(token_hash.to_vec())
            .bind(member_id.as_str())
            .bind(expires_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn session_member(
        &self,
        token_hash: &TokenHash,
        now: i64,
    ) -> Result<Option<MemberId>, StoreError> {
        let row =
            sqlx::query("SELECT member_id FROM sessions WHERE token_hash = $1 AND expires_at > $2")
                .bind(token_hash.to_vec())
                .bind(now)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => Some(MemberId::from(r.try_get::<String, _>("member_id")?)),
            None => None,
        })
    }

    /// Ends a team session (log out); `false` if there was none.
    pub async fn delete_session(&self, token_hash: &TokenHash) -> Result<bool, StoreError> {
        let res = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_vec())
            .execute(&self.pool)
            .await?;
        Ok(res.rows_affected() > 0)
    }
}
