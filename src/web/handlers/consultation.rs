//! Market consultation pages (docs/CONSULTATION.md): the public list and page, contributions,
//! meeting registrations; the agents' pages that put a draft in consultation, manage it and open
//! the call. Each handler parses, calls one operation (`web::operations::consultation`), renders.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::domain::authz::Action;
use crate::domain::consultation::{self, ConsultationError, Registration, meetings};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::views;
use crate::views::consultation::Typed;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::objectives::problems_to_errors;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::consultation as ops;

type Resp = Result<HttpResponse, AppError>;

fn errors_of(ctx: &Ctx, problems: &[Problem]) -> Errors {
    problems_to_errors(ctx, problems, &[])
}

pub async fn list(state: web::Data<AppState>, ctx: Ctx) -> Resp {
    let items = ops::list(&state).await?;
    Ok(html(StatusCode::OK, views::consultation::list(&ctx, &items, state.clock.now_naive())))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Resp {
    let page = ops::page(&state, &identity, id.into_inner()).await?;
    let notice = query.notice(&ctx, "consultation");
    Ok(html(StatusCode::OK, views::consultation::show(&ctx, &page, notice, &Typed::default())))
}

/// The consultation's page again with a refused form (422), its values kept.
async fn show_again(state: &AppState, ctx: &Ctx, identity: &Identity, id: i64, typed: Typed) -> Resp {
    let page = ops::page(state, identity, id).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::consultation::show(ctx, &page, None, &typed)))
}

pub async fn contribution(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Resp {
    let (id, cid) = path.into_inner();
    let shown = ops::contribution(&state, &identity, id, cid).await?;
    let page = ops::page(&state, &identity, id).await?;
    Ok(html(StatusCode::OK, views::consultation::contribution(&ctx, &page.summary, &shown)))
}

pub async fn contribute(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    identity.authorize(Action::TakePartInConsultation)?;
    let id = id.into_inner();
    let pairs = form.into_inner();
    let confidential = first(&pairs, "confidential") == "true";
    let refused = |errors: Errors| Typed { form: "contribution".into(), pairs: pairs.clone(), errors };
    let input = match consultation::parse_contribution(&first(&pairs, "body"), confidential) {
        Ok(input) => input,
        Err(problems) => return show_again(&state, &ctx, &identity, id, refused(errors_of(&ctx, &problems))).await,
    };
    match ops::contribute(&state, &identity, id, input).await? {
        Ok(_) => Ok(redirect(&format!("/consultations/{id}?done=contributed#contributions"))),
        Err(e) => Err(e.into()),
    }
}

pub async fn register(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, meeting) = path.into_inner();
    match ops::register(&state, &identity, id, meeting).await?? {
        Registration::Seated => Ok(redirect(&format!("/consultations/{id}?done=registered#meetings"))),
        Registration::Waiting(_) => Ok(redirect(&format!("/consultations/{id}?done=waiting#meetings"))),
    }
}

pub async fn cancel(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, meeting) = path.into_inner();
    ops::cancel(&state, &identity, id, meeting).await??;
    Ok(redirect(&format!("/consultations/{id}?done=cancelled#meetings")))
}

// ---- Agents ----

pub async fn new_form(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    let (title, need) = ops::draft_need(&state, &identity, id).await?;
    let pairs: FormPairs = vec![("need".into(), need)];
    Ok(html(StatusCode::OK, views::consultation::new_form(&ctx, id, &title, &pairs, &Errors::default())))
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    let (title, _) = ops::draft_need(&state, &identity, id).await?;
    let pairs = form.into_inner();
    let again = |errors: Errors| {
        html(StatusCode::UNPROCESSABLE_ENTITY, views::consultation::new_form(&ctx, id, &title, &pairs, &errors))
    };
    let input = match consultation::parse_input(&pairs, state.clock.now_naive()) {
        Ok(input) => input,
        Err(problems) => return Ok(again(errors_of(&ctx, &problems))),
    };
    match ops::create(&state, &identity, id, input).await? {
        Ok(cid) => Ok(redirect(&format!("/consultations/{}/manage?done=opened", cid.0))),
        Err(ConsultationError::Invalid(problems)) => Ok(again(errors_of(&ctx, &problems))),
        Err(e) => Err(e.into()),
    }
}

pub async fn manage(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Resp {
    identity.authorize(Action::ManageConsultation)?;
    let page = ops::page(&state, &identity, id.into_inner()).await?;
    let notice = query.notice(&ctx, "consultation");
    Ok(html(StatusCode::OK, views::consultation::manage(&ctx, &page, notice, &Typed::default())))
}

/// The agents' page again with a refused form (422 for input, 409 for the state), values kept.
async fn manage_again(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    typed: Typed,
    status: StatusCode,
) -> Resp {
    let page = ops::page(state, identity, id).await?;
    Ok(html(status, views::consultation::manage(ctx, &page, None, &typed)))
}

/// A refusal shown on the agents' page by `field` of `form`: input problems by their fields, a
/// state's refusal (409) by the form's main field.
async fn refused_on_manage(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    mut typed: Typed,
    field: String,
    e: ConsultationError,
) -> Resp {
    let mut errors = Errors::default();
    let status = match &e {
        ConsultationError::Invalid(problems) => {
            for p in problems {
                let key = if p.field == "minutes" { field.clone() } else { p.field.to_owned() };
                let args: Vec<(&str, String)> = p.args.iter().map(|(k, v)| (*k, v.clone())).collect();
                let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
                errors.add(key, ctx.t_args(p.key, &borrowed));
            }
            StatusCode::UNPROCESSABLE_ENTITY
        }
        _ => {
            let refused = AppError::from(e);
            let Some((status, message)) = refused.form_refusal(ctx.lang) else { return Err(refused) };
            errors.add(field, message);
            status
        }
    };
    typed.errors = errors;
    manage_again(state, ctx, identity, id, typed, status).await
}

pub async fn add_meeting(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    identity.authorize(Action::ManageConsultation)?;
    let id = id.into_inner();
    let pairs = form.into_inner();
    let result = match meetings::parse_input(&pairs, state.clock.now_naive()) {
        Ok(input) => ops::add_meeting(&state, &identity, id, input).await?.map(|_| ()),
        Err(problems) => Err(ConsultationError::Invalid(problems)),
    };
    match result {
        Ok(()) => Ok(redirect(&format!("/consultations/{id}/manage?done=meeting#manage-meetings"))),
        Err(e) => {
            let typed = Typed { form: "meeting".into(), pairs, errors: Errors::default() };
            refused_on_manage(&state, &ctx, &identity, id, typed, "starts_at".into(), e).await
        }
    }
}

pub async fn minutes(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    form: web::Form<FormPairs>,
) -> Resp {
    let (id, meeting) = path.into_inner();
    let pairs = form.into_inner();
    match ops::minutes(&state, &identity, id, meeting, first(&pairs, "minutes")).await? {
        Ok(()) => Ok(redirect(&format!("/consultations/{id}/manage?done=minutes#manage-meetings"))),
        Err(e) => {
            let name = format!("minutes-{meeting}");
            let typed = Typed { form: name.clone(), pairs, errors: Errors::default() };
            refused_on_manage(&state, &ctx, &identity, id, typed, name, e).await
        }
    }
}

pub async fn synthesis(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    let pairs = form.into_inner();
    match ops::synthesis(&state, &identity, id, first(&pairs, "synthesis")).await? {
        Ok(()) => Ok(redirect(&format!("/consultations/{id}/manage?done=synthesis#manage-synthesis"))),
        Err(e) => {
            let typed = Typed { form: "synthesis".into(), pairs, errors: Errors::default() };
            refused_on_manage(&state, &ctx, &identity, id, typed, "synthesis".into(), e).await
        }
    }
}

pub async fn open_call_page(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    identity.authorize(Action::ManageConsultation)?;
    let page = ops::page(&state, &identity, id.into_inner()).await?;
    Ok(html(StatusCode::OK, views::consultation::open_call_confirmation(&ctx, &page.summary, "", Errors::default())))
}

pub async fn open_call(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    let note = first(&form, "note");
    match ops::open_call(&state, &identity, id, note.clone()).await? {
        Ok(objective) => Ok(redirect(&format!("/objectives/{}?done=published", objective.0))),
        Err(e) => {
            // The confirmation page again, the note kept, the refusal said at the top (409: no
            // synthesis, minutes missing, the objective incomplete; 422: no note).
            let refused = AppError::from(e);
            let Some((status, message)) = refused.form_refusal(ctx.lang) else { return Err(refused) };
            let page = ops::page(&state, &identity, id).await?;
            let mut errors = Errors::default();
            errors.add("note", message);
            Ok(html(status, views::consultation::open_call_confirmation(&ctx, &page.summary, &note, errors)))
        }
    }
}
