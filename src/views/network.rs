//! The network of suppliers: the public directory, an organisation's public profile, the
//! profile an organisation edits, and the credentials catalogue administrators keep.

use chrono::NaiveDate;
use maud::{Markup, PreEscaped, html};

use super::forms::{Errors, error_summary, select};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use super::objectives::size_text;
use crate::domain::forms::{FormPairs, first};
use crate::domain::network::{COMMITMENTS, DEPARTMENTS, commitment_name};
use crate::domain::organisations::OrganisationSize;
use crate::i18n::Lang;

/// A date as the interface writes it.
pub fn day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

/// One organisation in the directory's list.
pub struct Card {
    pub id: i64,
    pub name: String,
    pub summary: String,
    pub sectors: Vec<String>,
    pub departments: Vec<String>,
    pub size: String,
    pub social_economy: bool,
    pub credentials: Vec<String>,
}

/// The directory's filters, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FilterValues {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub credential: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub social_economy: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl FilterValues {
    pub fn query(&self, page: i64) -> String {
        super::layout::page_query(
            &[
                ("q", &self.q),
                ("sector", &self.sector),
                ("department", &self.department),
                ("credential", &self.credential),
                ("size", &self.size),
                ("social_economy", &self.social_economy),
            ],
            page,
        )
    }
}

fn size_options(ctx: &Ctx, any: bool) -> Vec<(String, String)> {
    let mut options = Vec::new();
    if any {
        options.push((String::new(), ctx.t("filter-any")));
    }
    for s in OrganisationSize::ALL {
        options.push((s.as_str().to_owned(), ctx.t(&format!("size-{}", s.as_str()))));
    }
    options
}

pub fn directory(
    ctx: &Ctx,
    items: &[Card],
    f: &FilterValues,
    sectors: &[String],
    catalogue: &[(i64, String)],
    page_no: i64,
    has_more: bool,
) -> Markup {
    let title = ctx.t("directory-title");
    let mut sector_options = vec![(String::new(), ctx.t("filter-any"))];
    sector_options.extend(sectors.iter().map(|s| (s.clone(), s.clone())));
    let mut department_options = vec![(String::new(), ctx.t("filter-any"))];
    department_options.extend(DEPARTMENTS.iter().map(|(c, n)| ((*c).to_owned(), format!("{n} ({c})"))));
    let mut credential_options = vec![(String::new(), ctx.t("filter-any"))];
    credential_options.extend(catalogue.iter().map(|(id, n)| (id.to_string(), n.clone())));
    let none = Errors::default();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p.lead { (ctx.t("directory-intro")) }
            form.filters method="get" action="/directory" role="search" {
                div.field.field-search {
                    label for="q" { (ctx.t("filter-search")) }
                    input #q type="search" name="q" value=(f.q);
                }
                (select("sector", &ctx.t("directory-sector"), &f.sector, &sector_options, &none))
                (select("department", &ctx.t("directory-department"), &f.department, &department_options, &none))
                (select("credential", &ctx.t("directory-credential"), &f.credential, &credential_options, &none))
                (select("size", &ctx.t("field-size"), &f.size, &size_options(ctx, true), &none))
                div.field.field-check {
                    input #social_economy type="checkbox" name="social_economy" value="true" checked[f.social_economy == "true"];
                    label for="social_economy" { (ctx.t("field-social-economy")) }
                }
                button.button type="submit" { (ctx.t("filter-apply")) }
            }
            @if items.is_empty() {
                p.empty { (ctx.t("directory-none")) }
            } @else {
                ul.objective-list {
                    @for c in items {
                        li.objective-card {
                            h2.card-title { a href=(format!("/directory/{}", c.id)) { (c.name) } }
                            p.meta {
                                span.tag { (ctx.t(&format!("size-{}", c.size))) }
                                @if c.social_economy { " " span.tag { (ctx.t("directory-social-economy")) } }
                                @for s in &c.sectors { " " span.tag { (s) } }
                            }
                            @if !c.summary.is_empty() { p { (c.summary) } }
                            @if !c.departments.is_empty() { p.muted { (ctx.t("directory-serves")) " " (c.departments.join(", ")) } }
                            @if !c.credentials.is_empty() {
                                p { @for n in &c.credentials { span.badge.badge-ok { (n) } " " } }
                            }
                        }
                    }
                }
            }
            nav.pagination aria-label=(ctx.t("pagination")) {
                @if page_no > 1 { a href=(format!("/directory?{}", f.query(page_no - 1))) rel="prev" { (ctx.t("previous")) } }
                @if has_more { a href=(format!("/directory?{}", f.query(page_no + 1))) rel="next" { (ctx.t("next")) } }
            }
        },
    )
}

/// A held credential as shown.
pub struct HeldRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub expires_on: Option<NaiveDate>,
    pub expired: bool,
    /// (download link, file name, size in bytes)
    pub evidence: Option<(String, String, i64)>,
}

fn credential_list(ctx: &Ctx, rows: &[HeldRow], remove: bool) -> Markup {
    html! {
        @if rows.is_empty() {
            p.empty { (ctx.t("profile-no-credentials")) }
        } @else {
            ul.plain-list {
                @for r in rows {
                    li {
                        strong { (r.name) } " "
                        @if r.expired {
                            span.badge.badge-danger { (ctx.t("credential-expired")) @if let Some(d) = r.expires_on { " " (day(ctx.lang, d)) } }
                        } @else if let Some(d) = r.expires_on {
                            span.badge.badge-ok { (ctx.t("credential-valid-until")) " " (day(ctx.lang, d)) }
                        } @else {
                            span.badge.badge-ok { (ctx.t("credential-valid")) }
                        }
                        @if !r.description.is_empty() { br; span.muted { (r.description) } }
                        @if let Some((href, name, size)) = &r.evidence {
                            br; a href=(href) download { (ctx.t("credential-evidence")) " : " (name) } " " span.muted { "(" (size_text(ctx.lang, *size)) ")" }
                        }
                        @if remove {
                            " "
                            form.inline-form method="post" action=(format!("/organisation/profile/credentials/{}/remove", r.id)) {
                                (csrf_field(ctx))
                                button.link-button type="submit" { (ctx.t("credential-remove")) span.visually-hidden { " " (r.name) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A public profile.
pub struct ProfileView {
    pub id: i64,
    pub name: String,
    pub presentation_html: String,
    pub sectors: Vec<String>,
    pub departments: Vec<String>,
    pub size: String,
    pub social_economy: bool,
    pub commitments: Vec<(String, String)>,
    pub credentials: Vec<HeldRow>,
    /// (objective id, objective title, proposal title)
    pub results: Vec<(i64, String, String)>,
    /// Its published good practices: (id, title).
    pub practices: Vec<(i64, String)>,
    pub listed: bool,
    /// The viewer belongs to the organisation (a preview, with a link to edit).
    pub own: bool,
}

pub fn profile(ctx: &Ctx, v: &ProfileView) -> Markup {
    page(
        ctx,
        &v.name,
        html! {
            (breadcrumbs(ctx, &[("/directory", ctx.t("directory-title"))], &v.name))
            div.title-row {
                h1 { (v.name) }
                @if v.own { a.button href="/organisation/profile" { (ctx.t("profile-edit")) } }
            }
            @if v.own && !v.listed { div.alert role="status" { p { (ctx.t("profile-preview-unlisted")) } } }
            dl.facts {
                dt { (ctx.t("field-size")) } dd { (ctx.t(&format!("size-{}", v.size))) }
                dt { (ctx.t("directory-social-economy")) } dd { @if v.social_economy { (ctx.t("yes")) } @else { (ctx.t("no")) } }
                @if !v.sectors.is_empty() { dt { (ctx.t("directory-sectors")) } dd { (v.sectors.join(", ")) } }
                dt { (ctx.t("directory-serves")) }
                dd { @if v.departments.is_empty() { (ctx.t("profile-no-departments")) } @else { (v.departments.join(", ")) } }
            }
            @if !v.presentation_html.is_empty() {
                section aria-labelledby="presentation" {
                    h2 #presentation { (ctx.t("profile-presentation")) }
                    div.prose { (PreEscaped(&v.presentation_html)) }
                }
            }
            section aria-labelledby="commitments" {
                h2 #commitments { (ctx.t("profile-commitments")) }
                @if v.commitments.is_empty() { p.empty { (ctx.t("profile-no-commitments")) } }
                @else { dl.facts { @for (theme, text) in &v.commitments { dt { (theme) } dd.pre-line { (text) } } } }
            }
            section aria-labelledby="credentials" {
                h2 #credentials { (ctx.t("profile-credentials")) }
                (credential_list(ctx, &v.credentials, false))
            }
            section aria-labelledby="practices" {
                h2 #practices { (ctx.t("profile-practices")) }
                @if v.practices.is_empty() { p.empty { (ctx.t("profile-no-practices")) } }
                @else { ul.plain-list { @for (id, title) in &v.practices { li { a href=(format!("/practices/{id}")) { (title) } } } } }
            }
            section aria-labelledby="results" {
                h2 #results { (ctx.t("profile-results")) }
                @if v.results.is_empty() { p.empty { (ctx.t("profile-no-results")) } }
                @else {
                    ul.plain-list { @for (id, objective, proposal) in &v.results {
                        li { a href=(format!("/objectives/{id}")) { (objective) } " — " (proposal) " " span.badge.badge-ok { (ctx.t("ranking-in")) } }
                    } }
                }
            }
        },
    )
}

/// The organisation's own profile page: listing, the form, its credentials, the export.
pub struct EditView {
    pub organisation: i64,
    pub name: String,
    pub listed: bool,
    pub credentials: Vec<HeldRow>,
    /// The catalogue's entries not held yet: (id, name).
    pub available: Vec<(i64, String)>,
    pub notice: Option<String>,
}

fn has(pairs: &FormPairs, name: &str, value: &str) -> bool {
    pairs.iter().any(|(k, v)| k == name && v == value)
}

pub fn edit(ctx: &Ctx, v: &EditView, pairs: &FormPairs, errors: &Errors, credential_errors: &Errors) -> Markup {
    let title = ctx.t("profile-title");
    let text_area = |name: &str, label: String, hint: Option<String>, rows: u32, max: usize| {
        let error = errors.get(name);
        let mut described = Vec::new();
        if hint.is_some() {
            described.push(format!("{name}-hint"));
        }
        if error.is_some() {
            described.push(format!("{name}-error"));
        }
        let described = described.join(" ");
        html! {
            div.field.field-invalid[error.is_some()] {
                label for=(name) { (label) }
                @if let Some(h) = &hint { p.hint id=(format!("{name}-hint")) { (h) } }
                @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
                textarea id=(name) name=(name) rows=(rows) maxlength=(max)
                    aria-invalid=[error.map(|_| "true")]
                    aria-describedby=[(!described.is_empty()).then_some(described.as_str())] { (first(pairs, name)) }
            }
        }
    };
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/organisation", v.name.clone())], &title))
            div.title-row {
                h1 { (title) }
                a.button href=(format!("/directory/{}", v.organisation)) { (ctx.t("profile-view")) }
            }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            section aria-labelledby="listing" {
                h2 #listing { (ctx.t("profile-listing")) }
                @if v.listed {
                    p { span.badge.badge-ok { (ctx.t("profile-listed")) } " " (ctx.t("profile-listed-explained")) }
                    form.inline-form method="post" action="/organisation/profile/listing" {
                        (csrf_field(ctx))
                        input type="hidden" name="listed" value="false";
                        button.button type="submit" { (ctx.t("profile-withdraw")) }
                    }
                } @else {
                    p { span.badge { (ctx.t("profile-unlisted")) } " " (ctx.t("profile-unlisted-explained")) }
                    form.inline-form method="post" action="/organisation/profile/listing" {
                        (csrf_field(ctx))
                        input type="hidden" name="listed" value="true";
                        button.button.button-primary type="submit" { (ctx.t("profile-list")) }
                    }
                }
            }
            section aria-labelledby="profile-form" {
                h2 #profile-form { (ctx.t("profile-form-title")) }
                (error_summary(ctx, errors))
                form.form method="post" action="/organisation/profile" novalidate {
                    (csrf_field(ctx))
                    (text_area("presentation", ctx.t("profile-presentation"), Some(ctx.t("profile-presentation-hint")), 8, 5000))
                    div.field.field-invalid[errors.get("sectors").is_some()] {
                        label for="sectors" { (ctx.t("field-sectors")) }
                        p.hint id="sectors-hint" { (ctx.t("sectors-hint")) }
                        @if let Some(m) = errors.get("sectors") { p.field-error id="sectors-error" { (m) } }
                        input #sectors name="sectors" type="text" value=(first(pairs, "sectors"))
                            aria-invalid=[errors.get("sectors").map(|_| "true")]
                            aria-describedby=(if errors.get("sectors").is_some() { "sectors-hint sectors-error" } else { "sectors-hint" });
                    }
                    (select("size", &ctx.t("field-size"), &first(pairs, "size"), &size_options(ctx, false), errors))
                    div.field.field-check {
                        input #social_economy type="checkbox" name="social_economy" value="true" checked[has(pairs, "social_economy", "true")];
                        label for="social_economy" { (ctx.t("field-social-economy")) }
                    }
                    fieldset.field-invalid[errors.get("departments").is_some()] id="departments" {
                        legend { (ctx.t("directory-serves")) }
                        @if let Some(m) = errors.get("departments") { p.field-error { (m) } }
                        div.check-grid {
                            @for (code, name) in DEPARTMENTS {
                                div.field.field-check {
                                    input id=(format!("dep-{code}")) type="checkbox" name="departments" value=(code) checked[has(pairs, "departments", code)];
                                    label for=(format!("dep-{code}")) { (name) " (" (code) ")" }
                                }
                            }
                        }
                    }
                    fieldset {
                        legend { (ctx.t("profile-commitments")) }
                        p.hint { (ctx.t("profile-commitments-hint")) }
                        @for (code, _, _) in COMMITMENTS {
                            (text_area(&format!("commit_{code}"), commitment_name(code, ctx.lang), None, 3, 1000))
                        }
                    }
                    button.button.button-primary type="submit" { (ctx.t("profile-save")) }
                }
            }
            section aria-labelledby="held" {
                h2 #held { (ctx.t("profile-credentials")) }
                (credential_list(ctx, &v.credentials, true))
                h3 { (ctx.t("credential-add")) }
                (error_summary(ctx, credential_errors))
                @if v.available.is_empty() {
                    p.empty { (ctx.t("credential-none-available")) }
                } @else {
                    form.form method="post" action="/organisation/profile/credentials" enctype="multipart/form-data" {
                        (csrf_field(ctx))
                        @let options: Vec<(String, String)> = v.available.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                        (select("credential", &ctx.t("credential-field"), "", &options, credential_errors))
                        div.field.field-invalid[credential_errors.get("expires_on").is_some()] {
                            label for="expires_on" { (ctx.t("credential-expires-on")) }
                            p.hint id="expires_on-hint" { (ctx.t("credential-expires-hint")) }
                            @if let Some(m) = credential_errors.get("expires_on") { p.field-error id="expires_on-error" { (m) } }
                            input #expires_on name="expires_on" type="date"
                                aria-invalid=[credential_errors.get("expires_on").map(|_| "true")]
                                aria-describedby=(if credential_errors.get("expires_on").is_some() { "expires_on-hint expires_on-error" } else { "expires_on-hint" });
                        }
                        div.field.field-invalid[credential_errors.get("file").is_some()] {
                            label for="file" { (ctx.t("credential-evidence-field")) }
                            p.hint id="file-hint" { (ctx.t("credential-evidence-hint")) }
                            @if let Some(m) = credential_errors.get("file") { p.field-error id="file-error" { (m) } }
                            input #file name="file" type="file" accept=".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"
                                aria-invalid=[credential_errors.get("file").map(|_| "true")]
                                aria-describedby=(if credential_errors.get("file").is_some() { "file-hint file-error" } else { "file-hint" });
                        }
                        button.button type="submit" { (ctx.t("credential-add-button")) }
                    }
                }
            }
            section aria-labelledby="data" {
                h2 #data { (ctx.t("profile-data")) }
                p { (ctx.t("profile-data-explained")) }
                p { a.button href="/organisation/export.json" download { (ctx.t("profile-export")) } }
            }
        },
    )
}

/// The administrators' catalogue page.
pub struct CatalogueRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub description: String,
    pub retired: bool,
    pub holders: i64,
}

pub fn catalogue(ctx: &Ctx, rows: &[CatalogueRow], pairs: &FormPairs, errors: &Errors, notice: Option<&str>) -> Markup {
    let title = ctx.t("credentials-title");
    let input = |name: &str, label: String| {
        let error = errors.get(name);
        html! {
            div.field.field-invalid[error.is_some()] {
                label for=(name) { (label) }
                @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
                input id=(name) name=(name) type="text" value=(first(pairs, name))
                    aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| format!("{name}-error"))];
            }
        }
    };
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (super::admin::admin_nav(ctx, "/admin/credentials"))
            p.lead { (ctx.t("credentials-intro")) }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            div.table-wrap {
                table {
                    caption.visually-hidden { (title) }
                    thead { tr {
                        th scope="col" { (ctx.t("credential-name")) }
                        th scope="col" { (ctx.t("credential-code")) }
                        th scope="col" { (ctx.t("credential-holders")) }
                        th scope="col" { span.visually-hidden { (ctx.t("actions")) } }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { strong { (r.name) } @if r.retired { " " span.badge { (ctx.t("credential-retired")) } } br; span.muted { (r.description) } }
                                td { code { (r.code) } }
                                td.num { (r.holders) }
                                td.actions {
                                    form.inline-form method="post" action=(format!("/admin/credentials/{}/{}", r.id, if r.retired { "restore" } else { "retire" })) {
                                        (csrf_field(ctx))
                                        button.button type="submit" {
                                            @if r.retired { (ctx.t("credential-restore")) } @else { (ctx.t("credential-retire")) }
                                            span.visually-hidden { " " (r.name) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (ctx.t("credential-new")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/admin/credentials" novalidate {
                (csrf_field(ctx))
                (input("code", ctx.t("credential-code")))
                (input("name_fr", ctx.t("credential-name-fr")))
                (input("name_en", ctx.t("credential-name-en")))
                (input("description_fr", ctx.t("credential-description-fr")))
                (input("description_en", ctx.t("credential-description-en")))
                button.button.button-primary type="submit" { (ctx.t("credential-create")) }
            }
        },
    )
}
