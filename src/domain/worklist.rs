//! What waits for each person after sign-in: the facts behind each role's home (`/work`).
//!
//! Each function answers for one role in a few indexed queries, bounded however large the
//! platform grows: counts, and at most [`LIMIT`] items of each list, oldest first (what has waited
//! longest comes first). The rules of who may see what stay in `authz`; these functions only read.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{
    committee_members, conflict_declarations, deposits, evaluations, letters, message_reports, objectives, practices,
    proposals, questions, shortlist_decisions,
};
use crate::domain::objectives::{Objective, Status};
use crate::domain::proposals::DashboardRow;

/// The most items a list of the home shows; the count says how many there are in all.
pub const LIMIT: i64 = 10;

/// An objective as a line of work: its id, title and deadline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveLine {
    pub id: ObjectiveId,
    pub title: String,
    pub deadline: Option<NaiveDateTime>,
}

/// A public question still waiting for its answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingQuestion {
    pub objective: ObjectiveId,
    pub objective_title: String,
    pub question: String,
    pub asked_at: NaiveDateTime,
}

/// A supplier organisation's home: its proposals (with their deposits) and its unread letters.
pub struct SupplierWork {
    pub proposals: Vec<DashboardRow>,
    pub unread_letters: i64,
    /// The indicator reports due from the organisation on the contracts it holds.
    pub reports_due: Vec<crate::domain::award::indicators::Due>,
    /// The change-support actions planned up to today that the organisation has to record.
    pub support_to_record: Vec<crate::domain::award::change_support::ToRecord>,
    /// The contracts in execution the organisation holds: (objective, title).
    pub contracts: Vec<(crate::db::ids::ObjectiveId, String)>,
}

pub fn supplier(conn: &mut DbConnection, org: OrganisationId, now: NaiveDateTime) -> QueryResult<SupplierWork> {
    let proposals = crate::domain::proposals::dashboard(conn, org)?;
    let unread_letters = letters::table
        .filter(letters::organisation_id.eq(org))
        .filter(letters::first_opened_at.is_null())
        .count()
        .get_result(conn)?;
    let reports_due = crate::domain::award::indicators::due_for(conn, org, now)?;
    let support_to_record = crate::domain::award::change_support::to_record(conn, org, now)?;
    let contracts = crate::domain::award::contracts::held_by(conn, org)?;
    Ok(SupplierWork { proposals, unread_letters, reports_due, support_to_record, contracts })
}

/// An agent's home: objectives by stage, and what waits for an agent's action.
#[derive(Debug, Default)]
pub struct AgentWork {
    /// How many objectives are at each stage (as the public reads it: past its deadline, a
    /// published objective is closed).
    pub by_status: Vec<(Status, i64)>,
    pub questions: Vec<WaitingQuestion>,
    pub questions_total: i64,
    /// Closed: their proposals wait to be opened.
    pub to_open: Vec<ObjectiveLine>,
    /// The committee decided: the results wait to be published.
    pub to_publish: Vec<ObjectiveLine>,
    /// Results published: the award (or its absence) waits.
    pub to_award: Vec<ObjectiveLine>,
    /// Awarded: the contract waits to be signed once the standstill ends.
    pub to_sign: Vec<ObjectiveLine>,
    pub practices_to_review: i64,
    /// Indicator reports submitted by holders, waiting for validation.
    pub reports_to_validate: Vec<crate::domain::award::indicators::Waiting>,
    /// Stored files found altered in the last 30 days (`domain::integrity`).
    pub altered_files: Vec<crate::domain::integrity::Alert>,
}

fn lines(conn: &mut DbConnection, ids: &[ObjectiveId]) -> QueryResult<Vec<ObjectiveLine>> {
    let rows: Vec<(ObjectiveId, String, Option<NaiveDateTime>)> = objectives::table
        .filter(objectives::id.eq_any(ids))
        .order((objectives::deadline_at.asc(), objectives::id.asc()))
        .select((objectives::id, objectives::title, objectives::deadline_at))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, title, deadline)| ObjectiveLine { id, title, deadline }).collect())
}

fn with_status(conn: &mut DbConnection, status: Status) -> QueryResult<Vec<ObjectiveId>> {
    objectives::table
        .filter(objectives::status.eq(status.as_str()))
        .filter(objectives::practice.eq(false))
        .order((objectives::updated_at.asc(), objectives::id.asc()))
        .limit(LIMIT)
        .select(objectives::id)
        .load(conn)
}

pub fn agent(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<AgentWork> {
    let stored: Vec<(String, i64)> = objectives::table
        .filter(objectives::practice.eq(false))
        .group_by(objectives::status)
        .select((objectives::status, diesel::dsl::count_star()))
        .load(conn)?;
    // A published objective past its deadline is closed, though its row still says published.
    let closed: i64 = objectives::table
        .filter(objectives::practice.eq(false))
        .filter(objectives::status.eq(Status::Published.as_str()))
        .filter(objectives::deadline_at.le(now))
        .count()
        .get_result(conn)?;
    let mut by_status: Vec<(Status, i64)> = Status::ALL
        .iter()
        .map(|s| {
            let n = stored.iter().find(|(name, _)| name == s.as_str()).map_or(0, |(_, n)| *n);
            let n = match s {
                Status::Published => n - closed,
                Status::Closed => n + closed,
                _ => n,
            };
            (*s, n)
        })
        .collect();
    by_status.retain(|(_, n)| *n > 0);

    let waiting = questions::table
        .inner_join(objectives::table)
        .filter(questions::answered_at.is_null())
        .filter(objectives::status.eq(Status::Published.as_str()));
    let questions_total: i64 = waiting.count().get_result(conn)?;
    let rows: Vec<(ObjectiveId, String, String, NaiveDateTime)> = waiting
        .order((questions::asked_at.asc(), questions::id.asc()))
        .limit(LIMIT)
        .select((objectives::id, objectives::title, questions::question, questions::asked_at))
        .load(conn)?;
    let questions = rows
        .into_iter()
        .map(|(objective, objective_title, question, asked_at)| WaitingQuestion {
            objective,
            objective_title,
            question,
            asked_at,
        })
        .collect();

    let to_open: Vec<ObjectiveId> = objectives::table
        .filter(objectives::practice.eq(false))
        .filter(objectives::status.eq(Status::Published.as_str()))
        .filter(objectives::deadline_at.le(now))
        .order((objectives::deadline_at.asc(), objectives::id.asc()))
        .limit(LIMIT)
        .select(objectives::id)
        .load(conn)?;
    let to_publish: Vec<ObjectiveId> = objectives::table
        .filter(objectives::status.eq(Status::UnderEvaluation.as_str()))
        .filter(objectives::id.eq_any(shortlist_decisions::table.select(shortlist_decisions::objective_id)))
        .order((objectives::updated_at.asc(), objectives::id.asc()))
        .limit(LIMIT)
        .select(objectives::id)
        .load(conn)?;
    let to_award = with_status(conn, Status::ResultsPublished)?;
    let to_sign = with_status(conn, Status::Awarded)?;
    let practices_to_review = practices::table
        .filter(practices::status.eq(crate::domain::network::practices::Status::Submitted.as_str()))
        .count()
        .get_result(conn)?;
    Ok(AgentWork {
        by_status,
        questions,
        questions_total,
        to_open: lines(conn, &to_open)?,
        to_publish: lines(conn, &to_publish)?,
        to_award: lines(conn, &to_award)?,
        to_sign: lines(conn, &to_sign)?,
        practices_to_review,
        reports_to_validate: crate::domain::award::indicators::to_validate(conn)?,
        altered_files: crate::domain::integrity::alerts(conn, None, Some(now - chrono::Duration::days(30)), LIMIT)?,
    })
}

/// One committee seat: the objective, whether the member chairs it, and what remains to score.
/// The home shows at most [`LIMIT`] of them.
#[derive(Debug, Clone)]
pub struct Seat {
    pub objective: Objective,
    pub chair: bool,
    /// Opened proposals the member may score (those of declared conflicts left out).
    pub to_evaluate: i64,
    /// Of those, the evaluations the member has submitted.
    pub submitted: i64,
}

pub fn committee(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<Seat>> {
    use diesel::dsl::{count, count_star};
    use diesel::expression_methods::AggregateExpressionMethods;
    use std::collections::HashMap;

    // At most LIMIT seats: those under evaluation first (there is work), then those still open
    // (waiting for their deadline), each by deadline; /evaluations lists them all.
    let at = |conn: &mut DbConnection, status: Status, n: i64| {
        committee_members::table
            .inner_join(objectives::table)
            .filter(committee_members::user_id.eq(user))
            .filter(objectives::status.eq(status.as_str()))
            .order((objectives::deadline_at.asc(), objectives::id.asc()))
            .limit(n)
            .select((Objective::as_select(), committee_members::chair))
            .load::<(Objective, bool)>(conn)
    };
    let mut seats = at(conn, Status::UnderEvaluation, LIMIT)?;
    if (seats.len() as i64) < LIMIT {
        let more = at(conn, Status::Published, LIMIT - seats.len() as i64)?;
        seats.extend(more);
    }
    let ids: Vec<ObjectiveId> = seats.iter().map(|(o, _)| o.id).collect();
    // A few grouped queries for every seat at once, however many seats and proposals: what is
    // opened and what the member submitted, per objective, then the part of the organisations
    // the member declared a conflict with, taken off.
    let opened: HashMap<ObjectiveId, i64> = deposits::table
        .inner_join(proposals::table)
        .filter(proposals::objective_id.eq_any(&ids))
        .filter(deposits::opened_at.is_not_null())
        .group_by(proposals::objective_id)
        .select((proposals::objective_id, count(deposits::proposal_id).aggregate_distinct()))
        .load::<(ObjectiveId, i64)>(conn)?
        .into_iter()
        .collect();
    let submitted: HashMap<ObjectiveId, i64> = evaluations::table
        .filter(evaluations::objective_id.eq_any(&ids))
        .filter(evaluations::user_id.eq(user))
        .filter(evaluations::submitted_at.is_not_null())
        .group_by(evaluations::objective_id)
        .select((evaluations::objective_id, count_star()))
        .load::<(ObjectiveId, i64)>(conn)?
        .into_iter()
        .collect();
    let conflicts: Vec<(ObjectiveId, OrganisationId)> = conflict_declarations::table
        .filter(conflict_declarations::objective_id.eq_any(&ids))
        .filter(conflict_declarations::user_id.eq(user))
        .filter(conflict_declarations::conflict.eq(true))
        .select((conflict_declarations::objective_id, conflict_declarations::organisation_id))
        .load(conn)?;
    let mut hidden_opened: HashMap<ObjectiveId, i64> = HashMap::new();
    let mut hidden_submitted: HashMap<ObjectiveId, i64> = HashMap::new();
    for (objective, organisation) in conflicts {
        let n: i64 = deposits::table
            .inner_join(proposals::table)
            .filter(proposals::objective_id.eq(objective))
            .filter(proposals::organisation_id.eq(organisation))
            .filter(deposits::opened_at.is_not_null())
            .select(count(deposits::proposal_id).aggregate_distinct())
            .get_result(conn)?;
        *hidden_opened.entry(objective).or_default() += n;
        let n: i64 = evaluations::table
            .inner_join(proposals::table)
            .filter(evaluations::objective_id.eq(objective))
            .filter(evaluations::user_id.eq(user))
            .filter(evaluations::submitted_at.is_not_null())
            .filter(proposals::organisation_id.eq(organisation))
            .count()
            .get_result(conn)?;
        *hidden_submitted.entry(objective).or_default() += n;
    }
    Ok(seats
        .into_iter()
        .map(|(objective, chair)| {
            let id = objective.id;
            let get = |m: &HashMap<ObjectiveId, i64>| m.get(&id).copied().unwrap_or(0);
            let to_evaluate = (get(&opened) - get(&hidden_opened)).max(0);
            let submitted = (get(&submitted) - get(&hidden_submitted)).clamp(0, to_evaluate);
            Seat { objective, chair, to_evaluate, submitted }
        })
        .collect())
}

/// An administrator's queue.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct AdminWork {
    pub reports_open: i64,
}

pub fn admin(conn: &mut DbConnection) -> QueryResult<AdminWork> {
    let reports_open =
        message_reports::table.filter(message_reports::resolved_at.is_null()).count().get_result(conn)?;
    Ok(AdminWork { reports_open })
}

/// A user of the purchase's home: the delivered actions of their purchases they have not rated.
/// `None` for someone who is not a user of any purchase.
pub fn purchase_user(
    conn: &mut DbConnection,
    user: UserId,
) -> QueryResult<Option<Vec<crate::domain::award::change_support::ToRate>>> {
    if !crate::domain::award::change_support::is_user_of_any(conn, user)? {
        return Ok(None);
    }
    crate::domain::award::change_support::to_rate(conn, user).map(Some)
}
