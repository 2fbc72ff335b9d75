//! Indicator operations shared by the pages (`handlers::indicators`) and the API: load what the
//! viewer may see of an objective's indicators, authorize through `domain::authz`, call
//! `domain::award::indicators`. Refusals are `AppError`s like every domain refusal.

use chrono::NaiveDate;

use crate::db::ids::ObjectiveId;
use crate::db::ids::UserId;
use crate::domain::authz::Action;
use crate::domain::award::contracts;
use crate::domain::award::indicators::{self, Decision, Evidence, Indicator, IndicatorError, ReportInput, State};
use crate::domain::forms::{FormPairs, Problem};
use crate::uploads::{Store, UploadError};
pub use crate::views::indicators::{Feedback, ManagePage, Role};
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
                feedback: Feedback::default(),
            })
        })
        .await
}

/// What a refused form gets back: its problems, each naming its field.
pub type Checked<T> = Result<T, Vec<Problem>>;

/// An agent sets an indicator; returns its id, or the form's problems (nothing written).
pub async fn set(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    form: FormPairs,
) -> Result<Checked<i64>, AppError> {
    let agent = identity.authorize(Action::ManageIndicators)?.user.id;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            let reach = indicators::reach_of(conn, oid)?;
            let input = match indicators::parse(&form, reach) {
                Ok(input) => input,
                Err(problems) => return Ok(Err(problems)),
            };
            match indicators::set(conn, oid, &input, agent, now) {
                Ok(id) => Ok(Ok(id)),
                Err(IndicatorError::Fields(problems)) => Ok(Err(problems)),
                Err(e) => Err(AppError::from(e)),
            }
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

/// A refused report: the objective, the problems and what was typed (period, value, comment).
pub struct RefusedReport {
    pub objective: i64,
    pub problems: Vec<Problem>,
    pub typed: ReportInput,
}

/// A member of a holder organisation reports a value from a multipart form (`period`, `value`,
/// `comment`, an optional evidence `file`); returns the objective's id, or the refused fields with
/// what was typed. The file is stored only after the authorization, and removed if the report is
/// refused.
pub async fn report(
    state: &AppState,
    identity: &Identity,
    indicator: i64,
    payload: &mut actix_multipart::Multipart,
) -> Result<Result<i64, RefusedReport>, AppError> {
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
    let typed = ReportInput { evidence: None, ..input.clone() };
    let outcome =
        state.db.run(move |conn| Ok::<_, AppError>(indicators::report(conn, indicator, &input, member, now))).await;
    let outcome = match outcome {
        Ok(o) => o,
        Err(e) => {
            store.discard(&files).await;
            return Err(e);
        }
    };
    match outcome {
        Ok(_) => Ok(Ok(oid.0)),
        Err(e) => {
            store.discard(&files).await;
            match e {
                IndicatorError::Fields(problems) => Ok(Err(RefusedReport { objective: oid.0, problems, typed })),
                e => Err(AppError::from(e)),
            }
        }
    }
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

/// An agent validates a report or sends it back; returns the objective's id, or the refused
/// reason's problem with the objective's id.
pub async fn decide(
    state: &AppState,
    identity: &Identity,
    report: i64,
    decision: Decision,
) -> Result<Result<i64, (i64, Vec<Problem>)>, AppError> {
    let agent = identity.authorize(Action::ManageIndicators)?.user.id;
    let now = state.clock.now_naive();
    state
        .db
        .run(move |conn| match indicators::decide(conn, report, &decision, agent, now) {
            Ok(oid) => Ok(Ok(oid.0)),
            Err(IndicatorError::Fields(problems)) => {
                let oid = indicators::objective_of_report(conn, report)?.ok_or(AppError::NotFound)?;
                Ok(Err((oid.0, problems)))
            }
            Err(e) => Err(AppError::from(e)),
        })
        .await
}

/// The objective of a report, for an agent only (to show a refusal on its page); None otherwise.
pub async fn objective_of_report(state: &AppState, identity: &Identity, report: i64) -> Option<i64> {
    identity.authorize(Action::ManageIndicators).ok()?;
    let found = state.db.run(move |conn| indicators::objective_of_report(conn, report).map_err(AppError::from)).await;
    found.ok().flatten().map(|o| o.0)
}

/// What the validation's confirmation page shows of a submitted report.
pub struct ToValidate {
    pub objective: i64,
    pub title: String,
    pub indicator: String,
    pub unit: String,
    pub report: indicators::Report,
    pub period: indicators::Period,
}

/// The report an agent is about to validate: only agents, only a report waiting for a decision
/// (409 otherwise), on a contract in execution.
pub async fn to_validate(state: &AppState, identity: &Identity, report: i64) -> Result<ToValidate, AppError> {
    identity.authorize(Action::ManageIndicators)?;
    state
        .db
        .run(move |conn| {
            let oid = indicators::objective_of_report(conn, report)?.ok_or(AppError::NotFound)?;
            let full = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let contract = contracts::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let all = indicators::of_objective(conn, oid, false)?;
            let (i, r) = all
                .iter()
                .find_map(|i| i.reports.iter().find(|r| r.id == report).map(|r| (i, r)))
                .ok_or(AppError::NotFound)?;
            if r.state != State::Submitted {
                return Err(AppError::from(IndicatorError::AlreadyDecided));
            }
            Ok(ToValidate {
                objective: oid.0,
                title: full.objective.title.clone(),
                indicator: i.name.clone(),
                unit: i.unit.clone(),
                report: r.clone(),
                period: indicators::period(contract.signed_on, i.period_months, r.period),
            })
        })
        .await
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
