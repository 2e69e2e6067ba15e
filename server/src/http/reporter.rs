//! The reporter's endpoints. A reporter has no account: the lookup token (derived in the
//! browser from the follow-up code) is the only credential, and the server keeps only its
//! SHA-256. A wrong token gets an answer of the same status and shape as a right one (a decoy
//! that cannot be opened), and every request with a token pays a proof of work.

use std::io::Write as _;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use loket_wire::api::{
    PostAnswer, PostShare, PostedMessage, SubmitReport, SubmitReportResponse, Thread,
    ThreadRequest, Withdrawn,
};
use loket_wire::content::ShareTo;
use loket_wire::paths::route;
use loket_wire::pow::{PowChallenge, PowRequest};
use loket_wire::{B64, ErrorCode};

use super::admit::{admit, admit_check, bits, lookup_hash};
use super::{ApiJson, AppState, BodyLimits, JsonResult, limited, thread_messages};
use crate::clock::{now, to_hour};
use crate::error::{ApiError, ApiResult};
use crate::policy::PolicyError;
use crate::policy::decoy::check_envelope;
use crate::policy::rate::Kind;
use crate::store::{
    LookupHash, MemberId, NewReport, NewShare, PowSpend, RoleId, ShareTarget, random_message_id,
};
use loket_format::envelope;

/// Most roles one report may be addressed to.
const MAX_ROLES: usize = 16;
/// Most messages one share may seal again.
const MAX_SHARED_MESSAGES: usize = 4096;

/// The reporter's routes (crypto/SPEC.md §9.2–9.4, §9.7).
pub(super) fn routes(limits: BodyLimits) -> Router<AppState> {
    let (envelope, small, whole) = (limits.envelope, limits.small, limits.thread);
    Router::new()
        .route(route::POW, limited(post(pow), small))
        .route(route::REPORTS, limited(post(submit), envelope))
        .route(route::THREAD, limited(post(thread), small))
        .route(route::THREAD_MESSAGES, limited(post(answer), envelope))
        .route(route::THREAD_WITHDRAW, limited(post(withdraw), small))
        .route(route::THREAD_SHARE, limited(post(share), whole))
}

/// `POST /pow`: a challenge for the next submission or code check.
async fn pow(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PowRequest>,
) -> JsonResult<PowChallenge> {
    let bits = bits(&state, req.purpose);
    let ttl = state.config.limits.pow.ttl;
    Ok(Json(state.abuse.pow.challenge(
        req.purpose,
        bits,
        ttl,
        now(),
    )?))
}

/// `POST /reports` (§9.2): stores a new report, addressed to `roles`. A lookup token that is
/// already in use gets the same answer, with a new id, and nothing is stored (see
/// `store::writer::apply_report`).
async fn submit(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<SubmitReport>,
) -> ApiResult<(StatusCode, Json<SubmitReportResponse>)> {
    let lookup_hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope.0)?;
    if let Some(part) = &req.statistics {
        envelope::check_statistics_shape(&part.0).map_err(|_| PolicyError::InvalidEnvelope)?;
    }
    let roles = ids(req.roles, false)?;
    let excluded = ids(req.excluded, true)?;
    let spend = admit(&state, Kind::Submit, req.pow.as_ref())?;
    let received = to_hour(now());
    let receipt = state.abuse.receipts.sign(&req.envelope.0, received);
    let new = NewReport {
        lookup_hash,
        roles: roles.into_iter().map(RoleId::from).collect(),
        excluded: excluded.into_iter().map(MemberId::from).collect(),
        envelope: req.envelope.0,
        statistics: req.statistics.map(|s| s.0),
    };
    let report_id = state.store.insert_report(new, received, spend).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmitReportResponse {
            report_id: report_id.into_string(),
            received,
            receipt,
        }),
    ))
}

/// Role or member ids of a submission, sorted and each once: 1 to [`MAX_ROLES`] of them (0 to
/// [`MAX_ROLES`] when `may_be_empty`), none longer than 64 bytes.
pub(super) fn ids(mut ids: Vec<String>, may_be_empty: bool) -> ApiResult<Vec<String>> {
    ids.sort();
    ids.dedup();
    if (ids.is_empty() && !may_be_empty)
        || ids.len() > MAX_ROLES
        || ids.iter().any(|r| r.len() > 64)
    {
        return Err(ErrorCode::InvalidField.into());
    }
    Ok(ids)
}

/// The thread for an unknown lookup token: see `policy::decoy` — so the client says "no
/// report found for this code" only after trying to open it.
async fn decoy_thread(state: &AppState, hash: &LookupHash) -> ApiResult<Thread> {
    let now = now();
    let per_role = match state.abuse.decoys.cached_readers(now) {
        Some(readers) => readers,
        None => {
            let readers = std::sync::Arc::new(state.store.readers_per_role().await?);
            state
                .abuse
                .decoys
                .remember_readers(now, std::sync::Arc::clone(&readers));
            readers
        }
    };
    Ok(state
        .abuse
        .decoys
        .thread(hash, &per_role, now, &state.abuse.receipts)?)
}

/// Appends `bytes` as a JSON string of standard base64, encoded in place.
fn push_b64(out: &mut Vec<u8>, bytes: &[u8]) -> ApiResult<()> {
    let len = base64::encoded_len(bytes.len(), true)
        .ok_or_else(|| ApiError::internal("envelope too large to encode"))?;
    out.push(b'"');
    let start = out.len();
    out.resize(start + len, 0);
    let tail = out
        .get_mut(start..)
        .ok_or_else(|| ApiError::internal("base64 buffer"))?;
    STANDARD
        .encode_slice(bytes, tail)
        .map_err(ApiError::internal)?;
    out.push(b'"');
    Ok(())
}

/// A thread as JSON: the bytes serde_json writes for [`Thread`], built in one buffer of the
/// right size, with the envelopes' base64 written straight into it — no base64 string per
/// envelope, no escaping pass over it (base64 needs none), no regrowth of the buffer (a 16 KiB
/// envelope is 22 KB of JSON). Everything else goes through serde_json.
fn thread_json(thread: &Thread) -> ApiResult<Vec<u8>> {
    let b64_len = |b: &B64| base64::encoded_len(b.0.len(), true).unwrap_or(0);
    let size = 96
        + thread.report_id.len()
        + b64_len(&thread.envelope)
        + thread
            .messages
            .iter()
            .map(|m| 128 + b64_len(&m.envelope))
            .sum::<usize>();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(b"{\"report_id\":");
    serde_json::to_writer(&mut out, &thread.report_id).map_err(ApiError::internal)?;
    write!(out, ",\"received\":{},\"envelope\":", thread.received).map_err(ApiError::internal)?;
    push_b64(&mut out, &thread.envelope.0)?;
    out.extend_from_slice(b",\"messages\":[");
    for (i, m) in thread.messages.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write!(out, "{{\"id\":{},\"author\":", m.id).map_err(ApiError::internal)?;
        serde_json::to_writer(&mut out, &m.author).map_err(ApiError::internal)?;
        write!(out, ",\"created\":{},\"envelope\":", m.created).map_err(ApiError::internal)?;
        push_b64(&mut out, &m.envelope.0)?;
        out.push(b'}');
    }
    out.extend_from_slice(b"],\"receipt\":");
    serde_json::to_writer(&mut out, &thread.receipt).map_err(ApiError::internal)?;
    out.push(b'}');
    Ok(out)
}

/// A thread as an `application/json` answer (see [`thread_json`]).
fn thread_response(thread: &Thread) -> ApiResult<Response> {
    let body = thread_json(thread)?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response())
}

/// `POST /thread` (§9.3): the report and its messages, or a decoy.
async fn thread(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> ApiResult<Response> {
    let hash = lookup_hash(&req.lookup_token)?;
    admit_check(&state, req.pow.as_ref()).await?;
    // One query for the report and its messages; an unknown token costs the same lookup.
    let Some(thread) = state.store.thread_by_lookup(&hash).await? else {
        return thread_response(&decoy_thread(&state, &hash).await?);
    };
    let receipt = state
        .abuse
        .receipts
        .sign(&thread.envelope, thread.received_at);
    thread_response(&Thread {
        report_id: thread.report_id.into_string(),
        received: thread.received_at,
        envelope: B64(thread.envelope),
        messages: thread_messages(thread.messages),
        receipt,
    })
}

/// A message "stored" for an unknown code: as for a known one, the proof of work is spent and
/// the answer looks stored (with a random id, as real ones have).
async fn posted_decoy(
    state: &AppState,
    spend: Option<PowSpend>,
    created: i64,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    if let Some(spend) = spend {
        state.store.spend_pow(spend).await?;
    }
    let id = random_message_id()?;
    Ok((StatusCode::CREATED, Json(PostedMessage { id, created })))
}

/// `POST /thread/messages` (§9.4): the reporter answers; an unknown code gets an answer
/// that looks stored.
async fn answer(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PostAnswer>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    let hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope.0)?;
    let spend = admit(&state, Kind::Check, req.pow.as_ref())?;
    let created = to_hour(now());
    let Some(report) = state.store.report_by_lookup(&hash).await? else {
        return posted_decoy(&state, spend, created).await;
    };
    let id = state
        .store
        .insert_message(&report.id, None, req.envelope.0, created, spend)
        .await?;
    Ok((StatusCode::CREATED, Json(PostedMessage { id, created })))
}

/// `POST /thread/share` (§9.8): the reporter grants a member's request to involve a role or a
/// member. It must exist whatever the code, so a wrong code and a right one get the same answer
/// to the same request; an unknown code gets an answer that looks stored.
async fn share(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PostShare>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    let hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope.0)?;
    check_envelope(&req.answer.0)?;
    let mut seen = std::collections::HashSet::new();
    if req.messages.len() > MAX_SHARED_MESSAGES || !req.messages.iter().all(|m| seen.insert(m.id)) {
        return Err(ErrorCode::InvalidField.into());
    }
    for m in &req.messages {
        check_envelope(&m.envelope.0)?;
    }
    let to = match req.to {
        ShareTo::Role(role) => ShareTarget::Role(RoleId::from(ids(vec![role], false)?.concat())),
        ShareTo::Member(member) => {
            ShareTarget::Member(MemberId::from(ids(vec![member], false)?.concat()))
        }
    };
    if !state.store.share_target_exists(&to).await? {
        return Err(match to {
            ShareTarget::Role(_) => ErrorCode::UnknownRole,
            ShareTarget::Member(_) => ErrorCode::InvalidField,
        }
        .into());
    }
    let spend = admit(&state, Kind::Check, req.pow.as_ref())?;
    let created = to_hour(now());
    let Some(report) = state.store.report_by_lookup(&hash).await? else {
        return posted_decoy(&state, spend, created).await;
    };
    let new = NewShare {
        to,
        envelope: req.envelope.0,
        messages: req
            .messages
            .into_iter()
            .map(|m| (m.id, m.envelope.0))
            .collect(),
        answer: req.answer.0,
    };
    // No log line: its timestamp would date the reporter to the second.
    let id = state
        .store
        .share_report(&report.id, new, created, spend)
        .await?;
    Ok((StatusCode::CREATED, Json(PostedMessage { id, created })))
}

/// The reporter withdraws the report: it is deleted at once, with every message and
/// attachment (§9.7). An unknown code gets the answer a known one would.
async fn withdraw(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> JsonResult<Withdrawn> {
    let hash = lookup_hash(&req.lookup_token)?;
    admit_check(&state, req.pow.as_ref()).await?;
    let report_id = match state.store.withdraw_report(&hash).await? {
        // No log line: its timestamp would date the reporter to the second.
        Some(id) => id.into_string(),
        None => decoy_thread(&state, &hash).await?.report_id,
    };
    Ok(Json(Withdrawn { report_id }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use loket_wire::api::{Author, ThreadMessage};

    fn message(id: i64, author: Author, len: usize) -> ThreadMessage {
        ThreadMessage {
            id,
            author,
            created: id.wrapping_add(1_700_000_000),
            envelope: B64((0..len).map(|i| (i * 7 + 3) as u8).collect()),
        }
    }

    fn receipt() -> loket_wire::api::Receipt {
        crate::policy::receipt::Receipts::new(&[9; 32])
            .unwrap()
            .sign(b"envelope", 3600)
    }

    /// The hand-built JSON is byte for byte what serde_json writes for the same thread.
    #[test]
    fn thread_json_is_serde_json() {
        let threads = [
            Thread {
                report_id: "0123456789abcdef0123456789abcdef".into(),
                received: 1_764_000_000,
                envelope: B64((0..16_615).map(|i| (i % 251) as u8).collect()),
                messages: Vec::new(),
                receipt: receipt(),
            },
            Thread {
                report_id: "a \"quoted\" \\ id\n\u{1}é😀".into(),
                received: -3600,
                envelope: B64(Vec::new()),
                messages: vec![
                    message(1, Author::Reporter, 0),
                    message(
                        2,
                        Author::Member {
                            member_id: "m\"1\u{7f}".into(),
                        },
                        1,
                    ),
                    message(i64::MAX, Author::Reporter, 2),
                    message(i64::MIN, Author::Reporter, 4099),
                ],
                receipt: receipt(),
            },
        ];
        for thread in threads {
            let ours = thread_json(&thread).unwrap();
            assert_eq!(
                String::from_utf8(ours.clone()).unwrap(),
                serde_json::to_string(&thread).unwrap()
            );
            let back: Thread = serde_json::from_slice(&ours).unwrap();
            assert_eq!(back, thread);
        }
    }
}
