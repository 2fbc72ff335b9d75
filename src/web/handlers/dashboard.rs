//! `GET /chiffres` (also `/figures`): the citizens' dashboard, its CSV downloads
//! (`/chiffres/{figure}.csv`) and `GET /api/v1/dashboard`.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::domain::dashboard::{Dashboard, YearError};
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::ctx::{csv_download, html};
use crate::web::error::AppError;
use crate::web::operations::dashboard as op;

#[derive(Deserialize, utoipa::IntoParams)]
pub struct YearParam {
    /// A year of publication, from 2000 to the current year; every year when left out.
    #[serde(default)]
    pub year: String,
}

/// The dashboard page; a refused year is said at the top of the page (400).
pub async fn page(
    state: web::Data<AppState>,
    ctx: Ctx,
    query: web::Query<YearParam>,
) -> Result<HttpResponse, AppError> {
    match op::parse_year(&state, &query.year) {
        Ok(year) => {
            let d = op::load(&state, year).await?;
            Ok(html(
                StatusCode::OK,
                views::dashboard::page_view(&ctx, &d.years, &query.year, &Errors::default(), Some(&d)),
            ))
        }
        Err(e) => {
            let years = op::years(&state).await?;
            let mut errors = Errors::default();
            errors.add("year", ctx.t(e.key()));
            Ok(html(StatusCode::BAD_REQUEST, views::dashboard::page_view(&ctx, &years, &query.year, &errors, None)))
        }
    }
}

fn refused(e: YearError) -> AppError {
    let message = match e {
        YearError::NotANumber => "the year must be a number, such as 2026",
        YearError::OutOfRange => "the year must be from 2000 to the current year",
    };
    AppError::BadRequest { code: "invalid_year", message: message.to_owned() }
}

/// One figure's table as CSV.
pub async fn csv(
    state: web::Data<AppState>,
    ctx: Ctx,
    figure: web::Path<String>,
    query: web::Query<YearParam>,
) -> Result<HttpResponse, AppError> {
    let figure = figure.into_inner();
    if !views::dashboard::FIGURES.contains(&figure.as_str()) {
        return Err(AppError::NotFound);
    }
    let year = op::parse_year(&state, &query.year).map_err(refused)?;
    let d = op::load(&state, year).await?;
    let figures = views::dashboard::figures(&ctx, &d);
    let Some(f) = figures.iter().find(|f| f.id == figure) else { return Err(AppError::NotFound) };
    let name = match year {
        Some(y) => format!("achats-{figure}-{y}.csv"),
        None => format!("achats-{figure}.csv"),
    };
    Ok(csv_download(&name, views::dashboard::figure_csv(f)))
}

/// The dashboard's figures: objectives per main theme and year, standing deposits per closed
/// objective, the shares of SMEs, social-economy structures and regional companies among
/// depositors and winners, consortia, the environmental criteria's weight, the days from
/// publication to decision and the contracts' amounts. Open data, no authentication.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "objectives", params(YearParam),
    responses((status = 200, body = Dashboard), (status = 400, body = crate::web::error::ErrorBody)))]
pub async fn api(state: web::Data<AppState>, query: web::Query<YearParam>) -> Result<HttpResponse, AppError> {
    let year = op::parse_year(&state, &query.year).map_err(refused)?;
    let d = op::load(&state, year).await?;
    Ok(HttpResponse::Ok().json(d))
}
