//! Evaluation operations shared by the pages (`handlers::evaluation`) and the API
//! (`handlers::api_evaluation`): load an objective's board (a whole one under a `Bounded` permit,
//! or a member's seat), check the viewer's place on the committee with `authz::decide`, and run
//! the agents', members' and chair's changes. Their refusals go out as they are (`AppError::from`):
//! `render_errors` words them, the same on a page and in the API.

use std::rc::Rc;

use crate::db::ids::{CriterionId, ObjectiveId, ProposalId, UserId};
use crate::domain::audit::AuditActor;
use crate::domain::authz::Action;
use crate::domain::error::{Kind, Message};
use crate::domain::evaluation::aggregate::Method;
use crate::domain::evaluation::board::{self, Board, Scope};
use crate::domain::evaluation::{EvaluationError, committee, decision, scoring};
use crate::domain::objectives::Status;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::error::AppError;
use crate::web::{AppState, Bounded};

// ---- Loading and authorizing ----

/// An objective's whole evaluation, for the pages that show or compute on all of it. Holds one of
/// the server's board permits (`Bounded`) until dropped: never load a second one while holding it.
pub(crate) async fn load_board(state: &AppState, objective: i64) -> Result<Bounded<Board>, AppError> {
    Bounded::load(&state.boards, || load_scoped(state, objective, Scope::All)).await
}

/// What `scope` says of an objective's evaluation (see [`Scope`]); a practice or draft objective
/// has none.
async fn load_scoped(state: &AppState, objective: i64, scope: Scope) -> Result<Board, AppError> {
    let oid = ObjectiveId(objective);
    let b = state
        .db
        .run(move |conn| board::load_scoped(conn, oid, scope).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if b.objective.practice || b.objective.status == Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// A member's seat on one proposal: only what writing their own evaluation of it needs (their
/// declarations, their evaluation), authorized as `member_board` and `readable_by_member` do.
pub(crate) async fn member_seat(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    proposal: ProposalId,
) -> Result<(Board, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let scope = Scope::Member { user: current.user.id, proposal: Some(proposal) };
    let b = load_scoped(state, objective, scope).await?;
    let member = b.member(current.user.id).is_some();
    identity.authorize(Action::SitOnCommittee { member })?;
    readable_by_member(&b, current.user.id, proposal)?;
    Ok((b, current))
}

/// The board, for a member of its committee.
pub(crate) async fn member_board(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(Bounded<Board>, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let b = load_board(state, objective).await?;
    let member = b.member(current.user.id).is_some();
    identity.authorize(Action::SitOnCommittee { member })?;
    Ok((b, current))
}

/// The board, for its committee's chair.
pub(crate) async fn chair_board(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(Bounded<Board>, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let b = load_board(state, objective).await?;
    let chair = b.member(current.user.id).is_some_and(|m| m.chair);
    identity.authorize(Action::ChairCommittee { chair })?;
    // Declared on every organisation, in conflict with none.
    b.chair_may_act(current.user.id)?;
    Ok((b, current))
}

/// A proposal the member may read: declared on every organisation, not conflicted.
pub(crate) fn readable_by_member(b: &Board, user: UserId, proposal: ProposalId) -> Result<(), AppError> {
    b.proposal(proposal).ok_or(AppError::NotFound)?;
    if !b.declared_all(user) {
        return Err(EvaluationError::DeclareFirst.into());
    }
    if b.conflicted(user, proposal) {
        // A conflicted member sees nothing of it, not even that it can be read.
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The board for the ranking and the report: the chair, or an agent once the committee decided;
/// a conflicted chair does not see the scores. Also says whether the viewer is the chair.
pub(crate) async fn report_board(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(Bounded<Board>, bool), AppError> {
    readers_board(state, identity, id, Scope::All).await
}

/// The board of the ranking (page and API): who may read it as for the report
/// ([`report_board`]), loaded in the ranking's scope (no proposal content, no members'
/// justifications: [`Scope::Ranking`]).
pub(crate) async fn ranking_board(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(Bounded<Board>, bool), AppError> {
    readers_board(state, identity, id, Scope::Ranking).await
}

async fn readers_board(
    state: &AppState,
    identity: &Identity,
    id: i64,
    scope: Scope,
) -> Result<(Bounded<Board>, bool), AppError> {
    let b = Bounded::load(&state.boards, || load_scoped(state, id, scope)).await?;
    let is_chair = identity.user().is_some_and(|u| b.member(u.user.id).is_some_and(|m| m.chair))
        && identity.authorize(Action::ChairCommittee { chair: true }).is_ok();
    if !(is_chair || (b.decision.is_some() && identity.authorize(Action::PublishResults).is_ok())) {
        // The chair's refusal, whatever it is (one board at a time: this one is let go first).
        drop(b);
        chair_board(state, identity, id).await?;
        return Err(AppError::Forbidden);
    }
    if let Some(u) = identity.user()
        && is_chair
    {
        b.chair_may_act(u.user.id)?;
    }
    Ok((b, is_chair))
}

// ---- Changes: authorize, call the domain ----

async fn run<T: Send + 'static>(
    state: &AppState,
    op: impl FnOnce(&mut crate::db::DbConnection) -> Result<T, EvaluationError> + Send + 'static,
) -> Result<T, AppError> {
    Ok(state.db.run(move |conn| Ok::<_, AppError>(op(conn))).await??)
}

/// An agent appoints a member (or the chair).
pub(crate) async fn appoint_member(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    user: UserId,
    chair: bool,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    let link = crate::domain::following::MailLinks { public_url: &state.settings.public_url }
        .path(&format!("objectives/{objective}/evaluation"));
    run(state, move |conn| committee::appoint(conn, oid, user, chair, &who, &link, now)).await
}

/// An agent removes a member who has not scored.
pub(crate) async fn remove_from_committee(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    user: UserId,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    run(state, move |conn| committee::remove(conn, oid, user, &who, now)).await
}

/// An agent lifts a member's declared conflict of interest, with a reason.
pub(crate) async fn lift_conflict(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    member: UserId,
    organisation: crate::db::ids::OrganisationId,
    reason: String,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    run(state, move |conn| committee::lift_conflict(conn, oid, member, organisation, &reason, &who, now)).await
}

/// An agent chooses blind mode and the combination of scores (the mean or the median).
pub(crate) async fn configure(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    blind: bool,
    aggregation: &str,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let method = Method::parse(aggregation).ok_or_else(|| {
        AppError::refused(Kind::Malformed, "invalid_field", Message::new("evaluation-error-aggregation"))
    })?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    run(state, move |conn| committee::configure(conn, oid, blind, method, &who, now)).await
}

/// The chair's right to act on the objective, checked on its board as `chair_board` does; the
/// board (and its permit) is let go at once, since each operation loads its own under its lock.
async fn chair_acting(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(ObjectiveId, UserId), AppError> {
    let (b, current) = chair_board(state, identity, objective).await?;
    Ok((b.objective.id, current.user.id))
}

/// The chair reopens a member's submitted evaluation.
pub(crate) async fn reopen_evaluation(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    proposal: ProposalId,
    member: UserId,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, move |conn| scoring::reopen(conn, oid, proposal, member, chair, now)).await
}

/// The chair records (or removes, with `None`) a consensus score.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_consensus(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    (proposal, criterion): (ProposalId, CriterionId),
    score: Option<i32>,
    justification: String,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, move |conn| scoring::consensus(conn, oid, proposal, criterion, score, &justification, chair, now)).await
}

/// The chair puts a proposal in or out of the shortlist.
pub(crate) async fn shortlist_change(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    (proposal, shortlisted): (ProposalId, bool),
    reason: String,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, move |conn| decision::change_shortlist(conn, oid, proposal, shortlisted, &reason, chair, now)).await
}

/// The chair records the committee's decision (with the reason for deciding while disagreements
/// are open, if any are).
pub(crate) async fn record_decision(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    reason: String,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, move |conn| decision::decide(conn, oid, chair, &reason, now)).await
}

/// The chair's release page: the board and the member whose seat would be released (a disabled
/// account still holding work back).
pub(crate) async fn releasable_seat(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    member: UserId,
) -> Result<(Bounded<Board>, committee::Member), AppError> {
    let (b, _) = chair_board(state, identity, objective).await?;
    decision::decidable(&b).or_else(|e| match e {
        // Work still awaited is why the seat is released.
        EvaluationError::Incomplete(_) => Ok(()),
        e => Err(e),
    })?;
    let m = b.member(member).cloned().ok_or(AppError::NotFound)?;
    if m.released {
        return Err(EvaluationError::SeatReleased.into());
    }
    if !m.disabled {
        return Err(EvaluationError::SeatStillHeld.into());
    }
    Ok((b, m))
}

/// The chair releases a disabled member's seat, with a reason.
pub(crate) async fn release_seat(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    member: UserId,
    reason: String,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, move |conn| committee::release_seat(conn, oid, member, chair, &reason, now)).await
}

/// An agent publishes the decided results.
pub(crate) async fn publish_decided(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    per_criterion: bool,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::PublishResults)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    let public_url = state.settings.public_url.clone();
    run(state, move |conn| {
        let link =
            |p: ProposalId| public_url.join(&format!("proposals/{p}")).map(|u| u.to_string()).unwrap_or_default();
        decision::publish(conn, oid, agent, per_criterion, &link, now)
    })
    .await
}

/// What the confirmation of the results' publication needs: the objective's title, once the
/// committee decided and while the results are not yet published.
pub(crate) async fn publishable(state: &AppState, identity: &Identity, objective: i64) -> Result<String, AppError> {
    identity.authorize(Action::PublishResults)?;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    run(state, move |conn| {
        let full = crate::domain::objectives::load(conn, oid)?.ok_or(EvaluationError::NotFound)?;
        if !board::decided(conn, oid)? {
            return Err(EvaluationError::NotDecided);
        }
        let status = full.objective.status_at(now);
        if crate::domain::objectives::next(status, crate::domain::objectives::Transition::PublishResults).is_none() {
            return Err(EvaluationError::WrongStage);
        }
        Ok(full.objective.title)
    })
    .await
}
