//! The HTTP edge of errors: every failure becomes a JSON `ErrorBody` with a stable code and the
//! right status. Server-side failures are logged here and never echoed to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use loket_wire::{ErrorBody, ErrorCode};

use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    /// For the server log only (5xx). Never contains request data.
    detail: Option<String>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self { code, detail: None }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Internal,
            detail: Some(detail.to_string()),
        }
    }
}

impl From<ErrorCode> for ApiError {
    fn from(code: ErrorCode) -> Self {
        Self::new(code)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict => Self::new(ErrorCode::Conflict),
            StoreError::NotFound => Self::new(ErrorCode::NotFound),
            StoreError::UnknownRole(_) => Self::new(ErrorCode::UnknownRole),
            StoreError::NotInitialised => Self::new(ErrorCode::Unavailable),
            StoreError::Db(sqlx::Error::PoolTimedOut) => Self {
                code: ErrorCode::Unavailable,
                detail: Some("database pool timed out".into()),
            },
            other => Self::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            tracing::error!(code = ?self.code, detail = self.detail.as_deref().unwrap_or(""), "request failed");
        }
        (status, Json(ErrorBody::from(self.code))).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
