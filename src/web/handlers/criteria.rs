//! Administrators keep the criteria catalogue.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::CriterionId;
use crate::db::write_tx;
use crate::domain::audit::{self, AuditActor, AuditEvent};
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

fn edit_of(v: &CriterionValues) -> CriterionEdit {
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

fn record(
    conn: &mut crate::db::DbConnection,
    actor: &AuditActor,
    action: &str,
    id: CriterionId,
    now: chrono::NaiveDateTime,
) -> diesel::QueryResult<()> {
    audit::append(
        conn,
        &AuditEvent {
            actor,
            action,
            object_type: "criterion",
            object_id: id.to_string(),
            details: serde_json::json!({}),
        },
        now,
    )
    .map(|_| ())
}

fn actor_of(identity: &Identity) -> Result<AuditActor, AppError> {
    let current = identity.authorize(Action::ManageCriteria)?;
    Ok(current.audit_actor())
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
    let actor = actor_of(&identity)?;
    let v = form.into_inner();
    let edit = edit_of(&v);
    let mut problems = criteria::validate(&edit);
    let code = v.code.trim().to_lowercase();
    let code_ok = (3..=40).contains(&code.len())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !code_ok {
        problems.push(("code", "criterion-error-code"));
    }
    if !problems.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::criteria::form(&ctx, None, &v, &errors_of(&ctx, &problems), false, false),
        ));
    }
    let now = state.clock.now_naive();
    let created = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                let id = criteria::create(conn, &code, &edit, now)?;
                record(conn, &actor, "criterion.created", id, now)?;
                Ok::<_, diesel::result::Error>(id)
            })
            .map_err(AppError::from)
        })
        .await;
    match created {
        Ok(id) => Ok(redirect(&format!("/admin/criteria/{}", id.0))),
        Err(AppError::Conflict { .. }) => {
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
    let actor = actor_of(&identity)?;
    let id = CriterionId(id.into_inner());
    let v = form.into_inner();
    let edit = edit_of(&v);
    let problems = criteria::validate(&edit);
    if !problems.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::criteria::form(&ctx, Some(id.0), &v, &errors_of(&ctx, &problems), false, false),
        ));
    }
    let now = state.clock.now_naive();
    let outcome = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
                let current = criteria::find(conn, id)?.ok_or(AppError::NotFound)?;
                // What published objectives rely on does not change under them.
                if criteria::changes_meaning(&current, &edit) && criteria::used_by_published(conn, id)? {
                    return Ok(false);
                }
                let fields = criteria::changed_fields(&current, &edit);
                criteria::update(conn, id, &edit, now)?;
                let event = AuditEvent {
                    actor: &actor,
                    action: "criterion.updated",
                    object_type: "criterion",
                    object_id: id.to_string(),
                    details: serde_json::json!({ "fields": fields }),
                };
                audit::append(conn, &event, now)?;
                Ok::<_, AppError>(true)
            })
        })
        .await?;
    if !outcome {
        let errors = errors_of(&ctx, &[("category", "criterion-error-in-use")]);
        return Ok(html(StatusCode::CONFLICT, views::criteria::form(&ctx, Some(id.0), &v, &errors, false, true)));
    }
    Ok(redirect("/admin/criteria?done=saved"))
}

pub async fn remove(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let actor = actor_of(&identity)?;
    let id = CriterionId(id.into_inner());
    let now = state.clock.now_naive();
    let removal = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                criteria::find(conn, id)?.ok_or(AppError::NotFound)?;
                let removal = criteria::remove(conn, id, now)?;
                let action = if removal == Removal::Retired { "criterion.retired" } else { "criterion.deleted" };
                record(conn, &actor, action, id, now)?;
                Ok::<_, AppError>(removal)
            })
        })
        .await?;
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
    let actor = actor_of(&identity)?;
    let id = CriterionId(id.into_inner());
    let now = state.clock.now_naive();
    state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                if criteria::restore(conn, id, now)? == 0 {
                    return Err(AppError::NotFound);
                }
                record(conn, &actor, "criterion.restored", id, now)?;
                Ok(())
            })
        })
        .await?;
    Ok(redirect("/admin/criteria?done=restored"))
}
