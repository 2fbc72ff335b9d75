//! Administrators keep the criteria catalogue.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::CriterionId;
use crate::domain::authz::Action;
use crate::domain::criteria::{self, CriterionEdit, Removal};
use crate::views;
use crate::views::criteria::CriterionValues;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{html, redirect};
use crate::web::error::AppError;
use crate::web::operations::criteria as ops;

#[derive(Deserialize, Default)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    let all = state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await?;
    let notice = query
        .done
        .as_deref()
        .map(|d| ctx.t(&format!("criteria-done-{}", d.chars().filter(char::is_ascii_lowercase).collect::<String>())));
    Ok(html(StatusCode::OK, views::criteria::list(&ctx, &all, notice.as_deref())))
}

pub fn edit_of(v: &CriterionValues) -> CriterionEdit {
    CriterionEdit {
        category: v.category.clone(),
        goal: v.goal.trim().to_owned(),
        name_fr: v.name_fr.clone(),
        name_en: v.name_en.clone(),
        description_fr: v.description_fr.clone(),
        description_en: v.description_en.clone(),
        levels_fr: v.levels_fr(),
        levels_en: v.levels_en(),
    }
}

fn errors_of(ctx: &Ctx, problems: &[(&'static str, &'static str)]) -> Errors {
    let mut errors = Errors::default();
    for (field, key) in problems {
        errors.add(*field, ctx.t(key));
    }
    errors
}

pub async fn new_form(ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    let v = CriterionValues { category: "environmental".into(), goal: "environmental".into(), ..Default::default() };
    Ok(html(StatusCode::OK, views::criteria::form(&ctx, None, &v, &Errors::default(), false, false)))
}

pub async fn create(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    form: web::Form<CriterionValues>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    let v = form.into_inner();
    match ops::create(&state, &identity, &v.code, edit_of(&v)).await {
        Ok(Ok(id)) => Ok(redirect(&format!("/admin/criteria/{}", id.0))),
        Ok(Err(problems)) => Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::criteria::form(&ctx, None, &v, &errors_of(&ctx, &problems), false, false),
        )),
        Err(e) if e.is_conflict() => {
            let errors = errors_of(&ctx, &[("code", "criterion-error-code-taken")]);
            Ok(html(StatusCode::CONFLICT, views::criteria::form(&ctx, None, &v, &errors, false, false)))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    let id = CriterionId(id.into_inner());
    let (c, used) = state
        .db
        .run(move |conn| {
            let c = criteria::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((c, criteria::used_by_published(conn, id)?))
        })
        .await?;
    let v = CriterionValues::from_criterion(&c);
    Ok(html(
        StatusCode::OK,
        views::criteria::form(&ctx, Some(c.id.0), &v, &Errors::default(), c.retired_at.is_some(), used),
    ))
}

pub async fn update(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<CriterionValues>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ManageCriteria)?;
    let id = id.into_inner();
    let v = form.into_inner();
    match ops::update(&state, &identity, id, edit_of(&v)).await {
        Ok(Ok(())) => Ok(redirect("/admin/criteria?done=saved")),
        Ok(Err(problems)) => Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::criteria::form(&ctx, Some(id), &v, &errors_of(&ctx, &problems), false, false),
        )),
        // What published objectives rely on does not change under them.
        Err(e) if e.is_conflict() => {
            let errors = errors_of(&ctx, &[("category", "criterion-error-in-use")]);
            Ok(html(StatusCode::CONFLICT, views::criteria::form(&ctx, Some(id), &v, &errors, false, true)))
        }
        Err(e) => Err(e),
    }
}

pub async fn remove(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let removal = ops::remove(&state, &identity, id.into_inner()).await?;
    Ok(redirect(if removal == Removal::Retired {
        "/admin/criteria?done=retired"
    } else {
        "/admin/criteria?done=deleted"
    }))
}

pub async fn restore(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    ops::restore(&state, &identity, id.into_inner()).await?;
    Ok(redirect("/admin/criteria?done=restored"))
}
