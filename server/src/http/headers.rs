//! Headers of every response: the security headers, `Cache-Control: no-store` on the API, and
//! a log line that names only the route template, the status and the duration — never the
//! URI, a header, a body or the client's address.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// `Content-Security-Policy` of every response: our own origin only, plus WebAssembly.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// The fixed security headers.
const SECURITY: [(&str, &str); 8] = [
    ("content-security-policy", CSP),
    ("referrer-policy", "no-referrer"),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    (
        "strict-transport-security",
        "max-age=63072000; includeSubDomains",
    ),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    ),
    ("cross-origin-opener-policy", "same-origin"),
    ("cross-origin-resource-policy", "same-origin"),
];

pub(super) async fn log_and_secure(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let method = req.method().clone();
    let start = Instant::now();
    let mut res = next.run(req).await;
    tracing::debug!(
        %method,
        route = route.as_deref().unwrap_or("(static)"),
        status = res.status().as_u16(),
        ms = start.elapsed().as_millis() as u64,
        "request"
    );
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
