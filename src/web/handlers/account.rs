//! The signed-in user's own account, and setting a password from a signed link.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::accounts;
use crate::domain::authz::Action;
use crate::domain::password::{self, NewPassword};
use crate::domain::signed_link::{self as link, LinkError, Purpose};
use crate::domain::users::{self, User};
use crate::domain::{api_tokens, organisations, sessions};
use crate::i18n::Lang;
use crate::views;
use crate::views::account::{ProfileView, SessionRow};
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{html, redirect};
use crate::web::error::AppError;
use crate::web::operations;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

/// Finds the user a token names and checks the token against their current password state.
async fn check_link(state: &AppState, token: &str) -> Result<Result<User, LinkError>, AppError> {
    let claims = match link::peek(token) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let user = state.db.run(move |conn| users::find(conn, claims.user_id).map_err(AppError::from)).await?;
    let Some(user) = user.filter(|u| !u.is_disabled()) else { return Ok(Err(LinkError::Invalid)) };
    let current = link::password_state(user.password_hash.as_deref());
    Ok(link::verify(state.secret.expose().as_bytes(), Purpose::SetPassword, token, state.clock.now(), &current)
        .map(|_| user))
}

fn link_refused(ctx: &Ctx, error: LinkError) -> HttpResponse {
    let (title, text) = match error {
        LinkError::Expired => ("link-expired-title", "link-expired-text"),
        LinkError::Invalid | LinkError::Malformed => ("link-invalid-title", "link-invalid-text"),
    };
    html(
        StatusCode::GONE,
        views::errors::notice(ctx, title, &ctx.t(text), Some(("/forgot-password", ctx.t("login-forgot")))),
    )
}

pub async fn set_password_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token.unwrap_or_default();
    Ok(match check_link(&state, &token).await? {
        Ok(user) => html(StatusCode::OK, views::auth::set_password(&ctx, &token, &user.email, &Errors::default())),
        Err(e) => link_refused(&ctx, e),
    })
}

pub async fn set_password(
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<SetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let user = match check_link(&state, &form.token).await? {
        Ok(user) => user,
        Err(e) => return Ok(link_refused(&ctx, e)),
    };
    let new_password = match NewPassword::parse(&form.password, &form.password_confirm) {
        Ok(p) => p,
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("password", ctx.t(e.message_key()));
            let view = views::auth::set_password(&ctx, &form.token, &user.email, &errors);
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view));
        }
    };
    let hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let now = state.clock.now();
    let stored = state
        .db
        .run(move |conn| accounts::set_password_from_link(conn, &user, &hash, now).map_err(AppError::internal))
        .await?;
    if !stored {
        // Another request used the same link first.
        return Ok(link_refused(&ctx, LinkError::Invalid));
    }
    Ok(html(
        StatusCode::OK,
        views::errors::notice(
            &ctx,
            "set-password-done-title",
            &ctx.t("set-password-done-text"),
            Some(("/login", ctx.t("nav-sign-in"))),
        ),
    ))
}

#[derive(Deserialize, Default)]
pub struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    sent: Option<String>,
}

async fn render_profile(
    state: &AppState,
    ctx: &Ctx,
    user: &User,
    errors: &Errors,
    saved: bool,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (id, org_id) = (user.id, user.organisation_id);
    let (roles, organisation) = state
        .db
        .run(move |conn| {
            let roles = users::roles(conn, id)?;
            let org = match org_id {
                Some(o) => organisations::find(conn, o)?,
                None => None,
            };
            Ok::<_, AppError>((roles, org))
        })
        .await?;
    let view = ProfileView {
        email: &user.email,
        name: &user.display_name,
        locale: &user.locale,
        verified: user.is_verified(),
        roles: roles.iter().map(|r| ctx.t(&format!("role-{}", r.as_str()))).collect(),
        organisation: organisation.as_ref().map(|o| o.legal_name.as_str()),
        saved,
    };
    Ok(html(status, views::account::profile(ctx, &view, errors)))
}

pub async fn profile(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ViewOwnAccount)?;
    let mut ctx = ctx;
    if query.sent.is_some() {
        ctx.path = "/account".into();
    }
    render_profile(
        &state,
        &ctx,
        &current.user,
        &Errors::default(),
        query.saved.is_some() || query.sent.is_some(),
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    locale: String,
}

pub async fn update_profile(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<ProfileForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::UpdateOwnProfile)?;
    let mut errors = Errors::default();
    let name = accounts::parse_name(&form.name);
    if name.is_none() {
        errors.add("name", ctx.t("error-name"));
    }
    let lang = Lang::from_code(&form.locale);
    if lang.is_none() {
        errors.add("locale", ctx.t("error-locale"));
    }
    let (Some(name), Some(lang)) = (name, lang) else {
        return render_profile(&state, &ctx, &current.user, &errors, false, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    let user = current.user.clone();
    let now = state.clock.now();
    state.db.run(move |conn| accounts::update_profile(conn, &user, &name, lang, now).map_err(AppError::from)).await?;
    Ok(redirect("/account?saved=1"))
}

pub async fn password_form(
    ctx: Ctx,
    identity: Identity,
    query: web::Query<SavedQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ChangeOwnPassword)?;
    Ok(html(StatusCode::OK, views::account::change_password(&ctx, &Errors::default(), query.saved.is_some())))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn change_password(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<PasswordForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ChangeOwnPassword)?;
    let form = form.into_inner();
    let mut errors = Errors::default();
    // Guessing the current password here is no easier than at sign-in: same bucket, same limit.
    let bucket = crate::domain::rate_limit::account_bucket("login", &current.user.email);
    crate::web::ctx::rate_check(&state, bucket.clone(), crate::domain::rate_limit::LOGIN_FAILURES_PER_ACCOUNT).await?;
    let stored = current.user.password_hash.clone().unwrap_or_default();
    let typed = form.current_password.clone();
    let current_ok = web::block(move || password::verify(&typed, &stored)).await.map_err(AppError::internal)?;
    if !current_ok {
        crate::web::ctx::rate_limit(&state, bucket, crate::domain::rate_limit::LOGIN_FAILURES_PER_ACCOUNT).await?;
        errors.add("current_password", ctx.t("error-current-password"));
    }
    let new_password = match NewPassword::parse(&form.password, &form.password_confirm) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("password", ctx.t(e.message_key()));
            None
        }
    };
    let Some(new_password) = new_password.filter(|_| errors.is_empty()) else {
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::account::change_password(&ctx, &errors, false)));
    };
    let hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let user = current.user.clone();
    let keep = current.session.as_ref().map(|s| s.id_hash.clone());
    let now = state.clock.now();
    state
        .db
        .run(move |conn| {
            accounts::change_password(conn, &user, &hash, keep.as_deref(), now).map_err(AppError::internal)
        })
        .await?;
    Ok(redirect("/account/password?saved=1"))
}

pub async fn sessions_page(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnSessions)?;
    let (id, now, lifetimes) = (current.user.id, state.clock.now_naive(), state.settings.session_lifetimes());
    let list =
        state.db.run(move |conn| sessions::list_for_user(conn, id, lifetimes, now).map_err(AppError::from)).await?;
    let mine = current.session.as_ref().map(|s| s.id_hash.clone()).unwrap_or_default();
    let rows: Vec<SessionRow> = list
        .into_iter()
        .map(|s| SessionRow {
            // Only a prefix of the stored hash identifies the row: enough to end it, useless to sign in.
            id: s.id_hash.chars().take(16).collect(),
            current: s.id_hash == mine,
            user_agent: if s.user_agent.is_empty() { "—".into() } else { s.user_agent },
            created_at: s.created_at,
            last_seen_at: s.last_seen_at,
        })
        .collect();
    Ok(html(StatusCode::OK, views::account::sessions(&ctx, &rows)))
}

pub async fn end_session(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnSessions)?;
    let (user_id, now, prefix) = (current.user.id, state.clock.now_naive(), id.into_inner());
    let lifetimes = state.settings.session_lifetimes();
    if prefix.len() != 16 {
        return Err(AppError::NotFound);
    }
    let ended = state
        .db
        .run(move |conn| sessions::end_for_user(conn, user_id, &prefix, lifetimes, now).map_err(AppError::from))
        .await?;
    if !ended {
        return Err(AppError::NotFound);
    }
    Ok(redirect("/account/sessions"))
}

pub async fn tokens_page(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnTokens)?;
    let rows = operations::account::tokens(&state, &current.user).await?;
    Ok(html(StatusCode::OK, views::account::tokens(&ctx, &rows, None, &Errors::default(), "")))
}

#[derive(Deserialize)]
pub struct TokenNameForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<TokenNameForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnTokens)?;
    let Some(name) = api_tokens::parse_name(&form.name) else {
        let mut errors = Errors::default();
        errors.add("name", ctx.t("error-token-name"));
        let rows = operations::account::tokens(&state, &current.user).await?;
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::account::tokens(&ctx, &rows, None, &errors, &form.name),
        ));
    };
    let secret = operations::account::create_token_for(&state, &current.user, name).await?.1;
    let rows = operations::account::tokens(&state, &current.user).await?;
    // Shown once, on this response only; never stored in clear.
    Ok(html(StatusCode::OK, views::account::tokens(&ctx, &rows, Some(&secret), &Errors::default(), "")))
}

pub async fn revoke_token(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    operations::account::revoke_token(&state, &identity, id.into_inner()).await?;
    Ok(redirect("/account/tokens"))
}

/// "My data": the export to download and the way to the erasure.
pub async fn data_page(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ExportOwnData)?;
    let blockers = operations::account::erasure_blockers(&state, &identity).await?;
    Ok(html(StatusCode::OK, views::account::my_data(&ctx, &blockers)))
}

/// Everything the platform holds about the signed-in user, as a JSON download.
pub async fn data_download(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let (id, file) = operations::account::export_own_data(&state, &identity).await?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/json")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"my-data-{}.json\"", id.0),
        ));
    Ok(crate::web::ctx::stream_file(response, file))
}

/// The erasure's confirmation page, or its refusal with the way out.
pub async fn erase_page(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::EraseOwnAccount)?;
    let blockers = operations::account::erasure_blockers(&state, &identity).await?;
    Ok(html(
        StatusCode::OK,
        views::account::erase_confirmation(&ctx, &current.user.email, &blockers, &Errors::default()),
    ))
}

#[derive(Deserialize)]
pub struct EraseForm {
    #[serde(default)]
    password: String,
}

/// Erases the account once the password is checked; signs out (every session has ended).
pub async fn erase(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<EraseForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::EraseOwnAccount)?;
    let email = current.user.email.clone();
    let blockers = operations::account::erasure_blockers(&state, &identity).await?;
    if !blockers.is_empty() {
        let view = views::account::erase_confirmation(&ctx, &email, &blockers, &Errors::default());
        return Ok(html(StatusCode::CONFLICT, view));
    }
    match operations::account::erase_own_account(&state, &identity, form.into_inner().password).await? {
        operations::account::Erasure::WrongPassword => {
            let mut errors = Errors::default();
            errors.add("password", ctx.t("erase-wrong-password"));
            let view = views::account::erase_confirmation(&ctx, &email, &[], &errors);
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view))
        }
        operations::account::Erasure::Done(_) => {
            let mut response = redirect("/account/erased");
            response
                .add_removal_cookie(&crate::web::auth::session_cookie(&state.settings, String::new()))
                .map_err(AppError::internal)?;
            Ok(response)
        }
    }
}

/// The last page of an erased account (anyone may read it: it names no one).
pub async fn erased(ctx: Ctx) -> HttpResponse {
    html(
        StatusCode::OK,
        views::errors::notice(&ctx, "erased-title", &ctx.t("erased-text"), Some(("/", ctx.t("erased-home")))),
    )
}
