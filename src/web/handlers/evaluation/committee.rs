//! The agent's committee page: appointing and removing members, and the evaluation's settings.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{OrganisationId, UserId};
use crate::domain::authz::Action;
use crate::domain::evaluation::committee;
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::evaluation::{
    appoint_member, configure, lift_conflict as lift, load_board, remove_from_committee,
};

pub async fn committee_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCommittee)?;
    let b = load_board(&state, id.into_inner()).await?;
    let candidates = state.db.run(|conn| committee::candidates(conn).map_err(AppError::from)).await?;
    let status = b.objective.status_at(state.clock.now_naive());
    let view = views::evaluation::committee_view(&b, candidates, status, query.notice(&ctx, "evaluation"));
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
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<AppointForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    appoint_member(&state, &identity, id, UserId(form.user), form.chair.as_deref() == Some("true")).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=appointed")))
}

pub async fn remove_member(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, user) = path.into_inner();
    remove_from_committee(&state, &identity, id, UserId(user)).await?;
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
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let blind = form.blind.as_deref() == Some("true");
    configure(&state, &identity, id, blind, &form.aggregation).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=configured")))
}

#[derive(Deserialize)]
pub struct LiftForm {
    user: i64,
    organisation: i64,
    #[serde(default)]
    reason: String,
}

/// An agent lifts a member's declared conflict of interest, giving the reason.
pub async fn lift_conflict(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<LiftForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    lift(&state, &identity, id, UserId(form.user), OrganisationId(form.organisation), form.reason).await?;
    Ok(redirect(&format!("/objectives/{id}/committee?done=lifted")))
}
