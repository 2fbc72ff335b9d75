//! Indicators over the horizons (issue 17, step 6): once the contract is signed, an agent sets
//! indicators linked to the objective's criteria (name, unit, baseline, and targets at the
//! horizon's milestones: 5, 10 and 20 years after signature, as far as the objective's horizon
//! goes) with a reporting schedule (yearly by default: periods counted from the signature). A
//! member of a holder organisation reports a value for a period that has started; an agent
//! validates it or sends it back with a reason, after which the holder reports that period again.
//! Only validated values are public.
//!
//! Every write here owns its transaction, its lock and its audit entry; who may act is decided in
//! `domain::authz` (agents: `ManageIndicators`; holders: `ReportIndicator`).

use crate::domain::audit::on_objective as record;
use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::contracts::{self, Contract};
use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{criteria, indicator_reports, indicators, objective_criteria, objectives};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;
use crate::domain::error::{self, Message, Refusal, database_message, kind_of};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::{Horizon, Status};

pub const NAME_MAX: usize = 200;
pub const UNIT_MAX: usize = 40;
pub const COMMENT_MAX: usize = 4000;
pub const REASON_MIN: usize = 10;
/// The schedules an agent may choose, in months (yearly by default).
pub const PERIODS: [i32; 4] = [12, 6, 3, 1];
/// The milestones of the horizons, in years after signature.
pub const MILESTONES: [i32; 3] = [5, 10, 20];

/// Why an indicator operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error("not found")]
    NotFound,
    #[error("the contract is not in execution")]
    WrongStage,
    /// Validating or sending back a report that is not waiting for it.
    #[error("this report was already decided")]
    AlreadyDecided,
    #[error("some fields are refused")]
    Fields(Vec<Problem>),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for IndicatorError {
    fn kind(&self) -> error::Kind {
        match self {
            IndicatorError::NotFound => error::Kind::NotFound,
            IndicatorError::WrongStage | IndicatorError::AlreadyDecided => error::Kind::Conflict,
            IndicatorError::Fields(_) => error::Kind::Invalid,
            IndicatorError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            IndicatorError::NotFound => "not_found",
            IndicatorError::WrongStage => "wrong_stage",
            IndicatorError::AlreadyDecided => "already_decided",
            IndicatorError::Fields(_) => "invalid_fields",
            IndicatorError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            IndicatorError::NotFound => Message::new("error-404-text"),
            IndicatorError::WrongStage => Message::new("indicator-error-stage"),
            IndicatorError::AlreadyDecided => Message::new("indicator-error-decided"),
            IndicatorError::Fields(problems) => Message::new("form-has-errors").with_problems(problems),
            IndicatorError::Db(e) => database_message(e),
        }
    }
}

/// A target: the value to reach `years` after signature, on `on`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Target {
    pub years: i32,
    pub on: NaiveDate,
    pub value: f64,
}

/// A report's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Submitted,
    SentBack,
    Validated,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Submitted => "submitted",
            State::SentBack => "sent_back",
            State::Validated => "validated",
        }
    }
    pub fn parse(s: &str) -> Option<State> {
        [State::Submitted, State::SentBack, State::Validated].into_iter().find(|v| v.as_str() == s)
    }
}

/// A report's evidence: a file in the upload store (`uploads::Store`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Evidence {
    pub key: String,
    pub name: String,
    pub content_type: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub id: i64,
    pub indicator: i64,
    pub period: i32,
    pub value: f64,
    pub comment: String,
    pub state: State,
    pub reported_at: NaiveDateTime,
    pub decided_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    pub id: i64,
    pub objective: ObjectiveId,
    /// The criterion it is linked to: its id and its names in French and English.
    pub criterion: Option<(i64, String, String)>,
    pub name: String,
    pub unit: String,
    pub baseline: f64,
    pub targets: Vec<Target>,
    pub period_months: i32,
    pub created_at: NaiveDateTime,
    /// Every report, oldest first (only validated ones when loaded for the public).
    pub reports: Vec<Report>,
}

/// A period of a schedule: its number (from 1), its first day and the day after its last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub number: i32,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}

/// Period `n` of a schedule of `months` months counted from `signed_on`.
pub fn period(signed_on: NaiveDate, months: i32, n: i32) -> Period {
    let at = |k: i32| signed_on.checked_add_months(Months::new((k.max(0) * months) as u32)).unwrap_or(NaiveDate::MAX);
    Period { number: n, starts: at(n - 1), ends: at(n) }
}

/// How many periods the contract's duration holds (the last one may be shorter).
pub fn period_count(duration_months: i32, months: i32) -> i32 {
    (duration_months + months - 1) / months.max(1)
}

/// The milestones an objective's horizon reaches.
pub fn milestones(horizon: Horizon) -> &'static [i32] {
    match horizon {
        Horizon::Five => &MILESTONES[..1],
        Horizon::Ten => &MILESTONES[..2],
        Horizon::Twenty | Horizon::Beyond => &MILESTONES[..],
    }
}

/// A number as typed: spaces allowed, a comma or a point before the decimals, a sign.
pub fn parse_number(text: &str) -> Option<f64> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '\u{a0}').collect();
    let cleaned = cleaned.replace(',', ".");
    if cleaned.is_empty() || !cleaned.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+') {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|v| v.is_finite() && v.abs() < 1e15)
}

/// What the agent types on the indicator form, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewIndicator {
    pub name: String,
    pub unit: String,
    pub criterion: Option<i64>,
    pub baseline: f64,
    /// (years after signature, value).
    pub targets: Vec<(i32, f64)>,
    pub period_months: i32,
}

/// Parses the indicator form: `name`, `unit`, `criterion` (an id, or empty), `baseline`,
/// `target_5`, `target_10`, `target_20` (the milestones of `reach`; at least one), and
/// `period_months` (12 when empty). Every problem names its field.
pub fn parse(pairs: &FormPairs, reach: &[i32]) -> Result<NewIndicator, Vec<Problem>> {
    let mut problems = Vec::new();
    let name = first(pairs, "name");
    if name.is_empty() || name.chars().count() > NAME_MAX {
        problems.push(Problem::new("name", "indicator-error-name").with("max", NAME_MAX));
    }
    let unit = first(pairs, "unit");
    if unit.is_empty() || unit.chars().count() > UNIT_MAX {
        problems.push(Problem::new("unit", "indicator-error-unit").with("max", UNIT_MAX));
    }
    let criterion_text = first(pairs, "criterion");
    let criterion = if criterion_text.is_empty() {
        None
    } else {
        let c = criterion_text.parse::<i64>().ok();
        if c.is_none() {
            problems.push(Problem::new("criterion", "indicator-error-criterion"));
        }
        c
    };
    let baseline = parse_number(&first(pairs, "baseline"));
    if baseline.is_none() {
        problems.push(Problem::new("baseline", "indicator-error-baseline"));
    }
    let mut targets = Vec::new();
    for (years, field) in [(5, "target_5"), (10, "target_10"), (20, "target_20")] {
        let text = first(pairs, field);
        if text.is_empty() || !reach.contains(&years) {
            continue;
        }
        match parse_number(&text) {
            Some(v) => targets.push((years, v)),
            None => problems.push(Problem::new(field, "indicator-error-target").with("years", years)),
        }
    }
    if targets.is_empty() && !problems.iter().any(|p| p.field.starts_with("target_")) {
        problems.push(Problem::new("target_5", "indicator-error-no-target"));
    }
    let period_text = first(pairs, "period_months");
    let period_months =
        if period_text.is_empty() { Some(12) } else { period_text.parse::<i32>().ok() }.filter(|m| PERIODS.contains(m));
    if period_months.is_none() {
        problems.push(Problem::new("period_months", "indicator-error-period-months"));
    }
    match (baseline, period_months) {
        (Some(baseline), Some(period_months)) if problems.is_empty() => {
            Ok(NewIndicator { name, unit, criterion, baseline, targets, period_months })
        }
        _ => Err(problems),
    }
}

/// Where an indicator stands against its trajectory, as the public figures count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Track {
    /// The latest validated value has come at least as far as the trajectory asks.
    OnTrack,
    /// It has come less far.
    Behind,
    /// No value validated yet.
    NotReported,
}

/// The trajectory is the straight line from the baseline, at signature, to each target at its
/// date. The latest validated value, at the end of its period, is compared with the next target
/// not yet due then (the last target once all are due): on track when it has covered at least the
/// share of the way from the baseline that the time elapsed represents (at least all of it once
/// the target's date has passed), whichever way the target lies. A target equal to the baseline
/// asks the value to stay where it was: since no direction can be read from it, a value equal to
/// it is on track and any other behind.
pub fn track(baseline: f64, targets: &[Target], signed_on: NaiveDate, latest: Option<(NaiveDate, f64)>) -> Track {
    let Some((at, value)) = latest else { return Track::NotReported };
    let Some(target) = targets.iter().find(|t| t.on >= at).or_else(|| targets.last()) else {
        return Track::NotReported;
    };
    let way = target.value - baseline;
    if way == 0.0 {
        return if (value - target.value).abs() < 1e-9 { Track::OnTrack } else { Track::Behind };
    }
    let span = (target.on - signed_on).num_days().max(1) as f64;
    let elapsed = ((at - signed_on).num_days() as f64 / span).clamp(0.0, 1.0);
    let covered = (value - baseline) / way;
    if covered + 1e-9 >= elapsed { Track::OnTrack } else { Track::Behind }
}

/// The day it is in Paris at `t` (UTC): periods and due dates are counted in days there.
pub fn paris_day(t: NaiveDateTime) -> NaiveDate {
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &t).date_naive()
}

/// The signed contract of an objective in execution, with the objective's horizon.
fn in_execution(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    now: NaiveDateTime,
) -> Result<(Contract, Horizon), IndicatorError> {
    let found: Option<(String, Option<NaiveDateTime>, bool, String)> = objectives::table
        .find(objective)
        .select((objectives::status, objectives::deadline_at, objectives::practice, objectives::horizon))
        .first(conn)
        .optional()?;
    let Some((status, deadline, false, horizon)) = found else { return Err(IndicatorError::NotFound) };
    if Status::effective(&status, deadline, now) != Status::InExecution {
        return Err(IndicatorError::WrongStage);
    }
    let contract = contracts::load(conn, objective)?.ok_or(IndicatorError::WrongStage)?;
    Ok((contract, Horizon::parse(&horizon).unwrap_or(Horizon::Twenty)))
}

/// The milestones an objective's indicators have targets at (its horizon's).
pub fn reach_of(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<&'static [i32]> {
    let horizon: Option<String> =
        objectives::table.find(objective).select(objectives::horizon).first(conn).optional()?;
    Ok(milestones(horizon.as_deref().and_then(Horizon::parse).unwrap_or(Horizon::Twenty)))
}

/// The objective's criteria an indicator may be linked to: (id, French name, English name).
pub fn criteria_of(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<(i64, String, String)>> {
    objective_criteria::table
        .inner_join(criteria::table)
        .filter(objective_criteria::objective_id.eq(objective))
        .order(criteria::id.asc())
        .select((criteria::id, criteria::name_fr, criteria::name_en))
        .load(conn)
}

/// An agent sets an indicator of a contract in execution; returns its id.
pub fn set(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    input: &NewIndicator,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<i64, IndicatorError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (contract, horizon) = in_execution(conn, objective, now)?;
        let reach = milestones(horizon);
        let mut problems = Vec::new();
        if let Some(c) = input.criterion
            && !criteria_of(conn, objective)?.iter().any(|(id, _, _)| *id == c)
        {
            problems.push(Problem::new("criterion", "indicator-error-criterion"));
        }
        if input.targets.iter().any(|(y, _)| !reach.contains(y)) {
            problems.push(Problem::new("target_20", "indicator-error-beyond-horizon"));
        }
        if !problems.is_empty() {
            return Err(IndicatorError::Fields(problems));
        }
        let targets: Vec<Target> = input
            .targets
            .iter()
            .map(|(years, value)| Target {
                years: *years,
                on: contract.signed_on.checked_add_months(Months::new(*years as u32 * 12)).unwrap_or(NaiveDate::MAX),
                value: *value,
            })
            .collect();
        let targets_json = serde_json::to_string(&targets)
            .map_err(|e| IndicatorError::Db(diesel::result::Error::SerializationError(e.into())))?;
        let id: i64 = diesel::insert_into(indicators::table)
            .values((
                indicators::objective_id.eq(objective),
                indicators::criterion_id.eq(input.criterion),
                indicators::name.eq(&input.name),
                indicators::unit.eq(&input.unit),
                indicators::baseline.eq(input.baseline),
                indicators::targets.eq(&targets_json),
                indicators::period_months.eq(input.period_months),
                indicators::created_by.eq(agent),
                indicators::created_at.eq(now),
            ))
            .returning(indicators::id)
            .get_result(conn)?;
        let details = serde_json::json!({
            "indicator": id,
            "name": input.name,
            "baseline": input.baseline,
            "targets": input.targets,
            "period_months": input.period_months,
        });
        record(conn, agent, Event::IndicatorSet, objective, details, now)?;
        Ok(id)
    })
}

type IndicatorRow = (i64, ObjectiveId, Option<i64>, String, String, f64, String, i32, NaiveDateTime);
type ReportRow =
    (i64, i64, i32, f64, String, String, NaiveDateTime, Option<NaiveDateTime>, Option<String>, Option<String>);

/// The columns a [`ReportRow`] is read from, in its order.
type ReportColumns = (
    indicator_reports::id,
    indicator_reports::indicator_id,
    indicator_reports::period,
    indicator_reports::value,
    indicator_reports::comment,
    indicator_reports::state,
    indicator_reports::reported_at,
    indicator_reports::decided_at,
    indicator_reports::reason,
    indicator_reports::evidence,
);
const REPORT_COLUMNS: ReportColumns = (
    indicator_reports::id,
    indicator_reports::indicator_id,
    indicator_reports::period,
    indicator_reports::value,
    indicator_reports::comment,
    indicator_reports::state,
    indicator_reports::reported_at,
    indicator_reports::decided_at,
    indicator_reports::reason,
    indicator_reports::evidence,
);

fn report_of(r: ReportRow) -> Report {
    Report {
        id: r.0,
        indicator: r.1,
        period: r.2,
        value: r.3,
        comment: r.4,
        state: State::parse(&r.5).unwrap_or(State::Submitted),
        reported_at: r.6,
        decided_at: r.7,
        reason: r.8,
        evidence: r.9.as_deref().and_then(|e| serde_json::from_str(e).ok()),
    }
}

fn reports_of(conn: &mut DbConnection, ids: &[i64], validated_only: bool) -> QueryResult<Vec<Report>> {
    let mut q = indicator_reports::table
        .filter(indicator_reports::indicator_id.eq_any(ids.to_vec()))
        .order((indicator_reports::period.asc(), indicator_reports::id.asc()))
        .select(REPORT_COLUMNS)
        .into_boxed();
    if validated_only {
        q = q.filter(indicator_reports::state.eq(State::Validated.as_str()));
    }
    Ok(q.load::<ReportRow>(conn)?.into_iter().map(report_of).collect())
}

/// An objective's indicators with their reports: every report, or only the validated ones (what
/// the public sees).
pub fn of_objective(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    validated_only: bool,
) -> QueryResult<Vec<Indicator>> {
    let rows: Vec<IndicatorRow> = indicators::table
        .filter(indicators::objective_id.eq(objective))
        .order(indicators::id.asc())
        .select((
            indicators::id,
            indicators::objective_id,
            indicators::criterion_id,
            indicators::name,
            indicators::unit,
            indicators::baseline,
            indicators::targets,
            indicators::period_months,
            indicators::created_at,
        ))
        .load(conn)?;
    let names = criteria_of(conn, objective)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let reports = reports_of(conn, &ids, validated_only)?;
    Ok(rows
        .into_iter()
        .map(|r| Indicator {
            id: r.0,
            objective: r.1,
            criterion: r.2.and_then(|c| names.iter().find(|(id, _, _)| *id == c).cloned()),
            name: r.3,
            unit: r.4,
            baseline: r.5,
            targets: serde_json::from_str(&r.6).unwrap_or_default(),
            period_months: r.7,
            created_at: r.8,
            reports: reports.iter().filter(|rep| rep.indicator == r.0).cloned().collect(),
        })
        .collect())
}

/// The objective of an indicator.
pub fn objective_of_indicator(conn: &mut DbConnection, indicator: i64) -> QueryResult<Option<ObjectiveId>> {
    indicators::table.find(indicator).select(indicators::objective_id).first(conn).optional()
}

/// The objective of a report.
pub fn objective_of_report(conn: &mut DbConnection, report: i64) -> QueryResult<Option<ObjectiveId>> {
    indicator_reports::table
        .inner_join(indicators::table)
        .filter(indicator_reports::id.eq(report))
        .select(indicators::objective_id)
        .first(conn)
        .optional()
}

/// Whether `organisation` is among the contract's current holders (a consortium's members too).
pub fn holds(contract: &Contract, organisation: OrganisationId) -> bool {
    contract.current().holders.iter().any(|h| h.members.iter().any(|m| m.organisation_id == organisation.0))
}

/// Whether `organisation` holds the objective's signed contract.
pub fn is_holder(conn: &mut DbConnection, objective: ObjectiveId, organisation: OrganisationId) -> QueryResult<bool> {
    Ok(contracts::load(conn, objective)?.is_some_and(|c| holds(&c, organisation)))
}

/// What a holder types for a report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReportInput {
    pub period: String,
    pub value: String,
    pub comment: String,
    /// The evidence file, already in the upload store (removed by the caller if refused).
    pub evidence: Option<Evidence>,
}

/// A member of a holder organisation reports a value for a period (authorized by the caller
/// through `authz::Action::ReportIndicator`). Refused, nothing written: a period not started yet
/// or after the contract's end, a period already reported and waiting or validated, a value
/// that is not a number, a comment too long.
pub fn report(
    conn: &mut DbConnection,
    indicator: i64,
    input: &ReportInput,
    member: UserId,
    now: NaiveDateTime,
) -> Result<i64, IndicatorError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let objective = objective_of_indicator(conn, indicator)?.ok_or(IndicatorError::NotFound)?;
        let (contract, _) = in_execution(conn, objective, now)?;
        let months: i32 = indicators::table.find(indicator).select(indicators::period_months).first(conn)?;
        let mut problems = Vec::new();
        let count = period_count(contract.current().duration_months, months);
        let number = input.period.trim().parse::<i32>().ok();
        match number {
            Some(n) if (1..=count).contains(&n) => {
                let p = period(contract.signed_on, months, n);
                if p.starts > paris_day(now) {
                    problems.push(
                        Problem::new("period", "indicator-error-period-not-started")
                            .with("date", p.starts.format("%d/%m/%Y")),
                    );
                } else {
                    let taken: i64 = indicator_reports::table
                        .filter(indicator_reports::indicator_id.eq(indicator))
                        .filter(indicator_reports::period.eq(n))
                        .filter(indicator_reports::state.ne(State::SentBack.as_str()))
                        .count()
                        .get_result(conn)?;
                    if taken > 0 {
                        problems.push(Problem::new("period", "indicator-error-period-closed"));
                    }
                }
            }
            _ => problems.push(Problem::new("period", "indicator-error-period").with("count", count)),
        }
        let value = parse_number(&input.value);
        if value.is_none() {
            problems.push(Problem::new("value", "indicator-error-value"));
        }
        if input.comment.chars().count() > COMMENT_MAX {
            problems.push(Problem::new("comment", "indicator-error-comment").with("max", COMMENT_MAX));
        }
        let (Some(n), Some(value), true) = (number, value, problems.is_empty()) else {
            return Err(IndicatorError::Fields(problems));
        };
        let id: i64 = diesel::insert_into(indicator_reports::table)
            .values((
                indicator_reports::indicator_id.eq(indicator),
                indicator_reports::period.eq(n),
                indicator_reports::value.eq(value),
                indicator_reports::comment.eq(input.comment.trim()),
                indicator_reports::evidence
                    .eq(input.evidence.as_ref().map(|e| serde_json::to_string(e).unwrap_or_default())),
                indicator_reports::state.eq(State::Submitted.as_str()),
                indicator_reports::reported_by.eq(member),
                indicator_reports::reported_at.eq(now),
            ))
            .returning(indicator_reports::id)
            .get_result(conn)?;
        let details = serde_json::json!({ "indicator": indicator, "report": id, "period": n, "value": value });
        record(conn, member, Event::IndicatorReported, objective, details, now)?;
        Ok(id)
    })
}

/// A report's objective and evidence.
pub fn evidence_of(conn: &mut DbConnection, report: i64) -> QueryResult<Option<(ObjectiveId, Option<Evidence>)>> {
    let row: Option<(ObjectiveId, Option<String>)> = indicator_reports::table
        .inner_join(indicators::table)
        .filter(indicator_reports::id.eq(report))
        .select((indicators::objective_id, indicator_reports::evidence))
        .first(conn)
        .optional()?;
    Ok(row.map(|(o, e)| (o, e.as_deref().and_then(|e| serde_json::from_str(e).ok()))))
}

/// An agent's decision on a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Validate,
    /// Send it back with a reason: the holder reports that period again.
    SendBack(String),
}

/// An agent validates a submitted report, or sends it back with a reason.
pub fn decide(
    conn: &mut DbConnection,
    report: i64,
    decision: &Decision,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<ObjectiveId, IndicatorError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let objective = objective_of_report(conn, report)?.ok_or(IndicatorError::NotFound)?;
        in_execution(conn, objective, now)?;
        if let Decision::SendBack(reason) = decision {
            let n = reason.trim().chars().count();
            if !(REASON_MIN..=COMMENT_MAX).contains(&n) {
                return Err(IndicatorError::Fields(vec![
                    Problem::new("reason", "indicator-error-reason").with("min", REASON_MIN),
                ]));
            }
        }
        let (state, reason, event) = match decision {
            Decision::Validate => (State::Validated, None, Event::IndicatorReportValidated),
            Decision::SendBack(r) => (State::SentBack, Some(r.trim().to_owned()), Event::IndicatorReportSentBack),
        };
        let changed = diesel::update(
            indicator_reports::table
                .filter(indicator_reports::id.eq(report))
                .filter(indicator_reports::state.eq(State::Submitted.as_str())),
        )
        .set((
            indicator_reports::state.eq(state.as_str()),
            indicator_reports::decided_by.eq(Some(agent)),
            indicator_reports::decided_at.eq(Some(now)),
            indicator_reports::reason.eq(reason.clone()),
        ))
        .execute(conn)?;
        if changed == 0 {
            return Err(IndicatorError::AlreadyDecided);
        }
        record(conn, agent, event, objective, serde_json::json!({ "report": report, "reason": reason }), now)?;
        Ok(objective)
    })
}

/// A report waiting for its holder: an indicator's period that has started, with no report
/// waiting for the agent or validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub objective: ObjectiveId,
    pub title: String,
    pub indicator: i64,
    pub name: String,
    pub period: Period,
    /// The period has ended: the report is late.
    pub late: bool,
}

/// The reports due from `organisation` across the contracts it holds, oldest period first.
pub fn due_for(conn: &mut DbConnection, organisation: OrganisationId, now: NaiveDateTime) -> QueryResult<Vec<Due>> {
    let today = paris_day(now);
    let mut out = Vec::new();
    let signed: Vec<(ObjectiveId, String, String)> = crate::db::schema::contracts::table
        .inner_join(objectives::table.on(objectives::id.eq(crate::db::schema::contracts::objective_id)))
        .filter(objectives::status.eq(Status::InExecution.as_str()))
        .select((crate::db::schema::contracts::objective_id, objectives::title, objectives::status))
        .load(conn)?;
    for (objective, title, _) in signed {
        let Some(contract) = contracts::load(conn, objective)? else { continue };
        if !holds(&contract, organisation) {
            continue;
        }
        let count_of = |months| period_count(contract.current().duration_months, months);
        for i in of_objective(conn, objective, false)? {
            for n in 1..=count_of(i.period_months) {
                let p = period(contract.signed_on, i.period_months, n);
                if p.starts > today {
                    break;
                }
                if i.reports.iter().any(|r| r.period == n && r.state != State::SentBack) {
                    continue;
                }
                out.push(Due {
                    objective,
                    title: title.clone(),
                    indicator: i.id,
                    name: i.name.clone(),
                    period: p,
                    late: p.ends <= today,
                });
            }
        }
    }
    out.sort_by_key(|d| (d.period.ends, d.indicator));
    Ok(out)
}

/// A report waiting for an agent's decision.
#[derive(Debug, Clone, PartialEq)]
pub struct Waiting {
    pub objective: ObjectiveId,
    pub title: String,
    pub indicator: String,
    pub report: Report,
}

/// Every submitted report, oldest first (the agents' work list).
pub fn to_validate(conn: &mut DbConnection) -> QueryResult<Vec<Waiting>> {
    let rows: Vec<(ReportRow, ObjectiveId, String, String)> = indicator_reports::table
        .inner_join(indicators::table.inner_join(objectives::table.on(objectives::id.eq(indicators::objective_id))))
        .filter(indicator_reports::state.eq(State::Submitted.as_str()))
        .order(indicator_reports::reported_at.asc())
        .select((REPORT_COLUMNS, indicators::objective_id, objectives::title, indicators::name))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(r, objective, title, indicator)| Waiting { objective, title, indicator, report: report_of(r) })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> FormPairs {
        v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn an_indicator_is_on_track_when_it_has_come_as_far_as_the_time_elapsed() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let signed = d(2026, 1, 1);
        // From 100 down to 50 in five years, then to 20 in ten.
        let targets =
            [Target { years: 5, on: d(2031, 1, 1), value: 50.0 }, Target { years: 10, on: d(2036, 1, 1), value: 20.0 }];
        assert_eq!(track(100.0, &targets, signed, None), Track::NotReported);
        // After one year of five: a fifth of the way (90) is the trajectory.
        let year1 = d(2027, 1, 1);
        assert_eq!(track(100.0, &targets, signed, Some((year1, 89.0))), Track::OnTrack);
        assert_eq!(track(100.0, &targets, signed, Some((year1, 90.0))), Track::OnTrack);
        assert_eq!(track(100.0, &targets, signed, Some((year1, 91.0))), Track::Behind);
        // Going the wrong way is behind.
        assert_eq!(track(100.0, &targets, signed, Some((year1, 120.0))), Track::Behind);
        // Past the first target, the line runs to the second one (52 in 2032).
        assert_eq!(track(100.0, &targets, signed, Some((d(2032, 1, 1), 55.0))), Track::Behind);
        assert_eq!(track(100.0, &targets, signed, Some((d(2032, 1, 1), 30.0))), Track::OnTrack);
        // Past every target: the last one must be reached.
        assert_eq!(track(100.0, &targets, signed, Some((d(2040, 1, 1), 21.0))), Track::Behind);
        assert_eq!(track(100.0, &targets, signed, Some((d(2040, 1, 1), 20.0))), Track::OnTrack);
        // Upwards too.
        let up = [Target { years: 5, on: d(2031, 1, 1), value: 10.0 }];
        assert_eq!(track(0.0, &up, signed, Some((year1, 2.5))), Track::OnTrack);
        assert_eq!(track(0.0, &up, signed, Some((year1, 1.0))), Track::Behind);
        // A target equal to the baseline: staying is on track, moving is not.
        let stay = [Target { years: 5, on: d(2031, 1, 1), value: 7.0 }];
        assert_eq!(track(7.0, &stay, signed, Some((year1, 7.0))), Track::OnTrack);
        assert_eq!(track(7.0, &stay, signed, Some((year1, 8.0))), Track::Behind);
    }

    #[test]
    fn numbers_are_read_in_french_or_english_notation() {
        assert_eq!(parse_number("1 234,5"), Some(1234.5));
        assert_eq!(parse_number("-3.25"), Some(-3.25));
        assert_eq!(parse_number("douze"), None);
        assert_eq!(parse_number(""), None);
        assert_eq!(parse_number("NaN"), None);
        assert_eq!(parse_number("inf"), None);
    }

    #[test]
    fn periods_are_counted_from_the_signature() {
        let d = NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let p = period(d, 12, 2);
        assert_eq!(
            (p.starts, p.ends),
            (NaiveDate::from_ymd_opt(2028, 1, 31).unwrap(), NaiveDate::from_ymd_opt(2029, 1, 31).unwrap())
        );
        assert_eq!(period(d, 1, 2).starts, NaiveDate::from_ymd_opt(2027, 2, 28).unwrap());
        assert_eq!(period_count(48, 12), 4);
        assert_eq!(period_count(50, 12), 5);
        assert_eq!(milestones(Horizon::Ten), &[5, 10]);
    }

    #[test]
    fn the_form_names_every_refused_field() {
        let problems = parse(&pairs(&[("baseline", "beaucoup"), ("target_5", "x"), ("period_months", "7")]), &[5, 10])
            .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        for f in ["name", "unit", "baseline", "target_5", "period_months"] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
        let ok = parse(
            &pairs(&[
                ("name", "Chaleur renouvelable"),
                ("unit", "%"),
                ("baseline", "12,5"),
                ("target_5", "40"),
                ("target_20", "90"),
            ]),
            &[5, 10],
        );
        // The 20-year target is beyond a 10-year horizon: ignored on the form.
        assert_eq!(ok.unwrap().targets, vec![(5, 40.0)]);
        let none = parse(&pairs(&[("name", "N"), ("unit", "u"), ("baseline", "1")]), &[5]).unwrap_err();
        assert_eq!(none[0].field, "target_5");
    }
}
