//! Error pages (404, 500, 503, …), in the user's language.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::layout::{Ctx, page};

/// An error page: what happened in words (never the status code), and the way forward — back to
/// the page the person came from when it is one of ours (`back`), else home.
pub fn error_page(ctx: &Ctx, status: StatusCode, message: &str, request_id: &str, back: Option<&str>) -> Markup {
    let key = status_key(status);
    let title = ctx.t(&format!("error-{key}-title"));
    page(
        ctx,
        &title,
        html! {
            div.error-page {
                h1 { (title) }
                p { (message) }
                @if status == StatusCode::FORBIDDEN && ctx.user.is_none() {
                    p { a href="/login" { (ctx.t("nav-sign-in")) } }
                }
                @if let Some(back) = back {
                    p { a.button.button-primary href=(back) { (ctx.t("error-back-page")) } }
                }
                p { a href="/" { (ctx.t("error-back-home")) } }
                @if status.is_server_error() && !request_id.is_empty() {
                    p.muted { (ctx.t("error-request-id")) " " code { (request_id) } }
                }
            }
        },
    )
}

/// A page with a title, a message and a way forward (a link used, expired, a mail sent…).
pub fn notice(ctx: &Ctx, title_key: &str, text: &str, action: Option<(&str, String)>) -> Markup {
    let title = ctx.t(title_key);
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (text) }
            @if let Some((href, label)) = action {
                p { a.button.button-primary href=(href) { (label) } }
            }
            p { a href="/" { (ctx.t("error-back-home")) } }
        },
    )
}

/// Which error message family a status belongs to; each has a title and a text in the catalogues.
pub fn status_key(status: StatusCode) -> &'static str {
    match status.as_u16() {
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        409 => "409",
        413 => "413",
        422 => "422",
        429 => "429",
        503 => "503",
        s if s >= 500 => "500",
        _ => "400",
    }
}
