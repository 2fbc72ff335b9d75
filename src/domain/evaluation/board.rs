//! Everything about one objective's evaluation, loaded at once, and the facts derived from it:
//! who is conflicted, who declared, whose scores may be seen, the aggregated ranking.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::aggregate::{self, CriterionInput, CriterionSpec, Method, ProposalInput, ProposalResult, ShortlistRule};
use super::committee::{self, Member};
use crate::db::DbConnection;
use crate::db::ids::{CriterionId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{
    conflict_declarations, consensus_scores, deposits, evaluations, opened_organisations, organisations, scores,
    shortlist_changes, shortlist_decisions, users,
};
use crate::domain::criteria::Criterion;
use crate::domain::objectives::{self, Objective, WeightedCriterion};
use crate::domain::proposals::deposits::{Deposit, Snapshot};

/// A criterion of the objective with its catalogue entry.
#[derive(Debug, Clone)]
pub struct BoardCriterion {
    pub weighted: WeightedCriterion,
    pub criterion: Criterion,
}

/// Who deposited an opened proposal: what conflicts of interest are declared on. Always loaded
/// for every opened proposal, whatever the scope, from the short rows the opening wrote
/// (`opened_organisations`, see `proposals::opening::record_organisations`).
#[derive(Debug, Clone)]
pub struct Parties {
    pub proposal: ProposalId,
    /// When the opened deposit was made (the ranking's last tie-break).
    pub deposited_at: NaiveDateTime,
    /// The lead organisation first, then the consortium members.
    pub organisations: Vec<(OrganisationId, String)>,
}

/// An opened proposal, with its deposit and frozen content.
#[derive(Debug, Clone)]
pub struct BoardProposal {
    pub proposal: ProposalId,
    pub deposit: Deposit,
    pub snapshot: Snapshot,
    /// The lead organisation first, then the consortium members.
    pub organisations: Vec<(OrganisationId, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Declaration {
    pub user: UserId,
    pub organisation: OrganisationId,
    pub conflict: bool,
    pub note: String,
    pub declared_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Evaluation {
    pub id: i64,
    pub proposal: ProposalId,
    pub user: UserId,
    pub submitted_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Score {
    pub evaluation: i64,
    pub criterion: CriterionId,
    /// `None` in a draft with a justification but no score yet.
    pub score: Option<i32>,
    pub justification: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Consensus {
    pub proposal: ProposalId,
    pub criterion: CriterionId,
    pub score: i32,
    pub justification: String,
    pub decided_by: UserId,
    pub decided_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct ShortlistChange {
    pub proposal: ProposalId,
    pub shortlisted: bool,
    pub reason: String,
    pub changed_by: UserId,
    pub changed_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Decision {
    pub decided_by: UserId,
    pub decided_at: NaiveDateTime,
    pub outcome: String,
}

/// Where a member stands with a proposal, as the progress matrix shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    Conflict,
    NotStarted,
    Draft,
    Submitted,
    /// Not submitted by a member whose seat the chair released: no longer awaited.
    Released,
}

#[derive(Debug, Clone)]
pub struct Board {
    pub objective: Objective,
    pub criteria: Vec<BoardCriterion>,
    /// Every opened proposal's depositors, in the order of deposit (that of `proposals`).
    pub parties: Vec<Parties>,
    /// The opened proposals with their content: all of them, except in a member's scope, where
    /// only the proposal the member writes on, and in the ranking's, where none (see [`Scope`]).
    pub proposals: Vec<BoardProposal>,
    pub members: Vec<Member>,
    pub declarations: Vec<Declaration>,
    pub evaluations: Vec<Evaluation>,
    pub scores: Vec<Score>,
    pub consensus: Vec<Consensus>,
    pub changes: Vec<ShortlistChange>,
    pub decision: Option<Decision>,
    /// Lookups built once after loading, so that nothing below is quadratic in the number of
    /// proposals, evaluations or scores (a ranking of 500 proposals reads 20,000 scores).
    index: Index,
}

#[derive(Debug, Clone, Default)]
struct Index {
    proposal: HashMap<ProposalId, usize>,
    parties: HashMap<ProposalId, usize>,
    conflicts: std::collections::HashSet<(UserId, OrganisationId)>,
    evaluations_of: HashMap<ProposalId, Vec<usize>>,
    evaluation_of: HashMap<(UserId, ProposalId), usize>,
    scores_of: HashMap<i64, Vec<usize>>,
}

impl Board {
    fn reindex(&mut self) {
        let mut index = Index::default();
        for (i, p) in self.proposals.iter().enumerate() {
            index.proposal.insert(p.proposal, i);
        }
        for (i, p) in self.parties.iter().enumerate() {
            index.parties.insert(p.proposal, i);
        }
        for d in self.declarations.iter().filter(|d| d.conflict) {
            index.conflicts.insert((d.user, d.organisation));
        }
        for (i, e) in self.evaluations.iter().enumerate() {
            index.evaluations_of.entry(e.proposal).or_default().push(i);
            index.evaluation_of.insert((e.user, e.proposal), i);
        }
        for (i, s) in self.scores.iter().enumerate() {
            index.scores_of.entry(s.evaluation).or_default().push(i);
        }
        self.index = index;
    }
    pub fn member(&self, user: UserId) -> Option<&Member> {
        self.members.iter().find(|m| m.user_id == user)
    }
    pub fn chair(&self) -> Option<&Member> {
        self.members.iter().find(|m| m.chair)
    }
    pub fn proposal(&self, id: ProposalId) -> Option<&BoardProposal> {
        self.index.proposal.get(&id).map(|i| &self.proposals[*i])
    }
    /// Who deposited an opened proposal (whatever the scope); `None` if it is not opened.
    pub fn parties_of(&self, id: ProposalId) -> Option<&Parties> {
        self.index.parties.get(&id).map(|i| &self.parties[*i])
    }
    /// Every organisation that deposited an opened proposal (lead or consortium member).
    pub fn depositing_organisations(&self) -> Vec<(OrganisationId, String)> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for p in &self.parties {
            for (id, name) in &p.organisations {
                if seen.insert(*id) {
                    out.push((*id, name.clone()));
                }
            }
        }
        out.sort_by(|a, b| a.1.cmp(&b.1));
        out
    }
    /// Whether a member declared on every depositing organisation.
    pub fn declared_all(&self, user: UserId) -> bool {
        let declared: BTreeSet<OrganisationId> =
            self.declarations.iter().filter(|d| d.user == user).map(|d| d.organisation).collect();
        self.depositing_organisations().iter().all(|(o, _)| declared.contains(o))
    }
    /// Whether any proposal is opened to the committee.
    pub fn opened(&self) -> bool {
        !self.parties.is_empty()
    }
    /// The numbers of "Proposal N" as `viewer` reads them in blind mode: the opened proposals in
    /// an order drawn from a hash of the objective and the proposal (not the order of deposit),
    /// numbered 1, 2, 3… over those the viewer may see, then over those they are conflicted on.
    /// A viewer with no conflict (the chair, agents, `None`) reads the committee's common numbers;
    /// a conflicted member reads numbers without a gap, so no hidden proposal shows by its
    /// absence.
    pub fn blind_numbers(&self, viewer: Option<UserId>) -> HashMap<ProposalId, usize> {
        use sha2::{Digest, Sha256};
        let objective = self.objective.id.0;
        let mut order: Vec<(bool, Vec<u8>, ProposalId)> = self
            .parties
            .iter()
            .map(|p| {
                let hidden = viewer.is_some_and(|u| self.conflicted(u, p.proposal));
                let key = Sha256::new()
                    .chain_update(b"achat-ouvert blind label\0")
                    .chain_update(objective.to_be_bytes())
                    .chain_update(p.proposal.0.to_be_bytes())
                    .finalize()
                    .to_vec();
                (hidden, key, p.proposal)
            })
            .collect();
        order.sort();
        order.into_iter().enumerate().map(|(i, (_, _, p))| (p, i + 1)).collect()
    }
    pub fn conflicted(&self, user: UserId, proposal: ProposalId) -> bool {
        let Some(p) = self.parties_of(proposal) else { return false };
        p.organisations.iter().any(|(o, _)| self.index.conflicts.contains(&(user, *o)))
    }
    pub fn evaluation(&self, user: UserId, proposal: ProposalId) -> Option<&Evaluation> {
        self.index.evaluation_of.get(&(user, proposal)).map(|i| &self.evaluations[*i])
    }
    pub fn scores_of(&self, evaluation: i64) -> Vec<&Score> {
        self.index
            .scores_of
            .get(&evaluation)
            .map(|ix| ix.iter().map(|i| &self.scores[*i]).collect())
            .unwrap_or_default()
    }
    pub fn progress(&self, user: UserId, proposal: ProposalId) -> Progress {
        if self.conflicted(user, proposal) {
            return Progress::Conflict;
        }
        match self.evaluation(user, proposal) {
            Some(e) if e.submitted_at.is_some() => Progress::Submitted,
            _ if self.member(user).is_some_and(|m| m.released) => Progress::Released,
            None => Progress::NotStarted,
            Some(_) => Progress::Draft,
        }
    }
    /// The chair acts (reads the ranking, reopens, settles, decides) once they declared on every
    /// organisation and only if in conflict with none: otherwise another chair is needed.
    pub fn chair_may_act(&self, user: UserId) -> Result<(), super::EvaluationError> {
        if !self.member(user).is_some_and(|m| m.chair) {
            return Err(super::EvaluationError::NotChair);
        }
        if !self.declared_all(user) {
            return Err(super::EvaluationError::DeclareFirst);
        }
        if self.parties.iter().any(|p| self.conflicted(user, p.proposal)) {
            return Err(super::EvaluationError::Conflicted);
        }
        Ok(())
    }
    /// The evaluations whose scores count: submitted, by a member not in conflict with the
    /// proposal (a conflict declared after scoring withdraws the scores).
    pub fn counted(&self, proposal: ProposalId) -> impl Iterator<Item = &Evaluation> {
        self.index
            .evaluations_of
            .get(&proposal)
            .into_iter()
            .flatten()
            .map(|i| &self.evaluations[*i])
            .filter(move |e| e.submitted_at.is_some() && !self.conflicted(e.user, proposal))
    }
    /// How many (member, proposal) evaluations are still to submit (a conflict is not pending):
    /// the decision waits for none.
    pub fn pending(&self) -> usize {
        self.members
            .iter()
            .flat_map(|m| self.parties.iter().map(move |p| (m.user_id, p.proposal)))
            .filter(|(u, p)| matches!(self.progress(*u, *p), Progress::NotStarted | Progress::Draft))
            .count()
    }
    /// A member sees the others' scores on a proposal once they submitted their own.
    pub fn may_see_scores(&self, user: UserId, proposal: ProposalId) -> bool {
        !self.conflicted(user, proposal) && self.evaluation(user, proposal).is_some_and(|e| e.submitted_at.is_some())
    }
    pub fn method(&self) -> Method {
        Method::parse(&self.objective.aggregation).unwrap_or_default()
    }
    pub fn rule(&self) -> ShortlistRule {
        ShortlistRule::from_stored(&self.objective.shortlist_rule, self.objective.shortlist_value)
    }
    pub fn specs(&self) -> Vec<CriterionSpec> {
        self.criteria
            .iter()
            .map(|c| CriterionSpec {
                id: c.weighted.criterion_id,
                weight: c.weighted.weight.max(0) as u32,
                environmental: c.criterion.is_environmental(),
                minimum: if c.weighted.eliminatory { c.weighted.min_score.map(|m| m.clamp(0, 5) as u8) } else { None },
            })
            .collect()
    }
    /// The submitted scores and the consensus, as the maths takes them, for every opened proposal
    /// (read from `parties`: the ranking's scope loads no proposal's content).
    pub fn inputs(&self) -> Vec<ProposalInput> {
        let consensus: HashMap<(ProposalId, CriterionId), u8> =
            self.consensus.iter().map(|x| ((x.proposal, x.criterion), x.score.clamp(0, 5) as u8)).collect();
        self.parties
            .iter()
            .map(|p| ProposalInput {
                proposal: p.proposal,
                deposited_at: p.deposited_at,
                criteria: self
                    .criteria
                    .iter()
                    .map(|c| {
                        let id = c.weighted.criterion_id;
                        // Submitted evaluations of members not conflicted (a conflict declared
                        // after scoring withdraws the scores).
                        let scores = self
                            .counted(p.proposal)
                            .flat_map(|e| self.scores_of(e.id).into_iter().filter(move |s| s.criterion == id))
                            .filter_map(|s| s.score.map(|x| x.clamp(0, 5) as u8))
                            .collect();
                        let consensus = consensus.get(&(p.proposal, id)).copied();
                        CriterionInput { criterion: id, scores, consensus }
                    })
                    .collect(),
            })
            .collect()
    }
    pub fn results(&self) -> Vec<ProposalResult> {
        aggregate::aggregate(&self.specs(), &self.inputs(), self.method())
    }
    /// The shortlist: the rule's, with the chair's changes applied (never an excluded proposal).
    pub fn shortlist(&self, results: &[ProposalResult]) -> Vec<ProposalId> {
        let mut list = aggregate::shortlist(results, self.rule());
        for c in &self.changes {
            list.retain(|p| *p != c.proposal);
            let eligible = results.iter().any(|r| r.proposal == c.proposal && r.excluded.is_none());
            if c.shortlisted && eligible {
                list.push(c.proposal);
            }
        }
        // In ranking order.
        let position = |p: &ProposalId| results.iter().position(|r| r.proposal == *p).unwrap_or(usize::MAX);
        list.sort_by_key(position);
        list
    }
}

/// What a load reads: the whole evaluation, or only what one member's write needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everything: the pages, the report, the chair's operations.
    All,
    /// What the ranking shows: everything `All` reads except the proposals' content (no
    /// deposit, no snapshot: `proposals` is empty, the proposals are `parties`) and the members'
    /// justifications (read as empty strings; the consensus keeps its own). 500 proposals' ranking
    /// reads short rows instead of 500 snapshots and 20,000 texts.
    Ranking,
    /// Who deposited every opened proposal (`parties`) and the committee, but only this member's
    /// declarations, the content of `proposal` alone, and only the member's evaluation (with its
    /// scores) of it. Answers who may write what (`member`, `declared_all`, `conflicted`,
    /// `proposal`, `evaluation`, `scores_of` for this member), and nothing about the others: a
    /// score save at 500 proposals reads 8 scores and one deposit's content instead of 20,000
    /// scores and 500 deposits.
    Member { user: UserId, proposal: Option<ProposalId> },
}

/// Loads an objective's evaluation; `None` if the objective does not exist.
pub fn load(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Option<Board>> {
    load_scoped(conn, objective, Scope::All)
}

/// Loads what `scope` says of an objective's evaluation; `None` if the objective does not exist.
pub fn load_scoped(conn: &mut DbConnection, objective: ObjectiveId, scope: Scope) -> QueryResult<Option<Board>> {
    let Some(full) = objectives::load(conn, objective)? else { return Ok(None) };
    let catalogue = crate::domain::criteria::list(conn, true)?;
    let criteria = full
        .criteria
        .iter()
        .filter_map(|w| {
            catalogue
                .iter()
                .find(|c| c.id == w.criterion_id)
                .map(|c| BoardCriterion { weighted: w.clone(), criterion: c.clone() })
        })
        .collect();
    let (parties, proposals) = opened(conn, objective, scope)?;
    let ids: Vec<ProposalId> = parties.iter().map(|p| p.proposal).collect();
    let members = committee::members(conn, objective)?;
    let mut declarations =
        conflict_declarations::table.filter(conflict_declarations::objective_id.eq(objective)).into_boxed();
    let mut evaluations = evaluations::table.filter(evaluations::objective_id.eq(objective)).into_boxed();
    if let Scope::Member { user, proposal } = scope {
        declarations = declarations.filter(conflict_declarations::user_id.eq(user));
        evaluations = evaluations.filter(evaluations::user_id.eq(user));
        if let Some(p) = proposal {
            evaluations = evaluations.filter(evaluations::proposal_id.eq(p));
        }
    }
    let declarations = declarations
        .select((
            conflict_declarations::user_id,
            conflict_declarations::organisation_id,
            conflict_declarations::conflict,
            conflict_declarations::note,
            conflict_declarations::declared_at,
        ))
        .load(conn)?;
    let evaluations: Vec<Evaluation> = evaluations
        .select((
            evaluations::id,
            evaluations::proposal_id,
            evaluations::user_id,
            evaluations::submitted_at,
            evaluations::updated_at,
        ))
        .load(conn)?;
    let evaluation_ids: Vec<i64> = evaluations.iter().map(|e| e.id).collect();
    let scores = if scope == Scope::Ranking {
        let bare: Vec<(i64, CriterionId, Option<i32>)> = scores::table
            .filter(scores::evaluation_id.eq_any(&evaluation_ids))
            .select((scores::evaluation_id, scores::criterion_id, scores::score))
            .load(conn)?;
        bare.into_iter()
            .map(|(evaluation, criterion, score)| Score { evaluation, criterion, score, justification: String::new() })
            .collect()
    } else {
        scores::table
            .filter(scores::evaluation_id.eq_any(&evaluation_ids))
            .select((scores::evaluation_id, scores::criterion_id, scores::score, scores::justification))
            .load(conn)?
    };
    // The consensus and the chair's changes concern the whole committee's work.
    let whole = !matches!(scope, Scope::Member { .. });
    let consensus = if whole {
        consensus_scores::table
            .filter(consensus_scores::proposal_id.eq_any(&ids))
            .select((
                consensus_scores::proposal_id,
                consensus_scores::criterion_id,
                consensus_scores::score,
                consensus_scores::justification,
                consensus_scores::decided_by,
                consensus_scores::decided_at,
            ))
            .load(conn)?
    } else {
        Vec::new()
    };
    let changes = if whole {
        shortlist_changes::table
            .filter(shortlist_changes::objective_id.eq(objective))
            .select((
                shortlist_changes::proposal_id,
                shortlist_changes::shortlisted,
                shortlist_changes::reason,
                shortlist_changes::changed_by,
                shortlist_changes::changed_at,
            ))
            .load(conn)?
    } else {
        Vec::new()
    };
    let decision = shortlist_decisions::table
        .find(objective)
        .select((shortlist_decisions::decided_by, shortlist_decisions::decided_at, shortlist_decisions::outcome))
        .first(conn)
        .optional()?;
    let mut board = Board {
        objective: full.objective,
        criteria,
        parties,
        proposals,
        members,
        declarations,
        evaluations,
        scores,
        consensus,
        changes,
        decision,
        index: Index::default(),
    };
    board.reindex();
    Ok(Some(board))
}

/// The opened proposals' depositors, all of them (the rows the opening recorded, in the order of
/// deposit), and their deposits as the scope wants: every one for `All`; for a member, only the
/// proposal they write on; none for the ranking.
fn opened(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    scope: Scope,
) -> QueryResult<(Vec<Parties>, Vec<BoardProposal>)> {
    let rows: Vec<(ProposalId, NaiveDateTime, OrganisationId, String)> = opened_organisations::table
        .inner_join(deposits::table.on(deposits::id.eq(opened_organisations::deposit_id)))
        .inner_join(organisations::table.on(organisations::id.eq(opened_organisations::organisation_id)))
        .filter(opened_organisations::objective_id.eq(objective))
        .order((
            deposits::deposited_at.asc(),
            opened_organisations::proposal_id.asc(),
            opened_organisations::position.asc(),
        ))
        .select((
            opened_organisations::proposal_id,
            deposits::deposited_at,
            organisations::id,
            organisations::legal_name,
        ))
        .load(conn)?;
    let mut parties: Vec<Parties> = Vec::new();
    for (proposal, deposited_at, organisation, name) in rows {
        match parties.last_mut() {
            Some(p) if p.proposal == proposal => p.organisations.push((organisation, name)),
            _ => parties.push(Parties { proposal, deposited_at, organisations: vec![(organisation, name)] }),
        }
    }
    let opened_deposits = deposits::table
        .filter(deposits::objective_id.eq(objective))
        .filter(deposits::opened_at.is_not_null())
        .order((deposits::deposited_at.asc(), deposits::proposal_id.asc()))
        .select(Deposit::as_select());
    let deposits: Vec<Deposit> = match scope {
        Scope::All => opened_deposits.load(conn)?,
        Scope::Member { proposal: Some(target), .. } => opened_deposits
            .filter(deposits::proposal_id.eq(target))
            .load(conn)?
            .into_iter()
            .last()
            .into_iter()
            .collect(),
        Scope::Member { proposal: None, .. } | Scope::Ranking => Vec::new(),
    };
    let position: HashMap<ProposalId, usize> = parties.iter().enumerate().map(|(i, p)| (p.proposal, i)).collect();
    let proposals = deposits
        .into_iter()
        .filter_map(|deposit| {
            let organisations = parties[*position.get(&deposit.proposal_id)?].organisations.clone();
            let snapshot = deposit.snapshot()?;
            Some(BoardProposal { proposal: deposit.proposal_id, deposit, snapshot, organisations })
        })
        .collect();
    Ok((parties, proposals))
}

/// Whether the committee recorded its decision.
pub fn decided(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<bool> {
    let n: i64 =
        shortlist_decisions::table.filter(shortlist_decisions::objective_id.eq(objective)).count().get_result(conn)?;
    Ok(n > 0)
}

/// Organisations whose users share the e-mail domain of a member: a warning, for the declaration.
pub fn domain_warnings(
    conn: &mut DbConnection,
    member_email: &str,
    organisations: &[OrganisationId],
) -> QueryResult<Vec<OrganisationId>> {
    let Some(domain) = member_email.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase()) else {
        return Ok(Vec::new());
    };
    let rows: Vec<(Option<OrganisationId>, String)> = users::table
        .filter(users::organisation_id.eq_any(organisations))
        .select((users::organisation_id, users::email))
        .load(conn)?;
    let mut out: Vec<OrganisationId> = rows
        .into_iter()
        .filter(|(_, e)| e.rsplit_once('@').is_some_and(|(_, d)| d.eq_ignore_ascii_case(&domain)))
        .filter_map(|(o, _)| o)
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

/// The members' names as depositors read them: "Member A", "Member B", … "Member AA" after
/// "Member Z", in a stable order.
pub fn pseudonyms(members: &[Member]) -> HashMap<UserId, String> {
    let mut ids: Vec<UserId> = members.iter().map(|m| m.user_id).collect();
    ids.sort();
    ids.into_iter().enumerate().map(|(i, id)| (id, letters(i))).collect()
}

/// 0 → A, 25 → Z, 26 → AA, 27 → AB, …
fn letters(mut i: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(char::from(b'A' + (i % 26) as u8));
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    out.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn pseudonym_letters_never_repeat() {
        let got: Vec<String> = [0, 25, 26, 27, 701].into_iter().map(super::letters).collect();
        assert_eq!(got, ["A", "Z", "AA", "AB", "ZZ"]);
    }
}
