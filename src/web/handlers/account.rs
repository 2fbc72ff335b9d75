//! `GET|POST /account/set-password`: a user sets their password from a signed, single-use link.
//! The link is the capability: it is unguessable and dies once used, so it also guards the form
//! against cross-site submission.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::password::{self, NewPassword, PasswordError};
use crate::domain::signed_link::{self as link, LinkError};
use crate::domain::users::{self, User};
use crate::i18n::Lang;
use crate::views;
use crate::web::AppState;
use crate::web::error::AppError;

#[derive(Deserialize)]
pub struct TokenQuery {
    token: Option<String>,
}

#[derive(Deserialize)]
pub struct SetPasswordForm {
    token: String,
    password: String,
    password_confirm: String,
}

fn html(status: StatusCode, markup: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(markup.into_string())
}

/// Finds the user a token names and checks the token against their current password state.
async fn check_link(state: &AppState, token: &str) -> Result<Result<User, LinkError>, AppError> {
    let claims = match link::peek(token) {
        Ok(c) => c,
        Err(e) => return Ok(Err(e)),
    };
    let user = state.db.run(move |conn| users::find(conn, claims.user_id).map_err(AppError::from)).await?;
    let Some(user) = user.filter(|u| u.disabled_at.is_none()) else { return Ok(Err(LinkError::Invalid)) };
    let current = link::password_state(user.password_hash.as_deref());
    Ok(link::verify(state.secret.expose().as_bytes(), link::Purpose::SetPassword, token, state.clock.now(), &current)
        .map(|_| user))
}

fn link_refused(lang: Lang, error: LinkError) -> HttpResponse {
    let (title, text) = match error {
        LinkError::Expired => ("link-expired-title", "link-expired-text"),
        LinkError::Invalid | LinkError::Malformed => ("link-invalid-title", "link-invalid-text"),
    };
    html(StatusCode::GONE, views::account::notice(lang, title, text, "/account/set-password"))
}

pub async fn form(
    state: web::Data<AppState>,
    lang: Lang,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = query.into_inner().token.unwrap_or_default();
    Ok(match check_link(&state, &token).await? {
        Ok(user) => html(StatusCode::OK, views::account::set_password_form(lang, &token, &user.email, None)),
        Err(e) => link_refused(lang, e),
    })
}

pub async fn submit(
    state: web::Data<AppState>,
    lang: Lang,
    form: web::Form<SetPasswordForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let user = match check_link(&state, &form.token).await? {
        Ok(user) => user,
        Err(e) => return Ok(link_refused(lang, e)),
    };
    let new_password = match NewPassword::parse(&form.password, &form.password_confirm) {
        Ok(p) => p,
        Err(e) => {
            let key = match e {
                PasswordError::TooShort => "password-error-too-short",
                PasswordError::TooLong => "password-error-too-long",
                PasswordError::Mismatch => "password-error-mismatch",
            };
            let view = views::account::set_password_form(lang, &form.token, &user.email, Some(lang.t(key)));
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view));
        }
    };
    let hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let expected = link::password_state(user.password_hash.as_deref());
    let now = state.clock.now_naive();
    let stored = state
        .db
        .run(move |conn| users::set_password_if_unchanged(conn, user.id, &expected, &hash, now).map_err(AppError::from))
        .await?;
    if !stored {
        // Another request used the same link first.
        return Ok(link_refused(lang, LinkError::Invalid));
    }
    tracing::info!(user_id = %user.id, "password set from a signed link");
    Ok(html(
        StatusCode::OK,
        views::account::notice(lang, "set-password-done-title", "set-password-done-text", "/account/set-password"),
    ))
}
