//! The public statements (accessibility, legal notice, personal data), the site map, the help
//! for suppliers, and what robots read: `robots.txt` and `sitemap.xml`.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};

use crate::config::{Conformity, Settings};
use crate::i18n::Lang;
use crate::views;
use crate::views::feeds::{when, xml};
use crate::views::layout::Ctx;
use crate::views::site::{Document, Facts};
use crate::web::AppState;
use crate::web::ctx::html;
use crate::web::error::AppError;

/// The configured people and addresses, and the few settings the statements quote.
fn facts(settings: &Settings, lang: Lang) -> Facts {
    let site = &settings.site;
    let status = match site.accessibility {
        Conformity::Full => "site-conformity-full",
        Conformity::Partial => "site-conformity-partial",
        Conformity::None => "site-conformity-none",
    };
    let date = match lang {
        Lang::Fr => site.statement_date.format("%d/%m/%Y").to_string(),
        Lang::En => site.statement_date.format("%Y-%m-%d").to_string(),
    };
    vec![
        ("publisher", site.publisher.clone()),
        ("publisher_address", site.publisher_address.clone()),
        ("publication_director", site.publication_director.clone()),
        ("host", site.host.clone()),
        ("contact_email", site.contact_email.clone()),
        ("dpo_contact", site.dpo_contact.clone()),
        ("conformity", lang.t(status)),
        ("statement_date", date),
        ("public_url", settings.public_url.to_string()),
        ("session_idle_hours", (settings.session_idle.as_secs() / 3600).to_string()),
        ("session_max_hours", (settings.session_max_age.as_secs() / 3600).to_string()),
        ("remedies_court", settings.remedies_court.clone()),
        ("retention_procedure_years", settings.retention.procedure_years.to_string()),
        ("retention_contract_years", settings.retention.contract_years.to_string()),
        ("retention_works_years", settings.retention.works_contract_years.to_string()),
    ]
}

fn show(state: &AppState, ctx: &Ctx, doc: Document) -> HttpResponse {
    html(StatusCode::OK, views::site::document(ctx, doc, &facts(&state.settings, ctx.lang)))
}

/// `GET /accessibilite`: the accessibility statement (RGAA 4.1 model).
pub async fn accessibility(state: web::Data<AppState>, ctx: Ctx) -> HttpResponse {
    show(&state, &ctx, Document::Accessibility)
}

/// `GET /mentions-legales`: the legal notice.
pub async fn legal(state: web::Data<AppState>, ctx: Ctx) -> HttpResponse {
    show(&state, &ctx, Document::Legal)
}

/// `GET /donnees-personnelles`: the privacy notice and the cookies.
pub async fn privacy(state: web::Data<AppState>, ctx: Ctx) -> HttpResponse {
    show(&state, &ctx, Document::Privacy)
}

/// `GET /aide/repondre`: the guide "Répondre à un achat ouvert".
pub async fn guide(state: web::Data<AppState>, ctx: Ctx) -> HttpResponse {
    show(&state, &ctx, Document::Guide)
}

/// `GET /aide/glossaire`: the glossary of the forms' terms.
pub async fn glossary(state: web::Data<AppState>, ctx: Ctx) -> HttpResponse {
    show(&state, &ctx, Document::Glossary)
}

/// `GET /plan-du-site`
pub async fn site_map(ctx: Ctx) -> HttpResponse {
    html(StatusCode::OK, views::site::site_map(&ctx))
}

/// The private areas robots have no business in (they answer a sign-in anyway).
const DISALLOWED: &[&str] = &[
    "/account",
    "/admin/",
    "/deposits/",
    "/evaluations",
    "/invitations/",
    "/lang/",
    "/messages",
    "/organisation",
    "/proposals",
    "/receipts/",
    "/work",
];

/// `GET /robots.txt`: everything public may be indexed; the sitemap is named.
pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    // The longest matching rule wins: the public receipt check stays open under `/receipts/`.
    let mut body = String::from("User-agent: *\nAllow: /receipts/verify\n");
    for path in DISALLOWED {
        body.push_str(&format!("Disallow: {path}\n"));
    }
    body.push_str("Allow: /\n\n");
    body.push_str(&format!("Sitemap: {}\n", absolute(&state.settings, "/sitemap.xml")));
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

/// The fixed public pages of `sitemap.xml`.
const FIXED: &[&str] = &[
    "/",
    "/objectives",
    "/directory",
    "/practices",
    "/consultations",
    "/chiffres",
    "/receipts/verify",
    "/audit/checkpoints",
    "/aide/repondre",
    "/aide/glossaire",
    "/register",
    "/accessibilite",
    "/mentions-legales",
    "/donnees-personnelles",
    "/plan-du-site",
];

/// `GET /sitemap.xml`: the fixed pages, then the public objectives, practices and listed
/// profiles — at most `sitemap::CAP_PER_KIND` of each, the most recently changed first.
pub async fn sitemap_xml(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let entries = crate::web::operations::site::entries(&state).await?;
    let mut body = String::with_capacity(200 + 120 * (FIXED.len() + entries.len()));
    body.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    body.push_str("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for path in FIXED {
        body.push_str(&format!("<url><loc>{}</loc></url>\n", xml(&absolute(&state.settings, path))));
    }
    // The entries' paths are ours (digits under a fixed prefix): joined to the escaped base once.
    let base = xml(absolute(&state.settings, "/").trim_end_matches('/'));
    for e in entries.iter() {
        use std::fmt::Write;
        let _ = writeln!(body, "<url><loc>{base}{}</loc><lastmod>{}</lastmod></url>", e.path, when(e.changed));
    }
    body.push_str("</urlset>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=600"))
        .body(body))
}

/// `path` under the configured public address (which may itself have a path).
fn absolute(settings: &Settings, path: &str) -> String {
    settings.public_url.join(path.trim_start_matches('/')).map(|u| u.to_string()).unwrap_or_default()
}
