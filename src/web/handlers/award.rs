//! After the shortlist: the agent's award page, its confirmations, the challenges and the later
//! stages; the organisation's letters. Each handler parses, authorizes and calls one operation
//! (`web::operations::award`), then renders.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDate;

use crate::db::ids::ProposalId;
use crate::domain::award::challenges::{NewChallenge, Outcome};
use crate::domain::award::contracts;
use crate::domain::award::{AwardError, AwardInput};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::Transition;
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, pdf_download, redirect};
use crate::web::error::AppError;
use crate::web::operations::award::{self as ops, Typed};

/// The award form as typed: winners, reasons, standstill period (a number, or refused).
fn parse_award(pairs: &FormPairs) -> (AwardInput, Typed, Option<AwardError>) {
    let winners: Vec<ProposalId> = pairs
        .iter()
        .filter(|(k, _)| k == "winner")
        .filter_map(|(_, v)| v.trim().parse().ok().map(ProposalId))
        .collect();
    let reasons = first(pairs, "reasons");
    let days_text = first(pairs, "standstill_days");
    let days = days_text.parse::<i32>();
    let typed = Typed {
        winners: winners.clone(),
        reasons: Some(reasons.clone()),
        standstill_days: Some(days_text),
        ..Typed::default()
    };
    let refused = days.is_err().then_some(AwardError::StandstillDays);
    (AwardInput { winners, reasons, standstill_days: days.unwrap_or(-1) }, typed, refused)
}

/// The award page again, with the refusal above the form and the typed values in it.
async fn refused_page(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    typed: Typed,
    e: AppError,
) -> Result<HttpResponse, AppError> {
    let field = e.field();
    let Some((status, message)) = e.form_refusal(ctx.lang) else { return Err(e) };
    // The not-awarded form's reason is its own field.
    let not_awarded = typed.reasons.is_none();
    let mut view = ops::agent_view(state, ctx, identity, id, typed).await?;
    match field {
        // An input to correct: in the summary at the top, linked to its field, and beside it.
        Some(f) if status == StatusCode::UNPROCESSABLE_ENTITY && views::award::AGENT_FIELDS.contains(&f) => {
            let f = if f == "reasons" && not_awarded { "reason" } else { f };
            view.errors.add(f, message);
        }
        _ => view.error = Some(message),
    }
    Ok(html(status, views::award::agent_page(ctx, &view)))
}

pub async fn page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let mut view = ops::agent_view(&state, &ctx, &identity, id.into_inner(), Typed::default()).await?;
    view.notice = query.notice(&ctx, "award");
    Ok(html(StatusCode::OK, views::award::agent_page(&ctx, &view)))
}

/// Checks the award form and shows what will be done, with the standstill's end.
pub async fn confirm(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (input, typed, refused) = parse_award(&form);
    let checked = match refused {
        Some(e) => Err(AppError::from(e)),
        None => ops::confirm_award(&state, &identity, id, &input).await,
    };
    match checked {
        Ok(c) => Ok(html(StatusCode::OK, views::award::confirm_award(&ctx, &c))),
        Err(e) => refused_page(&state, &ctx, &identity, id, typed, e).await,
    }
}

/// Awards, writes the letters and queues the mails.
pub async fn award(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (input, typed, refused) = parse_award(&form);
    let done = match refused {
        Some(e) => Err(AppError::from(e)),
        None => ops::award(&state, &identity, id, input).await,
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/award?done=awarded"))),
        Err(e) => refused_page(&state, &ctx, &identity, id, typed, e).await,
    }
}

pub async fn confirm_not_awarded(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = first(&form, "reason");
    match ops::confirm_not_awarded(&state, &identity, id, &reason).await {
        Ok(title) => Ok(html(StatusCode::OK, views::award::confirm_not_awarded(&ctx, id, &title, &reason))),
        Err(e) => {
            let typed = Typed { not_awarded_reason: reason, ..Typed::default() };
            refused_page(&state, &ctx, &identity, id, typed, e).await
        }
    }
}

pub async fn not_awarded(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = first(&form, "reason");
    match ops::not_awarded(&state, &identity, id, reason.clone()).await {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/award?done=notawarded"))),
        Err(e) => {
            let typed = Typed { not_awarded_reason: reason, ..Typed::default() };
            refused_page(&state, &ctx, &identity, id, typed, e).await
        }
    }
}

pub async fn lodge_challenge(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let typed = Typed {
        challenge: [first(&form, "lodged_on"), first(&form, "lodged_by"), first(&form, "summary")],
        ..Typed::default()
    };
    let done = match NaiveDate::parse_from_str(&first(&form, "lodged_on"), "%Y-%m-%d") {
        Err(_) => Err(AppError::from(AwardError::Invalid("lodged_on"))),
        Ok(lodged_on) => {
            let input =
                NewChallenge { lodged_on, lodged_by: first(&form, "lodged_by"), summary: first(&form, "summary") };
            ops::lodge_challenge(&state, &identity, id, input).await.map(|_| ())
        }
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/award?done=challenged"))),
        Err(e) => refused_page(&state, &ctx, &identity, id, typed, e).await,
    }
}

pub async fn settle_challenge(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let (id, challenge) = path.into_inner();
    let done = match Outcome::parse(&first(&form, "outcome")) {
        None => Err(AppError::from(AwardError::Invalid("outcome"))),
        Some(o) => ops::settle_challenge(&state, &identity, id, challenge, o, first(&form, "note")).await,
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}/award?done=settled"))),
        Err(e) => refused_page(&state, &ctx, &identity, id, Typed::default(), e).await,
    }
}

/// The later stage a form names: completed or archived (anything else is refused).
fn parse_stage(form: &FormPairs) -> Result<Transition, AppError> {
    match first(form, "to").as_str() {
        "completed" => Ok(Transition::Complete),
        "archived" => Ok(Transition::Archive),
        _ => Err(AwardError::Invalid("to").into()),
    }
}

/// What completing or archiving does, on its own page before it is done.
pub async fn confirm_stage(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let checked = match parse_stage(&form) {
        Ok(to) => ops::confirm_stage(&state, &identity, id, to).await.map(|title| (to, title)),
        Err(e) => Err(e),
    };
    match checked {
        Ok((to, title)) => Ok(html(StatusCode::OK, views::award::confirm_stage(&ctx, id, &title, to))),
        Err(e) => refused_page(&state, &ctx, &identity, id, Typed::default(), e).await,
    }
}

/// Completed or archived: the later stages an agent moves the objective to.
pub async fn stage(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let done = match parse_stage(&form) {
        Ok(to) => ops::advance(&state, &identity, id, to).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}?done=stage"))),
        Err(e) => refused_page(&state, &ctx, &identity, id, Typed::default(), e).await,
    }
}

pub async fn letters(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let letters = ops::organisation_letters(&state, &identity).await?;
    Ok(html(StatusCode::OK, views::award::letters_list(&ctx, &letters)))
}

pub async fn letter(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let letter = ops::read_letter(&state, &identity, id.into_inner()).await?;
    Ok(html(StatusCode::OK, views::award::letter(&ctx, &letter)))
}

/// The letter as a PDF, in the reader's language. The same operation as the page reads it, so a
/// member who only downloads the PDF has opened the letter: the acknowledgement of receipt is
/// kept in one place (`letters::read`).
pub async fn letter_pdf(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let letter = ops::read_letter(&state, &identity, id.into_inner()).await?;
    let name = format!("{}-{}.pdf", ctx.t("letter-pdf-file"), letter.id.0);
    pdf_download(name, views::award::letter_pdf(ctx.lang, &letter)).await
}

/// The contract page again with the refused fields (422) or the refusal above it (409).
async fn contract_refused(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    form: &FormPairs,
    refused: Result<Vec<Problem>, AppError>,
    change: bool,
) -> Result<HttpResponse, AppError> {
    let mut view = match ops::contract_page(state, identity, id).await {
        Ok(v) => v,
        // No contract page (not awarded): the refusal itself answers.
        Err(not_shown) => return Err(refused.err().unwrap_or(not_shown)),
    };
    let status = match refused {
        Ok(problems) => {
            let errors = views::contracts::errors_of(ctx, &problems);
            if change {
                view.change_errors = errors;
            } else {
                view.errors = errors;
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(e) => {
            let Some((status, message)) = e.form_refusal(ctx.lang) else { return Err(e) };
            view.error = Some(message);
            status
        }
    };
    if change {
        view.typed_change = form.clone();
    } else {
        view.typed = form.clone();
    }
    Ok(html(status, views::contracts::agent_page(ctx, &view)))
}

pub async fn contract_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let mut view = ops::contract_page(&state, &identity, id.into_inner()).await?;
    view.notice = query.notice(&ctx, "contract");
    Ok(html(StatusCode::OK, views::contracts::agent_page(&ctx, &view)))
}

/// Checks the contract form and shows what will be recorded before signing.
pub async fn confirm_contract(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    identity.authorize(crate::domain::authz::Action::Award)?;
    let terms = match contracts::parse(&form) {
        Ok(t) => t,
        Err(problems) => return contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), false).await,
    };
    match ops::confirm_contract(&state, &identity, id, terms.clone()).await {
        Ok(Ok((title, holders, considerations))) => {
            Ok(html(StatusCode::OK, views::contracts::confirm(&ctx, id, &title, &terms, &holders, &considerations)))
        }
        Ok(Err(problems)) => contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), false).await,
        Err(e) => contract_refused(&state, &ctx, &identity, id, &form, Err(e), false).await,
    }
}

/// Records the signed contract: the objective goes into execution.
pub async fn sign_contract(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    identity.authorize(crate::domain::authz::Action::Award)?;
    let terms = match contracts::parse(&form) {
        Ok(t) => t,
        Err(problems) => return contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), false).await,
    };
    match ops::sign_contract(&state, &identity, id, terms).await {
        Ok(Ok(())) => Ok(redirect(&format!("/objectives/{id}/contract?done=signed"))),
        Ok(Err(problems)) => contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), false).await,
        Err(e) => contract_refused(&state, &ctx, &identity, id, &form, Err(e), false).await,
    }
}

/// Records a modification of the signed contract, as a new entry.
pub async fn modify_contract(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    identity.authorize(crate::domain::authz::Action::Award)?;
    let change = match contracts::parse_change(&form) {
        Ok(c) => c,
        Err(problems) => return contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), true).await,
    };
    match ops::modify_contract(&state, &identity, id, change).await {
        Ok(Ok(_)) => Ok(redirect(&format!("/objectives/{id}/contract?done=modified"))),
        Ok(Err(problems)) => contract_refused(&state, &ctx, &identity, id, &form, Ok(problems), true).await,
        Err(e) => contract_refused(&state, &ctx, &identity, id, &form, Err(e), true).await,
    }
}
