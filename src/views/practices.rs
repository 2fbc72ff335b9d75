//! Good practices: the public list, one practice, the submission form, the agents' review queue,
//! and the cards the home page features.

use chrono::NaiveDateTime;
use maud::{Markup, PreEscaped, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, Feed, breadcrumbs, csrf_field, page, page_with_feeds};
use crate::domain::themes::{self, THEMES};

/// A practice as a card.
pub struct Card {
    pub id: i64,
    pub title: String,
    pub summary: String,
    pub organisation: String,
    pub themes: Vec<String>,
    pub published_at: Option<NaiveDateTime>,
    /// For the organisation's own list and the review queue: `submitted`, `published`, `refused`.
    pub status: String,
}

fn status_badge(ctx: &Ctx, status: &str) -> Markup {
    html! {
        @match status {
            "published" => span.badge.badge-ok { (ctx.t("practice-status-published")) },
            "refused" => span.badge.badge-danger { (ctx.t("practice-status-refused")) },
            _ => span.badge { (ctx.t("practice-status-submitted")) },
        }
    }
}

pub fn cards(ctx: &Ctx, items: &[Card], with_status: bool) -> Markup {
    html! {
        ul.objective-list {
            @for c in items {
                li.objective-card {
                    h3 { a href=(format!("/practices/{}", c.id)) { (c.title) } }
                    p.meta {
                        @if with_status { (status_badge(ctx, &c.status)) " " }
                        span.muted { (c.organisation) }
                        @for t in &c.themes { " " span.tag { (themes::name(t, ctx.lang)) } }
                    }
                    @if !c.summary.is_empty() { p { (c.summary) } }
                    @if let Some(at) = c.published_at { p.muted { (ctx.t("practice-published-on")) " " (paris(ctx.lang, at)) } }
                }
            }
        }
    }
}

pub struct ListView {
    pub items: Vec<Card>,
    pub theme: String,
    pub page_no: i64,
    pub has_more: bool,
    /// The viewer's organisation's own practices, in every state.
    pub own: Vec<Card>,
    pub can_submit: bool,
    pub can_review: bool,
    pub notice: Option<String>,
}

pub fn list(ctx: &Ctx, v: &ListView) -> Markup {
    let title = ctx.t("practices-title");
    let query = |page: i64| format!("/practices?{}", super::layout::page_query(&[("theme", &v.theme)], page));
    page_with_feeds(
        ctx,
        &title,
        &[Feed { href: "/feeds/practices.atom".to_owned(), title: ctx.t("practices-feed") }],
        html! {
            div.title-row {
                h1 { (title) }
                div.button-row {
                    @if v.can_submit { a.button.button-primary href="/practices/new" { (ctx.t("practice-new")) } }
                    @if v.can_review { a.button href="/practices/review" { (ctx.t("practices-review-title")) } }
                }
            }
            p.lead { (ctx.t("practices-intro")) }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            form.filters method="get" action="/practices" {
                div.field {
                    label for="theme" { (ctx.t("filter-theme")) }
                    select #theme name="theme" {
                        option value="" { (ctx.t("filter-any")) }
                        @for (code, _, _) in THEMES { option value=(code) selected[v.theme == *code] { (themes::name(code, ctx.lang)) } }
                    }
                }
                button.button type="submit" { (ctx.t("filter-apply")) }
            }
            @if v.items.is_empty() { p.empty { (ctx.t("practices-none")) } } @else { (cards(ctx, &v.items, false)) }
            nav.pagination aria-label=(ctx.t("pagination")) {
                @if v.page_no > 1 { a href=(query(v.page_no - 1)) rel="prev" { (ctx.t("previous")) } }
                @if v.has_more { a href=(query(v.page_no + 1)) rel="next" { (ctx.t("next")) } }
            }
            p { a href="/feeds/practices.atom" { (ctx.t("practices-feed")) } }
            @if !v.own.is_empty() {
                section aria-labelledby="own-practices" {
                    h2 #own-practices { (ctx.t("practices-own")) }
                    (cards(ctx, &v.own, true))
                }
            }
        },
    )
}

pub struct DetailView {
    pub id: i64,
    pub title: String,
    pub body_html: String,
    pub themes: Vec<String>,
    pub organisation: i64,
    pub organisation_name: String,
    pub organisation_listed: bool,
    pub status: String,
    pub refusal_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub has_picture: bool,
    pub featured: bool,
    /// The viewer is an agent: review or feature it.
    pub can_review: bool,
    pub notice: Option<String>,
}

pub fn detail(ctx: &Ctx, v: &DetailView, errors: &Errors) -> Markup {
    page(
        ctx,
        &v.title,
        html! {
            (breadcrumbs(ctx, &[("/practices", ctx.t("practices-title"))], &v.title))
            h1 { (v.title) }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            p.meta {
                (status_badge(ctx, &v.status)) " "
                @if v.organisation_listed { a href=(format!("/directory/{}", v.organisation)) { (v.organisation_name) } } @else { (v.organisation_name) }
                @for t in &v.themes { " " span.tag { (themes::name(t, ctx.lang)) } }
                @if let Some(at) = v.published_at { " — " (ctx.t("practice-published-on")) " " (paris(ctx.lang, at)) }
            }
            @if let Some(r) = &v.refusal_reason { div.alert.alert-error { p { strong { (ctx.t("practice-refused-because")) } " " (r) } } }
            @if v.has_picture {
                figure.practice-picture { img src=(format!("/practices/{}/picture", v.id)) alt=(ctx.t_args("practice-picture-alt", &[("title", &v.title)])); }
            }
            div.prose { (PreEscaped(&v.body_html)) }
            @if v.organisation_listed {
                p { a href=(format!("/directory/{}", v.organisation)) { (ctx.t("practice-organisation-profile")) } }
            }
            @if v.can_review {
                @if v.status == "submitted" {
                    section aria-labelledby="review" {
                        h2 #review { (ctx.t("practice-review")) }
                        (error_summary(ctx, errors))
                        form.inline-form method="post" action=(format!("/practices/{}/review", v.id)) {
                            (csrf_field(ctx))
                            input type="hidden" name="decision" value="publish";
                            button.button.button-primary type="submit" { (ctx.t("practice-publish")) }
                        }
                        form.form method="post" action=(format!("/practices/{}/review", v.id)) {
                            (csrf_field(ctx))
                            input type="hidden" name="decision" value="refuse";
                            div.field.field-invalid[errors.get("reason").is_some()] {
                                label for="reason" { (ctx.t("practice-refusal-reason")) }
                                @if let Some(m) = errors.get("reason") { p.field-error #reason-error { (m) } }
                                textarea #reason name="reason" rows="3" maxlength="2000"
                                    aria-invalid=[errors.get("reason").map(|_| "true")]
                                    aria-describedby=[errors.get("reason").map(|_| "reason-error")] {}
                            }
                            button.button type="submit" { (ctx.t("practice-refuse")) }
                        }
                    }
                } @else if v.status == "published" {
                    form.inline-form method="post" action=(format!("/practices/{}/feature", v.id)) {
                        (csrf_field(ctx))
                        input type="hidden" name="featured" value=(if v.featured { "false" } else { "true" });
                        button.button type="submit" { @if v.featured { (ctx.t("practice-unfeature")) } @else { (ctx.t("practice-feature")) } }
                    }
                }
            }
        },
    )
}

pub fn form(ctx: &Ctx, title: &str, body: &str, chosen: &[String], errors: &Errors) -> Markup {
    let heading = ctx.t("practice-new");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[("/practices", ctx.t("practices-title"))], &heading))
            h1 { (heading) }
            p.lead { (ctx.t("practice-form-intro")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/practices" enctype="multipart/form-data" novalidate {
                (csrf_field(ctx))
                div.field.field-invalid[errors.get("title").is_some()] {
                    label for="title" { (ctx.t("practice-title")) }
                    @if let Some(m) = errors.get("title") { p.field-error #title-error { (m) } }
                    input #title name="title" type="text" maxlength="120" value=(title) required
                        aria-invalid=[errors.get("title").map(|_| "true")] aria-describedby=[errors.get("title").map(|_| "title-error")];
                }
                div.field.field-invalid[errors.get("body").is_some()] {
                    label for="body" { (ctx.t("practice-body")) }
                    p.hint #body-hint { (ctx.t("practice-body-hint")) }
                    @if let Some(m) = errors.get("body") { p.field-error #body-error { (m) } }
                    textarea #body name="body" rows="10" maxlength="5000" required
                        aria-invalid=[errors.get("body").map(|_| "true")]
                        aria-describedby=(if errors.get("body").is_some() { "body-hint body-error" } else { "body-hint" }) { (body) }
                }
                fieldset.field-invalid[errors.get("themes").is_some()] id="themes" {
                    legend { (ctx.t("practice-themes")) }
                    @if let Some(m) = errors.get("themes") { p.field-error { (m) } }
                    div.check-grid {
                        @for (code, _, _) in THEMES {
                            div.field.field-check {
                                input id=(format!("theme-{code}")) type="checkbox" name="themes" value=(code) checked[chosen.iter().any(|c| c == code)];
                                label for=(format!("theme-{code}")) { (themes::name(code, ctx.lang)) }
                            }
                        }
                    }
                }
                div.field.field-invalid[errors.get("file").is_some()] {
                    label for="file" { (ctx.t("practice-picture")) }
                    p.hint #file-hint { (ctx.t("practice-picture-hint")) }
                    @if let Some(m) = errors.get("file") { p.field-error #file-error { (m) } }
                    input #file name="file" type="file" accept=".png,.jpg,.jpeg,image/png,image/jpeg"
                        aria-invalid=[errors.get("file").map(|_| "true")]
                        aria-describedby=(if errors.get("file").is_some() { "file-hint file-error" } else { "file-hint" });
                }
                button.button.button-primary type="submit" { (ctx.t("practice-submit")) }
            }
        },
    )
}

pub fn review_queue(ctx: &Ctx, items: &[Card]) -> Markup {
    let title = ctx.t("practices-review-title");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/practices", ctx.t("practices-title"))], &title))
            h1 { (title) }
            @if items.is_empty() { p.empty { (ctx.t("practices-review-none")) } } @else { (cards(ctx, items, true)) }
        },
    )
}

/// A practice as a card.
pub fn card(p: &crate::domain::network::practices::WithOrganisation) -> Card {
    Card {
        id: p.practice.id.0,
        title: p.practice.title.clone(),
        summary: crate::domain::markdown::plain(&p.practice.body, 240),
        organisation: p.organisation.clone(),
        themes: p.practice.theme_list(),
        published_at: p.practice.published_at,
        status: p.practice.status.clone(),
    }
}
