//! `GET /api/v1/directory`: the roles and members' public keys the portal seals reports to.

use axum::Json;
use axum::extract::State;
use loket_wire::api::{Directory, Member, Role};
use loket_wire::{B64, ErrorCode};

use super::{AppState, JsonResult};
use crate::error::ApiError;

pub(super) async fn directory(State(state): State<AppState>) -> JsonResult<Directory> {
    let org = state
        .store
        .organisation()
        .await?
        .ok_or(ApiError::new(ErrorCode::Unavailable))?;
    let roles = state.store.roles().await?;
    let members = state.store.members().await?;
    Ok(Json(Directory {
        organisation: org.name,
        deployment_salt: B64(org.deployment_salt),
        roles: roles
            .into_iter()
            .map(|r| Role {
                id: r.id,
                name: r.name,
                description: r.description,
            })
            .collect(),
        members: members
            .into_iter()
            .map(|m| Member {
                fingerprint: m.keys.fingerprint(),
                id: m.id,
                name: m.name,
                roles: m.roles,
                x25519: B64(m.keys.x25519.to_vec()),
                ed25519: B64(m.keys.ed25519.to_vec()),
            })
            .collect(),
    }))
}
