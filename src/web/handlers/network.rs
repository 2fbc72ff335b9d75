//! The network of suppliers' pages: the public directory and profiles, the profile an
//! organisation edits (listing, credentials, export), and the credentials catalogue.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{HeldCredentialId, OrganisationId};
use crate::domain::authz::Action;
use crate::domain::error::Refusal;
use crate::domain::forms::{FormPairs, first};
use crate::domain::network::credentials::{self, AddHeld, Credential, CredentialEdit, Held};
use crate::domain::network::profiles::{self, DirectoryFilter, Listed, PAGE_SIZE, PublicProfile};
use crate::domain::network::{self, Acting, department_name};
use crate::uploads::{Store, UploadError};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::network::{Card, CatalogueRow, EditView, FilterValues, HeldRow, ProfileView};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::{AppError, status_of, translate};
use crate::web::operations;

fn card(ctx: &Ctx, l: &Listed) -> Card {
    Card {
        id: l.organisation.id.0,
        name: l.organisation.legal_name.clone(),
        summary: crate::domain::markdown::plain(&l.profile.presentation, 240),
        sectors: l.organisation.sector_list(),
        departments: l.profile.department_list().iter().filter_map(|d| department_name(d)).map(str::to_owned).collect(),
        size: l.organisation.size.clone(),
        social_economy: l.organisation.social_economy,
        credentials: l.credentials.iter().map(|c| c.name(ctx.lang).to_owned()).collect(),
    }
}

pub async fn directory(
    state: web::Data<AppState>,
    ctx: Ctx,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, AppError> {
    let f = query.into_inner();
    let page_no = f.page.unwrap_or(1).clamp(1, 10_000);
    let filter =
        DirectoryFilter::from_values(&f.q, &f.sector, &f.department, &f.credential, &f.size, &f.social_economy);
    let today = network::today(state.clock.now_naive());
    let (items, more, sectors, catalogue) = state
        .db
        .run(move |conn| {
            let (items, more) = profiles::directory(conn, &filter, today, PAGE_SIZE, (page_no - 1) * PAGE_SIZE)?;
            let sectors = profiles::listed_sectors(conn)?;
            let catalogue = credentials::catalogue(conn, false)?;
            Ok::<_, AppError>((items, more, sectors, catalogue))
        })
        .await?;
    let cards: Vec<Card> = items.iter().map(|l| card(&ctx, l)).collect();
    let catalogue: Vec<(i64, String)> = catalogue.iter().map(|c| (c.id.0, c.name(ctx.lang).to_owned())).collect();
    Ok(html(StatusCode::OK, views::network::directory(&ctx, &cards, &f, &sectors, &catalogue, page_no, more)))
}

fn held_rows(ctx: &Ctx, org: OrganisationId, held: &[(Held, Credential)], today: chrono::NaiveDate) -> Vec<HeldRow> {
    held.iter()
        .map(|(h, c)| HeldRow {
            id: h.id.0,
            name: c.name(ctx.lang).to_owned(),
            description: c.description(ctx.lang).to_owned(),
            expires_on: h.expires_on,
            expired: h.expired(today),
            evidence: h.evidence_name.as_ref().map(|n| {
                (
                    format!("/directory/{}/credentials/{}/evidence", org.0, h.id.0),
                    n.clone(),
                    h.evidence_size.unwrap_or(0),
                )
            }),
        })
        .collect()
}

/// Whether the viewer belongs to the organisation (and may preview its unlisted profile).
fn is_own(identity: &Identity, org: OrganisationId) -> bool {
    identity.user().is_some_and(|u| u.user.organisation_id == Some(org))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let org = OrganisationId(path.into_inner());
    let own = is_own(&identity, org);
    let found = state.db.run(move |conn| profiles::public(conn, org, own).map_err(AppError::from)).await?;
    let Some(p) = found else { return Err(AppError::NotFound) };
    let today = network::today(state.clock.now_naive());
    Ok(html(StatusCode::OK, views::network::profile(&ctx, &profile_view(&ctx, &p, own, today))))
}

fn profile_view(ctx: &Ctx, p: &PublicProfile, own: bool, today: chrono::NaiveDate) -> ProfileView {
    ProfileView {
        id: p.organisation.id.0,
        name: p.organisation.legal_name.clone(),
        presentation_html: if p.profile.presentation.is_empty() {
            String::new()
        } else {
            crate::domain::markdown::render(&p.profile.presentation)
        },
        sectors: p.organisation.sector_list(),
        departments: p.profile.department_list().iter().filter_map(|d| department_name(d)).map(str::to_owned).collect(),
        size: p.organisation.size.clone(),
        social_economy: p.organisation.social_economy,
        commitments: p
            .profile
            .commitment_list()
            .into_iter()
            .map(|(code, text)| (network::commitment_name(&code, ctx.lang), text))
            .collect(),
        credentials: held_rows(ctx, p.organisation.id, &p.credentials, today),
        results: p
            .results
            .iter()
            .map(|r| (r.objective.0, r.objective_title.clone(), r.proposal_title.clone()))
            .collect(),
        practices: p.practices.iter().map(|x| (x.id.0, x.title.clone())).collect(),
        listed: p.profile.listed,
        own,
    }
}

/// A credential's evidence: public when the profile is listed; the organisation's members always.
pub async fn evidence(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (org, id) = path.into_inner();
    let (org, id) = (OrganisationId(org), HeldCredentialId(id));
    let own = is_own(&identity, org);
    let held = state
        .db
        .run(move |conn| {
            let listed = profiles::find(conn, org)?.is_some_and(|p| p.listed);
            if !listed && !own {
                return Ok(None);
            }
            credentials::find_held(conn, org, id).map_err(AppError::from)
        })
        .await?;
    let held = held.ok_or(AppError::NotFound)?;
    let (Some(key), Some(name), Some(kind)) = (&held.evidence_key, &held.evidence_name, &held.evidence_type) else {
        return Err(AppError::NotFound);
    };
    crate::web::operations::documents::serve_stored(&state, key, name, kind).await
}

/// The organisation's profile form, filled from what is stored.
async fn stored_pairs(state: &AppState, org: OrganisationId) -> Result<FormPairs, AppError> {
    state
        .db
        .run(move |conn| {
            let o = crate::domain::organisations::find(conn, org)?.ok_or(AppError::NotFound)?;
            let p = profiles::find(conn, org)?;
            let mut pairs: FormPairs = vec![
                ("sectors".into(), o.sector_list().join(", ")),
                ("size".into(), o.size.clone()),
                ("social_economy".into(), o.social_economy.to_string()),
            ];
            if let Some(p) = p {
                pairs.push(("presentation".into(), p.presentation.clone()));
                pairs.extend(p.department_list().into_iter().map(|d| ("departments".into(), d)));
                pairs.extend(p.commitment_list().into_iter().map(|(k, v)| (format!("commit_{k}"), v)));
            }
            Ok(pairs)
        })
        .await
}

#[allow(clippy::too_many_arguments)]
async fn render_edit(
    state: &AppState,
    ctx: &Ctx,
    org: OrganisationId,
    pairs: Option<FormPairs>,
    errors: &Errors,
    credential_errors: &Errors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let pairs = match pairs {
        Some(p) => p,
        None => stored_pairs(state, org).await?,
    };
    let today = network::today(state.clock.now_naive());
    let (org_row, profile, held, catalogue) = state
        .db
        .run(move |conn| {
            let o = crate::domain::organisations::find(conn, org)?.ok_or(AppError::NotFound)?;
            let p = profiles::find(conn, org)?;
            let held = credentials::held_by(conn, &[org])?;
            let catalogue = credentials::catalogue(conn, false)?;
            Ok::<_, AppError>((o, p, held, catalogue))
        })
        .await?;
    let available = catalogue
        .iter()
        .filter(|c| !held.iter().any(|(h, _)| h.credential_id == c.id))
        .map(|c| (c.id.0, c.name(ctx.lang).to_owned()))
        .collect();
    let view = EditView {
        organisation: org.0,
        name: org_row.legal_name.clone(),
        listed: profile.is_some_and(|p| p.listed),
        credentials: held_rows(ctx, org, &held, today),
        available,
        notice,
    };
    Ok(html(status, views::network::edit(ctx, &view, &pairs, errors, credential_errors)))
}

/// The signed-in member's organisation, if they may edit its profile.
fn editor(identity: &Identity) -> Result<(OrganisationId, std::rc::Rc<CurrentUser>), AppError> {
    let org = identity.own_organisation()?;
    let current = identity.authorize(Action::EditProfile(org))?;
    Ok((org, current))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (org, _) = editor(&identity)?;
    let notice = query.notice(&ctx, "profile");
    render_edit(&state, &ctx, org, None, &Errors::default(), &Errors::default(), notice, StatusCode::OK).await
}

pub async fn save(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = editor(&identity)?;
    let pairs = form.into_inner();
    let edit = match profiles::parse(&pairs) {
        Ok(e) => e,
        Err(problems) => {
            let mut errors = Errors::default();
            for (field, key) in problems {
                errors.add(field, ctx.t(key));
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_edit(&state, &ctx, org, Some(pairs), &errors, &Errors::default(), None, status).await;
        }
    };
    let (who, user, now) = (current.audit_actor(), current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| profiles::update(conn, org, &edit, Acting { user, actor: &who }, now).map_err(AppError::from))
        .await?;
    Ok(redirect("/organisation/profile?done=saved"))
}

#[derive(Deserialize)]
pub struct ListingForm {
    listed: String,
}

pub async fn listing(
    state: web::Data<AppState>,
    identity: Identity,
    form: web::Form<ListingForm>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = editor(&identity)?;
    let listed = match form.listed.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::BadRequest { code: "invalid_listed", message: "listed is true or false".into() }),
    };
    let (who, user, now) = (current.audit_actor(), current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            profiles::change_listing(conn, org, listed, Acting { user, actor: &who }, now).map_err(AppError::from)
        })
        .await?;
    Ok(redirect(if listed { "/organisation/profile?done=listed" } else { "/organisation/profile?done=withdrawn" }))
}

/// What adding a credential changed, or why nothing was.
pub enum Added {
    Done,
    /// (field, message key)
    Refused(Vec<(&'static str, &'static str)>),
    /// The evidence file was refused (type, size).
    Upload(UploadError),
}

/// Adds a credential from a multipart form (`credential`, `expires_on`, optional `file`): the
/// page and the API share it. A refusal stores nothing: the evidence file is removed.
pub async fn add_credential_from(
    state: &AppState,
    current: &CurrentUser,
    org: OrganisationId,
    payload: &mut Multipart,
) -> Result<Added, AppError> {
    let store = Store::new(&state.settings.data_dir);
    let per_file = credentials::EVIDENCE_MAX_BYTES.min(state.settings.max_file_size);
    let received = match store.receive_form(payload, per_file, per_file, 1).await {
        Ok(r) => r,
        Err(UploadError::Io(e)) => return Err(AppError::internal(e)),
        Err(e) => return Ok(Added::Upload(e)),
    };
    let files = received.files.clone();
    if files.iter().any(|f| !credentials::evidence_kind_allowed(f.kind)) {
        store.discard(&files).await;
        return Ok(Added::Upload(UploadError::UnsupportedType));
    }
    let now = state.clock.now_naive();
    let (credential, expires) = (received.field("credential"), received.field("expires_on"));
    let (who, user) = (current.audit_actor(), current.user.id);
    let evidence = files.first().cloned();
    let outcome = state
        .db
        .run(move |conn| {
            let form = AddHeld { credential: &credential, expires_on: &expires, evidence: evidence.as_ref() };
            let added = credentials::add_held(conn, org, &form, Acting { user, actor: &who }, now)?;
            Ok::<_, AppError>(match added {
                Ok(_) => Added::Done,
                Err(problems) => Added::Refused(problems),
            })
        })
        .await;
    // Nothing half-written: a refusal or a failure takes the evidence file with it.
    if !matches!(outcome, Ok(Added::Done)) {
        store.discard(&files).await;
    }
    outcome
}

pub async fn add_credential(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (org, current) = editor(&identity)?;
    match add_credential_from(&state, &current, org, &mut payload).await? {
        Added::Done => Ok(redirect("/organisation/profile?done=credential#held")),
        Added::Refused(problems) => {
            let mut errors = Errors::default();
            for (field, key) in problems {
                errors.add(field, ctx.t(key));
            }
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_edit(&state, &ctx, org, None, &Errors::default(), &errors, None, status).await
        }
        Added::Upload(e) => {
            // The refusal in the user's language, next to the file field, with the page around it.
            let mut errors = Errors::default();
            match e {
                // The platform's general list of types is not the evidence's.
                UploadError::UnsupportedType => errors.add("file", ctx.t("credential-error-type")),
                _ => errors.add("file", translate(ctx.lang, &e.message(), &[])),
            }
            let status = status_of(e.kind());
            render_edit(&state, &ctx, org, None, &Errors::default(), &errors, None, status).await
        }
    }
}

/// Removes a held credential and, once that committed, its evidence file.
pub async fn remove_credential_of(
    state: &AppState,
    current: &CurrentUser,
    org: OrganisationId,
    id: HeldCredentialId,
) -> Result<(), AppError> {
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    let removed =
        state.db.run(move |conn| credentials::remove(conn, org, id, &who, now).map_err(AppError::from)).await?;
    let held = removed.ok_or(AppError::NotFound)?;
    if let Some(key) = held.evidence_key {
        let store = Store::new(&state.settings.data_dir);
        if let Some(path) = store.path_of(&key) {
            let _ = tokio::fs::remove_file(path).await;
        }
    }
    Ok(())
}

pub async fn remove_credential(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = editor(&identity)?;
    remove_credential_of(&state, &current, org, HeldCredentialId(path.into_inner())).await?;
    Ok(redirect("/organisation/profile?done=credentialremoved#held"))
}

/// Everything the platform holds about the organisation, as a JSON download.
pub async fn export(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let org = identity.own_organisation()?;
    identity.authorize(Action::ExportOrganisation(org))?;
    let data = state.db.run(move |conn| profiles::export(conn, org).map_err(AppError::from)).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"organisation-{}.json\"", org.0)))
        .json(data))
}

// ---- the catalogue (administrators) ----

async fn render_catalogue(
    state: &AppState,
    ctx: &Ctx,
    pairs: &FormPairs,
    errors: &Errors,
    notice: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (all, counts) = state
        .db
        .run(|conn| {
            let all = credentials::catalogue(conn, true)?;
            let counts = credentials::holder_counts(conn)?;
            Ok::<_, AppError>((all, counts))
        })
        .await?;
    let rows: Vec<CatalogueRow> = all
        .iter()
        .map(|c| CatalogueRow {
            id: c.id.0,
            code: c.code.clone(),
            name: c.name(ctx.lang).to_owned(),
            description: c.description(ctx.lang).to_owned(),
            retired: c.retired_at.is_some(),
            holders: counts.get(&c.id).copied().unwrap_or(0),
        })
        .collect();
    Ok(html(status, views::network::catalogue(ctx, &rows, pairs, errors, notice.as_deref())))
}

pub async fn catalogue(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCredentials)?;
    let notice = query.notice(&ctx, "credentials");
    render_catalogue(&state, &ctx, &Vec::new(), &Errors::default(), notice, StatusCode::OK).await
}

pub async fn create_credential(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCredentials)?;
    let pairs = form.into_inner();
    let edit = CredentialEdit {
        code: first(&pairs, "code").to_lowercase(),
        name_fr: first(&pairs, "name_fr"),
        name_en: first(&pairs, "name_en"),
        description_fr: first(&pairs, "description_fr"),
        description_en: first(&pairs, "description_en"),
    };
    let problems = match operations::network::create_credential(&state, &identity, edit).await? {
        Ok(_) => return Ok(redirect("/admin/credentials?done=created")),
        Err(problems) => problems,
    };
    let mut errors = Errors::default();
    for (field, key) in problems {
        errors.add(field, ctx.t(key));
    }
    render_catalogue(&state, &ctx, &pairs, &errors, None, StatusCode::UNPROCESSABLE_ENTITY).await
}

async fn set_retired(state: &AppState, identity: &Identity, id: i64, retired: bool) -> Result<HttpResponse, AppError> {
    operations::network::set_credential_retired(state, identity, id, retired).await?;
    Ok(redirect(if retired { "/admin/credentials?done=retired" } else { "/admin/credentials?done=restored" }))
}

pub async fn retire(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_retired(&state, &identity, path.into_inner(), true).await
}

pub async fn restore(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_retired(&state, &identity, path.into_inner(), false).await
}
