//! Market consultation pages: the public list, the consultation's page (need, questions, public
//! contributions, meetings with seats left, minutes, synthesis, note of what changed; the
//! contribution form), one contribution, and the agents' pages (put a draft in consultation,
//! manage it, the confirmation that opens the call).

use chrono::NaiveDateTime;
use maud::{Markup, PreEscaped, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use crate::db::ids::MeetingId;
use crate::domain::consultation::meetings::{Listed, Registrant};
use crate::domain::consultation::{Registration, Shown, Stage, Summary};
use crate::domain::forms::FormPairs;
use crate::domain::markdown;

/// Everything a consultation's page (or the API's GET) shows to its viewer, loaded by
/// `web::operations::consultation::page`.
pub struct ConsultationPage {
    pub summary: Summary,
    pub now: NaiveDateTime,
    pub stage: Stage,
    pub meetings: Vec<Listed>,
    /// Public contributions, plus the confidential ones this viewer may read (agents: all;
    /// others: their own organisation's), in order.
    pub contributions: Vec<Shown>,
    /// How many confidential contributions the viewer does not see.
    pub confidential_hidden: i64,
    /// The viewer's registrations.
    pub mine: Vec<(MeetingId, Registration)>,
    pub may_manage: bool,
    pub may_take_part: bool,
    pub signed_in: bool,
    /// Registrations per meeting (agents): (meeting, name, address, waiting).
    pub registrations: Vec<(MeetingId, Vec<Registrant>)>,
}

/// A refused form shown again: which one, its values and its errors by field.
#[derive(Default)]
pub struct Typed {
    /// `contribution`, `meeting`, `minutes-<meeting id>`, `synthesis`.
    pub form: String,
    pub pairs: FormPairs,
    pub errors: Errors,
}

impl Typed {
    fn value(&self, form: &str, name: &str) -> String {
        if self.form != form {
            return String::new();
        }
        self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    fn errors_of(&self, form: &str) -> Errors {
        if self.form == form { self.errors.clone() } else { Errors::default() }
    }
}

fn stamp(at: NaiveDateTime) -> String {
    format!("{}Z", at.format("%Y-%m-%dT%H:%M:%S"))
}

pub fn stage_label(ctx: &Ctx, stage: Stage) -> String {
    ctx.t(match stage {
        Stage::Open => "consultation-stage-open",
        Stage::Closed => "consultation-stage-closed",
        Stage::SynthesisPublished => "consultation-stage-synthesis",
        Stage::CallOpened => "consultation-stage-call",
    })
}

/// A labelled text area with its hint and its error (looked up by the element's id).
fn area(id: &str, name: &str, label: &str, hint: Option<String>, value: &str, errors: &Errors, rows: u32) -> Markup {
    let error = errors.get(id);
    let described: Vec<String> = [hint.as_ref().map(|_| format!("{id}-hint")), error.map(|_| format!("{id}-error"))]
        .into_iter()
        .flatten()
        .collect();
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(h) = &hint { p.hint id=(format!("{id}-hint")) { (h) } }
            @if let Some(m) = error { p.field-error id=(format!("{id}-error")) { (m) } }
            textarea id=(id) name=(name) rows=(rows) required
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))] { (value) }
        }
    }
}

fn input(id: &str, name: &str, label: &str, kind: &str, value: &str, errors: &Errors, required: bool) -> Markup {
    let error = errors.get(name);
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(id) { (label) }
            @if let Some(m) = error { p.field-error id=(format!("{id}-error")) { (m) } }
            input id=(id) name=(name) type=(kind) value=(value) required[required]
                aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| format!("{id}-error"))];
        }
    }
}

/// The public list of consultations.
pub fn list(ctx: &Ctx, items: &[Summary], now: NaiveDateTime) -> Markup {
    let title = ctx.t("consultations-title");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/", ctx.t("nav-home")), ("/objectives", ctx.t("objectives-title"))], &title))
            h1 { (title) }
            p.lead { (ctx.t("consultations-intro")) }
            @if items.is_empty() {
                p.empty { (ctx.t("consultations-none")) }
            } @else {
                ul.cards {
                    @for s in items {
                        li.card {
                            h2 { a href=(format!("/consultations/{}", s.consultation.id.0)) { (s.title) } }
                            p.meta { span.tag { (stage_label(ctx, s.consultation.stage(now))) } " " span.muted { (s.reference) } }
                            p { (ctx.t("consultation-closes")) " " time datetime=(stamp(s.consultation.closes_at)) { (paris(ctx.lang, s.consultation.closes_at)) } " " span.muted { (ctx.t("paris-time")) } }
                        }
                    }
                }
            }
        },
    )
}

fn author(ctx: &Ctx, s: &Shown) -> String {
    s.organisation.clone().unwrap_or_else(|| ctx.t("consultation-contributor-person"))
}

fn contribution_item(ctx: &Ctx, id: i64, s: &Shown) -> Markup {
    let c = &s.contribution;
    html! {
        li.contribution {
            p.meta {
                strong { (author(ctx, s)) } " — " time datetime=(stamp(c.created_at)) { (paris(ctx.lang, c.created_at)) }
                @if c.confidential { " " span.tag { (ctx.t("consultation-confidential")) } }
            }
            div.prose { (PreEscaped(markdown::render(&c.body))) }
            p { a href=(format!("/consultations/{id}/contributions/{}", c.id.0)) { (ctx.t("consultation-contribution-link")) } }
        }
    }
}

fn where_text(m: &crate::domain::consultation::Meeting) -> Markup {
    html! {
        @if !m.place.is_empty() { (m.place) }
        @if let Some(url) = &m.online_url {
            @if !m.place.is_empty() { " · " }
            a href=(url) rel="nofollow noopener" { (url) }
        }
    }
}

/// The meetings: date, place or link, seats left, the viewer's registration and its buttons,
/// the minutes once published.
fn meetings_section(ctx: &Ctx, p: &ConsultationPage) -> Markup {
    let id = p.summary.consultation.id.0;
    html! {
        section aria-labelledby="meetings" {
            h2 #meetings { (ctx.t("consultation-meetings")) }
            @if p.meetings.is_empty() { p.empty { (ctx.t("consultation-no-meetings")) } }
            @for l in &p.meetings {
                @let m = &l.meeting;
                @let mine = p.mine.iter().find(|(mid, _)| *mid == m.id).map(|(_, r)| *r);
                article.meeting aria-labelledby=(format!("meeting-{}", m.id.0)) {
                    h3 id=(format!("meeting-{}", m.id.0)) { time datetime=(stamp(m.starts_at)) { (paris(ctx.lang, m.starts_at)) } " " span.muted { (ctx.t("paris-time")) } }
                    dl.facts {
                        dt { (ctx.t("meeting-where")) } dd { (where_text(m)) }
                        dt { (ctx.t("meeting-capacity")) } dd { (m.capacity) }
                        dt { (ctx.t("meeting-seats-left")) } dd { (l.seats_left()) }
                        @if l.waiting > 0 { dt { (ctx.t("meeting-waiting")) } dd { (l.waiting) } }
                    }
                    @match mine {
                        Some(Registration::Seated) => p.alert.alert-ok { (ctx.t("meeting-you-are-seated")) },
                        Some(Registration::Waiting(n)) => p.alert.alert-warn { (ctx.t_args("meeting-you-are-waiting", &[("position", &n.to_string())])) },
                        None => {},
                    }
                    @if m.starts_at > p.now && p.stage != Stage::CallOpened {
                        @if mine.is_some() {
                            form.inline-form method="post" action=(format!("/consultations/{id}/meetings/{}/cancel", m.id.0)) {
                                (csrf_field(ctx))
                                button.button type="submit" { (ctx.t("meeting-cancel")) }
                            }
                        } @else if p.may_take_part {
                            form.inline-form method="post" action=(format!("/consultations/{id}/meetings/{}/register", m.id.0)) {
                                (csrf_field(ctx))
                                button.button.button-primary type="submit" {
                                    @if l.seats_left() > 0 { (ctx.t("meeting-register")) } @else { (ctx.t("meeting-register-waiting")) }
                                }
                            }
                            @if l.seats_left() == 0 { p.hint { (ctx.t("meeting-full")) } }
                        } @else if !p.signed_in {
                            p { a href=(format!("/login?next=/consultations/{id}")) { (ctx.t("consultation-sign-in")) } }
                        }
                    }
                    @if let Some(minutes) = &m.minutes {
                        h4 { (ctx.t("meeting-minutes")) }
                        div.prose { (PreEscaped(markdown::render(minutes))) }
                    }
                }
            }
        }
    }
}

/// The consultation's public page.
pub fn show(ctx: &Ctx, p: &ConsultationPage, notice: Option<String>, typed: &Typed) -> Markup {
    let c = &p.summary.consultation;
    let id = c.id.0;
    let title = p.summary.title.clone();
    let errors = typed.errors_of("contribution");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/", ctx.t("nav-home")), ("/consultations", ctx.t("consultations-title"))], &p.summary.reference))
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            (error_summary(ctx, &errors))
            article.objective {
                header.objective-header {
                    p.meta { span.tag { (stage_label(ctx, p.stage)) } " " span.muted { (p.summary.reference) } }
                    h1 { (title) }
                    p.deadline.deadline-large {
                        (ctx.t("consultation-closes")) " " time datetime=(stamp(c.closes_at)) { (paris(ctx.lang, c.closes_at)) } " " span.muted { (ctx.t("paris-time")) }
                    }
                    p { (ctx.t("consultation-legal")) }
                    @if p.stage == Stage::CallOpened {
                        p { a.button.button-primary href=(format!("/objectives/{}", c.objective_id.0)) { (ctx.t("consultation-see-call")) } }
                    }
                    @if p.may_manage {
                        p { a.button href=(format!("/consultations/{id}/manage")) { (ctx.t("consultation-manage")) } }
                    }
                }
                @if let Some(note) = &c.change_note {
                    section aria-labelledby="changes" {
                        h2 #changes { (ctx.t("consultation-change-note")) }
                        div.prose { (PreEscaped(markdown::render(note))) }
                    }
                }
                @if let Some(s) = &c.synthesis {
                    section aria-labelledby="synthesis" {
                        h2 #synthesis { (ctx.t("consultation-synthesis")) }
                        div.prose { (PreEscaped(markdown::render(s))) }
                    }
                }
                section aria-labelledby="need" {
                    h2 #need { (ctx.t("consultation-need")) }
                    div.prose { (PreEscaped(markdown::render(&c.need))) }
                }
                section aria-labelledby="questions" {
                    h2 #questions { (ctx.t("consultation-questions")) }
                    ol { @for q in c.question_list() { li { (q) } } }
                }
                (meetings_section(ctx, p))
                section aria-labelledby="contributions" {
                    h2 #contributions { (ctx.t("consultation-contributions")) }
                    @if p.contributions.is_empty() { p.empty { (ctx.t("consultation-no-contributions")) } }
                    ul.plain-list { @for s in &p.contributions { (contribution_item(ctx, id, s)) } }
                    @if p.confidential_hidden > 0 {
                        p.muted { (ctx.t_count("consultation-confidential-hidden", ("count", p.confidential_hidden), &[])) }
                    }
                }
                @if p.stage == Stage::Open {
                    section aria-labelledby="contribute" {
                        h2 #contribute { (ctx.t("consultation-contribute")) }
                        @if p.may_take_part {
                            form method="post" action=(format!("/consultations/{id}/contributions")) novalidate {
                                (csrf_field(ctx))
                                (area("body", "body", &ctx.t("consultation-body"), Some(ctx.t("consultation-body-hint")), &typed.value("contribution", "body"), &errors, 10))
                                div.field.field-check {
                                    input id="confidential" type="checkbox" name="confidential" value="true" checked[typed.value("contribution", "confidential") == "true"] aria-describedby="confidential-hint";
                                    label for="confidential" { (ctx.t("consultation-confidential-label")) }
                                    p.hint #confidential-hint { (ctx.t("consultation-confidential-hint")) }
                                }
                                button.button.button-primary type="submit" { (ctx.t("consultation-send")) }
                            }
                        } @else if p.signed_in {
                            p { (ctx.t("consultation-staff-no-contribution")) }
                        } @else {
                            p { (ctx.t("consultation-sign-in-text")) " " a href=(format!("/login?next=/consultations/{id}")) { (ctx.t("nav-sign-in")) } " · " a href="/register" { (ctx.t("nav-register")) } }
                        }
                    }
                }
            }
        },
    )
}

/// One contribution on its own page.
pub fn contribution(ctx: &Ctx, summary: &Summary, s: &Shown) -> Markup {
    let id = summary.consultation.id.0;
    let title = ctx.t("consultation-contribution-title");
    let base = format!("/consultations/{id}");
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/consultations", ctx.t("consultations-title")), (base.as_str(), summary.title.clone())], &title))
            h1 { (title) }
            p.meta {
                strong { (author(ctx, s)) } " — " time datetime=(stamp(s.contribution.created_at)) { (paris(ctx.lang, s.contribution.created_at)) }
                @if s.contribution.confidential { " " span.tag { (ctx.t("consultation-confidential")) } }
            }
            div.prose { (PreEscaped(markdown::render(&s.contribution.body))) }
            p { a href=(base) { (ctx.t("consultation-back")) } }
        },
    )
}

/// The form that puts a draft objective in consultation.
pub fn new_form(ctx: &Ctx, objective: i64, title: &str, pairs: &FormPairs, errors: &Errors) -> Markup {
    let value = |n: &str| pairs.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
    let heading = ctx.t("consultation-new-title");
    let base = format!("/objectives/{objective}");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[("/objectives", ctx.t("objectives-title")), (base.as_str(), title.to_owned())], &heading))
            h1 { (heading) }
            p.lead { (ctx.t("consultation-new-intro")) }
            (error_summary(ctx, errors))
            form method="post" action=(format!("/objectives/{objective}/consultation")) novalidate {
                (csrf_field(ctx))
                (area("need", "need", &ctx.t("consultation-need"), Some(ctx.t("consultation-need-hint")), &value("need"), errors, 12))
                (area("questions", "questions", &ctx.t("consultation-questions"), Some(ctx.t("consultation-questions-hint")), &value("questions"), errors, 6))
                div.field.field-invalid[errors.get("closes_at").is_some()] {
                    label for="closes_at" { (ctx.t("consultation-closes")) }
                    p.hint #closes_at-hint { (ctx.t("consultation-date-hint")) }
                    @if let Some(m) = errors.get("closes_at") { p.field-error #closes_at-error { (m) } }
                    input #closes_at name="closes_at" type="datetime-local" value=(value("closes_at")) required
                        aria-invalid=[errors.get("closes_at").map(|_| "true")]
                        aria-describedby=(if errors.get("closes_at").is_some() { "closes_at-hint closes_at-error" } else { "closes_at-hint" });
                }
                button.button.button-primary type="submit" { (ctx.t("consultation-new-submit")) }
            }
        },
    )
}

/// The agents' page: every contribution, the registrations, meetings and minutes, the synthesis
/// and the way to the call.
pub fn manage(ctx: &Ctx, p: &ConsultationPage, notice: Option<String>, typed: &Typed) -> Markup {
    let c = &p.summary.consultation;
    let id = c.id.0;
    let base = format!("/consultations/{id}");
    let heading = ctx.t("consultation-manage");
    let meeting_errors = typed.errors_of("meeting");
    let synthesis_errors = typed.errors_of("synthesis");
    let all_errors = typed.errors.clone();
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[("/consultations", ctx.t("consultations-title")), (base.as_str(), p.summary.title.clone())], &heading))
            h1 { (heading) " — " (p.summary.title) }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            (error_summary(ctx, &all_errors))
            p.meta { span.tag { (stage_label(ctx, p.stage)) } }
            section aria-labelledby="all-contributions" {
                h2 #all-contributions { (ctx.t("consultation-contributions")) " (" (p.contributions.len()) ")" }
                @if p.contributions.is_empty() { p.empty { (ctx.t("consultation-no-contributions")) } }
                ul.plain-list { @for s in &p.contributions { (contribution_item(ctx, id, s)) } }
            }
            section aria-labelledby="manage-meetings" {
                h2 #manage-meetings { (ctx.t("consultation-meetings")) }
                @for l in &p.meetings {
                    @let m = &l.meeting;
                    @let form_name = format!("minutes-{}", m.id.0);
                    article.meeting {
                        h3 { time datetime=(stamp(m.starts_at)) { (paris(ctx.lang, m.starts_at)) } " — " (where_text(m)) }
                        p { (ctx.t_args("meeting-seats", &[("seated", &l.seated.to_string()), ("capacity", &m.capacity.to_string()), ("waiting", &l.waiting.to_string())])) }
                        @if let Some((_, people)) = p.registrations.iter().find(|(mid, _)| *mid == m.id) {
                            @if !people.is_empty() {
                                table {
                                    caption { (ctx.t("meeting-registrations")) }
                                    thead { tr { th scope="col" { (ctx.t("field-name")) } th scope="col" { (ctx.t("field-email")) } th scope="col" { (ctx.t("meeting-standing")) } } }
                                    tbody {
                                        @for (name, email, waiting) in people {
                                            tr { td { (name) } td { (email) } td { @if *waiting { (ctx.t("meeting-standing-waiting")) } @else { (ctx.t("meeting-standing-seated")) } } }
                                        }
                                    }
                                }
                            }
                        }
                        @if let Some(minutes) = &m.minutes {
                            h4 { (ctx.t("meeting-minutes")) }
                            div.prose { (PreEscaped(markdown::render(minutes))) }
                        } @else if m.starts_at <= p.now {
                            form method="post" action=(format!("/consultations/{id}/meetings/{}/minutes", m.id.0)) novalidate {
                                (csrf_field(ctx))
                                (area(&form_name, "minutes", &ctx.t("meeting-minutes"), Some(ctx.t("meeting-minutes-hint")), &typed.value(&form_name, "minutes"), &typed.errors_of(&form_name), 8))
                                button.button.button-primary type="submit" { (ctx.t("meeting-minutes-publish")) }
                            }
                        } @else {
                            p.muted { (ctx.t("meeting-minutes-after")) }
                        }
                    }
                }
                @if p.stage != Stage::CallOpened {
                    h3 { (ctx.t("meeting-new")) }
                    form method="post" action=(format!("/consultations/{id}/meetings")) novalidate {
                        (csrf_field(ctx))
                        div.field.field-invalid[meeting_errors.get("starts_at").is_some()] {
                            label for="starts_at" { (ctx.t("meeting-starts")) }
                            p.hint #starts_at-hint { (ctx.t("consultation-date-hint")) }
                            @if let Some(m) = meeting_errors.get("starts_at") { p.field-error #starts_at-error { (m) } }
                            input #starts_at name="starts_at" type="datetime-local" value=(typed.value("meeting", "starts_at")) required
                                aria-describedby=(if meeting_errors.get("starts_at").is_some() { "starts_at-hint starts_at-error" } else { "starts_at-hint" });
                        }
                        (input("place", "place", &ctx.t("meeting-place"), "text", &typed.value("meeting", "place"), &meeting_errors, false))
                        (input("online_url", "online_url", &ctx.t("meeting-link"), "url", &typed.value("meeting", "online_url"), &meeting_errors, false))
                        (input("capacity", "capacity", &ctx.t("meeting-capacity"), "number", &typed.value("meeting", "capacity"), &meeting_errors, true))
                        button.button type="submit" { (ctx.t("meeting-add")) }
                    }
                }
            }
            section aria-labelledby="manage-synthesis" {
                h2 #manage-synthesis { (ctx.t("consultation-synthesis")) }
                @match p.stage {
                    Stage::Open => p { (ctx.t("consultation-synthesis-after")) },
                    Stage::Closed => form method="post" action=(format!("/consultations/{id}/synthesis")) novalidate {
                        (csrf_field(ctx))
                        (area("synthesis", "synthesis", &ctx.t("consultation-synthesis"), Some(ctx.t("consultation-synthesis-hint")), &typed.value("synthesis", "synthesis"), &synthesis_errors, 12))
                        button.button.button-primary type="submit" { (ctx.t("consultation-synthesis-publish")) }
                    },
                    _ => div.prose { (PreEscaped(markdown::render(c.synthesis.as_deref().unwrap_or_default()))) },
                }
            }
            section aria-labelledby="manage-call" {
                h2 #manage-call { (ctx.t("consultation-open-call")) }
                @match p.stage {
                    Stage::CallOpened => p { a href=(format!("/objectives/{}", c.objective_id.0)) { (ctx.t("consultation-see-call")) } },
                    _ => {
                        p { (ctx.t("consultation-open-call-rule")) }
                        a.button.button-primary href=(format!("/consultations/{id}/open-call")) { (ctx.t("consultation-open-call")) }
                    },
                }
            }
        },
    )
}

/// The confirmation page that opens the call, with the public note of what changed.
pub fn open_call_confirmation(ctx: &Ctx, summary: &Summary, note: &str, errors: Errors) -> Markup {
    let base = format!("/consultations/{}", summary.consultation.id.0);
    super::confirm::confirmation(
        ctx,
        &super::confirm::Confirm {
            title: ctx.t("consultation-open-call"),
            trail: vec![("/consultations", ctx.t("consultations-title")), (base.as_str(), summary.title.clone())],
            subject: summary.title.clone(),
            effects: vec![
                ctx.t("consultation-open-call-effect-publish"),
                ctx.t("consultation-open-call-effect-mail"),
                ctx.t("consultation-open-call-effect-note"),
            ],
            irreversible: ctx.t("consultation-open-call-irreversible"),
            open_items: None,
            action: format!("{base}/open-call"),
            hidden: vec![],
            reason: Some(super::confirm::Reason {
                name: "note",
                label: ctx.t("consultation-change-note"),
                hint: Some(ctx.t("consultation-change-note-hint")),
                value: note,
            }),
            checks: vec![],
            button: ctx.t("consultation-open-call"),
            back: format!("{base}/manage"),
            errors,
        },
    )
}

/// The consultation's part of the objective's page: the call's public documents from the
/// consultation (synthesis, minutes, note of what changed), and its dates for the timeline.
pub fn objective_section(ctx: &Ctx, p: &ConsultationPage) -> Markup {
    let c = &p.summary.consultation;
    html! {
        section aria-labelledby="consultation" {
            h2 #consultation { (ctx.t("consultation-before-call")) }
            ol.timeline {
                li { time datetime=(stamp(c.created_at)) { (paris(ctx.lang, c.created_at)) } " — " (ctx.t("consultation-timeline-opened")) }
                li { time datetime=(stamp(c.closes_at)) { (paris(ctx.lang, c.closes_at)) } " — " (ctx.t("consultation-timeline-closed")) }
                @for l in &p.meetings {
                    li { time datetime=(stamp(l.meeting.starts_at)) { (paris(ctx.lang, l.meeting.starts_at)) } " — " (ctx.t("consultation-timeline-meeting")) }
                }
                @if let Some(at) = c.synthesis_at { li { time datetime=(stamp(at)) { (paris(ctx.lang, at)) } " — " (ctx.t("consultation-timeline-synthesis")) } }
                @if let Some(at) = c.call_opened_at { li { time datetime=(stamp(at)) { (paris(ctx.lang, at)) } " — " (ctx.t("consultation-timeline-call")) } }
            }
            @if let Some(note) = &c.change_note {
                h3 { (ctx.t("consultation-change-note")) }
                div.prose { (PreEscaped(markdown::render(note))) }
            }
            @if let Some(s) = &c.synthesis {
                h3 { (ctx.t("consultation-synthesis")) }
                div.prose { (PreEscaped(markdown::render(s))) }
            }
            @for l in p.meetings.iter().filter(|l| l.meeting.minutes.is_some()) {
                h3 { (ctx.t("meeting-minutes")) " — " (paris(ctx.lang, l.meeting.starts_at)) }
                div.prose { (PreEscaped(markdown::render(l.meeting.minutes.as_deref().unwrap_or_default()))) }
            }
            p { a href=(format!("/consultations/{}", c.id.0)) { (ctx.t("consultation-see-all")) } }
        }
    }
}
