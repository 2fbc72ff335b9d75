//! The chair's pages: reopening an evaluation, the committee's progress, the ranking, consensus
//! scores, the shortlist and the decision; and the agent's publication of the decided results.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{CriterionId, ProposalId, UserId};
use crate::domain::evaluation::{decision, scoring};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::evaluation::{
    chair_board, publish_decided, publishable, ranking_board, record_consensus, record_decision, releasable_seat,
    release_seat, reopen_evaluation, shortlist_change,
};

pub async fn reopen(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, pid, member) = path.into_inner();
    reopen_evaluation(&state, &identity, id, ProposalId(pid), UserId(member)).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/{pid}?done=reopened")))
}

pub async fn progress(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (b, current) = chair_board(&state, &identity, id.into_inner()).await?;
    let oid = b.objective.id;
    let history = state.db.run(move |conn| scoring::history(conn, oid).map_err(AppError::from)).await?;
    let notice = query.notice(&ctx, "evaluation");
    let view = views::evaluation::progress_view(&ctx, &b, current.user.id, history, notice);
    Ok(html(StatusCode::OK, views::evaluation::progress(&ctx, &view)))
}

pub async fn ranking(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    // Agents read the ranking once the committee decided; until then it is the chair's.
    let (b, is_chair) = ranking_board(&state, &identity, id.into_inner()).await?;
    let notice = query.notice(&ctx, "evaluation");
    // The aggregation and the 10,000-sample sensitivity analysis are CPU work: off the async
    // workers, so other requests are not held behind them.
    let page = web::block(move || {
        let view = views::evaluation::ranking_view(&ctx, &b, is_chair, notice);
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
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ConsensusForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let score = if form.score.trim().is_empty() { None } else { Some(form.score.trim().parse::<i32>().unwrap_or(-1)) };
    let target = (ProposalId(form.proposal), CriterionId(form.criterion));
    record_consensus(&state, &identity, id, target, score, form.justification.clone()).await?;
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
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ShortlistForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let change = (ProposalId(form.proposal), form.shortlisted == "true");
    shortlist_change(&state, &identity, id, change, form.reason.clone()).await?;
    Ok(redirect(&format!("/objectives/{id}/evaluation/ranking?done=shortlist")))
}

/// The confirmation page of the committee's decision, with the disagreements still open.
pub async fn decision_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = chair_board(&state, &identity, id.into_inner()).await?;
    decision::decidable(&b)?;
    Ok(html(StatusCode::OK, views::evaluation::decision_confirmation(&ctx, &b, "", Errors::default())))
}

#[derive(Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = form.into_inner().reason;
    match record_decision(&state, &identity, id, reason.clone()).await {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/evaluation/ranking?done=decided"))),
        Err(refused) => {
            // Open disagreements without a reason: the confirmation page again, the reason kept,
            // its error named at the top.
            let Some((status, message)) = refused.form_refusal(ctx.lang).filter(|_| refused.is_invalid()) else {
                return Err(refused);
            };
            let (b, _) = chair_board(&state, &identity, id).await?;
            let mut errors = Errors::default();
            errors.add("reason", message);
            Ok(html(status, views::evaluation::decision_confirmation(&ctx, &b, &reason, errors)))
        }
    }
}

/// The confirmation page of releasing a disabled member's seat.
pub async fn release_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, member) = path.into_inner();
    let (b, m) = releasable_seat(&state, &identity, id, UserId(member)).await?;
    Ok(html(StatusCode::OK, views::evaluation::release_confirmation(&ctx, &b, &m, "", Errors::default())))
}

pub async fn release(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    form: web::Form<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    let (id, member) = path.into_inner();
    let reason = form.into_inner().reason;
    match release_seat(&state, &identity, id, UserId(member), reason.clone()).await {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/evaluation/progress?done=released"))),
        Err(refused) => {
            // A missing reason: the confirmation page again, what was typed kept.
            let Some((status, message)) = refused.form_refusal(ctx.lang).filter(|_| refused.is_invalid()) else {
                return Err(refused);
            };
            let (b, m) = releasable_seat(&state, &identity, id, UserId(member)).await?;
            let mut errors = Errors::default();
            errors.add("reason", message);
            Ok(html(status, views::evaluation::release_confirmation(&ctx, &b, &m, &reason, errors)))
        }
    }
}

/// The confirmation page of the results' publication.
pub async fn publish_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let title = publishable(&state, &identity, id).await?;
    Ok(html(StatusCode::OK, views::evaluation::publish_confirmation(&ctx, id, &title)))
}

#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    per_criterion: Option<String>,
}

/// An agent publishes the decided results.
pub async fn publish_results(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    publish_decided(&state, &identity, id, form.per_criterion.as_deref() == Some("true")).await?;
    Ok(redirect(&format!("/objectives/{id}?done=results")))
}
