//! What committee members do: declare conflicts of interest, score (drafts, then a submission that
//! locks), and what the chair does on scores: reopen a member's evaluation, settle a criterion by
//! consensus. Every change of a score is kept in `score_history`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::board::{self, Board, Scope};
use super::{EvaluationError, JUSTIFICATION_MIN, TEXT_MAX, record};
use crate::db::ids::{CriterionId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{conflict_declarations, consensus_scores, evaluations, score_history, scores};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;

/// The board of an objective whose proposals are open to the committee and not decided yet.
fn open_board(conn: &mut DbConnection, objective: ObjectiveId, scope: Scope) -> Result<Board, EvaluationError> {
    let b = board::load_scoped(conn, objective, scope)?.ok_or(EvaluationError::NotFound)?;
    if !b.opened() {
        return Err(EvaluationError::NotOpened);
    }
    if b.decision.is_some() {
        return Err(EvaluationError::Decided);
    }
    Ok(b)
}

/// One answer of a declaration: the organisation, conflict or not, and the note (required for a
/// conflict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub organisation: OrganisationId,
    pub conflict: bool,
    pub note: String,
}

/// Records a member's declarations, one per depositing organisation, all at once.
pub fn declare(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    user: UserId,
    answers: &[Answer],
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = open_board(conn, objective, Scope::Member { user, proposal: None })?;
        b.member(user).ok_or(EvaluationError::NotMember)?;
        let organisations = b.depositing_organisations();
        // A declared conflict is one-way: the member cannot take it back (withdrawing it would
        // show which blind proposal reappears, and so whose it is); only an agent lifts it, with a
        // reason (`committee::lift_conflict`). Its answer may be left out of a later form.
        let standing =
            |org: OrganisationId| b.declarations.iter().any(|d| d.user == user && d.organisation == org && d.conflict);
        if answers.iter().any(|a| !a.conflict && standing(a.organisation)) {
            return Err(EvaluationError::ConflictIsFinal);
        }
        let mut problems = Vec::new();
        for (org, _) in &organisations {
            match answers.iter().find(|a| a.organisation == *org) {
                None if standing(*org) => {}
                None => problems.push(format!("org_{org}")),
                Some(a) if a.conflict && a.note.trim().is_empty() => problems.push(format!("note_{org}")),
                Some(a) if a.note.chars().count() > TEXT_MAX => problems.push(format!("note_{org}")),
                Some(_) => {}
            }
        }
        if !problems.is_empty() {
            return Err(EvaluationError::Declarations(problems));
        }
        for a in answers
            .iter()
            .filter(|a| organisations.iter().any(|(o, _)| *o == a.organisation) && !standing(a.organisation))
        {
            diesel::delete(conflict_declarations::table.find((objective, user, a.organisation))).execute(conn)?;
            diesel::insert_into(conflict_declarations::table)
                .values((
                    conflict_declarations::objective_id.eq(objective),
                    conflict_declarations::user_id.eq(user),
                    conflict_declarations::organisation_id.eq(a.organisation),
                    conflict_declarations::conflict.eq(a.conflict),
                    conflict_declarations::note.eq(a.note.trim()),
                    conflict_declarations::declared_at.eq(now),
                ))
                .execute(conn)?;
        }
        let conflicts =
            answers.iter().filter(|a| a.conflict && organisations.iter().any(|(o, _)| *o == a.organisation)).count();
        record(conn, user, Event::ConflictsDeclared, objective, serde_json::json!({ "conflicts": conflicts }), now)?;
        Ok(())
    })
}

/// A member's input on one criterion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreInput {
    pub criterion: CriterionId,
    pub score: Option<i32>,
    pub justification: String,
}

/// Saves a member's evaluation of a proposal as a draft, or submits it (which locks it). A draft
/// may be partial; a submission needs a score and a justification of at least 30 characters on
/// every criterion.
pub fn save(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    proposal: ProposalId,
    user: UserId,
    inputs: &[ScoreInput],
    submit: bool,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = open_board(conn, objective, Scope::Member { user, proposal: Some(proposal) })?;
        b.member(user).ok_or(EvaluationError::NotMember)?;
        b.proposal(proposal).ok_or(EvaluationError::NotFound)?;
        if !b.declared_all(user) {
            return Err(EvaluationError::DeclareFirst);
        }
        if b.conflicted(user, proposal) {
            return Err(EvaluationError::Conflicted);
        }
        let existing = b.evaluation(user, proposal).cloned();
        if existing.as_ref().is_some_and(|e| e.submitted_at.is_some()) {
            return Err(EvaluationError::Submitted);
        }
        let mut problems = Vec::new();
        for c in &b.criteria {
            let id = c.weighted.criterion_id;
            let input = inputs.iter().find(|i| i.criterion == id);
            let score = input.and_then(|i| i.score);
            let justification = input.map(|i| i.justification.trim()).unwrap_or("");
            if score.is_some_and(|s| !(0..=5).contains(&s)) {
                problems.push((id, "score-error-range"));
            } else if justification.chars().count() > TEXT_MAX {
                problems.push((id, "score-error-long"));
            } else if submit && score.is_none() {
                problems.push((id, "score-error-missing"));
            } else if submit && justification.chars().count() < JUSTIFICATION_MIN {
                problems.push((id, "score-error-justification"));
            }
        }
        if !problems.is_empty() {
            return Err(EvaluationError::Scores(problems));
        }
        // An empty draft stores nothing (and does not make the member pending).
        if existing.is_none()
            && !submit
            && inputs.iter().all(|i| i.score.is_none() && i.justification.trim().is_empty())
        {
            return Ok(());
        }
        let evaluation = match &existing {
            Some(e) => {
                diesel::update(evaluations::table.find(e.id)).set(evaluations::updated_at.eq(now)).execute(conn)?;
                e.id
            }
            None => diesel::insert_into(evaluations::table)
                .values((
                    evaluations::objective_id.eq(objective),
                    evaluations::proposal_id.eq(proposal),
                    evaluations::user_id.eq(user),
                    evaluations::updated_at.eq(now),
                ))
                .returning(evaluations::id)
                .get_result(conn)?,
        };
        let before = existing.as_ref().map(|e| b.scores_of(e.id)).unwrap_or_default();
        for c in &b.criteria {
            let id = c.weighted.criterion_id;
            let input = inputs.iter().find(|i| i.criterion == id);
            let score = input.and_then(|i| i.score);
            let justification = input.map(|i| i.justification.trim().to_owned()).unwrap_or_default();
            let old = before.iter().find(|s| s.criterion == id);
            let old_score = old.and_then(|s| s.score);
            let changed = old.map(|s| (s.score, s.justification.as_str())) != Some((score, justification.as_str()));
            if !changed || (old.is_none() && score.is_none() && justification.is_empty()) {
                continue;
            }
            diesel::delete(scores::table.find((evaluation, id))).execute(conn)?;
            // A draft keeps a justification written before the score is chosen.
            if score.is_some() || !justification.is_empty() {
                diesel::insert_into(scores::table)
                    .values((
                        scores::evaluation_id.eq(evaluation),
                        scores::criterion_id.eq(id),
                        scores::score.eq(score),
                        scores::justification.eq(&justification),
                        scores::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            // The history keeps every change of a score (who, when, from, to).
            if old_score == score {
                continue;
            }
            diesel::insert_into(score_history::table)
                .values((
                    score_history::evaluation_id.eq(evaluation),
                    score_history::criterion_id.eq(id),
                    score_history::changed_by.eq(user),
                    score_history::changed_at.eq(now),
                    score_history::from_score.eq(old_score),
                    score_history::to_score.eq(score),
                    score_history::justification.eq(&justification),
                ))
                .execute(conn)?;
        }
        if submit {
            diesel::update(evaluations::table.find(evaluation))
                .set(evaluations::submitted_at.eq(Some(now)))
                .execute(conn)?;
        }
        let event = if submit { Event::EvaluationSubmitted } else { Event::EvaluationSaved };
        record(conn, user, event, objective, serde_json::json!({ "proposal": proposal.0 }), now)?;
        Ok(())
    })
}

/// The chair reopens a member's submitted evaluation.
pub fn reopen(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    proposal: ProposalId,
    member: UserId,
    chair: UserId,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = open_board(conn, objective, Scope::All)?;
        b.chair_may_act(chair)?;
        let e = b.evaluation(member, proposal).filter(|e| e.submitted_at.is_some()).ok_or(EvaluationError::NotFound)?;
        diesel::update(evaluations::table.find(e.id))
            .set((evaluations::submitted_at.eq(None::<NaiveDateTime>), evaluations::updated_at.eq(now)))
            .execute(conn)?;
        record(
            conn,
            chair,
            Event::EvaluationReopened,
            objective,
            serde_json::json!({ "proposal": proposal.0, "member": member.0 }),
            now,
        )?;
        Ok(())
    })
}

/// The chair records the committee's consensus score on a criterion (or removes it with `None`).
#[allow(clippy::too_many_arguments)]
pub fn consensus(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    proposal: ProposalId,
    criterion: CriterionId,
    score: Option<i32>,
    justification: &str,
    chair: UserId,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    let justification = justification.trim();
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = open_board(conn, objective, Scope::All)?;
        b.chair_may_act(chair)?;
        b.proposal(proposal).ok_or(EvaluationError::NotFound)?;
        if !b.criteria.iter().any(|c| c.weighted.criterion_id == criterion) {
            return Err(EvaluationError::NotFound);
        }
        // A consensus settles a disagreement: it cannot replace scores the members agree on.
        let results = b.results();
        let disagreement = results
            .iter()
            .find(|r| r.proposal == proposal)
            .and_then(|r| r.criteria.iter().find(|c| c.criterion == criterion))
            .is_some_and(|c| c.disagreement);
        let existing = b.consensus.iter().any(|c| c.proposal == proposal && c.criterion == criterion);
        if score.is_some() && !disagreement && !existing {
            return Err(EvaluationError::NoDisagreement);
        }
        let previous = b.consensus.iter().find(|c| c.proposal == proposal && c.criterion == criterion).map(|c| c.score);
        diesel::delete(consensus_scores::table.find((proposal, criterion))).execute(conn)?;
        if let Some(s) = score {
            if !(0..=5).contains(&s) {
                return Err(EvaluationError::Scores(vec![(criterion, "score-error-range")]));
            }
            let n = justification.chars().count();
            if !(JUSTIFICATION_MIN..=TEXT_MAX).contains(&n) {
                return Err(EvaluationError::Scores(vec![(criterion, "score-error-justification")]));
            }
            diesel::insert_into(consensus_scores::table)
                .values((
                    consensus_scores::proposal_id.eq(proposal),
                    consensus_scores::criterion_id.eq(criterion),
                    consensus_scores::score.eq(s),
                    consensus_scores::justification.eq(justification),
                    consensus_scores::decided_by.eq(chair),
                    consensus_scores::decided_at.eq(now),
                ))
                .execute(conn)?;
        }
        record(
            conn,
            chair,
            Event::ConsensusSet,
            objective,
            serde_json::json!({ "proposal": proposal.0, "criterion": criterion.0, "from": previous, "to": score }),
            now,
        )?;
        Ok(())
    })
}

/// One change of a score, for the chair.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct HistoryRow {
    pub proposal: ProposalId,
    pub member: UserId,
    pub criterion: CriterionId,
    pub changed_at: NaiveDateTime,
    pub from_score: Option<i32>,
    pub to_score: Option<i32>,
}

pub fn history(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<HistoryRow>> {
    score_history::table
        .inner_join(evaluations::table)
        .filter(evaluations::objective_id.eq(objective))
        .order((score_history::changed_at.asc(), score_history::id.asc()))
        .select((
            evaluations::proposal_id,
            score_history::changed_by,
            score_history::criterion_id,
            score_history::changed_at,
            score_history::from_score,
            score_history::to_score,
        ))
        .load(conn)
}
