//! Who is asking, and whether their form is genuine.
//!
//! One middleware runs before every handler: it identifies the user from the session cookie (or,
//! under `/api/`, from an `Authorization: Bearer` token), loading their account, roles and
//! organisation fresh from the database — so a disabled account or a role change takes effect on
//! the very next request — and it checks the CSRF token of every state-changing request that a
//! browser could send on its own (cookie-authenticated, or a form post).

use std::rc::Rc;

use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::{Error, FromRequest, HttpMessage, HttpRequest, web};
use chrono::Utc;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::AppState;
use super::error::AppError;
use crate::db::DbConnection;
use crate::db::schema::organisations;
use crate::domain::authz::{self, Action, Actor, Deny, Principal};
use crate::domain::sessions::{self, Session};
use crate::domain::users::{self, User};
use crate::domain::{api_tokens, secret_token};

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub user: User,
    pub principal: Principal,
    /// The browser session, or `None` when authenticated by an API token.
    pub session: Option<Session>,
}

impl CurrentUser {
    /// How the audit log names this user.
    pub fn audit_actor(&self) -> crate::domain::audit::AuditActor {
        crate::domain::audit::AuditActor::User { id: self.user.id, email: self.user.email.clone() }
    }
}

/// The request's actor, as set by [`authenticate`].
#[derive(Debug, Clone, Default)]
pub struct Identity(pub Option<Rc<CurrentUser>>);

impl Identity {
    pub fn actor(&self) -> Actor {
        match &self.0 {
            Some(u) => Actor::User(u.principal.clone()),
            None => Actor::Anonymous,
        }
    }

    /// The user, if `action` is allowed; otherwise the refusal as an error.
    pub fn authorize(&self, action: Action) -> Result<Rc<CurrentUser>, AppError> {
        match authz::decide(&self.actor(), action) {
            Ok(()) => self.0.clone().ok_or(AppError::SignInRequired),
            Err(Deny::NotSignedIn) => Err(AppError::SignInRequired),
            Err(Deny::Unverified) => Err(AppError::Unverified),
            Err(Deny::NotAllowed) => Err(AppError::Forbidden),
        }
    }

    pub fn user(&self) -> Option<&CurrentUser> {
        self.0.as_deref()
    }

    /// For actions only anonymous visitors take (registering, signing in): refused when signed in.
    pub fn authorize_anonymous(&self, action: Action) -> Result<(), AppError> {
        authz::decide(&self.actor(), action).map_err(|_| AppError::Forbidden)
    }

    /// The organisation of the signed-in user: sign in first, and staff have none.
    pub fn own_organisation(&self) -> Result<crate::db::ids::OrganisationId, AppError> {
        match self.user() {
            None => Err(AppError::SignInRequired),
            Some(u) => u.user.organisation_id.ok_or(AppError::Forbidden),
        }
    }

    /// The user's own organisation and the user, if `action` on that organisation is allowed:
    /// `identity.authorize_own(Action::InviteMember)`.
    pub fn authorize_own(
        &self,
        action: fn(crate::db::ids::OrganisationId) -> Action,
    ) -> Result<(crate::db::ids::OrganisationId, Rc<CurrentUser>), AppError> {
        let org = self.own_organisation()?;
        Ok((org, self.authorize(action(org))?))
    }
}

impl FromRequest for Identity {
    type Error = Error;
    type Future = std::future::Ready<Result<Identity, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req.extensions().get::<Identity>().cloned().unwrap_or_default()))
    }
}

/// The CSRF token forms of this request must carry.
#[derive(Debug, Clone, Default)]
pub struct CsrfToken(pub String);

/// The field name forms use for the token.
pub const CSRF_FIELD: &str = "csrf_token";

/// Loads the user behind a session or token, with roles and organisation ownership.
fn load_principal(conn: &mut DbConnection, user: User) -> diesel::QueryResult<Option<CurrentUser>> {
    use diesel::prelude::*;
    if user.is_disabled() {
        return Ok(None);
    }
    let roles = users::roles(conn, user.id)?;
    let owns = match user.organisation_id {
        Some(org) => {
            organisations::table
                .find(org)
                .select(organisations::owner_user_id)
                .first::<Option<crate::db::ids::UserId>>(conn)
                .optional()?
                .flatten()
                == Some(user.id)
        }
        None => false,
    };
    let principal = Principal {
        user_id: user.id,
        roles,
        organisation: user.organisation_id,
        owns_organisation: owns,
        verified: user.is_verified(),
        disabled: false,
    };
    Ok(Some(CurrentUser { user, principal, session: None }))
}

enum Credentials {
    None,
    Session(String),
    Bearer(String),
}

fn anonymous_csrf(secret: &[u8], anon: &str) -> String {
    let Ok(mut mac) = <Hmac<Sha256> as Mac>::new_from_slice(secret) else { return String::new() };
    mac.update(b"achat-ouvert/anonymous-csrf/v1");
    mac.update(anon.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Reads the token a request carries: header, query string, or url-encoded form body (which is
/// put back for the handler).
async fn presented_token(req: &mut ServiceRequest) -> Result<Option<String>, Error> {
    if let Some(value) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Ok(Some(value.to_owned()));
    }
    if let Some((_, v)) = url::form_urlencoded::parse(req.query_string().as_bytes()).find(|(k, _)| k == CSRF_FIELD) {
        return Ok(Some(v.into_owned()));
    }
    let content_type =
        req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    if let Some(boundary) = multipart_boundary(&content_type) {
        return first_part_token(req, &boundary).await;
    }
    if !content_type.starts_with("application/x-www-form-urlencoded") {
        return Ok(None);
    }
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk?;
        if body.len() + chunk.len() > super::FORM_LIMIT {
            return Err(actix_web::error::PayloadError::Overflow.into());
        }
        body.extend_from_slice(&chunk);
    }
    let body: Bytes = body.freeze();
    let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == CSRF_FIELD).map(|(_, v)| v.into_owned());
    let replay: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, actix_web::error::PayloadError>>>> =
        Box::pin(futures_util::stream::once(async move { Ok::<Bytes, actix_web::error::PayloadError>(body) }));
    req.set_payload(Payload::from(replay));
    Ok(token)
}

/// How far into a multipart body the token is looked for: the upload forms put it first.
const MULTIPART_PEEK: usize = 16 * 1024;

/// The boundary of a `multipart/form-data` body, from its content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (k, v) = p.trim().split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| v.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty())
    })
}

/// The token of a multipart upload form: its first part, named `csrf_token` (the pages' upload
/// forms put the hidden field first, so the token never goes in the address). Only the first
/// bytes are read, up to the end of that part; they are put back, ahead of the rest, for the
/// handler, which still streams the files.
async fn first_part_token(req: &mut ServiceRequest, boundary: &str) -> Result<Option<String>, Error> {
    let delimiter = format!("\r\n--{boundary}");
    let mut payload = req.take_payload();
    let mut head = web::BytesMut::new();
    let mut token = None;
    while head.len() < MULTIPART_PEEK {
        let Some(chunk) = payload.next().await else { break };
        head.extend_from_slice(&chunk?);
        if let Some(found) = token_in_first_part(&head, &delimiter) {
            token = found;
            break;
        }
    }
    let head: Bytes = head.freeze();
    let replay =
        futures_util::stream::once(async move { Ok::<Bytes, actix_web::error::PayloadError>(head) }).chain(payload);
    let replay: std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Bytes, actix_web::error::PayloadError>>>> =
        Box::pin(replay);
    req.set_payload(Payload::from(replay));
    Ok(token)
}

/// `Some(token)` once the first part is complete and is the token, `Some(None)` once it is
/// complete and is something else, `None` while more bytes are needed.
fn token_in_first_part(head: &[u8], delimiter: &str) -> Option<Option<String>> {
    let text = String::from_utf8_lossy(head);
    // The body opens with the first delimiter (without its leading line break).
    let start = text.find(&delimiter[2..])? + delimiter.len() - 2;
    let rest = &text[start..];
    let end = rest.find(delimiter)?;
    let part = &rest[..end];
    let (headers, value) = part.split_once("\r\n\r\n")?;
    let named = headers.lines().any(|l| {
        let l = l.to_ascii_lowercase();
        l.starts_with("content-disposition:") && l.contains(&format!("name=\"{CSRF_FIELD}\""))
    });
    Some(named.then(|| value.to_owned()))
}

/// Identifies the actor and enforces CSRF; see the module documentation.
pub async fn authenticate(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let settings = &state.settings;
    let is_api = req.path().starts_with("/api/");
    let session_value = req.cookie(settings.session_cookie_name()).map(|c| c.value().to_owned());
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let credentials = match (bearer, session_value) {
        (Some(token), _) if is_api => Credentials::Bearer(token),
        (_, Some(cookie)) => Credentials::Session(cookie),
        _ => Credentials::None,
    };

    let lifetimes = settings.session_lifetimes();
    let now = state.clock.now_naive();
    let had_session_cookie = matches!(credentials, Credentials::Session(_));
    let via_bearer = matches!(credentials, Credentials::Bearer(_));
    let current: Option<CurrentUser> = match credentials {
        Credentials::None => None,
        Credentials::Session(cookie) => {
            let loaded: Result<Option<CurrentUser>, AppError> = state
                .db
                .run(move |conn| {
                    let Some(session) = sessions::find_live(conn, &cookie, lifetimes, now)? else { return Ok(None) };
                    let Some(user) = users::find(conn, session.user_id)? else { return Ok(None) };
                    if user.is_disabled() {
                        sessions::delete_all_for_user(conn, user.id, None)?;
                        return Ok(None);
                    }
                    Ok(load_principal(conn, user)?.map(|mut c| {
                        c.session = Some(session);
                        c
                    }))
                })
                .await;
            match loaded {
                Ok(c) => c,
                Err(e) => return Ok(req.error_response(e).map_into_boxed_body()),
            }
        }
        Credentials::Bearer(token) => {
            let loaded: Result<Option<CurrentUser>, AppError> = state
                .db
                .run(move |conn| {
                    let Some(t) = api_tokens::authenticate(conn, &token, now)? else { return Ok(None) };
                    let Some(user) = users::find(conn, t.user_id)? else { return Ok(None) };
                    Ok(load_principal(conn, user)?)
                })
                .await;
            match loaded {
                Ok(Some(c)) => Some(c),
                Ok(None) => return Ok(req.error_response(AppError::InvalidToken).map_into_boxed_body()),
                Err(e) => return Ok(req.error_response(e).map_into_boxed_body()),
            }
        }
    };

    // The token this request's forms carry, and the anonymous cookie it derives from if needed.
    let mut new_anon_cookie = None;
    let expected = match current.as_ref().and_then(|c| c.session.as_ref()) {
        Some(session) => session.csrf_token.clone(),
        None => {
            let anon = match req.cookie(settings.csrf_cookie_name()) {
                Some(c) if c.value().len() >= 32 => c.value().to_owned(),
                _ => {
                    let fresh = secret_token::generate();
                    new_anon_cookie = Some(fresh.clone());
                    fresh
                }
            };
            anonymous_csrf(state.secret.expose().as_bytes(), &anon)
        }
    };

    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    // What a page on another site could make a browser send: anything carrying our cookies, any
    // form to a page, and a form-encoded body even to the API. A cookie-less JSON (or body-less)
    // API call carries no ambient credential, and a bearer request authenticates itself.
    let has_cookies = req.headers().contains_key(header::COOKIE);
    let form_like = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|ct| {
        ct.starts_with("application/x-www-form-urlencoded")
            || ct.starts_with("multipart/form-data")
            || ct.starts_with("text/plain")
    });
    let browser_sendable = has_cookies || !is_api || form_like;
    if unsafe_method && !via_bearer && browser_sendable {
        let presented = presented_token(&mut req).await?;
        let genuine = presented.is_some_and(|p| secret_token::constant_time_eq(&p, &expected));
        let cross_site = req.headers().get("sec-fetch-site").is_some_and(|v| v.as_bytes() == b"cross-site");
        if !genuine || cross_site {
            tracing::warn!(path = %req.path(), "CSRF check failed");
            return Ok(req.error_response(AppError::CsrfFailed).map_into_boxed_body());
        }
    }

    let signed_in = current.is_some();
    let path = req.path().to_owned();
    req.extensions_mut().insert(Identity(current.map(Rc::new)));
    req.extensions_mut().insert(CsrfToken(expected));
    let mut res = next.call(req).await?.map_into_boxed_body();

    // Pages carry forms; the API and static files do not need the anonymous cookie.
    let wants_anon_cookie = !is_api && !path.starts_with("/static/");
    if let Some(value) = new_anon_cookie.filter(|_| wants_anon_cookie) {
        let cookie = Cookie::build(settings.csrf_cookie_name(), value)
            .path("/")
            .http_only(true)
            .secure(settings.is_https())
            .same_site(SameSite::Lax)
            .finish();
        let _ = res.response_mut().add_cookie(&cookie);
    }
    if had_session_cookie && !signed_in && res.response().cookies().all(|c| c.name() != settings.session_cookie_name())
    {
        // The cookie named a session that is over: forget it.
        let _ = res.response_mut().add_removal_cookie(&session_cookie(settings, String::new()));
    }
    Ok(res)
}

/// The session cookie carrying `value`.
pub fn session_cookie(settings: &crate::config::Settings, value: String) -> Cookie<'static> {
    Cookie::build(settings.session_cookie_name(), value)
        .path("/")
        .http_only(true)
        .secure(settings.is_https())
        .same_site(SameSite::Lax)
        .finish()
}

/// The client's address for rate limits: the TCP peer, or — behind a trusted reverse proxy — the
/// last `X-Forwarded-For` entry, the one that proxy appended (earlier entries are whatever the
/// client chose to send).
pub fn client_address(req: &HttpRequest, trust_proxy: bool) -> String {
    if trust_proxy
        && let Some(forwarded) = req.headers().get_all("x-forwarded-for").filter_map(|v| v.to_str().ok()).last()
        && let Some(last) = forwarded.rsplit(',').next().map(str::trim).filter(|a| !a.is_empty())
    {
        return last.to_owned();
    }
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "unknown".into())
}

/// Now, for handlers.
pub fn now(state: &AppState) -> chrono::DateTime<Utc> {
    state.clock.now()
}

impl FromRequest for CsrfToken {
    type Error = Error;
    type Future = std::future::Ready<Result<CsrfToken, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(Ok(req.extensions().get::<CsrfToken>().cloned().unwrap_or_default()))
    }
}

#[cfg(test)]
mod multipart_token_tests {
    use super::{multipart_boundary, token_in_first_part};

    #[test]
    fn the_boundary_is_read_from_the_content_type() {
        assert_eq!(multipart_boundary("multipart/form-data; boundary=abc").as_deref(), Some("abc"));
        assert_eq!(multipart_boundary("Multipart/Form-Data; charset=utf-8; boundary=\"x y\"").as_deref(), Some("x y"));
        assert_eq!(multipart_boundary("multipart/form-data"), None);
        assert_eq!(multipart_boundary("multipart/form-data; boundary="), None);
        assert_eq!(multipart_boundary("application/x-www-form-urlencoded; boundary=abc"), None);
    }

    #[test]
    fn the_token_is_the_first_part_once_it_is_complete() {
        let delimiter = "\r\n--b";
        let body = "--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\ntok-123\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF";
        assert_eq!(token_in_first_part(body.as_bytes(), delimiter), Some(Some("tok-123".to_owned())));
        // Cut before the first part ends: more bytes are needed.
        assert_eq!(token_in_first_part(&body.as_bytes()[..60], delimiter), None);
        // A file first: the first part is complete and is not the token.
        let file_first = "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nxx\r\n--b--\r\n";
        assert_eq!(token_in_first_part(file_first.as_bytes(), delimiter), Some(None));
        // A field whose name only ends like the token's is not the token.
        let other = "--b\r\nContent-Disposition: form-data; name=\"not_csrf_token\"\r\n\r\nv\r\n--b--";
        assert_eq!(token_in_first_part(other.as_bytes(), delimiter), Some(None));
    }
}
