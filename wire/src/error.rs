//! Stable error codes. Clients switch on `code`, never on the message text.

use serde::{Deserialize, Serialize};

/// Every error the API returns, with its HTTP status.
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug, Hash)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: the body is not valid JSON for this endpoint.
    MalformedRequest,
    /// 422: a field has the wrong length or an impossible value.
    InvalidField,
    /// 422: a role in the request does not exist.
    UnknownRole,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 413: the body is larger than allowed.
    PayloadTooLarge,
    /// 401: no valid team session.
    Unauthorized,
    /// 401: the challenge or signature of a team login is not valid.
    InvalidProof,
    /// 403: this endpoint needs a solved proof-of-work challenge (`POST /api/v1/pow`).
    ProofOfWorkRequired,
    /// 403: the proof of work is wrong, expired, for another purpose or already used.
    ProofOfWorkInvalid,
    /// 404: no report matches this follow-up code (same answer for every wrong code).
    ReportNotFound,
    /// 404: no such resource (team side).
    NotFound,
    /// 408: the request (headers or body) did not arrive in time.
    RequestTimeout,
    /// 409: the request conflicts with stored state.
    Conflict,
    /// 429: too many requests; try again later.
    RateLimited,
    /// 503: the server is not ready (for example, not initialised).
    Unavailable,
    /// 500: something failed on the server; details are in its log, never in the answer.
    Internal,
}

impl ErrorCode {
    pub fn status(self) -> u16 {
        match self {
            Self::MalformedRequest => 400,
            Self::Unauthorized | Self::InvalidProof => 401,
            Self::ProofOfWorkRequired | Self::ProofOfWorkInvalid => 403,
            Self::ReportNotFound | Self::NotFound => 404,
            Self::RequestTimeout => 408,
            Self::Conflict => 409,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::InvalidField | Self::UnknownRole => 422,
            Self::RateLimited => 429,
            Self::Internal => 500,
            Self::Unavailable => 503,
        }
    }

    /// The default human message.
    pub fn message(self) -> &'static str {
        match self {
            Self::MalformedRequest => "the request body is not valid for this endpoint",
            Self::InvalidField => "a field of the request has an invalid value",
            Self::UnknownRole => "the report names a role that does not exist",
            Self::UnsupportedMediaType => "send the request body as application/json",
            Self::PayloadTooLarge => "the request body is too large",
            Self::Unauthorized => "a valid team session is required",
            Self::InvalidProof => "the login proof is not valid",
            Self::ProofOfWorkRequired => "solve a proof-of-work challenge first (POST /api/v1/pow)",
            Self::ProofOfWorkInvalid => {
                "the proof of work is wrong, expired or already used; ask for a new challenge"
            }
            Self::ReportNotFound => "no report found for this code",
            Self::NotFound => "not found",
            Self::RequestTimeout => "the request did not arrive in time",
            Self::Conflict => "the request conflicts with stored data",
            Self::RateLimited => "too many requests; try again later",
            Self::Unavailable => "the service is not available right now",
            Self::Internal => "internal error",
        }
    }
}

/// The JSON body of every error response.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct ErrorBody {
    pub code: ErrorCode,
    pub message: String,
}

impl From<ErrorCode> for ErrorBody {
    fn from(code: ErrorCode) -> Self {
        Self {
            code,
            message: code.message().to_owned(),
        }
    }
}
