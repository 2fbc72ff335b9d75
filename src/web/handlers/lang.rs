//! `GET /lang/{code}?next=/path`: the language switch. It only sets a preference cookie in the
//! browser (no server state), then returns to the page the visitor was on.

use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::i18n::{COOKIE, Lang};
use crate::web::ctx::is_local_path;
use crate::web::error::AppError;

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

pub async fn switch(code: web::Path<String>, query: web::Query<SwitchQuery>) -> Result<HttpResponse, AppError> {
    let lang = Lang::from_code(&code).ok_or(AppError::NotFound)?;
    let next = query.next.as_deref().filter(|n| is_local_path(n)).unwrap_or("/");
    let cookie = Cookie::build(COOKIE, lang.code())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .finish();
    Ok(HttpResponse::SeeOther().cookie(cookie).insert_header((header::LOCATION, next.to_owned())).finish())
}
