//! The end of an evaluation: the chair adjusts the rule's shortlist (a written reason per change)
//! and records the committee's decision, which freezes the ranking; an agent then publishes the
//! results, and every depositor is told.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::board::{self, Board};
use super::sensitivity;
use super::{EvaluationError, REASON_MIN, TEXT_MAX, record};
use crate::db::ids::{ObjectiveId, ProposalId, UserId};
use crate::db::schema::{objectives, proposals, shortlist_changes, shortlist_decisions, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;
use crate::domain::objectives::Status;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub(super) fn chaired_board(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    chair: UserId,
) -> Result<Board, EvaluationError> {
    let b = board::load(conn, objective)?.ok_or(EvaluationError::NotFound)?;
    if !b.opened() {
        return Err(EvaluationError::NotOpened);
    }
    if b.decision.is_some() {
        return Err(EvaluationError::Decided);
    }
    // A chair in conflict on any proposal sees no ranking: the agent appoints another chair.
    b.chair_may_act(chair)?;
    Ok(b)
}

/// The chair puts a proposal in or out of the shortlist, against the rule, with a reason.
/// Choosing what the rule gives again removes the change.
pub fn change_shortlist(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    proposal: ProposalId,
    shortlisted: bool,
    reason: &str,
    chair: UserId,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    let reason = reason.trim();
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = chaired_board(conn, objective, chair)?;
        let results = b.results();
        let result = results.iter().find(|r| r.proposal == proposal).ok_or(EvaluationError::NotFound)?;
        if shortlisted && result.excluded.is_some() {
            return Err(EvaluationError::Excluded);
        }
        let by_rule = super::aggregate::shortlist(&results, b.rule()).contains(&proposal);
        diesel::delete(shortlist_changes::table.find((objective, proposal))).execute(conn)?;
        if shortlisted != by_rule {
            let n = reason.chars().count();
            if !(REASON_MIN..=TEXT_MAX).contains(&n) {
                return Err(EvaluationError::ReasonRequired);
            }
            diesel::insert_into(shortlist_changes::table)
                .values((
                    shortlist_changes::objective_id.eq(objective),
                    shortlist_changes::proposal_id.eq(proposal),
                    shortlist_changes::shortlisted.eq(shortlisted),
                    shortlist_changes::reason.eq(reason),
                    shortlist_changes::changed_by.eq(chair),
                    shortlist_changes::changed_at.eq(now),
                ))
                .execute(conn)?;
        }
        record(
            conn,
            chair,
            Event::ShortlistChanged,
            objective,
            serde_json::json!({ "proposal": proposal.0, "shortlisted": shortlisted, "by_rule": by_rule }),
            now,
        )?;
        Ok(())
    })
}

/// The frozen outcome of a decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Outcome {
    pub ranking: Vec<Ranked>,
    pub shortlist: Vec<i64>,
    pub sensitivity_seed: u64,
    pub sensitivity_samples: usize,
    /// When the committee decided with disagreements still open (no consensus score on a
    /// criterion where members differ widely): how many, and the chair's written reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_disagreements: Option<OpenDisagreements>,
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OpenDisagreements {
    pub count: usize,
    pub reason: String,
}

/// How many disagreements are still open: members differ widely on a criterion and the chair
/// recorded no consensus score for it.
pub fn open_disagreements(results: &[super::aggregate::ProposalResult]) -> usize {
    results.iter().flat_map(|r| r.criteria.iter()).filter(|c| c.disagreement && !c.from_consensus).count()
}

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ranked {
    pub proposal: i64,
    pub rank: Option<usize>,
    pub total: f64,
    pub excluded: bool,
    pub robust: bool,
}

/// The decided shortlists of some objectives, read from their recorded decisions.
pub fn shortlists(
    conn: &mut DbConnection,
    objectives: &[ObjectiveId],
) -> diesel::QueryResult<std::collections::HashMap<ObjectiveId, Vec<ProposalId>>> {
    let rows: Vec<(ObjectiveId, String)> = shortlist_decisions::table
        .filter(shortlist_decisions::objective_id.eq_any(objectives))
        .select((shortlist_decisions::objective_id, shortlist_decisions::outcome))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(o, json)| {
            let outcome: Outcome = serde_json::from_str(&json).ok()?;
            Some((o, outcome.shortlist.into_iter().map(ProposalId).collect()))
        })
        .collect())
}

/// The seed of an objective's sensitivity analysis: fixed, so everyone recomputes the same.
pub fn seed(objective: ObjectiveId) -> u64 {
    0x5EED_0000_0000_0000 ^ objective.0 as u64
}

/// Whether the committee may decide now, before any reason is asked: not decided yet, and every
/// member has submitted on every proposal they are not conflicted with.
pub fn decidable(b: &Board) -> Result<(), EvaluationError> {
    if b.decision.is_some() {
        return Err(EvaluationError::Decided);
    }
    match b.pending() {
        0 => Ok(()),
        n => Err(EvaluationError::Incomplete(n)),
    }
}

/// Records the committee's decision: every member has submitted on every proposal they are not
/// conflicted on. Scores and the shortlist are frozen from then on. Disagreements still open block
/// the decision unless the chair writes why the committee decides anyway (`reason`, ignored when
/// none is open).
pub fn decide(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    chair: UserId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    let reason = reason.trim();
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = chaired_board(conn, objective, chair)?;
        decidable(&b)?;
        let results = b.results();
        let open = open_disagreements(&results);
        let open_disagreements = if open > 0 {
            if !(REASON_MIN..=TEXT_MAX).contains(&reason.chars().count()) {
                return Err(EvaluationError::DisagreementsOpen(open));
            }
            Some(OpenDisagreements { count: open, reason: reason.to_owned() })
        } else {
            None
        };
        let shortlist = b.shortlist(&results);
        let analysis =
            sensitivity::analyse(&b.specs(), &results, b.rule(), sensitivity::DEFAULT_SAMPLES, seed(objective));
        let outcome = Outcome {
            ranking: results
                .iter()
                .map(|r| Ranked {
                    proposal: r.proposal.0,
                    rank: r.rank,
                    total: r.total,
                    excluded: r.excluded.is_some(),
                    robust: analysis.rows.iter().any(|x| x.proposal == r.proposal && x.robust),
                })
                .collect(),
            shortlist: shortlist.iter().map(|p| p.0).collect(),
            sensitivity_seed: analysis.seed,
            sensitivity_samples: analysis.samples,
            open_disagreements,
        };
        diesel::insert_into(shortlist_decisions::table)
            .values((
                shortlist_decisions::objective_id.eq(objective),
                shortlist_decisions::decided_by.eq(chair),
                shortlist_decisions::decided_at.eq(now),
                shortlist_decisions::outcome.eq(serde_json::to_string(&outcome).unwrap_or_default()),
            ))
            .execute(conn)?;
        record(
            conn,
            chair,
            Event::EvaluationDecided,
            objective,
            serde_json::json!({
                "shortlist": outcome.shortlist,
                "open_disagreements": outcome.open_disagreements.as_ref().map_or(0, |o| o.count),
            }),
            now,
        )?;
        Ok(())
    })
}

/// An agent publishes the decided results: the objective moves to "results published", and every
/// organisation that proposed something is told by e-mail.
pub fn publish(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    agent: UserId,
    per_criterion: bool,
    link: &dyn Fn(ProposalId) -> String,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = board::load(conn, objective)?.ok_or(EvaluationError::NotFound)?;
        if b.decision.is_none() {
            return Err(EvaluationError::NotDecided);
        }
        let status = b.objective.status_at(now);
        if crate::domain::objectives::next(status, crate::domain::objectives::Transition::PublishResults).is_none() {
            return Err(EvaluationError::WrongStage);
        }
        diesel::update(objectives::table.find(objective))
            .set((
                objectives::status.eq(Status::ResultsPublished.as_str()),
                objectives::results_published_at.eq(Some(now)),
                objectives::results_per_criterion.eq(per_criterion),
                objectives::updated_at.eq(now),
            ))
            .execute(conn)?;
        let details = serde_json::json!({ "per_criterion": per_criterion });
        record(conn, agent, Event::ResultsPublished, objective, details, now)?;
        // Every organisation that deposited, opened or not, with its consortium members, is told.
        let deposited: Vec<ProposalId> = crate::db::schema::deposits::table
            .filter(crate::db::schema::deposits::objective_id.eq(objective))
            .select(crate::db::schema::deposits::proposal_id)
            .distinct()
            .load(conn)?;
        let mut organisations: Vec<(ProposalId, crate::db::ids::OrganisationId)> = proposals::table
            .filter(proposals::id.eq_any(&deposited))
            .select((proposals::id, proposals::organisation_id))
            .load(conn)?;
        organisations.extend(
            crate::db::schema::consortium_members::table
                .filter(crate::db::schema::consortium_members::proposal_id.eq_any(&deposited))
                .filter(crate::db::schema::consortium_members::confirmed_at.is_not_null())
                .select((
                    crate::db::schema::consortium_members::proposal_id,
                    crate::db::schema::consortium_members::organisation_id,
                ))
                .load::<(ProposalId, crate::db::ids::OrganisationId)>(conn)?,
        );
        let mut rows: Vec<(ProposalId, String, String)> = Vec::new();
        for (proposal, org) in organisations {
            let people: Vec<(String, String)> = users::table
                .filter(users::organisation_id.eq(org))
                .filter(users::disabled_at.is_null())
                .filter(users::email_verified_at.is_not_null())
                .select((users::email, users::locale))
                .load(conn)?;
            rows.extend(people.into_iter().map(|(e, l)| (proposal, e, l)));
        }
        for (proposal, email, locale) in rows {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            outbox::enqueue(
                conn,
                &templates::results_published(lang, &email, &b.objective.title, &link(proposal)),
                now,
            )?;
        }
        Ok(())
    })
}
