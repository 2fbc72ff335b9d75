//! A supplier organisation's members, for the pages and the API alike: inviting, removing,
//! handing over ownership; and the accounts domain's refusals as HTTP errors.

use crate::db::ids::{OrganisationId, UserId};
use crate::domain::accounts;
use crate::domain::email::Email;
use crate::domain::organisations;
use crate::web::AppState;
use crate::web::auth::CurrentUser;
use crate::web::error::AppError;

/// The owner invites a colleague by e-mail.
pub async fn invite_member(
    state: &AppState,
    current: &CurrentUser,
    org_id: OrganisationId,
    email: Email,
) -> Result<(), AppError> {
    // At most 20 invitations an hour per organisation: each sends a mail to an address of the
    // owner's choosing. Counted before anything is stored; a refusal is a 429 with Retry-After.
    crate::web::ctx::rate_limit(
        state,
        format!("invite:org:{}", org_id.0),
        crate::domain::rate_limit::INVITATIONS_PER_ORGANISATION,
    )
    .await?;
    let (owner, now) = (current.user.clone(), state.clock.now());
    let st = state.secret.clone();
    let public_url = state.settings.public_url.clone();
    state
        .db
        .run(move |conn| {
            let org = organisations::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            let links = accounts::Links { secret: st.expose().as_bytes(), public_url: &public_url };
            accounts::invite_member(conn, &owner, &org, &email, links, now).map(|_| ()).map_err(AppError::from)
        })
        .await
}

/// The owner removes a member from the organisation.
pub async fn remove_member(
    state: &AppState,
    current: &CurrentUser,
    org_id: OrganisationId,
    member: UserId,
) -> Result<(), AppError> {
    let (owner, now) = (current.user.clone(), state.clock.now());
    state.db.run(move |conn| accounts::remove_member(conn, &owner, org_id, member, now).map_err(AppError::from)).await
}

/// The owner hands ownership to a verified member.
pub async fn transfer_ownership(
    state: &AppState,
    current: &CurrentUser,
    org_id: OrganisationId,
    member: UserId,
) -> Result<(), AppError> {
    let (owner, now) = (current.user.clone(), state.clock.now());
    state
        .db
        .run(move |conn| accounts::transfer_ownership(conn, &owner, org_id, member, now).map_err(AppError::from))
        .await
}
