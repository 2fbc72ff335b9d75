//! One's own account: the personal API tokens, created and revoked the same way from the
//! tokens page and the API; one's own data, exported and erased from the account pages and the API.

use crate::db::ids::ApiTokenId;
use crate::domain::api_tokens;
use crate::domain::authz::Action;
use crate::domain::personal_data::{self, Blocker, Erased};
use crate::domain::users::User;
use crate::domain::{password, rate_limit};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{rate_check, rate_limit as rate_limit_hit};
use crate::web::error::AppError;

/// The user's tokens, newest first (never their secret).
pub async fn tokens(state: &AppState, user: &User) -> Result<Vec<api_tokens::ApiToken>, AppError> {
    let id = user.id;
    state.db.run(move |conn| api_tokens::list_for_user(conn, id).map_err(AppError::from)).await
}

/// Creates a token and records it in the audit log.
pub async fn create_token_for(state: &AppState, user: &User, name: String) -> Result<(ApiTokenId, String), AppError> {
    let (user, now) = (user.clone(), state.clock.now_naive());
    state.db.run(move |conn| api_tokens::create(conn, &user, &name, now).map_err(AppError::from)).await
}

/// Revokes one of the signed-in user's own tokens and records it; another's is not found.
pub async fn revoke_token(state: &AppState, identity: &Identity, id: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageOwnTokens)?;
    let (user, now, id) = (current.user.clone(), state.clock.now_naive(), ApiTokenId(id));
    let revoked = state.db.run(move |conn| api_tokens::revoke(conn, &user, id, now).map_err(AppError::from)).await?;
    if revoked { Ok(()) } else { Err(AppError::NotFound) }
}

/// Everything the platform holds about the signed-in user (`domain::personal_data::export`).
pub async fn export_own_data(state: &AppState, identity: &Identity) -> Result<serde_json::Value, AppError> {
    let current = identity.authorize(Action::ExportOwnData)?;
    let (id, now) = (current.user.id, state.clock.now_naive());
    state.db.run(move |conn| personal_data::export(conn, id, now).map_err(AppError::from)).await
}

/// What stands in the way of erasing the signed-in user's account (empty: nothing).
pub async fn erasure_blockers(state: &AppState, identity: &Identity) -> Result<Vec<Blocker>, AppError> {
    let current = identity.authorize(Action::EraseOwnAccount)?;
    let user = current.user.clone();
    state.db.run(move |conn| personal_data::blockers(conn, &user).map_err(AppError::from)).await
}

/// The outcome of an erasure asked with a password.
pub enum Erasure {
    Done(Erased),
    /// The password typed is not the account's: nothing changed.
    WrongPassword,
}

/// Erases the signed-in user's account once their password is checked (with the sign-in's
/// limit on guesses); a blocker refuses it with its way out (`ErasureError::Blocked`).
pub async fn erase_own_account(state: &AppState, identity: &Identity, typed: String) -> Result<Erasure, AppError> {
    let current = identity.authorize(Action::EraseOwnAccount)?;
    let bucket = rate_limit::account_bucket("login", &current.user.email);
    rate_check(state, bucket.clone(), rate_limit::LOGIN_FAILURES_PER_ACCOUNT).await?;
    let stored = current.user.password_hash.clone().unwrap_or_default();
    let ok = actix_web::web::block(move || !stored.is_empty() && password::verify(&typed, &stored))
        .await
        .map_err(AppError::internal)?;
    if !ok {
        rate_limit_hit(state, bucket, rate_limit::LOGIN_FAILURES_PER_ACCOUNT).await?;
        return Ok(Erasure::WrongPassword);
    }
    let (user, now) = (current.user.clone(), state.clock.now_naive());
    let erased = state.db.run(move |conn| personal_data::erase(conn, &user, now).map_err(AppError::from)).await?;
    Ok(Erasure::Done(erased))
}
