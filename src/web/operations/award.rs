//! Award operations shared by the pages (`handlers::award`) and the API: load what the viewer may
//! see of an objective's award and letters, authorize, call `domain::award`; its refusals are
//! `AppError`s like every domain refusal (translated by the error middleware).

use crate::db::ids::{ChallengeId, LetterId, ObjectiveId, ProposalId};
use crate::domain::authz::Action;
use crate::domain::award::challenges::{self, NewChallenge, Outcome};
use crate::domain::award::contracts::{self, Change, Considerations, Contract, Holder, Terms};
use crate::domain::award::letters::{self, Letter, Reader};
use crate::domain::award::{self, AwardError, AwardInput, standstill};
use crate::domain::evaluation::board;
use crate::domain::forms::Problem;
use crate::domain::objectives::{Status, Transition};
use crate::views::award::{AfterResults, AgentView, Candidate, ConfirmAward, LetterRow};
use crate::views::contracts::ContractPage;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

async fn run<T: Send + 'static>(
    state: &AppState,
    op: impl FnOnce(&mut crate::db::DbConnection) -> Result<T, AwardError> + Send + 'static,
) -> Result<T, AppError> {
    state.db.run(move |conn| Ok::<_, AppError>(op(conn))).await?.map_err(AppError::from)
}

/// The names of the winners (their lead organisations).
fn winner_names(b: &board::Board, winners: &[ProposalId]) -> Vec<String> {
    winners.iter().filter_map(|w| b.proposal(*w).and_then(|p| p.organisations.first()).map(|o| o.1.clone())).collect()
}

/// What the public objective page shows once its results are published.
pub async fn after_results(state: &AppState, identity: &Identity, oid: ObjectiveId) -> Result<AfterResults, AppError> {
    let agent = identity.authorize(Action::Award).is_ok();
    state
        .db
        .run(move |conn| {
            let stages = award::stages(conn, oid)?;
            let found = award::load(conn, oid)?;
            let challenges = challenges::of_objective(conn, oid)?;
            let contract = contracts::load(conn, oid)?;
            let indicators = match &contract {
                Some(_) => crate::domain::award::indicators::of_objective(conn, oid, true)?,
                None => Vec::new(),
            };
            let support = match &contract {
                Some(_) => Some(crate::domain::award::change_support::summarize(
                    &crate::domain::award::change_support::plan(conn, oid)?,
                )),
                None => None,
            };
            let winner_names = match &found {
                Some(a) if a.awarded => award::winner_names(conn, &a.winners)?,
                _ => Vec::new(),
            };
            Ok::<_, AppError>(AfterResults {
                objective_id: oid.0,
                stages,
                award: found,
                winner_names,
                challenges,
                contract,
                indicators,
                support,
                agent,
            })
        })
        .await
}

/// The values the award form shows again when a step is refused.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    pub winners: Vec<ProposalId>,
    pub reasons: Option<String>,
    pub standstill_days: Option<String>,
    pub not_awarded_reason: String,
    /// The challenge form as typed: lodged on, by, summary.
    pub challenge: [String; 3],
}

/// The agent's award page: the form (prefilled from the committee's justifications) while the
/// results are published, then the award, its letters and acknowledgements, and its challenges.
pub async fn agent_view(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    typed: Typed,
) -> Result<AgentView, AppError> {
    identity.authorize(Action::Award)?;
    let b = crate::web::operations::evaluation::load_board(state, objective).await?;
    let now = state.clock.now_naive();
    let status = b.objective.status_at(now);
    if b.objective.results_published_at.is_none() {
        return Err(AppError::NotFound);
    }
    let shortlist = award::candidates(&b).map_err(AppError::from)?;
    let candidates: Vec<Candidate> = shortlist
        .iter()
        .filter_map(|(p, rank, total)| {
            let bp = b.proposal(*p)?;
            Some(Candidate {
                proposal: *p,
                organisation: bp.organisations.first().map(|o| o.1.clone()).unwrap_or_default(),
                title: bp.snapshot.title.clone(),
                rank: *rank,
                total: *total,
            })
        })
        .collect();
    let ids: Vec<ProposalId> = shortlist.iter().map(|s| s.0).collect();
    let reasons = typed.reasons.unwrap_or_else(|| award::prefill(&b, &ids, ctx.lang));
    let oid = b.objective.id;
    let (found, all_letters, all_challenges) = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>((
                award::load(conn, oid)?,
                letters::of_objective(conn, oid)?,
                challenges::of_objective(conn, oid)?,
            ))
        })
        .await?;
    let may_sign = found
        .as_ref()
        .filter(|a| a.awarded && status == Status::Awarded)
        .map(|a| standstill::may_sign(a.standstill_ends_at, &all_challenges, now));
    Ok(AgentView {
        objective_id: objective,
        title: b.objective.title.clone(),
        status,
        candidates,
        selected: typed.winners,
        reasons,
        standstill_days: typed.standstill_days.unwrap_or_else(|| standstill::DEFAULT_DAYS.to_string()),
        not_awarded_reason: typed.not_awarded_reason,
        challenge: typed.challenge,
        winner_names: found.as_ref().map(|a| winner_names(&b, &a.winners)).unwrap_or_default(),
        award: found,
        letters: all_letters
            .into_iter()
            .map(|l| LetterRow {
                id: l.id.0,
                addressee: l.facts.addressee,
                kind: l.kind,
                sent_at: l.sent_at,
                first_opened_at: l.first_opened_at,
            })
            .collect(),
        challenges: all_challenges,
        may_sign,
        notice: None,
        error: None,
        errors: Default::default(),
    })
}

/// Checks the award form and returns what the confirmation page shows (nothing is written).
pub async fn confirm_award(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    input: &AwardInput,
) -> Result<ConfirmAward, AppError> {
    identity.authorize(Action::Award)?;
    let b = crate::web::operations::evaluation::load_board(state, objective).await?;
    let now = state.clock.now_naive();
    if b.objective.status_at(now) != Status::ResultsPublished {
        return Err(AwardError::WrongStage.into());
    }
    let shortlist: Vec<ProposalId> = award::candidates(&b).map_err(AppError::from)?.into_iter().map(|c| c.0).collect();
    let (winners, reasons) = award::check(input, &shortlist).map_err(AppError::from)?;
    Ok(ConfirmAward {
        objective_id: objective,
        title: b.objective.title.clone(),
        winners: winners.iter().map(|w| (*w, winner_names(&b, &[*w]).join(""))).collect(),
        reasons,
        standstill_days: input.standstill_days,
        ends_at: standstill::ends_at(now, input.standstill_days),
    })
}

fn letter_link(state: &AppState) -> impl Fn(LetterId) -> String + Send + 'static {
    let public_url = state.settings.public_url.clone();
    move |l: LetterId| public_url.join(&format!("organisation/letters/{l}")).map(|u| u.to_string()).unwrap_or_default()
}

/// An agent awards the objective (cannot be undone).
pub async fn award(state: &AppState, identity: &Identity, objective: i64, input: AwardInput) -> Result<(), AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    let (buyer, court, link) =
        (state.settings.buyer_name.clone(), state.settings.remedies_court.clone(), letter_link(state));
    run(state, move |conn| {
        let context = award::Context { buyer: &buyer, court: &court, letter_link: &link };
        award::award(conn, oid, &input, agent, &context, now)
    })
    .await
    .map(|_| ())
}

/// Checks the public reason before the confirmation page of a declaration of no award.
pub async fn confirm_not_awarded(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    reason: &str,
) -> Result<String, AppError> {
    identity.authorize(Action::Award)?;
    let oid = ObjectiveId(objective);
    let now = state.clock.now_naive();
    let full = state
        .db
        .run(move |conn| crate::domain::objectives::load(conn, oid).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if full.objective.practice || full.objective.status == Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    if full.objective.status_at(now) != Status::ResultsPublished {
        return Err(AwardError::WrongStage.into());
    }
    let n = reason.trim().chars().count();
    if !(award::REASONS_MIN..=award::TEXT_MAX).contains(&n) {
        return Err(AwardError::Reasons.into());
    }
    Ok(full.objective.title)
}

/// An agent declares the objective not awarded, with a public reason.
pub async fn not_awarded(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    reason: String,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    let (buyer, court, link) =
        (state.settings.buyer_name.clone(), state.settings.remedies_court.clone(), letter_link(state));
    run(state, move |conn| {
        let context = award::Context { buyer: &buyer, court: &court, letter_link: &link };
        award::declare_not_awarded(conn, oid, &reason, agent, &context, now)
    })
    .await
    .map(|_| ())
}

/// An agent records a challenge lodged against the award.
pub async fn lodge_challenge(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    input: NewChallenge,
) -> Result<ChallengeId, AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    run(state, move |conn| challenges::lodge(conn, oid, &input, agent, now)).await
}

/// An agent records a challenge's outcome.
pub async fn settle_challenge(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    challenge: i64,
    outcome: Outcome,
    note: String,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    run(state, move |conn| challenges::settle(conn, oid, ChallengeId(challenge), outcome, &note, agent, now)).await
}

/// An agent moves the objective to a later stage (completed, archived).
/// The confirmation page of a later stage: the objective's title, once the stage is allowed.
pub async fn confirm_stage(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    to: Transition,
) -> Result<String, AppError> {
    identity.authorize(Action::Award)?;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    run(state, move |conn| award::may_advance(conn, oid, to, now)).await
}

pub async fn advance(state: &AppState, identity: &Identity, objective: i64, to: Transition) -> Result<(), AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    run(state, move |conn| award::advance(conn, oid, to, agent, now)).await.map(|_| ())
}

/// The letters of the viewer's organisation.
pub async fn organisation_letters(state: &AppState, identity: &Identity) -> Result<Vec<Letter>, AppError> {
    let org = identity.own_organisation()?;
    identity.authorize(Action::ReadLetters(org))?;
    state.db.run(move |conn| letters::of_organisation(conn, org).map_err(AppError::from)).await
}

/// One letter: its organisation's members (the first reading is the acknowledgement of receipt)
/// and agents read it; anyone else gets a 404, so a letter's existence does not leak.
pub async fn read_letter(state: &AppState, identity: &Identity, id: i64) -> Result<Letter, AppError> {
    let reader = if identity.authorize(Action::Award).is_ok() {
        Reader::Agent
    } else {
        let user = identity.user().ok_or(AppError::NotFound)?;
        let org = user.user.organisation_id.ok_or(AppError::NotFound)?;
        identity.authorize(Action::ReadLetters(org)).map_err(|_| AppError::NotFound)?;
        Reader::Member { user: user.user.id, organisation: org }
    };
    let now = state.clock.now_naive();
    run(state, move |conn| letters::read(conn, LetterId(id), reader, now)).await
}

/// The agent's contract page: the award's signing status, the holders and considerations the
/// contract will carry, the signed contract with its modifications.
pub async fn contract_page(state: &AppState, identity: &Identity, objective: i64) -> Result<ContractPage, AppError> {
    identity.authorize(Action::Award)?;
    let oid = ObjectiveId(objective);
    let now = state.clock.now_naive();
    state
        .db
        .run(move |conn| {
            let full = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let status = full.objective.status_at(now);
            let found = award::load(conn, oid)?;
            if full.objective.practice || !found.as_ref().is_some_and(|a| a.awarded) {
                return Err(AppError::NotFound);
            }
            let Some(a) = found else { return Err(AppError::NotFound) };
            let all_challenges = challenges::of_objective(conn, oid)?;
            let may_sign =
                (status == Status::Awarded).then(|| standstill::may_sign(a.standstill_ends_at, &all_challenges, now));
            let holders = contracts::holders_of(conn, &a.winners)?;
            let considerations = contracts::considerations_of(conn, oid, false, false)?;
            Ok(ContractPage {
                objective_id: objective,
                title: full.objective.title.clone(),
                status,
                may_sign,
                holders,
                considerations,
                contract: contracts::load(conn, oid)?,
                typed: vec![("object".to_owned(), full.objective.title)],
                errors: Default::default(),
                typed_change: Vec::new(),
                change_errors: Default::default(),
                notice: None,
                error: None,
            })
        })
        .await
}

/// Field problems apart from other refusals: a form shows the former by their fields.
fn fields_apart<T>(r: Result<T, AwardError>) -> Result<Result<T, Vec<Problem>>, AppError> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(AwardError::Fields(problems)) => Ok(Err(problems)),
        Err(e) => Err(e.into()),
    }
}

/// Checks the contract before its confirmation page (nothing is written): the stage, the
/// standstill, the challenges, the dates; returns the objective's title, the holders and the
/// considerations the contract will carry.
pub async fn confirm_contract(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    terms: Terms,
) -> Result<Result<(String, Vec<Holder>, Considerations), Vec<Problem>>, AppError> {
    identity.authorize(Action::Award)?;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            let title = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?.objective.title;
            Ok::<_, AppError>(fields_apart(contracts::prepare(conn, oid, &terms, now))?.map(|(_, h, c)| (title, h, c)))
        })
        .await
}

/// An agent records the signed contract: the objective goes into execution (cannot be undone).
pub async fn sign_contract(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    terms: Terms,
) -> Result<Result<(), Vec<Problem>>, AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    state.db.run(move |conn| fields_apart(contracts::sign(conn, oid, &terms, agent, now))).await
}

/// An agent records a modification of the signed contract, as a new row; returns its number.
pub async fn modify_contract(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    change: Change,
) -> Result<Result<i32, Vec<Problem>>, AppError> {
    let current = identity.authorize(Action::Award)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    state.db.run(move |conn| fields_apart(contracts::modify(conn, oid, &change, agent, now))).await
}

/// An objective's signed contract with its modifications, as everyone sees it; 404 until signed.
pub async fn public_contract(state: &AppState, identity: &Identity, objective: i64) -> Result<Contract, AppError> {
    let full = crate::web::operations::objectives::visible(state, identity, objective).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    let oid = full.objective.id;
    state.db.run(move |conn| contracts::load(conn, oid)?.ok_or(AppError::NotFound)).await
}
