//! The page frame shared by every page: skip link, header with the language switch, `main`
//! landmark, footer.

use maud::{DOCTYPE, Markup, html};

use crate::i18n::Lang;
use crate::web::assets;

/// What the frame needs to know about the page it wraps.
pub struct Page<'a> {
    pub lang: Lang,
    /// The page's own title; the product name is appended.
    pub title: &'a str,
    /// The current path, so the language switch can come back to it.
    pub path: &'a str,
}

pub fn page(p: &Page<'_>, content: Markup) -> Markup {
    let lang = p.lang;
    let product = lang.t("product-name");
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (p.title) " — " (product) }
                link rel="stylesheet" href=(assets::css_url());
                link rel="icon" type="image/svg+xml" href=(assets::favicon_url());
            }
            body {
                a.skip-link href="#main" { (lang.t("skip-to-content")) }
                header.site-header {
                    div.container.header-row {
                        a.brand href="/" {
                            span.brand-mark aria-hidden="true" { "◆" }
                            span { (product) }
                        }
                        nav.lang-switch aria-label=(lang.t("language-switch-label")) {
                            ul {
                                @for other in Lang::ALL {
                                    li {
                                        @if other == lang {
                                            span aria-current="true" lang=(other.code()) { (other.native_name()) }
                                        } @else {
                                            a href=(switch_href(other, p.path)) lang=(other.code()) hreflang=(other.code()) {
                                                (other.native_name())
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                main #main.container tabindex="-1" {
                    (content)
                }
                footer.site-footer {
                    div.container {
                        p { (lang.t("footer-text")) }
                        p { a href="/api/v1/openapi.json" { (lang.t("footer-api")) } }
                    }
                }
            }
        }
    }
}

fn switch_href(lang: Lang, path: &str) -> String {
    let next: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("/lang/{}?next={}", lang.code(), next)
}
