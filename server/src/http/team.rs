//! The team's endpoints. A member opens a short-lived session by signing a single-use
//! challenge with the Ed25519 key from the directory; the session token is a bearer token whose
//! SHA-256 alone is stored. Sessions live in the database, so any instance can check them.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use loket_wire::api::{
    AttachmentInfo, AuditAction, CaseVersion, Challenge, CloseReport, Closed, INBOX_PAGE,
    INBOX_PAGE_MAX, Inbox, InboxItem, MarkSpam, PostCase, PostReply, PostedCase, PostedMessage,
    RegisterContact, Registered, STATISTICS_PAGE_MAX, Session, SessionRequest, StatisticsItem,
    StatisticsPage, TeamReport,
};
use loket_wire::paths::route;
use loket_wire::{B64, ErrorCode};

use super::extract::bearer;
use super::{
    ApiJson, AppState, BodyLimits, JsonResult, TeamMember, limited, random_bytes, thread_messages,
};
use crate::clock::{now, to_hour};
use crate::error::{ApiError, ApiResult};
use crate::policy::decoy::check_envelope;
use crate::policy::session::verify_session_proof;
use crate::policy::{deadlines, retention};
use crate::store::{
    CaseRow, ChallengeHash, ClosedRow, InboxCursor, InboxRow, MemberId, NewContact, ReportId,
    Retained, RoleId, StatisticsRow, TokenHash,
};

/// The team's routes (crypto/SPEC.md §9.5–9.6), except attachments (`uploads`).
pub(super) fn routes(limits: BodyLimits) -> Router<AppState> {
    let (envelope, small) = (limits.envelope, limits.small);
    Router::new()
        .route(route::TEAM_CHALLENGE, limited(post(challenge), small))
        .route(route::TEAM_SESSION, limited(post(session), small))
        .route(route::TEAM_LOGOUT, limited(post(logout), small))
        .route(route::TEAM_INBOX, get(inbox))
        .route(route::TEAM_REPORT, get(report))
        .route(route::TEAM_REPORT_MESSAGES, limited(post(reply), envelope))
        .route(route::TEAM_REPORT_CLOSE, limited(post(close), small))
        .route(route::TEAM_REPORT_SPAM, limited(post(mark_spam), small))
        .route(route::TEAM_REPORT_DELETE, limited(post(delete_spam), small))
        .route(route::TEAM_REPORT_CASE, limited(post(save_case), envelope))
        .route(route::TEAM_CASES, limited(post(register_contact), envelope))
        .route(route::TEAM_STATISTICS, get(statistics))
}

/// `POST /team/logout`: ends the session at once (it is also gone when it expires, and when the
/// member is removed).
async fn logout(
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

/// `POST /team/challenge`: a single-use login challenge. Stateless (see `policy::session`):
/// it stores nothing and counts toward nothing.
async fn challenge(State(state): State<AppState>) -> JsonResult<Challenge> {
    let expires = now().saturating_add(state.config.sessions.challenge_ttl);
    let challenge = state.abuse.logins.issue(expires)?;
    Ok(Json(Challenge {
        challenge: B64(challenge.to_vec()),
        expires,
    }))
}

/// `POST /team/session` (§9.5): a session for a signed challenge.
async fn session(
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
    let expires_challenge = state.abuse.logins.check(&challenge, now)?;
    let member = state
        .store
        .member(&MemberId::from(req.member_id))
        .await?
        .ok_or(ApiError::new(ErrorCode::InvalidProof))?;
    // The proof is bound to this instance by its deployment salt (§9.5).
    let org = state.store.organisation().await?;
    let salt = org
        .ok_or(ApiError::new(ErrorCode::Unavailable))?
        .deployment_salt;
    verify_session_proof(&member.keys, &salt, &challenge, &signature)?;
    // Only a member's own key gets this far: the limit is theirs alone.
    let limit = state.config.limits.rates.login_per_minute;
    state
        .abuse
        .member_logins
        .count(member.id.as_str(), limit, now)?;
    // Single use: spent once, on any instance.
    if !state
        .store
        .spend_challenge(&ChallengeHash::of(&challenge), expires_challenge, now)
        .await?
    {
        return Err(ErrorCode::InvalidProof.into());
    }
    let token = URL_SAFE_NO_PAD.encode(random_bytes::<32>()?);
    let expires = now + state.config.sessions.ttl;
    state
        .store
        .insert_session(&TokenHash::of(token.as_bytes()), &member.id, expires, now)
        .await?;
    state
        .store
        .audit(&member.id, AuditAction::Login, None, now)
        .await?;
    Ok(Json(Session {
        token,
        expires,
        member_id: member.id.into_string(),
    }))
}

/// `?before=` and `?limit=` of `GET /team/inbox`.
#[derive(serde::Deserialize)]
struct InboxQuery {
    before: Option<String>,
    limit: Option<u32>,
}

/// `GET /team/inbox`: one page of the reports the member may read, with their deadlines and
/// without their envelopes, newest first (`?limit=`, 1 to 200, default 50; `?before=` the
/// previous page's `next`).
async fn inbox(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    query: Result<Query<InboxQuery>, QueryRejection>,
) -> JsonResult<Inbox> {
    let Query(query) = query.map_err(|_| ApiError::new(ErrorCode::InvalidField))?;
    let before = match &query.before {
        Some(c) => Some(InboxCursor::parse(c).ok_or(ApiError::new(ErrorCode::InvalidField))?),
        None => None,
    };
    let limit = query.limit.unwrap_or(INBOX_PAGE);
    if !(1..=INBOX_PAGE_MAX).contains(&limit) {
        return Err(ErrorCode::InvalidField.into());
    }
    let (rows, next) = state.store.inbox(&member, before.as_ref(), limit).await?;
    let item = |row: InboxRow| {
        let r = row.report;
        InboxItem {
            deadlines: deadlines::due(&state.config.deadlines, r.received_at),
            report_id: r.id.into_string(),
            roles: r.roles.into_iter().map(|r| r.into_string()).collect(),
            received: r.received_at,
            first_response: r.first_response_at,
            messages: row.messages,
            last_activity: r.last_activity_at,
            closed: r.closed.map(closed),
            spam: r.spam,
            case: row.case.map(case_version),
            deletes: retention::deletes(&state.config.retention, r.retained, r.last_activity_at),
            registered_by: r.registered_by.map(MemberId::into_string),
            contact: row.contact.map(B64),
        }
    };
    Ok(Json(Inbox {
        reports: rows.into_iter().map(item).collect(),
        next: next.map(|c| c.encode()),
    }))
}

/// `?after=` and `?limit=` of `GET /team/statistics`.
#[derive(serde::Deserialize)]
struct StatisticsQuery {
    after: Option<String>,
    limit: Option<u32>,
}

/// Seconds of a day: a report's `day` is its arrival hour's midnight (UTC).
const DAY: i64 = 86_400;

/// `GET /team/statistics` (docs/api.md "Statistics"): one page of every report of the
/// instance for the annual report, oldest first (`?limit=`, 1 to 1000, default 1000;
/// `?after=` the previous page's `next`): its day, roles and sealed statistics part. Not
/// audited per report: it shows no case.
async fn statistics(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    query: Result<Query<StatisticsQuery>, QueryRejection>,
) -> JsonResult<StatisticsPage> {
    let Query(query) = query.map_err(|_| ApiError::new(ErrorCode::InvalidField))?;
    let after = match &query.after {
        Some(c) => Some(InboxCursor::parse(c).ok_or(ApiError::new(ErrorCode::InvalidField))?),
        None => None,
    };
    let limit = query.limit.unwrap_or(STATISTICS_PAGE_MAX);
    if !(1..=STATISTICS_PAGE_MAX).contains(&limit) {
        return Err(ErrorCode::InvalidField.into());
    }
    let (rows, next) = state
        .store
        .statistics_page(&member, after.as_ref(), limit)
        .await?;
    let item = |row: StatisticsRow| StatisticsItem {
        report_id: row.id.into_string(),
        day: row.received_at - row.received_at.rem_euclid(DAY),
        roles: row.roles.into_iter().map(RoleId::into_string).collect(),
        statistics: row.statistics.map(B64),
        registered: row.registered,
    };
    Ok(Json(StatisticsPage {
        reports: rows.into_iter().map(item).collect(),
        next: next.map(|c| c.encode()),
    }))
}

/// The report `id` from the path, if the member may read it; `NotFound` otherwise.
async fn readable(
    state: &AppState,
    member: &MemberId,
    id: &str,
) -> ApiResult<crate::store::ReportRow> {
    let id = ReportId::parse(id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    state
        .store
        .team_report(member, &id)
        .await?
        .ok_or(ApiError::new(ErrorCode::NotFound))
}

/// `GET /team/reports/{id}`: one report with its thread and complete attachments.
async fn report(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
) -> JsonResult<TeamReport> {
    let report = readable(&state, &member, &id).await?;
    state
        .store
        .audit(&member, AuditAction::Opened, Some(&report.id), now())
        .await?;
    let audit = state.store.audit_trail(&report.id).await?;
    let messages = state.store.messages(&report.id).await?;
    let cases = state.store.case_records(&report.id).await?;
    let piece_size = state.config.attachments.piece_size;
    let attachments = state
        .store
        .attachments(&report.id)
        .await?
        .into_iter()
        .map(|a| AttachmentInfo {
            attachment_id: a.id.into_string(),
            size: u64::try_from(a.size).unwrap_or(0),
            pieces: u64::try_from(a.pieces).unwrap_or(0),
            piece_size,
            created: a.created_at,
        })
        .collect();
    Ok(Json(TeamReport {
        report_id: report.id.into_string(),
        roles: report.roles.into_iter().map(|r| r.into_string()).collect(),
        received: report.received_at,
        envelope: B64(report.envelope),
        messages: thread_messages(messages),
        attachments,
        closed: report.closed.map(closed),
        spam: report.spam,
        cases: cases.into_iter().map(case_version).collect(),
        deletes: retention::deletes(
            &state.config.retention,
            report.retained,
            report.last_activity_at,
        ),
        registered_by: report.registered_by.map(MemberId::into_string),
        audit,
    }))
}

fn case_version(row: CaseRow) -> CaseVersion {
    CaseVersion {
        id: row.id,
        author: row.author.into_string(),
        created: row.created_at,
        envelope: B64(row.envelope),
    }
}

/// `POST /team/reports/{id}/case` (crypto/SPEC.md §9.10): a new version of the case's record,
/// and how long to keep the case — all the server learns of it.
async fn save_case(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PostCase>,
) -> ApiResult<(StatusCode, Json<PostedCase>)> {
    let id = ReportId::parse(&id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    check_envelope(&req.envelope.0)?;
    let created = to_hour(now());
    let retained = Retained::from_keep(req.keep, state.config.retention.keep_formal_complaint);
    let (version, retained) = state
        .store
        .save_case_record(&member, &id, req.envelope.0, retained, created)
        .await?;
    state
        .store
        .audit(&member, AuditAction::CaseSaved, Some(&id), created)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PostedCase {
            id: version,
            created,
            deletes: retention::deletes(&state.config.retention, retained, created),
        }),
    ))
}

/// `POST /team/cases` (crypto/SPEC.md §9.10): a contact from another channel, registered as a
/// case of roles the member holds one of. Its record follows with `POST …/case`.
async fn register_contact(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    ApiJson(req): ApiJson<RegisterContact>,
) -> ApiResult<(StatusCode, Json<Registered>)> {
    let roles = super::reporter::ids(req.roles, false)?;
    check_envelope(&req.envelope.0)?;
    let received = to_hour(now());
    let new = NewContact {
        roles: roles.into_iter().map(RoleId::from).collect(),
        envelope: req.envelope.0,
    };
    let report_id = state.store.register_contact(&member, new, received).await?;
    state
        .store
        .audit(&member, AuditAction::Registered, Some(&report_id), received)
        .await?;
    // Counted, and written at the hour (held_log): a line now would date the act.
    crate::held_log::count("contacts registered");
    Ok((
        StatusCode::CREATED,
        Json(Registered {
            report_id: report_id.into_string(),
            received,
        }),
    ))
}

fn closed(row: ClosedRow) -> Closed {
    Closed {
        at: row.at,
        outcome: row.outcome,
        delete_after: row.delete_after,
    }
}

/// `POST /team/reports/{id}/close`: closes the case with its outcome, which sets the date the
/// purge job deletes it (`policy::retention`).
async fn close(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<CloseReport>,
) -> JsonResult<Closed> {
    let id = ReportId::parse(&id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    let at = to_hour(now());
    let delete_after = retention::delete_after(&state.config.retention, req.outcome, at);
    let row = state
        .store
        .close_report(&member, &id, req.outcome, at, delete_after)
        .await?;
    state
        .store
        .audit(&member, AuditAction::Closed, Some(&id), at)
        .await?;
    // Counted, and written at the hour (held_log): a line now would date the act.
    crate::held_log::count("cases closed");
    Ok(Json(closed(row)))
}

/// `POST /team/reports/{id}/messages` (§9.6): a member replies.
async fn reply(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<PostReply>,
) -> ApiResult<(StatusCode, Json<PostedMessage>)> {
    if ReportId::parse(&id).is_none() {
        return Err(ErrorCode::NotFound.into());
    }
    check_envelope(&req.envelope.0)?;
    let report = readable(&state, &member, &id).await?;
    let created = to_hour(now());
    let msg = state
        .store
        .insert_message(&report.id, Some(&member), req.envelope.0, created, None)
        .await?;
    state
        .store
        .audit(&member, AuditAction::Replied, Some(&report.id), created)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(PostedMessage { id: msg, created }),
    ))
}

/// `POST /team/reports/{id}/spam`: marks a report as spam, or takes the mark back (audited).
async fn mark_spam(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
    ApiJson(req): ApiJson<MarkSpam>,
) -> ApiResult<StatusCode> {
    let id = ReportId::parse(&id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    state.store.mark_spam(&member, &id, req.spam, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /team/reports/{id}/delete`: deletes a report marked as spam, with everything of it
/// (audited); 409 when it is not marked.
async fn delete_spam(
    State(state): State<AppState>,
    TeamMember(member): TeamMember,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    let id = ReportId::parse(&id).ok_or(ApiError::new(ErrorCode::NotFound))?;
    state.store.delete_spam(&member, &id, now()).await?;
    Ok(StatusCode::NO_CONTENT)
}
