//! Error pages (404, 500, 503, …), in the user's language.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use super::layout::{Page, page};
use crate::i18n::Lang;
use crate::web::middleware::status_key;

pub fn error_page(lang: Lang, status: StatusCode, message: &str, path: &str, request_id: &str) -> Markup {
    let key = status_key(status);
    let title = lang.t(&format!("error-{key}-title"));
    page(
        &Page { lang, title: &title, path },
        html! {
            div.error-page {
                p.status-code { (status.as_u16()) }
                h1 { (title) }
                p { (message) }
                p { a href="/" { (lang.t("error-back-home")) } }
                @if status.is_server_error() && !request_id.is_empty() {
                    p.muted { (lang.t("error-request-id")) " " code { (request_id) } }
                }
            }
        },
    )
}
