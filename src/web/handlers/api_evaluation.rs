//! The JSON API for evaluation, under `/api/v1`: committees (agents), declarations and scores
//! (members), consensus, shortlist and decision (the chair), publication (agents) and the public
//! results. The same rules as the pages: each handler goes through the same loading,
//! authorization and operations (`web::operations::evaluation`) as `handlers::evaluation`, and
//! reads the board through the same view builders (`views::evaluation`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{CriterionId, OrganisationId, ProposalId, UserId};
use crate::domain::authz::Action;
use crate::domain::evaluation::board::{self, Board, Progress};
use crate::domain::evaluation::scoring;
use crate::views;
use crate::views::evaluation::label;
use crate::views::layout::Ctx;
use crate::web::auth::Identity;
use crate::web::ctx::csv_download;
use crate::web::error::AppError;
use crate::web::operations::evaluation as operations;
use crate::web::{AppState, Bounded};

type Resp = Result<HttpResponse, AppError>;

use crate::web::ctx::private_json as private;

async fn as_member(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(Bounded<Board>, UserId), AppError> {
    let (b, current) = operations::member_board(state, identity, objective).await?;
    Ok((b, current.user.id))
}

#[derive(Serialize, ToSchema)]
pub struct CommitteeMemberJson {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub chair: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CommitteeJson {
    pub members: Vec<CommitteeMemberJson>,
    pub blind: bool,
    /// `mean` or `median`.
    pub aggregation: String,
}

/// Agents: an objective's committee and evaluation settings.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/committee", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, body = CommitteeJson), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn committee_get(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    identity.authorize(Action::ManageCommittee)?;
    let b = operations::load_board(&state, id.into_inner()).await?;
    Ok(private(
        StatusCode::OK,
        CommitteeJson {
            members: b
                .members
                .iter()
                .map(|m| CommitteeMemberJson {
                    user_id: m.user_id.0,
                    name: m.name.clone(),
                    email: m.email.clone(),
                    chair: m.chair,
                })
                .collect(),
            blind: b.objective.blind,
            aggregation: b.method().as_str().into(),
        },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct AppointInput {
    /// A staff account with the committee role.
    pub user_id: i64,
    #[serde(default)]
    pub chair: bool,
}

/// Agents: appoints a member (or the chair); they are told by e-mail.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/committee", tag = "evaluation", security(("bearer" = [])),
    request_body = AppointInput,
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn committee_appoint(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<AppointInput>,
) -> Resp {
    operations::appoint_member(&state, &identity, id.into_inner(), UserId(body.user_id), body.chair).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Agents: removes a member who has not scored yet.
#[utoipa::path(delete, path = "/api/v1/objectives/{id}/committee/{user}", tag = "evaluation", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn committee_remove(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, user) = path.into_inner();
    operations::remove_from_committee(&state, &identity, id, UserId(user)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct LiftConflictInput {
    /// The member whose declared conflict is lifted.
    pub user_id: i64,
    /// The organisation the conflict was declared with.
    pub organisation_id: i64,
    /// Why it is lifted (at least 10 characters); kept in the audit log.
    pub reason: String,
}

/// Agents: lift a member's declared conflict of interest, with a reason (audited as
/// `evaluation.conflict_lifted`). Members cannot withdraw a declared conflict themselves.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/committee/conflicts/lift", tag = "evaluation", security(("bearer" = [])),
    request_body = LiftConflictInput,
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn committee_lift_conflict(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<LiftConflictInput>,
) -> Resp {
    let body = body.into_inner();
    operations::lift_conflict(
        &state,
        &identity,
        id.into_inner(),
        UserId(body.user_id),
        OrganisationId(body.organisation_id),
        body.reason,
    )
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct SettingsInput {
    pub blind: bool,
    /// `mean` or `median`.
    pub aggregation: String,
}

/// Agents, before the deadline: blind mode and how scores combine.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/evaluation-settings", tag = "evaluation", security(("bearer" = [])),
    request_body = SettingsInput,
    responses((status = 204), (status = 400, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn settings(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<SettingsInput>,
) -> Resp {
    operations::configure(&state, &identity, id.into_inner(), body.blind, &body.aggregation).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationDeclaration {
    pub organisation_id: i64,
    pub name: String,
    /// `null` until declared.
    pub conflict: Option<bool>,
    pub note: String,
    /// A user of this organisation shares the member's e-mail domain.
    pub domain_warning: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalStatus {
    pub proposal_id: i64,
    /// "Proposal 3" in blind mode, else the organisations.
    pub label: String,
    /// `conflict`, `not_started`, `draft` or `submitted`.
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct Workspace {
    pub opened: bool,
    pub blind: bool,
    pub chair: bool,
    pub decided: bool,
    pub declared: bool,
    pub organisations: Vec<OrganisationDeclaration>,
    /// Empty until every organisation is declared on.
    pub proposals: Vec<ProposalStatus>,
}

fn progress_code(p: Progress) -> &'static str {
    match p {
        Progress::Conflict => "conflict",
        Progress::NotStarted => "not_started",
        Progress::Draft => "draft",
        Progress::Submitted => "submitted",
        Progress::Released => "released",
    }
}

/// Members: their declarations and the proposals they score.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/evaluation", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, body = Workspace), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn workspace(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let (b, user) = as_member(&state, &identity, id.into_inner()).await?;
    let organisations = b.depositing_organisations();
    let ids: Vec<OrganisationId> = organisations.iter().map(|(o, _)| *o).collect();
    let email = identity.user().map(|u| u.user.email.clone()).unwrap_or_default();
    let warnings = state.db.run(move |conn| board::domain_warnings(conn, &email, &ids).map_err(AppError::from)).await?;
    let declared = b.declared_all(user);
    Ok(private(
        StatusCode::OK,
        Workspace {
            opened: b.opened(),
            blind: b.objective.blind,
            chair: b.member(user).is_some_and(|m| m.chair),
            decided: b.decision.is_some(),
            declared,
            organisations: organisations
                .iter()
                .map(|(o, name)| {
                    let d = b.declarations.iter().find(|d| d.user == user && d.organisation == *o);
                    OrganisationDeclaration {
                        organisation_id: o.0,
                        name: name.clone(),
                        conflict: d.map(|d| d.conflict),
                        note: d.map(|d| d.note.clone()).unwrap_or_default(),
                        domain_warning: warnings.contains(o),
                    }
                })
                .collect(),
            proposals: if declared {
                let numbers = b.blind_numbers(Some(user));
                b.proposals
                    .iter()
                    .filter(|p| !(b.objective.blind && b.conflicted(user, p.proposal)))
                    .map(|p| ProposalStatus {
                        proposal_id: p.proposal.0,
                        label: label(&ctx, &b, &numbers, p.proposal),
                        status: progress_code(b.progress(user, p.proposal)).into(),
                    })
                    .collect()
            } else {
                Vec::new()
            },
        },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct DeclarationInput {
    pub organisation_id: i64,
    pub conflict: bool,
    /// Required for a conflict.
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize, ToSchema)]
pub struct DeclarationsInput {
    /// One per depositing organisation.
    pub declarations: Vec<DeclarationInput>,
}

/// Members: declares, for every depositing organisation, a conflict of interest or none.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/evaluation/declarations", tag = "evaluation", security(("bearer" = [])),
    request_body = DeclarationsInput,
    responses((status = 204),
        (status = 409, description = "A declared conflict is final (`conflict_is_final`), or the committee decided (`decided`)", body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn declare(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<DeclarationsInput>,
) -> Resp {
    let (b, user) = as_member(&state, &identity, id.into_inner()).await?;
    let answers: Vec<scoring::Answer> = body
        .declarations
        .iter()
        .map(|d| scoring::Answer {
            organisation: OrganisationId(d.organisation_id),
            conflict: d.conflict,
            note: d.note.clone(),
        })
        .collect();
    let (oid, now) = (b.objective.id, state.clock.now_naive());
    state.db.run(move |conn| Ok::<_, AppError>(scoring::declare(conn, oid, user, &answers, now))).await??;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct ScoreJson {
    pub criterion_id: i64,
    /// 0 to 5; `null` in a draft.
    pub score: Option<i32>,
    pub justification: String,
}

#[derive(Serialize, ToSchema)]
pub struct OtherScore {
    /// The member's name (members know each other).
    pub member: String,
    pub criterion_id: i64,
    pub score: i32,
    pub justification: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalEvaluation {
    pub proposal_id: i64,
    pub label: String,
    /// The deposited content; without organisation names in blind mode.
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
    pub scores: Vec<ScoreJson>,
    pub submitted: bool,
    /// The others' submitted scores, once one's own is submitted.
    pub others: Vec<OtherScore>,
}

async fn readable(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    proposal: i64,
) -> Result<(Bounded<Board>, UserId), AppError> {
    let (b, user) = as_member(state, identity, objective).await?;
    operations::readable_by_member(&b, user, ProposalId(proposal))?;
    Ok((b, user))
}

/// Members: an opened proposal and their own evaluation of it.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/evaluation/proposals/{proposal}", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, body = ProposalEvaluation), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn proposal(state: web::Data<AppState>, ctx: Ctx, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (objective, proposal) = path.into_inner();
    let (b, user) = readable(&state, &identity, objective, proposal).await?;
    let pid = ProposalId(proposal);
    let p = b.proposal(pid).ok_or(AppError::NotFound)?;
    let mut content = serde_json::to_value(&p.snapshot).map_err(AppError::internal)?;
    if b.objective.blind
        && let Some(obj) = content.as_object_mut()
    {
        obj.remove("consortium");
        if let Some(docs) = obj.get_mut("documents").and_then(|d| d.as_array_mut()) {
            for (i, d) in docs.iter_mut().enumerate() {
                d["name"] =
                    serde_json::Value::String(ctx.t_args("evaluation-document-n", &[("n", &(i + 1).to_string())]));
            }
        }
    }
    let own = b.evaluation(user, pid);
    let names: std::collections::HashMap<UserId, String> =
        b.members.iter().map(|m| (m.user_id, m.name.clone())).collect();
    let others = if b.may_see_scores(user, pid) {
        b.counted(pid)
            .filter(|e| e.user != user)
            .flat_map(|e| b.scores.iter().filter(move |s| s.evaluation == e.id).map(move |s| (e.user, s)))
            .filter_map(|(u, s)| {
                Some(OtherScore {
                    member: names.get(&u).cloned().unwrap_or_default(),
                    criterion_id: s.criterion.0,
                    score: s.score?,
                    justification: s.justification.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(private(
        StatusCode::OK,
        ProposalEvaluation {
            proposal_id: proposal,
            label: label(&ctx, &b, &b.blind_numbers(Some(user)), pid),
            content,
            scores: own
                .map(|e| {
                    b.scores_of(e.id)
                        .into_iter()
                        .map(|s| ScoreJson {
                            criterion_id: s.criterion.0,
                            score: s.score,
                            justification: s.justification.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default(),
            submitted: own.is_some_and(|e| e.submitted_at.is_some()),
            others,
        },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ScoresInput {
    pub scores: Vec<ScoreJson>,
    /// Submit (and lock) rather than save a draft: every criterion needs a score and a
    /// justification of at least 30 characters.
    #[serde(default)]
    pub submit: bool,
}

/// Members: saves a draft of their evaluation, or submits it.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/evaluation/proposals/{proposal}", tag = "evaluation", security(("bearer" = [])),
    request_body = ScoresInput,
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn score(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    body: web::Json<ScoresInput>,
) -> Resp {
    let (objective, proposal) = path.into_inner();
    let (b, current) = operations::member_seat(&state, &identity, objective, ProposalId(proposal)).await?;
    let user = current.user.id;
    let inputs: Vec<scoring::ScoreInput> = body
        .scores
        .iter()
        .map(|s| scoring::ScoreInput {
            criterion: CriterionId(s.criterion_id),
            score: s.score,
            justification: s.justification.clone(),
        })
        .collect();
    let (oid, submit, now) = (b.objective.id, body.submit, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(scoring::save(conn, oid, ProposalId(proposal), user, &inputs, submit, now)))
        .await??;
    Ok(HttpResponse::NoContent().finish())
}

/// The chair: reopens a member's submitted evaluation.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/evaluation/proposals/{proposal}/reopen/{user}", tag = "evaluation", security(("bearer" = [])),
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, description = "The committee decided (`decided`)", body = crate::web::error::ErrorBody)))]
pub async fn reopen(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64, i64)>) -> Resp {
    let (objective, proposal, member) = path.into_inner();
    operations::reopen_evaluation(&state, &identity, objective, ProposalId(proposal), UserId(member)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct RankingRow {
    pub proposal_id: i64,
    pub label: String,
    pub rank: Option<usize>,
    pub total: f64,
    pub environmental: f64,
    /// Per criterion, in the objective's order: the committee's value (0–5), `null` if unscored.
    pub values: Vec<Option<f64>>,
    pub disagreements: Vec<bool>,
    pub excluded: Option<String>,
    pub shortlisted: bool,
    pub change_reason: Option<String>,
    /// The share of sensitivity samples in which it is shortlisted.
    pub share_shortlisted: f64,
    pub robust: bool,
}

#[derive(Serialize, ToSchema)]
pub struct Ranking {
    pub criteria: Vec<String>,
    pub samples: usize,
    pub pending: usize,
    pub decided: bool,
    pub rows: Vec<RankingRow>,
}

/// The chair (or an agent once decided): ranking, disagreements, sensitivity, shortlist.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/evaluation/ranking", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, body = Ranking), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn ranking(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let (b, is_chair) = operations::ranking_board(&state, &identity, id.into_inner()).await?;
    let v = views::evaluation::ranking_view(&ctx, &b, is_chair, None);
    Ok(private(
        StatusCode::OK,
        Ranking {
            criteria: v.criteria.iter().map(|(n, _)| n.clone()).collect(),
            samples: v.samples,
            pending: v.pending,
            decided: v.decided,
            rows: v
                .rows
                .into_iter()
                .map(|r| RankingRow {
                    proposal_id: r.proposal,
                    label: r.label,
                    rank: r.rank,
                    total: r.total,
                    environmental: r.environmental,
                    values: r.values.iter().map(|(x, _, _)| *x).collect(),
                    disagreements: r.values.iter().map(|(_, d, _)| *d).collect(),
                    excluded: r.excluded,
                    shortlisted: r.shortlisted,
                    change_reason: r.change_reason,
                    share_shortlisted: r.share,
                    robust: r.robust,
                })
                .collect(),
        },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsensusInput {
    pub proposal_id: i64,
    pub criterion_id: i64,
    /// 0 to 5, or `null` to remove the consensus.
    pub score: Option<i32>,
    #[serde(default)]
    pub justification: String,
}

/// The chair: records (or removes) a consensus score.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/evaluation/consensus", tag = "evaluation", security(("bearer" = [])),
    request_body = ConsensusInput,
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody),
        (status = 409, description = "The committee has decided (`decided`)", body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn consensus(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<ConsensusInput>,
) -> Resp {
    let target = (ProposalId(body.proposal_id), CriterionId(body.criterion_id));
    operations::record_consensus(&state, &identity, id.into_inner(), target, body.score, body.justification.clone())
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct ShortlistInput {
    pub proposal_id: i64,
    pub shortlisted: bool,
    /// Required when departing from the rule (at least 10 characters).
    #[serde(default)]
    pub reason: String,
}

/// The chair: puts a proposal in or out of the shortlist.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/evaluation/shortlist", tag = "evaluation", security(("bearer" = [])),
    request_body = ShortlistInput,
    responses((status = 204), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn shortlist(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<ShortlistInput>,
) -> Resp {
    let change = (ProposalId(body.proposal_id), body.shortlisted);
    operations::shortlist_change(&state, &identity, id.into_inner(), change, body.reason.clone()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema, Default)]
pub struct DecisionInput {
    /// Required while disagreements are open (members differ widely on a criterion and no
    /// consensus score was recorded): why the committee decides anyway (at least 10 characters).
    #[serde(default)]
    pub reason: String,
}

/// The chair: records the committee's decision (every evaluation submitted). The body may be
/// empty when no disagreement is open.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/evaluation/decision", tag = "evaluation", security(("bearer" = [])),
    request_body(content = DecisionInput, description = "optional"),
    responses((status = 204), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, description = "disagreements are open and no reason was given", body = crate::web::error::ErrorBody)))]
pub async fn decide(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>, body: web::Bytes) -> Resp {
    let input: DecisionInput = if body.iter().all(u8::is_ascii_whitespace) {
        DecisionInput::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| AppError::BadRequest { code: "invalid_json", message: e.to_string() })?
    };
    operations::record_decision(&state, &identity, id.into_inner(), input.reason).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct ReleaseInput {
    /// Why the seat is released (at least 10 characters).
    pub reason: String,
}

/// The chair: releases the seat of a committee member whose account was disabled during the
/// evaluation. Their submitted evaluations still count; what they did not submit is no longer
/// awaited.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/evaluation/members/{user}/release", tag = "evaluation",
    security(("bearer" = [])), request_body = ReleaseInput,
    params(("id" = i64, Path, description = "the objective"), ("user" = i64, Path, description = "the member")),
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody),
        (status = 409, description = "the account is active, the seat already released, or the committee decided", body = crate::web::error::ErrorBody),
        (status = 422, description = "no reason, or too short", body = crate::web::error::ErrorBody)))]
pub async fn release_seat(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    body: web::Bytes,
) -> Resp {
    let input: ReleaseInput = serde_json::from_slice(&body)
        .map_err(|e| AppError::BadRequest { code: "invalid_json", message: e.to_string() })?;
    let (id, user) = path.into_inner();
    operations::release_seat(&state, &identity, id, UserId(user), input.reason).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct PublishInput {
    /// Also publish the scores per criterion.
    #[serde(default)]
    pub per_criterion: bool,
}

/// Agents: publishes the decided results; every depositor is told.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/results", tag = "evaluation", security(("bearer" = [])),
    request_body = PublishInput,
    responses((status = 204), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn publish(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<PublishInput>,
) -> Resp {
    operations::publish_decided(&state, &identity, id.into_inner(), body.per_criterion).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct PublicResult {
    pub rank: Option<usize>,
    pub organisations: String,
    pub title: String,
    pub total: f64,
    /// Per criterion, when the agent published them.
    pub values: Option<Vec<f64>>,
}

#[derive(Serialize, ToSchema)]
pub struct PublicResults {
    #[schema(value_type = String, format = DateTime)]
    pub published_at: chrono::NaiveDateTime,
    pub criteria: Vec<String>,
    pub opened: usize,
    pub shortlisted: Vec<PublicResult>,
}

/// Everyone: an objective's published results (404 until published).
#[utoipa::path(get, path = "/api/v1/objectives/{id}/results", tag = "evaluation",
    responses((status = 200, body = PublicResults), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn results(state: web::Data<AppState>, ctx: Ctx, id: web::Path<i64>) -> Resp {
    let b = operations::load_board(&state, id.into_inner()).await?;
    let oid = b.objective.id;
    let outcomes = state
        .db
        .run(move |conn| crate::domain::proposals::opening::proposals_of(conn, oid).map_err(AppError::from))
        .await?;
    let r = views::evaluation::published_results(&ctx, &b, &outcomes).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(PublicResults {
        published_at: r.published_at,
        criteria: r.criteria,
        opened: r.opened,
        shortlisted: r
            .shortlisted
            .into_iter()
            .map(|s| PublicResult {
                rank: s.rank,
                organisations: s.organisations,
                title: s.title,
                total: s.total,
                values: r.per_criterion.then_some(s.values),
            })
            .collect(),
    }))
}

/// The chair (or an agent once decided): the ranking as CSV, formulas neutralised.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/evaluation/report.csv", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, description = "The ranking, one row per opened proposal", content_type = "text/csv"), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn report_csv(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let (b, _) = operations::report_board(&state, &identity, id.into_inner()).await?;
    let file = views::evaluation::ranking_csv(&ctx, &b);
    Ok(csv_download(&file.name, file.body))
}

/// The chair (or an agent once decided): every counted score and its justification, as CSV.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/evaluation/scores.csv", tag = "evaluation", security(("bearer" = [])),
    responses((status = 200, description = "One row per member, proposal and criterion", content_type = "text/csv"), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn scores_csv(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let (b, _) = operations::report_board(&state, &identity, id.into_inner()).await?;
    let file = views::evaluation::scores_csv(&ctx, &b);
    Ok(csv_download(&file.name, file.body))
}
