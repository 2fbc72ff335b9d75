//! The supplier organisation: members, invitations, ownership; accepting an invitation.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{InvitationId, UserId};
use crate::domain::accounts::{self, AccountError};
use crate::domain::authz::Action;
use crate::domain::email::Email;
use crate::domain::organisations;
use crate::domain::password::{self, NewPassword};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::organisation::{OrganisationView, invitation_rows, member_rows};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::organisation::{invite_member, remove_member, transfer_ownership};

async fn render(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    errors: &Errors,
    invite_email: &str,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let org_id = identity.own_organisation()?;
    identity.authorize(Action::ViewOrganisation(org_id))?;
    let can_manage = identity.authorize(Action::InviteMember(org_id)).is_ok();
    let now = state.clock.now();
    let (org, members, invitations) = state
        .db
        .run(move |conn| {
            let org = organisations::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            let members = organisations::members(conn, org_id)?;
            let invitations = if can_manage { accounts::pending_invitations(conn, org_id, now)? } else { Vec::new() };
            Ok::<_, AppError>((org, members, invitations))
        })
        .await?;
    let view = OrganisationView {
        legal_name: &org.legal_name,
        identifier_type: &org.identifier_type,
        identifier: &org.identifier,
        address: &org.address,
        postcode: &org.postcode,
        country: &org.country,
        size: &org.size,
        social_economy: org.social_economy,
        sectors: org.sector_list(),
        members: member_rows(&org, &members),
        invitations: invitation_rows(&invitations),
        can_manage,
        notice,
    };
    Ok(html(status, views::organisation::organisation(ctx, &view, errors, invite_email)))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.notice(&ctx, "org");
    render(&state, &ctx, &identity, &Errors::default(), "", notice, StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    email: String,
}

pub async fn invite(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::InviteMember)?;
    let Ok(email) = Email::parse(&form.email) else {
        let mut errors = Errors::default();
        errors.add("email", ctx.t("error-email"));
        return render(&state, &ctx, &identity, &errors, &form.email, None, StatusCode::UNPROCESSABLE_ENTITY).await;
    };
    // An address that already has an account is answered as a new one (see
    // `accounts::invite_member`); too many invitations are refused with 429.
    invite_member(&state, &current, org_id, email).await?;
    Ok(redirect("/organisation?done=invited"))
}

pub async fn revoke_invitation(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::InviteMember)?;
    let (owner, now, id) = (current.user.clone(), state.clock.now(), InvitationId(id.into_inner()));
    let revoked = state
        .db
        .run(move |conn| accounts::revoke_invitation(conn, &owner, org_id, id, now).map_err(AppError::from))
        .await?;
    if !revoked {
        return Err(AppError::NotFound);
    }
    Ok(redirect("/organisation?done=revoked"))
}

pub async fn remove(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::RemoveMember)?;
    remove_member(&state, &current, org_id, UserId(id.into_inner())).await?;
    Ok(redirect("/organisation?done=removed"))
}

#[derive(Deserialize)]
pub struct OwnerForm {
    member_id: i64,
}

pub async fn transfer(
    state: web::Data<AppState>,
    identity: Identity,
    form: web::Form<OwnerForm>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::TransferOwnership)?;
    transfer_ownership(&state, &current, org_id, UserId(form.member_id)).await?;
    Ok(redirect("/organisation?done=transferred"))
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

fn invitation_gone(ctx: &Ctx) -> HttpResponse {
    html(
        StatusCode::GONE,
        views::errors::notice(ctx, "invitation-invalid-title", &ctx.t("invitation-invalid-text"), None),
    )
}

pub async fn accept_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    query: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let (token, now) = (query.token.clone(), state.clock.now());
    let found = state.db.run(move |conn| accounts::find_invitation(conn, &token, now).map_err(AppError::from)).await?;
    Ok(match found {
        Some((inv, org)) => html(
            StatusCode::OK,
            views::auth::accept_invitation(&ctx, &query.token, &org.legal_name, &inv.email, "", &Errors::default()),
        ),
        None => invitation_gone(&ctx),
    })
}

#[derive(Deserialize)]
pub struct AcceptForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_confirm: String,
}

pub async fn accept(
    state: web::Data<AppState>,
    ctx: Ctx,
    form: web::Form<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let (token, now) = (form.token.clone(), state.clock.now());
    let Some((inv, org)) =
        state.db.run(move |conn| accounts::find_invitation(conn, &token, now).map_err(AppError::from)).await?
    else {
        return Ok(invitation_gone(&ctx));
    };
    let mut errors = Errors::default();
    let name = accounts::parse_name(&form.name);
    if name.is_none() {
        errors.add("name", ctx.t("error-name"));
    }
    let new_password = match NewPassword::parse(&form.password, &form.password_confirm) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.add("password", ctx.t(e.message_key()));
            None
        }
    };
    let (Some(name), Some(new_password)) = (name, new_password) else {
        let view = views::auth::accept_invitation(&ctx, &form.token, &org.legal_name, &inv.email, &form.name, &errors);
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view));
    };
    let hash = web::block(move || password::hash(&new_password))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let (token, lang) = (form.token.clone(), ctx.lang);
    let accepted = state
        .db
        .run(move |conn| Ok::<_, AppError>(accounts::accept_invitation(conn, &token, &name, &hash, lang, now)))
        .await?;
    match accepted {
        Ok(_) => Ok(html(
            StatusCode::OK,
            views::errors::notice(
                &ctx,
                "invitation-done-title",
                &ctx.t_args("invitation-done-text", &[("organisation", &org.legal_name)]),
                Some(("/login", ctx.t("nav-sign-in"))),
            ),
        )),
        Err(AccountError::EmailTaken) => Ok(html(
            StatusCode::CONFLICT,
            views::errors::notice(
                &ctx,
                "invitation-invalid-title",
                &ctx.t("error-email-has-account"),
                Some(("/login", ctx.t("nav-sign-in"))),
            ),
        )),
        Err(AccountError::Link(_)) => Ok(invitation_gone(&ctx)),
        Err(e) => Err(AppError::from(e)),
    }
}
