//! The JSON API of the agents' review of good practices and of the administrators' catalogues and
//! moderation, under `/api/v1`: the practices' review and featuring (agents); the criteria and
//! credentials catalogues, the reports of messages and the suspensions (administrators). The
//! same operations as the pages (`web::operations::network`, `criteria`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::criteria::{Criterion, CriterionEdit, Removal};
use crate::domain::error::{Kind, Message};
use crate::domain::forms::Problem;
use crate::domain::network::credentials::CredentialEdit;
use crate::domain::network::messages::Resolution;
use crate::domain::network::practices::Review;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::private_json;
use crate::web::error::AppError;
use crate::web::handlers::api_objectives::invalid_fields;
use crate::web::operations::criteria as criteria_ops;
use crate::web::operations::network as ops;

type Resp = Result<HttpResponse, AppError>;

/// (field, catalogue key) problems as one 422 `invalid_fields`.
fn invalid(problems: Vec<(&'static str, &'static str)>) -> AppError {
    invalid_fields(problems.into_iter().map(|(field, key)| Problem::new(field, key)).collect(), &[])
}

/// A value the API takes from a closed list, refused with 422 and its code.
fn not_one_of(code: &'static str, said: &str) -> AppError {
    AppError::refused(Kind::Invalid, code, Message::plain(said))
}

#[derive(Deserialize, ToSchema)]
pub struct ReviewInput {
    /// `publish` or `refuse`.
    pub decision: String,
    /// For a refusal: why (10 characters or more), mailed to the author.
    #[serde(default)]
    pub reason: String,
}

/// Publishes or refuses a submitted good practice (agents); its author is mailed. A refusal
/// without its reason: 422 `invalid_reason`; reviewed already: 409 `already_reviewed`.
#[utoipa::path(put, path = "/api/v1/practices/{id}/review", tag = "network", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The practice's id")), request_body = ReviewInput,
    responses((status = 204, description = "Reviewed"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn review(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ReviewInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::ReviewPractices)?;
    let input = input.into_inner();
    let decision = match input.decision.as_str() {
        "publish" => Review::Publish,
        "refuse" => Review::Refuse(input.reason),
        _ => return Err(not_one_of("invalid_decision", "decision is publish or refuse")),
    };
    ops::review_practice(&state, &identity, id.into_inner(), decision).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct FeaturedInput {
    pub featured: bool,
}

/// Features a published practice on the home page, or stops featuring it (agents). Unknown or
/// not published: 404.
#[utoipa::path(put, path = "/api/v1/practices/{id}/featured", tag = "network", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The practice's id")), request_body = FeaturedInput,
    responses((status = 204, description = "Done"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn feature(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<FeaturedInput>,
) -> Resp {
    ops::feature_practice(&state, &identity, id.into_inner(), input.featured).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A criterion of the catalogue as administrators edit it.
#[derive(Deserialize, ToSchema, Default)]
pub struct CriterionInput {
    /// For a new criterion only: 3 to 40 lowercase letters, digits and dashes; never changes.
    #[serde(default)]
    pub code: String,
    /// `environmental`, `social`, `economic`, `innovation`, `governance` or `change_support`, …
    #[serde(default)]
    pub category: String,
    /// The goal it serves, dotted (`environmental.climate`).
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    /// The six levels of the scale, 0 to 5.
    #[serde(default)]
    pub levels_fr: Vec<String>,
    #[serde(default)]
    pub levels_en: Vec<String>,
}

impl CriterionInput {
    fn edit(&self) -> Result<CriterionEdit, AppError> {
        let six = |levels: &[String]| -> Option<[String; 6]> {
            let trimmed: Vec<String> = levels.iter().map(|l| l.trim().to_owned()).collect();
            trimmed.try_into().ok()
        };
        match (six(&self.levels_fr), six(&self.levels_en)) {
            (Some(levels_fr), Some(levels_en)) => Ok(CriterionEdit {
                category: self.category.clone(),
                goal: self.goal.trim().to_owned(),
                name_fr: self.name_fr.clone(),
                name_en: self.name_en.clone(),
                description_fr: self.description_fr.clone(),
                description_en: self.description_en.clone(),
                levels_fr,
                levels_en,
            }),
            _ => Err(invalid(vec![("levels", "criterion-error-levels")])),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct CriterionJson {
    pub id: i64,
    pub code: String,
    pub category: String,
    pub goal: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub levels_fr: Vec<String>,
    pub levels_en: Vec<String>,
    /// Retired: no longer offered to new objectives; the published ones keep it.
    pub retired: bool,
}

fn criterion_json(c: Criterion) -> CriterionJson {
    let levels = |raw: &str| serde_json::from_str::<Vec<String>>(raw).unwrap_or_default();
    CriterionJson {
        id: c.id.0,
        levels_fr: levels(&c.levels_fr),
        levels_en: levels(&c.levels_en),
        retired: c.retired_at.is_some(),
        code: c.code,
        category: c.category,
        goal: c.goal,
        name_fr: c.name_fr,
        name_en: c.name_en,
        description_fr: c.description_fr,
        description_en: c.description_en,
    }
}

async fn criterion_reply(state: &AppState, identity: &Identity, id: i64, status: StatusCode) -> Resp {
    let c = criteria_ops::find(state, identity, id).await?;
    Ok(private_json(status, criterion_json(c)))
}

/// Adds a criterion to the catalogue (administrators). Bad fields: 422 `invalid_fields`; a code
/// already taken: 409 `code_taken`; nothing written.
#[utoipa::path(post, path = "/api/v1/admin/criteria", tag = "administration", security(("bearer" = [])),
    request_body = CriterionInput,
    responses((status = 201, body = CriterionJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create_criterion(
    state: web::Data<AppState>,
    identity: Identity,
    input: web::Json<CriterionInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::ManageCriteria)?;
    let edit = input.edit()?;
    let id = criteria_ops::create(&state, &identity, &input.code, edit).await?.map_err(invalid)?;
    criterion_reply(&state, &identity, id.0, StatusCode::CREATED).await
}

/// Edits a criterion (administrators); its code never changes. A change of what it means while
/// a published objective uses it: 409 `in_use`.
#[utoipa::path(put, path = "/api/v1/admin/criteria/{id}", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The criterion's id")), request_body = CriterionInput,
    responses((status = 200, body = CriterionJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn update_criterion(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<CriterionInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::ManageCriteria)?;
    let id = id.into_inner();
    let edit = input.edit()?;
    criteria_ops::update(&state, &identity, id, edit).await?.map_err(invalid)?;
    criterion_reply(&state, &identity, id, StatusCode::OK).await
}

#[derive(Serialize, ToSchema)]
pub struct RemovalJson {
    /// `deleted` (only drafts used it; they lose it) or `retired` (a published objective uses
    /// it: kept, offered no more; `POST …/restoration` offers it again).
    pub outcome: String,
}

/// Removes a criterion (administrators): deleted when only drafts use it, else retired.
#[utoipa::path(delete, path = "/api/v1/admin/criteria/{id}", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The criterion's id")),
    responses((status = 200, body = RemovalJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn remove_criterion(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let removal = criteria_ops::remove(&state, &identity, id.into_inner()).await?;
    let outcome = if removal == Removal::Retired { "retired" } else { "deleted" };
    Ok(private_json(StatusCode::OK, RemovalJson { outcome: outcome.into() }))
}

/// Offers a retired criterion again (administrators).
#[utoipa::path(post, path = "/api/v1/admin/criteria/{id}/restoration", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The criterion's id")),
    responses((status = 200, body = CriterionJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn restore_criterion(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    criteria_ops::restore(&state, &identity, id).await?;
    criterion_reply(&state, &identity, id, StatusCode::OK).await
}

/// A credential of the catalogue (a label, a certification) suppliers may say they hold.
#[derive(Deserialize, ToSchema, Default)]
pub struct CredentialInput {
    /// 2 to 40 lowercase letters, digits and dashes (lowercased).
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
}

#[derive(Serialize, ToSchema)]
pub struct CredentialCreatedJson {
    pub id: i64,
}

/// Adds a credential to the catalogue (administrators). Bad fields, or a code already taken:
/// 422 `invalid_fields`, nothing written. The catalogue reads at `GET /api/v1/credentials`.
#[utoipa::path(post, path = "/api/v1/admin/credentials", tag = "administration", security(("bearer" = [])),
    request_body = CredentialInput,
    responses((status = 201, body = CredentialCreatedJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create_credential(
    state: web::Data<AppState>,
    identity: Identity,
    input: web::Json<CredentialInput>,
) -> Resp {
    let input = input.into_inner();
    let edit = CredentialEdit {
        code: input.code.trim().to_lowercase(),
        name_fr: input.name_fr,
        name_en: input.name_en,
        description_fr: input.description_fr,
        description_en: input.description_en,
    };
    let id = ops::create_credential(&state, &identity, edit).await?.map_err(invalid)?;
    Ok(private_json(StatusCode::CREATED, CredentialCreatedJson { id: id.0 }))
}

/// Retires a credential (administrators): no longer offered; organisations that hold it keep it.
#[utoipa::path(post, path = "/api/v1/admin/credentials/{id}/retirement", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The credential's id")),
    responses((status = 204, description = "Retired"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn retire_credential(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    ops::set_credential_retired(&state, &identity, id.into_inner(), true).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Offers a retired credential again (administrators).
#[utoipa::path(post, path = "/api/v1/admin/credentials/{id}/restoration", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The credential's id")),
    responses((status = 204, description = "Restored"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn restore_credential(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    ops::set_credential_retired(&state, &identity, id.into_inner(), false).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct ResolutionInput {
    /// `suspend` (the sender's messaging is suspended) or `dismiss` (nothing wrong).
    pub resolution: String,
}

/// Resolves a report of a message (administrators). Unknown or resolved already: 404; another
/// resolution: 422 `invalid_resolution`.
#[utoipa::path(put, path = "/api/v1/admin/reports/{id}", tag = "administration", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The report's id")), request_body = ResolutionInput,
    responses((status = 204, description = "Resolved"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn resolve_report(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ResolutionInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::ModerateMessages)?;
    let resolution = Resolution::parse(&input.resolution)
        .ok_or_else(|| not_one_of("invalid_resolution", "resolution is suspend or dismiss"))?;
    ops::resolve_report(&state, &identity, id.into_inner(), resolution).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts an organisation's messaging suspension (administrators). Not suspended: 404.
#[utoipa::path(delete, path = "/api/v1/admin/suspensions/{org}", tag = "administration", security(("bearer" = [])),
    params(("org" = i64, Path, description = "The organisation's id")),
    responses((status = 204, description = "Lifted"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn lift_suspension(state: web::Data<AppState>, identity: Identity, org: web::Path<i64>) -> Resp {
    ops::lift_suspension(&state, &identity, org.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
