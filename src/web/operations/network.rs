//! The agents' and administrators' actions on the network of suppliers, shared by the pages and
//! the API: the review and featuring of good practices, the credentials catalogue, the
//! moderation of messages (reports, suspensions).

use crate::db::ids::{CredentialId, OrganisationId, PracticeId, ReportId};
use crate::domain::authz::Action;
use crate::domain::following::MailLinks;
use crate::domain::network::Acting;
use crate::domain::network::credentials::{self, CredentialEdit};
use crate::domain::network::messages::{self, Resolution};
use crate::domain::network::practices::{self, Review};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// Publishes or refuses a submitted practice (agents); its author is mailed. A refusal without
/// its reason: 422 `invalid_reason`; reviewed already: 409 `already_reviewed`.
pub async fn review_practice(state: &AppState, identity: &Identity, id: i64, decision: Review) -> Result<(), AppError> {
    let current = identity.authorize(Action::ReviewPractices)?;
    let (pid, now, public_url) = (PracticeId(id), state.clock.now_naive(), state.settings.public_url.clone());
    let (who, user) = (current.audit_actor(), current.user.id);
    state
        .db
        .run(move |conn| {
            let links = MailLinks { public_url: &public_url };
            practices::decide(conn, pid, &decision, Acting { user, actor: &who }, links, now).map_err(AppError::from)
        })
        .await?
        .map_err(AppError::from)
}

/// Features a published practice on the home page, or stops (agents). Unknown or not published:
/// 404.
pub async fn feature_practice(state: &AppState, identity: &Identity, id: i64, featured: bool) -> Result<(), AppError> {
    let current = identity.authorize(Action::ReviewPractices)?;
    let (who, pid, now) = (current.audit_actor(), PracticeId(id), state.clock.now_naive());
    let done =
        state.db.run(move |conn| practices::feature(conn, pid, featured, &who, now).map_err(AppError::from)).await?;
    if done { Ok(()) } else { Err(AppError::NotFound) }
}

/// Adds a credential to the catalogue (administrators). Field problems come back inside `Ok`;
/// a code already taken is the problem `("code", "credential-error-code-taken")`.
pub async fn create_credential(
    state: &AppState,
    identity: &Identity,
    edit: CredentialEdit,
) -> Result<Result<CredentialId, Vec<(&'static str, &'static str)>>, AppError> {
    let current = identity.authorize(Action::ManageCredentials)?;
    let problems = edit.problems();
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    let created = state.db.run(move |conn| credentials::create(conn, &edit, &who, now).map_err(AppError::from)).await?;
    Ok(created.ok_or_else(|| vec![("code", "credential-error-code-taken")]))
}

/// Retires a credential (no longer offered; held ones stay) or restores it (administrators).
pub async fn set_credential_retired(
    state: &AppState,
    identity: &Identity,
    id: i64,
    retired: bool,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCredentials)?;
    let (who, now, id) = (current.audit_actor(), state.clock.now_naive(), CredentialId(id));
    let found = state
        .db
        .run(move |conn| credentials::set_retired(conn, id, retired, &who, now).map_err(AppError::from))
        .await?;
    if found { Ok(()) } else { Err(AppError::NotFound) }
}

/// Resolves a report of a message (administrators): the sender's messaging suspended, or the
/// report dismissed. Unknown or resolved already: 404.
pub async fn resolve_report(
    state: &AppState,
    identity: &Identity,
    id: i64,
    resolution: Resolution,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ModerateMessages)?;
    let (who, user, now, rid) = (current.audit_actor(), current.user.id, state.clock.now_naive(), ReportId(id));
    let done = state
        .db
        .run(move |conn| {
            messages::resolve(conn, rid, resolution, Acting { user, actor: &who }, now).map_err(AppError::from)
        })
        .await?;
    if done { Ok(()) } else { Err(AppError::NotFound) }
}

/// Lifts an organisation's messaging suspension (administrators). None: 404.
pub async fn lift_suspension(state: &AppState, identity: &Identity, org: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::ModerateMessages)?;
    let (who, now, org) = (current.audit_actor(), state.clock.now_naive(), OrganisationId(org));
    let lifted = state.db.run(move |conn| messages::lift(conn, org, &who, now).map_err(AppError::from)).await?;
    if lifted { Ok(()) } else { Err(AppError::NotFound) }
}
