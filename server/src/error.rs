//! The HTTP edge of errors: every failure becomes a JSON `ErrorBody` with a stable code and the
//! right status. Server-side failures are logged here and never echoed to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use loket_wire::{ErrorBody, ErrorCode};

use crate::policy::PolicyError;
use crate::store::StoreError;

#[derive(Debug)]
pub struct ApiError {
    pub code: ErrorCode,
    /// For the server log only (5xx). Never contains request data.
    detail: Option<String>,
    /// Seconds, sent as `Retry-After` (429, 503).
    retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            detail: None,
            retry_after: None,
        }
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        Self {
            code: ErrorCode::Internal,
            detail: Some(detail.to_string()),
            retry_after: None,
        }
    }

    /// Asks the client to wait `seconds` before trying again.
    pub fn retry_after(mut self, seconds: i64) -> Self {
        self.retry_after = Some(seconds.max(1));
        self
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
            StoreError::NotAReader | StoreError::NotInThread | StoreError::NotExtended => {
                Self::new(ErrorCode::InvalidField)
            }
            StoreError::NotInitialised => Self::new(ErrorCode::Unavailable),
            StoreError::PowSpent => Self::new(ErrorCode::ProofOfWorkInvalid),
            StoreError::ReportQuota => Self::new(ErrorCode::PayloadTooLarge),
            StoreError::StorageFull => Self::new(ErrorCode::Unavailable),
            StoreError::WriterStopped => Self {
                code: ErrorCode::Unavailable,
                detail: Some("the writer task has stopped".into()),
                retry_after: Some(5),
            },
            StoreError::Db(sqlx::Error::PoolTimedOut) => Self {
                code: ErrorCode::Unavailable,
                detail: Some("database pool timed out".into()),
                retry_after: Some(1),
            },
            other => Self::internal(other),
        }
    }
}

impl From<PolicyError> for ApiError {
    fn from(e: PolicyError) -> Self {
        match e {
            PolicyError::RateLimited { retry_after } => {
                Self::new(ErrorCode::RateLimited).retry_after(retry_after)
            }
            PolicyError::PowRequired => Self::new(ErrorCode::ProofOfWorkRequired),
            PolicyError::PowInvalid => Self::new(ErrorCode::ProofOfWorkInvalid),
            PolicyError::InvalidEnvelope => Self::new(ErrorCode::InvalidField),
            PolicyError::EnvelopeTooLarge => Self::new(ErrorCode::PayloadTooLarge),
            PolicyError::InvalidProof => Self::new(ErrorCode::InvalidProof),
            other @ (PolicyError::Random(_) | PolicyError::Key) => Self::internal(other),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.code.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        if status.is_server_error() {
            // Held until the hour: the line's time would date the request (`held_log`).
            crate::held_log::hold(format!(
                "request failed: {:?}: {}",
                self.code,
                self.detail.as_deref().unwrap_or("")
            ));
        }
        let mut res = (status, Json(ErrorBody::from(self.code))).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            res.headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        res
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
