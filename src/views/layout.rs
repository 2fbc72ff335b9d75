//! The page frame shared by every page: skip link, header with navigation and the language
//! switch, `main` landmark, footer.

use maud::{DOCTYPE, Markup, html};

use crate::i18n::Lang;
use crate::web::assets;

/// The signed-in user, as the navigation shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    pub name: String,
    pub is_admin: bool,
    pub is_committee: bool,
    pub has_organisation: bool,
}

/// What every page knows about its request.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub lang: Lang,
    /// The current path, so the language switch and sign-in can come back to it.
    pub path: String,
    /// The CSRF token every form of the page carries.
    pub csrf: String,
    pub user: Option<NavUser>,
    /// The declared accessibility status, which the footer states on every page (RGAA).
    pub accessibility: crate::config::Conformity,
}

/// An Atom feed a page offers, announced in its head (`<link rel="alternate">`) so feed readers
/// find it from the page's address.
#[derive(Debug, Clone)]
pub struct Feed {
    pub href: String,
    pub title: String,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.lang.t(key)
    }
    pub fn t_args(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.lang.t_args(key, args)
    }
    pub fn t_count(&self, key: &str, count: (&str, i64), args: &[(&str, &str)]) -> String {
        self.lang.t_count(key, count, args)
    }
}

/// A list's query string for `page`: the filters that are set, then the page number.
pub fn page_query(filters: &[(&str, &str)], page: i64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in filters {
        if !v.is_empty() {
            q.append_pair(k, v);
        }
    }
    q.append_pair("page", &page.to_string());
    q.finish()
}

/// Where the page sits: links to the pages above it, then the current page.
pub fn breadcrumbs(ctx: &Ctx, trail: &[(&str, String)], here: &str) -> Markup {
    html! {
        nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) {
            ol {
                @for (href, label) in trail { li { a href=(href) { (label) } } }
                li aria-current="page" { (here) }
            }
        }
    }
}

/// The hidden CSRF field every state-changing form carries.
pub fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name=(crate::web::auth::CSRF_FIELD) value=(ctx.csrf); }
}

pub fn page(ctx: &Ctx, title: &str, content: Markup) -> Markup {
    page_with_feeds(ctx, title, &[], content)
}

/// The footer's links to the statements and the help, on every page: (path, catalogue key).
pub const FOOTER_LINKS: &[(&str, &str)] = &[
    ("/accessibilite", "footer-accessibility"),
    ("/mentions-legales", "footer-legal"),
    ("/donnees-personnelles", "footer-privacy"),
    ("/plan-du-site", "footer-sitemap"),
    ("/aide/repondre", "footer-guide"),
    ("/aide/glossaire", "footer-glossary"),
];

/// A page that offers feeds: the frame of [`page`], with each feed announced in the head.
pub fn page_with_feeds(ctx: &Ctx, title: &str, feeds: &[Feed], content: Markup) -> Markup {
    let lang = ctx.lang;
    let product = lang.t("product-name");
    html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (product) }
                link rel="stylesheet" href=(assets::css_url());
                link rel="icon" type="image/svg+xml" href=(assets::favicon_url());
                @for feed in feeds {
                    link rel="alternate" type="application/atom+xml" title=(feed.title) href=(feed.href);
                }
            }
            body {
                a.skip-link href="#main" { (lang.t("skip-to-content")) }
                header.site-header {
                    div.container.header-row {
                        a.brand href="/" {
                            span.brand-mark aria-hidden="true" { "◆" }
                            span { (product) }
                        }
                        nav.main-nav aria-label=(lang.t("nav-label")) {
                            // One row on wide screens; on small ones a disclosure that opens
                            // without JavaScript (the same links, drawn twice, one shown).
                            ul.nav-wide { (nav_items(ctx)) }
                            details.nav-narrow {
                                summary { (lang.t("nav-menu")) }
                                ul { (nav_items(ctx)) }
                            }
                        }
                        nav.lang-switch aria-label=(lang.t("language-switch-label")) {
                            ul {
                                @for other in Lang::ALL {
                                    li {
                                        @if other == lang {
                                            span aria-current="true" lang=(other.code()) { (other.native_name()) }
                                        } @else {
                                            a href=(switch_href(other, &ctx.path)) lang=(other.code()) hreflang=(other.code()) {
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
                        nav aria-label=(lang.t("footer-nav-label")) {
                            ul.footer-links {
                                @for (href, key) in FOOTER_LINKS {
                                    li {
                                        a href=(href) {
                                            @if *key == "footer-accessibility" {
                                                (lang.t_args(key, &[("status", ctx.accessibility.as_str())]))
                                            } @else {
                                                (lang.t(key))
                                            }
                                        }
                                    }
                                }
                                li { a href="/api/v1/openapi.json" { (lang.t("footer-api")) } }
                            }
                        }
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

/// The header's links for the reader: the public pages, then the signed-in person's.
fn nav_items(ctx: &Ctx) -> Markup {
    let lang = ctx.lang;
    html! {
        li { a href="/objectives" { (lang.t("nav-objectives")) } }
        li { a href="/directory" { (lang.t("nav-directory")) } }
        li { a href="/practices" { (lang.t("nav-practices")) } }
        li { a href="/chiffres" { (lang.t("nav-dashboard")) } }
        @if let Some(user) = &ctx.user {
            li { a href="/work" { (lang.t("nav-work")) } }
            @if user.has_organisation {
                li { a href="/proposals" { (lang.t("nav-proposals")) } }
                li { a href="/messages" { (lang.t("nav-messages")) } }
                li { a href="/organisation" { (lang.t("nav-organisation")) } }
            }
            @if user.is_committee {
                li { a href="/evaluations" { (lang.t("nav-evaluations")) } }
            }
            @if user.is_admin {
                li { a href="/admin/users" { (lang.t("nav-admin")) } }
            }
            li { a href="/account" { (lang.t("nav-account")) " (" (user.name) ")" } }
            li {
                form.inline-form method="post" action="/logout" {
                    (csrf_field(ctx))
                    button.link-button type="submit" { (lang.t("nav-sign-out")) }
                }
            }
        } @else {
            li { a href="/login" { (lang.t("nav-sign-in")) } }
            li { a href="/register" { (lang.t("nav-register")) } }
        }
    }
}
