//! Encrypted attachments. The reporter's browser encrypts a file (loket-crypto STREAM, 64 KiB
//! chunks) and uploads the ciphertext in pieces of `piece_size` bytes; each piece is one
//! request and one transaction, so neither the server nor the database ever holds more than a
//! piece of it in memory, and an interrupted upload resumes at `received`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use loket_wire::ErrorCode;
use loket_wire::api::{AttachmentUpload, NewAttachment, UploadStatus};
use loket_wire::paths::route;

use super::admit::{admit_check, lookup_hash};
use super::extract::body_error;
use super::{ApiJson, AppState, BodyLimits, JsonResult, TeamMember, limited, random_bytes};
use crate::clock::{now, to_hour};
use crate::error::{ApiError, ApiResult};
use crate::store::{AttachmentId, NewUpload, Quota, UploadHash, UploadRow};

/// The attachment routes with JSON bodies (crypto/SPEC.md §9.9) and the team's download.
pub(super) fn routes(limits: BodyLimits) -> Router<AppState> {
    Router::new()
        .route(
            route::THREAD_ATTACHMENTS,
            limited(post(create), limits.small),
        )
        .route(route::UPLOAD, get(status))
        .route(route::TEAM_ATTACHMENT_PIECE, get(team_piece))
}

/// The upload of a piece: a raw body, with its own size limit (see `http::router`).
pub(super) fn piece_routes() -> Router<AppState> {
    Router::new().route(route::UPLOAD_PIECE, put(put_piece))
}

/// The upload key from the path: 32 bytes, base64url. Only its SHA-256 is looked up.
fn upload_hash(key: &str) -> ApiResult<UploadHash> {
    let bytes = URL_SAFE_NO_PAD
        .decode(key)
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    if bytes.len() != 32 {
        return Err(ErrorCode::NotFound.into());
    }
    Ok(UploadHash::of(&bytes))
}

fn status_of(row: UploadRow) -> UploadStatus {
    UploadStatus {
        attachment_id: row.attachment_id.into_string(),
        size: u64::try_from(row.size).unwrap_or(0),
        pieces: u64::try_from(row.pieces).unwrap_or(0),
        received: u64::try_from(row.received).unwrap_or(0),
        complete: row.received == row.pieces,
    }
}

/// `POST /thread/attachments`: starts an upload for the report of a lookup token.
async fn create(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<NewAttachment>,
) -> ApiResult<(StatusCode, Json<AttachmentUpload>)> {
    let c = &state.config.attachments;
    if req.size == 0 {
        return Err(ErrorCode::InvalidField.into());
    }
    if req.size > c.max {
        return Err(ErrorCode::PayloadTooLarge.into());
    }
    let hash = lookup_hash(&req.lookup_token)?;
    admit_check(&state, req.pow.as_ref()).await?;
    let pieces = req.size.div_ceil(c.piece_size);
    let key: [u8; 32] = random_bytes()?;
    let Some(report) = state.store.report_by_lookup(&hash).await? else {
        // An unknown code: the answer of a started upload, with a fresh id and key, so the
        // start of an upload does not tell a known code from an unknown one. (Its pieces are
        // then refused as those of an expired upload are: docs/api.md, "Decoys".)
        let id: [u8; 16] = random_bytes()?;
        return Ok((
            StatusCode::CREATED,
            Json(AttachmentUpload {
                attachment_id: id.iter().map(|b| format!("{b:02x}")).collect(),
                upload_key: URL_SAFE_NO_PAD.encode(key),
                piece_size: c.piece_size,
                pieces,
            }),
        ));
    };
    let report_id = report.id;
    let invalid = |_| ApiError::new(ErrorCode::InvalidField);
    let upload = NewUpload {
        hash: UploadHash::of(&key),
        size: i64::try_from(req.size).map_err(invalid)?,
        pieces: i64::try_from(pieces).map_err(invalid)?,
        hour: to_hour(now()),
    };
    let attachment_id = state
        .store
        .create_attachment(
            &report_id,
            &upload,
            Quota {
                files_per_report: c.per_report,
                bytes_per_report: c.bytes_per_report,
                bytes_total: c.bytes_total,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(AttachmentUpload {
            attachment_id: attachment_id.into_string(),
            upload_key: URL_SAFE_NO_PAD.encode(key),
            piece_size: c.piece_size,
            pieces,
        }),
    ))
}

/// `GET /uploads/{key}`: how far an upload got.
async fn status(
    State(state): State<AppState>,
    Path(key): Path<String>,
) -> JsonResult<UploadStatus> {
    let row = state
        .store
        .upload(&upload_hash(&key)?)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    Ok(Json(status_of(row)))
}

/// `PUT /uploads/{key}/{index}`: stores one piece (`application/octet-stream`). Every piece but
/// the last is exactly `piece_size` bytes; the last makes up the declared size.
async fn put_piece(
    State(state): State<AppState>,
    Path((key, index)): Path<(String, String)>,
    headers: axum::http::HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> JsonResult<UploadStatus> {
    let is_octets = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/octet-stream"));
    if !is_octets {
        return Err(ErrorCode::UnsupportedMediaType.into());
    }
    let body = body.map_err(|rejection| body_error(&rejection))?;
    let hash = upload_hash(&key)?;
    let index: u64 = index
        .parse()
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    let upload = state
        .store
        .upload(&hash)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    let piece_size = state.config.attachments.piece_size;
    let size = u64::try_from(upload.size).unwrap_or(0);
    let pieces = u64::try_from(upload.pieces).unwrap_or(0);
    if index >= pieces {
        return Err(ErrorCode::InvalidField.into());
    }
    let expected = if index + 1 == pieces {
        size - piece_size * (pieces - 1)
    } else {
        piece_size
    };
    if body.len() as u64 > expected {
        return Err(ErrorCode::PayloadTooLarge.into());
    }
    if body.len() as u64 != expected {
        return Err(ErrorCode::InvalidField.into());
    }
    let index = i64::try_from(index).map_err(|_| ApiError::new(ErrorCode::InvalidField))?;
    let row = state.store.put_piece(&hash, index, &body).await?;
    Ok(Json(status_of(row)))
}

/// `GET /team/attachments/{id}/{index}`: one piece of a complete attachment, for a member who
/// may read its report.
async fn team_piece(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path((id, index)): Path<(String, String)>,
) -> ApiResult<Response> {
    let index: i64 = index
        .parse()
        .map_err(|_| ApiError::new(ErrorCode::NotFound))?;
    let id = AttachmentId::parse(&id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    if index < 0 {
        return Err(ErrorCode::NotFound.into());
    }
    let data = state
        .store
        .team_piece(&member, &id, index)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], data).into_response())
}
