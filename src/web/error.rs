//! Error policy: handlers return [`AppError`]; one middleware turns every error response into a
//! page in the user's language, or a JSON body `{"error":{"code","message"}}` under `/api/`.
//!
//! - Database unreachable or pool exhausted: 503, logged as a warning.
//! - Any other unexpected failure: 500, logged with its cause and the request id; the user sees
//!   no detail.
//! - `NotFound`, `BadRequest`, `Gone`: the user's own mistake or a stale link; not logged as errors.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Malformed input to the API; `code` is machine-readable, `message` is for the developer.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    #[error("the database is unavailable")]
    Unavailable,
    /// Not signed in: pages redirect to the sign-in page, the API answers 401.
    #[error("sign-in required")]
    SignInRequired,
    /// An `Authorization: Bearer` token that is unknown or revoked.
    #[error("invalid or revoked API token")]
    InvalidToken,
    /// Signed in, but the e-mail address is not verified yet.
    #[error("e-mail address not verified")]
    Unverified,
    #[error("forbidden")]
    Forbidden,
    /// A state-changing request without the session's CSRF token.
    #[error("the form is out of date")]
    CsrfFailed,
    /// Too many attempts; retry after this many seconds.
    #[error("too many requests")]
    TooManyRequests(i64),
    /// The request conflicts with the current state (a duplicate, a state that forbids it).
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A refusal with its own status (413, 415, 422): an upload over a limit, of the wrong type.
    #[error("{message}")]
    Rejected { status: StatusCode, code: &'static str, message: String },
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    /// The stable code used in JSON bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::BadRequest { code, .. } => code,
            AppError::Unavailable => "service_unavailable",
            AppError::SignInRequired => "unauthorized",
            AppError::InvalidToken => "invalid_token",
            AppError::Unverified => "email_not_verified",
            AppError::Forbidden => "forbidden",
            AppError::CsrfFailed => "csrf_failed",
            AppError::TooManyRequests(_) => "too_many_requests",
            AppError::Conflict { code, .. } | AppError::Rejected { code, .. } => code,
            AppError::Internal(_) => "internal_error",
        }
    }
}

impl AppError {
    /// A refused upload, in the user's language: 413 over a limit, 415 for a type not accepted.
    pub fn upload(lang: crate::i18n::Lang, e: &crate::uploads::UploadError) -> AppError {
        use crate::uploads::UploadError;
        let (status, code, key) = match e {
            UploadError::FileTooLarge { .. } => {
                (StatusCode::PAYLOAD_TOO_LARGE, "file_too_large", "upload-error-file-too-large")
            }
            UploadError::TotalTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, "total_too_large", "upload-error-total-too-large")
            }
            UploadError::TooManyFiles => (StatusCode::PAYLOAD_TOO_LARGE, "too_many_files", "upload-error-too-many"),
            UploadError::UnsupportedType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_type", "upload-error-type")
            }
            UploadError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "empty_file", "upload-error-empty"),
            UploadError::Interrupted(_) | UploadError::Io(_) => {
                (StatusCode::BAD_REQUEST, "upload_interrupted", "upload-error-interrupted")
            }
        };
        AppError::Rejected { status, code, message: lang.t(key) }
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                AppError::Unavailable
            }
            DbError::Cancelled => AppError::internal(e),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound,
            // A double submission racing itself: the first one won.
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict { code: "conflict", message: "this was already done".into() }
            }
            Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _) => {
                tracing::warn!(cause = %e, "database connection lost");
                AppError::Unavailable
            }
            other => AppError::internal(other),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::SignInRequired | AppError::InvalidToken => StatusCode::UNAUTHORIZED,
            AppError::Unverified | AppError::Forbidden | AppError::CsrfFailed => StatusCode::FORBIDDEN,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::Rejected { status, .. } => *status,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A bare response: `render_errors` gives it its body once it knows the request.
    fn error_response(&self) -> HttpResponse {
        let mut builder = HttpResponse::build(self.status_code());
        if let AppError::TooManyRequests(seconds) = self {
            builder.insert_header((actix_web::http::header::RETRY_AFTER, seconds.max(&1).to_string()));
        }
        builder.finish()
    }
}

/// The JSON error body of the API.
#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `not_found`, `bad_request`, `service_unavailable`, …
    pub code: String,
    /// Human-readable, in the request's language.
    pub message: String,
}
