//! The reporter's endpoints. A reporter has no account: the lookup token (derived in the
//! browser from the follow-up code) is the only credential, and the server keeps only its
//! SHA-256. Every wrong token gets the same answer.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use loket_wire::api::{
    Author, PostAnswer, PostedMessage, SubmitReport, SubmitReportResponse, Thread, ThreadMessage,
    ThreadRequest, Withdrawn,
};
use loket_wire::{B64, ErrorCode, to_hour};

use super::{ApiJson, AppState, JsonResult, now, sha256};
use crate::error::{ApiError, ApiResult};
use crate::store::MessageRow;

/// Magic and version of an envelope (crypto/SPEC.md §4): the server checks the frame, not the
/// content, so obvious garbage is refused before it is stored.
const ENVELOPE_MAGIC: &[u8] = b"LOKT\x01";
/// Smallest possible envelope: fixed header, one stanza, nonce, MAC, one padded 4 KiB chunk.
const MIN_ENVELOPE: usize = 7 + 80 + 16 + 32 + 4096 + 16;
const MAX_ROLES: usize = 16;

pub(crate) fn check_envelope(envelope: &B64) -> ApiResult<()> {
    if envelope.0.len() < MIN_ENVELOPE || !envelope.0.starts_with(ENVELOPE_MAGIC) {
        return Err(ErrorCode::InvalidField.into());
    }
    Ok(())
}

fn lookup_hash(token: &B64) -> ApiResult<[u8; 32]> {
    let token: [u8; 32] = token
        .array()
        .ok_or(ApiError::new(ErrorCode::InvalidField))?;
    Ok(sha256(&token))
}

pub(crate) fn thread_messages(rows: Vec<MessageRow>) -> Vec<ThreadMessage> {
    rows.into_iter()
        .map(|m| ThreadMessage {
            id: m.id,
            author: match m.author_member_id {
                Some(member_id) => Author::Member { member_id },
                None => Author::Reporter,
            },
            created: m.created_at,
            envelope: B64(m.envelope),
        })
        .collect()
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SubmitReport>,
) -> ApiResult<(StatusCode, Json<SubmitReportResponse>)> {
    let hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope)?;
    let mut roles = req.roles;
    roles.sort();
    roles.dedup();
    if roles.is_empty() || roles.len() > MAX_ROLES || roles.iter().any(|r| r.len() > 64) {
        return Err(ErrorCode::InvalidField.into());
    }
    let received = to_hour(now());
    let report_id = state
        .store
        .insert_report(&hash, &roles, &req.envelope.0, received)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmitReportResponse {
            report_id,
            received,
        }),
    ))
}

pub(super) async fn thread(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> JsonResult<Thread> {
    let hash = lookup_hash(&req.lookup_token)?;
    let report = state
        .store
        .report_by_lookup(&hash)
        .await?
        .ok_or(ApiError::new(ErrorCode::ReportNotFound))?;
    let messages = state.store.messages(&report.id).await?;
    Ok(Json(Thread {
        report_id: report.id,
        received: report.received_at,
        envelope: B64(report.envelope),
        messages: thread_messages(messages),
    }))
}

pub(super) async fn answer(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PostAnswer>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    let hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope)?;
    let report = state
        .store
        .report_by_lookup(&hash)
        .await?
        .ok_or(ApiError::new(ErrorCode::ReportNotFound))?;
    let created = to_hour(now());
    let id = state
        .store
        .insert_message(&report.id, None, &req.envelope.0, created)
        .await?;
    Ok((StatusCode::CREATED, Json(PostedMessage { id, created })))
}

/// The reporter withdraws the report: it is deleted at once, with every message (DESIGN).
pub(super) async fn withdraw(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> JsonResult<Withdrawn> {
    let hash = lookup_hash(&req.lookup_token)?;
    let report_id = state
        .store
        .withdraw_report(&hash)
        .await?
        .ok_or(ApiError::new(ErrorCode::ReportNotFound))?;
    tracing::info!("a report was withdrawn by its reporter");
    Ok(Json(Withdrawn { report_id }))
}
