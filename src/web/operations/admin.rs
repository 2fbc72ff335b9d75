//! Administration, for the pages and the API alike: users and their roles, staff invitations,
//! disabling accounts, and the audit log.

use crate::db::ids::{AuditEntryId, UserId};
use crate::domain::accounts::{self, StaffInvite};
use crate::domain::audit::{self, AuditFilter};
use crate::domain::authz::Action;
use crate::domain::email::Email;
use crate::domain::users::{self, Role};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::error::AppError;

/// Users a page lists.
pub const USERS_PAGE: i64 = 50;
/// Audit entries a page lists.
pub const AUDIT_PAGE: i64 = 50;

/// A page of users matching `query`, with their roles, and whether more follow.
pub async fn list_users(
    state: &AppState,
    query: &str,
    page: i64,
) -> Result<(Vec<(users::User, Vec<Role>)>, bool), AppError> {
    let (q, offset) = (query.to_owned(), (page.clamp(1, 100_000) - 1) * USERS_PAGE);
    state
        .db
        .run(move |conn| {
            let mut list = users::search(conn, Some(&q), USERS_PAGE + 1, offset)?;
            let has_more = list.len() as i64 > USERS_PAGE;
            list.truncate(USERS_PAGE as usize);
            let ids: Vec<UserId> = list.iter().map(|u| u.id).collect();
            let roles = users::roles_of(conn, &ids)?;
            let with_roles = list
                .into_iter()
                .map(|u| {
                    let r = roles.iter().filter(|(id, _)| *id == u.id).map(|(_, r)| *r).collect();
                    (u, r)
                })
                .collect();
            Ok::<_, AppError>((with_roles, has_more))
        })
        .await
}

/// Invites a staff member, who receives a set-password link by e-mail.
pub async fn invite_staff(
    state: &AppState,
    admin: &CurrentUser,
    email: Email,
    name: String,
    roles: Vec<Role>,
    lang: crate::i18n::Lang,
) -> Result<UserId, AppError> {
    let (admin, now) = (admin.user.clone(), state.clock.now());
    let st = state.secret.clone();
    let public_url = state.settings.public_url.clone();
    state
        .db
        .run(move |conn| {
            let links = accounts::Links { secret: st.expose().as_bytes(), public_url: &public_url };
            let invite = StaffInvite { email: &email, name: &name, roles: &roles, lang };
            accounts::invite_staff(conn, &admin, &invite, links, now).map_err(AppError::from)
        })
        .await
}

/// Replaces a user's roles.
pub async fn change_roles(
    state: &AppState,
    admin: &CurrentUser,
    target: UserId,
    roles: Vec<Role>,
) -> Result<(), AppError> {
    let (admin, now) = (admin.user.clone(), state.clock.now());
    state.db.run(move |conn| accounts::change_roles(conn, &admin, target, &roles, now).map_err(AppError::from)).await
}

/// Disables or enables an account.
pub async fn set_disabled(
    state: &AppState,
    admin: &CurrentUser,
    target: UserId,
    disabled: bool,
) -> Result<(), AppError> {
    let (admin, now) = (admin.user.clone(), state.clock.now());
    state.db.run(move |conn| accounts::set_disabled(conn, &admin, target, disabled, now).map_err(AppError::from)).await
}

/// The audit page: the entries, and the names of the people who wrote them.
pub async fn audit_page(
    state: &AppState,
    identity: &Identity,
    action: &str,
    actor: &str,
    before: Option<i64>,
) -> Result<(Vec<audit::AuditEntry>, std::collections::HashMap<crate::db::ids::UserId, String>), AppError> {
    let entries = audit_entries(state, identity, action, actor, before).await?;
    state
        .db
        .run(move |conn| {
            let names = crate::domain::personal_data::actor_names(conn, &entries)?;
            Ok::<_, AppError>((entries, names))
        })
        .await
}

/// A page of the audit log, newest first, for an administrator: entries whose action starts with
/// `action`, whose actor contains `actor`, older than `before`.
pub async fn audit_entries(
    state: &AppState,
    identity: &Identity,
    action: &str,
    actor: &str,
    before: Option<i64>,
) -> Result<Vec<audit::AuditEntry>, AppError> {
    identity.authorize(Action::ReadAuditLog)?;
    let filter = AuditFilter {
        action: Some(action.to_owned()),
        actor: Some(actor.to_owned()),
        before: before.map(AuditEntryId),
    };
    state
        .db
        .run(move |conn| {
            let mut entries = audit::list(conn, &filter, AUDIT_PAGE)?;
            crate::domain::personal_data::mask_erased(conn, &mut entries)?;
            Ok::<_, AppError>(entries)
        })
        .await
}
