//! Change support, delivered and heard: the contract's change-support page (agents plan and
//! invite, holders record deliveries, users of the purchase rate), the materials' downloads, and
//! the JSON plan with its public figures. Each handler parses, calls one operation
//! (`web::operations::change_support`), then renders.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::award::change_support::DeliveryInput;
use crate::domain::forms::FormPairs;
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::change_support as ops;

type Resp = Result<HttpResponse, AppError>;

/// `GET /objectives/{id}/change-support`: agents, members of a holder organisation, and the
/// contract's users of the purchase.
pub async fn page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Resp {
    let view = ops::page(&state, &identity, id.into_inner()).await?;
    Ok(html(StatusCode::OK, views::change_support::support_page(&ctx, &view, query.notice(&ctx, "support"))))
}

/// `POST /objectives/{id}/change-support/actions`: an agent adds an action to the plan.
pub async fn add_action(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    ops::add_action(&state, &identity, id, form.into_inner()).await?;
    Ok(redirect(&format!("/objectives/{id}/change-support?done=planned")))
}

/// `POST /objectives/{id}/change-support/users`: an agent invites a user of the purchase.
pub async fn invite(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    ops::invite(&state, &identity, id, form.into_inner(), ctx.lang).await?;
    Ok(redirect(&format!("/objectives/{id}/change-support?done=invited")))
}

/// `POST /support-actions/{id}`: an agent changes a planned action not delivered yet.
pub async fn edit_action(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let objective = ops::edit_action(&state, &identity, id.into_inner(), form.into_inner()).await?;
    Ok(redirect(&format!("/objectives/{objective}/change-support?done=edited")))
}

/// `POST /support-actions/{id}/cancellation/confirm`: what cancelling the action does, before
/// anything is written.
pub async fn confirm_cancel(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let (objective, title, action) = ops::to_cancel(&state, &identity, id.into_inner()).await?;
    Ok(html(StatusCode::OK, views::change_support::confirm_cancel(&ctx, objective, &title, &action)))
}

/// `POST /support-actions/{id}/cancellation`: an agent cancels a planned action not delivered yet.
pub async fn cancel_action(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let objective = ops::cancel_action(&state, &identity, id.into_inner()).await?;
    Ok(redirect(&format!("/objectives/{objective}/change-support?done=cancelled")))
}

/// Changes a planned action not delivered yet (agents): the fields of the plan, as text. 409
/// `already_delivered` once delivered, 422 `invalid_fields`.
#[utoipa::path(put, path = "/api/v1/support-actions/{id}", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The action's id")), request_body = SupportActionInput,
    responses((status = 204, description = "Changed"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn api_edit_action(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<SupportActionInput>,
) -> Resp {
    let b = body.into_inner();
    let pairs: FormPairs = [
        ("kind", b.kind),
        ("description", b.description),
        ("audience", b.audience),
        ("planned_on", b.planned_on),
        ("planned_hours", b.planned_hours),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
    .collect();
    ops::edit_action(&state, &identity, id.into_inner(), pairs).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Cancels a planned action not delivered yet (agents): it leaves the plan; the audit log keeps
/// what it was. 409 `already_delivered` once delivered.
#[utoipa::path(delete, path = "/api/v1/support-actions/{id}", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The action's id")),
    responses((status = 204, description = "Cancelled"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn api_cancel_action(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    ops::cancel_action(&state, &identity, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /objectives/{id}/change-support/users/{user}/withdrawal`: an agent withdraws a user of
/// the purchase's access.
pub async fn withdraw(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, user) = path.into_inner();
    ops::withdraw_user(&state, &identity, id, user).await?;
    Ok(redirect(&format!("/objectives/{id}/change-support?done=withdrawn")))
}

/// Withdraws a user of the purchase's access to the contract (agents); they may be invited again,
/// their ratings stay in the figures. 404 for someone who is not a user of this purchase.
#[utoipa::path(delete, path = "/api/v1/objectives/{id}/change-support/users/{user}", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id"), ("user" = i64, Path, description = "The user's id")),
    responses((status = 204, description = "Withdrawn"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn api_withdraw(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, user) = path.into_inner();
    ops::withdraw_user(&state, &identity, id, user).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /support-actions/{id}/delivery`: a holder records an action delivered, with materials.
pub async fn deliver(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    mut payload: actix_multipart::Multipart,
) -> Resp {
    let objective = ops::record_delivery(&state, &identity, id.into_inner(), &mut payload).await?;
    Ok(redirect(&format!("/objectives/{objective}/change-support?done=delivered")))
}

/// `POST /support-actions/{id}/rating`: a user of the purchase confirms attending and rates.
pub async fn rate(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let objective = ops::rate(&state, &identity, id.into_inner(), form.into_inner()).await?;
    Ok(redirect(&format!("/objectives/{objective}/change-support?done=rated")))
}

/// `GET /support-materials/{id}`: a delivery's material.
pub async fn material(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let m = ops::material(&state, &identity, id.into_inner()).await?;
    crate::web::operations::documents::serve_stored(&state, &m.key, &m.name, &m.content_type).await
}

#[derive(Serialize, ToSchema)]
pub struct SupportActionJson {
    pub id: i64,
    /// `training`, `advice`, `awareness`, `recommendation` or `coaching`.
    pub kind: String,
    pub description: String,
    pub audience: String,
    /// `YYYY-MM-DD`.
    pub planned_on: String,
    pub planned_hours: f64,
    /// `YYYY-MM-DD`, null until the holder records it.
    pub delivered_on: Option<String>,
    pub participants: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct SupportSummaryJson {
    pub planned: i64,
    pub delivered: i64,
    pub planned_hours: f64,
    /// The participants of every delivered action, added up.
    pub participants: i64,
    /// How many ratings the users of the purchase gave.
    pub ratings: i64,
    /// Their average, 1 to 5; null without any rating.
    pub average_rating: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct SupportPlanJson {
    pub objective_id: i64,
    pub summary: SupportSummaryJson,
    /// The actions in planned order (no rating, comment or rater: those are not public).
    pub actions: Vec<SupportActionJson>,
}

/// An objective's change-support plan and its public figures. Public once the contract is signed.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/change-support", tag = "award",
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 200, body = SupportPlanJson), (status = 404, body = crate::web::error::ErrorBody, description = "Unknown objective, or no contract signed")))]
pub async fn api_plan(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    let (actions, s) = ops::public(&state, &identity, id).await?;
    Ok(HttpResponse::Ok().json(SupportPlanJson {
        objective_id: id,
        summary: SupportSummaryJson {
            planned: s.planned,
            delivered: s.delivered,
            planned_hours: s.planned_hours,
            participants: s.participants,
            ratings: s.ratings,
            average_rating: s.average,
        },
        actions: actions
            .iter()
            .map(|a| SupportActionJson {
                id: a.id,
                kind: a.kind.as_str().to_owned(),
                description: a.description.clone(),
                audience: a.audience.clone(),
                planned_on: a.planned_on.to_string(),
                planned_hours: a.planned_hours,
                delivered_on: a.delivery.as_ref().map(|d| d.delivered_on.to_string()),
                participants: a.delivery.as_ref().map(|d| d.participants),
            })
            .collect(),
    }))
}

/// An action as the API takes it: the page's fields, as text.
#[derive(Deserialize, ToSchema, Default)]
pub struct SupportActionInput {
    /// `training`, `advice`, `awareness`, `recommendation` or `coaching`.
    pub kind: Option<String>,
    pub description: Option<String>,
    pub audience: Option<String>,
    /// `YYYY-MM-DD`, not before the signature.
    pub planned_on: Option<String>,
    /// A positive number, e.g. `3.5`.
    pub planned_hours: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedJson {
    pub id: i64,
}

/// An agent adds an action to the change-support plan of a contract in execution.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/change-support/actions", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")),
    request_body = SupportActionInput,
    responses((status = 201, body = CreatedJson), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody, description = "The contract is not in execution"), (status = 422, body = crate::web::error::ErrorBody, description = "A field is refused: the message names it")))]
pub async fn api_add_action(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<SupportActionInput>,
) -> Resp {
    let b = body.into_inner();
    let pairs: FormPairs = [
        ("kind", b.kind),
        ("description", b.description),
        ("audience", b.audience),
        ("planned_on", b.planned_on),
        ("planned_hours", b.planned_hours),
    ]
    .into_iter()
    .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)))
    .collect();
    let created = ops::add_action(&state, &identity, id.into_inner(), pairs).await?;
    Ok(HttpResponse::Created().json(CreatedJson { id: created }))
}

/// A delivery as the API takes it (materials are attached on the page).
#[derive(Deserialize, ToSchema, Default)]
pub struct SupportDeliveryInput {
    /// `YYYY-MM-DD`, not in the future.
    pub delivered_on: Option<String>,
    /// A positive whole number.
    pub participants: Option<String>,
    pub notes: Option<String>,
}

/// A member of a holder organisation records an action delivered.
#[utoipa::path(post, path = "/api/v1/support-actions/{id}/delivery", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The action's id")),
    request_body = SupportDeliveryInput,
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody, description = "Already delivered, or the contract is not in execution"), (status = 422, body = crate::web::error::ErrorBody, description = "A field is refused: the message names it")))]
pub async fn api_deliver(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<SupportDeliveryInput>,
) -> Resp {
    let b = body.into_inner();
    let input = DeliveryInput {
        delivered_on: b.delivered_on.unwrap_or_default(),
        participants: b.participants.unwrap_or_default(),
        notes: b.notes.unwrap_or_default(),
        materials: Vec::new(),
    };
    ops::record_delivery_fields(&state, &identity, id.into_inner(), input).await?;
    Ok(HttpResponse::NoContent().finish())
}
