//! Extractors whose every failure is an `ErrorBody` with a stable code: a JSON body
//! ([`ApiJson`]), a raw body ([`body_error`]), and the team member behind a session token
//! ([`TeamMember`]).

use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use loket_wire::ErrorCode;
use serde::de::DeserializeOwned;

use super::AppState;
use crate::clock::now;
use crate::error::ApiError;
use crate::store::{MemberId, TokenHash};

/// The code for a body that could not be read: 413 over the limit, 400 otherwise.
pub(super) fn body_error(rejection: &BytesRejection) -> ApiError {
    if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(ErrorCode::PayloadTooLarge)
    } else {
        ApiError::new(ErrorCode::MalformedRequest)
    }
}

/// Whether the request's `Content-Type` is `media` (parameters such as `charset` allowed).
pub(super) fn content_type_is(headers: &HeaderMap, media: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .is_some_and(|t| t.trim().eq_ignore_ascii_case(media))
        })
}

/// A JSON body extractor: 415 for a wrong content type, 413 for a body over the limit, 400 for
/// broken JSON, 422 for well-formed JSON of the wrong shape.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        if !content_type_is(req.headers(), "application/json") {
            return Err(ErrorCode::UnsupportedMediaType.into());
        }
        // Refuse a declared oversize body at once, before reading any of it.
        let declared = req
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let limit = req
            .extensions()
            .get::<super::RouteLimit>()
            .map_or(state.config.http.max_body, |l| l.0)
            .min(state.config.http.max_body);
        if declared.is_some_and(|len| len > limit as u64) {
            return Err(ErrorCode::PayloadTooLarge.into());
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| body_error(&rejection))?;
        match serde_json::from_slice(&bytes) {
            Ok(v) => Ok(Self(v)),
            Err(e) if e.is_data() => Err(ErrorCode::InvalidField.into()),
            Err(_) => Err(ErrorCode::MalformedRequest.into()),
        }
    }
}

/// The member behind a valid `Authorization: Bearer` session token.
pub struct TeamMember(pub MemberId);

impl FromRequestParts<AppState> for TeamMember {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or(ApiError::new(ErrorCode::Unauthorized))?;
        let member = state
            .store
            .session_member(&token, now())
            .await?
            .ok_or(ApiError::new(ErrorCode::Unauthorized))?;
        Ok(Self(member))
    }
}

/// SHA-256 of the `Authorization: Bearer` token, if there is one.
pub(super) fn bearer(headers: &HeaderMap) -> Option<TokenHash> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| TokenHash::of(t.trim().as_bytes()))
}
