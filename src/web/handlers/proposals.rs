//! Proposals in the browser: the supplier's dashboard, drafts, attachments, consortium,
//! deposits, withdrawals and reconfirmations; the agents' count, opening and reading.
//!
//! Every handler loads the proposal, asks `authz::decide` with the viewer's relation to it, and
//! answers 404 to outsiders, so a sealed proposal's existence does not leak either.

use std::rc::Rc;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{AttachmentId, DepositId, ObjectiveId, OrganisationId, ProposalId};
use crate::domain::authz::Action;
use crate::domain::criteria::{self, Criterion};
use crate::domain::markdown;
use crate::domain::objectives::{self, FormPairs, Problem};
use crate::domain::organisations::{IdentifierType, LegalIdentifier};
use crate::domain::proposals::deposits::{self, Depositor, Kind};
use crate::domain::proposals::opening;
use crate::domain::proposals::{self, ProposalError, ProposalFull, Relation, consortium, practice};
use crate::uploads::{Store, UploadError};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::proposals::{AttachmentRow, DepositRow, FormCriterion, FormView, MemberRow, Standing};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::handlers::objectives::problems_to_errors;

/// Where a proposal stands for its organisation, from the one opening rule.
pub fn standing(full: &ProposalFull, last_essential: Option<chrono::NaiveDateTime>) -> Standing {
    Standing::of(opening::outcome(&full.deposits, last_essential))
}

/// A refused operation, in the user's language.
pub fn proposal_error(ctx: &Ctx, e: ProposalError, catalogue: &[Criterion]) -> AppError {
    match e {
        ProposalError::NotFound => AppError::NotFound,
        ProposalError::Db(cause) => AppError::Internal(cause),
        ProposalError::Incomplete(problems) => {
            let messages: Vec<String> = problems_to_errors(ctx, &problems, catalogue).0.into_values().collect();
            AppError::Conflict {
                code: "incomplete",
                message: format!("{} {}", ctx.t("proposal-missing"), messages.join(" ")),
            }
        }
        other => AppError::Conflict { code: other.code(), message: ctx.t(other.message_key()) },
    }
}

/// A proposal the signed-in user's organisation leads or is a member of, with that relation.
/// Others get a 404: before the deadline nothing of a proposal shows, not even that it exists.
pub async fn readable(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ProposalFull, Relation, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let pid = ProposalId(id);
    let full = state
        .db
        .run(move |conn| proposals::load(conn, pid).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = full.relation(current.user.organisation_id);
    if relation == Relation::Outsider {
        return Err(AppError::NotFound);
    }
    identity.authorize(Action::ReadProposal { relation, opened: false })?;
    Ok((full, relation, current))
}

/// The same, for the lead organisation's users, who write.
pub async fn writable(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ProposalFull, Rc<CurrentUser>), AppError> {
    let (full, relation, current) = readable(state, identity, id).await?;
    identity.authorize(Action::WriteProposal(relation))?;
    Ok((full, current))
}

async fn essential_of(state: &AppState, objective: ObjectiveId) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(opening::last_essential_amendments(conn, &[objective])?.get(&objective).copied())
        })
        .await
}

async fn catalogue(state: &AppState) -> Result<Vec<Criterion>, AppError> {
    state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await
}

fn criterion_name(catalogue: &[Criterion], id: crate::db::ids::CriterionId, ctx: &Ctx) -> String {
    catalogue.iter().find(|c| c.id == id).map_or_else(|| id.to_string(), |c| c.name(ctx.lang).to_owned())
}

pub async fn dashboard(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::StartProposal)?;
    let org = identity.own_organisation()?;
    let owner = current.principal.owns_organisation;
    let rows = state.db.run(move |conn| proposals::dashboard(conn, org).map_err(AppError::from)).await?;
    let now = state.clock.now_naive();
    let mut items = Vec::new();
    let mut invitations = Vec::new();
    for r in rows {
        let standing = Standing::of(opening::outcome(&r.deposits, r.last_essential_amendment));
        if r.relation == Relation::Member && !r.confirmed {
            invitations.push(views::proposals::Invitation {
                terms: r.terms.unwrap_or(0),
                proposal: r.proposal.0,
                lead_name: r.lead_name.clone(),
                objective_title: r.objective.title.clone(),
                can_answer: owner && proposals::accepts_proposals(&r.objective, now),
            });
        }
        items.push(views::proposals::DashboardRow {
            proposal: r.proposal.0,
            objective_id: r.objective.id.0,
            objective_title: r.objective.title.clone(),
            reference: r.objective.reference.clone(),
            title: r.title,
            lead: r.relation == Relation::Lead,
            lead_name: r.lead_name,
            standing,
            deadline: r.objective.deadline_at,
            practice: r.objective.practice,
            last_receipt: r.deposits.last().map(|d| (d.id.0, d.receipt_number.clone())),
            result: r.result,
        });
    }
    Ok(html(StatusCode::OK, views::proposals::dashboard(&ctx, &items, &invitations, now)))
}

/// The practice objective, created on first use.
pub async fn practice(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::StartProposal)?;
    let (user, now) = (current.user.id, state.clock.now_naive());
    let id = state.db.run(move |conn| practice::ensure(conn, user, now).map_err(AppError::from)).await?;
    Ok(redirect(&format!("/objectives/{id}/proposal")))
}

fn form_criteria(ctx: &Ctx, full: &objectives::ObjectiveFull, catalogue: &[Criterion]) -> Vec<FormCriterion> {
    full.criteria
        .iter()
        .filter_map(|w| catalogue.iter().find(|c| c.id == w.criterion_id))
        .map(|c| FormCriterion {
            id: c.id.0,
            name: c.name(ctx.lang).to_owned(),
            description: c.description(ctx.lang).to_owned(),
            levels: c.levels(ctx.lang),
        })
        .collect()
}

async fn open_objective(state: &AppState, id: i64) -> Result<objectives::ObjectiveFull, AppError> {
    let oid = ObjectiveId(id);
    let full = state
        .db
        .run(move |conn| objectives::load(conn, oid).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if full.objective.status == objectives::Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(full)
}

pub async fn start_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::StartProposal)?;
    let org = identity.own_organisation()?;
    let id = id.into_inner();
    let full = open_objective(&state, id).await?;
    let oid = full.objective.id;
    if let Some(p) = state.db.run(move |conn| proposals::find_for(conn, oid, org).map_err(AppError::from)).await? {
        return Ok(redirect(&format!("/proposals/{p}")));
    }
    if !proposals::accepts_proposals(&full.objective, state.clock.now_naive()) {
        return Err(proposal_error(&ctx, ProposalError::Closed, &[]));
    }
    let catalogue = catalogue(&state).await?;
    let view = FormView {
        objective_id: id,
        objective_title: &full.objective.title,
        proposal: None,
        version: 0,
        criteria: form_criteria(&ctx, &full, &catalogue),
        conflict: false,
    };
    Ok(html(StatusCode::OK, views::proposals::form(&ctx, &view, &Vec::new(), &Errors::default())))
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::StartProposal)?;
    let org = identity.own_organisation()?;
    let id = id.into_inner();
    let full = open_objective(&state, id).await?;
    let catalogue = catalogue(&state).await?;
    let pairs = form.into_inner();
    let criteria_ids: Vec<_> = full.criteria.iter().map(|w| w.criterion_id).collect();
    let content = match proposals::parse_form(&pairs, &criteria_ids) {
        Ok(c) => c,
        Err(problems) => {
            let view = FormView {
                objective_id: id,
                objective_title: &full.objective.title,
                proposal: None,
                version: 0,
                criteria: form_criteria(&ctx, &full, &catalogue),
                conflict: false,
            };
            let errors = problems_to_errors(&ctx, &problems, &catalogue);
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::proposals::form(&ctx, &view, &pairs, &errors)));
        }
    };
    let (oid, user, now) = (full.objective.id, current.user.id, state.clock.now_naive());
    let created =
        state.db.run(move |conn| Ok::<_, AppError>(proposals::create(conn, oid, org, &content, user, now))).await?;
    match created {
        Ok(p) => Ok(redirect(&format!("/proposals/{p}?done=created"))),
        Err(ProposalError::AlreadyExists) => {
            let existing =
                state.db.run(move |conn| proposals::find_for(conn, oid, org).map_err(AppError::from)).await?;
            Ok(redirect(&existing.map_or_else(|| format!("/objectives/{id}"), |p| format!("/proposals/{p}"))))
        }
        Err(e) => Err(proposal_error(&ctx, e, &catalogue)),
    }
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.notice(&ctx, "proposal");
    render_proposal(&state, &ctx, &identity, id.into_inner(), notice, None, StatusCode::OK).await
}

/// The proposal's page; `upload_error` shows a refused upload's reason by the file field.
async fn render_proposal(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    notice: Option<String>,
    upload_error: Option<String>,
    status_code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ctx = ctx.clone();
    let (full, relation, current) = readable(state, identity, id).await?;
    let catalogue = catalogue(state).await?;
    let essential = essential_of(state, full.objective.id).await?;
    let now = state.clock.now_naive();
    let feedback = if full.objective.results_published_at.is_some() {
        let oid = full.objective.id;
        let board =
            state.db.run(move |conn| crate::domain::evaluation::board::load(conn, oid).map_err(AppError::from)).await?;
        let outcome = opening::outcome(&full.deposits, essential).err();
        board.and_then(|b| views::evaluation::supplier_feedback(&ctx, &b, full.proposal.id, outcome))
    } else {
        None
    };
    let mut missing: Vec<Problem> = proposals::missing_for_deposit(&full.content());
    if full.members.iter().any(|m| m.confirmed_at.is_none()) {
        missing.push(Problem::new("consortium", "proposal-error-unconfirmed"));
    }
    let missing: Vec<String> = problems_to_errors(&ctx, &missing, &catalogue).0.into_values().collect();
    let viewer_org = current.user.organisation_id;
    let can_answer = relation == Relation::Member
        && full.members.iter().any(|m| Some(m.organisation_id) == viewer_org && m.confirmed_at.is_none())
        && viewer_org.is_some_and(|o| identity.authorize(Action::AnswerConsortium(o)).is_ok())
        && proposals::accepts_proposals(&full.objective, now);
    let p = &full.proposal;
    let view = views::proposals::ProposalView {
        id: p.id.0,
        objective_id: full.objective.id.0,
        objective_title: full.objective.title.clone(),
        reference: full.objective.reference.clone(),
        deadline: full.objective.deadline_at,
        practice: full.objective.practice,
        lead_name: full.lead_name.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        solution_html: if p.solution.is_empty() { String::new() } else { markdown::render(&p.solution) },
        change_support: p.change_support.clone(),
        statements: full.statements.iter().map(|(c, s)| (criterion_name(&catalogue, *c, &ctx), s.clone())).collect(),
        cost_euros: p.cost_euros,
        duration_months: p.duration_months,
        consortium_type: p.consortium_type.clone(),
        attachments: attachment_rows(&full),
        members: member_rows(&full),
        deposits: full
            .deposits
            .iter()
            .map(|d| DepositRow {
                id: d.id.0,
                number: d.receipt_number.clone(),
                kind: d.kind.clone(),
                at: d.deposited_at,
                late: d.late,
            })
            .collect(),
        standing: standing(&full, essential),
        missing,
        open: proposals::accepts_proposals(&full.objective, now),
        can_write: identity.authorize(Action::WriteProposal(relation)).is_ok(),
        can_answer,
        terms: full.members.iter().find(|m| Some(m.organisation_id) == viewer_org).map_or(0, |m| m.terms_version),
        notice,
        max_file_mb: state.settings.max_file_size / (1024 * 1024),
        feedback,
        upload_error,
    };
    Ok(html(status_code, views::proposals::proposal(&ctx, &view, now)))
}

fn attachment_rows(full: &ProposalFull) -> Vec<AttachmentRow> {
    full.attachments
        .iter()
        .map(|a| AttachmentRow { id: a.id.0, name: a.file_name.clone(), size: a.size_bytes, sha256: a.sha256.clone() })
        .collect()
}

fn member_rows(full: &ProposalFull) -> Vec<MemberRow> {
    full.members
        .iter()
        .map(|m| MemberRow {
            organisation_id: m.organisation_id.0,
            name: m.legal_name.clone(),
            identifier: m.identifier.clone(),
            role: m.role.clone(),
            confirmed: m.confirmed_at.is_some(),
        })
        .collect()
}

/// The form values of a stored draft.
fn content_pairs(full: &ProposalFull) -> FormPairs {
    let p = &full.proposal;
    let mut pairs: FormPairs = vec![
        ("title".into(), p.title.clone()),
        ("summary".into(), p.summary.clone()),
        ("solution".into(), p.solution.clone()),
        ("change_support".into(), p.change_support.clone()),
        ("cost_euros".into(), p.cost_euros.map(|c| c.to_string()).unwrap_or_default()),
        ("duration_months".into(), p.duration_months.map(|d| d.to_string()).unwrap_or_default()),
    ];
    for (c, s) in &full.statements {
        pairs.push((format!("s_{c}"), s.clone()));
    }
    pairs
}

async fn objective_of(state: &AppState, full: &ProposalFull) -> Result<objectives::ObjectiveFull, AppError> {
    let oid = full.objective.id;
    state.db.run(move |conn| objectives::load(conn, oid).map_err(AppError::from)).await?.ok_or(AppError::NotFound)
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (full, _) = writable(&state, &identity, id.into_inner()).await?;
    if !proposals::accepts_proposals(&full.objective, state.clock.now_naive()) {
        return Err(proposal_error(&ctx, ProposalError::Closed, &[]));
    }
    let objective = objective_of(&state, &full).await?;
    let catalogue = catalogue(&state).await?;
    let view = FormView {
        objective_id: full.objective.id.0,
        objective_title: &full.objective.title,
        proposal: Some(full.proposal.id.0),
        version: full.proposal.version,
        criteria: form_criteria(&ctx, &objective, &catalogue),
        conflict: false,
    };
    Ok(html(StatusCode::OK, views::proposals::form(&ctx, &view, &content_pairs(&full), &Errors::default())))
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let objective = objective_of(&state, &full).await?;
    let catalogue = catalogue(&state).await?;
    let pairs = form.into_inner();
    let version: i32 = objectives::first(&pairs, "version").parse().unwrap_or(-1);
    let criteria_ids: Vec<_> = objective.criteria.iter().map(|w| w.criterion_id).collect();
    let rerender = |status: StatusCode, errors: &Errors, conflict: bool, version: i32| {
        let view = FormView {
            objective_id: full.objective.id.0,
            objective_title: &full.objective.title,
            proposal: Some(full.proposal.id.0),
            version,
            criteria: form_criteria(&ctx, &objective, &catalogue),
            conflict,
        };
        html(status, views::proposals::form(&ctx, &view, &pairs, errors))
    };
    let content = match proposals::parse_form(&pairs, &criteria_ids) {
        Ok(c) => c,
        Err(problems) => {
            return Ok(rerender(
                StatusCode::UNPROCESSABLE_ENTITY,
                &problems_to_errors(&ctx, &problems, &catalogue),
                false,
                version,
            ));
        }
    };
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let saved =
        state.db.run(move |conn| Ok::<_, AppError>(proposals::save(conn, pid, version, &content, user, now))).await?;
    match saved {
        Ok(_) => Ok(redirect(&format!("/proposals/{pid}?done=saved"))),
        // Someone saved in between: show this person's text with a clear message, and the
        // current version, so saving again is a deliberate choice.
        Err(ProposalError::VersionConflict) => {
            let current_version = state
                .db
                .run(move |conn| Ok::<_, AppError>(proposals::load(conn, pid)?.map_or(version, |f| f.proposal.version)))
                .await?;
            Ok(rerender(StatusCode::CONFLICT, &Errors::default(), true, current_version))
        }
        Err(e) => Err(proposal_error(&ctx, e, &catalogue)),
    }
}

const MAX_FILES_PER_UPLOAD: usize = 10;

/// Receives attachments (multipart, the CSRF token in the query string) and records them.
pub async fn receive_attachments(
    state: &AppState,
    ctx: &Ctx,
    full: &ProposalFull,
    current: &CurrentUser,
    payload: &mut Multipart,
) -> Result<usize, AppError> {
    let now = state.clock.now_naive();
    if !proposals::accepts_proposals(&full.objective, now) {
        return Err(proposal_error(ctx, ProposalError::Closed, &[]));
    }
    let store = Store::new(&state.settings.data_dir);
    let remaining = state.settings.max_total_size.saturating_sub(full.attachments_size());
    let received = store
        .receive_form(payload, state.settings.max_file_size, remaining, MAX_FILES_PER_UPLOAD)
        .await
        .map_err(|e| AppError::upload(ctx.lang, &e))?;
    let files = received.files;
    if files.is_empty() {
        return Err(AppError::upload(ctx.lang, &UploadError::Empty));
    }
    let (pid, user, max_total, count) = (full.proposal.id, current.user.id, state.settings.max_total_size, files.len());
    let to_store = files.clone();
    // Checked again at the end of the upload: the deadline may have passed meanwhile.
    let ended = state.clock.now_naive();
    let saved = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(proposals::add_attachments(conn, pid, &to_store, max_total, user, now, ended))
        })
        .await;
    match saved {
        Ok(Ok(())) => Ok(count),
        other => {
            // Nothing half-written: the files go with the refused or failed transaction.
            store.discard(&files).await;
            match other {
                Ok(Err(ProposalError::AttachmentsTooLarge)) => {
                    Err(AppError::upload(ctx.lang, &UploadError::TotalTooLarge))
                }
                Ok(Err(e @ ProposalError::TooManyAttachments)) => Err(AppError::Rejected {
                    status: StatusCode::PAYLOAD_TOO_LARGE,
                    code: e.code(),
                    message: ctx.t(e.message_key()),
                }),
                Ok(Err(e)) => Err(proposal_error(ctx, e, &[])),
                Err(e) => Err(e),
                Ok(Ok(())) => unreachable!(),
            }
        }
    }
}

pub async fn upload(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    match receive_attachments(&state, &ctx, &full, &current, &mut payload).await {
        Ok(_) => Ok(redirect(&format!("/proposals/{}?done=attached#attachments", full.proposal.id))),
        // A refused file (type, size, nothing chosen): the proposal's page again, the reason by
        // the file field, nothing stored.
        Err(AppError::Rejected { status, message, .. }) => {
            render_proposal(&state, &ctx, &identity, full.proposal.id.0, None, Some(message), status).await
        }
        Err(e) => Err(e),
    }
}

/// Records a download in the audit log (ids only).
async fn log_download(
    state: &AppState,
    current: &CurrentUser,
    proposal: ProposalId,
    details: serde_json::Value,
) -> Result<(), AppError> {
    let (user, now) = (current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            crate::db::write_tx(conn, |conn| {
                proposals::record(conn, user, "proposal.downloaded", proposal, details, now)
            })
            .map_err(AppError::from)
        })
        .await
}

pub async fn download(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, aid) = path.into_inner();
    let (full, _, current) = readable(&state, &identity, id).await?;
    let a = full.attachments.iter().find(|a| a.id == AttachmentId(aid)).ok_or(AppError::NotFound)?;
    log_download(&state, &current, full.proposal.id, serde_json::json!({ "attachment": aid })).await?;
    super::documents::serve_stored(&state, &a.storage_key, &a.file_name, &a.content_type).await
}

/// Removes an attachment; its file goes too unless a deposit holds it.
pub async fn remove_attachment_file(
    state: &AppState,
    ctx: &Ctx,
    full: &ProposalFull,
    current: &CurrentUser,
    aid: i64,
) -> Result<(), AppError> {
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let removed = state
        .db
        .run(move |conn| Ok::<_, AppError>(proposals::remove_attachment(conn, pid, AttachmentId(aid), user, now)))
        .await?
        .map_err(|e| proposal_error(ctx, e, &[]))?;
    if let Some(key) = removed
        && let Some(path) = Store::new(&state.settings.data_dir).path_of(&key)
    {
        let _ = tokio::fs::remove_file(path).await;
    }
    Ok(())
}

pub async fn remove_attachment(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, aid) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    remove_attachment_file(&state, &ctx, &full, &current, aid).await?;
    Ok(redirect(&format!("/proposals/{id}?done=detached#attachments")))
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    pub identifier_type: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub consortium_type: String,
}

/// Parses a member's identifier and the consortium type, or says what is wrong.
pub fn parse_member(ctx: &Ctx, f: &MemberForm) -> Result<(LegalIdentifier, consortium::Kind), AppError> {
    let bad = |key: &str| AppError::Conflict { code: "invalid_member", message: ctx.t(key) };
    let kind = IdentifierType::parse(&f.identifier_type).ok_or_else(|| bad("consortium-error-unknown"))?;
    let identifier = LegalIdentifier::parse(kind, &f.identifier).map_err(|e| bad(e.message_key()))?;
    let ctype = consortium::Kind::parse(&f.consortium_type).ok_or_else(|| bad("consortium-error-invalid"))?;
    if f.role.trim().is_empty() || f.role.chars().count() > consortium::ROLE_MAX {
        return Err(bad("consortium-error-role"));
    }
    Ok((identifier, ctype))
}

pub async fn add_member(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<MemberForm>,
) -> Result<HttpResponse, AppError> {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let (identifier, kind) = parse_member(&ctx, &form)?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let link = crate::domain::following::MailLinks { public_url: &state.settings.public_url }
        .path(&format!("proposals/{pid}"));
    let role = form.role.clone();
    state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(consortium::add_member(conn, pid, &identifier, &role, kind, user, &link, now))
        })
        .await?
        .map_err(|e| proposal_error(&ctx, e, &[]))?;
    Ok(redirect(&format!("/proposals/{pid}?done=invited#consortium")))
}

pub async fn remove_member(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, org) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(consortium::remove_member(conn, pid, OrganisationId(org), user, now)))
        .await?
        .map_err(|e| proposal_error(&ctx, e, &[]))?;
    Ok(redirect(&format!("/proposals/{pid}?done=removed#consortium")))
}

/// The invited organisation's owner confirms or declines.
/// `confirm` names the version of the terms confirmed; `None` declines.
pub async fn answer_invitation(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    confirm: Option<i32>,
) -> Result<(), AppError> {
    let (full, relation, current) = readable(state, identity, id).await?;
    let org = current.user.organisation_id.ok_or(AppError::Forbidden)?;
    if relation != Relation::Member {
        return Err(AppError::Forbidden);
    }
    identity.authorize(Action::AnswerConsortium(org))?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(consortium::answer(conn, pid, org, confirm, user, now)))
        .await?
        .map_err(|e| proposal_error(ctx, e, &[]))
}

#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    terms: Option<i32>,
}

pub async fn confirm_membership(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<TermsForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Without the terms read, nothing is confirmed.
    let terms = form.terms.unwrap_or(-1);
    answer_invitation(&state, &ctx, &identity, id, Some(terms)).await?;
    Ok(redirect(&format!("/proposals/{id}?done=confirmed")))
}

pub async fn decline_membership(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    answer_invitation(&state, &ctx, &identity, id.into_inner(), None).await?;
    Ok(redirect("/proposals?done=declined"))
}

pub async fn deposit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (full, _) = writable(&state, &identity, id.into_inner()).await?;
    let now = state.clock.now_naive();
    if !proposals::accepts_proposals(&full.objective, now) {
        return Err(proposal_error(&ctx, ProposalError::Closed, &[]));
    }
    let mut problems = proposals::missing_for_deposit(&full.content());
    if full.members.iter().any(|m| m.confirmed_at.is_none()) {
        problems.push(Problem::new("consortium", "proposal-error-unconfirmed"));
    }
    let missing: Vec<String> = problems_to_errors(&ctx, &problems, &[]).0.into_values().collect();
    let reviewed = deposits::Reviewed::of(&full);
    let view = views::proposals::DepositConfirmView {
        id: full.proposal.id.0,
        version: reviewed.version,
        attachments: reviewed.attachments,
        title: &full.proposal.title,
        objective_title: &full.objective.title,
        deadline: full.objective.deadline_at,
        documents: attachment_rows(&full),
        members: member_rows(&full),
        missing,
    };
    Ok(html(StatusCode::OK, views::proposals::deposit_confirm(&ctx, &view, now)))
}

/// Runs a deposit, reconfirmation or withdrawal and returns its receipt's id.
pub async fn record_deposit(
    state: &AppState,
    ctx: &Ctx,
    full: &ProposalFull,
    current: &CurrentUser,
    kind: Kind,
    started_at: chrono::NaiveDateTime,
    reviewed: Option<deposits::Reviewed>,
) -> Result<DepositId, AppError> {
    let pid = full.proposal.id;
    let user = current.user.id;
    let buyer = state.settings.buyer_name.clone();
    let public_url = state.settings.public_url.clone();
    let clock = state.clock.clone();
    state
        .db
        .run(move |conn| {
            let link =
                |d: DepositId| public_url.join(&format!("receipts/{d}")).map(|u| u.to_string()).unwrap_or_default();
            let depositor = Depositor { user, buyer: &buyer, receipt_link: &link, reviewed };
            Ok::<_, AppError>(deposits::deposit(conn, pid, kind, &depositor, started_at, &|| clock.now_naive()))
        })
        .await?
        .map_err(|e| proposal_error(ctx, e, &[]))
}

#[derive(Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: Option<String>,
    /// The deposit form's record of what was reviewed.
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    attachments: Option<String>,
}

fn confirmed(ctx: &Ctx, f: &ConfirmForm) -> Result<(), AppError> {
    if f.confirm.as_deref() == Some("true") {
        Ok(())
    } else {
        Err(AppError::Conflict { code: "confirmation_required", message: ctx.t("proposal-error-confirm") })
    }
}

pub async fn deposit(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let started_at = state.clock.now_naive();
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    confirmed(&ctx, &form)?;
    let form = form.into_inner();
    let reviewed =
        form.version.map(|version| deposits::Reviewed { version, attachments: form.attachments.unwrap_or_default() });
    let d = record_deposit(&state, &ctx, &full, &current, Kind::Deposit, started_at, reviewed).await?;
    Ok(redirect(&format!("/receipts/{d}?done=deposited")))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    let started_at = state.clock.now_naive();
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    confirmed(&ctx, &form)?;
    let d = record_deposit(&state, &ctx, &full, &current, Kind::Withdrawal, started_at, None).await?;
    Ok(redirect(&format!("/receipts/{d}?done=withdrawn")))
}

pub async fn reconfirm(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let started_at = state.clock.now_naive();
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let d = record_deposit(&state, &ctx, &full, &current, Kind::Reconfirmation, started_at, None).await?;
    Ok(redirect(&format!("/receipts/{d}?done=reconfirmed")))
}

/// An objective the agent may count and open proposals of.
async fn agent_objective(state: &AppState, identity: &Identity, id: i64) -> Result<objectives::Objective, AppError> {
    identity.authorize(Action::OpenProposals)?;
    let full = open_objective(state, id).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    Ok(full.objective)
}

pub async fn agent_list(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let o = agent_objective(&state, &identity, id.into_inner()).await?;
    let now = state.clock.now_naive();
    let closed = opening::openable(&o, now);
    let oid = o.id;
    let count = state
        .db
        .run(move |conn| {
            let count = opening::deposit_count(conn, oid)?;
            // Before the deadline: the number only.
            let rows = if closed { opening::proposals_of(conn, oid)? } else { Vec::new() };
            let decided = crate::domain::evaluation::board::decided(conn, oid)?;
            Ok::<_, AppError>((count, rows, decided))
        })
        .await?;
    let (count, rows, decided) = (count.0, count.1, count.2);
    let view = views::proposals::AgentView {
        objective_id: o.id.0,
        objective_title: &o.title,
        deadline: o.deadline_at,
        deposited: count,
        closed,
        rows: rows
            .into_iter()
            .map(|r| views::proposals::AgentRow {
                proposal: r.proposal.0,
                organisation: r.organisation_name,
                opened_at: r.deposit.as_ref().and_then(|d| d.opened_at),
                to_open: r.outcome.is_ok() && r.deposit.is_none(),
                reason: r.outcome.err().map(|e| ctx.t(e.key())),
            })
            .collect(),
        notice: query.notice(&ctx, "proposal"),
        decided,
        published: o.results_published_at.is_some(),
    };
    Ok(html(StatusCode::OK, views::proposals::agent_list(&ctx, &view)))
}

pub async fn open(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let o = agent_objective(&state, &identity, id.into_inner()).await?;
    let current = identity.authorize(Action::OpenProposals)?;
    let (oid, user, now) = (o.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(opening::open(conn, oid, user, now)))
        .await?
        .map_err(|e| proposal_error(&ctx, e, &[]))?;
    Ok(redirect(&format!("/objectives/{oid}/proposals?done=opened")))
}

/// The opened deposit of a proposal, for agents; anything else is a 404.
pub async fn opened_deposit(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    proposal: i64,
) -> Result<(objectives::Objective, opening::Opened, deposits::Deposit), AppError> {
    let o = agent_objective(state, identity, objective).await?;
    let oid = o.id;
    let rows = state.db.run(move |conn| opening::proposals_of(conn, oid).map_err(AppError::from)).await?;
    let row = rows.into_iter().find(|r| r.proposal == ProposalId(proposal)).ok_or(AppError::NotFound)?;
    let deposit = row.deposit.clone().ok_or(AppError::NotFound)?;
    identity.authorize(Action::ReadProposal { relation: Relation::Outsider, opened: true })?;
    Ok((o, row, deposit))
}

pub async fn opened(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (objective, proposal) = path.into_inner();
    let (o, row, deposit) = opened_deposit(&state, &identity, objective, proposal).await?;
    let snapshot = deposit.snapshot().ok_or_else(|| AppError::internal("unreadable snapshot"))?;
    let catalogue = catalogue(&state).await?;
    let did = deposit.id;
    let docs = state.db.run(move |conn| deposits::documents(conn, did).map_err(AppError::from)).await?;
    let view = views::proposals::OpenedView {
        objective_id: o.id.0,
        objective_title: &o.title,
        organisation: &row.organisation_name,
        receipt_number: &deposit.receipt_number,
        deposited_at: deposit.deposited_at,
        title: &snapshot.title,
        summary: &snapshot.summary,
        solution_html: markdown::render(&snapshot.solution),
        change_support: &snapshot.change_support,
        statements: snapshot
            .statements
            .iter()
            .map(|s| (criterion_name(&catalogue, s.criterion_id, &ctx), s.statement.clone()))
            .collect(),
        cost_euros: snapshot.cost_euros,
        duration_months: snapshot.duration_months,
        consortium: snapshot
            .consortium
            .as_ref()
            .map(|c| c.members.iter().map(|m| format!("{} ({})", m.name, m.role)).collect())
            .unwrap_or_default(),
        documents: docs
            .into_iter()
            .map(|d| (d.deposit_id.0, d.position, d.file_name, d.size_bytes, d.sha256))
            .collect(),
    };
    Ok(html(StatusCode::OK, views::proposals::opened(&ctx, &view)))
}

/// A document of a deposit: for its organisation and consortium always, for agents once the
/// deposit was opened. Every download is in the audit log.
pub async fn deposit_document(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, AppError> {
    let (deposit, position) = path.into_inner();
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let did = DepositId(deposit);
    let found = state
        .db
        .run(move |conn| {
            let Some(d) = deposits::find(conn, did)? else { return Ok::<_, AppError>(None) };
            let full = proposals::load(conn, d.proposal_id)?.ok_or(AppError::NotFound)?;
            let doc = deposits::documents(conn, did)?.into_iter().find(|x| x.position == position);
            Ok(doc.map(|doc| (d, full, doc)))
        })
        .await?;
    let (d, full, doc) = found.ok_or(AppError::NotFound)?;
    let relation = full.relation(current.user.organisation_id);
    let action = Action::ReadProposal { relation, opened: d.opened_at.is_some() };
    let mut name = doc.file_name.clone();
    if crate::domain::authz::decide(&identity.actor(), action).is_err() {
        // The committee reads the opened deposit once it declared, unless conflicted; in blind
        // mode the file's name says nothing of its author.
        let (objective, user) = (d.objective_id, current.user.id);
        let board = if d.opened_at.is_some() {
            state
                .db
                .run(move |conn| crate::domain::evaluation::board::load(conn, objective).map_err(AppError::from))
                .await?
        } else {
            None
        };
        let member = board.as_ref().is_some_and(|b| b.member(user).is_some());
        let readable = board.as_ref().is_some_and(|b| {
            b.proposal(d.proposal_id).is_some_and(|p| p.deposit.id == d.id)
                && b.declared_all(user)
                && !b.conflicted(user, d.proposal_id)
        });
        if identity.authorize(Action::SitOnCommittee { member }).is_err() || !readable {
            return Err(AppError::NotFound);
        }
        if board.as_ref().is_some_and(|b| b.objective.blind) {
            // The extension of the recognised type, never a fragment of the original name.
            let extension =
                crate::uploads::FileKind::from_content_type(&doc.content_type).map_or("bin", |k| k.extension());
            name = format!("document-{}.{extension}", position + 1);
        }
    }
    log_download(&state, &current, full.proposal.id, serde_json::json!({ "deposit": deposit, "position": position }))
        .await?;
    super::documents::serve_stored(&state, &doc.storage_key, &name, &doc.content_type).await
}
