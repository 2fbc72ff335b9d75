//! The public statements every French public site publishes (accessibility, legal notice,
//! personal data), the site map, and the help for suppliers (the guide and the glossary).
//!
//! Their long text is Markdown under `content/{fr,en}/`, compiled into the binary and rendered
//! through `domain::markdown::render_document` (sanitised, anchors kept). Where a text names the
//! region's people and addresses it holds a placeholder, `{publisher}`, filled after rendering
//! with the configured value, escaped (see [`Facts`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use maud::{Markup, PreEscaped, html};

use super::layout::{Ctx, breadcrumbs, page};
use crate::i18n::Lang;

/// One of the pages written as a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Document {
    Accessibility,
    Legal,
    Privacy,
    Guide,
    Glossary,
}

impl Document {
    pub const ALL: [Document; 5] =
        [Document::Accessibility, Document::Legal, Document::Privacy, Document::Guide, Document::Glossary];

    /// Where the page lives.
    pub fn path(self) -> &'static str {
        match self {
            Document::Accessibility => "/accessibilite",
            Document::Legal => "/mentions-legales",
            Document::Privacy => "/donnees-personnelles",
            Document::Guide => "/aide/repondre",
            Document::Glossary => "/aide/glossaire",
        }
    }

    /// The catalogue key of its title.
    pub fn title_key(self) -> &'static str {
        match self {
            Document::Accessibility => "site-accessibility-title",
            Document::Legal => "site-legal-title",
            Document::Privacy => "site-privacy-title",
            Document::Guide => "help-guide-title",
            Document::Glossary => "help-glossary-title",
        }
    }

    fn source(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Document::Accessibility, Lang::Fr) => include_str!("../../content/fr/accessibility.md"),
            (Document::Accessibility, Lang::En) => include_str!("../../content/en/accessibility.md"),
            (Document::Legal, Lang::Fr) => include_str!("../../content/fr/legal.md"),
            (Document::Legal, Lang::En) => include_str!("../../content/en/legal.md"),
            (Document::Privacy, Lang::Fr) => include_str!("../../content/fr/privacy.md"),
            (Document::Privacy, Lang::En) => include_str!("../../content/en/privacy.md"),
            (Document::Guide, Lang::Fr) => include_str!("../../content/fr/guide.md"),
            (Document::Guide, Lang::En) => include_str!("../../content/en/guide.md"),
            (Document::Glossary, Lang::Fr) => include_str!("../../content/fr/glossary.md"),
            (Document::Glossary, Lang::En) => include_str!("../../content/en/glossary.md"),
        }
    }

    /// The rendered HTML, placeholders still in: rendered once per process.
    fn rendered(self, lang: Lang) -> &'static str {
        static CACHE: OnceLock<HashMap<(Document, Lang), String>> = OnceLock::new();
        CACHE
            .get_or_init(|| {
                let mut all = HashMap::new();
                for doc in Document::ALL {
                    for lang in Lang::ALL {
                        all.insert((doc, lang), crate::domain::markdown::render_document(doc.source(lang)));
                    }
                }
                all
            })
            .get(&(self, lang))
            .map_or("", String::as_str)
    }
}

/// The configured values a document names, by placeholder (`publisher` fills `{publisher}`).
pub type Facts = Vec<(&'static str, String)>;

/// A document page: its title, then the rendered text with its placeholders filled.
pub fn document(ctx: &Ctx, doc: Document, facts: &Facts) -> Markup {
    let mut body = doc.rendered(ctx.lang).to_owned();
    for (name, value) in facts {
        let escaped = html! { (value) }.into_string();
        // In text `{name}`; inside a link's address pulldown-cmark percent-encodes the braces.
        body = body.replace(&format!("{{{name}}}"), &escaped).replace(&format!("%7B{name}%7D"), &escaped);
    }
    let title = ctx.t(doc.title_key());
    let trail = match doc {
        Document::Guide | Document::Glossary => vec![("/plan-du-site", ctx.t("site-map-title"))],
        _ => vec![],
    };
    page(
        ctx,
        &title,
        html! {
            @if !trail.is_empty() {
                (breadcrumbs(ctx, &trail.iter().map(|(h, l)| (*h, l.clone())).collect::<Vec<_>>(), &title))
            }
            h1 { (title) }
            // Sanitised by `render_document`; the placeholders' values are escaped above.
            div.document { (PreEscaped(body)) }
        },
    )
}

/// The site map: every public page, grouped; the lists lead to each objective, practice and
/// listed profile (also in `sitemap.xml`).
pub fn site_map(ctx: &Ctx) -> Markup {
    let title = ctx.t("site-map-title");
    let groups: [(&str, Vec<(&str, String)>); 4] = [
        (
            "site-map-browse",
            vec![
                ("/", ctx.t("site-map-home")),
                ("/objectives", ctx.t("nav-objectives")),
                ("/directory", ctx.t("nav-directory")),
                ("/practices", ctx.t("nav-practices")),
                ("/consultations", ctx.t("consultations-title")),
                ("/chiffres", ctx.t("figures-title")),
                ("/receipts/verify", ctx.t("site-map-receipts")),
            ],
        ),
        (
            "site-map-suppliers",
            vec![
                ("/aide/repondre", ctx.t("help-guide-title")),
                ("/aide/glossaire", ctx.t("help-glossary-title")),
                ("/register", ctx.t("nav-register")),
                ("/login", ctx.t("nav-sign-in")),
                ("/forgot-password", ctx.t("site-map-forgot")),
                ("/practice", ctx.t("site-map-practice")),
            ],
        ),
        (
            "site-map-statements",
            vec![
                ("/accessibilite", ctx.t("site-accessibility-title")),
                ("/mentions-legales", ctx.t("site-legal-title")),
                ("/donnees-personnelles", ctx.t("site-privacy-title")),
                ("/plan-du-site", title.clone()),
            ],
        ),
        (
            "site-map-open-data",
            vec![
                ("/api/v1/openapi.json", ctx.t("footer-api")),
                ("/api/v1/objectives", ctx.t("site-map-api-objectives")),
                ("/api/v1/ocds/objectives.json", ctx.t("site-map-ocds")),
                ("/api/v1/decp/marches.json", ctx.t("site-map-decp")),
                ("/feeds/objectives.atom", ctx.t("site-map-feed-objectives")),
                ("/feeds/practices.atom", ctx.t("site-map-feed-practices")),
                ("/audit/checkpoints", ctx.t("checkpoints-title")),
                ("/feeds/audit-checkpoints.atom", ctx.t("site-map-feed-checkpoints")),
                ("/sitemap.xml", ctx.t("site-map-xml")),
            ],
        ),
    ];
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t("site-map-lead")) }
            @for (heading, links) in &groups {
                section aria-labelledby=(heading) {
                    h2 id=(heading) { (ctx.t(heading)) }
                    ul {
                        @for (href, label) in links { li { a href=(href) { (label) } } }
                    }
                }
            }
        },
    )
}

/// A link to a section of the guide or the glossary, for the forms.
pub fn help_link(ctx: &Ctx, href: &str, key: &str) -> Markup {
    html! { p.hint.help-link { a href=(href) { (ctx.t(key)) } } }
}
