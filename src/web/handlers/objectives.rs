//! Objectives: the public list and page; agents draft, publish, amend, cancel.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::ObjectiveId;
use crate::domain::authz::Action;
use crate::domain::forms::FormPairs;
use crate::domain::objectives::{self, ListFilter, ObjectiveError, Status};
use crate::domain::{following, questions};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::objectives::{
    FilterValues, FormMode, ObjectiveCard, Refused, card, draft_to_pairs, problems_to_errors,
};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations;
use crate::web::operations::objectives::{self as ops, visible};

const PAGE_SIZE: i64 = 20;

pub async fn list(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<FilterValues>,
) -> Result<HttpResponse, AppError> {
    let f = query.into_inner();
    let is_agent = identity.authorize(Action::ViewDraftObjectives).is_ok();
    let page = f.page.unwrap_or(1).clamp(1, 10_000);
    let filter = ListFilter {
        status: Some(f.status.clone()).filter(|s| !s.is_empty()),
        theme: Some(f.theme.clone()).filter(|s| !s.is_empty()),
        horizon: Some(f.horizon.clone()).filter(|s| !s.is_empty()),
        deadline_before: chrono::NaiveDate::parse_from_str(&f.deadline_before, "%Y-%m-%d").ok(),
        text: Some(f.q.clone()).filter(|q| !q.trim().is_empty()),
        include_drafts: is_agent,
        order: objectives::ListOrder::Deadline,
    };
    let now = state.clock.now_naive();
    let (rows, more) = state
        .db
        .run(move |conn| {
            objectives::list(conn, &filter, now, PAGE_SIZE, (page - 1) * PAGE_SIZE).map_err(AppError::from)
        })
        .await?;
    let items: Vec<ObjectiveCard> = rows.iter().map(|o| card(o, now)).collect();
    Ok(html(StatusCode::OK, views::objectives::list(&ctx, &items, &f, page, more, is_agent, now)))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.notice(&ctx, "objective");
    render_detail(&state, &ctx, &identity, id.into_inner(), notice, Refused::default(), StatusCode::OK).await
}

/// The objective page, with a refused form's errors next to their fields when there are some.
async fn render_detail(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    notice: Option<String>,
    refused: Refused,
    status_code: StatusCode,
) -> Result<HttpResponse, AppError> {
    let page = operations::objectives::page(state, identity, id).await?;
    Ok(html(status_code, views::objectives::page_markup(ctx, page, notice, &refused)))
}

pub async fn new_form(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::CreateObjective)?;
    let catalogue = ops::active_catalogue(&state).await?;
    let pairs: FormPairs = vec![
        ("horizon".into(), "10".into()),
        ("shortlist_rule".into(), "top".into()),
        ("shortlist_value".into(), "5".into()),
    ];
    Ok(html(StatusCode::OK, views::objectives::form(&ctx, &pairs, &catalogue, &Errors::default(), FormMode::New)))
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::CreateObjective)?;
    let catalogue = ops::active_catalogue(&state).await?;
    let pairs = form.into_inner();
    let again = |errors: Errors| {
        html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::objectives::form(&ctx, &pairs, &catalogue, &errors, FormMode::New),
        )
    };
    let draft = match objectives::parse_form(&pairs, &catalogue) {
        Ok(d) => d,
        Err(problems) => return Ok(again(problems_to_errors(&ctx, &problems, &catalogue))),
    };
    match ops::create(&state, &identity, draft).await {
        Ok(id) => Ok(redirect(&format!("/objectives/{}?done=saved", id.0))),
        Err(e) => match e.field_message(ctx.lang) {
            Some((_, message)) => {
                let mut errors = Errors::default();
                errors.add("title", message);
                Ok(again(errors))
            }
            None => Err(e),
        },
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (full, status, catalogue) = ops::editable(&state, &identity, id.into_inner()).await?;
    let mode = match status {
        Status::Draft => FormMode::Draft(full.objective.id.0),
        _ => FormMode::Amend(full.objective.id.0),
    };
    Ok(html(
        StatusCode::OK,
        views::objectives::form(&ctx, &draft_to_pairs(&full.draft()), &catalogue, &Errors::default(), mode),
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (_, status, catalogue) = ops::editable(&state, &identity, id).await?;
    let mode = if status == Status::Draft { FormMode::Draft(id) } else { FormMode::Amend(id) };
    let pairs = form.into_inner();
    let draft = match objectives::parse_form(&pairs, &catalogue) {
        Ok(d) => d,
        Err(problems) => {
            let errors = problems_to_errors(&ctx, &problems, &catalogue);
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::objectives::form(&ctx, &pairs, &catalogue, &errors, mode),
            ));
        }
    };
    let reason = pairs.iter().find(|(k, _)| k == "reason").map(|(_, v)| v.clone()).unwrap_or_default();
    let saved = ops::save(&state, &identity, id, draft, reason, catalogue.clone()).await?;
    let mut errors = Errors::default();
    match saved {
        Ok(None) => return Ok(redirect(&format!("/objectives/{id}?done=saved"))),
        Ok(Some(_)) => return Ok(redirect(&format!("/objectives/{id}?done=amended"))),
        Err(ObjectiveError::ReasonRequired) => errors.add("reason", ctx.t("amendment-error-reason")),
        Err(ObjectiveError::ReasonTooLong) => errors.add("reason", ctx.t("objective-error-reason-long")),
        Err(ObjectiveError::DeadlineBroughtForward) => {
            errors.add("deadline", ctx.t("objective-error-deadline-earlier"))
        }
        Err(ObjectiveError::NothingChanged) => errors.add("reason", ctx.t("amendment-error-nothing")),
        Err(ObjectiveError::Incomplete(problems)) => errors = problems_to_errors(&ctx, &problems, &catalogue),
        Err(ObjectiveError::NotFound) => return Err(AppError::NotFound),
        Err(ObjectiveError::WrongStatus(_)) => {
            return Err(ops::not_editable());
        }
        Err(e @ ObjectiveError::Db(_)) => return Err(e.into()),
    }
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, views::objectives::form(&ctx, &pairs, &catalogue, &errors, mode)))
}

pub async fn publish(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    ops::publish(&state, &identity, id).await?;
    Ok(redirect(&format!("/objectives/{id}?done=published")))
}

#[derive(Deserialize)]
pub struct CancelForm {
    #[serde(default)]
    reason: String,
}

/// The confirmation page of a cancellation: what it does, what cannot be undone, the public reason.
pub async fn cancel_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::CancelObjective)?;
    let full = visible(&state, &identity, id.into_inner()).await?;
    if objectives::next(full.objective.status_at(state.clock.now_naive()), objectives::Transition::Cancel).is_none()
        || full.objective.practice
    {
        return Err(ops::not_editable());
    }
    let o = &full.objective;
    Ok(html(StatusCode::OK, views::objectives::cancel_confirmation(&ctx, o.id.0, &o.title, "", Errors::default())))
}

pub async fn cancel(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<CancelForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let reason = form.into_inner().reason;
    match ops::cancel(&state, &identity, id, reason.clone()).await? {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}?done=cancelled"))),
        Err(e @ (ObjectiveError::ReasonRequired | ObjectiveError::ReasonTooLong)) => {
            // The confirmation page again, the reason kept, its error named at the top.
            let refused = AppError::from(e);
            let Some((status, message)) = refused.form_refusal(ctx.lang) else { return Err(refused) };
            let full = visible(&state, &identity, id).await?;
            let mut errors = Errors::default();
            errors.add("reason", message);
            Ok(html(status, views::objectives::cancel_confirmation(&ctx, id, &full.objective.title, &reason, errors)))
        }
        Err(e) => Err(e.into()),
    }
}

/// The confirmation page of a draft's deletion.
pub async fn delete_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::DeleteDraftObjective)?;
    let full = visible(&state, &identity, id.into_inner()).await?;
    if full.objective.status != Status::Draft.as_str() {
        return Err(ops::not_editable());
    }
    Ok(html(StatusCode::OK, views::objectives::delete_confirmation(&ctx, full.objective.id.0, &full.objective.title)))
}

pub async fn delete(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ops::delete(&state, &identity, id.into_inner()).await?;
    Ok(redirect("/objectives?status=draft"))
}

#[derive(Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    question: String,
}

pub async fn ask(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<QuestionForm>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::AskQuestion)?;
    let id = id.into_inner();
    visible(&state, &identity, id).await?;
    let (user, who, now, text) =
        (current.user.id, current.audit_actor(), state.clock.now_naive(), form.into_inner().question);
    let text_again = text.clone();
    let asked = state
        .db
        .run(move |conn| Ok::<_, AppError>(questions::ask(conn, ObjectiveId(id), user, &who, &text, now)))
        .await?;
    match asked {
        Ok(_) => Ok(redirect(&format!("/objectives/{id}?done=asked#qa"))),
        // Too short or too long: the page again, the text kept, the error by the field.
        Err(questions::QuestionError::Length) => {
            let mut errors = Errors::default();
            errors.add("question", ctx.t("qa-error-length"));
            let refused = Refused { errors, question: text_again, skills: None };
            render_detail(&state, &ctx, &identity, id, None, refused, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    question: String,
}

pub async fn answer(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (id, qid) = path.into_inner();
    ops::answer(&state, &identity, id, qid, form.into_inner().answer).await?;
    Ok(redirect(&format!("/objectives/{id}?done=answered#qa")))
}

pub async fn publish_question(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let form = form.into_inner();
    ops::publish_answer(&state, &identity, id, form.question, form.answer).await?;
    Ok(redirect(&format!("/objectives/{id}?done=answered#qa")))
}

async fn set_follow(state: &AppState, identity: &Identity, id: i64, follow: bool) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::Follow)?;
    let full = visible(state, identity, id).await?;
    if full.objective.status == Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    let (user, now) = (current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            if follow {
                following::follow_objective(conn, user, ObjectiveId(id), now)
            } else {
                following::unfollow_objective(conn, user, ObjectiveId(id)).map(|_| ())
            }
            .map_err(AppError::from)
        })
        .await?;
    Ok(redirect(&format!("/objectives/{id}?done={}", if follow { "followed" } else { "unfollowed" })))
}

pub async fn follow(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_follow(&state, &identity, id.into_inner(), true).await
}

pub async fn unfollow(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    set_follow(&state, &identity, id.into_inner(), false).await
}

pub async fn subscriptions_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::Follow)?;
    let user = current.user.id;
    let now = state.clock.now_naive();
    let (themes, objectives_followed) = state
        .db
        .run(move |conn| {
            let (themes, ids) = following::of_user(conn, user)?;
            let mut followed = Vec::new();
            for id in ids {
                if let Some(full) = objectives::load(conn, id)? {
                    followed.push(full.objective);
                }
            }
            Ok::<_, AppError>((themes, followed))
        })
        .await?;
    let cards: Vec<ObjectiveCard> = objectives_followed.iter().map(|o| card(o, now)).collect();
    let saved = query.done.is_some();
    Ok(html(StatusCode::OK, views::objectives::subscriptions(&ctx, &themes, &cards, saved, now)))
}

pub async fn save_subscriptions(
    state: web::Data<AppState>,
    identity: Identity,
    form: web::Form<FormPairs>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::Follow)?;
    let wanted: Vec<String> = form
        .into_inner()
        .into_iter()
        .filter(|(k, v)| k == "themes" && crate::domain::themes::is_theme(v))
        .map(|(_, v)| v)
        .collect();
    let (user, now) = (current.user.id, state.clock.now_naive());
    state.db.run(move |conn| following::set_themes(conn, user, &wanted, now).map_err(AppError::from)).await?;
    Ok(redirect("/account/subscriptions?done=saved"))
}
