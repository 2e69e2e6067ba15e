//! The team's calls (SPEC §9.5, §9.6, §9.10): sign in, inbox, reports, replies, case records,
//! registered contacts, downloads.
//! Only the team's app links them.

use loket_wire::api::{
    Challenge, HandedOver, Handovers, INBOX_PAGE, INBOX_PAGE_MAX, Inbox, MarkSpam, PostCase,
    PostHandover, PostReply, PostedCase, PostedMessage, RegisterContact, Registered,
    STATISTICS_PAGE_MAX, Session, SessionRequest, TeamReport,
};
use loket_wire::paths::{self, route};
use wasm_bindgen_futures::JsFuture;

use super::{ApiFailure, call, fetch, get_text, post};

pub async fn challenge() -> Result<Challenge, ApiFailure> {
    post(
        &paths::api(route::TEAM_CHALLENGE),
        &serde_json::json!({}),
        None,
    )
    .await
}

pub async fn session(body: &SessionRequest) -> Result<Session, ApiFailure> {
    post(&paths::api(route::TEAM_SESSION), body, None).await
}

/// Ends the session on the server (204).
pub async fn logout(token: &str) -> Result<(), ApiFailure> {
    post(
        &paths::api(route::TEAM_LOGOUT),
        &serde_json::json!({}),
        Some(token),
    )
    .await
}

/// One page of the inbox: the newest, or the one after the cursor `before`.
pub async fn inbox(token: &str, before: Option<&str>) -> Result<Inbox, ApiFailure> {
    let mut path = format!("{}?limit={}", paths::api(route::TEAM_INBOX), INBOX_PAGE);
    if let Some(cursor) = before {
        // A cursor is digits, a dot and hex digits: nothing to escape.
        path.push_str("&before=");
        path.push_str(cursor);
    }
    call("GET", &path, None, Some(token)).await
}

/// A page of the inbox of the most reports a page holds, as the server wrote it (an `Inbox`),
/// for the statistics' Web Worker.
pub async fn inbox_text(token: &str, before: Option<&str>) -> Result<String, ApiFailure> {
    let mut path = format!("{}?limit={INBOX_PAGE_MAX}", paths::api(route::TEAM_INBOX));
    if let Some(cursor) = before {
        path.push_str("&before=");
        path.push_str(&String::from(js_sys::encode_uri_component(cursor)));
    }
    get_text(&path, Some(token)).await
}

/// A page of every report's day, roles and statistics part, oldest first (issue 14), as the
/// server wrote it (a `StatisticsPage`), for the statistics' Web Worker.
pub async fn statistics_text(token: &str, after: Option<&str>) -> Result<String, ApiFailure> {
    let mut path = format!(
        "{}?limit={STATISTICS_PAGE_MAX}",
        paths::api(route::TEAM_STATISTICS)
    );
    if let Some(cursor) = after {
        path.push_str("&after=");
        path.push_str(&String::from(js_sys::encode_uri_component(cursor)));
    }
    get_text(&path, Some(token)).await
}

/// Cases this member reads that a member who joined later cannot read yet (SPEC §9.11).
pub async fn handovers(token: &str) -> Result<Handovers, ApiFailure> {
    call("GET", &paths::api(route::TEAM_HANDOVERS), None, Some(token)).await
}

/// One case handed over: its envelopes' headers with a stanza for the new member.
pub async fn hand_over(token: &str, body: &PostHandover) -> Result<HandedOver, ApiFailure> {
    post(&paths::api(route::TEAM_HANDOVERS), body, Some(token)).await
}

/// Marks a report as spam, or takes the mark back (204).
pub async fn mark_spam(token: &str, report_id: &str, spam: bool) -> Result<(), ApiFailure> {
    let path = paths::fill(route::TEAM_REPORT_SPAM, &[report_id]);
    post(&path, &MarkSpam { spam }, Some(token)).await
}

/// Deletes a report marked as spam (204).
pub async fn delete_spam(token: &str, report_id: &str) -> Result<(), ApiFailure> {
    let path = paths::fill(route::TEAM_REPORT_DELETE, &[report_id]);
    post(&path, &serde_json::json!({}), Some(token)).await
}

pub async fn report(token: &str, report_id: &str) -> Result<TeamReport, ApiFailure> {
    let path = paths::fill(route::TEAM_REPORT, &[report_id]);
    call("GET", &path, None, Some(token)).await
}

pub async fn reply(
    token: &str,
    report_id: &str,
    body: &PostReply,
) -> Result<PostedMessage, ApiFailure> {
    let path = paths::fill(route::TEAM_REPORT_MESSAGES, &[report_id]);
    post(&path, body, Some(token)).await
}

/// A new version of a case's record (crypto/SPEC.md §9.10).
pub async fn save_case(
    token: &str,
    report_id: &str,
    body: &PostCase,
) -> Result<PostedCase, ApiFailure> {
    let path = paths::fill(route::TEAM_REPORT_CASE, &[report_id]);
    post(&path, body, Some(token)).await
}

/// A contact from another channel, registered as a case.
pub async fn register_contact(
    token: &str,
    body: &RegisterContact,
) -> Result<Registered, ApiFailure> {
    post(&paths::fill(route::TEAM_CASES, &[]), body, Some(token)).await
}

/// Piece `index` of an attachment.
pub async fn piece(token: &str, attachment_id: &str, index: u64) -> Result<Vec<u8>, ApiFailure> {
    let path = paths::fill(
        route::TEAM_ATTACHMENT_PIECE,
        &[attachment_id, &index.to_string()],
    );
    let response = fetch("GET", &path, None, Some(token)).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| ApiFailure::Network)?)
        .await
        .map_err(|_| ApiFailure::Network)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
