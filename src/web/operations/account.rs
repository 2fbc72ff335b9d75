//! One's own account: the personal API tokens, created and revoked the same way from the
//! tokens page and the API.

use crate::db::ids::ApiTokenId;
use crate::domain::api_tokens;
use crate::domain::users::User;
use crate::web::AppState;
use crate::web::error::AppError;

/// Creates a token and records it in the audit log.
pub async fn create_token_for(state: &AppState, user: &User, name: String) -> Result<(ApiTokenId, String), AppError> {
    let (user, now) = (user.clone(), state.clock.now_naive());
    state.db.run(move |conn| api_tokens::create(conn, &user, &name, now).map_err(AppError::from)).await
}

/// Revokes one of the user's tokens and records it.
pub async fn revoke_token_for(state: &AppState, user: &User, id: ApiTokenId) -> Result<(), AppError> {
    let (user, now) = (user.clone(), state.clock.now_naive());
    let revoked = state.db.run(move |conn| api_tokens::revoke(conn, &user, id, now).map_err(AppError::from)).await?;
    if revoked { Ok(()) } else { Err(AppError::NotFound) }
}
