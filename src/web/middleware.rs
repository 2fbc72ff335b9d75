//! Cross-cutting request handling: request ids and the access log line, security headers, and the
//! rendering of every error response (HTML page or JSON) in one place.

use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{Error, HttpMessage, HttpResponse};

use super::error::{AppError, ErrorBody, ErrorDetail, cause_chain, translate};
use crate::i18n::Lang;
use crate::views;
use crate::views::errors::status_key;

/// When a request arrived: the clock read first thing, before the request's body, its
/// authentication (a session's or a token's last-use write may wait for the write lock) or
/// anything else. A deposit is judged on time against it (docs/PROPOSALS.md: the request's
/// arrival is its start), so no wait inside the server turns an on-time deposit into a refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival(pub chrono::NaiveDateTime);

/// Records the request's [`Arrival`]; the outermost middleware.
pub async fn arrival(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if let Some(state) = req.app_data::<actix_web::web::Data<super::AppState>>() {
        let now = state.clock.now_naive();
        req.extensions_mut().insert(Arrival(now));
    }
    next.call(req).await
}

impl actix_web::FromRequest for Arrival {
    type Error = Error;
    type Future = std::future::Ready<Result<Self, Error>>;

    fn from_request(req: &actix_web::HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let found = req.extensions().get::<Arrival>().copied();
        std::future::ready(
            found.ok_or_else(|| AppError::internal("no arrival time: the arrival middleware is missing").into()),
        )
    }
}

/// Answers `HEAD` as `GET` on every route (monitors and link checkers use it): the request is
/// routed, authenticated and handled as a `GET`, and the response keeps its status and headers
/// but loses its body. Only `GET` routes are concerned: a `GET` never changes anything.
pub async fn head_as_get(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let head = req.method() == actix_web::http::Method::HEAD;
    if head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    if head {
        Ok(res.map_body(|_, _| BoxBody::new(actix_web::body::None::new())))
    } else {
        Ok(res.map_into_boxed_body())
    }
}

/// The id of one request, in its log line, its error logs and the `X-Request-Id` header.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub static X_REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Gives each request an id and logs one line when it ends. The query string is never logged:
/// links carry tokens there.
pub async fn request_log(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = hex::encode(rand::random::<[u8; 8]>());
    req.extensions_mut().insert(RequestId(id.clone()));
    let method = req.method().to_string();
    let path = req.path().to_owned();
    let result = next.call(req).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    match result {
        Ok(mut res) => {
            if let Ok(value) = HeaderValue::from_str(&id) {
                res.headers_mut().insert(X_REQUEST_ID.clone(), value);
            }
            tracing::info!(request_id = %id, %method, %path, status = res.status().as_u16(), elapsed_ms, "request");
            Ok(res)
        }
        Err(e) => {
            tracing::error!(request_id = %id, %method, %path, error = %e, elapsed_ms, "request failed");
            Err(e)
        }
    }
}

/// The Content-Security-Policy of every response: nothing is allowed unless named, and only from
/// the platform itself: its stylesheet, its images (the favicon; charts are inline SVG, drawn with
/// presentation attributes, not CSS), its forms. No script at all, no inline style (no `style`
/// attribute or element in any page: `tests/api/headers.rs` checks every page), no frames, no
/// plugins, no `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers on every response. A handler that sets one of these keeps its own.
pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add((header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .add((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .add((header::REFERRER_POLICY, "same-origin"))
        .add((header::X_FRAME_OPTIONS, "DENY"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers.add((header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains"))
    } else {
        headers
    }
}

/// Gives every error response its body: a page in the user's language, or JSON under `/api/`.
/// Responses a handler rendered itself (a form shown again with its errors) pass untouched.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let has_own_body = res.response().error().is_none()
        && !matches!(
            res.response().body().size(),
            actix_web::body::BodySize::None | actix_web::body::BodySize::Sized(0)
        );
    if has_own_body {
        return Ok(res);
    }
    let (request, response) = res.into_parts();
    let app_error = response.error().and_then(|e| e.as_error::<AppError>());
    let lang = Lang::from_request(&request);
    let request_id = request.extensions().get::<RequestId>().map(|r| r.0.clone()).unwrap_or_default();

    match app_error {
        Some(AppError::Internal(cause)) => tracing::error!(request_id = %request_id, %cause, "internal error"),
        // A domain error that is a failure, not a refusal: its whole cause chain, never shown.
        Some(AppError::Refused(r)) if status == StatusCode::SERVICE_UNAVAILABLE => {
            tracing::warn!(request_id = %request_id, cause = %cause_chain(r.as_ref()), "database unavailable");
        }
        Some(AppError::Refused(r)) if status.is_server_error() => {
            tracing::error!(request_id = %request_id, cause = %cause_chain(r.as_ref()), "internal error");
        }
        _ => {}
    }
    if matches!(app_error, Some(AppError::SignInRequired)) && !request.path().starts_with("/api/") {
        // Come back to the page after signing in (a form post comes back to its page's address).
        let next: String = url::form_urlencoded::byte_serialize(request.path().as_bytes()).collect();
        let response =
            HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/login?next={next}"))).finish();
        return Ok(ServiceResponse::new(request, response));
    }
    let code = match app_error {
        Some(e) => e.code().to_owned(),
        None => generic_code(status).to_owned(),
    };
    let message = match (app_error, response.error()) {
        (Some(AppError::BadRequest { message, .. }), _) => message.clone(),
        // A refusal in the request's language, the same words on a page and in the API.
        (Some(AppError::Refused(r)), _) if !status.is_server_error() => translate(lang, &r.message, &r.criteria),
        (Some(AppError::Unverified), _) => lang.t("error-unverified-text"),
        (Some(AppError::CsrfFailed), _) => lang.t("error-csrf-text"),
        (Some(AppError::InvalidToken), _) => lang.t("error-token-text"),
        // Extractor errors (a malformed JSON body, a bad query) say what was wrong.
        (None, Some(e)) if status.is_client_error() => e.to_string(),
        _ => lang.t(&format!("error-{}-text", status_key(status))),
    };

    let mut builder = HttpResponse::build(status);
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            builder.insert_header((name.clone(), value.clone()));
        }
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        builder.insert_header((header::RETRY_AFTER, "5"));
    }
    if status == StatusCode::UNAUTHORIZED {
        builder.insert_header((header::WWW_AUTHENTICATE, "Bearer"));
    }
    let new_response = if request.path().starts_with("/api/") {
        builder.json(ErrorBody { error: ErrorDetail { code, message } })
    } else {
        builder.content_type("text/html; charset=utf-8").body(
            views::errors::error_page(
                &super::ctx::page_ctx(&request),
                status,
                &message,
                &request_id,
                back(&request).as_deref(),
            )
            .into_string(),
        )
    };
    Ok(ServiceResponse::new(request, new_response))
}

fn generic_code(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "too_many_requests",
        503 => "service_unavailable",
        s if s >= 500 => "internal_error",
        _ => "bad_request",
    }
}

/// Where "back" leads on an error page: the page of ours the person came from (its `Referer`,
/// same host), unless it is the very address that failed on a GET.
fn back(request: &actix_web::HttpRequest) -> Option<String> {
    let referer = request.headers().get(header::REFERER)?.to_str().ok()?;
    let url = url::Url::parse(referer).ok()?;
    let host = request.connection_info().host().to_owned();
    let same_host = url.host_str().is_some_and(|h| match url.port() {
        Some(p) => host == format!("{h}:{p}"),
        None => host == h,
    });
    if !same_host {
        return None;
    }
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let failed_here = request.method() == actix_web::http::Method::GET && url.path() == request.path();
    (!failed_here && target.starts_with('/') && !target.starts_with("//")).then_some(target)
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::from_fn;
    use actix_web::{App, test, web};

    use super::*;
    use crate::db::ids::CriterionId;
    use crate::domain::evaluation::EvaluationError;

    async fn refused() -> Result<HttpResponse, AppError> {
        Err(EvaluationError::Scores(vec![(CriterionId(1), "score-error-range")]).into())
    }

    async fn lost() -> Result<HttpResponse, AppError> {
        let closed = diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::ClosedConnection,
            Box::new(String::from("server closed the connection")),
        );
        Err(EvaluationError::from(closed).into())
    }

    #[actix_web::test]
    async fn a_refusal_has_one_status_and_one_message_on_a_page_and_in_the_api() {
        let app = test::init_service(
            App::new()
                .wrap(from_fn(render_errors))
                .route("/page", web::post().to(refused))
                .route("/api/v1/call", web::post().to(refused))
                .route("/lost", web::post().to(lost)),
        )
        .await;
        let english = ("Accept-Language", "en");
        let page =
            test::call_service(&app, test::TestRequest::post().uri("/page").insert_header(english).to_request()).await;
        assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = String::from_utf8(test::read_body(page).await.to_vec()).unwrap_or_default();
        assert!(html.contains("A score goes from 0 to 5."), "{html}");

        let api =
            test::call_service(&app, test::TestRequest::post().uri("/api/v1/call").insert_header(english).to_request())
                .await;
        assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: ErrorBody = test::read_body_json(api).await;
        assert_eq!(body.error.code, "invalid_scores");
        assert_eq!(body.error.message, "A score goes from 0 to 5.");

        // A lost connection is the database being unavailable, not an internal error.
        let lost = test::call_service(&app, test::TestRequest::post().uri("/lost").to_request()).await;
        assert_eq!(lost.status(), StatusCode::SERVICE_UNAVAILABLE);
    }
}
