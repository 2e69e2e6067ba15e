//! The reporter's endpoints. A reporter has no account: the lookup token (derived in the
//! browser from the follow-up code) is the only credential, and the server keeps only its
//! SHA-256. A wrong token gets an answer of the same status and shape as a right one (a decoy
//! that cannot be opened), and every request with a token pays a proof of work.

use std::io::Write as _;

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use loket_wire::api::{
    Author, PostAnswer, PostedMessage, SubmitReport, SubmitReportResponse, Thread, ThreadMessage,
    ThreadRequest, Withdrawn,
};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest, PowSolution};
use loket_wire::{B64, ErrorCode, HOUR, to_hour};

use super::abuse::Kind;
use super::{ApiJson, AppState, DAY, JsonResult, now, sha256};
use crate::error::{ApiError, ApiResult};
use crate::store::{MessageRow, PowSpend};

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

/// `POST /pow`: a challenge for the next submission or code check.
pub(super) async fn pow(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PowRequest>,
) -> JsonResult<PowChallenge> {
    Ok(Json(state.abuse.challenge(&state.config, req.purpose)?))
}

/// Counts a request of `kind` against the global limit and checks its proof of work.
fn admit(
    state: &AppState,
    kind: Kind,
    solution: Option<&PowSolution>,
) -> ApiResult<Option<PowSpend>> {
    let (limit, purpose) = match kind {
        Kind::Submit => (state.config.submit_per_minute, PowPurpose::Submit),
        _ => (state.config.check_per_minute, PowPurpose::Check),
    };
    state.abuse.count(kind, limit)?;
    state.abuse.verify(&state.config, purpose, solution)
}

/// Admits a code check whose own write (if any) does not carry the proof of work: spends it
/// on its own, through the group commit.
async fn admit_check(state: &AppState, solution: Option<&PowSolution>) -> ApiResult<()> {
    if let Some(spend) = admit(state, Kind::Check, solution)? {
        state.store.spend_pow(spend).await?;
    }
    Ok(())
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
    let spend = admit(&state, Kind::Submit, req.pow.as_ref())?;
    let received = to_hour(now());
    let report_id = state
        .store
        .insert_report(&hash, &roles, req.envelope.0, received, spend)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmitReportResponse {
            report_id,
            received,
        }),
    ))
}

/// The thread for an unknown lookup token: same status and shape as a real one, the same every
/// time for the same token, sized like a fresh report to one of the roles, and impossible to
/// open — so the client says "no report found for this code" only after trying, and nobody
/// watching the answers can tell a known code from an unknown one.
async fn decoy_thread(state: &AppState, hash: &[u8; 32]) -> ApiResult<Thread> {
    let seed = state.abuse.decoy_bytes(hash, b"thread", 32)?;
    let per_role = state.abuse.readers_per_role(&state.store).await?;
    let pick = seed.first().copied().map_or(0, usize::from);
    let readers = per_role
        .get(pick % per_role.len().max(1))
        .and_then(|n| usize::try_from(*n).ok())
        .unwrap_or(1);
    // A report envelope: header, a stanza per reader plus the reporter's own, nonce and MAC,
    // one padded 4 KiB chunk with its tag (crypto/SPEC.md §4–6).
    let stanzas = readers.clamp(1, 1023) + 1;
    let len = 7 + 80 * stanzas + 16 + 32 + 4096 + 16;
    let mut envelope = Vec::with_capacity(len);
    envelope.extend_from_slice(b"LOKT\x01");
    envelope.extend_from_slice(&u16::try_from(stanzas).unwrap_or(1).to_be_bytes());
    envelope.extend_from_slice(&state.abuse.decoy_bytes(hash, b"envelope", len - 7)?);
    let id: String = seed
        .get(1..17)
        .unwrap_or_default()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // Arrival: an hour in the 30 days before the start of the current 30-day period, so it is
    // in the past and stays the same for a month (docs/api.md notes this limit of decoys).
    let age_hours = seed
        .get(17..21)
        .and_then(|b| <[u8; 4]>::try_from(b).ok())
        .map_or(0, |b| i64::from(u32::from_be_bytes(b) % (30 * 24)));
    let now = now();
    let period = now - now.rem_euclid(30 * DAY);
    let received = period - (age_hours + 1) * HOUR;
    Ok(Thread {
        report_id: id,
        received,
        envelope: B64(envelope),
        messages: Vec::new(),
    })
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
    out.extend_from_slice(b"]}");
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

pub(super) async fn thread(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> ApiResult<Response> {
    let hash = lookup_hash(&req.lookup_token)?;
    admit_check(&state, req.pow.as_ref()).await?;
    // One query for the report and its messages; an unknown token costs the same lookup.
    let Some(thread) = state.store.thread_by_lookup(&hash).await? else {
        return thread_response(&decoy_thread(&state, &hash).await?);
    };
    thread_response(&Thread {
        report_id: thread.report_id,
        received: thread.received_at,
        envelope: B64(thread.envelope),
        messages: thread_messages(thread.messages),
    })
}

pub(super) async fn answer(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<PostAnswer>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    let hash = lookup_hash(&req.lookup_token)?;
    check_envelope(&req.envelope)?;
    let spend = admit(&state, Kind::Check, req.pow.as_ref())?;
    let created = to_hour(now());
    let Some(report) = state.store.report_by_lookup(&hash).await? else {
        // As for a known code: the proof of work is spent, and the answer looks stored.
        if let Some(spend) = spend {
            state.store.spend_pow(spend).await?;
        }
        let id = state.store.next_message_id().await?;
        return Ok((StatusCode::CREATED, Json(PostedMessage { id, created })));
    };
    let id = state
        .store
        .insert_message(&report.id, None, req.envelope.0, created, spend)
        .await?;
    Ok((StatusCode::CREATED, Json(PostedMessage { id, created })))
}

/// The reporter withdraws the report: it is deleted at once, with every message and
/// attachment (DESIGN). An unknown code gets the answer a known one would.
pub(super) async fn withdraw(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<ThreadRequest>,
) -> JsonResult<Withdrawn> {
    let hash = lookup_hash(&req.lookup_token)?;
    admit_check(&state, req.pow.as_ref()).await?;
    let report_id = match state.store.withdraw_report(&hash).await? {
        Some(id) => {
            tracing::info!("a report was withdrawn by its reporter");
            id
        }
        None => decoy_thread(&state, &hash).await?.report_id,
    };
    Ok(Json(Withdrawn { report_id }))
}

/// The report behind a lookup token, for the attachment endpoints.
pub(crate) async fn report_for(
    state: &AppState,
    token: &B64,
    solution: Option<&PowSolution>,
) -> ApiResult<String> {
    let hash = lookup_hash(token)?;
    admit_check(state, solution).await?;
    Ok(state
        .store
        .report_by_lookup(&hash)
        .await?
        .ok_or(ApiError::new(ErrorCode::ReportNotFound))?
        .id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: i64, author: Author, len: usize) -> ThreadMessage {
        ThreadMessage {
            id,
            author,
            created: id.wrapping_add(1_700_000_000),
            envelope: B64((0..len).map(|i| (i * 7 + 3) as u8).collect()),
        }
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
