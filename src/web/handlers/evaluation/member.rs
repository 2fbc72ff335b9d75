//! The committee member's pages: their evaluations, the workspace of one objective with the
//! declarations of conflicts, and the scoring of one proposal.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::db::ids::{OrganisationId, ProposalId, UserId};
use crate::domain::authz::Action;
use crate::domain::evaluation::board::{self, Board};
use crate::domain::evaluation::{EvaluationError, committee, scoring};
use crate::domain::forms::{FormPairs, first};
use crate::views;
use crate::views::evaluation::MyObjective;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::evaluation::{load_board, member_board, member_seat, readable_by_member};

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
    let ids: Vec<OrganisationId> = b.depositing_organisations().iter().map(|(o, _)| *o).collect();
    let email = current.user.email.clone();
    let warnings = state.db.run(move |conn| board::domain_warnings(conn, &email, &ids).map_err(AppError::from)).await?;
    let view = views::evaluation::workspace_view(ctx, b, current.user.id, &warnings, submitted, notice);
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
        Err(e) => Err(e.into()),
    }
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
    let view = views::evaluation::score_view(ctx, b, user, proposal, submitted, notice).ok_or(AppError::NotFound)?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, views::evaluation::score(ctx, &view, errors)))
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
    readable_by_member(&b, current.user.id, ProposalId(pid))?;
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
    let (b, current) = member_seat(&state, &identity, id, proposal).await?;
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
        Err(e) => Err(e.into()),
    }
}
