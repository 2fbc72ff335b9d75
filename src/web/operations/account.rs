//! One's own account: the personal API tokens, created and revoked the same way from the
//! tokens page and the API.

use crate::db::ids::ApiTokenId;
use crate::domain::api_tokens;
use crate::domain::authz::Action;
use crate::domain::users::User;
use crate::web::AppState;
use crate::web::auth::Identity;
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
