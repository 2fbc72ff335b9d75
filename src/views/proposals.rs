//! Proposals: the supplier's dashboard, the proposal page and form, deposits and receipts, the
//! public receipt check, and the agents' view of a closed objective's proposals.

use chrono::NaiveDateTime;
use maud::{Markup, PreEscaped, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use super::objectives::{euros, problems_to_errors, size_text, time_left};
use super::site::help_link;
use crate::db::ids::CriterionId;
use crate::domain::criteria::Criterion;
use crate::domain::forms::{FormPairs, Problem};
use crate::domain::objectives::{ObjectiveFull, Status};
use crate::domain::proposals::deposits::Receipt;
use crate::domain::proposals::{self, ProposalFull, opening};
use crate::domain::proposals::{CHANGE_SUPPORT_MAX, SOLUTION_MAX, STATEMENT_MAX, SUMMARY_MAX, TITLE_MAX};
use crate::i18n::Lang;

/// Where a proposal stands, as its organisation reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Draft,
    Deposited,
    ToReconfirm,
    Withdrawn,
    Late,
}

impl Standing {
    /// What the one opening rule (`opening::outcome`) means for the proposal's organisation.
    pub fn of(outcome: Result<crate::db::ids::DepositId, crate::domain::proposals::opening::NotOpened>) -> Standing {
        use crate::domain::proposals::opening::NotOpened;
        match outcome {
            Ok(_) => Standing::Deposited,
            Err(NotOpened::NoDeposit) => Standing::Draft,
            Err(NotOpened::Withdrawn) => Standing::Withdrawn,
            Err(NotOpened::Late) => Standing::Late,
            Err(NotOpened::NotReconfirmed) => Standing::ToReconfirm,
        }
    }

    fn badge(self, ctx: &Ctx) -> Markup {
        let (class, key) = match self {
            Standing::Draft => ("badge", "standing-draft"),
            Standing::Deposited => ("badge badge-ok", "standing-deposited"),
            Standing::ToReconfirm => ("badge badge-danger", "standing-to-reconfirm"),
            Standing::Withdrawn => ("badge", "standing-withdrawn"),
            Standing::Late => ("badge badge-danger", "standing-late"),
        };
        html! { span class=(class) { (ctx.t(key)) } }
    }
}

fn utc_attr(t: NaiveDateTime) -> String {
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn when(ctx: &Ctx, t: NaiveDateTime) -> Markup {
    html! { time datetime=(utc_attr(t)) { (paris(ctx.lang, t)) } }
}

pub struct DashboardRow {
    pub proposal: i64,
    pub objective_id: i64,
    pub objective_title: String,
    pub reference: String,
    pub title: String,
    pub lead: bool,
    pub lead_name: String,
    pub standing: Standing,
    pub deadline: Option<NaiveDateTime>,
    pub practice: bool,
    pub last_receipt: Option<(i64, String)>,
    /// Once the results are published: shortlisted or not (the feedback is on the proposal's page).
    pub result: Option<bool>,
}

pub struct Invitation {
    /// The version of the terms the confirmation confirms.
    pub terms: i32,
    pub proposal: i64,
    pub lead_name: String,
    pub objective_title: String,
    pub can_answer: bool,
}

pub fn dashboard(ctx: &Ctx, rows: &[DashboardRow], invitations: &[Invitation], now: NaiveDateTime) -> Markup {
    page(
        ctx,
        &ctx.t("dashboard-title"),
        html! {
            h1 { (ctx.t("dashboard-title")) }
            p.lead { (ctx.t("dashboard-intro")) }
            div.button-row {
                a.button.button-primary href="/objectives?status=open" { (ctx.t("dashboard-find")) }
                a.button href="/practice" { (ctx.t("dashboard-practice")) }
            }
            @if !invitations.is_empty() {
                section aria-labelledby="invitations" {
                    h2 #invitations { (ctx.t("dashboard-invitations")) }
                    ul.plain-list {
                        @for i in invitations {
                            li {
                                (ctx.t_args("dashboard-invitation", &[("lead", &i.lead_name), ("title", &i.objective_title)]))
                                " " a href=(format!("/proposals/{}", i.proposal)) { (ctx.t("dashboard-read")) span.visually-hidden { " — " (i.objective_title) } }
                                @if i.can_answer { (answer_buttons(ctx, i.proposal, i.terms, &i.lead_name)) }
                            }
                        }
                    }
                }
            }
            section aria-labelledby="mine" {
                h2 #mine { (ctx.t("dashboard-proposals")) }
                @if rows.is_empty() {
                    p.empty { (ctx.t("dashboard-empty")) }
                } @else {
                    div.table-wrap {
                        table {
                            thead { tr {
                                th scope="col" { (ctx.t("proposal-objective")) }
                                th scope="col" { (ctx.t("proposal-title")) }
                                th scope="col" { (ctx.t("proposal-standing")) }
                                th scope="col" { (ctx.t("proposal-deadline")) }
                                th scope="col" { (ctx.t("proposal-last-receipt")) }
                            } }
                            tbody {
                                @for r in rows {
                                    tr {
                                        td {
                                            a href=(format!("/objectives/{}", r.objective_id)) { (r.objective_title) }
                                            br; span.muted { (r.reference) }
                                            @if r.practice { " " span.badge { (ctx.t("practice-badge")) } }
                                        }
                                        td {
                                            a href=(format!("/proposals/{}", r.proposal)) { @if r.title.is_empty() { (ctx.t("proposal-untitled")) } @else { (r.title) } }
                                            @if !r.lead { br; span.muted { (ctx.t_args("proposal-member-of", &[("lead", &r.lead_name)])) } }
                                        }
                                        td {
                                            (r.standing.badge(ctx))
                                            @if let Some(shortlisted) = r.result {
                                                br;
                                                a href=(format!("/proposals/{}#feedback", r.proposal)) {
                                                    @if shortlisted { span.badge.badge-ok { (ctx.t("ranking-in")) } } @else { span.badge { (ctx.t("ranking-out")) } }
                                                }
                                            }
                                        }
                                        td {
                                            @if let Some(d) = r.deadline { (when(ctx, d)) br; span.muted { (time_left(ctx, Some(d), now)) } }
                                            @else { "—" }
                                        }
                                        td {
                                            @if let Some((id, number)) = &r.last_receipt { a.nowrap href=(format!("/receipts/{id}")) { code { (number) } } }
                                            @else { "—" }
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

fn answer_buttons(ctx: &Ctx, proposal: i64, terms: i32, lead: &str) -> Markup {
    html! {
        span.button-row {
            form.inline-form method="post" action=(format!("/proposals/{proposal}/consortium/confirm")) {
                (csrf_field(ctx))
                input type="hidden" name="terms" value=(terms);
                button.button.button-primary type="submit" { (ctx.t("consortium-confirm")) span.visually-hidden { " — " (lead) } }
            }
            form.inline-form method="post" action=(format!("/proposals/{proposal}/consortium/decline")) {
                (csrf_field(ctx))
                button.button type="submit" { (ctx.t("consortium-decline")) span.visually-hidden { " — " (lead) } }
            }
        }
    }
}

fn value<'a>(pairs: &'a FormPairs, name: &str) -> &'a str {
    pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

#[allow(clippy::too_many_arguments)]
fn area(
    ctx: &Ctx,
    pairs: &FormPairs,
    errors: &Errors,
    name: &str,
    label: &str,
    hint: Option<String>,
    max: usize,
    rows: u32,
) -> Markup {
    let error = errors.get(name);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described: Vec<&str> =
        [hint.as_ref().map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())].into_iter().flatten().collect();
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(h) = &hint { p.hint id=(hint_id) { (h) " " (ctx.t_args("field-max-chars", &[("max", &max.to_string())])) } }
            @if let Some(m) = error { p.field-error id=(error_id) { (m) } }
            textarea id=(name) name=(name) rows=(rows) maxlength=(max)
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))] { (value(pairs, name)) }
        }
    }
}

fn input(pairs: &FormPairs, errors: &Errors, name: &str, label: &str, kind: &str, hint: Option<String>) -> Markup {
    let error = errors.get(name);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described: Vec<&str> =
        [hint.as_ref().map(|_| hint_id.as_str()), error.map(|_| error_id.as_str())].into_iter().flatten().collect();
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(h) = &hint { p.hint id=(hint_id) { (h) } }
            @if let Some(m) = error { p.field-error id=(error_id) { (m) } }
            input id=(name) name=(name) type=(kind) value=(value(pairs, name)) inputmode=[(kind == "text" && name != "title").then_some("numeric")]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then(|| described.join(" "))];
        }
    }
}

/// A criterion of the objective, as the form shows it next to its statement.
pub struct FormCriterion {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub levels: Vec<String>,
}

pub struct FormView<'a> {
    pub objective_id: i64,
    pub objective_title: &'a str,
    /// `None` for a new proposal.
    pub proposal: Option<i64>,
    pub version: i32,
    pub criteria: Vec<FormCriterion>,
    pub conflict: bool,
}

pub fn form(ctx: &Ctx, v: &FormView<'_>, pairs: &FormPairs, errors: &Errors) -> Markup {
    let title = match v.proposal {
        Some(_) => ctx.t("proposal-edit-title"),
        None => ctx.t("proposal-new-title"),
    };
    let action = match v.proposal {
        Some(p) => format!("/proposals/{p}"),
        None => format!("/objectives/{}/proposal", v.objective_id),
    };
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/proposals", ctx.t("dashboard-title")), (&format!("/objectives/{}", v.objective_id), v.objective_title.to_owned())], &title))
            h1 { (title) }
            p.lead { (ctx.t("proposal-form-intro")) }
            (help_link(ctx, "/aide/repondre#proposition", "help-link-proposal"))
            @if v.conflict {
                div.alert.alert-error role="alert" {
                    p { strong { (ctx.t("proposal-error-version")) } }
                    @if let Some(p) = v.proposal { p { a href=(format!("/proposals/{p}")) { (ctx.t("proposal-see-saved")) } } }
                }
            }
            (error_summary(ctx, errors))
            form.form method="post" action=(action) novalidate {
                (csrf_field(ctx))
                input type="hidden" name="version" value=(v.version);
                (input(pairs, errors, "title", &ctx.t("proposal-title"), "text", Some(ctx.t_args("field-max-chars", &[("max", &TITLE_MAX.to_string())]))))
                (area(ctx, pairs, errors, "summary", &ctx.t("proposal-summary"), Some(ctx.t("proposal-summary-hint")), SUMMARY_MAX, 4))
                (area(ctx, pairs, errors, "solution", &ctx.t("proposal-solution"), Some(ctx.t("proposal-solution-hint")), SOLUTION_MAX, 14))
                (area(ctx, pairs, errors, "change_support", &ctx.t("proposal-change-support"), Some(ctx.t("proposal-change-support-hint")), CHANGE_SUPPORT_MAX, 6))
                (help_link(ctx, "/aide/repondre#accompagnement", "help-link-change-support"))
                fieldset {
                    legend { (ctx.t("proposal-statements")) }
                    p.hint { (ctx.t("proposal-statements-hint")) }
                    @if let Some(m) = errors.get("statements") { p.field-error #statements { (m) } }
                    @for c in &v.criteria {
                        (area(ctx, pairs, errors, &format!("s_{}", c.id), &c.name, Some(c.description.clone()), STATEMENT_MAX, 4))
                        details {
                            summary { (ctx.t("criterion-levels")) }
                            ol.levels start="0" { @for l in &c.levels { li { (l) } } }
                        }
                    }
                }
                div.field-row {
                    (input(pairs, errors, "cost_euros", &ctx.t("proposal-cost"), "text", Some(ctx.t("proposal-cost-hint"))))
                    (input(pairs, errors, "duration_months", &ctx.t("proposal-duration"), "text", Some(ctx.t("proposal-duration-hint"))))
                }
                div.button-row {
                    button.button.button-primary type="submit" { (ctx.t("proposal-save")) }
                    @if let Some(p) = v.proposal { a.button href=(format!("/proposals/{p}")) { (ctx.t("cancel")) } }
                }
            }
        },
    )
}

pub struct AttachmentRow {
    pub id: i64,
    pub name: String,
    pub size: i64,
    pub sha256: String,
}

pub struct MemberRow {
    pub organisation_id: i64,
    pub name: String,
    pub identifier: String,
    pub role: String,
    pub confirmed: bool,
}

pub struct DepositRow {
    pub id: i64,
    pub number: String,
    pub kind: String,
    pub at: NaiveDateTime,
    pub late: bool,
}

pub struct ProposalView {
    pub id: i64,
    pub objective_id: i64,
    pub objective_title: String,
    pub reference: String,
    pub deadline: Option<NaiveDateTime>,
    pub practice: bool,
    pub lead_name: String,
    pub title: String,
    pub summary: String,
    pub solution_html: String,
    pub change_support: String,
    /// (criterion name, statement)
    pub statements: Vec<(String, String)>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    pub consortium_type: Option<String>,
    pub attachments: Vec<AttachmentRow>,
    pub members: Vec<MemberRow>,
    pub deposits: Vec<DepositRow>,
    pub standing: Standing,
    /// The catalogue key of what the standing means now, and what comes next.
    pub standing_text: &'static str,
    /// Why the proposal cannot be deposited yet (translated).
    pub missing: Vec<String>,
    pub open: bool,
    pub can_write: bool,
    /// The viewer owns a member organisation that has not answered yet.
    pub can_answer: bool,
    /// The viewer's organisation's terms version, when it is a member.
    pub terms: i32,
    pub notice: Option<String>,
    pub max_file_mb: u64,
    /// The evaluation's feedback, once the results are published.
    pub feedback: Option<super::evaluation::Feedback>,
    /// A refused upload's reason, shown by the file field.
    pub upload_error: Option<String>,
}

pub fn proposal(ctx: &Ctx, v: &ProposalView, now: NaiveDateTime) -> Markup {
    let title = if v.title.is_empty() { ctx.t("proposal-untitled") } else { v.title.clone() };
    let writable = v.can_write && v.open;
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[("/proposals", ctx.t("dashboard-title"))], &title))
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            header {
                p.meta {
                    (v.standing.badge(ctx)) " "
                    a href=(format!("/objectives/{}", v.objective_id)) { (v.objective_title) } " "
                    span.muted { (v.reference) }
                    @if v.practice { " " span.badge { (ctx.t("practice-badge")) } }
                }
                h1 { (title) }
                p.muted { (ctx.t_args("proposal-by", &[("lead", &v.lead_name)])) }
                @if let Some(d) = v.deadline {
                    p.deadline { (ctx.t("objective-deadline-label")) " " (when(ctx, d)) " — " strong { (time_left(ctx, Some(d), now)) } }
                }
            }
            @match (v.standing, v.open) {
                (Standing::ToReconfirm, true) | (Standing::Late, _) => div.alert.alert-error role="alert" { p { (ctx.t(v.standing_text)) } },
                (Standing::Withdrawn | Standing::Draft, true) => div.alert.alert-warn { p { (ctx.t(v.standing_text)) } },
                (Standing::Deposited, _) => div.alert.alert-ok {
                    p { (ctx.t(v.standing_text)) }
                    @if v.standing_text == "standing-awarded-text" {
                        p { a href="/organisation/letters" { (ctx.t("standing-letters-link")) } }
                    }
                },
                _ => div.alert { p { (ctx.t(v.standing_text)) } },
            }
            @if v.practice { div.alert { p { (ctx.t("practice-explained")) } } }
            @if let Some(f) = &v.feedback { (super::evaluation::feedback(ctx, f)) }
            @if v.can_answer {
                section.agent-actions aria-labelledby="answer" {
                    h2 #answer { (ctx.t("consortium-answer-title")) }
                    p { (ctx.t_args("consortium-answer-text", &[("lead", &v.lead_name)])) }
                    (answer_buttons(ctx, v.id, v.terms, &v.lead_name))
                }
            }
            @if writable {
                section.agent-actions aria-labelledby="actions" {
                    h2 #actions { (ctx.t("proposal-actions")) }
                    @if !v.missing.is_empty() {
                        div.alert.alert-warn {
                            p { (ctx.t("proposal-missing")) }
                            ul { @for m in &v.missing { li { (m) } } }
                        }
                    }
                    div.button-row {
                        a.button href=(format!("/proposals/{}/edit", v.id)) { (ctx.t("proposal-edit")) }
                        a.button.button-primary href=(format!("/proposals/{}/deposit", v.id)) { (ctx.t("proposal-deposit")) }
                        @if v.standing == Standing::ToReconfirm {
                            form.inline-form method="post" action=(format!("/proposals/{}/reconfirm", v.id)) {
                                (csrf_field(ctx))
                                button.button.button-primary type="submit" { (ctx.t("proposal-reconfirm")) }
                            }
                        }
                    }
                    @if matches!(v.standing, Standing::Deposited | Standing::ToReconfirm) {
                        div.danger-zone {
                            a.button.button-danger href=(format!("/proposals/{}/withdraw", v.id)) { (ctx.t("proposal-withdraw")) }
                        }
                    }
                }
            }
            section aria-labelledby="content" {
                h2 #content { (ctx.t("proposal-content")) }
                h3 { (ctx.t("proposal-summary")) }
                @if v.summary.is_empty() { p.empty { "—" } } @else { p { (v.summary) } }
                h3 { (ctx.t("proposal-solution")) }
                // Sanitised by `domain::markdown::render`.
                @if v.solution_html.is_empty() { p.empty { "—" } } @else { div.prose { (PreEscaped(&v.solution_html)) } }
                h3 { (ctx.t("proposal-change-support")) }
                @if v.change_support.is_empty() { p.empty { "—" } } @else { p.pre-line { (v.change_support) } }
                @if !v.statements.is_empty() {
                    h3 { (ctx.t("proposal-statements")) }
                    dl.facts { @for (name, s) in &v.statements { dt { (name) } dd.pre-line { (s) } } }
                }
                dl.facts {
                    dt { (ctx.t("proposal-cost")) } dd { @if let Some(c) = v.cost_euros { (euros(ctx.lang, c)) } @else { "—" } }
                    dt { (ctx.t("proposal-duration")) } dd { @if let Some(d) = v.duration_months { (ctx.t_args("months", &[("n", &d.to_string())])) } @else { "—" } }
                }
            }
            section aria-labelledby="attachments" {
                h2 #attachments { (ctx.t("proposal-attachments")) }
                @if v.attachments.is_empty() { p.empty { (ctx.t("documents-none")) } }
                @else {
                    ul.plain-list {
                        @for a in &v.attachments {
                            li {
                                a href=(format!("/proposals/{}/attachments/{}", v.id, a.id)) download { (a.name) }
                                " " span.muted { "(" (size_text(ctx.lang, a.size)) ")" }
                                br; span.muted.hash { "SHA-256 " code { (a.sha256) } }
                                @if writable {
                                    " "
                                    form.inline-form method="post" action=(format!("/proposals/{}/attachments/{}/delete", v.id, a.id)) {
                                        (csrf_field(ctx))
                                        button.link-button type="submit" { (ctx.t("documents-remove")) span.visually-hidden { " " (a.name) } }
                                    }
                                }
                            }
                        }
                    }
                }
                @if writable {
                    @if let Some(m) = &v.upload_error {
                        div.alert.alert-error role="alert" tabindex="-1" #error-summary {
                            p { strong { (ctx.t("form-has-errors")) } }
                            ul { li { a href="#file" { (m) } } }
                        }
                    }
                    form.form method="post" enctype="multipart/form-data" action=(format!("/proposals/{}/attachments", v.id)) {
                        (csrf_field(ctx))
                        div.field.field-invalid[v.upload_error.is_some()] {
                            label for="file" { (ctx.t("documents-add")) }
                            p.hint #file-hint { (ctx.t_args("proposal-files-hint", &[("mb", &v.max_file_mb.to_string())])) }
                            @if let Some(m) = &v.upload_error { p.field-error #file-error { (m) } }
                            input #file type="file" name="file" multiple required
                                aria-invalid=[v.upload_error.as_ref().map(|_| "true")]
                                aria-describedby=(if v.upload_error.is_some() { "file-hint file-error" } else { "file-hint" })
                                accept=".pdf,.odt,.ods,.docx,.xlsx,.png,.jpg,.jpeg";
                        }
                        button.button type="submit" { (ctx.t("documents-upload")) }
                    }
                }
            }
            section aria-labelledby="consortium" {
                h2 #consortium { (ctx.t("consortium-title")) }
                @if v.members.is_empty() { p.empty { (ctx.t("consortium-none")) } }
                @else {
                    p { (ctx.t(&format!("consortium-type-{}", v.consortium_type.as_deref().unwrap_or("conjoint")))) }
                    div.table-wrap {
                        table {
                            thead { tr {
                                th scope="col" { (ctx.t("consortium-organisation")) }
                                th scope="col" { (ctx.t("consortium-role")) }
                                th scope="col" { (ctx.t("consortium-status")) }
                                @if writable { th scope="col" { span.visually-hidden { (ctx.t("actions")) } } }
                            } }
                            tbody {
                                @for m in &v.members {
                                    tr {
                                        td { (m.name) br; span.muted { (m.identifier) } }
                                        td { (m.role) }
                                        td { @if m.confirmed { span.badge.badge-ok { (ctx.t("consortium-confirmed")) } } @else { span.badge { (ctx.t("consortium-pending")) } } }
                                        @if writable {
                                            td {
                                                form.inline-form method="post" action=(format!("/proposals/{}/consortium/{}/remove", v.id, m.organisation_id)) {
                                                    (csrf_field(ctx))
                                                    button.link-button type="submit" { (ctx.t("consortium-remove")) span.visually-hidden { " " (m.name) } }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                @if writable {
                    form.form method="post" action=(format!("/proposals/{}/consortium", v.id)) {
                        (csrf_field(ctx))
                        h3 { (ctx.t("consortium-add")) }
                        p.hint { (ctx.t("consortium-add-hint")) }
                        (help_link(ctx, "/aide/repondre#groupement", "help-link-consortium"))
                        div.field-row {
                            div.field {
                                label for="identifier_type" { (ctx.t("field-identifier-type")) }
                                select #identifier_type name="identifier_type" {
                                    @for t in ["siret", "eu_vat", "other"] { option value=(t) { (ctx.t(&format!("identifier-type-{t}"))) } }
                                }
                            }
                            div.field {
                                label for="identifier" { (ctx.t("field-identifier")) }
                                input #identifier type="text" name="identifier" required;
                            }
                        }
                        div.field {
                            label for="role" { (ctx.t("consortium-role")) }
                            input #role type="text" name="role" required maxlength="200";
                        }
                        div.field {
                            label for="consortium_type" { (ctx.t("consortium-type")) }
                            select #consortium_type name="consortium_type" {
                                @for t in ["conjoint", "solidaire"] {
                                    option value=(t) selected[v.consortium_type.as_deref() == Some(t)] { (ctx.t(&format!("consortium-type-{t}"))) }
                                }
                            }
                        }
                        button.button type="submit" { (ctx.t("consortium-invite")) }
                    }
                }
            }
            section aria-labelledby="deposits" {
                h2 #deposits { (ctx.t("proposal-deposits")) }
                @if v.deposits.is_empty() { p.empty { (ctx.t("proposal-no-deposit")) } }
                @else {
                    div.table-wrap {
                        table {
                            thead { tr {
                                th scope="col" { (ctx.t("receipt-number")) }
                                th scope="col" { (ctx.t("receipt-kind")) }
                                th scope="col" { (ctx.t("receipt-time")) " " (ctx.t("paris-time")) }
                            } }
                            tbody {
                                @for d in v.deposits.iter().rev() {
                                    tr {
                                        td { a href=(format!("/receipts/{}", d.id)) { code { (d.number) } } }
                                        td { (ctx.t(&format!("receipt-kind-{}", d.kind))) @if d.late { " " span.badge.badge-danger { (ctx.t("standing-late")) } } }
                                        td { (when(ctx, d.at)) }
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

pub struct DepositConfirmView<'a> {
    pub id: i64,
    /// What is reviewed here: the deposit is refused if the draft changed since.
    pub version: i32,
    pub attachments: String,
    pub title: &'a str,
    pub objective_title: &'a str,
    pub deadline: Option<NaiveDateTime>,
    pub documents: Vec<AttachmentRow>,
    pub members: Vec<MemberRow>,
    pub missing: Vec<String>,
}

pub fn deposit_confirm(ctx: &Ctx, v: &DepositConfirmView<'_>, now: NaiveDateTime) -> Markup {
    let heading = ctx.t("deposit-title");
    let blocked = !v.missing.is_empty();
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[("/proposals", ctx.t("dashboard-title")), (&format!("/proposals/{}", v.id), v.title.to_owned())], &heading))
            h1 { (heading) }
            p.lead { (ctx.t_args("deposit-intro", &[("title", v.title), ("objective", v.objective_title)])) }
            (help_link(ctx, "/aide/repondre#depot", "help-link-deposit"))
            @if let Some(d) = v.deadline { p.deadline { (ctx.t("objective-deadline-label")) " " (when(ctx, d)) " — " strong { (time_left(ctx, Some(d), now)) } } }
            @if blocked {
                div.alert.alert-error role="alert" {
                    p { strong { (ctx.t("deposit-blocked")) } }
                    ul { @for m in &v.missing { li { (m) } } }
                }
            }
            h2 { (ctx.t("deposit-documents")) }
            @if v.documents.is_empty() { p.empty { (ctx.t("documents-none")) } }
            @else {
                ul.plain-list { @for a in &v.documents { li { (a.name) " " span.muted { "(" (size_text(ctx.lang, a.size)) ")" } br; span.muted.hash { "SHA-256 " code { (a.sha256) } } } } }
            }
            @if !v.members.is_empty() {
                h2 { (ctx.t("consortium-title")) }
                ul.plain-list { @for m in &v.members { li { (m.name) " — " (m.role) " " @if m.confirmed { span.badge.badge-ok { (ctx.t("consortium-confirmed")) } } @else { span.badge.badge-danger { (ctx.t("consortium-pending")) } } } } }
            }
            @if !blocked {
                form.form method="post" action=(format!("/proposals/{}/deposit", v.id)) {
                    (csrf_field(ctx))
                    input type="hidden" name="version" value=(v.version);
                    input type="hidden" name="attachments" value=(v.attachments);
                    div.field.field-check {
                        input #deposit_confirm type="checkbox" name="confirm" value="true" required;
                        label for="deposit_confirm" { (ctx.t("deposit-confirm")) }
                    }
                    button.button.button-primary type="submit" { (ctx.t("proposal-deposit")) }
                }
            }
        },
    )
}

/// What the receipt page shows besides the receipt itself.
pub struct ReceiptPage<'a> {
    pub deposit: i64,
    pub hash: &'a str,
    pub deposited_at: NaiveDateTime,
    pub proposal: Option<i64>,
    pub notice: Option<String>,
}

pub fn receipt(ctx: &Ctx, r: &Receipt, v: &ReceiptPage<'_>) -> Markup {
    let (deposit, hash, proposal, notice) = (v.deposit, v.hash, v.proposal, &v.notice);
    let heading = ctx.t_args("receipt-title", &[("number", &r.receipt_number)]);
    page(
        ctx,
        &heading,
        html! {
            @if let Some(p) = proposal {
                (breadcrumbs(ctx, &[("/proposals", ctx.t("dashboard-title")), (&format!("/proposals/{p}"), ctx.t("proposal-back"))], &r.receipt_number))
            }
            h1 { (heading) }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            @if r.late { div.alert.alert-error role="alert" { p { strong { (ctx.t(&format!("receipt-late-{}", r.kind))) } } } }
            @if r.practice { div.alert { p { (ctx.t("practice-explained")) } } }
            article.receipt aria-label=(heading) {
                p.lead { (ctx.t(&format!("receipt-lead-{}", r.kind))) }
                dl.facts {
                    dt { (ctx.t("receipt-number")) } dd { code { (r.receipt_number) } }
                    dt { (ctx.t("receipt-buyer")) } dd { (r.buyer) }
                    dt { (ctx.t("receipt-objective")) } dd { (r.objective.title) " (" (r.objective.reference) ")" }
                    dt { (ctx.t("receipt-depositor")) } dd { (r.depositor.user_name) " <" (r.depositor.user_email) ">" br; (r.depositor.organisation.name) " — " (r.depositor.organisation.identifier) }
                    @if let Some(c) = &r.consortium {
                        dt { (ctx.t("consortium-title")) }
                        dd {
                            (ctx.t(&format!("consortium-type-{}", c.kind)))
                            ul { @for m in &c.members { li { (m.name) " — " (m.identifier) " — " (m.role) } } }
                        }
                    }
                    dt { (ctx.t("receipt-started")) } dd { time datetime=(r.upload_started_at) { (crate::i18n::paris_of_canonical(ctx.lang, &r.upload_started_at)) } " " (ctx.t("paris-time")) }
                    dt { (ctx.t("receipt-time")) } dd { time datetime=(r.deposited_at) { (crate::i18n::paris_of_canonical(ctx.lang, &r.deposited_at)) } " " (ctx.t("paris-time")) }
                    dt { (ctx.t("receipt-content-hash")) } dd.hash { code { (r.content_sha256) } }
                    dt { (ctx.t("receipt-hash")) } dd.hash { code { (hash) } }
                }
                @if !r.documents.is_empty() {
                    h2 { (ctx.t("deposit-documents")) }
                    table {
                        thead { tr { th scope="col" { (ctx.t("document-name")) } th scope="col" { (ctx.t("document-size")) } th scope="col" { "SHA-256" } } }
                        tbody {
                            @for (position, d) in r.documents.iter().enumerate() {
                                tr {
                                    td { a href=(format!("/deposits/{deposit}/documents/{position}")) download { (d.name) } }
                                    td.num { (d.size_bytes) }
                                    td.hash { code { (d.sha256) } }
                                }
                            }
                        }
                    }
                }
                p.muted { (ctx.t("receipt-check-explained")) }
            }
            div.button-row.no-print {
                a.button href=(format!("/receipts/{deposit}/pdf")) download { (ctx.t("receipt-download-pdf")) }
                a.button href=(format!("/receipts/{deposit}/json")) download { (ctx.t("receipt-download-json")) }
                a.button href=(format!("/receipts/verify?number={}&hash={}", r.receipt_number, hash)) { (ctx.t("receipt-verify-link")) }
            }
        },
    )
}

/// The receipt as a PDF: what its page says, times in Paris to the second with the zone named
/// (and the UTC values the hash covers), each document's SHA-256, the receipt's own hash and the
/// public address where anyone may check it. `verify_url` is that address, this receipt's number
/// and hash filled in.
pub fn receipt_pdf(
    lang: Lang,
    r: &Receipt,
    hash: &str,
    deposited_at: NaiveDateTime,
    verify_url: &str,
) -> crate::pdf::Document {
    use super::pdf::{document, paris_named};
    use crate::pdf::Block;
    let t = |key: &str| lang.t(key);
    let heading = lang.t_args("receipt-title", &[("number", &r.receipt_number)]);
    let both = |utc: &str, at: Option<NaiveDateTime>| match at {
        Some(at) => format!("{}\n{utc} (UTC)", paris_named(lang, at)),
        None => utc.to_owned(),
    };
    let started = crate::i18n::canonical_utc(&r.upload_started_at);
    let mut blocks = vec![Block::Title(heading.clone()), Block::Strong(t(&format!("receipt-lead-{}", r.kind)))];
    if r.late {
        blocks.push(Block::Strong(t(&format!("receipt-late-{}", r.kind))));
    }
    if r.practice {
        blocks.push(Block::Note(t("practice-explained")));
    }
    let d = &r.depositor;
    let mut facts = vec![
        (t("receipt-number"), r.receipt_number.clone()),
        (t("receipt-kind"), t(&format!("receipt-kind-{}", r.kind))),
        (t("receipt-buyer"), r.buyer.clone()),
        (t("receipt-objective"), format!("{} ({})", r.objective.title, r.objective.reference)),
        (
            t("receipt-depositor"),
            format!("{} <{}>\n{} — {}", d.user_name, d.user_email, d.organisation.name, d.organisation.identifier),
        ),
    ];
    if let Some(c) = &r.consortium {
        let members: Vec<String> =
            c.members.iter().map(|m| format!("{} — {} — {}", m.name, m.identifier, m.role)).collect();
        facts.push((
            t("consortium-title"),
            format!("{}\n{}", t(&format!("consortium-type-{}", c.kind)), members.join("\n")),
        ));
    }
    facts.extend([
        (t("receipt-pdf-started"), both(&r.upload_started_at, started)),
        (t("receipt-pdf-time"), both(&r.deposited_at, Some(deposited_at))),
        (t("receipt-content-hash"), r.content_sha256.clone()),
        (t("receipt-hash"), hash.to_owned()),
    ]);
    blocks.push(Block::Facts(facts));
    if !r.documents.is_empty() {
        blocks.push(Block::Heading(t("deposit-documents")));
        blocks.push(Block::Table {
            widths: vec![0.38, 0.14, 0.48],
            header: vec![t("document-name"), t("receipt-pdf-size"), "SHA-256".into()],
            rows: r
                .documents
                .iter()
                .map(|d| vec![d.name.clone(), d.size_bytes.to_string(), d.sha256.clone()])
                .collect(),
        });
    }
    blocks.push(Block::Heading(t("receipt-pdf-verify-title")));
    blocks.push(Block::Paragraph(t("receipt-check-explained")));
    blocks.push(Block::Paragraph(format!("{}\n{verify_url}", t("receipt-pdf-verify-address"))));
    blocks.push(Block::Note(t("receipt-pdf-note")));
    document(lang, heading, blocks)
}

pub fn verify(ctx: &Ctx, number: &str, hash: &str, result: Option<bool>) -> Markup {
    let heading = ctx.t("verify-receipt-title");
    page(
        ctx,
        &heading,
        html! {
            h1 { (heading) }
            p.lead { (ctx.t("verify-receipt-intro")) }
            @match result {
                Some(true) => div.alert.alert-ok role="status" { p { strong { (ctx.t("verify-receipt-valid")) } } },
                Some(false) => div.alert.alert-error role="alert" { p { strong { (ctx.t("verify-receipt-invalid")) } } },
                None => {},
            }
            form.form method="get" action="/receipts/verify" {
                div.field {
                    label for="number" { (ctx.t("receipt-number")) }
                    input #number type="text" name="number" value=(number) required autocomplete="off";
                }
                div.field {
                    label for="hash" { (ctx.t("receipt-hash")) }
                    input #hash type="text" name="hash" value=(hash) required autocomplete="off" spellcheck="false";
                }
                button.button.button-primary type="submit" { (ctx.t("verify-receipt-submit")) }
            }
        },
    )
}

pub struct AgentRow {
    pub proposal: i64,
    pub organisation: String,
    /// Opened: the deposit time. Otherwise the translated reason.
    pub opened_at: Option<NaiveDateTime>,
    pub reason: Option<String>,
    pub to_open: bool,
}

pub struct AgentView<'a> {
    pub objective_id: i64,
    pub objective_title: &'a str,
    pub deadline: Option<NaiveDateTime>,
    pub deposited: i64,
    /// Past the deadline: the list is shown (and may be opened).
    pub closed: bool,
    pub rows: Vec<AgentRow>,
    pub notice: Option<String>,
    /// The committee decided: the agent may read the ranking and publish the results.
    pub decided: bool,
    pub published: bool,
    /// Deposited files found altered (at the opening or a download), newest first.
    pub altered: Vec<crate::domain::integrity::Alert>,
}

/// How an altered file is named: a public file by its name, a deposited document by its deposit
/// and position (a proposal's file names are content).
pub fn alert_file(ctx: &Ctx, a: &crate::domain::integrity::Alert) -> String {
    match (&a.file_name, a.deposit) {
        (Some(name), _) => name.clone(),
        (None, Some((deposit, position))) => ctx.t_args(
            "integrity-deposited-document",
            &[("position", &(position + 1).to_string()), ("deposit", &deposit.to_string())],
        ),
        (None, None) => ctx.t("integrity-draft-attachment"),
    }
}

/// The files found not to match the hashes recorded when they were received.
pub fn integrity_alerts(ctx: &Ctx, alerts: &[crate::domain::integrity::Alert], with_objective: bool) -> Markup {
    html! {
        @if !alerts.is_empty() {
            div.alert.alert-error role="alert" {
                h2 { (ctx.t("integrity-title")) }
                p { (ctx.t("integrity-explained")) }
                ul {
                    @for a in alerts {
                        li {
                            @if with_objective {
                                a href=(format!("/objectives/{}/proposals", a.objective)) { (a.objective_title) } " — "
                            }
                            (alert_file(ctx, a)) " — " (ctx.t(&format!("integrity-during-{}", a.during))) ", " (when(ctx, a.at))
                        }
                    }
                }
            }
        }
    }
}

pub fn agent_list(ctx: &Ctx, v: &AgentView<'_>) -> Markup {
    let heading = ctx.t("opening-title");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[("/objectives", ctx.t("objectives-title")), (&format!("/objectives/{}", v.objective_id), v.objective_title.to_owned())], &heading))
            h1 { (heading) }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            (integrity_alerts(ctx, &v.altered, false))
            p.lead { (ctx.t_args("opening-count", &[("count", &v.deposited.to_string())])) }
            p { a href=(format!("/objectives/{}/committee", v.objective_id)) { (ctx.t("committee-title")) } }
            @if v.decided {
                p { a href=(format!("/objectives/{}/evaluation/ranking", v.objective_id)) { (ctx.t("evaluation-ranking")) } }
                @if !v.published {
                    section aria-labelledby="results-publish" {
                        h2 #results-publish { (ctx.t("results-publish-title")) }
                        p { (ctx.t("results-publish-intro")) }
                        p { a.button.button-primary href=(format!("/objectives/{}/results/publish", v.objective_id)) { (ctx.t("results-publish")) } }
                    }
                }
            }
            @if !v.closed {
                div.alert { p { (ctx.t("opening-sealed")) @if let Some(d) = v.deadline { " " (when(ctx, d)) } } }
            } @else {
                @if v.rows.iter().any(|r| r.to_open) {
                    form.form method="post" action=(format!("/objectives/{}/proposals/open", v.objective_id)) {
                        (csrf_field(ctx))
                        p { (ctx.t("opening-explained")) }
                        button.button.button-primary type="submit" { (ctx.t("opening-open")) }
                    }
                }
                @if v.rows.is_empty() { p.empty { (ctx.t("opening-none")) } }
                @else {
                    div.table-wrap {
                        table {
                            thead { tr {
                                th scope="col" { (ctx.t("consortium-organisation")) }
                                th scope="col" { (ctx.t("proposal-standing")) }
                            } }
                            tbody {
                                @for r in &v.rows {
                                    tr {
                                        td { (r.organisation) }
                                        td {
                                            @if let Some(at) = r.opened_at {
                                                a href=(format!("/objectives/{}/proposals/{}", v.objective_id, r.proposal)) { (ctx.t("opening-read")) span.visually-hidden { " — " (r.organisation) } }
                                                " " span.muted { (ctx.t("opening-opened-on")) " " (when(ctx, at)) }
                                            } @else if r.to_open {
                                                span.badge { (ctx.t("opening-to-open")) }
                                            } @else if let Some(reason) = &r.reason {
                                                span.badge.badge-danger { (reason) }
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

pub struct OpenedView<'a> {
    pub objective_id: i64,
    pub objective_title: &'a str,
    pub organisation: &'a str,
    pub receipt_number: &'a str,
    pub deposited_at: NaiveDateTime,
    pub title: &'a str,
    pub summary: &'a str,
    pub solution_html: String,
    pub change_support: &'a str,
    pub statements: Vec<(String, String)>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    pub consortium: Vec<String>,
    /// (deposit id, position, name, size, sha256)
    pub documents: Vec<(i64, i32, String, i64, String)>,
}

pub fn opened(ctx: &Ctx, v: &OpenedView<'_>) -> Markup {
    page(
        ctx,
        v.title,
        html! {
            (breadcrumbs(ctx, &[(&format!("/objectives/{}", v.objective_id), v.objective_title.to_owned()), (&format!("/objectives/{}/proposals", v.objective_id), ctx.t("opening-title"))], v.title))
            h1 { (v.title) }
            p.muted { (v.organisation) " — " (ctx.t("receipt-number")) " " code { (v.receipt_number) } " — " (when(ctx, v.deposited_at)) }
            @if !v.consortium.is_empty() { p { (ctx.t("consortium-title")) " : " (v.consortium.join(", ")) } }
            h2 { (ctx.t("proposal-summary")) }
            p { (v.summary) }
            h2 { (ctx.t("proposal-solution")) }
            // Sanitised by `domain::markdown::render`.
            div.prose { (PreEscaped(&v.solution_html)) }
            h2 { (ctx.t("proposal-change-support")) }
            p.pre-line { (v.change_support) }
            @if !v.statements.is_empty() {
                h2 { (ctx.t("proposal-statements")) }
                dl.facts { @for (name, s) in &v.statements { dt { (name) } dd.pre-line { (s) } } }
            }
            dl.facts {
                dt { (ctx.t("proposal-cost")) } dd { @if let Some(c) = v.cost_euros { (euros(ctx.lang, c)) } @else { "—" } }
                dt { (ctx.t("proposal-duration")) } dd { @if let Some(d) = v.duration_months { (ctx.t_args("months", &[("n", &d.to_string())])) } @else { "—" } }
            }
            h2 { (ctx.t("deposit-documents")) }
            @if v.documents.is_empty() { p.empty { (ctx.t("documents-none")) } }
            @else {
                ul.plain-list {
                    @for (deposit, pos, name, size, sha) in &v.documents {
                        li {
                            a href=(format!("/deposits/{deposit}/documents/{pos}")) download { (name) }
                            " " span.muted { "(" (size_text(ctx.lang, *size)) ")" }
                            br; span.muted.hash { "SHA-256 " code { (sha) } }
                        }
                    }
                }
            }
        },
    )
}

// ---- view data from domain values ----

/// Where a proposal stands for its organisation, from the one opening rule.
pub fn standing(full: &ProposalFull, last_essential: Option<NaiveDateTime>) -> Standing {
    Standing::of(opening::outcome(&full.deposits, last_essential))
}

pub fn attachment_rows(full: &ProposalFull) -> Vec<AttachmentRow> {
    full.attachments
        .iter()
        .map(|a| AttachmentRow { id: a.id.0, name: a.file_name.clone(), size: a.size_bytes, sha256: a.sha256.clone() })
        .collect()
}

pub fn member_rows(full: &ProposalFull) -> Vec<MemberRow> {
    full.members
        .iter()
        .map(|m| MemberRow {
            organisation_id: m.organisation_id.0,
            name: m.legal_name.clone(),
            identifier: m.identifier.clone(),
            role: m.role.clone(),
            confirmed: m.confirmed_at.is_some(),
        })
        .collect()
}

pub fn deposit_rows(full: &ProposalFull) -> Vec<DepositRow> {
    full.deposits
        .iter()
        .map(|d| DepositRow {
            id: d.id.0,
            number: d.receipt_number.clone(),
            kind: d.kind.clone(),
            at: d.deposited_at,
            late: d.late,
        })
        .collect()
}

/// What a deposit still needs, in the user's language.
pub fn missing_for_deposit(ctx: &Ctx, full: &ProposalFull, catalogue: &[Criterion]) -> Vec<String> {
    let mut problems: Vec<Problem> = proposals::missing_for_deposit(&full.content());
    if full.members.iter().any(|m| m.confirmed_at.is_none()) {
        problems.push(Problem::new("consortium", "proposal-error-unconfirmed"));
    }
    problems_to_errors(ctx, &problems, catalogue).0.into_values().collect()
}

/// A criterion's name in the user's language (its id if the catalogue lacks it).
pub fn criterion_name(catalogue: &[Criterion], id: CriterionId, ctx: &Ctx) -> String {
    catalogue.iter().find(|c| c.id == id).map_or_else(|| id.to_string(), |c| c.name(ctx.lang).to_owned())
}

/// The objective's criteria, as the proposal form asks a statement for each.
pub fn form_criteria(ctx: &Ctx, full: &ObjectiveFull, catalogue: &[Criterion]) -> Vec<FormCriterion> {
    full.criteria
        .iter()
        .filter_map(|w| catalogue.iter().find(|c| c.id == w.criterion_id))
        .map(|c| FormCriterion {
            id: c.id.0,
            name: c.name(ctx.lang).to_owned(),
            description: c.description(ctx.lang).to_owned(),
            levels: c.levels(ctx.lang),
        })
        .collect()
}

/// The form values of a stored draft.
pub fn content_pairs(full: &ProposalFull) -> FormPairs {
    let p = &full.proposal;
    let mut pairs: FormPairs = vec![
        ("title".into(), p.title.clone()),
        ("summary".into(), p.summary.clone()),
        ("solution".into(), p.solution.clone()),
        ("change_support".into(), p.change_support.clone()),
        ("cost_euros".into(), p.cost_euros.map(|c| c.to_string()).unwrap_or_default()),
        ("duration_months".into(), p.duration_months.map(|d| d.to_string()).unwrap_or_default()),
    ];
    for (c, s) in &full.statements {
        pairs.push((format!("s_{c}"), s.clone()));
    }
    pairs
}

// ---- The proposal's page: what it loaded, then the page ----

/// Everything the proposal's page shows, as `web::operations::proposals::page` loaded it.
pub struct ProposalPage {
    pub full: ProposalFull,
    pub relation: proposals::Relation,
    /// The whole criteria catalogue, retired ones included.
    pub catalogue: Vec<Criterion>,
    /// When the objective's last essential amendment was, if any (reconfirmation).
    pub essential: Option<NaiveDateTime>,
    pub now: NaiveDateTime,
    /// The published evaluation, for the supplier's own feedback.
    pub board: Option<crate::domain::evaluation::board::Board>,
    /// The viewer's organisation.
    pub viewer_org: Option<crate::db::ids::OrganisationId>,
    /// The viewer may answer a consortium invitation for their organisation.
    pub may_answer: bool,
    /// The viewer may change the proposal (its lead organisation).
    pub may_write: bool,
    pub max_file_mb: u64,
}

/// What a proposal's standing means for its author now: while the objective takes proposals, what they
/// may still do; once it no longer does, where the proposal stands and what comes next — never an
/// invitation to change what can no longer change.
pub fn standing_text(standing: Standing, open: bool, status: Status) -> &'static str {
    if open {
        return match standing {
            Standing::Draft => "standing-draft-text",
            Standing::Deposited => "standing-deposited-text",
            Standing::ToReconfirm => "standing-to-reconfirm-text",
            Standing::Withdrawn => "standing-withdrawn-text",
            Standing::Late => "standing-late-text",
        };
    }
    match standing {
        Standing::Draft => "standing-draft-closed-text",
        Standing::ToReconfirm => "standing-to-reconfirm-closed-text",
        Standing::Withdrawn => "standing-withdrawn-closed-text",
        Standing::Late => "standing-late-text",
        Standing::Deposited => match status {
            Status::Cancelled => "standing-cancelled-text",
            Status::UnderEvaluation => "standing-evaluating-text",
            Status::ResultsPublished => "standing-results-text",
            Status::Awarded | Status::NotAwarded | Status::InExecution | Status::Completed | Status::Archived => {
                "standing-awarded-text"
            }
            Status::Draft | Status::Published | Status::Closed => "standing-sealed-text",
        },
    }
}

/// The proposal's page from what it loaded.
pub fn page_markup(ctx: &Ctx, page: &ProposalPage, notice: Option<String>, upload_error: Option<String>) -> Markup {
    if page.relation == proposals::Relation::Invited {
        return invitation_markup(ctx, page);
    }
    let (full, catalogue, now) = (&page.full, &page.catalogue, page.now);
    let feedback = page.board.as_ref().and_then(|b| {
        let outcome = opening::outcome(&full.deposits, page.essential).err();
        super::evaluation::supplier_feedback(ctx, b, full.proposal.id, outcome)
    });
    let open = proposals::accepts_proposals(&full.objective, now);
    let own_membership = full.members.iter().find(|m| Some(m.organisation_id) == page.viewer_org);
    let p = &full.proposal;
    let view = ProposalView {
        id: p.id.0,
        objective_id: full.objective.id.0,
        objective_title: full.objective.title.clone(),
        reference: full.objective.reference.clone(),
        deadline: full.objective.deadline_at,
        practice: full.objective.practice,
        lead_name: full.lead_name.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        solution_html: if p.solution.is_empty() { String::new() } else { crate::domain::markdown::render(&p.solution) },
        change_support: p.change_support.clone(),
        statements: full.statements.iter().map(|(c, s)| (criterion_name(catalogue, *c, ctx), s.clone())).collect(),
        cost_euros: p.cost_euros,
        duration_months: p.duration_months,
        consortium_type: p.consortium_type.clone(),
        attachments: attachment_rows(full),
        members: member_rows(full),
        deposits: deposit_rows(full),
        standing: standing(full, page.essential),
        standing_text: standing_text(standing(full, page.essential), open, full.objective.status_at(now)),
        missing: missing_for_deposit(ctx, full, catalogue),
        open,
        can_write: page.may_write,
        can_answer: page.relation == proposals::Relation::Member
            && own_membership.is_some_and(|m| m.confirmed_at.is_none())
            && page.may_answer
            && open,
        terms: own_membership.map_or(0, |m| m.terms_version),
        notice,
        max_file_mb: page.max_file_mb,
        feedback,
        upload_error,
    };
    proposal(ctx, &view, now)
}

/// The confirmation page of a withdrawal.
pub fn withdraw_confirmation(
    ctx: &Ctx,
    id: i64,
    title: &str,
    objective_title: &str,
    deadline: Option<NaiveDateTime>,
) -> Markup {
    let base = format!("/proposals/{id}");
    let title = if title.is_empty() { ctx.t("proposal-untitled") } else { title.to_owned() };
    let mut effects = vec![ctx.t("proposal-withdraw-effect")];
    if let Some(d) = deadline {
        effects.push(ctx.t_args("proposal-withdraw-effect-deadline", &[("deadline", &paris(ctx.lang, d))]));
    }
    super::confirm::confirmation(
        ctx,
        &super::confirm::Confirm {
            title: ctx.t("proposal-withdraw-title"),
            trail: vec![("/proposals", ctx.t("dashboard-title")), (&base, title.clone())],
            subject: format!("{title} — {objective_title}"),
            effects,
            irreversible: ctx.t("proposal-withdraw-irreversible"),
            open_items: None,
            action: format!("{base}/withdraw"),
            hidden: vec![("confirm", "true".to_owned())],
            reason: None,
            checks: vec![],
            button: ctx.t("proposal-withdraw"),
            back: base.clone(),
            errors: Errors::default(),
        },
    )
}

/// What an invited, unconfirmed consortium member sees of a proposal: who leads, for which
/// objective, its own role, and the buttons to answer; nothing of the content, the files or the
/// receipts until its organisation confirms.
fn invitation_markup(ctx: &Ctx, page: &ProposalPage) -> Markup {
    let full = &page.full;
    let own = full.members.iter().find(|m| Some(m.organisation_id) == page.viewer_org);
    let open = proposals::accepts_proposals(&full.objective, page.now);
    let heading = ctx.t("invitation-only-title");
    crate::views::layout::page(
        ctx,
        &heading,
        html! {
            h1 { (heading) }
            p { (ctx.t_args("dashboard-invitation", &[("lead", &full.lead_name), ("title", &full.objective.title)])) }
            p { a href=(format!("/objectives/{}", full.objective.id.0)) { (full.objective.title) } }
            @if let Some(m) = own { p { strong { (ctx.t("consortium-role")) } " — " (m.role) } }
            p { (ctx.t(&format!("consortium-type-{}", full.proposal.consortium_type.as_deref().unwrap_or("conjoint")))) }
            p.hint { (ctx.t("invitation-only-text")) }
            @if open && page.may_answer {
                @if let Some(m) = own { (answer_buttons(ctx, full.proposal.id.0, m.terms_version, &full.lead_name)) }
            }
        },
    )
}

/// The page before the practice objective exists: what it is, and the button that creates it.
pub fn practice_start(ctx: &Ctx) -> Markup {
    let heading = ctx.t("dashboard-practice");
    page(
        ctx,
        &heading,
        html! {
            h1 { (heading) }
            p { (ctx.t("practice-explained")) }
            form.form method="post" action="/practice" {
                (csrf_field(ctx))
                button.button.button-primary type="submit" { (ctx.t("practice-start")) }
            }
        },
    )
}
