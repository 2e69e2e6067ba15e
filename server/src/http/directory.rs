//! `GET /api/v1/directory`: the team directory exactly as the organisation signed it
//! (crypto/SPEC.md §12), and `GET /api/v1/directory/history`, every one published before. The
//! server cannot change them without breaking the signatures.

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use loket_wire::api::{DirectoryHistory, SignedDirectory};
use loket_wire::paths::route;
use loket_wire::{B64, ErrorCode};

use super::{AppState, JsonResult};
use crate::error::ApiError;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route(route::DIRECTORY, get(directory))
        .route(route::DIRECTORY_HISTORY, get(history))
}

/// `GET /api/v1/directory/history`: every published directory as signed, oldest first, so
/// that clients can check a former member's messages (crypto/SPEC.md §12.6).
async fn history(State(state): State<AppState>) -> JsonResult<DirectoryHistory> {
    let rows = state.store.directory_history().await?;
    Ok(Json(DirectoryHistory {
        directories: rows
            .into_iter()
            .map(|row| SignedDirectory {
                body: B64(row.body),
                signature: B64(row.signature),
            })
            .collect(),
    }))
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
