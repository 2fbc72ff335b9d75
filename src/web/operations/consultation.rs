//! Market consultation: what the pages and the API both do — load what the viewer may see
//! (confidential contributions only for agents and their own authors), authorize, call the
//! domain (`domain::consultation`). Domain refusals come back inside `Ok` so a page can show a
//! form again with its fields' errors; the API turns them into JSON errors.

use crate::db::ids::{ConsultationId, ContributionId, MeetingId, ObjectiveId};
use crate::domain::authz::Action;
use crate::domain::consultation::meetings;
use crate::domain::consultation::{self, ConsultationError, ConsultationInput, Registration, Shown, Summary, is_own};
use crate::domain::criteria;
use crate::domain::following::MailLinks;
use crate::domain::objectives::Editing;
use crate::views::consultation::ConsultationPage;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// A domain refusal, kept for the form (outer error: authorization, database unavailable).
pub type Outcome<T> = Result<Result<T, ConsultationError>, AppError>;

fn refused<T>(r: Result<T, ConsultationError>) -> Result<T, AppError> {
    r.map_err(AppError::from)
}

/// Loads a consultation's page as the viewer may see it.
pub async fn page(state: &AppState, identity: &Identity, id: i64) -> Result<ConsultationPage, AppError> {
    crate::domain::authz::decide(&identity.actor(), Action::ReadConsultation).map_err(|_| AppError::Forbidden)?;
    let id = ConsultationId(id);
    let may_manage = identity.authorize(Action::ManageConsultation).is_ok();
    let may_take_part = identity.authorize(Action::TakePartInConsultation).is_ok();
    let viewer = identity.user().map(|u| (u.user.id, u.user.organisation_id));
    let now = state.clock.now_naive();
    state
        .db
        .run(move |conn| {
            let summary = refused(consultation::load(conn, id))?;
            let meetings = meetings::list(conn, id)?;
            let all = consultation::contributions(conn, id, true)?;
            let total_confidential = all.iter().filter(|s| s.contribution.confidential).count() as i64;
            let contributions: Vec<Shown> = all
                .into_iter()
                .filter(|s| {
                    !s.contribution.confidential
                        || may_manage
                        || viewer.is_some_and(|(u, org)| is_own(&s.contribution, u, org))
                })
                .collect();
            let shown_confidential = contributions.iter().filter(|s| s.contribution.confidential).count() as i64;
            let mine = match viewer {
                Some((u, _)) => meetings::mine(conn, id, u)?,
                None => Vec::new(),
            };
            let mut registrations = Vec::new();
            if may_manage {
                for m in &meetings {
                    registrations.push((m.meeting.id, meetings::registrations(conn, m.meeting.id)?));
                }
            }
            let stage = summary.consultation.stage(now);
            Ok(ConsultationPage {
                summary,
                now,
                stage,
                meetings,
                contributions,
                confidential_hidden: total_confidential - shown_confidential,
                mine,
                may_manage,
                may_take_part,
                signed_in: viewer.is_some(),
                registrations,
            })
        })
        .await
}

/// Every consultation (public list).
pub async fn list(state: &AppState) -> Result<Vec<Summary>, AppError> {
    state.db.run(|conn| consultation::list(conn, 200).map_err(AppError::from)).await
}

/// One contribution: a confidential one only for agents and its own organisation (403 for
/// everyone else, 401 when not signed in).
pub async fn contribution(state: &AppState, identity: &Identity, id: i64, cid: i64) -> Result<Shown, AppError> {
    let shown = state
        .db
        .run(move |conn| refused(consultation::contribution(conn, ConsultationId(id), ContributionId(cid))))
        .await?;
    if shown.contribution.confidential {
        let own = identity.user().is_some_and(|u| is_own(&shown.contribution, u.user.id, u.user.organisation_id));
        identity.authorize(Action::ReadConfidentialContribution { own })?;
    }
    Ok(shown)
}

/// A draft objective put in consultation (agents).
pub async fn create(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    input: ConsultationInput,
) -> Outcome<ConsultationId> {
    let current = identity.authorize(Action::ManageConsultation)?;
    let (author, who, now) = (current.user.id, current.audit_actor(), state.clock.now_naive());
    state.db.run(move |conn| Ok(consultation::create(conn, ObjectiveId(objective), &input, author, &who, now))).await
}

/// A registered user contributes.
pub async fn contribute(
    state: &AppState,
    identity: &Identity,
    id: i64,
    input: consultation::ContributionInput,
) -> Outcome<ContributionId> {
    let current = identity.authorize(Action::TakePartInConsultation)?;
    let (user, org, who, now) =
        (current.user.id, current.user.organisation_id, current.audit_actor(), state.clock.now_naive());
    state.db.run(move |conn| Ok(consultation::contribute(conn, ConsultationId(id), user, org, &input, &who, now))).await
}

/// An agent schedules a meeting.
pub async fn add_meeting(
    state: &AppState,
    identity: &Identity,
    id: i64,
    input: meetings::MeetingInput,
) -> Outcome<MeetingId> {
    let current = identity.authorize(Action::ManageConsultation)?;
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    state.db.run(move |conn| Ok(meetings::add(conn, ConsultationId(id), &input, &who, now))).await
}

/// A registered user registers to a meeting (seated, or waiting when full).
pub async fn register(state: &AppState, identity: &Identity, id: i64, meeting: i64) -> Outcome<Registration> {
    let current = identity.authorize(Action::TakePartInConsultation)?;
    let (user, who, now, url) =
        (current.user.id, current.audit_actor(), state.clock.now_naive(), state.settings.public_url.clone());
    state
        .db
        .run(move |conn| {
            let links = MailLinks { public_url: &url };
            Ok(meetings::register(conn, ConsultationId(id), MeetingId(meeting), user, &who, links, now))
        })
        .await
}

/// A registered person cancels (the first waiting takes the seat).
pub async fn cancel(state: &AppState, identity: &Identity, id: i64, meeting: i64) -> Outcome<()> {
    let current = identity.authorize(Action::TakePartInConsultation)?;
    let (user, who, now, url) =
        (current.user.id, current.audit_actor(), state.clock.now_naive(), state.settings.public_url.clone());
    state
        .db
        .run(move |conn| {
            let links = MailLinks { public_url: &url };
            Ok(meetings::cancel(conn, ConsultationId(id), MeetingId(meeting), user, &who, links, now).map(|_| ()))
        })
        .await
}

/// An agent publishes a meeting's minutes.
pub async fn minutes(state: &AppState, identity: &Identity, id: i64, meeting: i64, text: String) -> Outcome<()> {
    let current = identity.authorize(Action::ManageConsultation)?;
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok(meetings::publish_minutes(conn, ConsultationId(id), MeetingId(meeting), &text, &who, now)))
        .await
}

/// An agent publishes the synthesis.
pub async fn synthesis(state: &AppState, identity: &Identity, id: i64, text: String) -> Outcome<()> {
    let current = identity.authorize(Action::ManageConsultation)?;
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    state.db.run(move |conn| Ok(consultation::publish_synthesis(conn, ConsultationId(id), &text, &who, now))).await
}

/// An agent opens the call: the objective is published, the participants mailed.
pub async fn open_call(state: &AppState, identity: &Identity, id: i64, note: String) -> Outcome<ObjectiveId> {
    let current = identity.authorize(Action::ManageConsultation)?;
    // Publishing checks the objective against the active criteria, as the objective page does.
    let catalogue = state.db.run(|conn| criteria::list(conn, false).map_err(AppError::from)).await?;
    let (who, now, min, url) = (
        current.audit_actor(),
        state.clock.now_naive(),
        state.settings.min_response(),
        state.settings.public_url.clone(),
    );
    state
        .db
        .run(move |conn| {
            let links = MailLinks { public_url: &url };
            let cx = Editing { catalogue: &catalogue, actor: &who, links, now };
            Ok(consultation::open_call(conn, ConsultationId(id), &note, min, &cx))
        })
        .await
}

/// The draft objective's current need, to prefill the consultation form.
pub async fn draft_need(state: &AppState, identity: &Identity, objective: i64) -> Result<(String, String), AppError> {
    identity.authorize(Action::ManageConsultation)?;
    let full = super::objectives::visible(state, identity, objective).await?;
    Ok((full.objective.title, full.objective.need))
}
