//! The HTTP edge: `/api/v1` (JSON, `Cache-Control: no-store`) and the embedded portal, with
//! strict security headers on every response. This module holds the route table; each area's
//! handlers are in their own module and stay thin: they parse, call policy and store, and
//! shape the answer.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::MethodRouter;
use axum::{Extension, Router, middleware};
use loket_format::envelope::MAX_SEALED_LEN;
use loket_wire::api::{Author, ThreadMessage};
use loket_wire::paths::PREFIX;
use loket_wire::{B64, ErrorCode};

use crate::config::ServeConfig;
use crate::error::{ApiError, ApiResult};
use crate::policy::Abuse;
use crate::store::{MessageRow, Store};

mod admit;
mod assets;
mod directory;
mod extract;
mod handover;
mod headers;
mod reporter;
mod team;
mod uploads;

pub use extract::{ApiJson, TeamMember};
pub use headers::CSP;

/// What every handler can reach.
#[derive(Clone, Debug)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<ServeConfig>,
    pub abuse: Arc<Abuse>,
}

pub(crate) type JsonResult<T> = ApiResult<axum::Json<T>>;

/// The whole application: every route of `loket_wire::paths::route` under [`PREFIX`], the
/// portal as the fallback. Starts nothing.
pub fn router(state: AppState) -> Router {
    let max_body = state.config.http.max_body;
    let limits = BodyLimits {
        envelope: ENVELOPE_BODY.min(max_body),
        small: SMALL_BODY.min(max_body),
        thread: max_body,
    };
    // Pieces of attachments are raw bytes, not JSON: their own body limit.
    let piece_limit = usize::try_from(state.config.attachments.piece_size)
        .unwrap_or(usize::MAX)
        .saturating_add(1024);
    let api = Router::new()
        .merge(directory::routes())
        .merge(reporter::routes(limits))
        .merge(team::routes(limits))
        .merge(handover::routes(limits.envelope))
        .merge(uploads::routes(limits))
        .layer(DefaultBodyLimit::max(max_body))
        .merge(uploads::piece_routes().layer(DefaultBodyLimit::max(piece_limit)))
        .fallback(|| async { ApiError::new(ErrorCode::NotFound) })
        .layer(middleware::from_fn(headers::no_store));
    Router::new()
        .nest(PREFIX, api)
        .merge(assets::routes())
        .fallback(assets::serve)
        .layer(middleware::from_fn_with_state(
            state.config.http.timeouts.request,
            headers::deadline,
        ))
        .layer(middleware::from_fn(headers::secure))
        .with_state(state)
}

/// The largest JSON body of a route that carries an envelope: the base64 of the largest
/// envelope (`loket_format::envelope::MAX_SEALED_LEN`), plus room for the rest of the request.
pub const ENVELOPE_BODY: usize = 4 * MAX_SEALED_LEN.div_ceil(3) + 8 * 1024;
/// The largest JSON body of any other route (tokens, proofs of work, signatures).
pub const SMALL_BODY: usize = 16 * 1024;

/// The body limits of the two kinds of JSON route, each capped by `--max-body`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BodyLimits {
    pub envelope: usize,
    pub small: usize,
    /// A whole thread sealed again (a share, crypto/SPEC.md §9.8): the instance's body limit.
    pub thread: usize,
}

/// A route's own body limit, for [`ApiJson`]'s check of a declared length before reading.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RouteLimit(pub usize);

/// `route` with a body limit of its own: enforced while reading, and checked against a
/// declared `Content-Length` before reading anything.
pub(crate) fn limited(route: MethodRouter<AppState>, limit: usize) -> MethodRouter<AppState> {
    route
        .layer::<_, std::convert::Infallible>(DefaultBodyLimit::max(limit))
        .layer::<_, std::convert::Infallible>(Extension(RouteLimit(limit)))
}

/// A thread's messages as the API shows them (reporter and team alike).
pub(crate) fn thread_messages(rows: Vec<MessageRow>) -> Vec<ThreadMessage> {
    rows.into_iter()
        .map(|m| ThreadMessage {
            id: m.id,
            author: match m.author_member_id {
                Some(member_id) => Author::Member {
                    member_id: member_id.into_string(),
                },
                None => Author::Reporter,
            },
            created: m.created_at,
            envelope: B64(m.envelope),
        })
        .collect()
}

/// `N` random bytes, or an internal error.
pub(crate) fn random_bytes<const N: usize>() -> ApiResult<[u8; N]> {
    Ok(crate::policy::random_bytes()?)
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::extract::{MatchedPath, Request};
    use axum::http::{HeaderValue, Method};
    use axum::middleware::{self, Next};
    use axum::response::Response;
    use loket_wire::paths::{fill, route};
    use tower::ServiceExt as _;

    use crate::{App, ServeConfig, Store};

    /// Names the route template a request matched in a response header (none: the fallback).
    async fn echo_matched(req: Request, next: Next) -> Response {
        let matched = req
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_owned());
        let mut res = next.run(req).await;
        if let Some(m) = matched.and_then(|m| HeaderValue::from_str(&m).ok()) {
            res.headers_mut().insert("x-matched", m);
        }
        res
    }

    /// Every route of `loket_wire::paths::route::ALL` is mounted: a request to it, with its
    /// parameters filled in, matches that very template and not the JSON 404 fallback.
    #[tokio::test]
    async fn every_route_is_mounted() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::connect(&crate::sqlite_url(dir.path()).unwrap())
            .await
            .unwrap();
        let app = App::build(store.clone(), ServeConfig::default())
            .await
            .unwrap();
        let router = app.router.layer(middleware::from_fn(echo_matched));
        for template in route::ALL {
            let path = fill(template, &["00", "0"]);
            for method in [Method::GET, Method::POST, Method::PUT] {
                let req = Request::builder()
                    .method(method.clone())
                    .uri(&path)
                    .body(Body::empty())
                    .unwrap();
                let res = router.clone().oneshot(req).await.unwrap();
                let matched = res.headers().get("x-matched").and_then(|v| v.to_str().ok());
                assert_eq!(
                    matched,
                    Some(format!("{}{template}", loket_wire::paths::PREFIX).as_str()),
                    "{method} {path}"
                );
            }
        }
        // And an unknown path is the fallback.
        let req = Request::builder()
            .uri(fill("/nope", &[]))
            .body(Body::empty())
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), 404);
        assert!(res.headers().get("x-matched").is_none());
        store.close().await;
    }
}
