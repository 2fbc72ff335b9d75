//! The criteria catalogue (administrators): what the page and the API both do — check the
//! edit, authorize, call the domain. Field problems come back inside `Ok` as (field, catalogue
//! key) so a page shows them by their fields and the API lists them in a 422.

use crate::db::ids::CriterionId;
use crate::domain::authz::Action;
use crate::domain::criteria::{self, Criterion, CriterionEdit, Removal};
use crate::domain::error::{Kind, Message};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// Problems of an edit's fields, as (field, catalogue key).
pub type Problems = Vec<(&'static str, &'static str)>;

/// A new criterion's code: 3 to 40 lowercase letters, digits and dashes (it is lowercased).
pub fn code_problems(code: &str) -> Problems {
    let ok = (3..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok { Vec::new() } else { vec![("code", "criterion-error-code")] }
}

/// Every criterion, retired ones included.
pub async fn all(state: &AppState, identity: &Identity) -> Result<Vec<Criterion>, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await
}

/// One criterion.
pub async fn find(state: &AppState, identity: &Identity, id: i64) -> Result<Criterion, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    state.db.run(move |conn| criteria::find(conn, CriterionId(id))?.ok_or(AppError::NotFound)).await
}

/// Adds a criterion. A code already taken: 409 `code_taken`.
pub async fn create(
    state: &AppState,
    identity: &Identity,
    code: &str,
    edit: CriterionEdit,
) -> Result<Result<CriterionId, Problems>, AppError> {
    let current = identity.authorize(Action::ManageCriteria)?;
    let code = code.trim().to_lowercase();
    let mut problems = criteria::validate(&edit);
    problems.extend(code_problems(&code));
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (actor, now) = (current.audit_actor(), state.clock.now_naive());
    let created =
        state.db.run(move |conn| criteria::create(conn, &code, &edit, &actor, now).map_err(AppError::from)).await;
    match created {
        Ok(id) => Ok(Ok(id)),
        Err(e) if e.is_conflict() => {
            Err(AppError::refused(Kind::Conflict, "code_taken", Message::new("criterion-error-code-taken")))
        }
        Err(e) => Err(e),
    }
}

/// Edits a criterion. What published objectives rely on does not change under them: 409
/// `in_use`.
pub async fn update(
    state: &AppState,
    identity: &Identity,
    id: i64,
    edit: CriterionEdit,
) -> Result<Result<(), Problems>, AppError> {
    let current = identity.authorize(Action::ManageCriteria)?;
    let problems = criteria::validate(&edit);
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let (actor, now, id) = (current.audit_actor(), state.clock.now_naive(), CriterionId(id));
    state
        .db
        .run(move |conn| Ok::<_, AppError>(criteria::update(conn, id, &edit, &actor, now)))
        .await?
        .map_err(AppError::from)?;
    Ok(Ok(()))
}

/// Removes a criterion: deleted when only drafts use it, retired when a published objective does.
pub async fn remove(state: &AppState, identity: &Identity, id: i64) -> Result<Removal, AppError> {
    let current = identity.authorize(Action::ManageCriteria)?;
    let (actor, now, id) = (current.audit_actor(), state.clock.now_naive(), CriterionId(id));
    state.db.run(move |conn| criteria::remove(conn, id, &actor, now).map_err(AppError::from)).await
}

/// Offers a retired criterion again.
pub async fn restore(state: &AppState, identity: &Identity, id: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCriteria)?;
    let (actor, now, id) = (current.audit_actor(), state.clock.now_naive(), CriterionId(id));
    state.db.run(move |conn| criteria::restore(conn, id, &actor, now).map_err(AppError::from)).await
}
