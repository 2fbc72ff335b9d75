//! `GET /`.

use actix_web::HttpResponse;

use crate::i18n::Lang;
use crate::views;

pub async fn home(lang: Lang) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(views::home::home(lang).into_string())
}

/// Any route that matches nothing.
pub async fn not_found() -> Result<HttpResponse, crate::web::error::AppError> {
    Err(crate::web::error::AppError::NotFound)
}
