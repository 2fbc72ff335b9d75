//! One's own account: the personal API tokens, created and revoked the same way from the
//! tokens page and the API; one's own data, exported and erased from the account pages and the API.

use crate::db::ids::{ApiTokenId, UserId};
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

/// Everything the platform holds about the signed-in user (`domain::personal_data::export_to`),
/// written to a spool file that the response then streams: the database connection is given back
/// as soon as the document is written, whatever the speed of the client, and the server holds one
/// page of rows at a time, whatever the size of the person's history. The file has no name on disk
/// (removed once open), so nothing is left behind, not even after a crash mid-download.
pub async fn export_own_data(state: &AppState, identity: &Identity) -> Result<(UserId, std::fs::File), AppError> {
    let current = identity.authorize(Action::ExportOwnData)?;
    let (id, now) = (current.user.id, state.clock.now_naive());
    let dir = state.settings.data_dir.join("exports");
    state
        .db
        .run(move |conn| {
            let failed = |e: std::io::Error| AppError::Internal(format!("personal data export: {e}"));
            let file = spool_file(&dir).map_err(failed)?;
            let mut out = std::io::BufWriter::with_capacity(64 * 1024, file);
            personal_data::export_to(conn, id, now, &mut out).map_err(|e| match e {
                personal_data::ExportError::Db(e) => AppError::from(e),
                personal_data::ExportError::Io(e) => failed(e),
            })?;
            let mut file = out.into_inner().map_err(|e| failed(e.into_error()))?;
            std::io::Seek::rewind(&mut file).map_err(failed)?;
            Ok((id, file))
        })
        .await
}

/// A new file in `dir`, open for reading and writing, whose name is removed at once.
fn spool_file(dir: &std::path::Path) -> std::io::Result<std::fs::File> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!(".spool-{}", hex::encode(rand::random::<[u8; 12]>())));
    let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path)?;
    std::fs::remove_file(&path)?;
    Ok(file)
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
