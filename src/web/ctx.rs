//! Building blocks handlers share: the page context extractor, responses, links, rate limits.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::{StatusCode, header};
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, HttpResponse};

use super::AppState;
use super::auth::{CsrfToken, Identity};
use super::error::AppError;
use crate::domain::accounts::Links;
use crate::domain::rate_limit::{self, Limit};
use crate::domain::users::Role;
use crate::i18n::Lang;
use crate::views::layout::{Ctx, NavUser};

/// Builds the page context of a request (language, path, CSRF token, signed-in user).
pub fn page_ctx(req: &HttpRequest) -> Ctx {
    let identity = req.extensions().get::<Identity>().cloned().unwrap_or_default();
    let csrf = req.extensions().get::<CsrfToken>().map(|c| c.0.clone()).unwrap_or_default();
    let lang = Lang::from_request(req);
    Ctx {
        lang,
        path: req.path().to_owned(),
        csrf,
        user: identity.user().map(|u| NavUser {
            name: u.user.display_name.clone(),
            is_admin: u.principal.has(Role::Admin),
            is_committee: u.principal.has(Role::Committee),
            has_organisation: u.user.organisation_id.is_some(),
        }),
        accessibility: req
            .app_data::<actix_web::web::Data<AppState>>()
            .map_or(crate::config::Conformity::Partial, |s| s.settings.site.accessibility),
    }
}

impl FromRequest for Ctx {
    type Error = Error;
    type Future = Ready<Result<Ctx, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(page_ctx(req)))
    }
}

/// An HTML response that is never cached (pages may carry personal data and tokens).
pub fn html(status: StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(markup.into_string())
}

/// JSON that no shared cache keeps: proposals, receipts, evaluations.
pub fn private_json(status: StatusCode, body: impl serde::Serialize) -> HttpResponse {
    HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "private, no-store")).json(body)
}

/// An open file as the body of `response`, read 64 KiB at a time as the client takes it, with its
/// length: a large download never sits whole in the server's memory.
pub fn stream_file(mut response: actix_web::HttpResponseBuilder, file: std::fs::File) -> HttpResponse {
    use tokio::io::AsyncReadExt;
    let length = file.metadata().map(|m| m.len()).ok();
    let chunks = futures_util::stream::unfold(Some(tokio::fs::File::from_std(file)), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok::<_, std::io::Error>(actix_web::web::Bytes::from(buffer)), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    if let Some(length) = length {
        response.no_chunking(length);
    }
    response.streaming(chunks)
}

/// A CSV file as a download (`attachment`), which no shared cache keeps: evaluation reports.
pub fn csv_download(file_name: &str, body: String) -> HttpResponse {
    use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name.to_owned())],
        })
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body)
}

/// A document laid out as PDF (on a blocking thread: subsetting the fonts and compressing is
/// CPU work) and sent as a private download.
pub async fn pdf_download(file_name: String, document: crate::pdf::Document) -> Result<HttpResponse, AppError> {
    use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
    let bytes = actix_web::web::block(move || crate::pdf::render(&document))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name)],
        })
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

/// `?done=…` on a page after a successful form: which notice to show.
#[derive(serde::Deserialize, Default)]
pub struct NoticeQuery {
    #[serde(default)]
    pub done: Option<String>,
}

impl NoticeQuery {
    /// The notice `<prefix>-done-<what>` in the user's language (letters only from the query).
    pub fn notice(&self, ctx: &crate::views::layout::Ctx, prefix: &str) -> Option<String> {
        self.done.as_deref().map(|d| {
            ctx.t(&format!("{prefix}-done-{}", d.chars().filter(char::is_ascii_lowercase).collect::<String>()))
        })
    }
}

/// 303 See Other to a local path.
pub fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to.to_owned())).finish()
}

/// Only same-site paths: `//evil.example` and `/\evil.example` would leave the site.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.starts_with("/\\") && !path.chars().any(char::is_control)
}

pub fn links(state: &AppState) -> Links<'_> {
    Links { secret: state.secret.expose().as_bytes(), public_url: &state.settings.public_url }
}

/// Counts a hit on `bucket`; a full bucket is a 429 with `Retry-After`.
pub async fn rate_limit(state: &AppState, bucket: String, limit: Limit) -> Result<(), AppError> {
    let now = state.clock.now_naive();
    let result = state.db.run(move |conn| rate_limit::hit(conn, &bucket, limit, now).map_err(AppError::from)).await?;
    result.map_err(|r| AppError::TooManyRequests(r.0))
}

/// Whether `bucket` is full, without counting.
pub async fn rate_check(state: &AppState, bucket: String, limit: Limit) -> Result<(), AppError> {
    let now = state.clock.now_naive();
    let result = state.db.run(move |conn| rate_limit::check(conn, &bucket, limit, now).map_err(AppError::from)).await?;
    result.map_err(|r| AppError::TooManyRequests(r.0))
}

#[cfg(test)]
mod tests {
    use super::is_local_path;

    #[test]
    fn refuses_redirects_off_site() {
        assert!(is_local_path("/objectives?page=2"));
        for bad in ["https://evil.example", "//evil.example", "/\\evil.example", "evil", "/a\nb"] {
            assert!(!is_local_path(bad), "{bad}");
        }
    }
}
