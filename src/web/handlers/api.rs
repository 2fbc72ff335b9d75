//! The JSON API for accounts, organisations and administration, under `/api/v1`. Authenticated
//! by `Authorization: Bearer` tokens (or the browser session, with its CSRF header). Every
//! endpoint is described in the OpenAPI document.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::UserId;
use crate::domain::authz::Action;
use crate::domain::email::Email;
use crate::domain::users::{Role, User};
use crate::domain::{accounts, api_tokens, organisations};
use crate::i18n::Lang;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;
// The tokens' operations still live in the account page's handlers (their owner moves them).
use crate::web::operations::{account, admin, organisation};

fn invalid(field: &str, message: &str) -> AppError {
    AppError::BadRequest { code: "invalid_field", message: format!("{field}: {message}") }
}

fn parse_roles(names: &[String]) -> Result<Vec<Role>, AppError> {
    names
        .iter()
        .map(|n| Role::parse(n).ok_or_else(|| invalid("roles", "each role is agent, committee or admin")))
        .collect()
}

#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    /// `fr` or `en`.
    pub locale: String,
    pub email_verified: bool,
    /// Staff roles: `agent`, `committee`, `admin`.
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub owns_organisation: bool,
}

/// The account the token (or session) belongs to.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = crate::web::error::ErrorBody)))]
pub async fn me(identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ViewOwnAccount)?;
    Ok(HttpResponse::Ok().json(Me {
        id: current.user.id.0,
        email: current.user.email.clone(),
        display_name: current.user.display_name.clone(),
        locale: current.user.locale.clone(),
        email_verified: current.user.is_verified(),
        roles: current.principal.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        organisation_id: current.user.organisation_id.map(|o| o.0),
        owns_organisation: current.principal.owns_organisation,
    }))
}

#[derive(Deserialize, ToSchema)]
pub struct ProfileUpdate {
    pub display_name: String,
    /// `fr` or `en`.
    pub locale: String,
}

/// Updates the name and language of one's own account.
#[utoipa::path(put, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 204), (status = 400, body = crate::web::error::ErrorBody), (status = 401, body = crate::web::error::ErrorBody)))]
pub async fn update_me(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<ProfileUpdate>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::UpdateOwnProfile)?;
    let name =
        accounts::parse_name(&body.display_name).ok_or_else(|| invalid("display_name", "1 to 120 characters"))?;
    let lang = Lang::from_code(&body.locale).ok_or_else(|| invalid("locale", "fr or en"))?;
    let (user, now) = (current.user.clone(), state.clock.now());
    state.db.run(move |conn| accounts::update_profile(conn, &user, &name, lang, now).map_err(AppError::from)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct TokenInfo {
    pub id: i64,
    pub name: String,
    /// The first characters of the token, to recognise it.
    pub prefix: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: NaiveDateTime,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub last_used_at: Option<NaiveDateTime>,
}

/// One's own live API tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/me/tokens", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, body = [TokenInfo]), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn list_tokens(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnTokens)?;
    let list = account::tokens(&state, &current.user).await?;
    let body: Vec<TokenInfo> = list
        .into_iter()
        .map(|t| TokenInfo {
            id: t.id.0,
            name: t.name,
            prefix: t.prefix,
            created_at: t.created_at,
            last_used_at: t.last_used_at,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize, ToSchema)]
pub struct NewToken {
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    /// The secret, shown this once: send it as `Authorization: Bearer <token>`.
    pub token: String,
}

/// Creates a personal API token with the user's own permissions.
#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", security(("bearer" = [])), request_body = NewToken,
    responses((status = 201, body = CreatedToken), (status = 400, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn create_token(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<NewToken>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ManageOwnTokens)?;
    let name = api_tokens::parse_name(&body.name).ok_or_else(|| invalid("name", "1 to 80 characters"))?;
    let (id, token) = account::create_token_for(&state, &current.user, name.clone()).await?;
    Ok(HttpResponse::Created().json(CreatedToken { id: id.0, name, token }))
}

/// Revokes one of one's own tokens.
#[utoipa::path(delete, path = "/api/v1/me/tokens/{id}", tag = "accounts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Token id")),
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn revoke_token(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    account::revoke_token(&state, &identity, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything the platform holds about the caller (GDPR articles 15 and 20), one key per category
/// of the privacy notice; never a secret (no password or token hash, no session identifier, no
/// mail body). docs/ACCOUNTS.md lists the keys.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "The caller's data, as JSON", content_type = "application/json"),
        (status = 401, body = crate::web::error::ErrorBody)))]
pub async fn export_me(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let (_, file) = account::export_own_data(&state, &identity).await?;
    let mut response = HttpResponse::Ok();
    response
        .content_type("application/json")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"));
    Ok(crate::web::ctx::stream_file(response, file))
}

#[derive(Deserialize, ToSchema)]
pub struct ErasureRequest {
    /// The account's current password: the erasure cannot be undone.
    pub password: String,
}

/// Erases the caller's account (GDPR article 17): deposits, receipts, letters, evaluations and the
/// audit log stay, linked to a pseudonym; the rest is deleted; every session and token ends (this
/// token too). Refused (409, `erasure_refused`) for the owner of an organisation with other members
/// or deposits (transfer the ownership first: `PUT /api/v1/organisation/owner`), for a member of a
/// committee whose evaluation is not decided, and for the last administrator; a wrong password is
/// refused with 422 `wrong_password`. Nothing changes when refused.
#[utoipa::path(post, path = "/api/v1/me/erasure", tag = "accounts", security(("bearer" = [])), request_body = ErasureRequest,
    responses((status = 204, description = "Erased"), (status = 400, body = crate::web::error::ErrorBody),
        (status = 401, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn erase_me(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<ErasureRequest>,
) -> Result<HttpResponse, AppError> {
    match account::erase_own_account(&state, &identity, body.into_inner().password).await? {
        account::Erasure::Done(_) => Ok(HttpResponse::NoContent().finish()),
        account::Erasure::WrongPassword => Err(AppError::refused(
            crate::domain::error::Kind::Invalid,
            "wrong_password",
            crate::domain::error::Message::new("erase-wrong-password"),
        )),
    }
}

#[derive(Serialize, ToSchema)]
pub struct Member {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub owner: bool,
    pub email_verified: bool,
}

#[derive(Serialize, ToSchema)]
pub struct OrganisationInfo {
    pub id: i64,
    pub legal_name: String,
    /// `siret`, `vat` or `other`.
    pub identifier_type: String,
    pub identifier: String,
    pub address: String,
    pub postcode: String,
    pub country: String,
    /// `micro`, `sme` or `large`.
    pub size: String,
    pub social_economy: bool,
    pub sectors: Vec<String>,
    pub members: Vec<Member>,
}

/// One's own organisation and its members.
#[utoipa::path(get, path = "/api/v1/organisation", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, body = OrganisationInfo), (status = 401, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn my_organisation(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let org_id = identity.own_organisation()?;
    identity.authorize(Action::ViewOrganisation(org_id))?;
    let (org, members) = state
        .db
        .run(move |conn| {
            let org = organisations::find(conn, org_id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((org.clone(), organisations::members(conn, org_id)?))
        })
        .await?;
    let body = OrganisationInfo {
        id: org.id.0,
        legal_name: org.legal_name.clone(),
        identifier_type: org.identifier_type.clone(),
        identifier: org.identifier.clone(),
        address: org.address.clone(),
        postcode: org.postcode.clone(),
        country: org.country.clone(),
        size: org.size.clone(),
        social_economy: org.social_economy,
        sectors: org.sector_list(),
        members: members
            .iter()
            .map(|m: &User| Member {
                id: m.id.0,
                display_name: m.display_name.clone(),
                email: m.email.clone(),
                owner: org.owner_user_id == Some(m.id),
                email_verified: m.is_verified(),
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize, ToSchema)]
pub struct InvitationRequest {
    pub email: String,
}

/// The owner invites a colleague by e-mail (valid 7 days). An address that already has an account
/// is answered the same (its owner is told by mail instead); at most 20 invitations an hour per
/// organisation (then 429 with `Retry-After`).
#[utoipa::path(post, path = "/api/v1/organisation/invitations", tag = "organisations", security(("bearer" = [])), request_body = InvitationRequest,
    responses((status = 201), (status = 400, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody), (status = 429, body = crate::web::error::ErrorBody)))]
pub async fn invite_member(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<InvitationRequest>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::InviteMember)?;
    let email = Email::parse(&body.email).map_err(|e| invalid("email", &e.to_string()))?;
    organisation::invite_member(&state, &current, org_id, email).await?;
    Ok(HttpResponse::Created().finish())
}

/// The owner removes a member from the organisation.
#[utoipa::path(delete, path = "/api/v1/organisation/members/{id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn remove_member(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::RemoveMember)?;
    organisation::remove_member(&state, &current, org_id, UserId(id.into_inner())).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct OwnerRequest {
    pub user_id: i64,
}

/// The owner hands ownership to a verified member.
#[utoipa::path(put, path = "/api/v1/organisation/owner", tag = "organisations", security(("bearer" = [])), request_body = OwnerRequest,
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn transfer_ownership(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<OwnerRequest>,
) -> Result<HttpResponse, AppError> {
    let (org_id, current) = identity.authorize_own(Action::TransferOwnership)?;
    organisation::transfer_ownership(&state, &current, org_id, UserId(body.user_id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub organisation_id: Option<i64>,
    pub email_verified: bool,
    pub disabled: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct UsersParams {
    /// Matches the e-mail or the name.
    #[serde(default)]
    pub q: String,
    /// From 1; 50 users a page.
    pub page: Option<i64>,
}

/// Administrators list and search users.
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "administration", security(("bearer" = [])), params(UsersParams),
    responses((status = 200, body = [UserSummary]), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn list_users(
    state: web::Data<AppState>,
    identity: Identity,
    query: web::Query<UsersParams>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ListUsers)?;
    let (list, _) = admin::list_users(&state, &query.q, query.page.unwrap_or(1)).await?;
    let body: Vec<UserSummary> = list
        .into_iter()
        .map(|(u, roles)| UserSummary {
            id: u.id.0,
            email: u.email.clone(),
            display_name: u.display_name.clone(),
            roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
            organisation_id: u.organisation_id.map(|o| o.0),
            email_verified: u.is_verified(),
            disabled: u.is_disabled(),
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize, ToSchema)]
pub struct StaffInvitation {
    pub email: String,
    pub display_name: String,
    /// At least one of `agent`, `committee`, `admin`.
    pub roles: Vec<String>,
    /// The language of the invitation mail, `fr` (default) or `en`.
    pub locale: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Administrators invite a staff member, who receives a set-password link by e-mail.
#[utoipa::path(post, path = "/api/v1/admin/users", tag = "administration", security(("bearer" = [])), request_body = StaffInvitation,
    responses((status = 201, body = Created), (status = 400, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn invite_staff(
    state: web::Data<AppState>,
    identity: Identity,
    body: web::Json<StaffInvitation>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::InviteStaff)?;
    let email = Email::parse(&body.email).map_err(|e| invalid("email", &e.to_string()))?;
    let name =
        accounts::parse_name(&body.display_name).ok_or_else(|| invalid("display_name", "1 to 120 characters"))?;
    let roles = parse_roles(&body.roles)?;
    if roles.is_empty() {
        return Err(invalid("roles", "at least one role"));
    }
    let lang = match body.locale.as_deref() {
        None => Lang::Fr,
        Some(code) => Lang::from_code(code).ok_or_else(|| invalid("locale", "fr or en"))?,
    };
    let id = admin::invite_staff(&state, &current, email, name, roles, lang).await?;
    Ok(HttpResponse::Created().json(Created { id: id.0 }))
}

#[derive(Deserialize, ToSchema)]
pub struct RolesUpdate {
    pub roles: Vec<String>,
}

/// Administrators replace a staff member's roles.
#[utoipa::path(put, path = "/api/v1/admin/users/{id}/roles", tag = "administration", security(("bearer" = [])), request_body = RolesUpdate,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn set_roles(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<RolesUpdate>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::ChangeRoles)?;
    let roles = parse_roles(&body.roles)?;
    admin::change_roles(&state, &current, UserId(id.into_inner()), roles).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct DisabledUpdate {
    pub disabled: bool,
}

/// Administrators disable or re-enable an account; disabling ends its sessions.
#[utoipa::path(put, path = "/api/v1/admin/users/{id}/disabled", tag = "administration", security(("bearer" = [])), request_body = DisabledUpdate,
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn set_disabled(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<DisabledUpdate>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::DisableUser)?;
    admin::set_disabled(&state, &current, UserId(id.into_inner()), body.disabled).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryInfo {
    pub id: i64,
    #[schema(value_type = String, format = DateTime)]
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// JSON text.
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct AuditParams {
    /// Actions starting with this, e.g. `auth.`.
    #[serde(default)]
    pub action: String,
    /// Actors containing this.
    #[serde(default)]
    pub actor: String,
    /// Entries older than this id (pagination).
    pub before: Option<i64>,
}

/// Administrators read the audit log, newest first, 50 entries a page.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "administration", security(("bearer" = [])), params(AuditParams),
    responses((status = 200, body = [AuditEntryInfo]), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn audit(
    state: web::Data<AppState>,
    identity: Identity,
    query: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let entries = admin::audit_entries(&state, &identity, &query.action, &query.actor, query.before).await?;
    let body: Vec<AuditEntryInfo> = entries
        .into_iter()
        .map(|e| AuditEntryInfo {
            id: e.id.0,
            occurred_at: e.occurred_at,
            actor: e.actor,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            details: e.details,
            prev_hash: e.prev_hash,
            hash: e.hash,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}
