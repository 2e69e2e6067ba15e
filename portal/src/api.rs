//! A typed client for `/api/v1`, on the browser's `fetch`. Requests go to our own origin only,
//! never carry cookies, and are never cached.

use loket_wire::api::{
    AttachmentUpload, Challenge, CloseReport, Closed, Inbox, NewAttachment, PostAnswer, PostReply,
    PostedMessage, Session, SessionRequest, SignedDirectory, SubmitReport, SubmitReportResponse,
    TeamReport, Thread, ThreadRequest, UploadStatus, Withdrawn,
};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest};
use loket_wire::{API_PREFIX, ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response};

/// Why a request failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server answered with an error body.
    Api(ErrorBody),
    /// No usable answer: the network, or a body we cannot read.
    Network,
}

impl ApiFailure {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(body) => Some(body.code),
            Self::Network => None,
        }
    }
}

impl std::fmt::Display for ApiFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Api(body) => f.write_str(&body.message),
            Self::Network => {
                f.write_str("the server could not be reached; check your connection and try again")
            }
        }
    }
}

/// A request body: JSON text, or raw bytes.
enum Body<'a> {
    Json(String),
    Bytes(&'a [u8]),
}

/// Sends a request to our own origin (no cookies, no cache) and returns the response if it is
/// a success; an error body becomes [`ApiFailure::Api`].
async fn fetch(
    method: &str,
    path: &str,
    body: Option<Body<'_>>,
    bearer: Option<&str>,
) -> Result<Response, ApiFailure> {
    let headers = Headers::new().map_err(|_| ApiFailure::Network)?;
    let init = RequestInit::new();
    match body {
        Some(Body::Json(text)) => {
            headers
                .set("content-type", "application/json")
                .map_err(|_| ApiFailure::Network)?;
            init.set_body(&JsValue::from_str(&text));
        }
        Some(Body::Bytes(bytes)) => {
            headers
                .set("content-type", "application/octet-stream")
                .map_err(|_| ApiFailure::Network)?;
            init.set_body(&js_sys::Uint8Array::from(bytes));
        }
        None => {}
    }
    if let Some(token) = bearer {
        headers
            .set("authorization", &format!("Bearer {token}"))
            .map_err(|_| ApiFailure::Network)?;
    }
    init.set_method(method);
    init.set_headers(&headers);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    let url = format!("{API_PREFIX}{path}");
    let request = Request::new_with_str_and_init(&url, &init).map_err(|_| ApiFailure::Network)?;
    let window = web_sys::window().ok_or(ApiFailure::Network)?;
    let response: Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(|_| ApiFailure::Network)?
        .dyn_into()
        .map_err(|_| ApiFailure::Network)?;
    if response.ok() {
        return Ok(response);
    }
    let text = response_text(&response).await?;
    match serde_json::from_str::<ErrorBody>(&text) {
        Ok(body) => Err(ApiFailure::Api(body)),
        Err(_) => Err(ApiFailure::Network),
    }
}

async fn response_text(response: &Response) -> Result<String, ApiFailure> {
    JsFuture::from(response.text().map_err(|_| ApiFailure::Network)?)
        .await
        .map_err(|_| ApiFailure::Network)?
        .as_string()
        .ok_or(ApiFailure::Network)
}

async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    body: Option<String>,
    bearer: Option<&str>,
) -> Result<T, ApiFailure> {
    let response = fetch(method, path, body.map(Body::Json), bearer).await?;
    let text = response_text(&response).await?;
    // 204 No Content reads as JSON `null` (for `()`).
    let text = if text.is_empty() { "null" } else { &text };
    serde_json::from_str(text).map_err(|_| ApiFailure::Network)
}

async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    bearer: Option<&str>,
) -> Result<T, ApiFailure> {
    let json = serde_json::to_string(body).map_err(|_| ApiFailure::Network)?;
    call("POST", path, Some(json), bearer).await
}

pub async fn directory() -> Result<SignedDirectory, ApiFailure> {
    call("GET", "/directory", None, None).await
}

pub async fn pow_challenge(purpose: PowPurpose) -> Result<PowChallenge, ApiFailure> {
    post("/pow", &PowRequest { purpose }, None).await
}

pub async fn submit_report(body: &SubmitReport) -> Result<SubmitReportResponse, ApiFailure> {
    post("/reports", body, None).await
}

pub async fn thread(body: &ThreadRequest) -> Result<Thread, ApiFailure> {
    post("/thread", body, None).await
}

pub async fn answer(body: &PostAnswer) -> Result<PostedMessage, ApiFailure> {
    post("/thread/messages", body, None).await
}

pub async fn withdraw(body: &ThreadRequest) -> Result<Withdrawn, ApiFailure> {
    post("/thread/withdraw", body, None).await
}

pub async fn challenge() -> Result<Challenge, ApiFailure> {
    post("/team/challenge", &serde_json::json!({}), None).await
}

pub async fn session(body: &SessionRequest) -> Result<Session, ApiFailure> {
    post("/team/session", body, None).await
}

/// Ends the session on the server (204).
pub async fn logout(token: &str) -> Result<(), ApiFailure> {
    post("/team/logout", &serde_json::json!({}), Some(token)).await
}

pub async fn close(token: &str, report_id: &str, body: &CloseReport) -> Result<Closed, ApiFailure> {
    post(
        &format!("/team/reports/{report_id}/close"),
        body,
        Some(token),
    )
    .await
}

pub async fn new_attachment(body: &NewAttachment) -> Result<AttachmentUpload, ApiFailure> {
    post("/thread/attachments", body, None).await
}

/// Uploads piece `index` of an attachment.
pub async fn put_piece(
    upload_key: &str,
    index: u64,
    bytes: &[u8],
) -> Result<UploadStatus, ApiFailure> {
    let path = format!("/uploads/{upload_key}/{index}");
    let response = fetch("PUT", &path, Some(Body::Bytes(bytes)), None).await?;
    let text = response_text(&response).await?;
    serde_json::from_str(&text).map_err(|_| ApiFailure::Network)
}

/// How far an upload got (to resume after a failed piece).
pub async fn upload_status(upload_key: &str) -> Result<UploadStatus, ApiFailure> {
    call("GET", &format!("/uploads/{upload_key}"), None, None).await
}

/// Piece `index` of an attachment, for a team member.
pub async fn team_piece(
    token: &str,
    attachment_id: &str,
    index: u64,
) -> Result<Vec<u8>, ApiFailure> {
    let path = format!("/team/attachments/{attachment_id}/{index}");
    let response = fetch("GET", &path, None, Some(token)).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(|_| ApiFailure::Network)?)
        .await
        .map_err(|_| ApiFailure::Network)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}

pub async fn inbox(token: &str) -> Result<Inbox, ApiFailure> {
    call("GET", "/team/inbox", None, Some(token)).await
}

pub async fn team_report(token: &str, report_id: &str) -> Result<TeamReport, ApiFailure> {
    call(
        "GET",
        &format!("/team/reports/{report_id}"),
        None,
        Some(token),
    )
    .await
}

pub async fn reply(
    token: &str,
    report_id: &str,
    body: &PostReply,
) -> Result<PostedMessage, ApiFailure> {
    post(
        &format!("/team/reports/{report_id}/messages"),
        body,
        Some(token),
    )
    .await
}
