//! Objectives: the public list and page, and the agents' form.

use chrono::NaiveDateTime;
use maud::{Markup, PreEscaped, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, Feed, csrf_field, page, page_with_feeds};
use crate::db::ids::{CriterionId, OrganisationId, ProposalId, UserId};
use crate::domain::criteria::{CATEGORIES, Criterion};
use crate::domain::documents::Document;
use crate::domain::evaluation::board::Board;
use crate::domain::forms::{FormPairs, Problem};
use crate::domain::markdown;
use crate::domain::network::partners;
use crate::domain::objectives::{
    Horizon, MAX_MILESTONES, NEED_MAX_CHARS, Objective, ObjectiveDraft, ObjectiveFull, Status,
};
use crate::domain::proposals::opening::Opened;
use crate::domain::questions::Question;
use crate::domain::themes::{self, THEMES};
use crate::i18n::Lang;

/// "closes in 3 days 4 h", or "closed".
pub fn time_left(ctx: &Ctx, deadline: Option<NaiveDateTime>, now: NaiveDateTime) -> String {
    let Some(deadline) = deadline else { return String::new() };
    if deadline <= now {
        return ctx.t("objective-closed-since");
    }
    let left = deadline - now;
    let (days, hours, minutes) = (left.num_days(), left.num_hours() % 24, left.num_minutes() % 60);
    let span = if days > 0 {
        ctx.t_args("time-days-hours", &[("days", &days.to_string()), ("hours", &hours.to_string())])
    } else if left.num_hours() > 0 {
        ctx.t_args("time-hours-minutes", &[("hours", &left.num_hours().to_string()), ("minutes", &minutes.to_string())])
    } else {
        ctx.t_args("time-minutes", &[("minutes", &left.num_minutes().max(1).to_string())])
    };
    ctx.t_args("objective-closes-in", &[("span", &span)])
}

pub fn status_badge(ctx: &Ctx, status: Status) -> Markup {
    let class = match status {
        Status::Published => "badge badge-ok",
        Status::Draft => "badge",
        Status::Cancelled => "badge badge-danger",
        _ => "badge badge-strong",
    };
    html! { span class=(class) { (ctx.t(&format!("status-{}", status.as_str()))) } }
}

/// One objective in a list.
pub struct ObjectiveCard {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub status: Status,
    pub themes: Vec<String>,
    pub deadline: Option<NaiveDateTime>,
    pub summary: String,
}

pub fn cards(ctx: &Ctx, items: &[ObjectiveCard], now: NaiveDateTime) -> Markup {
    html! {
        ul.objective-list {
            @for o in items {
                li.objective-card {
                    h3 { a href=(format!("/objectives/{}", o.id)) { (o.title) } }
                    p.meta {
                        (status_badge(ctx, o.status)) " "
                        span.muted { (o.reference) }
                        @for t in &o.themes { " " span.tag { (themes::name(t, ctx.lang)) } }
                    }
                    @if !o.summary.is_empty() { p { (o.summary) } }
                    @if let Some(d) = o.deadline {
                        p.deadline {
                            (ctx.t("objective-deadline-label")) " " time datetime=(format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S"))) { (paris(ctx.lang, d)) }
                            @if o.status == Status::Published { " — " strong { (time_left(ctx, Some(d), now)) } }
                        }
                    }
                }
            }
        }
    }
}

/// The list's filter values, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FilterValues {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub theme: String,
    #[serde(default)]
    pub horizon: String,
    #[serde(default)]
    pub deadline_before: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl FilterValues {
    pub fn query(&self, page: i64) -> String {
        super::layout::page_query(
            &[
                ("q", &self.q),
                ("status", &self.status),
                ("theme", &self.theme),
                ("horizon", &self.horizon),
                ("deadline_before", &self.deadline_before),
            ],
            page,
        )
    }
}

pub fn list(
    ctx: &Ctx,
    items: &[ObjectiveCard],
    f: &FilterValues,
    page_no: i64,
    has_more: bool,
    is_agent: bool,
    now: NaiveDateTime,
) -> Markup {
    let title = ctx.t("objectives-title");
    let mut statuses = vec![
        "open",
        "closed",
        "under_evaluation",
        "results_published",
        "awarded",
        "not_awarded",
        "in_execution",
        "completed",
        "archived",
        "cancelled",
    ];
    if is_agent {
        statuses.insert(0, "draft");
    }
    let theme = (!f.theme.is_empty()).then_some(f.theme.as_str());
    page_with_feeds(
        ctx,
        &title,
        &feeds(ctx, theme.into_iter()),
        html! {
            div.title-row {
                h1 { (title) }
                @if is_agent { a.button.button-primary href="/objectives/new" { (ctx.t("objective-new")) } }
            }
            p { a href="/consultations" { (ctx.t("consultations-link")) } }
            form.filters method="get" action="/objectives" role="search" {
                div.field.field-search {
                    label for="q" { (ctx.t("filter-search")) }
                    input #q type="search" name="q" value=(f.q);
                }
                div.field {
                    label for="status" { (ctx.t("filter-status")) }
                    select #status name="status" {
                        option value="" { (ctx.t("filter-any")) }
                        @for s in &statuses { option value=(s) selected[f.status == *s] { (ctx.t(&format!("status-{s}"))) } }
                    }
                }
                div.field {
                    label for="theme" { (ctx.t("filter-theme")) }
                    select #theme name="theme" {
                        option value="" { (ctx.t("filter-any")) }
                        @for (code, _, _) in THEMES { option value=(code) selected[f.theme == *code] { (themes::name(code, ctx.lang)) } }
                    }
                }
                div.field {
                    label for="horizon" { (ctx.t("filter-horizon")) }
                    select #horizon name="horizon" {
                        option value="" { (ctx.t("filter-any")) }
                        @for h in Horizon::ALL { option value=(h.as_str()) selected[f.horizon == h.as_str()] { (ctx.t(&format!("horizon-{}", h.as_str().replace('+', "plus")))) } }
                    }
                }
                div.field {
                    label for="deadline_before" { (ctx.t("filter-deadline-before")) }
                    input #deadline_before type="date" name="deadline_before" value=(f.deadline_before);
                }
                button.button type="submit" { (ctx.t("filter-apply")) }
            }
            @if items.is_empty() {
                p.empty { (ctx.t("objectives-none")) }
            } @else {
                (cards(ctx, items, now))
            }
            nav.pagination aria-label=(ctx.t("pagination")) {
                @if page_no > 1 { a href=(format!("/objectives?{}", f.query(page_no - 1))) rel="prev" { (ctx.t("previous")) } }
                @if has_more { a href=(format!("/objectives?{}", f.query(page_no + 1))) rel="next" { (ctx.t("next")) } }
            }
            p { a href="/feeds/objectives.atom" { (ctx.t("feed-link")) } }
        },
    )
}

/// The feeds a page about objectives offers: all published objectives, then each theme's.
pub fn feeds<'a>(ctx: &Ctx, themes: impl Iterator<Item = &'a str>) -> Vec<Feed> {
    let mut all = vec![Feed { href: "/feeds/objectives.atom".to_owned(), title: ctx.t("feed-objectives-title") }];
    for code in themes.filter(|c| THEMES.iter().any(|(t, _, _)| t == c)) {
        all.push(Feed {
            href: format!("/feeds/themes/{code}.atom"),
            title: ctx.t_args("feed-theme-title", &[("theme", &themes::name(code, ctx.lang))]),
        });
    }
    all
}

/// One criterion of an objective, as shown.
pub struct CriterionRow {
    pub name: String,
    pub category: String,
    pub description: String,
    pub weight: i32,
    pub eliminatory: bool,
    pub min_score: Option<i32>,
    pub levels: Vec<String>,
}

pub struct AmendmentRow {
    pub occurred_at: NaiveDateTime,
    pub reason: String,
    pub essential: bool,
    pub fields: Vec<String>,
    /// (field, before, after) in plain text.
    pub changes: Vec<(String, String, String)>,
}

/// Everything the objective page shows.
pub struct ObjectiveView {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub status: Status,
    /// The need, as sanitised HTML (see `domain::markdown`).
    pub need_html: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<chrono::NaiveDate>,
    pub deliberation_url: Option<String>,
    pub themes: Vec<String>,
    pub horizon: String,
    pub milestones: Vec<(chrono::NaiveDate, String)>,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    pub deadline: Option<NaiveDateTime>,
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub criteria: Vec<CriterionRow>,
    pub amendments: Vec<AmendmentRow>,
    pub cancel_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub can_edit: bool,
    pub can_publish: bool,
    pub can_cancel: bool,
    pub can_delete: bool,
    /// Problems publishing would meet (shown to agents on drafts).
    pub missing: Vec<String>,
    pub notice: Option<String>,
    /// Answered questions: (question, answer, answered at).
    pub answered: Vec<(String, String, NaiveDateTime)>,
    /// The viewer's own questions still waiting.
    pub my_pending: Vec<String>,
    /// For agents: questions waiting, (id, question, asked at).
    pub pending: Vec<(i64, String, NaiveDateTime)>,
    pub can_ask: bool,
    pub can_answer: bool,
    /// `Some(following?)` when the viewer may follow.
    pub following: Option<bool>,
    /// (id, file name, bytes, SHA-256)
    pub documents: Vec<(i64, String, i64, String)>,
    pub can_upload: bool,
    /// Published: an upload is an amendment and needs a reason.
    pub upload_needs_reason: bool,
    pub can_remove_documents: bool,
    pub respond: Respond,
    /// Published results, once the agent published them.
    pub results: Option<super::evaluation::PublicResults>,
    /// The award and the stages after the results.
    pub after_results: Option<super::award::AfterResults>,
    /// Who looks for partners on this objective (shown while it is open, or when some did).
    pub partners: super::messages::PartnersView,
    /// A refused question, shown again in its field.
    pub typed_question: String,
    /// The consultation before the call, if there was one: its dates, synthesis, minutes and
    /// note of what changed (public documents of the call).
    pub consultation: Option<Markup>,
    /// An agent may put this draft in consultation (it has none yet).
    pub can_consult: bool,
    /// The consultation's page, for agents on a draft in consultation.
    pub consultation_link: Option<i64>,
}

/// What the objective page offers about proposals to the viewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Respond {
    Nothing,
    /// A visitor: sign in (or register) to answer.
    SignIn,
    /// A supplier whose organisation has no proposal yet.
    Start,
    /// A supplier whose organisation (or consortium) has one.
    Continue(i64),
    /// Agents: how many proposals were deposited (nothing more before the deadline).
    Deposited(i64),
}

pub fn size_text(lang: Lang, bytes: i64) -> String {
    let kib = bytes as f64 / 1024.0;
    let (value, unit) = if kib >= 1024.0 {
        (kib / 1024.0, if lang == Lang::Fr { "Mo" } else { "MB" })
    } else {
        (kib, if lang == Lang::Fr { "ko" } else { "kB" })
    };
    let text = format!("{value:.1}");
    let text = if lang == Lang::Fr { text.replace('.', ",") } else { text };
    format!("{text} {unit}")
}

pub fn euros(lang: Lang, amount: i64) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(if lang == Lang::Fr { '\u{202f}' } else { ',' });
        }
        grouped.push(c);
    }
    match lang {
        Lang::Fr => format!("{grouped} €"),
        Lang::En => format!("€{grouped}"),
    }
}

/// `errors`: a refused form's errors (the question, the partner search), shown by their fields.
pub fn detail(ctx: &Ctx, v: &ObjectiveView, now: NaiveDateTime, errors: &super::forms::Errors) -> Markup {
    page_with_feeds(
        ctx,
        &v.title,
        &feeds(ctx, v.themes.iter().map(String::as_str)),
        html! {
            nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) {
                ol { li { a href="/" { (ctx.t("nav-home")) } } li { a href="/objectives" { (ctx.t("objectives-title")) } } li aria-current="page" { (v.reference) } }
            }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            article.objective {
                header.objective-header {
                    p.meta { (status_badge(ctx, v.status)) " " span.muted { (v.reference) } @for t in &v.themes { " " span.tag { (themes::name(t, ctx.lang)) } } }
                    h1 { (v.title) }
                    @if let Some(d) = v.deadline {
                        p.deadline.deadline-large {
                            (ctx.t("objective-deadline-label")) " " time datetime=(format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S"))) { (paris(ctx.lang, d)) } " " span.muted { (ctx.t("paris-time")) }
                            @if v.status == Status::Published { br; strong { (time_left(ctx, Some(d), now)) } }
                        }
                    }
                    @if let Some(following) = v.following {
                        form.inline-form method="post" action=(format!("/objectives/{}/{}", v.id, if following { "unfollow" } else { "follow" })) {
                            (csrf_field(ctx))
                            button.button type="submit" { @if following { (ctx.t("follow-stop")) } @else { (ctx.t("follow-objective")) } }
                        }
                    }
                    @if let Some(reason) = &v.cancel_reason {
                        div.alert.alert-warn { p { strong { (ctx.t("objective-cancelled-because")) } " " (reason) } }
                    }
                }
                @if v.can_edit || v.can_publish || v.can_cancel || v.can_delete || v.can_consult {
                    section.agent-actions aria-labelledby="agent-actions" {
                        h2 #agent-actions { (ctx.t("objective-agent-actions")) }
                        @if !v.missing.is_empty() {
                            div.alert.alert-warn {
                                p { (ctx.t("objective-missing")) }
                                ul { @for m in &v.missing { li { (m) } } }
                            }
                        }
                        div.button-row {
                            @if v.can_edit { a.button href=(format!("/objectives/{}/edit", v.id)) { @if v.status == Status::Draft { (ctx.t("objective-edit")) } @else { (ctx.t("objective-amend")) } } }
                            @if v.can_consult { a.button href=(format!("/objectives/{}/consultation", v.id)) { (ctx.t("consultation-put")) } }
                            @if let Some(c) = v.consultation_link { a.button href=(format!("/consultations/{c}/manage")) { (ctx.t("consultation-manage")) } }
                            @if v.can_publish {
                                form.inline-form method="post" action=(format!("/objectives/{}/publish", v.id)) {
                                    (csrf_field(ctx))
                                    button.button.button-primary type="submit" { (ctx.t("objective-publish")) }
                                }
                            }
                        }
                        @if v.can_cancel || v.can_delete {
                            div.danger-zone {
                                @if v.can_cancel { a.button.button-danger href=(format!("/objectives/{}/cancel", v.id)) { (ctx.t("objective-cancel")) } }
                                @if v.can_delete { a.button.button-danger href=(format!("/objectives/{}/delete", v.id)) { (ctx.t("objective-delete")) } }
                            }
                        }
                    }
                }
                @if let Some(r) = &v.results { (super::evaluation::public_results(ctx, r)) }
                @if let Some(a) = &v.after_results { (super::award::public_section(ctx, a)) }
                @match v.respond {
                    Respond::Nothing => {},
                    Respond::SignIn => section.respond aria-labelledby="respond" {
                        h2 #respond { (ctx.t("respond-title")) }
                        p { (ctx.t("respond-sign-in")) " " a href=(format!("/login?next=/objectives/{}", v.id)) { (ctx.t("nav-sign-in")) } " · " a href="/register" { (ctx.t("nav-register")) } }
                    },
                    Respond::Start => section.respond aria-labelledby="respond" {
                        h2 #respond { (ctx.t("respond-title")) }
                        p { (ctx.t("respond-start-text")) }
                        a.button.button-primary href=(format!("/objectives/{}/proposal", v.id)) { (ctx.t("respond-start")) }
                    },
                    Respond::Continue(p) => section.respond aria-labelledby="respond" {
                        h2 #respond { (ctx.t("respond-title")) }
                        a.button.button-primary href=(format!("/proposals/{p}")) { (ctx.t("respond-continue")) }
                    },
                    Respond::Deposited(n) => section.respond aria-labelledby="respond" {
                        h2 #respond { (ctx.t("opening-title")) }
                        p { (ctx.t_args("opening-count", &[("count", &n.to_string())])) " " a href=(format!("/objectives/{}/proposals", v.id)) { (ctx.t("opening-see")) } }
                        p { a href=(format!("/objectives/{}/committee", v.id)) { (ctx.t("committee-title")) } }
                    },
                }
                section aria-labelledby="need" {
                    h2 #need { (ctx.t("objective-need")) }
                    // Sanitised by `domain::markdown::render` (no raw HTML, no scripts).
                    div.prose { (PreEscaped(&v.need_html)) }
                }
                section aria-labelledby="politics" {
                    h2 #politics { (ctx.t("objective-political")) }
                    p { (v.political_objective) }
                    p.muted {
                        (ctx.t("objective-deliberation")) " " (v.deliberation_ref)
                        @if let Some(d) = v.deliberation_date { " " (ctx.t("of-date")) " " (d.format("%d/%m/%Y")) }
                        @if let Some(url) = &v.deliberation_url { " — " a href=(url) rel="nofollow noopener" { (ctx.t("objective-deliberation-link")) } }
                    }
                }
                section aria-labelledby="timeline" {
                    h2 #timeline { (ctx.t("objective-timeline")) }
                    p { (ctx.t("objective-horizon-label")) " " strong { (ctx.t(&format!("horizon-{}", v.horizon.replace('+', "plus")))) } }
                    @if !v.milestones.is_empty() {
                        ol.timeline {
                            @for (date, label) in &v.milestones {
                                li { time datetime=(date.to_string()) { (date.format("%d/%m/%Y")) } " — " (label) }
                            }
                        }
                    }
                    @if let Some(a) = v.after_results.as_ref().filter(|a| !a.stages.is_empty()) {
                        ol.timeline { (super::award::stage_items(ctx, &a.stages)) }
                    }
                }
                @if let Some(c) = &v.consultation { (c) }
                section aria-labelledby="practical" {
                    h2 #practical { (ctx.t("objective-practical")) }
                    dl.facts {
                        dt { (ctx.t("field-place")) } dd { (v.place) }
                        dt { (ctx.t("field-contact")) } dd { (v.contact) }
                        @if let Some(b) = v.budget_euros { dt { (ctx.t("objective-budget")) } dd { (euros(ctx.lang, b)) } }
                        @if let Some(p) = v.published_at { dt { (ctx.t("objective-published-on")) } dd { (paris(ctx.lang, p)) } }
                    }
                }
                section aria-labelledby="criteria" {
                    h2 #criteria { (ctx.t("objective-criteria")) }
                    @if v.criteria.is_empty() {
                        p.empty { (ctx.t("objective-no-criteria")) }
                    } @else {
                        table.criteria-table {
                            thead { tr { th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("criterion-category")) } th scope="col" { (ctx.t("criterion-weight")) } } }
                            tbody {
                                @for c in &v.criteria {
                                    tr {
                                        td {
                                            strong { (c.name) }
                                            @if c.eliminatory { " " span.badge.badge-danger { (ctx.t_args("criterion-eliminatory", &[("min", &c.min_score.unwrap_or(0).to_string())])) } }
                                            p.muted { (c.description) }
                                            details {
                                                summary { (ctx.t("criterion-levels")) }
                                                ol.levels start="0" { @for l in &c.levels { li { (l) } } }
                                            }
                                        }
                                        td { (ctx.t(&format!("category-{}", c.category))) }
                                        td.num { (c.weight) " %" }
                                    }
                                }
                            }
                        }
                        p.muted {
                            @if v.shortlist_rule == "min" { (ctx.t_args("shortlist-min", &[("value", &v.shortlist_value.to_string())])) }
                            @else { (ctx.t_args("shortlist-top", &[("value", &v.shortlist_value.to_string())])) }
                        }
                    }
                }
                section aria-labelledby="documents" {
                    h2 #documents { (ctx.t("documents-title")) }
                    @if v.documents.is_empty() {
                        p.empty { (ctx.t("documents-none")) }
                    } @else {
                        ul.plain-list {
                            @for (doc, name, size, sha) in &v.documents {
                                li {
                                    a href=(format!("/objectives/{}/documents/{doc}", v.id)) download { (name) }
                                    " " span.muted { "(" (size_text(ctx.lang, *size)) ")" }
                                    br; span.muted.hash { "SHA-256 " code { (sha) } }
                                    @if v.can_remove_documents {
                                        " "
                                        form.inline-form method="post" action=(format!("/objectives/{}/documents/{doc}/delete", v.id)) {
                                            (csrf_field(ctx))
                                            button.link-button.danger type="submit" { (ctx.t("documents-remove")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if v.can_upload {
                        @if errors.get("file").is_some() { (super::forms::error_summary(ctx, errors)) }
                        form.form method="post" enctype="multipart/form-data" action=(format!("/objectives/{}/documents", v.id)) {
                            (csrf_field(ctx))
                            @if v.upload_needs_reason {
                                div.field {
                                    label for="doc-reason" { (ctx.t("amendment-reason-field")) }
                                    textarea #doc-reason name="reason" rows="2" required {}
                                }
                            }
                            @let file_error = errors.get("file");
                            div.field.field-invalid[file_error.is_some()] {
                                label for="file" { (ctx.t("documents-add")) }
                                p.hint #file-hint { (ctx.t("documents-hint")) }
                                @if let Some(m) = file_error { p.field-error #file-error { (m) } }
                                input #file type="file" name="file" multiple
                                    aria-invalid=[file_error.map(|_| "true")]
                                    aria-describedby=(if file_error.is_some() { "file-hint file-error" } else { "file-hint" })
                                    accept=".pdf,.odt,.ods,.docx,.xlsx,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg";
                            }
                            button.button type="submit" { (ctx.t("documents-upload")) }
                        }
                    }
                }
                section aria-labelledby="qa" {
                    h2 #qa { (ctx.t("qa-title")) }
                    @if v.answered.is_empty() {
                        p.empty { (ctx.t("qa-none")) }
                    } @else {
                        dl.qa {
                            @for (q, a, at) in &v.answered {
                                dt { (q) }
                                dd { p { (a) } p.muted { (ctx.t("qa-answered-on")) " " (paris(ctx.lang, *at)) } }
                            }
                        }
                    }
                    @if !v.my_pending.is_empty() {
                        h3 { (ctx.t("qa-my-pending")) }
                        ul { @for q in &v.my_pending { li { (q) } } }
                    }
                    @if errors.get("question").is_some() { (super::forms::error_summary(ctx, errors)) }
                    @if v.can_ask {
                        form.form method="post" action=(format!("/objectives/{}/questions", v.id)) {
                            (csrf_field(ctx))
                            @let error = errors.get("question");
                            div.field.field-invalid[error.is_some()] {
                                label for="question" { (ctx.t("qa-ask")) }
                                p.hint #question-hint { (ctx.t("qa-ask-hint")) }
                                @if let Some(m) = error { p.field-error #question-error { (m) } }
                                textarea #question name="question" rows="4" maxlength="2000" required
                                    aria-invalid=[error.map(|_| "true")]
                                    aria-describedby=(if error.is_some() { "question-hint question-error" } else { "question-hint" }) { (v.typed_question) }
                            }
                            button.button.button-primary type="submit" { (ctx.t("qa-ask-submit")) }
                        }
                    }
                    @if v.can_answer {
                        @if !v.pending.is_empty() {
                            h3 { (ctx.t("qa-pending")) }
                            @for (qid, q, at) in &v.pending {
                                form.form.qa-answer method="post" action=(format!("/objectives/{}/questions/{qid}/answer", v.id)) {
                                    (csrf_field(ctx))
                                    p { strong { (q) } br; span.muted { (ctx.t("qa-asked-on")) " " (paris(ctx.lang, *at)) } }
                                    div.field {
                                        label for=(format!("answer-{qid}")) { (ctx.t("qa-answer")) }
                                        textarea id=(format!("answer-{qid}")) name="answer" rows="3" required {}
                                    }
                                    button.button type="submit" { (ctx.t("qa-answer-submit")) }
                                }
                            }
                        }
                        details {
                            summary { (ctx.t("qa-publish-own")) }
                            form.form method="post" action=(format!("/objectives/{}/questions/publish", v.id)) {
                                (csrf_field(ctx))
                                div.field { label for="own-question" { (ctx.t("qa-question")) } textarea #own-question name="question" rows="2" required {} }
                                div.field { label for="own-answer" { (ctx.t("qa-answer")) } textarea #own-answer name="answer" rows="3" required {} }
                                button.button type="submit" { (ctx.t("qa-publish-submit")) }
                            }
                        }
                    }
                }
                @if v.partners.open || !v.partners.rows.is_empty() {
                    (super::messages::partners_section(ctx, &v.partners, errors))
                }
                @if !v.amendments.is_empty() {
                    section aria-labelledby="amendments" {
                        h2 #amendments { (ctx.t("objective-amendments")) }
                        ol.amendments {
                            @for a in &v.amendments {
                                li {
                                    strong { (paris(ctx.lang, a.occurred_at)) } " "
                                    @if a.essential { span.badge.badge-danger { (ctx.t("amendment-essential")) } " " }
                                    (ctx.t("amendment-fields")) " " (a.fields.join(", ")) ". "
                                    (ctx.t("amendment-reason")) " " (a.reason)
                                    details {
                                        summary { (ctx.t("amendment-details")) }
                                        dl.changes {
                                            @for (field, before, after) in &a.changes {
                                                dt { (field) }
                                                dd { span.muted { (ctx.t("amendment-before")) " " } (before) }
                                                dd { span.muted { (ctx.t("amendment-after")) " " } (after) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn value<'a>(pairs: &'a FormPairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn has(pairs: &FormPairs, name: &str, v: &str) -> bool {
    pairs.iter().any(|(k, x)| k == name && x == v)
}

fn text_field(
    ctx: &Ctx,
    pairs: &FormPairs,
    errors: &Errors,
    name: &'static str,
    label_key: &str,
    hint: Option<String>,
    kind: &str,
) -> Markup {
    let error = errors.get(name);
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (ctx.t(label_key)) }
            @if let Some(h) = &hint { p.hint id=(format!("{name}-hint")) { (h) } }
            @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
            input id=(name) name=(name) type=(kind) value=(value(pairs, name)) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{name}-error")).or(hint.as_ref().map(|_| format!("{name}-hint")))];
        }
    }
}

/// How the form is used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormMode {
    New,
    Draft(i64),
    /// A published objective: changes become a public amendment with a reason.
    Amend(i64),
}

pub fn form(ctx: &Ctx, pairs: &FormPairs, catalogue: &[Criterion], errors: &Errors, mode: FormMode) -> Markup {
    let (title, action) = match mode {
        FormMode::New => (ctx.t("objective-new"), "/objectives".to_owned()),
        FormMode::Draft(id) => (ctx.t("objective-edit"), format!("/objectives/{id}")),
        FormMode::Amend(id) => (ctx.t("objective-amend"), format!("/objectives/{id}")),
    };
    let need_error = errors.get("need");
    let criteria_error = errors.get("criteria");
    let weight_sum: i32 =
        catalogue.iter().filter_map(|c| value(pairs, &format!("w_{}", c.id)).parse::<i32>().ok()).sum();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            @if let FormMode::Amend(_) = mode { div.alert.alert-warn { p { (ctx.t("objective-amend-intro")) } } }
            (error_summary(ctx, errors))
            form.form.form-wide method="post" action=(action) novalidate {
                (csrf_field(ctx))
                @if let FormMode::Amend(_) = mode {
                    div.field.field-invalid[errors.get("reason").is_some()] {
                        label for="reason" { (ctx.t("amendment-reason-field")) }
                        @if let Some(m) = errors.get("reason") { p.field-error id="reason-error" { (m) } }
                        textarea #reason name="reason" rows="2" aria-invalid=[errors.get("reason").map(|_| "true")] { (value(pairs, "reason")) }
                    }
                }
                fieldset {
                    legend { (ctx.t("objective-section-need")) }
                    (text_field(ctx, pairs, errors, "title", "field-title", None, "text"))
                    div.field.field-invalid[need_error.is_some()] {
                        label for="need" { (ctx.t("objective-need")) }
                        p.hint #need-hint { (ctx.t_args("need-hint", &[("max", &NEED_MAX_CHARS.to_string())])) }
                        @if let Some(m) = need_error { p.field-error id="need-error" { (m) } }
                        textarea #need name="need" rows="12" maxlength=(NEED_MAX_CHARS) aria-describedby="need-hint" aria-invalid=[need_error.map(|_| "true")] { (value(pairs, "need")) }
                    }
                    div.field {
                        label for="political_objective" { (ctx.t("objective-political")) }
                        @if let Some(m) = errors.get("political_objective") { p.field-error id="political_objective-error" { (m) } }
                        textarea #political_objective name="political_objective" rows="3" { (value(pairs, "political_objective")) }
                    }
                    (text_field(ctx, pairs, errors, "deliberation_ref", "field-deliberation-ref", Some(ctx.t("deliberation-ref-hint")), "text"))
                    (text_field(ctx, pairs, errors, "deliberation_date", "field-deliberation-date", None, "date"))
                    (text_field(ctx, pairs, errors, "deliberation_url", "field-deliberation-url", None, "url"))
                }
                fieldset #themes {
                    legend { (ctx.t("field-themes")) }
                    @if let Some(m) = errors.get("themes") { p.field-error { (m) } }
                    div.checkbox-grid {
                        @for (code, _, _) in THEMES {
                            div.field-check {
                                input id=(format!("theme-{code}")) type="checkbox" name="themes" value=(code) checked[has(pairs, "themes", code)];
                                label for=(format!("theme-{code}")) { (themes::name(code, ctx.lang)) }
                            }
                        }
                    }
                }
                fieldset {
                    legend { (ctx.t("objective-timeline")) }
                    div.field {
                        label for="horizon" { (ctx.t("field-horizon")) }
                        select #horizon name="horizon" {
                            @for h in Horizon::ALL { option value=(h.as_str()) selected[value(pairs, "horizon") == h.as_str()] { (ctx.t(&format!("horizon-{}", h.as_str().replace('+', "plus")))) } }
                        }
                    }
                    (text_field(ctx, pairs, errors, "deadline", "field-deadline", Some(ctx.t("deadline-hint")), "datetime-local"))
                    div #milestones {
                        p { strong { (ctx.t("field-milestones")) } }
                        @if let Some(m) = errors.get("milestones") { p.field-error { (m) } }
                        @for i in 0..MAX_MILESTONES {
                            div.milestone-row {
                                label.visually-hidden for=(format!("m_date_{i}")) { (ctx.t("milestone-date")) " " (i + 1) }
                                input id=(format!("m_date_{i}")) type="date" name=(format!("m_date_{i}")) value=(value(pairs, &format!("m_date_{i}")));
                                label.visually-hidden for=(format!("m_label_{i}")) { (ctx.t("milestone-label")) " " (i + 1) }
                                input id=(format!("m_label_{i}")) type="text" name=(format!("m_label_{i}")) value=(value(pairs, &format!("m_label_{i}"))) placeholder=(ctx.t("milestone-label"));
                            }
                        }
                    }
                }
                fieldset {
                    legend { (ctx.t("objective-practical")) }
                    (text_field(ctx, pairs, errors, "budget_euros", "field-budget", Some(ctx.t("budget-hint")), "text"))
                    (text_field(ctx, pairs, errors, "place", "field-place", None, "text"))
                    (text_field(ctx, pairs, errors, "contact", "field-contact", Some(ctx.t("contact-hint")), "text"))
                }
                fieldset #criteria {
                    legend { (ctx.t("objective-criteria")) }
                    p.hint { (ctx.t("criteria-hint")) }
                    @if let Some(m) = criteria_error { p.field-error id="criteria-error" role="alert" { (m) } }
                    @for category in CATEGORIES {
                        @let in_category: Vec<&Criterion> = catalogue.iter().filter(|c| c.category == category).collect();
                        @if !in_category.is_empty() {
                            h3 { (ctx.t(&format!("category-{category}"))) }
                            @for c in in_category {
                                div.criterion-row {
                                    div.criterion-name {
                                        label for=(format!("w_{}", c.id)) { strong { (c.name(ctx.lang)) } }
                                        p.hint { (c.description(ctx.lang)) }
                                    }
                                    div.criterion-inputs {

                                        input.weight id=(format!("w_{}", c.id)) type="number" min="0" max="100" step="1" name=(format!("w_{}", c.id)) value=(value(pairs, &format!("w_{}", c.id))) aria-label=(format!("{} — {}", ctx.t("criterion-weight"), c.name(ctx.lang)));
                                        span { "%" }
                                        div.field-check {
                                            input id=(format!("elim_{}", c.id)) type="checkbox" name=(format!("elim_{}", c.id)) value="true" checked[!value(pairs, &format!("elim_{}", c.id)).is_empty()];
                                            label for=(format!("elim_{}", c.id)) { (ctx.t("criterion-eliminatory-field")) }
                                        }
                                        label for=(format!("min_{}", c.id)) { (ctx.t("criterion-min")) }
                                        select id=(format!("min_{}", c.id)) name=(format!("min_{}", c.id)) {
                                            option value="" { "—" }
                                            @for n in 1..=5 { option value=(n) selected[value(pairs, &format!("min_{}", c.id)) == n.to_string()] { (n) } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    p.weight-sum { (ctx.t_args("weights-sum", &[("sum", &weight_sum.to_string())])) }
                    div.field {
                        label for="shortlist_rule" { (ctx.t("field-shortlist")) }
                        select #shortlist_rule name="shortlist_rule" {
                            option value="top" selected[value(pairs, "shortlist_rule") != "min"] { (ctx.t("shortlist-rule-top")) }
                            option value="min" selected[value(pairs, "shortlist_rule") == "min"] { (ctx.t("shortlist-rule-min")) }
                        }
                    }
                    (text_field(ctx, pairs, errors, "shortlist_value", "field-shortlist-value", None, "number"))
                }
                div.button-row {
                    button.button.button-primary type="submit" { @if let FormMode::Amend(_) = mode { (ctx.t("objective-amend-submit")) } @else { (ctx.t("objective-save")) } }
                }
            }
        },
    )
}

/// The user's subscriptions: themes to tick, objectives followed.
pub fn subscriptions(
    ctx: &Ctx,
    themes_followed: &[String],
    followed: &[ObjectiveCard],
    saved: bool,
    now: NaiveDateTime,
) -> Markup {
    let title = ctx.t("subscriptions-title");
    page_with_feeds(
        ctx,
        &title,
        &feeds(ctx, themes_followed.iter().map(String::as_str)),
        html! {
            h1 { (title) }
            @if saved { div.alert.alert-ok role="status" { p { (ctx.t("saved")) } } }
            p { (ctx.t("subscriptions-intro")) }
            form.form method="post" action="/account/subscriptions" {
                (csrf_field(ctx))
                fieldset {
                    legend { (ctx.t("subscriptions-themes")) }
                    div.checkbox-grid {
                        @for (code, _, _) in THEMES {
                            div.field-check {
                                input id=(format!("follow-{code}")) type="checkbox" name="themes" value=(code) checked[themes_followed.iter().any(|t| t == code)];
                                label for=(format!("follow-{code}")) { (themes::name(code, ctx.lang)) }
                            }
                        }
                    }
                }
                button.button.button-primary type="submit" { (ctx.t("save")) }
            }
            h2 { (ctx.t("subscriptions-objectives")) }
            @if followed.is_empty() { p.empty { (ctx.t("subscriptions-none")) } } @else { (cards(ctx, followed, now)) }
            p { a href="/feeds/objectives.atom" { (ctx.t("feed-link")) } }
        },
    )
}

// ---- view data from domain values ----

/// Translates domain problems into messages by field.
pub fn problems_to_errors(ctx: &Ctx, problems: &[Problem], catalogue: &[Criterion]) -> Errors {
    let mut errors = Errors::default();
    for p in problems {
        let args: Vec<(&str, String)> = p
            .args
            .iter()
            .map(|(name, value)| {
                if *name == "criterion" {
                    let name = value
                        .parse::<i64>()
                        .ok()
                        .and_then(|id| catalogue.iter().find(|c| c.id == CriterionId(id)))
                        .map_or_else(|| value.clone(), |c| c.name(ctx.lang).to_owned());
                    ("criterion", name)
                } else {
                    (*name, value.clone())
                }
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        errors.add(p.field, ctx.t_args(p.key, &borrowed));
    }
    errors
}

/// The form values of a stored objective (deadline shown in Europe/Paris).
pub fn draft_to_pairs(d: &ObjectiveDraft) -> FormPairs {
    let mut pairs: FormPairs = vec![
        ("title".into(), d.title.clone()),
        ("need".into(), d.need.clone()),
        ("political_objective".into(), d.political_objective.clone()),
        ("deliberation_ref".into(), d.deliberation_ref.clone()),
        ("deliberation_date".into(), d.deliberation_date.map(|x| x.to_string()).unwrap_or_default()),
        ("deliberation_url".into(), d.deliberation_url.clone().unwrap_or_default()),
        ("horizon".into(), d.horizon.as_str().into()),
        ("budget_euros".into(), d.budget_euros.map(|b| b.to_string()).unwrap_or_default()),
        ("place".into(), d.place.clone()),
        ("contact".into(), d.contact.clone()),
        ("shortlist_rule".into(), d.shortlist_rule.clone()),
        ("shortlist_value".into(), d.shortlist_value.to_string()),
    ];
    if let Some(deadline) = d.deadline_at {
        let local = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &deadline);
        pairs.push(("deadline".into(), local.format("%Y-%m-%dT%H:%M").to_string()));
    }
    for t in &d.themes {
        pairs.push(("themes".into(), t.clone()));
    }
    for w in &d.criteria {
        pairs.push((format!("w_{}", w.criterion_id), w.weight.to_string()));
        if w.eliminatory {
            pairs.push((format!("elim_{}", w.criterion_id), "true".into()));
        }
        if let Some(m) = w.min_score {
            pairs.push((format!("min_{}", w.criterion_id), m.to_string()));
        }
    }
    for (i, m) in d.milestones.iter().enumerate() {
        pairs.push((format!("m_date_{i}"), m.due_on.to_string()));
        pairs.push((format!("m_label_{i}"), m.label.clone()));
    }
    pairs
}

/// A card for lists.
pub fn card(o: &Objective, now: NaiveDateTime) -> ObjectiveCard {
    ObjectiveCard {
        id: o.id.0,
        reference: o.reference.clone(),
        title: if o.title.is_empty() { "—".into() } else { o.title.clone() },
        status: o.status_at(now),
        themes: o.theme_list(),
        deadline: o.deadline_at,
        summary: markdown::plain(&o.need, 240),
    }
}

/// A form on the objective page refused: its errors by field, and what was typed, shown again.
#[derive(Default)]
pub struct Refused {
    pub errors: Errors,
    pub question: String,
    pub skills: Option<String>,
}

/// Who looks for partners on the objective, as the viewer sees them.
fn partners_view(page: &ObjectivePage, typed: Option<String>) -> super::messages::PartnersView {
    let viewer_org = page.viewer.organisation;
    let own_skills =
        page.partners.iter().find(|r| Some(r.request.organisation_id) == viewer_org).map(|r| r.request.skills.clone());
    super::messages::PartnersView {
        objective: page.full.objective.id.0,
        rows: page
            .partners
            .iter()
            .map(|r| super::messages::PartnerRow {
                organisation: r.request.organisation_id.0,
                own: Some(r.request.organisation_id) == viewer_org,
                name: r.organisation.clone(),
                skills: r.request.skills.clone(),
                listed: r.listed,
            })
            .collect(),
        open: page.partners_open,
        can_seek: page.may.seek,
        signed_in: page.viewer.user.is_some(),
        own_skills,
        typed,
    }
}

/// What the page offers about proposals to the viewer.
fn respond(page: &ObjectivePage) -> Respond {
    let published = page.status == Status::Published;
    match (page.deposits, page.own_proposal) {
        (Some(count), _) => Respond::Deposited(count),
        (None, Some(p)) => Respond::Continue(p.0),
        (None, None) if page.viewer.organisation.is_some() && published => Respond::Start,
        (None, None) if page.viewer.organisation.is_none() && page.viewer.user.is_none() && published => {
            Respond::SignIn
        }
        _ => Respond::Nothing,
    }
}

/// The objective's page from what it loaded; `results` are the published results' view (built
/// from `page.results`), `refused` a refused form's typed text.
pub fn detail_view(
    ctx: &Ctx,
    page: &ObjectivePage,
    results: Option<super::evaluation::PublicResults>,
    notice: Option<String>,
    refused: &Refused,
) -> ObjectiveView {
    let (full, status, catalogue, is_agent) = (&page.full, page.status, &page.catalogue, page.may.edit);
    let o = &full.objective;
    let shown = |v: &str| if v.is_empty() { "—".to_owned() } else { markdown::plain(v, 600) };
    ObjectiveView {
        id: o.id.0,
        reference: o.reference.clone(),
        title: o.title.clone(),
        status,
        need_html: markdown::render(&o.need),
        political_objective: o.political_objective.clone(),
        deliberation_ref: o.deliberation_ref.clone(),
        deliberation_date: o.deliberation_date,
        deliberation_url: o.deliberation_url.clone(),
        themes: o.theme_list(),
        horizon: o.horizon.clone(),
        milestones: full.milestones.iter().map(|m| (m.due_on, m.label.clone())).collect(),
        budget_euros: o.budget_euros,
        place: o.place.clone(),
        contact: o.contact.clone(),
        deadline: o.deadline_at,
        shortlist_rule: o.shortlist_rule.clone(),
        shortlist_value: o.shortlist_value,
        criteria: full
            .criteria
            .iter()
            .filter_map(|w| {
                catalogue.iter().find(|c| c.id == w.criterion_id).map(|c| CriterionRow {
                    name: c.name(ctx.lang).to_owned(),
                    category: c.category.clone(),
                    description: c.description(ctx.lang).to_owned(),
                    weight: w.weight,
                    eliminatory: w.eliminatory,
                    min_score: w.min_score,
                    levels: c.levels(ctx.lang),
                })
            })
            .collect(),
        amendments: full
            .amendments
            .iter()
            .map(|a| AmendmentRow {
                occurred_at: a.occurred_at,
                reason: a.reason.clone(),
                essential: a.essential,
                fields: a
                    .change_list()
                    .iter()
                    .map(|c| ctx.t(&format!("change-{}", c.field.replace('_', "-"))))
                    .collect(),
                changes: a
                    .change_list()
                    .into_iter()
                    .map(|c| {
                        (ctx.t(&format!("change-{}", c.field.replace('_', "-"))), shown(&c.before), shown(&c.after))
                    })
                    .collect(),
            })
            .collect(),
        cancel_reason: o.cancel_reason.clone(),
        published_at: o.published_at,
        can_edit: is_agent && matches!(status, Status::Draft | Status::Published),
        can_publish: is_agent && status == Status::Draft,
        can_cancel: is_agent && status == Status::Published,
        can_delete: is_agent && status == Status::Draft,
        missing: problems_to_errors(ctx, &page.missing, catalogue).0.into_values().collect(),
        answered: page
            .answered
            .iter()
            .filter_map(|q| Some((q.question.clone(), q.answer.clone()?, q.answered_at?)))
            .collect(),
        my_pending: page.mine.iter().filter(|q| q.answer.is_none()).map(|q| q.question.clone()).collect(),
        pending: page.pending.iter().map(|q| (q.id.0, q.question.clone(), q.asked_at)).collect(),
        can_ask: page.may.ask && status == Status::Published,
        can_answer: page.may.answer && status == Status::Published,
        following: page.may.follow.then_some(page.followed),
        documents: page
            .documents
            .iter()
            .map(|d| (d.id.0, d.file_name.clone(), d.size_bytes, d.sha256.clone()))
            .collect(),
        can_upload: is_agent && matches!(status, Status::Draft | Status::Published),
        upload_needs_reason: status == Status::Published,
        can_remove_documents: is_agent && status == Status::Draft,
        respond: respond(page),
        results,
        after_results: page.after_results.clone(),
        partners: partners_view(page, refused.skills.clone()),
        notice,
        typed_question: refused.question.clone(),
        consultation: page.consultation.as_ref().map(|c| super::consultation::objective_section(ctx, c)),
        can_consult: is_agent && status == Status::Draft && page.consultation.is_none() && !o.practice,
        consultation_link: page
            .consultation
            .as_ref()
            .filter(|_| is_agent && status == Status::Draft)
            .map(|c| c.summary.consultation.id.0),
    }
}

// ---- The objective's page: what it loaded, then the page ----

/// What the viewer may do on the objective's page (before its status is taken into account).
#[derive(Debug, Clone, Copy)]
pub struct Permissions {
    /// An agent: edit, publish, cancel, delete, documents.
    pub edit: bool,
    pub ask: bool,
    /// Answer questions (and the objective is published).
    pub answer: bool,
    pub follow: bool,
    /// Look for partners and contact them.
    pub seek: bool,
}

/// The viewer, as the page addresses them.
#[derive(Debug, Clone, Copy)]
pub struct Viewer {
    pub user: Option<UserId>,
    pub organisation: Option<OrganisationId>,
}

/// Everything the objective's page shows, as the viewer may see it.
pub struct ObjectivePage {
    pub full: ObjectiveFull,
    /// The whole criteria catalogue, retired ones included.
    pub catalogue: Vec<Criterion>,
    pub now: NaiveDateTime,
    pub status: Status,
    pub viewer: Viewer,
    pub may: Permissions,
    /// What publishing would still need (agents, on drafts).
    pub missing: Vec<Problem>,
    pub answered: Vec<Question>,
    /// The viewer's own questions.
    pub mine: Vec<Question>,
    /// Questions waiting for an answer (for those who answer).
    pub pending: Vec<Question>,
    pub followed: bool,
    pub documents: Vec<Document>,
    /// For agents: how many proposals were deposited.
    pub deposits: Option<i64>,
    /// The viewer's organisation's proposal (or the one it is a member of).
    pub own_proposal: Option<ProposalId>,
    /// The published evaluation and every proposal's outcome, once results are published.
    pub results: Option<(Board, Vec<Opened>)>,
    /// The award and the stages after the results, once results are published.
    pub after_results: Option<super::award::AfterResults>,
    /// Who looks for partners on this objective.
    pub partners: Vec<partners::Shown>,
    /// Partners may still be sought: published and not the practice objective.
    pub partners_open: bool,
    /// The consultation before the call, if any (public parts only).
    pub consultation: Option<super::consultation::ConsultationPage>,
}

/// The whole objective page from what `web::operations::objectives::page` loaded, with a refused
/// form's errors by their fields when there are some.
pub fn page_markup(ctx: &Ctx, mut page: ObjectivePage, notice: Option<String>, refused: &Refused) -> Markup {
    let results =
        page.results.take().and_then(|(b, outcomes)| super::evaluation::published_results(ctx, &b, &outcomes));
    let view = detail_view(ctx, &page, results, notice, refused);
    detail(ctx, &view, page.now, &refused.errors)
}

/// The confirmation page of an objective's cancellation, with its public reason.
pub fn cancel_confirmation(ctx: &Ctx, id: i64, title: &str, reason: &str, errors: Errors) -> Markup {
    let base = format!("/objectives/{id}");
    super::confirm::confirmation(
        ctx,
        &super::confirm::Confirm {
            title: ctx.t("objective-cancel-title"),
            trail: vec![("/objectives", ctx.t("objectives-title")), (&base, title.to_owned())],
            subject: title.to_owned(),
            effects: vec![ctx.t("objective-cancel-effect-proposals"), ctx.t("objective-cancel-effect-public")],
            irreversible: ctx.t("objective-cancel-irreversible"),
            open_items: None,
            action: format!("{base}/cancel"),
            hidden: vec![],
            reason: Some(super::confirm::Reason {
                name: "reason",
                label: ctx.t("objective-cancel-reason"),
                hint: Some(ctx.t("objective-cancel-reason-hint")),
                value: reason,
            }),
            checks: vec![],
            button: ctx.t("objective-cancel-confirm"),
            back: base.clone(),
            errors,
        },
    )
}

/// The confirmation page of a draft's deletion.
pub fn delete_confirmation(ctx: &Ctx, id: i64, title: &str) -> Markup {
    let base = format!("/objectives/{id}");
    super::confirm::confirmation(
        ctx,
        &super::confirm::Confirm {
            title: ctx.t("objective-delete-title"),
            trail: vec![("/objectives", ctx.t("objectives-title")), (&base, title.to_owned())],
            subject: title.to_owned(),
            effects: vec![ctx.t("objective-delete-effect")],
            irreversible: ctx.t("objective-delete-irreversible"),
            open_items: None,
            action: format!("{base}/delete"),
            hidden: vec![],
            reason: None,
            checks: vec![],
            button: ctx.t("objective-delete-confirm"),
            back: base.clone(),
            errors: Errors::default(),
        },
    )
}
