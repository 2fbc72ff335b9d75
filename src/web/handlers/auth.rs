//! Registration, e-mail verification, sign-in and out, forgotten password.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::domain::accounts::{self, AccountError, Registered, Registration, SignIn, Verified};
use crate::domain::email::Email;
use crate::domain::organisations::{self, IdentifierType, LegalIdentifier, NewOrganisation, OrganisationSize};
use crate::domain::password::{self, NewPassword};
use crate::domain::rate_limit::{self, LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS};
use crate::domain::signed_link::LinkError;
use crate::domain::{sessions, users};
use crate::views;
use crate::views::auth::RegisterValues;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::{Identity, client_address, session_cookie};
use crate::web::ctx::{html, is_local_path, links, rate_check, rate_limit, redirect};
use crate::web::error::AppError;

pub async fn register_form(ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    if identity.user().is_some() {
        return Ok(redirect("/work"));
    }
    Ok(html(StatusCode::OK, views::auth::register(&ctx, &RegisterValues::default(), &Errors::default())))
}

/// Parses the registration form; every problem is reported next to its field.
fn parse_registration(ctx: &Ctx, v: &RegisterValues) -> Result<(NewOrganisation, String, Email, NewPassword), Errors> {
    let mut errors = Errors::default();
    let legal_name = v.legal_name.trim().to_owned();
    if legal_name.is_empty() || legal_name.chars().count() > 200 {
        errors.add("legal_name", ctx.t("error-legal-name"));
    }
    let identifier = match IdentifierType::parse(&v.identifier_type) {
        None => {
            errors.add("identifier_type", ctx.t("error-identifier-type"));
            None
        }
        Some(kind) => match LegalIdentifier::parse(kind, &v.identifier) {
            Ok(id) => Some(id),
            Err(e) => {
                errors.add("identifier", ctx.t(e.message_key()));
                None
            }
        },
    };
    let address = v.address.trim().to_owned();
    if address.is_empty() || address.chars().count() > 300 {
        errors.add("address", ctx.t("error-address"));
    }
    let country = v.country.trim().to_uppercase();
    let country = if country.is_empty() { "FR".to_owned() } else { country };
    if country.len() != 2 || !country.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add("country", ctx.t("error-country"));
    }
    const EU: [&str; 27] = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT", "LU",
        "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];
    if v.identifier_type == "other" && EU.contains(&country.as_str()) {
        errors.add("identifier_type", ctx.t("error-identifier-other-eu"));
    }
    let postcode = v.postcode.trim().to_owned();
    if !organisations::valid_postcode(&country, &postcode) {
        errors.add("postcode", ctx.t("error-postcode"));
    }
    let size = OrganisationSize::parse(&v.size);
    if size.is_none() {
        errors.add("size", ctx.t("error-size"));
    }
    let sectors = organisations::parse_sectors(&v.sectors);
    if sectors.is_none() {
        errors.add("sectors", ctx.t("error-sectors"));
    }
    let name = accounts::parse_name(&v.name);
    if name.is_none() {
        errors.add("name", ctx.t("error-name"));
    }
    let email = Email::parse(&v.email).map_err(|_| ()).ok();
    if email.is_none() {
        errors.add("email", ctx.t("error-email"));
    }
    let new_password = match NewPassword::parse(&v.password, &v.password_confirm) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("password", ctx.t(e.message_key()));
            None
        }
    };
    match (identifier, size, sectors, name, email, new_password) {
        (Some(identifier), Some(size), Some(sectors), Some(name), Some(email), Some(password)) if errors.is_empty() => {
            let org = NewOrganisation {
                legal_name,
                identifier,
                address,
                postcode,
                country,
                size,
                social_economy: v.social_economy.is_some(),
                sectors,
            };
            Ok((org, name, email, password))
        }
        _ => Err(errors),
    }
}

pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<RegisterValues>,
) -> Result<HttpResponse, AppError> {
    identity.authorize_anonymous(crate::domain::authz::Action::Register)?;
    let address = client_address(&req, state.settings.trust_proxy);
    rate_limit(&state, format!("register:ip:{address}"), rate_limit::REGISTER_PER_ADDRESS).await?;
    let values = form.into_inner();
    let (organisation, name, email, password) = match parse_registration(&ctx, &values) {
        Ok(parsed) => parsed,
        Err(errors) => {
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::auth::register(&ctx, &values, &errors)));
        }
    };
    let hash =
        web::block(move || password::hash(&password)).await.map_err(AppError::internal)?.map_err(AppError::internal)?;
    let registration = Registration { organisation, name, email, password_hash: hash, lang: ctx.lang };
    let now = state.clock.now();
    let st = state.clone();
    let outcome =
        state.db.run(move |conn| Ok::<_, AppError>(accounts::register(conn, &registration, links(&st), now))).await?;
    match outcome {
        Ok(Registered::New(_) | Registered::AddressAlreadyKnown) => Ok(html(
            StatusCode::OK,
            views::errors::notice(
                &ctx,
                "register-done-title",
                &ctx.t("register-done-text"),
                Some(("/login", ctx.t("nav-sign-in"))),
            ),
        )),
        Err(AccountError::IdentifierTaken) => {
            let mut errors = Errors::default();
            errors.add("identifier", ctx.t("error-identifier-taken"));
            Ok(html(StatusCode::CONFLICT, views::auth::register(&ctx, &values, &errors)))
        }
        Err(e) => Err(AppError::internal(e)),
    }
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Shows a button: following a link (or a mail scanner fetching it) changes nothing.
pub async fn verify_page(ctx: Ctx, query: web::Query<TokenQuery>) -> HttpResponse {
    html(StatusCode::OK, views::auth::verify(&ctx, &query.token))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
}

pub async fn verify(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req, state.settings.trust_proxy);
    rate_limit(&state, format!("verify:ip:{address}"), rate_limit::VERIFY_PER_ADDRESS).await?;
    let token = form.into_inner().token;
    let now = state.clock.now();
    let st = state.clone();
    let outcome =
        state.db.run(move |conn| Ok::<_, AppError>(accounts::verify_email(conn, &token, links(&st), now))).await?;
    let sign_in = Some(("/login", ctx.t("nav-sign-in")));
    Ok(match outcome {
        Ok(Verified::Now(_)) => {
            html(StatusCode::OK, views::errors::notice(&ctx, "verify-done-title", &ctx.t("verify-done-text"), sign_in))
        }
        Ok(Verified::Already) => html(
            StatusCode::OK,
            views::errors::notice(&ctx, "verify-already-title", &ctx.t("verify-already-text"), sign_in),
        ),
        Err(AccountError::Link(LinkError::Expired)) => html(
            StatusCode::GONE,
            views::errors::notice(&ctx, "link-expired-title", &ctx.t("verify-expired-text"), sign_in),
        ),
        Err(AccountError::Link(_)) => html(
            StatusCode::GONE,
            views::errors::notice(&ctx, "link-invalid-title", &ctx.t("verify-invalid-text"), sign_in),
        ),
        Err(e) => return Err(AppError::internal(e)),
    })
}

pub async fn resend_verification(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(crate::domain::authz::Action::ResendVerification)?;
    let user = current.user.clone();
    rate_limit(&state, format!("verify-resend:user:{}", user.id), rate_limit::VERIFY_RESEND_PER_ACCOUNT).await?;
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .run(move |conn| accounts::resend_verification(conn, &user, links(&st), now).map_err(AppError::internal))
        .await?;
    Ok(redirect("/account?sent=1"))
}

#[derive(Deserialize)]
pub struct NextQuery {
    #[serde(default)]
    next: String,
}

pub async fn login_form(ctx: Ctx, identity: Identity, query: web::Query<NextQuery>) -> HttpResponse {
    if identity.user().is_some() {
        return redirect("/work");
    }
    html(StatusCode::OK, views::auth::login(&ctx, "", &query.next, false))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// A hash of a random password, checked against when the address is unknown, so that unknown
/// and known addresses take the same time to refuse.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let random = crate::domain::secret_token::generate();
        NewPassword::parse(&random, &random).ok().and_then(|p| password::hash(&p).ok()).unwrap_or_default()
    })
}

pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let address = client_address(&req, state.settings.trust_proxy);
    let typed = form.email.trim().to_lowercase();
    let address_bucket = format!("login:ip:{address}");
    rate_check(&state, address_bucket.clone(), LOGIN_FAILURES_PER_ADDRESS).await?;
    // Reserve the attempt on the account's bucket before checking the password, so parallel
    // guesses cannot all slip under the limit; a success clears the bucket.
    let account_bucket = rate_limit::account_bucket("login", &typed);
    rate_limit(&state, account_bucket.clone(), LOGIN_FAILURES_PER_ACCOUNT).await?;

    let user = match Email::parse(&typed) {
        Ok(email) => state.db.run(move |conn| users::find_by_email(conn, &email).map_err(AppError::from)).await?,
        Err(_) => None,
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = form.password;
    let matches = web::block(move || match stored {
        Some(hash) => password::verify(&password, &hash),
        None => {
            let _ = password::verify(&password, dummy_hash());
            false
        }
    })
    .await
    .map_err(AppError::internal)?;
    let now = state.clock.now();
    let lifetimes = state.settings.session_lifetimes();
    let user_agent = req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let email = typed.clone();
    let opened = state
        .db
        .run(move |conn| {
            let attempt = SignIn {
                email: &email,
                known: user.as_ref(),
                password_ok: matches,
                user_agent: &user_agent,
                account_bucket: &account_bucket,
                address_bucket: &address_bucket,
            };
            accounts::sign_in(conn, &attempt, lifetimes, now).map_err(AppError::from)
        })
        .await?;
    match opened {
        Some(token) => {
            let next = if is_local_path(&form.next) { form.next.as_str() } else { "/work" };
            let mut response = redirect(next);
            response.add_cookie(&session_cookie(&state.settings, token)).map_err(AppError::internal)?;
            Ok(response)
        }
        None => Ok(html(StatusCode::UNAUTHORIZED, views::auth::login(&ctx, &typed, &form.next, true))),
    }
}

pub async fn logout(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    if let Some(session) = identity.user().and_then(|u| u.session.clone()) {
        state.db.run(move |conn| sessions::delete(conn, &session.id_hash).map_err(AppError::from)).await?;
    }
    let mut response = redirect("/");
    response.add_removal_cookie(&session_cookie(&state.settings, String::new())).map_err(AppError::internal)?;
    Ok(response)
}

pub async fn logout_everywhere(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(crate::domain::authz::Action::ManageOwnSessions)?;
    let (user, now) = (current.user.clone(), state.clock.now());
    state.db.run(move |conn| accounts::sign_out_everywhere(conn, &user, now).map_err(AppError::from)).await?;
    let mut response = redirect("/login");
    response.add_removal_cookie(&session_cookie(&state.settings, String::new())).map_err(AppError::internal)?;
    Ok(response)
}

pub async fn forgot_form(ctx: Ctx) -> HttpResponse {
    html(StatusCode::OK, views::auth::forgot(&ctx, "", &Errors::default()))
}

#[derive(Deserialize)]
pub struct ForgotForm {
    #[serde(default)]
    email: String,
}

pub async fn forgot(
    req: HttpRequest,
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<ForgotForm>,
) -> Result<HttpResponse, AppError> {
    let address = client_address(&req, state.settings.trust_proxy);
    rate_limit(&state, format!("reset:ip:{address}"), rate_limit::RESET_PER_ADDRESS).await?;
    let Ok(email) = Email::parse(&form.email) else {
        let mut errors = Errors::default();
        errors.add("email", ctx.t("error-email"));
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::auth::forgot(&ctx, &form.email, &errors)));
    };
    // Counted per address typed, known or not, so the answer never differs.
    rate_limit(&state, rate_limit::account_bucket("reset", email.as_str()), rate_limit::RESET_PER_ACCOUNT).await?;
    let now = state.clock.now();
    let st = state.clone();
    state
        .db
        .run(move |conn| accounts::request_reset(conn, &email, links(&st), now).map_err(AppError::internal))
        .await?;
    Ok(html(StatusCode::OK, views::errors::notice(&ctx, "forgot-done-title", &ctx.t("forgot-done-text"), None)))
}
