//! The network of suppliers in the JSON API: the public directory and profiles, the credentials
//! catalogue and the published good practices (open data, no authentication), and an
//! organisation's own data export.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{OrganisationId, PracticeId};
use crate::domain::authz::Action;
use crate::domain::network::credentials::{self, Credential, Held};
use crate::domain::network::practices::{self, Status, WithOrganisation};
use crate::domain::network::profiles::{self, DirectoryFilter, Listed, PAGE_SIZE};
use crate::domain::network::{self, department_name};
use crate::domain::themes;
use crate::i18n::Lang;
use crate::views::feeds::when;
use crate::views::network::FilterValues;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::private_json;
use crate::web::error::AppError;

#[derive(Serialize, ToSchema)]
pub struct CredentialInfo {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// `YYYY-MM-DD`; absent when the credential does not expire.
    pub expires_on: Option<String>,
    /// Past its expiry date: shown, but it no longer counts in the directory's filter.
    pub expired: bool,
    /// The evidence document's download address, when there is one.
    pub evidence_url: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentInfo {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryEntry {
    pub id: i64,
    pub name: String,
    /// `micro`, `sme` or `large`.
    pub size: String,
    pub social_economy: bool,
    pub sectors: Vec<String>,
    pub departments: Vec<DepartmentInfo>,
    /// The presentation as plain text, shortened.
    pub summary: String,
    /// Valid credentials only.
    pub credentials: Vec<String>,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct DirectoryPage {
    pub items: Vec<DirectoryEntry>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Serialize, ToSchema)]
pub struct CommitmentInfo {
    /// `climate`, `circularity`, `inclusion`, `local-economy` or `biodiversity`.
    pub theme: String,
    pub text: String,
}

#[derive(Serialize, ToSchema)]
pub struct ResultInfo {
    pub objective: i64,
    pub objective_title: String,
    pub proposal_title: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileDetail {
    pub id: i64,
    pub name: String,
    pub size: String,
    pub social_economy: bool,
    pub sectors: Vec<String>,
    pub departments: Vec<DepartmentInfo>,
    /// Markdown, as the organisation wrote it (render it sanitised).
    pub presentation: String,
    pub commitments: Vec<CommitmentInfo>,
    /// Every credential held, expired ones included.
    pub credentials: Vec<CredentialInfo>,
    /// Its shortlisted proposals on objectives whose results are published.
    pub results: Vec<ResultInfo>,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct CatalogueEntry {
    pub id: i64,
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
}

fn url(state: &AppState, path: &str) -> String {
    state.settings.public_url.join(path).map(|u| u.to_string()).unwrap_or_default()
}

fn departments(codes: &[String]) -> Vec<DepartmentInfo> {
    codes
        .iter()
        .filter_map(|c| department_name(c).map(|n| DepartmentInfo { code: c.clone(), name: n.to_owned() }))
        .collect()
}

fn entry(state: &AppState, l: &Listed) -> DirectoryEntry {
    let id = l.organisation.id.0;
    DirectoryEntry {
        id,
        name: l.organisation.legal_name.clone(),
        size: l.organisation.size.clone(),
        social_economy: l.organisation.social_economy,
        sectors: l.organisation.sector_list(),
        departments: departments(&l.profile.department_list()),
        summary: crate::domain::markdown::plain(&l.profile.presentation, 300),
        credentials: l.credentials.iter().map(|c| c.name(Lang::Fr).to_owned()).collect(),
        url: url(state, &format!("directory/{id}")),
    }
}

/// The directory: organisations that chose to appear, by name, with filters.
#[utoipa::path(get, path = "/api/v1/directory", tag = "network",
    params(
        ("q" = Option<String>, Query, description = "Words to search for (accents and French plurals ignored)"),
        ("sector" = Option<String>, Query, description = "A sector, exactly as organisations write it"),
        ("department" = Option<String>, Query, description = "A department code of the region, e.g. `69`"),
        ("credential" = Option<i64>, Query, description = "A catalogue entry's id: organisations holding it, unexpired"),
        ("size" = Option<String>, Query, description = "`micro`, `sme` or `large`"),
        ("social_economy" = Option<String>, Query, description = "`true`: social and solidarity economy only"),
        ("page" = Option<i64>, Query, description = "From 1; 20 organisations a page"),
    ),
    responses((status = 200, body = DirectoryPage)))]
pub async fn directory(state: web::Data<AppState>, query: web::Query<FilterValues>) -> Result<HttpResponse, AppError> {
    let f = query.into_inner();
    let page = f.page.unwrap_or(1).clamp(1, 10_000);
    let filter =
        DirectoryFilter::from_values(&f.q, &f.sector, &f.department, &f.credential, &f.size, &f.social_economy);
    let today = network::today(state.clock.now_naive());
    let (rows, has_more) = state
        .db
        .run(move |conn| {
            profiles::directory(conn, &filter, today, PAGE_SIZE, (page - 1) * PAGE_SIZE).map_err(AppError::from)
        })
        .await?;
    let items = rows.iter().map(|l| entry(&state, l)).collect();
    Ok(HttpResponse::Ok().json(DirectoryPage { items, page, has_more }))
}

fn credential_info(state: &AppState, org: i64, h: &Held, c: &Credential, today: chrono::NaiveDate) -> CredentialInfo {
    CredentialInfo {
        id: c.id.0,
        code: c.code.clone(),
        name_fr: c.name_fr.clone(),
        name_en: c.name_en.clone(),
        expires_on: h.expires_on.map(|d| d.to_string()),
        expired: h.expired(today),
        evidence_url: h
            .evidence_key
            .as_ref()
            .map(|_| url(state, &format!("directory/{org}/credentials/{}/evidence", h.id.0))),
    }
}

/// One listed organisation's public profile.
#[utoipa::path(get, path = "/api/v1/directory/{id}", tag = "network", params(("id" = i64, Path, description = "Organisation id")),
    responses((status = 200, body = ProfileDetail), (status = 404, description = "No such organisation in the directory", body = crate::web::error::ErrorBody)))]
pub async fn profile(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let org = OrganisationId(id.into_inner());
    let found = state.db.run(move |conn| profiles::public(conn, org, false).map_err(AppError::from)).await?;
    let p = found.ok_or(AppError::NotFound)?;
    let today = network::today(state.clock.now_naive());
    let id = p.organisation.id.0;
    Ok(HttpResponse::Ok().json(ProfileDetail {
        id,
        name: p.organisation.legal_name.clone(),
        size: p.organisation.size.clone(),
        social_economy: p.organisation.social_economy,
        sectors: p.organisation.sector_list(),
        departments: departments(&p.profile.department_list()),
        presentation: p.profile.presentation.clone(),
        commitments: p
            .profile
            .commitment_list()
            .into_iter()
            .map(|(theme, text)| CommitmentInfo { theme, text })
            .collect(),
        credentials: p.credentials.iter().map(|(h, c)| credential_info(&state, id, h, c, today)).collect(),
        results: p
            .results
            .iter()
            .map(|r| ResultInfo {
                objective: r.objective.0,
                objective_title: r.objective_title.clone(),
                proposal_title: r.proposal_title.clone(),
            })
            .collect(),
        url: url(&state, &format!("directory/{id}")),
    }))
}

/// The credentials catalogue organisations choose from (retired entries left out).
#[utoipa::path(get, path = "/api/v1/credentials", tag = "network", responses((status = 200, body = [CatalogueEntry])))]
pub async fn catalogue(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let all = state.db.run(|conn| credentials::catalogue(conn, false).map_err(AppError::from)).await?;
    let body: Vec<CatalogueEntry> = all
        .into_iter()
        .map(|c| CatalogueEntry {
            id: c.id.0,
            code: c.code,
            name_fr: c.name_fr,
            name_en: c.name_en,
            description_fr: c.description_fr,
            description_en: c.description_en,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// Everything the platform holds about the caller's organisation (its verified members only).
#[utoipa::path(get, path = "/api/v1/organisation/export", tag = "organisations", security(("bearer" = [])),
    responses((status = 200, description = "The organisation's data, as JSON", content_type = "application/json"),
        (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn export(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let org = identity.own_organisation()?;
    identity.authorize(Action::ExportOrganisation(org))?;
    let data = state.db.run(move |conn| profiles::export(conn, org).map_err(AppError::from)).await?;
    Ok(private_json(actix_web::http::StatusCode::OK, data))
}

// ---- good practices ----

#[derive(Serialize, ToSchema)]
pub struct PracticeInfo {
    pub id: i64,
    pub title: String,
    /// Markdown, as the organisation wrote it (render it sanitised).
    pub body: String,
    /// Theme codes, e.g. `energie`.
    pub themes: Vec<String>,
    pub organisation: String,
    /// The organisation's public profile in the API, when it is listed in the directory.
    pub organisation_url: Option<String>,
    /// UTC, RFC 3339.
    pub published_at: Option<String>,
    pub picture_url: Option<String>,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct PracticePage {
    pub items: Vec<PracticeInfo>,
    pub page: i64,
    pub has_more: bool,
}

fn info(state: &AppState, p: &WithOrganisation) -> PracticeInfo {
    let url = |path: String| state.settings.public_url.join(&path).map(|u| u.to_string()).unwrap_or_default();
    let id = p.practice.id.0;
    PracticeInfo {
        id,
        title: p.practice.title.clone(),
        body: p.practice.body.clone(),
        themes: p.practice.theme_list(),
        organisation: p.organisation.clone(),
        organisation_url: p.listed.then(|| url(format!("api/v1/directory/{}", p.practice.organisation_id.0))),
        published_at: p.practice.published_at.map(when),
        picture_url: p.practice.picture_key.as_ref().map(|_| url(format!("practices/{id}/picture"))),
        url: url(format!("practices/{id}")),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ApiListParams {
    /// A theme code, e.g. `mobilite`.
    #[serde(default)]
    pub theme: String,
    /// From 1; 20 practices a page.
    pub page: Option<i64>,
}

/// Published good practices, newest first.
#[utoipa::path(get, path = "/api/v1/practices", tag = "network", operation_id = "api_list", params(ApiListParams),
    responses((status = 200, body = PracticePage)))]
pub async fn practice_list(
    state: web::Data<AppState>,
    query: web::Query<ApiListParams>,
) -> Result<HttpResponse, AppError> {
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let theme = Some(query.theme.clone()).filter(|t| themes::is_theme(t));
    let (list, has_more) = state
        .db
        .run(move |conn| {
            practices::published(conn, theme.as_deref(), practices::PAGE_SIZE, (page - 1) * practices::PAGE_SIZE)
                .map_err(AppError::from)
        })
        .await?;
    let items = list.iter().map(|p| info(&state, p)).collect();
    Ok(HttpResponse::Ok().json(PracticePage { items, page, has_more }))
}

/// One published practice.
#[utoipa::path(get, path = "/api/v1/practices/{id}", tag = "network", operation_id = "api_show",
    params(("id" = i64, Path, description = "Practice id")),
    responses((status = 200, body = PracticeInfo), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn practice(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let pid = PracticeId(id.into_inner());
    let found = state.db.run(move |conn| practices::find(conn, pid).map_err(AppError::from)).await?;
    let p = found.filter(|p| p.practice.status() == Status::Published).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(info(&state, &p)))
}
