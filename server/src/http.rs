//! The router: `/api/v1` (JSON, `Cache-Control: no-store`) and the embedded portal, with strict
//! security headers on every response.

use std::sync::Arc;
use std::time::Instant;

use axum::extract::{DefaultBodyLimit, FromRequest, MatchedPath, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Json, Router};
use loket_wire::ErrorCode;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ApiResult};
use crate::store::Store;

pub mod abuse;
mod assets;
mod attachments;
mod directory;
mod reporter;
mod team;

/// Settings of a running server.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Largest accepted request body, bytes.
    pub max_body: usize,
    /// Team session lifetime, seconds.
    pub session_ttl: i64,
    /// Login challenge lifetime, seconds.
    pub challenge_ttl: i64,
    /// Due times after arrival, seconds (DESIGN: 24 hours, 7 days, 3 months).
    pub first_response_due: i64,
    pub acknowledgement_due: i64,
    pub feedback_due: i64,
    /// Base proof-of-work difficulty in bits; 0 switches proof of work off.
    pub pow_bits: u8,
    /// The global requests per minute (of one purpose) above which the difficulty rises by
    /// one bit per doubling; 0: never raise.
    pub pow_raise_per_minute: i64,
    pub pow_max_extra_bits: u8,
    /// Seconds a challenge stays valid.
    pub pow_ttl: i64,
    /// Global limits per minute, across all instances (0: none).
    pub submit_per_minute: i64,
    pub check_per_minute: i64,
    pub login_per_minute: i64,
    /// Retention after closing, seconds: without a formal complaint, and after the decision on
    /// a formal complaint.
    pub keep_no_complaint: i64,
    pub keep_formal_complaint: i64,
    /// Seconds between purge runs (0: only `loket purge`).
    pub purge_interval: i64,
    /// Attachments: largest size, size of one uploaded piece, most per report, and how long an
    /// unfinished upload is kept.
    pub attachment_max: u64,
    pub piece_size: u64,
    pub attachments_per_report: i64,
    pub upload_ttl: i64,
    /// E-mail notices to the team (docs/notices.md); `None`, the default: off.
    pub notices: Option<crate::notices::Notifier>,
}

/// A day in seconds.
pub const DAY: i64 = 24 * 3600;

impl Default for ServeConfig {
    fn default() -> Self {
        Self {
            max_body: 2 * 1024 * 1024,
            session_ttl: 60 * 60,
            challenge_ttl: 120,
            first_response_due: 24 * 3600,
            acknowledgement_due: 7 * 24 * 3600,
            feedback_due: 91 * 24 * 3600,
            pow_bits: 18,
            pow_raise_per_minute: 60,
            pow_max_extra_bits: 6,
            pow_ttl: 300,
            submit_per_minute: 600,
            check_per_minute: 6000,
            login_per_minute: 600,
            keep_no_complaint: 2 * 365 * DAY,
            keep_formal_complaint: 5 * 365 * DAY,
            purge_interval: 3600,
            attachment_max: 100 * 1024 * 1024,
            piece_size: 256 * 1024,
            attachments_per_report: 20,
            upload_ttl: DAY,
            notices: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServeConfig>,
    pub abuse: Arc<abuse::Abuse>,
}

/// Builds the whole application and starts its background work (rate-count exchange, purge
/// job, e-mail notices if configured) on the current Tokio runtime.
pub async fn router(store: Store, config: ServeConfig) -> Result<Router, crate::StoreError> {
    let max_body = config.max_body;
    let secret = store.server_secret().await?;
    let abuse = abuse::Abuse::new(&secret)
        .map_err(|_| crate::StoreError::Db(sqlx::Error::Protocol("no randomness".into())))?;
    let state = AppState {
        store,
        config: Arc::new(config),
        abuse: Arc::new(abuse),
    };
    tokio::spawn(abuse::background(
        Arc::clone(&state.abuse),
        state.store.clone(),
        Arc::clone(&state.config),
    ));
    if let Some(notifier) = state.config.notices.clone() {
        tokio::spawn(crate::notices::run(state.store.clone(), notifier));
    }
    // Pieces of attachments are raw bytes, not JSON: their own body limit.
    let piece_limit = usize::try_from(state.config.piece_size)
        .unwrap_or(usize::MAX)
        .saturating_add(1024);
    let uploads = Router::new()
        .route(
            "/uploads/{key}/{index}",
            axum::routing::put(attachments::put_piece),
        )
        .layer(DefaultBodyLimit::max(piece_limit));
    let api = Router::new()
        .route("/directory", get(directory::directory))
        .route("/pow", post(reporter::pow))
        .route("/thread/attachments", post(attachments::create))
        .route("/uploads/{key}", get(attachments::status))
        .route("/team/logout", post(team::logout))
        .route("/team/reports/{id}/close", post(team::close))
        .route(
            "/team/attachments/{id}/{index}",
            get(attachments::team_piece),
        )
        .route("/reports", post(reporter::submit))
        .route("/thread", post(reporter::thread))
        .route("/thread/messages", post(reporter::answer))
        .route("/thread/withdraw", post(reporter::withdraw))
        .route("/team/challenge", post(team::challenge))
        .route("/team/session", post(team::session))
        .route("/team/inbox", get(team::inbox))
        .route("/team/reports/{id}", get(team::report))
        .route("/team/reports/{id}/messages", post(team::reply))
        .layer(DefaultBodyLimit::max(max_body))
        .merge(uploads)
        .fallback(|| async { ApiError::new(ErrorCode::NotFound) })
        .layer(middleware::from_fn(no_store));
    Ok(Router::new()
        .nest("/api/v1", api)
        .fallback(assets::serve)
        .layer(middleware::from_fn(log_and_secure))
        .with_state(state))
}

/// `Content-Security-Policy` of every response: our own origin only, plus WebAssembly.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
    img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
    form-action 'self'; frame-ancestors 'none'";

/// Security headers on every response, and a log line that names only the route template,
/// the status and the duration — never the URI, a header, a body or the client's address.
async fn log_and_secure(req: Request, next: Next) -> Response {
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
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::STRICT_TRANSPORT_SECURITY,
        HeaderValue::from_static("max-age=63072000; includeSubDomains"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    res
}

async fn no_store(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A JSON body extractor whose every failure is an `ErrorBody`: 415 for a wrong content type,
/// 413 for a body over the limit, 400 for broken JSON, 422 for well-formed JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.split(';')
                    .next()
                    .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
            });
        if !is_json {
            return Err(ErrorCode::UnsupportedMediaType.into());
        }
        // Refuse a declared oversize body at once, before reading any of it.
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|len| len > state.config.max_body as u64) {
            return Err(ErrorCode::PayloadTooLarge.into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::new(ErrorCode::PayloadTooLarge)
                } else {
                    ApiError::new(ErrorCode::MalformedRequest)
                }
            })?;
        match serde_json::from_slice(&bytes) {
            Ok(v) => Ok(Self(v)),
            Err(e) if e.is_data() => Err(ErrorCode::InvalidField.into()),
            Err(_) => Err(ErrorCode::MalformedRequest.into()),
        }
    }
}

pub(crate) type JsonResult<T> = ApiResult<Json<T>>;

/// Now, in Unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(bytes).into()
}

pub(crate) fn random_bytes<const N: usize>() -> ApiResult<[u8; N]> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(ApiError::internal)?;
    Ok(out)
}
