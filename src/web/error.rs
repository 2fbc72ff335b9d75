//! Error policy: handlers return [`AppError`]; one middleware turns every error response into a
//! page in the user's language, or a JSON body `{"error":{"code","message"}}` under `/api/`.
//!
//! - Database unreachable or pool exhausted: 503, logged as a warning.
//! - Any other unexpected failure: 500, logged with its cause and the request id; the user sees
//!   no detail.
//! - `NotFound`, `BadRequest`, `Gone`: the user's own mistake or a stale link; not logged as errors.
//! - A domain refusal ([`Refusal`]) keeps its kind, code, untranslated message and cause: its
//!   status comes from one table ([`status_of`]), so a page and the API answer it alike, and
//!   `render_errors` translates it in the request's language.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::db::DbError;
use crate::db::ids::CriterionId;
use crate::domain::criteria::Criterion;
use crate::domain::error::{Kind, Message, Refusal};

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
    #[error("internal error: {0}")]
    Internal(String),
    /// A refusal translated late, by `render_errors`: a domain error's, or the web layer's own.
    #[error("{0}")]
    Refused(Box<Refused>),
}

/// A refusal on its way to the response: what it is, what it says, and what caused it.
#[derive(Debug)]
pub struct Refused {
    pub kind: Kind,
    pub code: &'static str,
    pub message: Message,
    /// The domain error, with its own causes (a database error); logged, never shown.
    pub cause: Option<Box<dyn std::error::Error + Send + Sync>>,
    /// The criteria the message names by id (see [`AppError::naming_criteria`]).
    pub criteria: Vec<Criterion>,
    /// The form field it is about, when a page shows it there (see [`AppError::on_field`]).
    pub field: Option<&'static str>,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The causes follow as its sources (`cause_chain`).
        f.write_str(self.code)
    }
}

impl std::error::Error for Refused {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The one table from a refusal's kind to its status.
pub fn status_of(kind: Kind) -> StatusCode {
    match kind {
        Kind::NotFound => StatusCode::NOT_FOUND,
        Kind::Forbidden => StatusCode::FORBIDDEN,
        Kind::Conflict => StatusCode::CONFLICT,
        Kind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
        Kind::Malformed => StatusCode::BAD_REQUEST,
        Kind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        Kind::Unsupported => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        Kind::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        Kind::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl<E: Refusal> From<E> for AppError {
    fn from(e: E) -> Self {
        AppError::Refused(Box::new(Refused {
            kind: e.kind(),
            code: e.code(),
            message: e.message(),
            field: e.field(),
            cause: Some(Box::new(e)),
            criteria: Vec::new(),
        }))
    }
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        AppError::Internal(cause.to_string())
    }

    /// The web layer's own refusal (no domain error behind it), translated late like the others.
    pub fn refused(kind: Kind, code: &'static str, message: Message) -> Self {
        AppError::Refused(Box::new(Refused { kind, code, message, cause: None, criteria: Vec::new(), field: None }))
    }

    /// The form field a refusal is about, if any.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            AppError::Refused(r) => r.field,
            _ => None,
        }
    }

    /// Marks a refusal as about one form field (a refused file): a page shows it by that field.
    pub fn on_field(self, field: &'static str) -> Self {
        match self {
            AppError::Refused(mut r) => {
                r.field = Some(field);
                AppError::Refused(r)
            }
            other => other,
        }
    }

    /// A refusal about a form field, in the page's language, with its status: what a page shows
    /// by that field instead of an error page.
    pub fn field_message(&self, lang: crate::i18n::Lang) -> Option<(StatusCode, String)> {
        match self {
            AppError::Refused(r) if r.field.is_some() => {
                Some((status_of(r.kind), translate(lang, &r.message, &r.criteria)))
            }
            _ => None,
        }
    }

    /// A refusal of the state (409) or of the input (422), in `lang`, for a page that shows it
    /// above its own form; anything else is not for the form to show.
    pub fn form_refusal(&self, lang: crate::i18n::Lang) -> Option<(StatusCode, String)> {
        match self {
            AppError::Refused(r) if matches!(r.kind, Kind::Conflict | Kind::Invalid) => {
                Some((status_of(r.kind), translate(lang, &r.message, &r.criteria)))
            }
            _ => None,
        }
    }

    /// Whether the input was refused (a field to correct): 422.
    pub fn is_invalid(&self) -> bool {
        matches!(self, AppError::Refused(r) if r.kind == Kind::Invalid)
    }

    /// Whether the current state refused it (a duplicate, a state that forbids it): 409.
    pub fn is_conflict(&self) -> bool {
        matches!(self, AppError::Refused(r) if r.kind == Kind::Conflict)
    }

    /// Keeps the criteria a refusal's message names by id (`criterion` arguments), so that it
    /// reads with their names, as the form pages show them.
    pub fn naming_criteria(self, catalogue: &[Criterion]) -> Self {
        match self {
            AppError::Refused(mut r) => {
                fn ids(m: &Message, out: &mut Vec<String>) {
                    out.extend(m.args.iter().filter(|(name, _)| *name == "criterion").map(|(_, v)| v.clone()));
                    m.parts.iter().for_each(|p| ids(p, out));
                }
                let mut named = Vec::new();
                ids(&r.message, &mut named);
                r.criteria =
                    catalogue.iter().filter(|c| named.iter().any(|id| *id == c.id.to_string())).cloned().collect();
                AppError::Refused(r)
            }
            other => other,
        }
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
            AppError::Internal(_) => "internal_error",
            AppError::Refused(r) => r.code,
        }
    }
}

/// A message in `lang`: its key with its arguments (a criterion by its name), then its parts.
pub fn translate(lang: crate::i18n::Lang, m: &Message, criteria: &[Criterion]) -> String {
    let args: Vec<(&str, String)> = m
        .args
        .iter()
        .map(|(name, value)| {
            let named = (*name == "criterion")
                .then(|| value.parse::<i64>().ok())
                .flatten()
                .and_then(|id| criteria.iter().find(|c| c.id == CriterionId(id)));
            (*name, named.map_or_else(|| value.clone(), |c| c.name(lang).to_owned()))
        })
        .chain(m.labels.iter().map(|(name, key)| (*name, lang.t(key))))
        .collect();
    let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let mut words: Vec<String> = Vec::new();
    if !m.key.is_empty() {
        words.push(lang.t_args(m.key, &borrowed));
    }
    words.extend(m.plain.clone());
    words.extend(m.parts.iter().map(|p| translate(lang, p, criteria)));
    words.join(" ")
}

/// The causes of an error, from the outermost, as one line for the log.
pub fn cause_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut line = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        line.push_str(" <- ");
        line.push_str(&cause.to_string());
        source = cause.source();
    }
    line
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
                AppError::refused(Kind::Conflict, "conflict", Message::plain("this was already done"))
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
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::Refused(r) => status_of(r.kind),
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
