//! Indicator operations shared by the pages (`handlers::indicators`) and the API: load what the
//! viewer may see of an objective's indicators, authorize through `domain::authz`, call
//! `domain::award::indicators`. Refusals are `AppError`s like every domain refusal.

use chrono::NaiveDate;

use crate::db::ids::ObjectiveId;
use crate::db::ids::UserId;
use crate::domain::authz::Action;
use crate::domain::award::contracts;
use crate::domain::award::indicators::{self, Decision, Evidence, Indicator, IndicatorError, ReportInput, State};
use crate::domain::forms::FormPairs;
use crate::uploads::{Store, UploadError};
pub use crate::views::indicators::{ManagePage, Role};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// The role of the viewer on an objective's indicators: an agent, or a member of a holder
/// organisation; anyone else is refused.
async fn role(state: &AppState, identity: &Identity, oid: ObjectiveId) -> Result<Role, AppError> {
    if identity.authorize(Action::ManageIndicators).is_ok() {
        return Ok(Role::Agent);
    }
    let org = identity.user().and_then(|u| u.user.organisation_id);
    let holder = match org {
        Some(org) => state.db.run(move |conn| indicators::is_holder(conn, oid, org).map_err(AppError::from)).await?,
        None => false,
    };
    identity.authorize(Action::ReportIndicator { holder })?;
    Ok(Role::Holder)
}

pub async fn manage_page(state: &AppState, identity: &Identity, objective: i64) -> Result<ManagePage, AppError> {
    let oid = ObjectiveId(objective);
    let role = role(state, identity, oid).await?;
    let now = state.clock.now_naive();
    let today = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &now).date_naive();
    state
        .db
        .run(move |conn| {
            let full = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let contract = contracts::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let all = indicators::of_objective(conn, oid, false)?;
            let mut open_periods = Vec::new();
            for i in &all {
                let count = indicators::period_count(contract.current().duration_months, i.period_months);
                for n in 1..=count {
                    let p = indicators::period(contract.signed_on, i.period_months, n);
                    if p.starts > today {
                        break;
                    }
                    if !i.reports.iter().any(|r| r.period == n && r.state != State::SentBack) {
                        open_periods.push((i.id, n, p.starts, p.ends));
                    }
                }
            }
            Ok::<_, AppError>(ManagePage {
                objective_id: objective,
                title: full.objective.title.clone(),
                status: full.objective.status_at(now),
                role,
                signed_on: contract.signed_on,
                indicators: all,
                reach: indicators::reach_of(conn, oid)?,
                criteria: indicators::criteria_of(conn, oid)?,
                open_periods,
            })
        })
        .await
}

/// An agent sets an indicator; returns its id. The form's problems name their fields.
pub async fn set(state: &AppState, identity: &Identity, objective: i64, form: FormPairs) -> Result<i64, AppError> {
    let agent = identity.authorize(Action::ManageIndicators)?.user.id;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            let reach = indicators::reach_of(conn, oid)?;
            let input = indicators::parse(&form, reach).map_err(IndicatorError::Fields)?;
            Ok::<_, AppError>(indicators::set(conn, oid, &input, agent, now)?)
        })
        .await
}

/// The objective of an indicator, once its viewer is authorized to report on it: a verified
/// member of an organisation holding the contract.
async fn reporter(state: &AppState, identity: &Identity, indicator: i64) -> Result<(ObjectiveId, UserId), AppError> {
    let oid = state
        .db
        .run(move |conn| indicators::objective_of_indicator(conn, indicator).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if identity.user().is_none() {
        return Err(AppError::SignInRequired);
    }
    let org = identity.user().and_then(|u| u.user.organisation_id);
    let holder = match org {
        Some(org) => state.db.run(move |conn| indicators::is_holder(conn, oid, org).map_err(AppError::from)).await?,
        None => false,
    };
    Ok((oid, identity.authorize(Action::ReportIndicator { holder })?.user.id))
}

/// A member of a holder organisation reports a value from a multipart form (`period`, `value`,
/// `comment`, an optional evidence `file`); returns the objective's id. The file is stored only
/// after the authorization, and removed if the report is refused.
pub async fn report(
    state: &AppState,
    identity: &Identity,
    indicator: i64,
    payload: &mut actix_multipart::Multipart,
) -> Result<i64, AppError> {
    let (oid, member) = reporter(state, identity, indicator).await?;
    let store = Store::new(&state.settings.data_dir);
    let per_file = state.settings.max_file_size;
    let received = match store.receive_form(payload, per_file, per_file, 1).await {
        Ok(r) => r,
        Err(UploadError::Io(e)) => return Err(AppError::internal(e)),
        Err(e) => return Err(e.into()),
    };
    let files = received.files.clone();
    let input = ReportInput {
        period: received.field("period"),
        value: received.field("value"),
        comment: received.field("comment"),
        evidence: files.first().map(|f| Evidence {
            key: f.storage_key.clone(),
            name: f.original_name.clone(),
            content_type: f.kind.content_type().to_owned(),
        }),
    };
    let now = state.clock.now_naive();
    let outcome = state
        .db
        .run(move |conn| indicators::report(conn, indicator, &input, member, now).map_err(AppError::from))
        .await;
    if outcome.is_err() {
        store.discard(&files).await;
    }
    outcome.map(|_| oid.0)
}

/// A report's evidence file: for agents and the holder's members only.
pub async fn evidence(state: &AppState, identity: &Identity, report: i64) -> Result<Evidence, AppError> {
    let (oid, evidence) = state
        .db
        .run(move |conn| indicators::evidence_of(conn, report).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    role(state, identity, oid).await?;
    evidence.ok_or(AppError::NotFound)
}

/// An agent validates a report or sends it back; returns the objective's id.
pub async fn decide(state: &AppState, identity: &Identity, report: i64, decision: Decision) -> Result<i64, AppError> {
    let agent = identity.authorize(Action::ManageIndicators)?.user.id;
    let now = state.clock.now_naive();
    let oid = state
        .db
        .run(move |conn| indicators::decide(conn, report, &decision, agent, now).map_err(AppError::from))
        .await?;
    Ok(oid.0)
}

/// An objective's follow-up as everyone sees it: its title, the contract's signature date, and
/// its indicators with their validated reports only. 404 until the contract is signed.
pub async fn public(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(String, NaiveDate, Vec<Indicator>), AppError> {
    let full = crate::web::operations::objectives::visible(state, identity, objective).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    let (oid, title) = (full.objective.id, full.objective.title.clone());
    state
        .db
        .run(move |conn| {
            let contract = contracts::load(conn, oid)?.ok_or(AppError::NotFound)?;
            Ok((title, contract.signed_on, indicators::of_objective(conn, oid, true)?))
        })
        .await
}
