//! Evaluation pages: the agent appoints the committee and publishes the results; members declare
//! conflicts and score; the chair follows progress, settles disagreements, adjusts the shortlist
//! and records the decision. Each handler loads the objective's board, asks `authz::decide` with
//! the viewer's place on the committee, and calls the domain.

use std::rc::Rc;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{CriterionId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::domain::audit::AuditActor;
use crate::domain::authz::Action;
use crate::domain::evaluation::aggregate::{Method, ShortlistRule};
use crate::domain::evaluation::board::{self, Board, Progress, Scope};
use crate::domain::evaluation::{EvaluationError, committee, decision, scoring, sensitivity};
use crate::domain::markdown;
use crate::domain::objectives::{FormPairs, Status, first};
use crate::views;
use crate::views::evaluation::{
    CommitteeRow, DeclarationRow, Disagreement, MyObjective, ProgressView, ProposalLine, RankRow, RankingView,
    ScoreField, ScoreView, WorkspaceView,
};
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::{AppState, Bounded};

/// A refused evaluation step, in the user's language.
pub fn evaluation_error(ctx: &Ctx, e: EvaluationError) -> AppError {
    match e {
        EvaluationError::NotFound => AppError::NotFound,
        EvaluationError::NotMember | EvaluationError::NotChair => AppError::Forbidden,
        EvaluationError::Db(cause) => AppError::Internal(cause),
        EvaluationError::Incomplete(n) => AppError::Conflict {
            code: "incomplete",
            message: ctx.t_args("evaluation-error-incomplete", &[("count", &n.to_string())]),
        },
        other => AppError::Conflict { code: other.code(), message: ctx.t(other.message_key()) },
    }
}

/// An objective's whole evaluation, for the pages that show or compute on all of it. Holds one of
/// the server's board permits (`Bounded`) until dropped: never load a second one while holding it.
pub(crate) async fn load_board(state: &AppState, objective: i64) -> Result<Bounded<Board>, AppError> {
    Bounded::load(&state.boards, || load_scoped(state, objective, Scope::All)).await
}

/// What `scope` says of an objective's evaluation (see [`Scope`]); a practice or draft objective
/// has none.
async fn load_scoped(state: &AppState, objective: i64, scope: Scope) -> Result<Board, AppError> {
    let oid = ObjectiveId(objective);
    let b = state
        .db
        .run(move |conn| board::load_scoped(conn, oid, scope).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if b.objective.practice || b.objective.status == Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(b)
}

/// A member's seat on one proposal: only what writing their own evaluation of it needs (their
/// declarations, their evaluation), authorized as `member_board` and `readable_by_member` do.
pub(crate) async fn member_seat(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    proposal: ProposalId,
) -> Result<(Board, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let scope = Scope::Member { user: current.user.id, proposal: Some(proposal) };
    let b = load_scoped(state, objective, scope).await?;
    let member = b.member(current.user.id).is_some();
    identity.authorize(Action::SitOnCommittee { member })?;
    readable_by_member(ctx, &b, current.user.id, proposal)?;
    Ok((b, current))
}

/// The board, for a member of its committee.
pub(crate) async fn member_board(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(Bounded<Board>, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let b = load_board(state, objective).await?;
    let member = b.member(current.user.id).is_some();
    identity.authorize(Action::SitOnCommittee { member })?;
    Ok((b, current))
}

pub(crate) async fn chair_board(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
) -> Result<(Bounded<Board>, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let b = load_board(state, objective).await?;
    let chair = b.member(current.user.id).is_some_and(|m| m.chair);
    identity.authorize(Action::ChairCommittee { chair })?;
    // Declared on every organisation, in conflict with none.
    b.chair_may_act(current.user.id).map_err(|e| evaluation_error(ctx, e))?;
    Ok((b, current))
}

/// How a proposal is named to this viewer: "Proposal 3" in blind mode, else its organisations.
pub fn label(ctx: &Ctx, b: &Board, proposal: ProposalId) -> String {
    match b.proposal(proposal) {
        Some(p) if b.objective.blind => ctx.t_args("evaluation-proposal-n", &[("n", &p.number.to_string())]),
        Some(p) => p.organisations.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + "),
        None => String::new(),
    }
}

// ---- The agent's committee page ----

pub async fn committee_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCommittee)?;
    let b = load_board(&state, id.into_inner()).await?;
    let oid = b.objective.id;
    let candidates = state.db.run(|conn| committee::candidates(conn).map_err(AppError::from)).await?;
    let now = state.clock.now_naive();
    let status = b.objective.status_at(now);
    let _ = oid;
    let view = views::evaluation::CommitteeView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        members: b
            .members
            .iter()
            .map(|m| CommitteeRow { user: m.user_id.0, name: m.name.clone(), email: m.email.clone(), chair: m.chair })
            .collect(),
        candidates: candidates
            .into_iter()
            .filter(|(u, _, _)| b.member(*u).is_none())
            .map(|(u, n, e)| (u.0, n, e))
            .collect(),
        blind: b.objective.blind,
        median: b.method() == Method::Median,
        settings_open: status == Status::Published,
        can_appoint: matches!(status, Status::Published | Status::Closed | Status::UnderEvaluation),
        notice: query.notice(&ctx, "evaluation"),
    };
    Ok(html(StatusCode::OK, views::evaluation::committee(&ctx, &view)))
}

#[derive(Deserialize)]
pub struct AppointForm {
    user: i64,
    #[serde(default)]
    chair: Option<String>,
}

pub async fn appoint(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<AppointForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    appoint_member(&state, &ctx, &identity, id, UserId(form.user), form.chair.as_deref() == Some("true")).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=appointed")))
}

pub async fn remove_member(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, user) = path.into_inner();
    remove_from_committee(&state, &ctx, &identity, id, UserId(user)).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=removed")))
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    blind: Option<String>,
    #[serde(default)]
    aggregation: String,
}

pub async fn settings(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let invalid = AppError::Conflict { code: "invalid_field", message: ctx.t("evaluation-error-aggregation") };
    let blind = form.blind.as_deref() == Some("true");
    configure(&state, &ctx, &identity, id, blind, &form.aggregation, invalid).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=configured")))
}

// ---- The member's pages ----

pub async fn my_evaluations(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
) -> Result<HttpResponse, AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    identity.authorize(Action::SitOnCommittee { member: true })?;
    let user = current.user.id;
    let rows = state.db.run(move |conn| committee::of_user(conn, user).map_err(AppError::from)).await?;
    let now = state.clock.now_naive();
    let rows: Vec<MyObjective> = rows
        .into_iter()
        .map(|(o, chair)| MyObjective {
            id: o.id.0,
            title: o.title.clone(),
            reference: o.reference.clone(),
            status: o.status_at(now),
            chair,
        })
        .collect();
    Ok(html(StatusCode::OK, views::evaluation::my_evaluations(&ctx, &rows)))
}

async fn render_workspace(
    state: &AppState,
    ctx: &Ctx,
    b: &Board,
    current: &CurrentUser,
    errors: &Errors,
    submitted: Option<&FormPairs>,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let user = current.user.id;
    let organisations = b.depositing_organisations();
    let ids: Vec<OrganisationId> = organisations.iter().map(|(o, _)| *o).collect();
    let email = current.user.email.clone();
    let warnings = state.db.run(move |conn| board::domain_warnings(conn, &email, &ids).map_err(AppError::from)).await?;
    let declarations = organisations
        .iter()
        .map(|(org, name)| {
            let stored = b.declarations.iter().find(|d| d.user == user && d.organisation == *org);
            let (conflict, note) = match submitted {
                Some(pairs) => match first(pairs, &format!("org_{org}")).as_str() {
                    "conflict" => (Some(true), first(pairs, &format!("note_{org}"))),
                    "none" => (Some(false), first(pairs, &format!("note_{org}"))),
                    _ => (None, first(pairs, &format!("note_{org}"))),
                },
                None => (stored.map(|d| d.conflict), stored.map(|d| d.note.clone()).unwrap_or_default()),
            };
            DeclarationRow { organisation: org.0, name: name.clone(), conflict, note, warning: warnings.contains(org) }
        })
        .collect();
    let declared = b.declared_all(user);
    // In blind mode a conflicted proposal is not even listed: its number would tell whose it is.
    let proposals = b
        .proposals
        .iter()
        .filter(|p| !(b.objective.blind && b.conflicted(user, p.proposal)))
        .map(|p| {
            let progress = b.progress(user, p.proposal);
            let status = match progress {
                Progress::Conflict => "progress-conflict",
                Progress::NotStarted => "progress-not-started",
                Progress::Draft => "progress-draft",
                Progress::Submitted => "progress-submitted",
            };
            // Nothing of a conflicted proposal's content, not even its title.
            let label = if b.objective.blind || progress == Progress::Conflict {
                label(ctx, b, p.proposal)
            } else {
                format!("{} — {}", label(ctx, b, p.proposal), p.snapshot.title)
            };
            ProposalLine { proposal: p.proposal.0, label, status, can_open: progress != Progress::Conflict }
        })
        .collect();
    let view = WorkspaceView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        opened: b.opened(),
        blind: b.objective.blind,
        declarations,
        declared,
        proposals,
        chair: b.member(user).is_some_and(|m| m.chair),
        decided: b.decision.is_some(),
        notice,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, views::evaluation::workspace(ctx, &view, errors)))
}

pub async fn workspace(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (b, current) = member_board(&state, &identity, id.into_inner()).await?;
    render_workspace(&state, &ctx, &b, &current, &Errors::default(), None, query.notice(&ctx, "evaluation")).await
}

pub async fn declare(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let (b, current) = member_board(&state, &identity, id.into_inner()).await?;
    let pairs = form.into_inner();
    let answers: Vec<scoring::Answer> = b
        .depositing_organisations()
        .iter()
        .filter_map(|(org, _)| {
            let choice = first(&pairs, &format!("org_{org}"));
            let note = first(&pairs, &format!("note_{org}"));
            match choice.as_str() {
                "none" => Some(scoring::Answer { organisation: *org, conflict: false, note }),
                "conflict" => Some(scoring::Answer { organisation: *org, conflict: true, note }),
                _ => None,
            }
        })
        .collect();
    let (oid, user, now) = (b.objective.id, current.user.id, state.clock.now_naive());
    let saved = state.db.run(move |conn| Ok::<_, AppError>(scoring::declare(conn, oid, user, &answers, now))).await?;
    match saved {
        Ok(()) => Ok(redirect(&format!("/objectives/{oid}/evaluation?done=declared"))),
        Err(EvaluationError::Declarations(fields)) => {
            let mut errors = Errors::default();
            for f in fields {
                let key = if f.starts_with("note_") { "declarations-error-note" } else { "declarations-error-choice" };
                errors.add(f, ctx.t(key));
            }
            render_workspace(&state, &ctx, &b, &current, &errors, Some(&pairs), None).await
        }
        Err(e) => Err(evaluation_error(&ctx, e)),
    }
}

fn score_fields(
    ctx: &Ctx,
    b: &Board,
    user: UserId,
    proposal: ProposalId,
    submitted: Option<&FormPairs>,
) -> Vec<ScoreField> {
    let own = b.evaluation(user, proposal);
    let may_see = b.may_see_scores(user, proposal);
    let names: std::collections::HashMap<UserId, String> =
        b.members.iter().map(|m| (m.user_id, m.name.clone())).collect();
    b.criteria
        .iter()
        .map(|c| {
            let id = c.weighted.criterion_id;
            let stored = own.and_then(|e| b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id));
            let (score, justification) = match submitted {
                Some(pairs) => {
                    (first(pairs, &format!("score_{id}")).parse::<i32>().ok(), first(pairs, &format!("just_{id}")))
                }
                None => (stored.and_then(|s| s.score), stored.map(|s| s.justification.clone()).unwrap_or_default()),
            };
            let others = if may_see {
                b.counted(proposal)
                    .filter(|e| e.user != user)
                    .filter_map(|e| {
                        b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id).and_then(|s| {
                            Some((names.get(&e.user).cloned().unwrap_or_default(), s.score?, s.justification.clone()))
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let consensus = if may_see {
                b.consensus
                    .iter()
                    .find(|x| x.proposal == proposal && x.criterion == id)
                    .map(|x| (x.score, x.justification.clone()))
            } else {
                None
            };
            ScoreField {
                criterion: id.0,
                name: c.criterion.name(ctx.lang).to_owned(),
                description: c.criterion.description(ctx.lang).to_owned(),
                weight: c.weighted.weight,
                levels: c.criterion.levels(ctx.lang),
                score,
                justification,
                others,
                consensus,
            }
        })
        .collect()
}

fn render_score(
    ctx: &Ctx,
    b: &Board,
    user: UserId,
    proposal: ProposalId,
    errors: &Errors,
    submitted: Option<&FormPairs>,
    notice: Option<String>,
) -> Result<HttpResponse, AppError> {
    let p = b.proposal(proposal).ok_or(AppError::NotFound)?;
    let own = b.evaluation(user, proposal);
    let is_submitted = own.is_some_and(|e| e.submitted_at.is_some());
    let is_chair = b.member(user).is_some_and(|m| m.chair);
    let statements = p
        .snapshot
        .statements
        .iter()
        .map(|s| {
            let name = b
                .criteria
                .iter()
                .find(|c| c.criterion.id == s.criterion_id)
                .map_or_else(|| s.criterion_code.clone(), |c| c.criterion.name(ctx.lang).to_owned());
            (name, s.statement.clone())
        })
        .collect();
    let documents = p
        .snapshot
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let name = if b.objective.blind {
                ctx.t_args("evaluation-document-n", &[("n", &(i + 1).to_string())])
            } else {
                d.name.clone()
            };
            (format!("/deposits/{}/documents/{i}", p.deposit.id), name, d.size_bytes)
        })
        .collect();
    let view = ScoreView {
        objective: b.objective.id.0,
        objective_title: &b.objective.title,
        proposal: proposal.0,
        label: label(ctx, b, proposal),
        // In blind mode the title is the supplier's own words: kept, as is the content.
        title: &p.snapshot.title,
        summary: &p.snapshot.summary,
        solution_html: markdown::render(&p.snapshot.solution),
        change_support: &p.snapshot.change_support,
        statements,
        documents,
        fields: score_fields(ctx, b, user, proposal, submitted),
        submitted: is_submitted,
        locked: is_submitted || b.decision.is_some(),
        reopenable: if is_chair && b.decision.is_none() {
            b.evaluations
                .iter()
                .filter(|e| e.proposal == proposal && e.submitted_at.is_some())
                .filter_map(|e| b.member(e.user).map(|m| (m.user_id.0, m.name.clone())))
                .collect()
        } else {
            Vec::new()
        },
        notice,
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, views::evaluation::score(ctx, &view, errors)))
}

/// A proposal the member may read: declared on every organisation, not conflicted.
pub(crate) fn readable_by_member(ctx: &Ctx, b: &Board, user: UserId, proposal: ProposalId) -> Result<(), AppError> {
    b.proposal(proposal).ok_or(AppError::NotFound)?;
    if !b.declared_all(user) {
        return Err(evaluation_error(ctx, EvaluationError::DeclareFirst));
    }
    if b.conflicted(user, proposal) {
        // A conflicted member sees nothing of it, not even that it can be read.
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn score_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let (b, current) = member_board(&state, &identity, id).await?;
    readable_by_member(&ctx, &b, current.user.id, ProposalId(pid))?;
    render_score(&ctx, &b, current.user.id, ProposalId(pid), &Errors::default(), None, query.notice(&ctx, "evaluation"))
}

pub async fn save_scores(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let (id, pid) = path.into_inner();
    let proposal = ProposalId(pid);
    let (b, current) = member_seat(&state, &ctx, &identity, id, proposal).await?;
    let pairs = form.into_inner();
    let submit = first(&pairs, "action") == "submit";
    let mut errors = Errors::default();
    let inputs: Vec<scoring::ScoreInput> = b
        .criteria
        .iter()
        .map(|c| {
            let id = c.weighted.criterion_id;
            let raw = first(&pairs, &format!("score_{id}"));
            let score = if raw.is_empty() {
                None
            } else {
                // Anything but a whole number is out of range.
                Some(raw.parse::<i32>().unwrap_or(-1))
            };
            scoring::ScoreInput { criterion: id, score, justification: first(&pairs, &format!("just_{id}")) }
        })
        .collect();
    let (oid, user, now) = (b.objective.id, current.user.id, state.clock.now_naive());
    let saved = state
        .db
        .run(move |conn| Ok::<_, AppError>(scoring::save(conn, oid, proposal, user, &inputs, submit, now)))
        .await?;
    match saved {
        Ok(()) => {
            let done = if submit { "submitted" } else { "saved" };
            Ok(redirect(&format!("/objectives/{oid}/evaluation/{pid}?done={done}")))
        }
        Err(EvaluationError::Scores(problems)) => {
            for (criterion, key) in problems {
                let field =
                    if matches!(key, "score-error-justification" | "score-error-long") { "just" } else { "score" };
                errors.add(format!("{field}_{criterion}"), ctx.t(key));
            }
            // The form again, with everything the page shows.
            drop(b);
            let b = load_board(&state, id).await?;
            render_score(&ctx, &b, user, proposal, &errors, Some(&pairs), None)
        }
        Err(e) => Err(evaluation_error(&ctx, e)),
    }
}

// ---- The chair's pages ----

pub async fn reopen(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid, member) = path.into_inner();
    reopen_evaluation(&state, &ctx, &identity, id, ProposalId(pid), UserId(member)).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/{pid}?done=reopened")))
}

pub async fn progress(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, current) = chair_board(&state, &ctx, &identity, id.into_inner()).await?;
    let oid = b.objective.id;
    let history = state.db.run(move |conn| scoring::history(conn, oid).map_err(AppError::from)).await?;
    // Nothing of a proposal the chair is conflicted on.
    let history: Vec<_> = history.into_iter().filter(|h| !b.conflicted(current.user.id, h.proposal)).collect();
    let names: std::collections::HashMap<UserId, String> =
        b.members.iter().map(|m| (m.user_id, m.name.clone())).collect();
    let view = ProgressView {
        objective: oid.0,
        title: &b.objective.title,
        proposals: b.proposals.iter().map(|p| label(&ctx, &b, p.proposal)).collect(),
        rows: b
            .members
            .iter()
            .map(|m| {
                let cells = b
                    .proposals
                    .iter()
                    .map(|p| match b.progress(m.user_id, p.proposal) {
                        Progress::Conflict => "progress-conflict",
                        Progress::NotStarted => "progress-not-started",
                        Progress::Draft => "progress-draft",
                        Progress::Submitted => "progress-submitted",
                    })
                    .collect();
                (m.name.clone(), cells)
            })
            .collect(),
        history: history
            .into_iter()
            .map(|h| {
                let criterion = b
                    .criteria
                    .iter()
                    .find(|c| c.criterion.id == h.criterion)
                    .map_or_else(String::new, |c| c.criterion.name(ctx.lang).to_owned());
                (
                    h.changed_at,
                    names.get(&h.member).cloned().unwrap_or_default(),
                    label(&ctx, &b, h.proposal),
                    criterion,
                    h.from_score,
                    h.to_score,
                )
            })
            .collect(),
    };
    Ok(html(StatusCode::OK, views::evaluation::progress(&ctx, &view)))
}

/// The ranking as the chair (and, after the decision, the agents) read it.
pub fn ranking_view<'a>(ctx: &Ctx, b: &'a Board, is_chair: bool, notice: Option<String>) -> RankingView<'a> {
    let results = b.results();
    let shortlist = b.shortlist(&results);
    let by_rule = crate::domain::evaluation::aggregate::shortlist(&results, b.rule());
    let analysis = sensitivity::analyse(
        &b.specs(),
        &results,
        b.rule(),
        sensitivity::DEFAULT_SAMPLES,
        decision::seed(b.objective.id),
    );
    let pending = b.pending();
    let criterion_name = |id: CriterionId| {
        b.criteria
            .iter()
            .find(|c| c.criterion.id == id)
            .map_or_else(String::new, |c| c.criterion.name(ctx.lang).to_owned())
    };
    let rows = results
        .iter()
        .map(|r| {
            let row = analysis.rows.iter().find(|x| x.proposal == r.proposal);
            RankRow {
                proposal: r.proposal.0,
                label: label(ctx, b, r.proposal),
                rank: r.rank,
                total: r.total,
                environmental: r.environmental,
                values: r
                    .criteria
                    .iter()
                    .map(|c| (c.value.map(|v| v.as_f64()), c.disagreement, c.from_consensus))
                    .collect(),
                excluded: r.excluded.map(|e| {
                    ctx.t_args(
                        "ranking-excluded",
                        &[
                            ("criterion", &criterion_name(e.criterion)),
                            ("value", &format!("{:.2}", e.value)),
                            ("min", &e.minimum.to_string()),
                        ],
                    )
                }),
                shortlisted: shortlist.contains(&r.proposal),
                by_rule: by_rule.contains(&r.proposal),
                change_reason: b.changes.iter().find(|c| c.proposal == r.proposal).map(|c| c.reason.clone()),
                share: row.map_or(0.0, |x| x.share_shortlisted),
                stability: row.map_or(1.0, |x| x.stability),
                robust: row.is_some_and(|x| x.robust),
            }
        })
        .collect();
    let disagreements = results
        .iter()
        .flat_map(|r| {
            r.criteria.iter().filter(|c| c.disagreement).map(move |c| (r.proposal, c.criterion, c.min, c.max))
        })
        .map(|(proposal, criterion, min, max)| Disagreement {
            proposal: proposal.0,
            label: label(ctx, b, proposal),
            criterion: criterion.0,
            criterion_name: criterion_name(criterion),
            spread: format!("{}–{}", min.unwrap_or(0), max.unwrap_or(0)),
            consensus: b
                .consensus
                .iter()
                .find(|x| x.proposal == proposal && x.criterion == criterion)
                .map(|x| (x.score, x.justification.clone())),
        })
        .collect();
    RankingView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        criteria: b.criteria.iter().map(|c| (c.criterion.name(ctx.lang).to_owned(), c.weighted.weight)).collect(),
        rows,
        rule: match b.rule() {
            ShortlistRule::Top(n) => ctx.t_args("shortlist-top", &[("value", &n.to_string())]),
            ShortlistRule::AtLeast(n) => ctx.t_args("shortlist-min", &[("value", &n.to_string())]),
        },
        method: ctx.t(if b.method() == Method::Median { "aggregation-median" } else { "aggregation-mean" }),
        samples: analysis.samples,
        disagreements,
        pending,
        decided: b.decision.is_some(),
        is_chair,
        notice,
    }
}

pub async fn ranking(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    // Agents read the ranking once the committee decided; until then it is the chair's.
    let (b, is_chair) = report_board(&state, &ctx, &identity, id.into_inner()).await?;
    let notice = query.notice(&ctx, "evaluation");
    // The aggregation and the 10,000-sample sensitivity analysis are CPU work: off the async
    // workers, so other requests are not held behind them.
    let page = web::block(move || {
        let view = ranking_view(&ctx, &b, is_chair, notice);
        views::evaluation::ranking(&ctx, &view).into_string()
    })
    .await
    .map_err(AppError::internal)?;
    Ok(html(StatusCode::OK, maud::PreEscaped(page)))
}

#[derive(Deserialize)]
pub struct ConsensusForm {
    proposal: i64,
    criterion: i64,
    #[serde(default)]
    score: String,
    #[serde(default)]
    justification: String,
}

pub async fn consensus(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ConsensusForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let score = if form.score.trim().is_empty() { None } else { Some(form.score.trim().parse::<i32>().unwrap_or(-1)) };
    let target = (ProposalId(form.proposal), CriterionId(form.criterion));
    let refused = |e| match e {
        EvaluationError::Scores(problems) => AppError::Conflict {
            code: "invalid_scores",
            message: problems.iter().map(|(_, k)| ctx.t(k)).collect::<Vec<_>>().join(" "),
        },
        other => evaluation_error(&ctx, other),
    };
    record_consensus(&state, &ctx, &identity, id, target, score, form.justification.clone(), &refused).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/ranking?done=consensus")))
}

#[derive(Deserialize)]
pub struct ShortlistForm {
    proposal: i64,
    shortlisted: String,
    #[serde(default)]
    reason: String,
}

pub async fn change_shortlist(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ShortlistForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let change = (ProposalId(form.proposal), form.shortlisted == "true");
    shortlist_change(&state, &ctx, &identity, id, change, form.reason.clone()).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/ranking?done=shortlist")))
}

pub async fn decide(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    record_decision(&state, &ctx, &identity, id).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/ranking?done=decided")))
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    per_criterion: Option<String>,
}

/// An agent publishes the decided results.
pub async fn publish_results(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    publish_decided(&state, &ctx, &identity, id, form.per_criterion.as_deref() == Some("true")).await?;
    Ok(redirect(&format!("/objectives/{id}?done=results")))
}

// ---- Operations shared by the pages and the API: authorize, call the domain, map refusals ----

/// How an operation's refusal reads (the pages and the API word some differently).
pub(crate) type Refusal<'a> = &'a dyn Fn(EvaluationError) -> AppError;

async fn run<T: Send + 'static>(
    state: &AppState,
    refused: Refusal<'_>,
    op: impl FnOnce(&mut crate::db::DbConnection) -> Result<T, EvaluationError> + Send + 'static,
) -> Result<T, AppError> {
    state.db.run(move |conn| Ok::<_, AppError>(op(conn))).await?.map_err(refused)
}

/// An agent appoints a member (or the chair).
pub(crate) async fn appoint_member(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    user: UserId,
    chair: bool,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    let link = crate::domain::following::MailLinks { public_url: &state.settings.public_url }
        .path(&format!("objectives/{objective}/evaluation"));
    run(state, &|e| evaluation_error(ctx, e), move |conn| committee::appoint(conn, oid, user, chair, &who, &link, now))
        .await
}

/// An agent removes a member who has not scored.
pub(crate) async fn remove_from_committee(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    user: UserId,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    run(state, &|e| evaluation_error(ctx, e), move |conn| committee::remove(conn, oid, user, &who, now)).await
}

/// An agent chooses blind mode and the combination of scores; `invalid` answers an unknown one.
pub(crate) async fn configure(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    blind: bool,
    aggregation: &str,
    invalid: AppError,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::ManageCommittee)?;
    let method = Method::parse(aggregation).ok_or(invalid)?;
    let (oid, now, who) = (ObjectiveId(objective), state.clock.now_naive(), AuditActor::UserId(current.user.id));
    run(state, &|e| evaluation_error(ctx, e), move |conn| committee::configure(conn, oid, blind, method, &who, now))
        .await
}

/// The chair's right to act on the objective, checked on its board as `chair_board` does; the
/// board (and its permit) is let go at once, since each operation loads its own under its lock.
async fn chair_acting(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
) -> Result<(ObjectiveId, UserId), AppError> {
    let (b, current) = chair_board(state, ctx, identity, objective).await?;
    Ok((b.objective.id, current.user.id))
}

/// The chair reopens a member's submitted evaluation.
pub(crate) async fn reopen_evaluation(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    proposal: ProposalId,
    member: UserId,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, ctx, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, &|e| evaluation_error(ctx, e), move |conn| scoring::reopen(conn, oid, proposal, member, chair, now))
        .await
}

/// The chair records (or removes, with `None`) a consensus score.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_consensus(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    (proposal, criterion): (ProposalId, CriterionId),
    score: Option<i32>,
    justification: String,
    refused: Refusal<'_>,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, ctx, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, refused, move |conn| {
        scoring::consensus(conn, oid, proposal, criterion, score, &justification, chair, now)
    })
    .await
}

/// The chair puts a proposal in or out of the shortlist.
pub(crate) async fn shortlist_change(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    (proposal, shortlisted): (ProposalId, bool),
    reason: String,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, ctx, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, &|e| evaluation_error(ctx, e), move |conn| {
        decision::change_shortlist(conn, oid, proposal, shortlisted, &reason, chair, now)
    })
    .await
}

/// The chair records the committee's decision.
pub(crate) async fn record_decision(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
) -> Result<(), AppError> {
    let (oid, chair) = chair_acting(state, ctx, identity, objective).await?;
    let now = state.clock.now_naive();
    run(state, &|e| evaluation_error(ctx, e), move |conn| decision::decide(conn, oid, chair, now)).await
}

/// An agent publishes the decided results.
pub(crate) async fn publish_decided(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    per_criterion: bool,
) -> Result<(), AppError> {
    let current = identity.authorize(Action::PublishResults)?;
    let (oid, agent, now) = (ObjectiveId(objective), current.user.id, state.clock.now_naive());
    let public_url = state.settings.public_url.clone();
    run(state, &|e| evaluation_error(ctx, e), move |conn| {
        let link =
            |p: ProposalId| public_url.join(&format!("proposals/{p}")).map(|u| u.to_string()).unwrap_or_default();
        decision::publish(conn, oid, agent, per_criterion, &link, now)
    })
    .await
}

// ---- What the results publish ----

/// The public results of an objective whose results are published.
pub fn public_results(
    ctx: &Ctx,
    b: &Board,
    outcomes: &[crate::domain::proposals::opening::Opened],
) -> Option<views::evaluation::PublicResults> {
    let published_at = b.objective.results_published_at?;
    let results = b.results();
    let shortlist = b.shortlist(&results);
    let mut not_opened: Vec<(String, usize)> = Vec::new();
    for o in outcomes {
        if let Err(reason) = o.outcome {
            let text = ctx.t(reason.key());
            match not_opened.iter_mut().find(|(r, _)| *r == text) {
                Some(entry) => entry.1 += 1,
                None => not_opened.push((text, 1)),
            }
        }
    }
    Some(views::evaluation::PublicResults {
        published_at,
        criteria: b.criteria.iter().map(|c| c.criterion.name(ctx.lang).to_owned()).collect(),
        per_criterion: b.objective.results_per_criterion,
        shortlisted: shortlist
            .iter()
            .filter_map(|p| {
                let r = results.iter().find(|r| r.proposal == *p)?;
                let bp = b.proposal(*p)?;
                Some(views::evaluation::PublicRow {
                    rank: r.rank,
                    organisations: bp.organisations.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + "),
                    title: bp.snapshot.title.clone(),
                    total: r.total,
                    values: r.criteria.iter().map(|c| c.value.map_or(0.0, |v| v.as_f64())).collect(),
                })
            })
            .collect(),
        opened: b.proposals.len(),
        not_opened,
    })
}

/// A depositor's own feedback once the results are published: its scores per criterion and the
/// justifications, members named "Member A", "Member B", …
pub fn supplier_feedback(
    ctx: &Ctx,
    b: &Board,
    proposal: ProposalId,
    outcome: Option<crate::domain::proposals::opening::NotOpened>,
) -> Option<views::evaluation::Feedback> {
    b.objective.results_published_at?;
    if let Some(reason) = outcome {
        return Some(views::evaluation::Feedback::NotOpened(ctx.t(reason.key())));
    }
    let results = b.results();
    let r = results.iter().find(|r| r.proposal == proposal)?;
    let shortlisted = b.shortlist(&results).contains(&proposal);
    let pseudonyms = board::pseudonyms(&b.members);
    let averages = crate::domain::evaluation::aggregate::averages(&results, b.criteria.len());
    let criteria = b
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = c.weighted.criterion_id;
            let average = averages[i];
            let mut members: Vec<(String, i32, String)> = b
                .counted(proposal)
                .filter_map(|e| {
                    b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id).and_then(|s| {
                        let who = ctx.t_args(
                            "feedback-member",
                            &[("letter", pseudonyms.get(&e.user).map_or("?", String::as_str))],
                        );
                        Some((who, s.score?, s.justification.clone()))
                    })
                })
                .collect();
            members.sort();
            views::evaluation::FeedbackCriterion {
                name: c.criterion.name(ctx.lang).to_owned(),
                value: r.criteria.get(i).and_then(|v| v.value).map_or(0.0, |v| v.as_f64()),
                average,
                consensus: b
                    .consensus
                    .iter()
                    .find(|x| x.proposal == proposal && x.criterion == id)
                    .map(|x| (x.score, x.justification.clone())),
                members,
            }
        })
        .collect();
    let excluded = r.excluded.map(|e| {
        let name = b
            .criteria
            .iter()
            .find(|c| c.criterion.id == e.criterion)
            .map_or_else(String::new, |c| c.criterion.name(ctx.lang).to_owned());
        ctx.t_args(
            "ranking-excluded",
            &[("criterion", &name), ("value", &format!("{:.2}", e.value)), ("min", &e.minimum.to_string())],
        )
    });
    Some(views::evaluation::Feedback::Scored { rank: r.rank, total: r.total, shortlisted, excluded, criteria })
}

// ---- The report ----

/// The chair, or an agent once the committee decided; a conflicted chair does not see the
/// scores.
pub(crate) async fn report_board(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
) -> Result<(Bounded<Board>, bool), AppError> {
    let b = load_board(state, id).await?;
    let is_chair = identity.user().is_some_and(|u| b.member(u.user.id).is_some_and(|m| m.chair))
        && identity.authorize(Action::ChairCommittee { chair: true }).is_ok();
    if !(is_chair || (b.decision.is_some() && identity.authorize(Action::PublishResults).is_ok())) {
        // The chair's refusal, whatever it is (one board at a time: this one is let go first).
        drop(b);
        chair_board(state, ctx, identity, id).await?;
        return Err(AppError::Forbidden);
    }
    if let Some(u) = identity.user()
        && is_chair
    {
        b.chair_may_act(u.user.id).map_err(|e| evaluation_error(ctx, e))?;
    }
    Ok((b, is_chair))
}

fn report_proposals(ctx: &Ctx, b: &Board) -> Vec<views::evaluation::ReportProposal> {
    let names: std::collections::HashMap<UserId, String> =
        b.members.iter().map(|m| (m.user_id, m.name.clone())).collect();
    let criterion_name = |id: CriterionId| {
        b.criteria
            .iter()
            .find(|c| c.criterion.id == id)
            .map_or_else(String::new, |c| c.criterion.name(ctx.lang).to_owned())
    };
    let results = b.results();
    let averages = crate::domain::evaluation::aggregate::averages(&results, b.criteria.len());
    b.proposals
        .iter()
        .map(|p| views::evaluation::ReportProposal {
            chart: results
                .iter()
                .find(|r| r.proposal == p.proposal)
                .map(|r| {
                    b.criteria
                        .iter()
                        .zip(&r.criteria)
                        .zip(&averages)
                        .map(|((c, v), avg)| {
                            (c.criterion.name(ctx.lang).to_owned(), v.value.map_or(0.0, |x| x.as_f64()), *avg)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            label: label(ctx, b, p.proposal),
            title: p.snapshot.title.clone(),
            scores: b
                .counted(p.proposal)
                .flat_map(|e| b.scores.iter().filter(move |s| s.evaluation == e.id).map(move |s| (e.user, s)))
                .filter_map(|(user, s)| {
                    Some((
                        names.get(&user).cloned().unwrap_or_default(),
                        criterion_name(s.criterion),
                        s.score?,
                        s.justification.clone(),
                    ))
                })
                .collect(),
            consensus: b
                .consensus
                .iter()
                .filter(|c| c.proposal == p.proposal)
                .map(|c| (criterion_name(c.criterion), c.score, c.justification.clone()))
                .collect(),
        })
        .collect()
}

pub async fn report(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &ctx, &identity, id.into_inner()).await?;
    let names: std::collections::HashMap<UserId, String> =
        b.members.iter().map(|m| (m.user_id, m.name.clone())).collect();
    let organisations = b.depositing_organisations();
    let view = views::evaluation::ReportView {
        ranking: ranking_view(&ctx, &b, false, None),
        reference: &b.objective.reference,
        criteria: b
            .criteria
            .iter()
            .map(|c| {
                (
                    c.criterion.name(ctx.lang).to_owned(),
                    c.weighted.weight,
                    if c.weighted.eliminatory { c.weighted.min_score } else { None },
                )
            })
            .collect(),
        blind: b.objective.blind,
        members: b.members.iter().map(|m| (m.name.clone(), m.chair)).collect(),
        // In blind mode, until the decision, who declared a conflict with whom would tell the
        // chair whose numbered proposal is whose: the report names no organisation.
        declarations: b
            .declarations
            .iter()
            .filter(|_| !(b.objective.blind && b.decision.is_none()))
            .map(|d| {
                let org = organisations
                    .iter()
                    .find(|(o, _)| *o == d.organisation)
                    .map_or_else(String::new, |(_, n)| n.clone());
                (names.get(&d.user).cloned().unwrap_or_default(), org, d.conflict, d.note.clone())
            })
            .collect(),
        proposals: report_proposals(&ctx, &b),
        decision: b.decision.as_ref().map(|d| (names.get(&d.decided_by).cloned().unwrap_or_default(), d.decided_at)),
    };
    Ok(html(StatusCode::OK, views::evaluation::report(&ctx, &view)))
}

fn csv_response(name: &str, body: String) -> HttpResponse {
    use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name.to_owned())],
        })
        .insert_header(("Cache-Control", "private, no-store"))
        .body(body)
}

/// The ranking as CSV: one row per opened proposal.
pub async fn report_csv(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &ctx, &identity, id.into_inner()).await?;
    let view = ranking_view(&ctx, &b, false, None);
    let mut header: Vec<String> =
        ["ranking-rank", "evaluation-proposal", "proposal-title", "ranking-total", "ranking-environmental"]
            .iter()
            .map(|k| ctx.t(k))
            .collect();
    header.extend(view.criteria.iter().map(|(n, w)| format!("{n} ({w} %)")));
    header.extend(
        ["ranking-shortlist", "ranking-changed", "report-excluded", "sensitivity-stability", "sensitivity-verdict"]
            .iter()
            .map(|k| ctx.t(k)),
    );
    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|r| {
            let title = b.proposal(ProposalId(r.proposal)).map(|p| p.snapshot.title.clone()).unwrap_or_default();
            let mut row = vec![
                r.rank.map(|x| x.to_string()).unwrap_or_default(),
                r.label.clone(),
                title,
                format!("{:.2}", r.total),
                format!("{:.2}", r.environmental),
            ];
            row.extend(r.values.iter().map(|(v, _, _)| v.map(|x| format!("{x:.2}")).unwrap_or_default()));
            row.push(ctx.t(if r.shortlisted { "ranking-in" } else { "ranking-out" }));
            row.push(r.change_reason.clone().unwrap_or_default());
            row.push(r.excluded.clone().unwrap_or_default());
            row.push(format!("{:.3}", r.stability));
            row.push(ctx.t(if r.robust { "sensitivity-robust" } else { "sensitivity-fragile" }));
            row
        })
        .collect();
    Ok(csv_response(
        &format!("{}-classement.csv", b.objective.reference),
        crate::domain::evaluation::csv::document(&header, &rows),
    ))
}

/// Every submitted score with its justification, as CSV.
pub async fn scores_csv(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &ctx, &identity, id.into_inner()).await?;
    let header: Vec<String> =
        ["evaluation-proposal", "committee-member", "criterion", "report-score", "score-justification"]
            .iter()
            .map(|k| ctx.t(k))
            .collect();
    let rows: Vec<Vec<String>> = report_proposals(&ctx, &b)
        .into_iter()
        .flat_map(|p| {
            let label = p.label.clone();
            p.scores.into_iter().map(move |(m, c, s, j)| vec![label.clone(), m, c, s.to_string(), j])
        })
        .collect();
    Ok(csv_response(
        &format!("{}-notes.csv", b.objective.reference),
        crate::domain::evaluation::csv::document(&header, &rows),
    ))
}
