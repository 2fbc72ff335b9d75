//! After the shortlist (docs/AWARD.md): an agent awards the objective to one or several
//! shortlisted proposals, or declares it not awarded; the platform writes the letters
//! ([`letters`]); the standstill period and the challenges ([`standstill`], [`challenges`]) decide
//! when the contract may be signed; the later stages (completed, archived) are agents' actions.
//!
//! Every write here is one operation owning its transaction, its lock and its audit entry.

pub mod challenges;
pub mod change_support;
pub mod contracts;
pub mod indicators;
pub mod letters;
pub mod reminders;
pub mod standstill;

use std::collections::HashSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use self::letters::{CriterionScore, Facts, Kind, OwnScores};
use crate::db::ids::{LetterId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{award_winners, awards, objective_stages, objectives, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{self, Message, Refusal, database_message, kind_of};
use crate::domain::evaluation::board::{self, Board};
use crate::domain::evaluation::decision::Outcome as DecisionOutcome;
use crate::domain::objectives::{Status, Transition, next};
use crate::domain::proposals::opening::{self, NotOpened};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// The agent's reasons (or the public reason for not awarding) have at least this many characters.
pub const REASONS_MIN: usize = 30;
pub const TEXT_MAX: usize = 10_000;

/// Why an operation after the shortlist was refused.
#[derive(Debug, thiserror::Error)]
pub enum AwardError {
    #[error("not found")]
    NotFound,
    #[error("the objective is not at the right stage for this")]
    WrongStage,
    #[error("choose at least one winner")]
    NoWinner,
    #[error("only shortlisted proposals may be awarded")]
    NotShortlisted,
    #[error("the reasons are too short or too long")]
    Reasons,
    #[error("the standstill period is out of range")]
    StandstillDays,
    #[error("the field {0} is empty or too long")]
    Invalid(&'static str),
    #[error("this challenge already has its outcome")]
    ChallengeSettled,
    /// Signing during the standstill period, which ends then (UTC).
    #[error("the standstill period has not ended")]
    Standstill(NaiveDateTime),
    /// Signing while this many challenges have no outcome.
    #[error("a challenge is pending")]
    Challenged(usize),
    /// A form's refused fields (the contract, a modification), each named.
    #[error("some fields are refused")]
    Fields(Vec<crate::domain::forms::Problem>),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for AwardError {
    fn kind(&self) -> error::Kind {
        match self {
            AwardError::NotFound => error::Kind::NotFound,
            AwardError::WrongStage
            | AwardError::ChallengeSettled
            | AwardError::Standstill(_)
            | AwardError::Challenged(_) => error::Kind::Conflict,
            AwardError::NoWinner
            | AwardError::NotShortlisted
            | AwardError::Reasons
            | AwardError::StandstillDays
            | AwardError::Invalid(_)
            | AwardError::Fields(_) => error::Kind::Invalid,
            AwardError::Db(e) => kind_of(e),
        }
    }
    fn field(&self) -> Option<&'static str> {
        match self {
            AwardError::NoWinner | AwardError::NotShortlisted => Some("winners"),
            AwardError::Reasons => Some("reasons"),
            AwardError::StandstillDays => Some("standstill_days"),
            AwardError::Invalid(field) => Some(field),
            _ => None,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            AwardError::NotFound => "not_found",
            AwardError::WrongStage => "wrong_stage",
            AwardError::NoWinner => "no_winner",
            AwardError::NotShortlisted => "not_shortlisted",
            AwardError::Reasons => "invalid_reasons",
            AwardError::StandstillDays => "invalid_standstill",
            AwardError::Invalid(_) => "invalid_field",
            AwardError::ChallengeSettled => "challenge_settled",
            AwardError::Standstill(_) => "standstill",
            AwardError::Challenged(_) => "challenge_pending",
            AwardError::Fields(_) => "invalid_fields",
            AwardError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            AwardError::NotFound => Message::new("error-404-text"),
            AwardError::WrongStage => Message::new("award-error-stage"),
            AwardError::NoWinner => Message::new("award-error-no-winner"),
            AwardError::NotShortlisted => Message::new("award-error-not-shortlisted"),
            AwardError::Reasons => Message::new("award-error-reasons"),
            AwardError::StandstillDays => Message::new("award-error-standstill"),
            // The field by its label on the form.
            AwardError::Invalid(field) => Message::new("award-error-invalid").with_label(
                "field",
                match *field {
                    "lodged_on" => "challenge-lodged-on",
                    "lodged_by" => "challenge-lodged-by",
                    "summary" => "challenge-summary",
                    "outcome" => "challenge-outcome",
                    "to" => "award-later-stages",
                    _ => "challenge-note",
                },
            ),
            AwardError::ChallengeSettled => Message::new("award-error-settled"),
            AwardError::Standstill(ends_at) => {
                let local = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, ends_at);
                Message::new("contract-error-standstill").with("date", local.format("%d/%m/%Y %H:%M"))
            }
            AwardError::Challenged(open) => Message::new("contract-error-challenged").with("count", open),
            AwardError::Fields(problems) => Message::new("form-has-errors").with_problems(problems),
            AwardError::Db(e) => database_message(e),
        }
    }
}

/// The one place this module writes the audit log (so a change of the log's interface changes
/// one function).
fn record(
    conn: &mut DbConnection,
    by: &AuditActor,
    event: Event,
    objective: ObjectiveId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    audit::record(conn, by, event, Subject::Objective(objective), details, now)
}

fn status_of(conn: &mut DbConnection, objective: ObjectiveId, now: NaiveDateTime) -> Result<Status, AwardError> {
    let found: Option<(String, Option<NaiveDateTime>, bool)> = objectives::table
        .find(objective)
        .select((objectives::status, objectives::deadline_at, objectives::practice))
        .first(conn)
        .optional()?;
    match found {
        Some((status, deadline, false)) => Ok(Status::effective(&status, deadline, now)),
        _ => Err(AwardError::NotFound),
    }
}

/// An objective's award, or its declaration of no award.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Award {
    pub objective: ObjectiveId,
    pub awarded: bool,
    pub reasons: String,
    pub standstill_days: i32,
    pub standstill_ends_at: NaiveDateTime,
    pub decided_by: UserId,
    pub decided_at: NaiveDateTime,
    /// The winning proposals (empty when not awarded).
    pub winners: Vec<ProposalId>,
}

pub fn load(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Option<Award>> {
    let row: Option<(String, String, i32, NaiveDateTime, UserId, NaiveDateTime)> = awards::table
        .find(objective)
        .select((
            awards::outcome,
            awards::reasons,
            awards::standstill_days,
            awards::standstill_ends_at,
            awards::decided_by,
            awards::decided_at,
        ))
        .first(conn)
        .optional()?;
    let Some((outcome, reasons, standstill_days, standstill_ends_at, decided_by, decided_at)) = row else {
        return Ok(None);
    };
    let winners = award_winners::table
        .filter(award_winners::objective_id.eq(objective))
        .order(award_winners::proposal_id.asc())
        .select(award_winners::proposal_id)
        .load(conn)?;
    Ok(Some(Award {
        objective,
        awarded: outcome == "awarded",
        reasons,
        standstill_days,
        standstill_ends_at,
        decided_by,
        decided_at,
        winners,
    }))
}

/// The names of the winning proposals' lead organisations.
pub fn winner_names(conn: &mut DbConnection, winners: &[ProposalId]) -> QueryResult<Vec<String>> {
    use crate::db::schema::{organisations, proposals};
    proposals::table
        .inner_join(organisations::table)
        .filter(proposals::id.eq_any(winners))
        .order(proposals::id.asc())
        .select(organisations::legal_name)
        .load(conn)
}

/// The stages an objective reached after its results, in order, with when.
pub fn stages(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<(Status, NaiveDateTime)>> {
    let rows: Vec<(String, NaiveDateTime)> = objective_stages::table
        .filter(objective_stages::objective_id.eq(objective))
        .order(objective_stages::reached_at.asc())
        .select((objective_stages::status, objective_stages::reached_at))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(s, at)| Some((Status::parse(&s)?, at))).collect())
}

/// Moves the objective along the checked state machine and keeps the stage for the timeline.
fn enter(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    current: Status,
    transition: Transition,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<Status, AwardError> {
    let to = next(current, transition).ok_or(AwardError::WrongStage)?;
    let n = diesel::update(objectives::table.find(objective).filter(objectives::status.eq(current.as_str())))
        .set((objectives::status.eq(to.as_str()), objectives::updated_at.eq(now)))
        .execute(conn)?;
    if n != 1 {
        return Err(AwardError::WrongStage);
    }
    diesel::insert_into(objective_stages::table)
        .values((
            objective_stages::objective_id.eq(objective),
            objective_stages::status.eq(to.as_str()),
            objective_stages::reached_at.eq(now),
            objective_stages::reached_by.eq(agent),
        ))
        .execute(conn)?;
    Ok(to)
}

/// The award form's reasons, prefilled from the committee's justifications of the shortlisted
/// proposals: the chair's consensus justifications, then the members' (each once).
pub fn prefill(b: &Board, shortlist: &[ProposalId], lang: Lang) -> String {
    let mut out = Vec::new();
    for p in shortlist {
        let Some(bp) = b.proposal(*p) else { continue };
        let name = bp.organisations.first().map(|o| o.1.as_str()).unwrap_or_default();
        let mut lines: Vec<String> = Vec::new();
        let mut seen = HashSet::new();
        for c in &b.criteria {
            let criterion = c.criterion.name(lang);
            let consensus = b.consensus.iter().filter(|k| k.proposal == *p && k.criterion == c.criterion.id);
            let members = b
                .counted(*p)
                .flat_map(|e| b.scores_of(e.id))
                .filter(|s| s.criterion == c.criterion.id)
                .map(|s| s.justification.clone());
            for text in consensus.map(|k| k.justification.clone()).chain(members) {
                let text = text.trim().to_owned();
                if !text.is_empty() && seen.insert(text.clone()) {
                    lines.push(format!("- {criterion} : {text}"));
                }
            }
        }
        out.push(format!("{name} — {}\n{}", bp.snapshot.title, lines.join("\n")));
    }
    out.join("\n\n")
}

/// What the agent chose on the award form.
#[derive(Debug, Clone)]
pub struct AwardInput {
    pub winners: Vec<ProposalId>,
    pub reasons: String,
    pub standstill_days: i32,
}

/// What the award needs from configuration.
pub struct Context<'a> {
    pub buyer: &'a str,
    pub court: &'a str,
    /// The address of a letter, for the mails.
    pub letter_link: &'a dyn Fn(LetterId) -> String,
}

fn check_reasons(reasons: &str) -> Result<String, AwardError> {
    let reasons = reasons.trim();
    if !(REASONS_MIN..=TEXT_MAX).contains(&reasons.chars().count()) {
        return Err(AwardError::Reasons);
    }
    Ok(reasons.to_owned())
}

/// The decided shortlist and ranking, as frozen when the committee decided.
fn decided(b: &Board) -> Result<DecisionOutcome, AwardError> {
    let d = b.decision.as_ref().ok_or(AwardError::WrongStage)?;
    serde_json::from_str(&d.outcome).map_err(|e| AwardError::Db(diesel::result::Error::DeserializationError(e.into())))
}

/// The shortlisted proposals, in ranking order, with their rank and total (0–100), as decided.
pub fn candidates(b: &Board) -> Result<Vec<(ProposalId, Option<usize>, f64)>, AwardError> {
    let outcome = decided(b)?;
    Ok(outcome
        .shortlist
        .iter()
        .map(|p| {
            let r = outcome.ranking.iter().find(|r| r.proposal == *p);
            (ProposalId(*p), r.and_then(|r| r.rank), r.map_or(0.0, |r| r.total))
        })
        .collect())
}

/// Checks the award form against the decided shortlist; returns the winners (sorted, once each)
/// and the trimmed reasons. The award itself checks again, in its transaction.
pub fn check(input: &AwardInput, shortlist: &[ProposalId]) -> Result<(Vec<ProposalId>, String), AwardError> {
    if input.winners.is_empty() {
        return Err(AwardError::NoWinner);
    }
    let mut winners = input.winners.clone();
    winners.sort();
    winners.dedup();
    if winners.iter().any(|w| !shortlist.contains(w)) {
        return Err(AwardError::NotShortlisted);
    }
    let reasons = check_reasons(&input.reasons)?;
    if !(0..=standstill::MAX_DAYS).contains(&input.standstill_days) {
        return Err(AwardError::StandstillDays);
    }
    Ok((winners, reasons))
}

/// Awards an objective whose results are published to shortlisted proposals, writes every
/// depositor's letter and tells their members by mail — all in one transaction. Cannot be undone.
pub fn award(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    input: &AwardInput,
    agent: UserId,
    ctx: &Context<'_>,
    now: NaiveDateTime,
) -> Result<Vec<LetterId>, AwardError> {
    if input.winners.is_empty() {
        return Err(AwardError::NoWinner);
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        crate::db::serialize(conn, crate::domain::evaluation::lock_key(objective))?;
        let b = board::load(conn, objective)?.ok_or(AwardError::NotFound)?;
        let status = status_of(conn, objective, now)?;
        if next(status, Transition::Award).is_none() {
            return Err(AwardError::WrongStage);
        }
        let outcome = decided(&b)?;
        let shortlist: Vec<ProposalId> = outcome.shortlist.iter().copied().map(ProposalId).collect();
        let (winners, reasons) = check(input, &shortlist)?;
        enter(conn, objective, status, Transition::Award, agent, now)?;
        let ends = standstill::ends_at(now, input.standstill_days);
        insert_award(conn, objective, "awarded", &reasons, input.standstill_days, ends, agent, now)?;
        for w in &winners {
            diesel::insert_into(award_winners::table)
                .values((award_winners::objective_id.eq(objective), award_winners::proposal_id.eq(*w)))
                .execute(conn)?;
        }
        let lead = |p: ProposalId| b.proposal(p).and_then(|bp| bp.organisations.first().cloned());
        let winner_names: Vec<String> = winners.iter().filter_map(|w| lead(*w).map(|o| o.1)).collect();
        let base = Facts {
            objective_title: b.objective.title.clone(),
            objective_reference: b.objective.reference.clone(),
            buyer: ctx.buyer.to_owned(),
            addressee: String::new(),
            proposal_title: None,
            decided_at: now,
            winners: winner_names,
            reasons: reasons.clone(),
            standstill_days: input.standstill_days,
            standstill_ends_at: ends,
            court: ctx.court.to_owned(),
            scores: None,
            not_opened: None,
        };
        let results = b.results();
        let ranked = outcome.ranking.iter().filter(|r| r.rank.is_some()).count();
        let mut sent: Vec<(LetterId, OrganisationId)> = Vec::new();
        // Every opened proposal's lead organisation: the award, or the rejection with its scores.
        for bp in &b.proposals {
            let Some((org, name)) = bp.organisations.first().cloned() else { continue };
            let won = winners.contains(&bp.proposal);
            let scores = (!won).then(|| {
                let result = results.iter().find(|r| r.proposal == bp.proposal);
                let ranking = outcome.ranking.iter().find(|r| r.proposal == bp.proposal.0);
                OwnScores {
                    criteria: b
                        .criteria
                        .iter()
                        .map(|c| CriterionScore {
                            name_fr: c.criterion.name(Lang::Fr).to_owned(),
                            name_en: c.criterion.name(Lang::En).to_owned(),
                            weight: c.weighted.weight,
                            value: result
                                .and_then(|r| r.criteria.iter().find(|cr| cr.criterion == c.criterion.id))
                                .and_then(|cr| cr.value)
                                .map(|v| v.as_f64()),
                        })
                        .collect(),
                    total: ranking.map_or(0.0, |r| r.total),
                    rank: ranking.and_then(|r| r.rank),
                    ranked,
                }
            });
            let facts =
                Facts { addressee: name, proposal_title: Some(bp.snapshot.title.clone()), scores, ..base.clone() };
            let kind = if won { Kind::Award } else { Kind::Rejection };
            sent.push((letters::insert(conn, objective, org, Some(bp.proposal), kind, &facts, now)?, org));
        }
        // Proposals that did not stand: why.
        for o in opening::proposals_of(conn, objective)? {
            let Err(why) = o.outcome else { continue };
            if why == NotOpened::NoDeposit {
                continue;
            }
            let facts = Facts {
                addressee: o.organisation_name.clone(),
                not_opened: Some(why.code().to_owned()),
                winners: base.winners.clone(),
                ..base.clone()
            };
            sent.push((
                letters::insert(conn, objective, o.organisation, Some(o.proposal), Kind::NotOpened, &facts, now)?,
                o.organisation,
            ));
        }
        notify(conn, &sent, &b.objective.title, ctx, now)?;
        let details = serde_json::json!({
            "winners": winners,
            "standstill_days": input.standstill_days,
            "letters": sent.len(),
        });
        record(conn, &AuditActor::UserId(agent), Event::Awarded, objective, details, now)?;
        Ok(sent.into_iter().map(|s| s.0).collect())
    })
}

#[allow(clippy::too_many_arguments)]
fn insert_award(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    outcome: &str,
    reasons: &str,
    days: i32,
    ends: NaiveDateTime,
    agent: UserId,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::insert_into(awards::table)
        .values((
            awards::objective_id.eq(objective),
            awards::outcome.eq(outcome),
            awards::reasons.eq(reasons),
            awards::standstill_days.eq(days),
            awards::standstill_ends_at.eq(ends),
            awards::decided_by.eq(agent),
            awards::decided_at.eq(now),
        ))
        .execute(conn)
}

/// Tells each addressee organisation's verified, active members that a letter waits.
fn notify(
    conn: &mut DbConnection,
    sent: &[(LetterId, OrganisationId)],
    title: &str,
    ctx: &Context<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    for (letter, org) in sent {
        let people: Vec<(String, String)> = users::table
            .filter(users::organisation_id.eq(*org))
            .filter(users::disabled_at.is_null())
            .filter(users::email_verified_at.is_not_null())
            .select((users::email, users::locale))
            .load(conn)?;
        for (email, locale) in people {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            outbox::enqueue(conn, &templates::letter_waiting(lang, &email, title, &(ctx.letter_link)(*letter)), now)?;
        }
    }
    Ok(())
}

/// Declares an objective whose results are published not awarded, with a public reason; every
/// organisation that deposited gets a letter saying so.
pub fn declare_not_awarded(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    reason: &str,
    agent: UserId,
    ctx: &Context<'_>,
    now: NaiveDateTime,
) -> Result<Vec<LetterId>, AwardError> {
    let reason = check_reasons(reason)?;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let status = status_of(conn, objective, now)?;
        let full = crate::domain::objectives::load(conn, objective)?.ok_or(AwardError::NotFound)?;
        enter(conn, objective, status, Transition::DeclareNotAwarded, agent, now)?;
        insert_award(conn, objective, "not_awarded", &reason, 0, now, agent, now)?;
        let mut sent = Vec::new();
        for o in opening::proposals_of(conn, objective)? {
            if o.outcome == Err(NotOpened::NoDeposit) {
                continue;
            }
            let facts = Facts {
                objective_title: full.objective.title.clone(),
                objective_reference: full.objective.reference.clone(),
                buyer: ctx.buyer.to_owned(),
                addressee: o.organisation_name.clone(),
                proposal_title: None,
                decided_at: now,
                winners: Vec::new(),
                reasons: reason.clone(),
                standstill_days: 0,
                standstill_ends_at: now,
                court: ctx.court.to_owned(),
                scores: None,
                not_opened: None,
            };
            sent.push((
                letters::insert(conn, objective, o.organisation, Some(o.proposal), Kind::NotAwarded, &facts, now)?,
                o.organisation,
            ));
        }
        notify(conn, &sent, &full.objective.title, ctx, now)?;
        let details = serde_json::json!({ "letters": sent.len() });
        record(conn, &AuditActor::UserId(agent), Event::NotAwarded, objective, details, now)?;
        Ok(sent.into_iter().map(|s| s.0).collect())
    })
}

/// Whether an agent may move the objective to this later stage now, and its title (what the
/// confirmation page shows before `advance` does it; the same rule `advance` applies).
pub fn may_advance(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    transition: Transition,
    now: NaiveDateTime,
) -> Result<String, AwardError> {
    if !matches!(transition, Transition::Complete | Transition::Archive) {
        return Err(AwardError::WrongStage);
    }
    let status = status_of(conn, objective, now)?;
    next(status, transition).ok_or(AwardError::WrongStage)?;
    Ok(objectives::table.find(objective).select(objectives::title).first(conn)?)
}

/// The later stages an agent moves an objective to in this step: completed (from in execution)
/// and archived (from completed or not awarded). Signing comes with the contract (step 2).
pub fn advance(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    transition: Transition,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<Status, AwardError> {
    let action = match transition {
        Transition::Complete => Event::ObjectiveCompleted,
        Transition::Archive => Event::ObjectiveArchived,
        _ => return Err(AwardError::WrongStage),
    };
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let status = status_of(conn, objective, now)?;
        let to = enter(conn, objective, status, transition, agent, now)?;
        record(
            conn,
            &AuditActor::UserId(agent),
            action,
            objective,
            serde_json::json!({ "from": status.as_str() }),
            now,
        )?;
        Ok(to)
    })
}
