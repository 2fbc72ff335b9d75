//! Objectives: the objective a viewer may see, and everything its page shows, loaded in one
//! place with what the viewer may do there.

use crate::db::ids::ObjectiveId;
use crate::domain::authz::Action;
use crate::domain::criteria::{self, Criterion};
use crate::domain::network::partners;
use crate::domain::objectives::{self, ObjectiveFull, Status};
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
