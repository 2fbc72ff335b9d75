//! `GET /`.

use actix_web::HttpResponse;

use crate::views;
use crate::views::layout::Ctx;
use crate::web::ctx::html;

pub async fn home(ctx: Ctx) -> HttpResponse {
    html(actix_web::http::StatusCode::OK, views::home::home(&ctx))
}

/// Any route that matches nothing.
pub async fn not_found() -> Result<HttpResponse, crate::web::error::AppError> {
    Err(crate::web::error::AppError::NotFound)
}
