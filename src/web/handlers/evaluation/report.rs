//! The evaluation report, for the chair or an agent once the committee decided: the printable
//! page and its CSV exports.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{csv_download, html};
use crate::web::error::AppError;
use crate::web::operations::evaluation::report_board;

pub async fn report(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &identity, id.into_inner()).await?;
    let view = views::evaluation::report_view(&ctx, &b);
    Ok(html(StatusCode::OK, views::evaluation::report(&ctx, &view)))
}

/// The ranking as CSV: one row per opened proposal.
pub async fn report_csv(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &identity, id.into_inner()).await?;
    let file = views::evaluation::ranking_csv(&ctx, &b);
    Ok(csv_download(&file.name, file.body))
}

/// Every submitted score with its justification, as CSV.
pub async fn scores_csv(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (b, _) = report_board(&state, &identity, id.into_inner()).await?;
    let file = views::evaluation::scores_csv(&ctx, &b);
    Ok(csv_download(&file.name, file.body))
}
