//! Administration: users (list, search, invite staff, roles, disable) and the audit log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::UserId;
use crate::domain::accounts;
use crate::domain::authz::Action;
use crate::domain::email::Email;
use crate::domain::users::{self, Role};
use crate::views;
use crate::views::admin::{AuditRow, InviteValues, UserDetail, UserRow};
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{html, redirect};
use crate::web::error::{AppError, translate};
use crate::web::operations::admin::{self as operations, AUDIT_PAGE, list_users};

#[derive(Deserialize, Default)]
pub struct UsersQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

async fn render_users(
    state: &AppState,
    ctx: &Ctx,
    query: &UsersQuery,
    invite: &InviteValues,
    errors: &Errors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = query.page.unwrap_or(1).clamp(1, 100_000);
    let (list, has_more) = list_users(state, &query.q, page).await?;
    let rows: Vec<UserRow> = list
        .into_iter()
        .map(|(u, roles)| UserRow {
            id: u.id.0,
            name: u.display_name.clone(),
            email: u.email.clone(),
            roles: roles.iter().map(|r| ctx.t(&format!("role-{}", r.as_str()))).collect(),
            organisation: u.organisation_id.is_some(),
            verified: u.is_verified(),
            disabled: u.is_disabled(),
        })
        .collect();
    let notice = query.done.as_ref().map(|_| ctx.t("admin-invited"));
    let view = views::admin::UsersPage {
        rows: &rows,
        query: &query.q,
        page_no: page,
        has_more,
        invite,
        notice: notice.as_deref(),
    };
    Ok(html(status, views::admin::users(ctx, &view, errors)))
}

pub async fn users_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ListUsers)?;
    render_users(&state, &ctx, &query, &InviteValues::default(), &Errors::default(), StatusCode::OK).await
}

pub async fn invite_staff(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<InviteValues>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::InviteStaff)?;
    let values = form.into_inner();
    let mut errors = Errors::default();
    let email = Email::parse(&values.email).ok();
    if email.is_none() {
        errors.add("email", ctx.t("error-email"));
    }
    let name = accounts::parse_name(&values.name);
    if name.is_none() {
        errors.add("name", ctx.t("error-name"));
    }
    let roles: Vec<Role> =
        [(Role::Agent, &values.agent), (Role::Committee, &values.committee), (Role::Admin, &values.admin)]
            .into_iter()
            .filter_map(|(r, v)| v.as_ref().map(|_| r))
            .collect();
    if roles.is_empty() {
        errors.add("roles", ctx.t("error-roles"));
    }
    let query = UsersQuery::default();
    let (Some(email), Some(name)) = (email, name) else {
        return render_users(&state, &ctx, &query, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    if !errors.is_empty() {
        return render_users(&state, &ctx, &query, &values, &errors, StatusCode::UNPROCESSABLE_ENTITY).await;
    }
    match operations::invite_staff(&state, &current, email, name, roles, ctx.lang).await {
        Ok(_) => Ok(redirect("/admin/users?done=invited")),
        Err(e) if e.is_conflict() => {
            errors.add("email", ctx.t("error-email-has-account"));
            render_users(&state, &ctx, &query, &values, &errors, StatusCode::CONFLICT).await
        }
        Err(e) => Err(e),
    }
}

async fn render_user(
    state: &AppState,
    ctx: &Ctx,
    id: UserId,
    error: Option<String>,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (user, roles) = state
        .db
        .run(move |conn| {
            let user = users::find(conn, id)?.ok_or(AppError::NotFound)?;
            let roles = users::roles(conn, id)?;
            Ok::<_, AppError>((user, roles))
        })
        .await?;
    let detail = UserDetail {
        id: user.id.0,
        name: user.display_name.clone(),
        email: user.email.clone(),
        agent: roles.contains(&Role::Agent),
        committee: roles.contains(&Role::Committee),
        admin: roles.contains(&Role::Admin),
        supplier: user.organisation_id.is_some(),
        verified: user.is_verified(),
        disabled: user.is_disabled(),
        created_at: user.created_at,
    };
    Ok(html(status, views::admin::user(ctx, &detail, error.as_deref(), notice.as_deref())))
}

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn user_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ListUsers)?;
    let notice = query.done.as_ref().map(|_| ctx.t("saved"));
    render_user(&state, &ctx, UserId(id.into_inner()), None, notice, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct RolesForm {
    #[serde(default)]
    agent: Option<String>,
    #[serde(default)]
    committee: Option<String>,
    #[serde(default)]
    admin: Option<String>,
}

/// A refusal of the current state (the last administrator, one's own account), in the page's
/// language: the user's page shows it.
fn refusal_message(ctx: &Ctx, e: &AppError) -> Option<String> {
    match e {
        AppError::Refused(r) if e.is_conflict() => Some(translate(ctx.lang, &r.message, &r.criteria)),
        _ => None,
    }
}

pub async fn set_roles(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<RolesForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ChangeRoles)?;
    let target = UserId(id.into_inner());
    let roles: Vec<Role> = [(Role::Agent, &form.agent), (Role::Committee, &form.committee), (Role::Admin, &form.admin)]
        .into_iter()
        .filter_map(|(r, v)| v.as_ref().map(|_| r))
        .collect();
    match operations::change_roles(&state, &current, target, roles).await {
        Ok(()) => Ok(redirect(&format!("/admin/users/{}?done=1", target.0))),
        Err(e) => match refusal_message(&ctx, &e) {
            Some(message) => render_user(&state, &ctx, target, Some(message), None, StatusCode::CONFLICT).await,
            None => Err(e),
        },
    }
}

async fn toggle(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    disabled: bool,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::DisableUser)?;
    let target = UserId(id.into_inner());
    match operations::set_disabled(&state, &current, target, disabled).await {
        Ok(()) => Ok(redirect(&format!("/admin/users/{}?done=1", target.0))),
        Err(e) => match refusal_message(&ctx, &e) {
            Some(message) => render_user(&state, &ctx, target, Some(message), None, StatusCode::CONFLICT).await,
            None => Err(e),
        },
    }
}

/// The confirmation page of an account's disabling.
pub async fn disable_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::DisableUser)?;
    let id = UserId(id.into_inner());
    let user = state.db.run(move |conn| users::find(conn, id)?.ok_or(AppError::NotFound)).await?;
    Ok(html(StatusCode::OK, views::admin::disable_confirmation(&ctx, user.id.0, &user.display_name, &user.email)))
}

pub async fn disable(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    toggle(state, ctx, identity, id, true).await
}

pub async fn enable(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    toggle(state, ctx, identity, id, false).await
}

/// The audit page's filter.
#[derive(Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub actor: String,
    #[serde(default)]
    pub before: Option<i64>,
}

pub async fn audit_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, AppError> {
    let (entries, names) = operations::audit_page(&state, &identity, &query.action, &query.actor, query.before).await?;
    let older = (entries.len() as i64 == AUDIT_PAGE).then(|| entries.last().map(|e| e.id.0)).flatten();
    let rows: Vec<AuditRow> = entries
        .into_iter()
        .map(|e| AuditRow {
            id: e.id.0,
            occurred_at: e.occurred_at,
            actor: e.actor_user_id.and_then(|id| names.get(&id).cloned()).unwrap_or(e.actor),
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            details: e.details,
        })
        .collect();
    Ok(html(StatusCode::OK, views::admin::audit(&ctx, &rows, &query.action, &query.actor, older)))
}
