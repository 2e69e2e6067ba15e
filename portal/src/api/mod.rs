//! A typed client for `/api/v1` on the browser's `fetch`, with every path from
//! `loket_wire::paths`. Requests go to our own origin only, never carry cookies, and are
//! never cached. The reporter's calls are here, the team's in `team`.

pub mod team;

use loket_wire::api::{
    AttachmentUpload, DirectoryHistory, NewAttachment, PostAnswer, PostShare, PostedMessage,
    SignedDirectory, SubmitReport, SubmitReportResponse, Thread, ThreadRequest, UploadStatus,
    Withdrawn,
};
use loket_wire::paths::{self, route};
use loket_wire::pow::{PowChallenge, PowPurpose, PowRequest};
use loket_wire::{ErrorBody, ErrorCode};
use serde::Serialize;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, Request, RequestCache, RequestCredentials, RequestInit, Response};

use crate::i18n::Lang;

/// Why a request failed. Only the stable code of an error body is kept: the server's English
/// `message` never reaches people.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiFailure {
    /// The server answered with an error body.
    Api(ErrorCode),
    /// No usable answer: the network, or a body we cannot read.
    Network,
}

impl ApiFailure {
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            Self::Api(code) => Some(*code),
            Self::Network => None,
        }
    }

    /// The sentence for people, in `lang`.
    pub fn text(&self, lang: Lang) -> &'static str {
        let t = lang.t();
        match self {
            Self::Api(code) => (t.error_code)(*code),
            Self::Network => t.network,
        }
    }
}

/// A request body: JSON text, or raw bytes.
pub(crate) enum Body<'a> {
    Json(String),
    Bytes(&'a [u8]),
}

fn headers(body: Option<&Body<'_>>, bearer: Option<&str>) -> Result<Headers, JsValue> {
    let headers = Headers::new()?;
    match body {
        Some(Body::Json(_)) => headers.set("content-type", "application/json")?,
        Some(Body::Bytes(_)) => headers.set("content-type", "application/octet-stream")?,
        None => {}
    }
    if let Some(token) = bearer {
        headers.set("authorization", &format!("Bearer {token}"))?;
    }
    Ok(headers)
}

/// Sends a request for `path` (a full path from `loket_wire::paths`) to our own origin (no
/// cookies, no cache) and returns the response if it is a success; an error body becomes
/// [`ApiFailure::Api`].
pub(crate) async fn fetch(
    method: &str,
    path: &str,
    body: Option<Body<'_>>,
    bearer: Option<&str>,
) -> Result<Response, ApiFailure> {
    let init = RequestInit::new();
    let headers = headers(body.as_ref(), bearer).map_err(|_| ApiFailure::Network)?;
    init.set_headers(&headers);
    match body {
        Some(Body::Json(text)) => init.set_body(&JsValue::from_str(&text)),
        Some(Body::Bytes(bytes)) => init.set_body(&js_sys::Uint8Array::from(bytes)),
        None => {}
    }
    init.set_method(method);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiFailure::Network)?;
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
        Ok(body) => Err(ApiFailure::Api(body.code)),
        Err(_) => Err(ApiFailure::Network),
    }
}

pub(crate) async fn response_text(response: &Response) -> Result<String, ApiFailure> {
    JsFuture::from(response.text().map_err(|_| ApiFailure::Network)?)
        .await
        .map_err(|_| ApiFailure::Network)?
        .as_string()
        .ok_or(ApiFailure::Network)
}

pub(crate) async fn call<T: DeserializeOwned>(
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

/// A `GET` whose answer is handed on as it came (the statistics pass their pages to a Web
/// Worker unparsed).
pub(crate) async fn get_text(path: &str, bearer: Option<&str>) -> Result<String, ApiFailure> {
    let response = fetch("GET", path, None, bearer).await?;
    response_text(&response).await
}

pub(crate) async fn post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    bearer: Option<&str>,
) -> Result<T, ApiFailure> {
    let json = serde_json::to_string(body).map_err(|_| ApiFailure::Network)?;
    call("POST", path, Some(json), bearer).await
}

pub async fn directory() -> Result<SignedDirectory, ApiFailure> {
    call("GET", &paths::api(route::DIRECTORY), None, None).await
}

/// Every published directory, oldest first (crypto/SPEC.md §12.6).
pub async fn directory_history() -> Result<DirectoryHistory, ApiFailure> {
    call("GET", &paths::api(route::DIRECTORY_HISTORY), None, None).await
}

pub async fn pow_challenge(purpose: PowPurpose) -> Result<PowChallenge, ApiFailure> {
    post(&paths::api(route::POW), &PowRequest { purpose }, None).await
}

pub async fn submit_report(body: &SubmitReport) -> Result<SubmitReportResponse, ApiFailure> {
    post(&paths::api(route::REPORTS), body, None).await
}

pub async fn thread(body: &ThreadRequest) -> Result<Thread, ApiFailure> {
    post(&paths::api(route::THREAD), body, None).await
}

pub async fn answer(body: &PostAnswer) -> Result<PostedMessage, ApiFailure> {
    post(&paths::api(route::THREAD_MESSAGES), body, None).await
}

pub async fn share(body: &PostShare) -> Result<PostedMessage, ApiFailure> {
    post(&paths::api(route::THREAD_SHARE), body, None).await
}

pub async fn withdraw(body: &ThreadRequest) -> Result<Withdrawn, ApiFailure> {
    post(&paths::api(route::THREAD_WITHDRAW), body, None).await
}

pub async fn new_attachment(body: &NewAttachment) -> Result<AttachmentUpload, ApiFailure> {
    post(&paths::api(route::THREAD_ATTACHMENTS), body, None).await
}

/// Uploads piece `index` of an attachment.
pub async fn put_piece(
    upload_key: &str,
    index: u64,
    bytes: &[u8],
) -> Result<UploadStatus, ApiFailure> {
    let path = paths::fill(route::UPLOAD_PIECE, &[upload_key, &index.to_string()]);
    let response = fetch("PUT", &path, Some(Body::Bytes(bytes)), None).await?;
    let text = response_text(&response).await?;
    serde_json::from_str(&text).map_err(|_| ApiFailure::Network)
}

/// How far an upload got (to resume after a failed piece).
pub async fn upload_status(upload_key: &str) -> Result<UploadStatus, ApiFailure> {
    call(
        "GET",
        &paths::fill(route::UPLOAD, &[upload_key]),
        None,
        None,
    )
    .await
}
