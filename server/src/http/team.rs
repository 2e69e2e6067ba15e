//! The team's endpoints. A member opens a short-lived session by signing a single-use
//! challenge with the Ed25519 key from the directory; the session token is a bearer token whose
//! SHA-256 alone is stored. Sessions live in the database, so any instance can check them.

use axum::Json;
use axum::extract::{FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use loket_wire::api::{
    AttachmentInfo, Challenge, CloseReport, Closed, Deadlines, Inbox, InboxItem, Outcome,
    PostReply, PostedMessage, Session, SessionRequest, TeamReport,
};
use loket_wire::keys::session_proof_message;
use loket_wire::{B64, ErrorCode, to_hour};

use super::abuse::Kind;
use super::reporter::{check_envelope, thread_messages};
use super::{ApiJson, AppState, JsonResult, now, random_bytes, sha256};
use crate::error::{ApiError, ApiResult};
use crate::store::ClosedRow;

/// The member behind a valid `Authorization: Bearer` session token.
pub struct TeamMember(pub String);

impl FromRequestParts<AppState> for TeamMember {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(ApiError::new(ErrorCode::Unauthorized))?;
        let member = state
            .store
            .session_member(&token, now())
            .await?
            .ok_or(ApiError::new(ErrorCode::Unauthorized))?;
        Ok(Self(member))
    }
}

/// SHA-256 of the `Authorization: Bearer` token, if there is one.
fn bearer(headers: &axum::http::HeaderMap) -> Option<[u8; 32]> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| sha256(t.trim().as_bytes()))
}

/// `POST /team/logout`: ends the session at once (it is also gone when it expires, and when the
/// member is removed).
pub(super) async fn logout(
    State(state): State<AppState>,
    headers: axum::http::HeaderMap,
) -> ApiResult<StatusCode> {
    let token = bearer(&headers).ok_or(ApiError::new(ErrorCode::Unauthorized))?;
    if state.store.delete_session(&token).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ErrorCode::Unauthorized.into())
    }
}

pub(super) async fn challenge(State(state): State<AppState>) -> JsonResult<Challenge> {
    state
        .abuse
        .count(Kind::Login, state.config.login_per_minute)?;
    let challenge: [u8; 32] = random_bytes()?;
    let now = now();
    let expires = now + state.config.challenge_ttl;
    state
        .store
        .insert_challenge(&sha256(&challenge), expires, now)
        .await?;
    Ok(Json(Challenge {
        challenge: B64(challenge.to_vec()),
        expires,
    }))
}

pub(super) async fn session(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SessionRequest>,
) -> JsonResult<Session> {
    let challenge: [u8; 32] = req
        .challenge
        .array()
        .ok_or(ApiError::new(ErrorCode::InvalidField))?;
    let signature: [u8; 64] = req
        .signature
        .array()
        .ok_or(ApiError::new(ErrorCode::InvalidField))?;
    let now = now();
    // Single use: the challenge is consumed whether or not the proof is good.
    if !state
        .store
        .consume_challenge(&sha256(&challenge), now)
        .await?
    {
        return Err(ErrorCode::InvalidProof.into());
    }
    let member = state
        .store
        .member(&req.member_id)
        .await?
        .ok_or(ApiError::new(ErrorCode::InvalidProof))?;
    let key = ed25519_dalek::VerifyingKey::from_bytes(&member.keys.ed25519)
        .map_err(|_| ApiError::new(ErrorCode::InvalidProof))?;
    key.verify_strict(
        &session_proof_message(&challenge),
        &ed25519_dalek::Signature::from_bytes(&signature),
    )
    .map_err(|_| ApiError::new(ErrorCode::InvalidProof))?;
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    let expires = now + state.config.session_ttl;
    state
        .store
        .insert_session(&sha256(token.as_bytes()), &member.id, expires, now)
        .await?;
    Ok(Json(Session {
        token,
        expires,
        member_id: member.id,
    }))
}

pub(super) async fn inbox(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
) -> JsonResult<Inbox> {
    let c = &state.config;
    let rows = state.store.inbox(&member).await?;
    Ok(Json(Inbox {
        reports: rows
            .into_iter()
            .map(|row| {
                let r = row.report;
                InboxItem {
                    deadlines: Deadlines {
                        first_response_due: r.received_at + c.first_response_due,
                        acknowledgement_due: r.received_at + c.acknowledgement_due,
                        feedback_due: r.received_at + c.feedback_due,
                    },
                    report_id: r.id,
                    roles: r.roles,
                    received: r.received_at,
                    first_response: r.first_response_at,
                    messages: row.messages,
                    last_activity: r.last_activity_at,
                    closed: r.closed.map(closed),
                }
            })
            .collect(),
    }))
}

pub(super) fn valid_id(id: &str) -> bool {
    !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(super) async fn report(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
) -> JsonResult<TeamReport> {
    if !valid_id(&id) {
        return Err(ErrorCode::NotFound.into());
    }
    let report = state
        .store
        .team_report(&member, &id)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    let messages = state.store.messages(&report.id).await?;
    let piece_size = state.config.piece_size;
    let attachments = state
        .store
        .attachments(&report.id)
        .await?
        .into_iter()
        .map(|a| AttachmentInfo {
            attachment_id: a.id,
            size: u64::try_from(a.size).unwrap_or(0),
            pieces: u64::try_from(a.pieces).unwrap_or(0),
            piece_size,
            created: a.created_at,
        })
        .collect();
    Ok(Json(TeamReport {
        report_id: report.id,
        roles: report.roles,
        received: report.received_at,
        envelope: B64(report.envelope),
        messages: thread_messages(messages),
        attachments,
        closed: report.closed.map(closed),
    }))
}

fn closed(row: ClosedRow) -> Closed {
    Closed {
        at: row.at,
        outcome: row.outcome,
        delete_after: row.delete_after,
    }
}

/// `POST /team/reports/{id}/close`: closes the case with its outcome, which sets the date the
/// purge job deletes it: `keep_no_complaint` after closing, or `keep_formal_complaint` after
/// the decision on a formal complaint (closing records the decision).
pub(super) async fn close(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CloseReport>,
) -> JsonResult<Closed> {
    if !valid_id(&id) {
        return Err(ErrorCode::NotFound.into());
    }
    let at = to_hour(now());
    let keep = match req.outcome {
        Outcome::NoComplaint => state.config.keep_no_complaint,
        Outcome::FormalComplaint => state.config.keep_formal_complaint,
    };
    let row = state
        .store
        .close_report(&member, &id, req.outcome, at, at + keep)
        .await?;
    tracing::info!("a case was closed");
    Ok(Json(closed(row)))
}

pub(super) async fn reply(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PostReply>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    if !valid_id(&id) {
        return Err(ErrorCode::NotFound.into());
    }
    check_envelope(&req.envelope)?;
    let report = state
        .store
        .team_report(&member, &id)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))?;
    let created = to_hour(now());
    let msg = state
        .store
        .insert_message(&report.id, Some(&member), req.envelope.0, created, None)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PostedMessage { id: msg, created }),
    ))
}
