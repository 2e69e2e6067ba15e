//! Headers of every response: the security headers and `Cache-Control: no-store` on the API;
//! and the deadline of every request. No request is logged: a log line's time would date a
//! reporter's request (failures are held until the hour, `held_log`).

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse as _, Response};
use loket_wire::ErrorCode;

use crate::error::ApiError;

/// `Content-Security-Policy` of every response: our own origin only, plus WebAssembly.
pub use loket_assets::CSP;

/// The fixed security headers.
const SECURITY: [(&str, &str); 8] = loket_assets::SECURITY_HEADERS;

/// Ends a request that has not been received and handled within `limit` (a client that sends
/// its body slowly, or not at all): `408 request_timeout`.
pub(super) async fn deadline(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::new(ErrorCode::RequestTimeout).into_response(),
    }
}

pub(super) async fn secure(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    for (name, value) in SECURITY {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

pub(super) async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}
