//! Handovers (crypto/SPEC.md §9.11): a current member's app learns which of its cases a member
//! who joined later cannot read, and sends the envelopes' headers with a stanza for them.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use loket_format::envelope::header_len;
use loket_wire::api::{
    CaseHeader, HANDOVER_PAGE, HandedOver, Handover, Handovers, MessageHeader, PostHandover,
};
use loket_wire::paths::route;
use loket_wire::{B64, ErrorCode};

use super::{ApiJson, AppState, JsonResult, TeamMember, limited};
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::store::{HandoverRow, MemberId, NewHeaders, ReportId};

pub(super) fn routes(envelope_limit: usize) -> Router<AppState> {
    Router::new().route(
        route::TEAM_HANDOVERS,
        limited(get(pending).post(hand_over), envelope_limit),
    )
}

/// The header of a stored envelope (its frame was checked when it was stored); the whole
/// envelope if it cannot be read, so the app finds it cannot open it.
fn header(envelope: Vec<u8>) -> B64 {
    let head = loket_format::envelope::read_fixed(&envelope)
        .ok()
        .and_then(|count| envelope.get(..header_len(count)));
    match head {
        Some(head) => B64(head.to_vec()),
        None => B64(envelope),
    }
}

fn handover(row: HandoverRow) -> Handover {
    Handover {
        report_id: row.report_id.into_string(),
        member_id: row.member.into_string(),
        envelope: B64(row.envelope),
        registered_by: row.registered_by.map(MemberId::into_string),
        messages: row
            .messages
            .into_iter()
            .map(|(id, envelope)| MessageHeader {
                id,
                header: header(envelope),
            })
            .collect(),
        cases: row
            .cases
            .into_iter()
            .map(|(id, envelope)| CaseHeader {
                id,
                header: header(envelope),
            })
            .collect(),
    }
}

/// `?own=true`: the cases owed to the member themselves.
#[derive(serde::Deserialize)]
struct Own {
    #[serde(default)]
    own: bool,
}

/// `GET /team/handovers`: up to [`HANDOVER_PAGE`] cases the member reads that a member who
/// joined later is owed; with `?own=true`, the cases the member is owed (SPEC §9.12).
async fn pending(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    query: Result<Query<Own>, QueryRejection>,
) -> JsonResult<Handovers> {
    let Query(Own { own }) = query.map_err(|_| ApiError::new(ErrorCode::InvalidField))?;
    let rows = state
        .store
        .pending_handovers(&member, HANDOVER_PAGE, own)
        .await?;
    Ok(Json(Handovers {
        handovers: rows.into_iter().map(handover).collect(),
    }))
}

/// `POST /team/handovers`: one case handed over. 404 unless the member reads it and the other
/// member is owed it; 422 when a header drops a stanza or names an envelope of another case;
/// 409 when an envelope changed since it was read (the app asks again).
async fn hand_over(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    ApiJson(req): ApiJson<PostHandover>,
) -> ApiResult<(StatusCode, Json<HandedOver>)> {
    let not_found = || ApiError::new(ErrorCode::NotFound);
    let report = ReportId::parse(&req.report_id).ok_or_else(not_found)?;
    let to = MemberId::from(req.member_id.clone());
    let headers = NewHeaders {
        report: req.header.0,
        messages: req.messages,
        cases: req.cases,
    };
    let envelopes = state
        .store
        .hand_over(&member, &report, &to, &headers, now())
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(HandedOver {
            report_id: req.report_id,
            member_id: req.member_id,
            envelopes,
        }),
    ))
}
