//! `GET /`, and the answer to routes that match nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::domain::objectives::{self, ListFilter, ListOrder};
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::ctx::html;
use crate::web::error::AppError;

/// The open objectives closing soonest, and the latest results.
pub async fn home(state: web::Data<AppState>, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let (soon, results, featured) = state
        .db
        .run(move |conn| {
            let featured = crate::domain::network::practices::featured(conn)?;
            let soon = objectives::closing_soon(conn, now, 6)?;
            let filter = ListFilter {
                status: Some("results_published".into()),
                order: ListOrder::Published,
                ..Default::default()
            };
            let (results, _) = objectives::list(conn, &filter, now, 3, 0)?;
            Ok::<_, AppError>((soon, results, featured))
        })
        .await?;
    let cards: Vec<_> = soon.iter().map(|o| views::objectives::card(o, now)).collect();
    let results: Vec<_> = results.iter().map(|o| views::objectives::card(o, now)).collect();
    let practices: Vec<_> = featured.iter().map(views::practices::card).collect();
    Ok(html(StatusCode::OK, views::home::home(&ctx, &cards, &results, &practices, now)))
}

/// Any route that matches nothing.
pub async fn not_found() -> Result<HttpResponse, AppError> {
    Err(AppError::NotFound)
}
