//! Objectives: the objective a viewer may see, and everything its page shows, loaded in one
//! place with what the viewer may do there; the agents' changes (create, save, publish, cancel,
//! delete, answer questions), shared by the pages and the API.

use crate::db::ids::{CriterionId, ObjectiveId};
use crate::domain::authz::Action;
use crate::domain::criteria::{self, Criterion};
use crate::domain::error::{Kind, Message};
use crate::domain::network::partners;
use crate::domain::objectives::{self, Change, ObjectiveDraft, ObjectiveError, ObjectiveFull, Status};
use crate::domain::questions;
use crate::domain::{following, proposals};
use crate::views::objectives::{ObjectivePage, Permissions, Viewer};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// Loads an objective the actor may see: drafts only for agents (others get a 404, so drafts'
/// existence does not leak).
pub async fn visible(state: &AppState, identity: &Identity, id: i64) -> Result<ObjectiveFull, AppError> {
    let id = ObjectiveId(id);
    let full = state
        .db
        .run(move |conn| objectives::load(conn, id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if full.objective.status == Status::Draft.as_str() && identity.authorize(Action::ViewDraftObjectives).is_err() {
        return Err(AppError::NotFound);
    }
    Ok(full)
}

/// Loads the objective's page: the objective the viewer may see, then in one go its questions,
/// documents, the viewer's proposal or the deposits' count, and the published results; then who
/// looks for partners.
pub async fn page(state: &AppState, identity: &Identity, id: i64) -> Result<ObjectivePage, AppError> {
    let full = visible(state, identity, id).await?;
    let catalogue = state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await?;
    let now = state.clock.now_naive();
    let status = full.objective.status_at(now);
    let is_agent = identity.authorize(Action::EditObjective).is_ok();
    let missing = if is_agent && status == Status::Draft {
        let active: Vec<Criterion> = catalogue.iter().filter(|c| c.retired_at.is_none()).cloned().collect();
        objectives::missing_for_publication(&full.draft(), &active, now, state.settings.min_response())
    } else {
        Vec::new()
    };
    let o = &full.objective;
    let (oid, user) = (o.id, identity.user().map(|u| u.user.id));
    let viewer = Viewer { user, organisation: identity.user().and_then(|u| u.user.organisation_id) };
    let may = Permissions {
        edit: is_agent,
        ask: identity.authorize(Action::AskQuestion).is_ok(),
        answer: identity.authorize(Action::AnswerQuestions).is_ok(),
        follow: identity.authorize(Action::Follow).is_ok(),
        seek: identity.authorize(Action::SeekPartners).is_ok(),
    };
    let can_answer = may.answer && status == Status::Published;
    let counts_deposits = identity.authorize(Action::OpenProposals).is_ok() && !o.practice && status != Status::Draft;
    let published_results = o.results_published_at.is_some();
    let viewer_org = viewer.organisation;
    // The published results' board is loaded under a board permit (`Bounded`), as on every page.
    let _permit = if published_results { Some(state.board_permit().await?) } else { None };
    let ((answered, mine, pending, followed, documents, respond, results), consulted) = state
        .db
        .run(move |conn| {
            let results = if published_results {
                let board = crate::domain::evaluation::board::load(conn, oid)?;
                let outcomes = proposals::opening::proposals_of(conn, oid)?;
                board.map(|b| (b, outcomes))
            } else {
                None
            };
            let respond = if counts_deposits {
                (Some(proposals::opening::deposit_count(conn, oid)?), None)
            } else if let Some(org) = viewer_org {
                (None, proposals::find_for(conn, oid, org)?)
            } else {
                (None, None)
            };
            let answered = questions::answered(conn, oid)?;
            let mine = match user {
                Some(u) => questions::mine(conn, oid, u)?,
                None => Vec::new(),
            };
            let pending = if can_answer { questions::pending(conn, oid)? } else { Vec::new() };
            let followed = match user {
                Some(u) => following::of_user(conn, u)?.1.contains(&oid),
                None => false,
            };
            let documents = crate::domain::documents::list(conn, oid)?;
            // The consultation before the call, if there was one (its page only then).
            let consulted = crate::domain::consultation::of_objective(conn, oid)?;
            Ok::<_, AppError>(((answered, mine, pending, followed, documents, respond, results), consulted))
        })
        .await?;
    let partners_open = status == Status::Published && !o.practice;
    let partners = state.db.run(move |conn| partners::on_objective(conn, oid).map_err(AppError::from)).await?;
    let consultation = match consulted {
        // Public parts only: the objective's page is not where confidential text is read.
        Some(c) => Some(super::consultation::page(state, &Identity::default(), c.id.0).await?),
        None => None,
    };
    let after_results = match published_results {
        true => Some(super::award::after_results(state, identity, oid).await?),
        false => None,
    };
    Ok(ObjectivePage {
        full,
        catalogue,
        now,
        status,
        viewer,
        may,
        missing,
        answered,
        mine,
        pending,
        followed,
        documents,
        deposits: respond.0,
        own_proposal: respond.1,
        results,
        after_results,
        partners,
        partners_open,
        consultation,
    })
}

/// A domain refusal of a change to an objective, kept for the form (outer error: authorization,
/// database unavailable): a page shows it by its field, the API as a JSON error.
pub type Outcome<T> = Result<Result<T, ObjectiveError>, AppError>;

/// An objective that no longer takes changes (cancelled, closed).
pub fn not_editable() -> AppError {
    AppError::refused(Kind::Conflict, "wrong_status", Message::new("objective-error-not-editable"))
}

/// The catalogue's active criteria: what a new objective may weigh.
pub async fn active_catalogue(state: &AppState) -> Result<Vec<Criterion>, AppError> {
    state.db.run(|conn| criteria::list(conn, false).map_err(AppError::from)).await
}

/// The active criteria, plus any retired ones the objective already uses (so an amendment can
/// keep them).
pub async fn catalogue_for(state: &AppState, full: &ObjectiveFull) -> Result<Vec<Criterion>, AppError> {
    let used: Vec<CriterionId> = full.criteria.iter().map(|w| w.criterion_id).collect();
    let all = state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await?;
    Ok(all.into_iter().filter(|c| c.retired_at.is_none() || used.contains(&c.id)).collect())
}

/// An objective an agent may edit: a draft, or a published objective before its deadline (an
/// amendment); with its status and the criteria its form offers.
pub async fn editable(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ObjectiveFull, Status, Vec<Criterion>), AppError> {
    identity.authorize(Action::EditObjective)?;
    let full = visible(state, identity, id).await?;
    let status = full.objective.status_at(state.clock.now_naive());
    if !matches!(status, Status::Draft | Status::Published) {
        return Err(not_editable());
    }
    let catalogue = catalogue_for(state, &full).await?;
    Ok((full, status, catalogue))
}

/// Creates a draft (agents). A draft needs at least its title (refused on the `title` field).
pub async fn create(state: &AppState, identity: &Identity, draft: ObjectiveDraft) -> Result<ObjectiveId, AppError> {
    let current = identity.authorize(Action::CreateObjective)?;
    if draft.title.trim().is_empty() {
        return Err(AppError::refused(Kind::Invalid, "title_required", Message::new("objective-error-required"))
            .on_field("title"));
    }
    let (user_id, who, now) = (current.user.id, current.audit_actor(), state.clock.now_naive());
    state.db.run(move |conn| objectives::create(conn, &draft, user_id, &who, now).map_err(AppError::from)).await
}

/// Saves an agent's edit: a draft is updated (`Ok(None)`), a published objective amended with
/// its reason (`Ok(Some(changes))`). `catalogue` is the one [`editable`] gave.
pub async fn save(
    state: &AppState,
    identity: &Identity,
    id: i64,
    draft: ObjectiveDraft,
    reason: String,
    catalogue: Vec<Criterion>,
) -> Outcome<Option<Vec<Change>>> {
    let current = identity.authorize(Action::EditObjective)?;
    let (who, now, public_url) = (current.audit_actor(), state.clock.now_naive(), state.settings.public_url.clone());
    state
        .db
        .run(move |conn| {
            let links = following::MailLinks { public_url: &public_url };
            let cx = objectives::Editing { catalogue: &catalogue, actor: &who, links, now };
            Ok(objectives::save(conn, ObjectiveId(id), &draft, &reason, &cx))
        })
        .await
}

/// Publishes a complete draft (agents); a refusal names the criteria it is about.
pub async fn publish(state: &AppState, identity: &Identity, id: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::PublishObjective)?;
    let catalogue = active_catalogue(state).await?;
    let (who, now, min, cat) =
        (current.audit_actor(), state.clock.now_naive(), state.settings.min_response(), catalogue.clone());
    let public_url = state.settings.public_url.clone();
    let result = state
        .db
        .run(move |conn| {
            let links = following::MailLinks { public_url: &public_url };
            let cx = objectives::Editing { catalogue: &cat, actor: &who, links, now };
            Ok::<_, AppError>(objectives::publish(conn, ObjectiveId(id), min, &cx))
        })
        .await?;
    result.map_err(|e| AppError::from(e).naming_criteria(&catalogue))
}

/// Cancels a published objective before its deadline, with its public reason (agents).
pub async fn cancel(state: &AppState, identity: &Identity, id: i64, reason: String) -> Outcome<()> {
    let current = identity.authorize(Action::CancelObjective)?;
    let (who, now, public_url) = (current.audit_actor(), state.clock.now_naive(), state.settings.public_url.clone());
    state
        .db
        .run(move |conn| {
            let links = following::MailLinks { public_url: &public_url };
            let cx = objectives::Editing { catalogue: &[], actor: &who, links, now };
            Ok(objectives::cancel(conn, ObjectiveId(id), &reason, &cx))
        })
        .await
}

/// Deletes a draft (agents); never a published objective.
pub async fn delete(state: &AppState, identity: &Identity, id: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::DeleteDraftObjective)?;
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(objectives::delete_draft(conn, ObjectiveId(id), &who, now)))
        .await?
        .map_err(AppError::from)
}

/// Answers a supplier's pending question of this objective (agents): the answer is published
/// and the followers mailed.
pub async fn answer(state: &AppState, identity: &Identity, id: i64, qid: i64, text: String) -> Result<(), AppError> {
    let current = identity.authorize(Action::AnswerQuestions)?;
    let (agent, who, now) = (current.user.id, current.audit_actor(), state.clock.now_naive());
    let public_url = state.settings.public_url.clone();
    state
        .db
        .run(move |conn| {
            // The question must belong to this objective.
            let belongs = questions::pending(conn, ObjectiveId(id))?.iter().any(|q| q.id.0 == qid);
            if !belongs {
                return Ok::<_, AppError>(Err(questions::QuestionError::NotFound));
            }
            let links = following::MailLinks { public_url: &public_url };
            Ok(questions::answer(conn, crate::db::ids::QuestionId(qid), agent, &who, &text, links, now))
        })
        .await?
        .map_err(AppError::from)
}

/// Publishes a question and its answer written by an agent (a question asked elsewhere, by
/// telephone or at a meeting).
pub async fn publish_answer(
    state: &AppState,
    identity: &Identity,
    id: i64,
    question: String,
    answer: String,
) -> Result<crate::db::ids::QuestionId, AppError> {
    let current = identity.authorize(Action::AnswerQuestions)?;
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    let public_url = state.settings.public_url.clone();
    state
        .db
        .run(move |conn| {
            let links = following::MailLinks { public_url: &public_url };
            Ok::<_, AppError>(questions::publish_own(conn, ObjectiveId(id), &who, &question, &answer, links, now))
        })
        .await?
        .map_err(AppError::from)
}

/// An answered question of an objective the actor may see.
pub async fn answered(
    state: &AppState,
    identity: &Identity,
    id: i64,
    qid: i64,
) -> Result<questions::Question, AppError> {
    visible(state, identity, id).await?;
    let list = state.db.run(move |conn| questions::answered(conn, ObjectiveId(id)).map_err(AppError::from)).await?;
    list.into_iter().find(|q| q.id.0 == qid).ok_or(AppError::NotFound)
}
