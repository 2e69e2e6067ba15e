//! The organisation, its signed directory, roles and members (the admin side).

use std::collections::BTreeMap;

use loket_wire::keys::MemberKeys;
use sqlx::Row;

use super::{
    MemberId, MemberRow, Organisation, RoleId, RoleRow, SignedDirectoryRow, Store, StoreError,
    begin_write, random_bytes, random_hex,
};

/// A role as `loket init` creates it: id, then name and description in English and in Dutch.
pub struct DefaultRole {
    pub id: &'static str,
    pub en: (&'static str, &'static str),
    pub nl: (&'static str, &'static str),
}

/// The roles of the regulation, created by `loket init`.
pub const DEFAULT_ROLES: &[DefaultRole] = &[
    DefaultRole {
        id: "ccp",
        en: (
            "CCP coordinator",
            "First contact: listens, explains the options, refers you on.",
        ),
        nl: (
            "CCP-coördinator",
            "Eerste aanspreekpunt: luistert, legt de mogelijkheden uit en verwijst je door.",
        ),
    },
    DefaultRole {
        id: "confidential-adviser",
        en: (
            "Confidential adviser",
            "Listens and supports you; you stay in control of every next step.",
        ),
        nl: (
            "Vertrouwenspersoon",
            "Luistert en steunt je; jij houdt de regie over elke volgende stap.",
        ),
    },
    DefaultRole {
        id: "ombudsperson",
        en: (
            "Ombudsperson",
            "Neutral: advises, mediates and can investigate.",
        ),
        nl: (
            "Ombudsfunctionaris",
            "Onafhankelijk: adviseert, bemiddelt en kan onderzoek doen.",
        ),
    },
];

impl Store {
    pub async fn organisation(&self) -> Result<Option<Organisation>, StoreError> {
        let row = sqlx::query(
            "SELECT name, deployment_salt, organisation_key, statistics_key, units, \
             recovery_key FROM organisation WHERE id = 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some(r) => Some(Organisation {
                name: r.try_get("name")?,
                deployment_salt: r.try_get("deployment_salt")?,
                organisation_key: r.try_get("organisation_key")?,
                statistics_key: r.try_get("statistics_key")?,
                units: serde_json::from_str(&r.try_get::<String, _>("units")?)
                    .map_err(|_| StoreError::CorruptRow("organisation.units"))?,
                recovery_key: r.try_get("recovery_key")?,
            }),
            None => None,
        })
    }

    /// Records the organisation's public key (once; `Conflict` if a different one is set).
    pub async fn set_organisation_key(&self, key: &[u8; 32]) -> Result<(), StoreError> {
        let res = sqlx::query(
            "UPDATE organisation SET organisation_key = $1 \
             WHERE id = 1 AND (organisation_key IS NULL OR organisation_key = $2)",
        )
        .bind(key.to_vec())
        .bind(key.to_vec())
        .execute(&self.pool)
        .await?;
        if res.rows_affected() == 0 {
            return Err(match self.organisation().await? {
                None => StoreError::NotInitialised,
                Some(_) => StoreError::Conflict,
            });
        }
        Ok(())
    }

    /// The current signed directory, if one was published.
    pub async fn signed_directory(&self) -> Result<Option<SignedDirectoryRow>, StoreError> {
        let row = sqlx::query("SELECT serial, body, signature FROM signed_directory WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => Some(SignedDirectoryRow {
                serial: r.try_get("serial")?,
                body: r.try_get("body")?,
                signature: r.try_get("signature")?,
            }),
            None => None,
        })
    }

    /// Stores a newly signed directory, unless one with the same or a higher serial is there
    /// already (`Conflict`): two admins publishing at once cannot roll the directory back.
    pub async fn save_signed_directory(&self, row: &SignedDirectoryRow) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let res = sqlx::query(
            "INSERT INTO signed_directory (id, serial, body, signature) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET serial = excluded.serial, body = excluded.body, \
             signature = excluded.signature WHERE signed_directory.serial < excluded.serial",
        )
        .bind(row.serial)
        .bind(row.body.clone())
        .bind(row.signature.clone())
        .execute(&mut *tx)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        // The chain of every published directory (crypto/SPEC.md §12.6).
        sqlx::query("INSERT INTO directory_history (serial, body, signature) VALUES ($1, $2, $3)")
            .bind(row.serial)
            .bind(row.body.clone())
            .bind(row.signature.clone())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every published directory, oldest first (crypto/SPEC.md §12.6).
    pub async fn directory_history(&self) -> Result<Vec<SignedDirectoryRow>, StoreError> {
        let rows =
            sqlx::query("SELECT serial, body, signature FROM directory_history ORDER BY serial")
                .fetch_all(&self.pool)
                .await?;
        rows.iter()
            .map(|r| {
                Ok(SignedDirectoryRow {
                    serial: r.try_get("serial")?,
                    body: r.try_get("body")?,
                    signature: r.try_get("signature")?,
                })
            })
            .collect()
    }

    /// Creates the organisation with a fresh deployment salt and the default roles.
    pub async fn init_organisation(&self, name: &str, now: i64) -> Result<(), StoreError> {
        let salt = random_bytes::<32>()?.to_vec();
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let exists = sqlx::query("SELECT 1 FROM organisation WHERE id = 1")
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query("INSERT INTO organisation (id, name, deployment_salt, created_at) VALUES (1, $1, $2, $3)")
            .bind(name)
            .bind(salt)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (i, role) in DEFAULT_ROLES.iter().enumerate() {
            sqlx::query(
                "INSERT INTO roles (id, name, description, name_nl, description_nl, position) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
            )
            .bind(role.id)
            .bind(role.en.0)
            .bind(role.en.1)
            .bind(role.nl.0)
            .bind(role.nl.1)
            .bind(i as i64)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Adds a role with its English texts and, optionally, its Dutch ones.
    pub async fn add_role(
        &self,
        id: &RoleId,
        en: (&str, &str),
        nl: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        let res = sqlx::query(
            "INSERT INTO roles (id, name, description, name_nl, description_nl, position) \
             SELECT $1, $2, $3, $4, $5, COALESCE(MAX(position), 0) + 1 FROM roles \
             ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.as_str())
        .bind(en.0)
        .bind(en.1)
        .bind(nl.map(|t| t.0))
        .bind(nl.map(|t| t.1))
        .execute(&self.pool)
        .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    pub async fn roles(&self) -> Result<Vec<RoleRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, name, description, name_nl, description_nl FROM roles \
             ORDER BY position, id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let name_nl: Option<String> = r.try_get("name_nl")?;
                let description_nl: Option<String> = r.try_get("description_nl")?;
                Ok(RoleRow {
                    id: RoleId::from(r.try_get::<String, _>("id")?),
                    name: r.try_get("name")?,
                    description: r.try_get("description")?,
                    nl: name_nl.map(|n| (n, description_nl.unwrap_or_default())),
                })
            })
            .collect()
    }

    /// Sets the team's statistics key (X25519 public key) and the units a reporter may name;
    /// both go into the next directory.
    pub async fn set_statistics(
        &self,
        key: Option<&[u8; 32]>,
        units: &[String],
    ) -> Result<(), StoreError> {
        let units = serde_json::to_string(units).map_err(|_| StoreError::CorruptRow("units"))?;
        let res =
            sqlx::query("UPDATE organisation SET statistics_key = $1, units = $2 WHERE id = 1")
                .bind(key.map(|k| k.to_vec()))
                .bind(units)
                .execute(&self.pool)
                .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotInitialised);
        }
        Ok(())
    }

    /// Sets or clears the organisation's recovery key (crypto/SPEC.md §9.12).
    pub async fn set_recovery_key(&self, key: Option<&[u8; 32]>) -> Result<(), StoreError> {
        let res = sqlx::query("UPDATE organisation SET recovery_key = $1 WHERE id = 1")
            .bind(key.map(|k| k.to_vec()))
            .execute(&self.pool)
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotInitialised);
        }
        Ok(())
    }

    /// Adds a member with `keys` to `roles`; returns the new member id.
    pub async fn add_member(
        &self,
        name: &str,
        keys: &MemberKeys,
        roles: &[RoleId],
        now: i64,
    ) -> Result<MemberId, StoreError> {
        let id = random_hex::<8>()?;
        let mut tx = begin_write(&self.pool, self.backend).await?;
        let dup = sqlx::query("SELECT 1 FROM members WHERE x25519 = $1 OR ed25519 = $2")
            .bind(keys.x25519.to_vec())
            .bind(keys.ed25519.to_vec())
            .fetch_optional(&mut *tx)
            .await?;
        if dup.is_some() {
            return Err(StoreError::Conflict);
        }
        sqlx::query("INSERT INTO members (id, name, x25519, ed25519, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(name)
            .bind(keys.x25519.to_vec())
            .bind(keys.ed25519.to_vec())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for role in roles {
            let known = sqlx::query("SELECT 1 FROM roles WHERE id = $1")
                .bind(role.as_str())
                .fetch_optional(&mut *tx)
                .await?;
            if known.is_none() {
                return Err(StoreError::UnknownRole(role.to_string()));
            }
            sqlx::query("INSERT INTO member_roles (member_id, role_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(&id)
                .bind(role.as_str())
                .execute(&mut *tx)
                .await?;
            // The role's earlier cases were sealed before this member: a current member's app
            // hands them over (SPEC §9.11).
            super::handovers::owe_role_cases(&mut tx, &id, role.as_str()).await?;
        }
        tx.commit().await?;
        Ok(MemberId::from(id))
    }

    pub async fn remove_member(&self, id: &MemberId) -> Result<(), StoreError> {
        let mut tx = begin_write(&self.pool, self.backend).await?;
        sqlx::query("DELETE FROM sessions WHERE member_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM member_roles WHERE member_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM handovers WHERE member_id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        let res = sqlx::query("DELETE FROM members WHERE id = $1")
            .bind(id.as_str())
            .execute(&mut *tx)
            .await?;
        if res.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn members(&self) -> Result<Vec<MemberRow>, StoreError> {
        let rows = sqlx::query("SELECT id, name, x25519, ed25519 FROM members ORDER BY name, id")
            .fetch_all(&self.pool)
            .await?;
        let role_rows = sqlx::query("SELECT mr.member_id, mr.role_id FROM member_roles mr JOIN roles r ON r.id = mr.role_id ORDER BY r.position")
            .fetch_all(&self.pool)
            .await?;
        let mut roles: BTreeMap<String, Vec<RoleId>> = BTreeMap::new();
        for r in role_rows {
            roles
                .entry(r.try_get("member_id")?)
                .or_default()
                .push(RoleId::from(r.try_get::<String, _>("role_id")?));
        }
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let id: String = r.try_get("id")?;
            let x: Vec<u8> = r.try_get("x25519")?;
            let ed: Vec<u8> = r.try_get("ed25519")?;
            let (Ok(x25519), Ok(ed25519)) = (x.try_into(), ed.try_into()) else {
                return Err(StoreError::CorruptRow("a member key has the wrong length"));
            };
            out.push(MemberRow {
                roles: roles.remove(&id).unwrap_or_default(),
                id: MemberId::from(id),
                name: r.try_get("name")?,
                keys: MemberKeys { x25519, ed25519 },
            });
        }
        Ok(out)
    }

    pub async fn member(&self, id: &MemberId) -> Result<Option<MemberRow>, StoreError> {
        Ok(self.members().await?.into_iter().find(|m| &m.id == id))
    }
}
