//! Indicators over the horizons: the management page of a contract in execution (agents set
//! indicators and decide on reports, holders report values), the public follow-up page, its Atom
//! feed of validated reports, and the JSON follow-up. Each handler parses, calls one operation
//! (`web::operations::indicators`), then renders.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::award::indicators::{Decision, IndicatorError, State, period};
use crate::domain::forms::{FormPairs, first};
use crate::views;
use crate::views::feeds::{when, xml};
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::AppError;
use crate::web::operations::indicators::{self as ops, Feedback};

type Resp = Result<HttpResponse, AppError>;

/// `GET /objectives/{id}/indicators`: agents and members of a holder organisation.
pub async fn manage(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Resp {
    let view = ops::manage_page(&state, &identity, id.into_inner()).await?;
    Ok(html(StatusCode::OK, views::indicators::manage_page(&ctx, &view, query.notice(&ctx, "indicator"))))
}

/// The indicators page again with a refused form: its fields' errors (422), or a refusal said
/// above the forms (409). Without a page to show (no contract yet), `refusal` answers instead.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    objective: i64,
    feedback: Feedback,
    refusal: AppError,
) -> Resp {
    let status = if feedback.errors.is_empty() { StatusCode::CONFLICT } else { StatusCode::UNPROCESSABLE_ENTITY };
    let Ok(mut view) = ops::manage_page(state, identity, objective).await else { return Err(refusal) };
    view.feedback = feedback;
    Ok(html(status, views::indicators::manage_page(ctx, &view, None)))
}

fn fields(problems: &[crate::domain::forms::Problem]) -> AppError {
    AppError::from(IndicatorError::Fields(problems.to_vec()))
}

/// A conflict (the report already decided, the contract no longer in execution) said on the
/// page; anything else answers with its own page.
async fn conflict(state: &AppState, ctx: &Ctx, identity: &Identity, objective: Option<i64>, e: AppError) -> Resp {
    match (objective, e.is_conflict()) {
        (Some(objective), true) => {
            let Some((_, message)) = e.form_refusal(ctx.lang) else { return Err(e) };
            refused(state, ctx, identity, objective, Feedback { error: Some(message), ..Feedback::default() }, e).await
        }
        _ => Err(e),
    }
}

/// `POST /objectives/{id}/indicators`: an agent sets an indicator; refused fields are shown on
/// the page again with what was typed (422).
pub async fn set(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let id = id.into_inner();
    let typed = form.into_inner();
    match ops::set(&state, &identity, id, typed.clone()).await {
        Ok(Ok(_)) => Ok(redirect(&format!("/objectives/{id}/indicators?done=set"))),
        Ok(Err(problems)) => {
            let errors = Feedback::errors(&ctx, &problems, None);
            let feedback = Feedback { errors, indicator: typed, ..Feedback::default() };
            refused(&state, &ctx, &identity, id, feedback, fields(&problems)).await
        }
        Err(e) => conflict(&state, &ctx, &identity, Some(id), e).await,
    }
}

/// `POST /indicators/{id}/reports`: a holder reports a value for a period; refused fields are
/// shown on the page again with what was typed (422).
pub async fn report(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    mut payload: actix_multipart::Multipart,
) -> Resp {
    let indicator = id.into_inner();
    match ops::report(&state, &identity, indicator, &mut payload).await? {
        Ok(objective) => Ok(redirect(&format!("/objectives/{objective}/indicators?done=reported"))),
        Err(r) => {
            let feedback = Feedback {
                errors: Feedback::errors(&ctx, &r.problems, Some(indicator)),
                report: Some((indicator, r.typed.period, r.typed.value, r.typed.comment)),
                ..Feedback::default()
            };
            refused(&state, &ctx, &identity, r.objective, feedback, fields(&r.problems)).await
        }
    }
}

/// `GET /indicator-reports/{id}/evidence`: a report's evidence (agents and the holder's members).
pub async fn evidence(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let e = ops::evidence(&state, &identity, id.into_inner()).await?;
    crate::web::operations::documents::serve_stored(&state, &e.key, &e.name, &e.content_type).await
}

/// `POST /indicator-reports/{id}/validation/confirm`: what validating the report will do, before
/// an agent does it (a report already decided: said on the indicators page, 409).
pub async fn confirm_validation(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let report = id.into_inner();
    match ops::to_validate(&state, &identity, report).await {
        Ok(r) => Ok(html(
            StatusCode::OK,
            views::indicators::confirm_validation(
                &ctx,
                &views::indicators::ConfirmReport {
                    objective: r.objective,
                    title: &r.title,
                    report,
                    indicator: &r.indicator,
                    unit: &r.unit,
                    value: r.report.value,
                    period: r.report.period,
                    starts: r.period.starts,
                    ends: r.period.ends,
                },
            ),
        )),
        Err(e) => {
            let objective = ops::objective_of_report(&state, &identity, report).await;
            conflict(&state, &ctx, &identity, objective, e).await
        }
    }
}

/// `POST /indicator-reports/{id}/validation`: an agent validates a report.
pub async fn validate(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let report = id.into_inner();
    match ops::decide(&state, &identity, report, Decision::Validate).await {
        Ok(Ok(objective)) => Ok(redirect(&format!("/objectives/{objective}/indicators?done=validated"))),
        Ok(Err((objective, _))) => Ok(redirect(&format!("/objectives/{objective}/indicators"))),
        Err(e) => {
            let objective = ops::objective_of_report(&state, &identity, report).await;
            conflict(&state, &ctx, &identity, objective, e).await
        }
    }
}

/// `POST /indicator-reports/{id}/send-back`: an agent sends a report back with a reason; a
/// reason too short is shown on the page again with what was typed (422).
pub async fn send_back(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FormPairs>,
) -> Resp {
    let report = id.into_inner();
    let reason = first(&form, "reason");
    match ops::decide(&state, &identity, report, Decision::SendBack(reason.clone())).await {
        Ok(Ok(objective)) => Ok(redirect(&format!("/objectives/{objective}/indicators?done=sentback"))),
        Ok(Err((objective, problems))) => {
            let feedback = Feedback {
                errors: Feedback::errors(&ctx, &problems, Some(report)),
                send_back: Some((report, reason)),
                ..Feedback::default()
            };
            refused(&state, &ctx, &identity, objective, feedback, fields(&problems)).await
        }
        Err(e) => {
            let objective = ops::objective_of_report(&state, &identity, report).await;
            conflict(&state, &ctx, &identity, objective, e).await
        }
    }
}

/// `GET /objectives/{id}/follow-up`: the public follow-up of the contract.
pub async fn follow_up(state: web::Data<AppState>, ctx: Ctx, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    let (title, signed_on, all) = ops::public(&state, &identity, id).await?;
    Ok(html(StatusCode::OK, views::indicators::follow_up_page(&ctx, id, &title, signed_on, &all)))
}

/// `GET /objectives/{id}/follow-up.atom`: an entry for each validated report.
pub async fn feed(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    let (title, signed_on, all) = ops::public(&state, &identity, id).await?;
    let base = &state.settings.public_url;
    let page_url = base.join(&format!("objectives/{id}/follow-up")).map(|u| u.to_string()).unwrap_or_default();
    let self_url = base.join(&format!("objectives/{id}/follow-up.atom")).map(|u| u.to_string()).unwrap_or_default();
    let mut entries: Vec<_> = all
        .iter()
        .flat_map(|i| i.reports.iter().filter(|r| r.state == State::Validated).map(move |r| (i, r)))
        .collect();
    entries.sort_by_key(|(_, r)| std::cmp::Reverse((r.decided_at, r.id)));
    let updated = entries
        .first()
        .and_then(|(_, r)| r.decided_at)
        .map(when)
        .unwrap_or_else(|| when(signed_on.and_hms_opt(0, 0, 0).unwrap_or_default()));
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    body.push_str(&format!(
        "  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&format!("Achat Ouvert — suivi : {title}")),
        xml(&self_url),
        xml(&self_url),
        xml(&page_url)
    ));
    body.push_str(&format!(
        "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        updated,
        xml(&state.settings.buyer_name)
    ));
    for (i, r) in entries {
        let at = when(r.decided_at.unwrap_or(r.reported_at));
        let p = period(signed_on, i.period_months, r.period);
        let value = views::indicators::figure(crate::i18n::Lang::Fr, r.value);
        body.push_str("  <entry>\n");
        body.push_str(&format!(
            "    <title>{}</title>\n    <id>{}#report-{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&format!("{} — période {} : {} {}", i.name, r.period, value, i.unit)),
            xml(&page_url),
            r.id,
            xml(&page_url)
        ));
        body.push_str(&format!("    <published>{at}</published>\n    <updated>{at}</updated>\n"));
        let targets: Vec<String> = i
            .targets
            .iter()
            .map(|t| {
                format!(
                    "{} {} au {}",
                    views::indicators::figure(crate::i18n::Lang::Fr, t.value),
                    i.unit,
                    t.on.format("%d/%m/%Y")
                )
            })
            .collect();
        body.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml(&format!(
                "Valeur validée pour la période du {} au {} : {} {} (référence {} {} ; cibles : {}).",
                p.starts.format("%d/%m/%Y"),
                p.ends.pred_opt().unwrap_or(p.ends).format("%d/%m/%Y"),
                value,
                i.unit,
                views::indicators::figure(crate::i18n::Lang::Fr, i.baseline),
                i.unit,
                targets.join(", ")
            ))
        ));
        body.push_str("  </entry>\n");
    }
    body.push_str("</feed>\n");
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}

#[derive(Serialize, ToSchema)]
pub struct TargetJson {
    /// Years after the signature (a milestone of the objective's horizon).
    pub years: i32,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub value: f64,
}

#[derive(Serialize, ToSchema)]
pub struct ValueJson {
    /// The period's number, from 1 at the signature.
    pub period: i32,
    /// The period's first day and last day, `YYYY-MM-DD`.
    pub starts: String,
    pub ends: String,
    pub value: f64,
    pub comment: String,
    /// When an agent validated it (UTC).
    pub validated_at: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorJson {
    pub id: i64,
    pub name: String,
    pub unit: String,
    /// The criterion of the objective it is linked to (its id), if any.
    pub criterion_id: Option<i64>,
    pub baseline: f64,
    pub targets: Vec<TargetJson>,
    /// The reporting schedule, in months (12: yearly).
    pub period_months: i32,
    /// The validated values only, in period order.
    pub values: Vec<ValueJson>,
}

#[derive(Serialize, ToSchema)]
pub struct FollowUpJson {
    pub objective_id: i64,
    /// The contract's signature date, `YYYY-MM-DD`: the periods count from it.
    pub signed_on: String,
    pub indicators: Vec<IndicatorJson>,
}

/// An objective's indicators against their targets, with the validated values only. Public once
/// the contract is signed.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/indicators", tag = "award",
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 200, body = FollowUpJson), (status = 404, body = crate::web::error::ErrorBody, description = "Unknown objective, or no contract signed")))]
pub async fn api(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    let (_, signed_on, all) = ops::public(&state, &identity, id).await?;
    Ok(HttpResponse::Ok().json(FollowUpJson {
        objective_id: id,
        signed_on: signed_on.to_string(),
        indicators: all
            .iter()
            .map(|i| IndicatorJson {
                id: i.id,
                name: i.name.clone(),
                unit: i.unit.clone(),
                criterion_id: i.criterion.as_ref().map(|c| c.0),
                baseline: i.baseline,
                targets: i
                    .targets
                    .iter()
                    .map(|t| TargetJson { years: t.years, date: t.on.to_string(), value: t.value })
                    .collect(),
                period_months: i.period_months,
                values: i
                    .reports
                    .iter()
                    .filter(|r| r.state == State::Validated)
                    .map(|r| {
                        let p = period(signed_on, i.period_months, r.period);
                        ValueJson {
                            period: r.period,
                            starts: p.starts.to_string(),
                            ends: p.ends.pred_opt().unwrap_or(p.ends).to_string(),
                            value: r.value,
                            comment: r.comment.clone(),
                            validated_at: r.decided_at.map(when),
                        }
                    })
                    .collect(),
            })
            .collect(),
    }))
}
