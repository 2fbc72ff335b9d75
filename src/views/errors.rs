//! Error pages (404, 500, 503, …), in the user's language.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::layout::{Ctx, page};

pub fn error_page(ctx: &Ctx, status: StatusCode, message: &str, request_id: &str) -> Markup {
    let key = status_key(status);
    let title = ctx.t(&format!("error-{key}-title"));
    page(
        ctx,
        &title,
        html! {
            div.error-page {
                p.status-code { (status.as_u16()) }
                h1 { (title) }
                p { (message) }
                @if status == StatusCode::FORBIDDEN && ctx.user.is_none() {
                    p { a href="/login" { (ctx.t("nav-sign-in")) } }
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
        413 => "413",
        429 => "429",
        503 => "503",
        s if s >= 500 => "500",
        _ => "400",
    }
}
