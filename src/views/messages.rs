//! Partner finding on an objective's page, the messages between organisations, and the
//! administrators' abuse reports.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};

/// One organisation looking for partners, as the objective page lists it.
pub struct PartnerRow {
    pub organisation: i64,
    pub name: String,
    pub skills: String,
    /// The organisation has a listed profile to link to.
    pub listed: bool,
    /// It is the viewer's own organisation.
    pub own: bool,
}

pub struct PartnersView {
    pub objective: i64,
    pub rows: Vec<PartnerRow>,
    /// The objective is open: requests and contacts are possible.
    pub open: bool,
    /// The viewer may say their organisation looks for partners, and contact others.
    pub can_seek: bool,
    pub signed_in: bool,
    /// The viewer's organisation's current request, to edit.
    pub own_skills: Option<String>,
    /// What a refused submission typed, shown again.
    pub typed: Option<String>,
}

pub fn partners_section(ctx: &Ctx, v: &PartnersView, errors: &Errors) -> Markup {
    html! {
        section aria-labelledby="partners" {
            h2 #partners { (ctx.t("partners-title")) }
            p { (ctx.t("partners-intro")) }
            @if v.rows.is_empty() {
                p.empty { (ctx.t("partners-none")) }
            } @else {
                ul.plain-list.partner-list {
                    @for r in &v.rows {
                        li {
                            strong { @if r.listed { a href=(format!("/directory/{}", r.organisation)) { (r.name) } } @else { (r.name) } }
                            p.pre-line { (r.skills) }
                            @if v.open && v.can_seek && !r.own {
                                a.button href=(format!("/messages/{}?objective={}", r.organisation, v.objective)) {
                                    (ctx.t("partners-contact")) span.visually-hidden { " " (r.name) }
                                }
                            }
                        }
                    }
                }
            }
            @if v.open && !v.signed_in {
                p { a href=(format!("/login?next=/objectives/{}", v.objective)) { (ctx.t("partners-sign-in")) } }
            }
            @if v.open && v.can_seek {
                @if errors.get("skills").is_some() { (error_summary(ctx, errors)) }
                form.form method="post" action=(format!("/objectives/{}/partners", v.objective)) {
                    (csrf_field(ctx))
                    div.field.field-invalid[errors.get("skills").is_some()] {
                        label for="skills" { @if v.own_skills.is_some() { (ctx.t("partners-edit")) } @else { (ctx.t("partners-seek")) } }
                        p.hint #skills-hint { (ctx.t("partners-skills-hint")) }
                        @if let Some(m) = errors.get("skills") { p.field-error #skills-error { (m) } }
                        textarea #skills name="skills" rows="3" maxlength="1000"
                            aria-invalid=[errors.get("skills").map(|_| "true")]
                            aria-describedby=(if errors.get("skills").is_some() { "skills-hint skills-error" } else { "skills-hint" }) {
                            @if let Some(s) = v.typed.as_ref().or(v.own_skills.as_ref()) { (s) }
                        }
                    }
                    button.button type="submit" { (ctx.t("partners-submit")) }
                }
                @if v.own_skills.is_some() {
                    form.inline-form method="post" action=(format!("/objectives/{}/partners/withdraw", v.objective)) {
                        (csrf_field(ctx))
                        button.link-button type="submit" { (ctx.t("partners-withdraw")) }
                    }
                }
            }
        }
    }
}

/// One conversation in the inbox.
pub struct ConversationRow {
    pub other: i64,
    pub name: String,
    pub last_at: NaiveDateTime,
    pub unread: i64,
}

pub fn inbox(ctx: &Ctx, rows: &[ConversationRow], suspended: bool) -> Markup {
    let title = ctx.t("messages-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p.lead { (ctx.t("messages-intro")) }
            @if suspended { div.alert.alert-error role="alert" { p { (ctx.t("messages-error-suspended")) } } }
            @if rows.is_empty() {
                p.empty { (ctx.t("messages-none")) }
            } @else {
                div.table-wrap {
                    table {
                        caption.visually-hidden { (title) }
                        thead { tr {
                            th scope="col" { (ctx.t("messages-with")) }
                            th scope="col" { (ctx.t("messages-last")) }
                            th scope="col" { (ctx.t("messages-unread")) }
                        } }
                        tbody {
                            @for r in rows {
                                tr {
                                    td { a href=(format!("/messages/{}", r.other)) { (r.name) } }
                                    td { (paris(ctx.lang, r.last_at)) }
                                    td { @if r.unread > 0 { span.badge.badge-strong { (r.unread) } } @else { span.muted { "0" } } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// One message of a thread.
pub struct MessageRow {
    pub id: i64,
    pub mine: bool,
    pub body: String,
    pub sent_at: NaiveDateTime,
    /// The objective it was written about: (id, title).
    pub objective: Option<(i64, String)>,
    pub reported: bool,
}

/// A proposal the viewer's organisation leads on an open objective: the other organisation can
/// be invited into its consortium from the conversation.
pub struct InviteChoice {
    pub proposal: i64,
    pub title: String,
    pub objective_title: String,
}

pub struct ThreadView {
    pub other: i64,
    pub other_name: String,
    pub other_listed: bool,
    pub messages: Vec<MessageRow>,
    /// The objective the next message is about, when the contact started from one.
    pub objective: Option<(i64, String)>,
    pub invites: Vec<InviteChoice>,
    pub suspended: bool,
    pub notice: Option<String>,
}

pub fn thread(ctx: &Ctx, v: &ThreadView, body: &str, errors: &Errors) -> Markup {
    let title = ctx.t_args("messages-thread-title", &[("name", &v.other_name)]);
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/messages", ctx.t("messages-title"))], &v.other_name))
            h1 { (title) }
            @if v.other_listed { p { a href=(format!("/directory/{}", v.other)) { (ctx.t("messages-see-profile")) } } }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            @if v.messages.is_empty() {
                p.empty { (ctx.t("messages-thread-empty")) }
            } @else {
                ol.thread {
                    @for m in &v.messages {
                        li.message.message-mine[m.mine] {
                            p.meta {
                                strong { @if m.mine { (ctx.t("messages-from-us")) } @else { (v.other_name) } }
                                " — " (paris(ctx.lang, m.sent_at))
                                @if let Some((id, t)) = &m.objective { " — " a href=(format!("/objectives/{id}")) { (t) } }
                            }
                            p.pre-line { (m.body) }
                            @if !m.mine {
                                @if m.reported {
                                    p.muted { (ctx.t("messages-reported")) }
                                } @else {
                                    details {
                                        summary { (ctx.t("messages-report")) }
                                        form.form method="post" action=(format!("/messages/report/{}", m.id)) {
                                            (csrf_field(ctx))
                                            div.field {
                                                label for=(format!("reason-{}", m.id)) { (ctx.t("messages-report-reason")) }
                                                textarea id=(format!("reason-{}", m.id)) name="reason" rows="2" maxlength="1000" required {}
                                            }
                                            button.button type="submit" { (ctx.t("messages-report-submit")) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (ctx.t("messages-write")) }
            @if v.suspended {
                div.alert.alert-error role="alert" { p { (ctx.t("messages-error-suspended")) } }
            } @else {
                (error_summary(ctx, errors))
                form.form method="post" action=(format!("/messages/{}", v.other)) {
                    (csrf_field(ctx))
                    @if let Some((id, t)) = &v.objective {
                        input type="hidden" name="objective" value=(id);
                        p.hint { (ctx.t("messages-about")) " " a href=(format!("/objectives/{id}")) { (t) } }
                    }
                    div.field.field-invalid[errors.get("body").is_some()] {
                        label for="body" { (ctx.t("messages-body")) }
                        p.hint #body-hint { (ctx.t("messages-body-hint")) }
                        @if let Some(m) = errors.get("body") { p.field-error #body-error { (m) } }
                        textarea #body name="body" rows="5" maxlength="2000" required
                            aria-invalid=[errors.get("body").map(|_| "true")]
                            aria-describedby=(if errors.get("body").is_some() { "body-hint body-error" } else { "body-hint" }) { (body) }
                    }
                    button.button.button-primary type="submit" { (ctx.t("messages-send")) }
                }
            }
            @if !v.invites.is_empty() {
                h2 { (ctx.t("messages-invite-title")) }
                p { (ctx.t_args("messages-invite-intro", &[("name", &v.other_name)])) }
                @for i in &v.invites {
                    form.form method="post" action=(format!("/messages/{}/invite", v.other)) {
                        (csrf_field(ctx))
                        input type="hidden" name="proposal" value=(i.proposal);
                        fieldset {
                            legend { (i.title) " — " (i.objective_title) }
                            div.field {
                                label for=(format!("role-{}", i.proposal)) { (ctx.t("consortium-role")) }
                                input id=(format!("role-{}", i.proposal)) type="text" name="role" maxlength="200" required;
                            }
                            div.field {
                                label for=(format!("type-{}", i.proposal)) { (ctx.t("consortium-type")) }
                                select id=(format!("type-{}", i.proposal)) name="consortium_type" {
                                    option value="conjoint" { (ctx.t("consortium-type-conjoint")) }
                                    option value="solidaire" { (ctx.t("consortium-type-solidaire")) }
                                }
                            }
                            button.button type="submit" { (ctx.t("messages-invite-submit")) span.visually-hidden { " " (i.title) } }
                        }
                    }
                }
            }
        },
    )
}

/// One abuse report, for administrators.
pub struct ReportRow {
    pub id: i64,
    pub sender: i64,
    pub sender_name: String,
    pub recipient_name: String,
    pub body: String,
    pub sent_at: NaiveDateTime,
    pub reason: String,
    pub reported_at: NaiveDateTime,
    pub resolution: Option<String>,
    pub sender_suspended: bool,
}

pub fn reports(ctx: &Ctx, rows: &[ReportRow], notice: Option<&str>) -> Markup {
    let title = ctx.t("reports-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (super::admin::admin_nav(ctx, "/admin/reports"))
            p.lead { (ctx.t("reports-intro")) }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            @if rows.is_empty() { p.empty { (ctx.t("reports-none")) } }
            @for r in rows {
                article.report-card {
                    h2.card-title { (r.sender_name) " → " (r.recipient_name) }
                    p.meta { (ctx.t("reports-sent")) " " (paris(ctx.lang, r.sent_at)) " — " (ctx.t("reports-reported")) " " (paris(ctx.lang, r.reported_at)) }
                    blockquote.pre-line { (r.body) }
                    p { strong { (ctx.t("reports-reason")) " : " } (r.reason) }
                    @match r.resolution.as_deref() {
                        Some("suspend") => p { span.badge.badge-danger { (ctx.t("reports-suspended")) } },
                        Some(_) => p { span.badge { (ctx.t("reports-dismissed")) } },
                        None => div.button-row {
                            form.inline-form method="post" action=(format!("/admin/reports/{}", r.id)) {
                                (csrf_field(ctx))
                                input type="hidden" name="resolution" value="suspend";
                                button.button.button-primary type="submit" { (ctx.t("reports-suspend")) span.visually-hidden { " " (r.sender_name) } }
                            }
                            form.inline-form method="post" action=(format!("/admin/reports/{}", r.id)) {
                                (csrf_field(ctx))
                                input type="hidden" name="resolution" value="dismiss";
                                button.button type="submit" { (ctx.t("reports-dismiss")) }
                            }
                        },
                    }
                    @if r.sender_suspended {
                        form.inline-form method="post" action=(format!("/admin/suspensions/{}/lift", r.sender)) {
                            (csrf_field(ctx))
                            button.link-button type="submit" { (ctx.t("reports-lift")) span.visually-hidden { " " (r.sender_name) } }
                        }
                    }
                }
            }
        },
    )
}
