//! Proposals in the browser: the supplier's dashboard, drafts, attachments, consortium,
//! deposits, withdrawals and reconfirmations; the agents' count, opening and reading.
//!
//! Every handler loads the proposal through `operations::proposals` (`readable`, `writable`),
//! which asks `authz::decide` with the viewer's relation to it and answers 404 to outsiders, so a
//! sealed proposal's existence does not leak either.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::authz::Action;
use crate::domain::error;
use crate::domain::forms::{FormPairs, first};
use crate::domain::markdown;
use crate::domain::proposals::deposits::{self, Kind};
use crate::domain::proposals::opening;
use crate::domain::proposals::{self, ProposalError, Relation, practice};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::objectives::problems_to_errors;
use crate::views::proposals::{
    FormView, Standing, attachment_rows, content_pairs, criterion_name, form_criteria, member_rows, missing_for_deposit,
};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::middleware::Arrival;
use crate::web::operations::documents;
use crate::web::operations::proposals::{
    self as operations, NewMember, agent_objective, answer_invitation, catalogue, objective_of, open_objective,
    opened_deposit, receive_attachments, record_deposit,
};

use crate::web::operations::proposals::writable;

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
            // Nothing of the proposal (its title, its receipts) before the organisation confirms.
            continue;
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

/// The practice objective: straight to it if it exists; else a page whose button creates it (a
/// GET never changes anything: a link checker or a prefetch must not create objectives).
pub async fn practice(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::StartProposal)?;
    let found = state.db.run(|conn| practice::find(conn).map_err(AppError::from)).await?;
    match found {
        Some(id) => Ok(redirect(&format!("/objectives/{id}/proposal"))),
        None => Ok(html(StatusCode::OK, views::proposals::practice_start(&ctx))),
    }
}

/// Creates the practice objective on first use, then goes to it.
pub async fn practice_start(state: web::Data<AppState>, identity: Identity) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::StartProposal)?;
    let (user, now) = (current.user.id, state.clock.now_naive());
    let id = state.db.run(move |conn| practice::ensure(conn, user, now).map_err(AppError::from)).await?;
    Ok(redirect(&format!("/objectives/{id}/proposal")))
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
        return Err(ProposalError::Closed.into());
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
        Err(e) => Err(AppError::from(e).naming_criteria(&catalogue)),
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
    let page = operations::page(state, identity, id).await?;
    Ok(html(status_code, views::proposals::page_markup(ctx, &page, notice, upload_error)))
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (full, _) = writable(&state, &identity, id.into_inner()).await?;
    if !proposals::accepts_proposals(&full.objective, state.clock.now_naive()) {
        return Err(ProposalError::Closed.into());
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
    let version: i32 = first(&pairs, "version").parse().unwrap_or(-1);
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
        Err(e) => Err(AppError::from(e).naming_criteria(&catalogue)),
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
    match receive_attachments(&state, &full, &current, &mut payload).await {
        Ok(_) => Ok(redirect(&format!("/proposals/{}?done=attached#attachments", full.proposal.id))),
        Err(e) => match e.field_message(ctx.lang) {
            // A refused file (type, size, nothing chosen): the proposal's page again, the reason
            // by the file field, nothing stored.
            Some((status, message)) => {
                render_proposal(&state, &ctx, &identity, full.proposal.id.0, None, Some(message), status).await
            }
            None => Err(e),
        },
    }
}

/// An attachment of a draft; every download is in the audit log.
pub async fn download(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, aid) = path.into_inner();
    let file = operations::attachment(&state, &identity, id, aid).await?;
    documents::serve(&state, &file).await
}

pub async fn remove_attachment(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, aid) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    operations::remove_attachment(&state, &full, &current, aid).await?;
    Ok(redirect(&format!("/proposals/{id}?done=detached#attachments")))
}

pub async fn add_member(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<NewMember>,
) -> Result<HttpResponse, AppError> {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    operations::add_member(&state, &full, &current, &form).await?;
    Ok(redirect(&format!("/proposals/{}?done=invited#consortium", full.proposal.id)))
}

pub async fn remove_member(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, org) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    operations::remove_member(&state, &full, &current, org).await?;
    Ok(redirect(&format!("/proposals/{}?done=removed#consortium", full.proposal.id)))
}

#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    terms: Option<i32>,
}

pub async fn confirm_membership(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<TermsForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    // Without the terms read, nothing is confirmed.
    let terms = form.terms.unwrap_or(-1);
    answer_invitation(&state, &identity, id, Some(terms)).await?;
    Ok(redirect(&format!("/proposals/{id}?done=confirmed")))
}

pub async fn decline_membership(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    answer_invitation(&state, &identity, id.into_inner(), None).await?;
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
        return Err(ProposalError::Closed.into());
    }
    let missing = missing_for_deposit(&ctx, &full, &[]);
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

fn confirmed(f: &ConfirmForm) -> Result<(), AppError> {
    if f.confirm.as_deref() == Some("true") {
        Ok(())
    } else {
        Err(AppError::refused(
            error::Kind::Conflict,
            "confirmation_required",
            error::Message::new("proposal-error-confirm"),
        ))
    }
}

pub async fn deposit(
    state: web::Data<AppState>,
    identity: Identity,
    arrival: Arrival,
    id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    // The request's arrival, recorded first thing by `middleware::arrival`: waiting for the
    // authentication or the write lock never makes an on-time deposit late.
    let started_at = arrival.0;
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    confirmed(&form)?;
    let form = form.into_inner();
    let reviewed =
        form.version.map(|version| deposits::Reviewed { version, attachments: form.attachments.unwrap_or_default() });
    let d = record_deposit(&state, &full, &current, Kind::Deposit, started_at, reviewed).await?;
    Ok(redirect(&format!("/receipts/{d}?done=deposited")))
}

/// The confirmation page of a withdrawal: what it does and what it cannot undo.
pub async fn withdraw_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (full, _) = writable(&state, &identity, id.into_inner()).await?;
    if !proposals::accepts_proposals(&full.objective, state.clock.now_naive()) {
        return Err(ProposalError::Closed.into());
    }
    let (p, o) = (&full.proposal, &full.objective);
    Ok(html(StatusCode::OK, views::proposals::withdraw_confirmation(&ctx, p.id.0, &p.title, &o.title, o.deadline_at)))
}

pub async fn withdraw(
    state: web::Data<AppState>,
    identity: Identity,
    arrival: Arrival,
    id: web::Path<i64>,
    form: web::Form<ConfirmForm>,
) -> Result<HttpResponse, AppError> {
    // The request's arrival, recorded first thing by `middleware::arrival`: waiting for the
    // authentication or the write lock never makes an on-time deposit late.
    let started_at = arrival.0;
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    confirmed(&form)?;
    let d = record_deposit(&state, &full, &current, Kind::Withdrawal, started_at, None).await?;
    Ok(redirect(&format!("/receipts/{d}?done=withdrawn")))
}

pub async fn reconfirm(
    state: web::Data<AppState>,
    identity: Identity,
    arrival: Arrival,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    // The request's arrival, recorded first thing by `middleware::arrival`: waiting for the
    // authentication or the write lock never makes an on-time deposit late.
    let started_at = arrival.0;
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let d = record_deposit(&state, &full, &current, Kind::Reconfirmation, started_at, None).await?;
    Ok(redirect(&format!("/receipts/{d}?done=reconfirmed")))
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
            let altered = crate::domain::integrity::alerts(conn, Some(oid), None, 50)?;
            Ok::<_, AppError>((count, rows, decided, altered))
        })
        .await?;
    let (count, rows, decided, altered) = count;
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
        altered,
    };
    Ok(html(StatusCode::OK, views::proposals::agent_list(&ctx, &view)))
}

pub async fn open(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let o = agent_objective(&state, &identity, id.into_inner()).await?;
    // Files found altered are listed on the proposals page, read back from the audit log.
    operations::open_proposals(&state, &identity, o.id).await?;
    Ok(redirect(&format!("/objectives/{}/proposals?done=opened", o.id)))
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
/// deposit was opened, for the committee's members who may read it. Every download is in the
/// audit log.
pub async fn deposit_document(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i32)>,
) -> Result<HttpResponse, AppError> {
    let (deposit, position) = path.into_inner();
    let file = operations::deposit_document(&state, &identity, deposit, position).await?;
    documents::serve(&state, &file).await
}
