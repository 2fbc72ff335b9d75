//! `GET /`.

use actix_web::HttpResponse;

use crate::views;
use crate::views::layout::Ctx;
use crate::web::ctx::html;

pub async fn home(
    state: actix_web::web::Data<crate::web::AppState>,
    ctx: Ctx,
) -> Result<HttpResponse, crate::web::error::AppError> {
    let now = state.clock.now_naive();
    let soon = state
        .db
        .run(move |conn| {
            crate::domain::objectives::closing_soon(conn, now, 6).map_err(crate::web::error::AppError::from)
        })
        .await?;
    let cards: Vec<_> = soon.iter().map(|o| super::objectives::card(o, now)).collect();
    Ok(html(actix_web::http::StatusCode::OK, views::home::home(&ctx, &cards, now)))
}

/// Any route that matches nothing.
pub async fn not_found() -> Result<HttpResponse, crate::web::error::AppError> {
    Err(crate::web::error::AppError::NotFound)
}
