//! `GET /api/v1/directory`: the team directory exactly as the organisation signed it
//! (crypto/SPEC.md §12). The server cannot change it without breaking the signature.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use loket_wire::api::SignedDirectory;
use loket_wire::paths::route;
use loket_wire::{B64, ErrorCode};

use super::{AppState, JsonResult};
use crate::error::ApiError;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route(route::DIRECTORY, get(directory))
}

async fn directory(State(state): State<AppState>) -> JsonResult<SignedDirectory> {
    // No signed directory yet (an instance that was never published): not ready to take reports.
    let row = state
        .store
        .signed_directory()
        .await?
        .ok_or(ApiError::new(ErrorCode::Unavailable))?;
    Ok(Json(SignedDirectory {
        body: B64(row.body),
        signature: B64(row.signature),
    }))
}
