//! Evaluation pages: the agent's committee page, the member's workspace (declarations, proposals,
//! scoring), the chair's progress, ranking, sensitivity and shortlist, and the charts.

use chrono::NaiveDateTime;
use maud::{Markup, PreEscaped, html};

use super::account::paris;
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, csrf_field, page};
use super::objectives::{size_text, status_badge};
use crate::domain::objectives::Status;

fn breadcrumbs(ctx: &Ctx, objective: i64, title: &str, here: &str) -> Markup {
    html! {
        nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) {
            ol {
                li { a href="/evaluations" { (ctx.t("evaluations-title")) } }
                li { a href=(format!("/objectives/{objective}/evaluation")) { (title) } }
                li aria-current="page" { (here) }
            }
        }
    }
}

fn notice(n: &Option<String>) -> Markup {
    html! { @if let Some(n) = n { div.alert.alert-ok role="status" { p { (n) } } } }
}

pub struct CommitteeRow {
    pub user: i64,
    pub name: String,
    pub email: String,
    pub chair: bool,
}

pub struct CommitteeView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub members: Vec<CommitteeRow>,
    /// (user id, name, email) of committee-role accounts not appointed yet.
    pub candidates: Vec<(i64, String, String)>,
    pub blind: bool,
    pub median: bool,
    /// Before the deadline, the settings may still change.
    pub settings_open: bool,
    pub can_appoint: bool,
    pub notice: Option<String>,
}

pub fn committee(ctx: &Ctx, v: &CommitteeView<'_>) -> Markup {
    let heading = ctx.t("committee-title");
    page(
        ctx,
        &heading,
        html! {
            nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) {
                ol { li { a href="/objectives" { (ctx.t("objectives-title")) } } li { a href=(format!("/objectives/{}", v.objective)) { (v.title) } } li aria-current="page" { (heading) } }
            }
            h1 { (heading) }
            (notice(&v.notice))
            @if v.members.is_empty() { p.empty { (ctx.t("committee-none")) } }
            @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { (ctx.t("field-name")) } th scope="col" { (ctx.t("field-email")) } th scope="col" { (ctx.t("committee-role")) } th scope="col" { span.visually-hidden { (ctx.t("actions")) } } } }
                    tbody { @for m in &v.members { tr {
                        td { (m.name) } td { (m.email) }
                        td { @if m.chair { span.badge.badge-strong { (ctx.t("committee-chair")) } } @else { (ctx.t("committee-member")) } }
                        td { @if v.can_appoint {
                            form.inline-form method="post" action=(format!("/objectives/{}/committee/{}/remove", v.objective, m.user)) {
                                (csrf_field(ctx))
                                button.link-button type="submit" { (ctx.t("committee-remove")) span.visually-hidden { " " (m.name) } }
                            }
                            @if !m.chair {
                                " · "
                                form.inline-form method="post" action=(format!("/objectives/{}/committee", v.objective)) {
                                    (csrf_field(ctx))
                                    input type="hidden" name="user" value=(m.user);
                                    input type="hidden" name="chair" value="true";
                                    button.link-button type="submit" { (ctx.t("committee-make-chair")) span.visually-hidden { " " (m.name) } }
                                }
                            }
                        } }
                    } } }
                } }
            }
            @if v.can_appoint {
                form.form method="post" action=(format!("/objectives/{}/committee", v.objective)) {
                    (csrf_field(ctx))
                    h2 { (ctx.t("committee-appoint")) }
                    @if v.candidates.is_empty() { p.empty { (ctx.t("committee-no-candidates")) } }
                    @else {
                        div.field {
                            label for="user" { (ctx.t("committee-person")) }
                            select #user name="user" { @for (id, name, email) in &v.candidates { option value=(id) { (name) " <" (email) ">" } } }
                        }
                        div.field.field-check { input #chair type="checkbox" name="chair" value="true"; label for="chair" { (ctx.t("committee-as-chair")) } }
                        button.button.button-primary type="submit" { (ctx.t("committee-appoint-button")) }
                    }
                }
            }
            h2 { (ctx.t("evaluation-settings")) }
            @if v.settings_open {
                form.form method="post" action=(format!("/objectives/{}/committee/settings", v.objective)) {
                    (csrf_field(ctx))
                    div.field.field-check { input #blind type="checkbox" name="blind" value="true" checked[v.blind]; label for="blind" { (ctx.t("evaluation-blind")) } }
                    div.field {
                        label for="aggregation" { (ctx.t("evaluation-aggregation")) }
                        select #aggregation name="aggregation" {
                            option value="mean" selected[!v.median] { (ctx.t("aggregation-mean")) }
                            option value="median" selected[v.median] { (ctx.t("aggregation-median")) }
                        }
                    }
                    button.button type="submit" { (ctx.t("save")) }
                }
            } @else {
                p { @if v.blind { (ctx.t("evaluation-blind-on")) } @else { (ctx.t("evaluation-blind-off")) } " " (ctx.t(if v.median { "aggregation-median" } else { "aggregation-mean" })) }
            }
        },
    )
}

pub struct MyObjective {
    pub id: i64,
    pub title: String,
    pub reference: String,
    pub status: Status,
    pub chair: bool,
}

pub fn my_evaluations(ctx: &Ctx, rows: &[MyObjective]) -> Markup {
    let heading = ctx.t("evaluations-title");
    page(
        ctx,
        &heading,
        html! {
            h1 { (heading) }
            @if rows.is_empty() { p.empty { (ctx.t("evaluations-none")) } }
            @else {
                ul.plain-list { @for r in rows { li {
                    (status_badge(ctx, r.status)) " "
                    a href=(format!("/objectives/{}/evaluation", r.id)) { (r.title) } " " span.muted { (r.reference) }
                    @if r.chair { " " span.badge.badge-strong { (ctx.t("committee-chair")) } }
                } } }
            }
        },
    )
}

pub struct DeclarationRow {
    pub organisation: i64,
    pub name: String,
    pub conflict: Option<bool>,
    pub note: String,
    /// A user of this organisation shares the member's e-mail domain.
    pub warning: bool,
}

pub struct ProposalLine {
    pub proposal: i64,
    /// "Proposal 3", or the organisations and the title.
    pub label: String,
    pub status: &'static str,
    pub can_open: bool,
}

pub struct WorkspaceView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub opened: bool,
    pub blind: bool,
    pub declarations: Vec<DeclarationRow>,
    pub declared: bool,
    pub proposals: Vec<ProposalLine>,
    pub chair: bool,
    pub decided: bool,
    pub notice: Option<String>,
}

pub fn workspace(ctx: &Ctx, v: &WorkspaceView<'_>, errors: &Errors) -> Markup {
    page(
        ctx,
        v.title,
        html! {
            nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) { ol { li { a href="/evaluations" { (ctx.t("evaluations-title")) } } li aria-current="page" { (v.title) } } }
            h1 { (v.title) }
            (notice(&v.notice))
            @if v.blind { div.alert { p { (ctx.t("evaluation-blind-explained")) } } }
            @if v.decided { div.alert.alert-ok { p { (ctx.t("evaluation-decided")) } } }
            @if v.chair {
                div.button-row {
                    a.button href=(format!("/objectives/{}/evaluation/progress", v.objective)) { (ctx.t("evaluation-progress")) }
                    a.button.button-primary href=(format!("/objectives/{}/evaluation/ranking", v.objective)) { (ctx.t("evaluation-ranking")) }
                }
            }
            @if !v.opened {
                p.empty { (ctx.t("evaluation-error-not-opened")) }
            } @else {
                section aria-labelledby="declarations" {
                    h2 #declarations { (ctx.t("declarations-title")) }
                    p { (ctx.t("declarations-intro")) }
                    (error_summary(ctx, errors))
                    form.form method="post" action=(format!("/objectives/{}/evaluation/declarations", v.objective)) {
                        (csrf_field(ctx))
                        @for d in &v.declarations {
                            @let field = format!("org_{}", d.organisation);
                            @let note = format!("note_{}", d.organisation);
                            fieldset.field-invalid[errors.get(&field).is_some() || errors.get(&note).is_some()] id=(field) {
                                legend { (d.name) }
                                @if d.warning { p.alert.alert-warn { (ctx.t("declarations-domain-warning")) } }
                                @if let Some(m) = errors.get(&field) { p.field-error { (m) } }
                                div.field.field-check {
                                    input id=(format!("{field}-no")) type="radio" name=(field) value="none" checked[d.conflict == Some(false)] disabled[v.decided];
                                    label for=(format!("{field}-no")) { (ctx.t("declarations-none")) }
                                }
                                div.field.field-check {
                                    input id=(format!("{field}-yes")) type="radio" name=(field) value="conflict" checked[d.conflict == Some(true)] disabled[v.decided];
                                    label for=(format!("{field}-yes")) { (ctx.t("declarations-conflict")) }
                                }
                                div.field {
                                    label for=(note) { (ctx.t("declarations-note")) }
                                    @if let Some(m) = errors.get(&note) { p.field-error id=(format!("{note}-error")) { (m) } }
                                    textarea id=(note) name=(note) rows="2" maxlength="5000" disabled[v.decided]
                                        aria-invalid=[errors.get(&note).map(|_| "true")]
                                        aria-describedby=[errors.get(&note).map(|_| format!("{note}-error"))] { (d.note) }
                                }
                            }
                        }
                        @if !v.decided { button.button.button-primary type="submit" { (ctx.t("declarations-save")) } }
                    }
                }
                section aria-labelledby="to-score" {
                    h2 #to-score { (ctx.t("evaluation-proposals")) }
                    @if !v.declared { p.empty { (ctx.t("evaluation-error-declare-first")) } }
                    @else {
                        div.table-wrap { table {
                            thead { tr { th scope="col" { (ctx.t("evaluation-proposal")) } th scope="col" { (ctx.t("proposal-standing")) } } }
                            tbody { @for p in &v.proposals { tr {
                                td { @if p.can_open { a href=(format!("/objectives/{}/evaluation/{}", v.objective, p.proposal)) { (p.label) } } @else { (p.label) } }
                                td { span.badge { (ctx.t(p.status)) } }
                            } } }
                        } }
                    }
                }
            }
        },
    )
}

/// A criterion on the scoring form.
pub struct ScoreField {
    pub criterion: i64,
    pub name: String,
    pub description: String,
    pub weight: i32,
    pub levels: Vec<String>,
    pub score: Option<i32>,
    pub justification: String,
    /// The others' submitted scores, shown once one's own evaluation is submitted.
    pub others: Vec<(String, i32, String)>,
    pub consensus: Option<(i32, String)>,
}

pub struct ScoreView<'a> {
    pub objective: i64,
    pub objective_title: &'a str,
    pub proposal: i64,
    pub label: String,
    pub title: &'a str,
    pub summary: &'a str,
    pub solution_html: String,
    pub change_support: &'a str,
    pub statements: Vec<(String, String)>,
    /// (href, name, size)
    pub documents: Vec<(String, String, i64)>,
    pub fields: Vec<ScoreField>,
    pub submitted: bool,
    pub locked: bool,
    /// For the chair: members whose submitted evaluation may be reopened (id, name).
    pub reopenable: Vec<(i64, String)>,
    pub notice: Option<String>,
}

pub fn score(ctx: &Ctx, v: &ScoreView<'_>, errors: &Errors) -> Markup {
    page(
        ctx,
        &v.label,
        html! {
            (breadcrumbs(ctx, v.objective, v.objective_title, &v.label))
            h1 { (v.label) }
            (notice(&v.notice))
            section aria-labelledby="content" {
                h2 #content { (v.title) }
                p { (v.summary) }
                h3 { (ctx.t("proposal-solution")) }
                // Sanitised by `domain::markdown::render`.
                div.prose { (PreEscaped(&v.solution_html)) }
                h3 { (ctx.t("proposal-change-support")) }
                p.pre-line { (v.change_support) }
                @if !v.statements.is_empty() {
                    h3 { (ctx.t("proposal-statements")) }
                    dl.facts { @for (n, s) in &v.statements { dt { (n) } dd.pre-line { (s) } } }
                }
                @if !v.documents.is_empty() {
                    h3 { (ctx.t("deposit-documents")) }
                    ul.plain-list { @for (href, name, size) in &v.documents { li { a href=(href) download { (name) } " " span.muted { "(" (size_text(ctx.lang, *size)) ")" } } } }
                }
            }
            section aria-labelledby="scoring" {
                h2 #scoring { (ctx.t("score-title")) }
                @if v.submitted { div.alert.alert-ok { p { (ctx.t("score-submitted")) } } }
                (error_summary(ctx, errors))
                form.form method="post" action=(format!("/objectives/{}/evaluation/{}", v.objective, v.proposal)) {
                    (csrf_field(ctx))
                    @for f in &v.fields {
                        @let score_name = format!("score_{}", f.criterion);
                        @let just_name = format!("just_{}", f.criterion);
                        fieldset.field-invalid[errors.get(&score_name).is_some() || errors.get(&just_name).is_some()] id=(score_name) {
                            legend { (f.name) " — " (f.weight) " %" }
                            p.hint { (f.description) }
                            @if let Some(m) = errors.get(&score_name) { p.field-error id=(format!("{score_name}-error")) { (m) } }
                            @for (level, text) in f.levels.iter().enumerate() {
                                div.field.field-check {
                                    input id=(format!("{score_name}-{level}")) type="radio" name=(score_name) value=(level)
                                        checked[f.score == Some(level as i32)] disabled[v.locked]
                                        aria-invalid=[errors.get(&score_name).map(|_| "true")]
                                        aria-describedby=[errors.get(&score_name).map(|_| format!("{score_name}-error"))];
                                    label for=(format!("{score_name}-{level}")) { strong { (level) } " — " (text) }
                                }
                            }
                            div.field {
                                label for=(just_name) { (ctx.t("score-justification")) }
                                p.hint id=(format!("{just_name}-hint")) { (ctx.t("score-justification-hint")) }
                                @if let Some(m) = errors.get(&just_name) { p.field-error id=(format!("{just_name}-error")) { (m) } }
                                textarea id=(just_name) name=(just_name) rows="3" maxlength="5000" disabled[v.locked]
                                    aria-invalid=[errors.get(&just_name).map(|_| "true")]
                                    aria-describedby=(if errors.get(&just_name).is_some() { format!("{just_name}-hint {just_name}-error") } else { format!("{just_name}-hint") }) { (f.justification) }
                            }
                            @if !f.others.is_empty() {
                                details open {
                                    summary { (ctx.t("score-others")) }
                                    ul.plain-list { @for (who, s, j) in &f.others { li { strong { (who) " : " (s) "/5" } " — " (j) } } }
                                }
                            }
                            @if let Some((s, j)) = &f.consensus { p.alert.alert-ok { (ctx.t("score-consensus")) " : " strong { (s) "/5" } " — " (j) } }
                        }
                    }
                    @if !v.locked {
                        div.button-row {
                            button.button type="submit" name="action" value="save" { (ctx.t("score-save")) }
                            button.button.button-primary type="submit" name="action" value="submit" { (ctx.t("score-submit")) }
                        }
                    }
                }
                @if !v.reopenable.is_empty() {
                    h3 { (ctx.t("score-reopen-title")) }
                    ul.plain-list { @for (id, name) in &v.reopenable { li {
                        (name) " "
                        form.inline-form method="post" action=(format!("/objectives/{}/evaluation/{}/reopen/{}", v.objective, v.proposal, id)) {
                            (csrf_field(ctx))
                            button.link-button type="submit" { (ctx.t("score-reopen")) span.visually-hidden { " " (name) } }
                        }
                    } } }
                }
            }
        },
    )
}

/// One change of a score: when, member, proposal label, criterion, from, to.
pub type HistoryLine = (NaiveDateTime, String, String, String, Option<i32>, Option<i32>);

pub struct ProgressView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub proposals: Vec<String>,
    /// Per member: name and one status key per proposal.
    pub rows: Vec<(String, Vec<&'static str>)>,
    /// (when, member, proposal label, criterion, from, to)
    pub history: Vec<HistoryLine>,
}

pub fn progress(ctx: &Ctx, v: &ProgressView<'_>) -> Markup {
    let heading = ctx.t("evaluation-progress");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, v.objective, v.title, &heading))
            h1 { (heading) }
            div.table-wrap { table.matrix {
                caption { (ctx.t("progress-caption")) }
                thead { tr { th scope="col" { (ctx.t("committee-member")) } @for p in &v.proposals { th scope="col" { (p) } } } }
                tbody { @for (name, cells) in &v.rows { tr { th scope="row" { (name) } @for c in cells { td { span class=(format!("badge progress-{c}")) { (ctx.t(c)) } } } } } }
            } }
            h2 { (ctx.t("history-title")) }
            @if v.history.is_empty() { p.empty { (ctx.t("history-none")) } }
            @else {
                div.table-wrap { table {
                    thead { tr { th scope="col" { (ctx.t("history-when")) } th scope="col" { (ctx.t("committee-member")) } th scope="col" { (ctx.t("evaluation-proposal")) } th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("history-from")) } th scope="col" { (ctx.t("history-to")) } } }
                    tbody { @for (at, who, p, c, from, to) in &v.history { tr {
                        td { (paris(ctx.lang, *at)) } td { (who) } td { (p) } td { (c) }
                        td.num { @if let Some(f) = from { (f) } @else { "—" } } td.num { @if let Some(t) = to { (t) } @else { "—" } }
                    } } }
                } }
            }
        },
    )
}

pub struct RankRow {
    pub proposal: i64,
    pub label: String,
    pub rank: Option<usize>,
    pub total: f64,
    pub environmental: f64,
    /// Per criterion: value (None = not scored), disagreement, from consensus.
    pub values: Vec<(Option<f64>, bool, bool)>,
    pub excluded: Option<String>,
    pub shortlisted: bool,
    pub by_rule: bool,
    pub change_reason: Option<String>,
    pub share: f64,
    pub stability: f64,
    pub robust: bool,
}

pub struct Disagreement {
    pub proposal: i64,
    pub label: String,
    pub criterion: i64,
    pub criterion_name: String,
    pub spread: String,
    pub consensus: Option<(i32, String)>,
}

pub struct RankingView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub criteria: Vec<(String, i32)>,
    pub rows: Vec<RankRow>,
    pub rule: String,
    pub method: String,
    pub samples: usize,
    pub disagreements: Vec<Disagreement>,
    pub pending: usize,
    pub decided: bool,
    pub is_chair: bool,
    pub notice: Option<String>,
}

fn number(ctx: &Ctx, x: f64) -> String {
    let s = format!("{x:.2}");
    if ctx.lang == crate::i18n::Lang::Fr { s.replace('.', ",") } else { s }
}

fn percent(ctx: &Ctx, x: f64) -> String {
    let s = format!("{:.1} %", x * 100.0);
    if ctx.lang == crate::i18n::Lang::Fr { s.replace('.', ",") } else { s.replace(" %", "%") }
}

/// A horizontal bar chart of the share of samples in which each proposal is shortlisted, with a
/// text alternative (the table next to it carries the same numbers).
pub fn sensitivity_chart(ctx: &Ctx, rows: &[RankRow]) -> Markup {
    let bar_h = 22;
    let height = rows.len() * (bar_h + 8) + 30;
    let description: Vec<String> = rows.iter().map(|r| format!("{} : {}", r.label, percent(ctx, r.share))).collect();
    html! {
        figure.chart {
            svg role="img" aria-labelledby="sens-title" aria-describedby="sens-desc" viewBox=(format!("0 0 640 {height}")) width="100%" {
                title #sens-title { (ctx.t("sensitivity-chart-title")) }
                desc #sens-desc { (description.join(" ; ")) }
                line x1="200" y1="0" x2="200" y2=(height - 20) stroke="#4f5862" {}
                // The 95 % line: robust beyond it (or below 5 %).
                line x1=(200.0 + 360.0 * 0.95) y1="0" x2=(200.0 + 360.0 * 0.95) y2=(height - 20) stroke="#8a949e" stroke-dasharray="4 3" {}
                @for (i, r) in rows.iter().enumerate() {
                    @let y = i * (bar_h + 8) + 4;
                    text x="192" y=(y + 16) text-anchor="end" font-size="13" fill="#1b1f24" { (r.label.chars().take(28).collect::<String>()) }
                    rect x="200" y=(y) width=(format!("{:.1}", 360.0 * r.share)) height=(bar_h) fill=(if r.robust { "#1f4e79" } else { "#b35900" }) {}
                    text x=(format!("{:.1}", 206.0 + 360.0 * r.share)) y=(y + 16) font-size="12" fill="#1b1f24" { (percent(ctx, r.share)) }
                }
                text x="200" y=(height - 4) font-size="11" fill="#4f5862" { "0 %" }
                text x="560" y=(height - 4) font-size="11" fill="#4f5862" text-anchor="middle" { "100 %" }
            }
            figcaption { (ctx.t("sensitivity-caption")) }
        }
    }
}

pub fn ranking(ctx: &Ctx, v: &RankingView<'_>) -> Markup {
    let heading = ctx.t("evaluation-ranking");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, v.objective, v.title, &heading))
            h1 { (heading) }
            (notice(&v.notice))
            p { (ctx.t("ranking-rule-explained")) " " (v.method) " " (v.rule) }
            p.no-print { a href=(format!("/objectives/{}/evaluation/report", v.objective)) { (ctx.t("report-title")) } }
            @if v.pending > 0 { div.alert.alert-warn { p { (ctx.t_args("ranking-pending", &[("count", &v.pending.to_string())])) } } }
            div.table-wrap { table.ranking {
                caption { (ctx.t("ranking-caption")) }
                thead { tr {
                    th scope="col" { (ctx.t("ranking-rank")) }
                    th scope="col" { (ctx.t("evaluation-proposal")) }
                    th scope="col" { (ctx.t("ranking-total")) }
                    th scope="col" { (ctx.t("ranking-environmental")) }
                    @for (name, weight) in &v.criteria { th scope="col" { (name) " (" (weight) " %)" } }
                    th scope="col" { (ctx.t("ranking-shortlist")) }
                } }
                tbody { @for r in &v.rows { tr {
                    td.num { @if let Some(rank) = r.rank { (rank) } @else { "—" } }
                    th scope="row" { (r.label) @if let Some(e) = &r.excluded { br; span.excluded { (e) } } }
                    td.num { strong { (number(ctx, r.total)) } }
                    td.num { (number(ctx, r.environmental)) }
                    @for (value, disagreement, consensus) in &r.values {
                        td.num {
                            @if let Some(x) = value { (number(ctx, *x)) } @else { "—" }
                            @if *disagreement { " " span.badge.badge-danger title=(ctx.t("ranking-disagreement")) { "≠" span.visually-hidden { (ctx.t("ranking-disagreement")) } } }
                            @if *consensus { " " span.badge title=(ctx.t("score-consensus")) { "C" span.visually-hidden { (ctx.t("score-consensus")) } } }
                        }
                    }
                    td {
                        @if r.shortlisted { span.badge.badge-ok { (ctx.t("ranking-in")) } } @else { span.badge { (ctx.t("ranking-out")) } }
                        @if let Some(reason) = &r.change_reason { br; span.muted { (ctx.t("ranking-changed")) " : " (reason) } }
                    }
                } } }
            } }
            p.muted { (ctx.t("ranking-ties")) }

            h2 #sensitivity { (ctx.t("sensitivity-title")) }
            p { (ctx.t_args("sensitivity-intro", &[("samples", &v.samples.to_string())])) }
            (sensitivity_chart(ctx, &v.rows))
            div.table-wrap { table {
                caption { (ctx.t("sensitivity-title")) }
                thead { tr { th scope="col" { (ctx.t("evaluation-proposal")) } th scope="col" { (ctx.t("sensitivity-share")) } th scope="col" { (ctx.t("sensitivity-stability")) } th scope="col" { (ctx.t("sensitivity-verdict")) } } }
                tbody { @for r in &v.rows { tr {
                    th scope="row" { (r.label) }
                    td.num { (percent(ctx, r.share)) }
                    td.num { (percent(ctx, r.stability)) }
                    td { @if r.robust { span.badge.badge-ok { (ctx.t("sensitivity-robust")) } } @else { span.badge.badge-danger { (ctx.t("sensitivity-fragile")) } } }
                } } }
            } }

            @if v.is_chair && !v.decided {
                h2 { (ctx.t("disagreements-title")) }
                @if v.disagreements.is_empty() { p.empty { (ctx.t("disagreements-none")) } }
                @for d in &v.disagreements {
                    form.form method="post" action=(format!("/objectives/{}/evaluation/consensus", v.objective)) {
                        (csrf_field(ctx))
                        input type="hidden" name="proposal" value=(d.proposal);
                        input type="hidden" name="criterion" value=(d.criterion);
                        fieldset {
                        legend { (d.label) " — " (d.criterion_name) " " span.muted { "(" (d.spread) ")" } }
                        div.field-row {
                            div.field {
                                label for=(format!("c-{}-{}", d.proposal, d.criterion)) { (ctx.t("score-consensus")) }
                                select id=(format!("c-{}-{}", d.proposal, d.criterion)) name="score" {
                                    option value="" { (ctx.t("consensus-none")) }
                                    @for s in 0..=5 { option value=(s) selected[d.consensus.as_ref().is_some_and(|c| c.0 == s)] { (s) } }
                                }
                            }
                        }
                        div.field {
                            label for=(format!("j-{}-{}", d.proposal, d.criterion)) { (ctx.t("score-justification")) }
                            textarea id=(format!("j-{}-{}", d.proposal, d.criterion)) name="justification" rows="2" maxlength="5000" {
                                @if let Some((_, j)) = &d.consensus { (j) }
                            }
                        }
                        button.button type="submit" { (ctx.t("consensus-record")) span.visually-hidden { " — " (d.label) " — " (d.criterion_name) } }
                        }
                    }
                }

                h2 { (ctx.t("shortlist-title")) }
                p { (ctx.t("shortlist-intro")) }
                @for r in v.rows.iter().filter(|r| r.excluded.is_none()) {
                    form.form method="post" action=(format!("/objectives/{}/evaluation/shortlist", v.objective)) {
                        (csrf_field(ctx))
                        input type="hidden" name="proposal" value=(r.proposal);
                        input type="hidden" name="shortlisted" value=(if r.shortlisted { "false" } else { "true" });
                        p { strong { (r.label) } " — " @if r.shortlisted { (ctx.t("ranking-in")) } @else { (ctx.t("ranking-out")) } @if r.by_rule != r.shortlisted { " (" (ctx.t("ranking-changed")) ")" } }
                        div.field {
                            label for=(format!("reason-{}", r.proposal)) { (ctx.t("shortlist-reason")) }
                            input id=(format!("reason-{}", r.proposal)) type="text" name="reason" maxlength="5000";
                        }
                        button.button type="submit" { @if r.shortlisted { (ctx.t("shortlist-remove")) } @else { (ctx.t("shortlist-add")) } span.visually-hidden { " " (r.label) } }
                    }
                }
                form.form method="post" action=(format!("/objectives/{}/evaluation/decision", v.objective)) {
                    (csrf_field(ctx))
                    h2 { (ctx.t("decision-title")) }
                    p { (ctx.t("decision-intro")) }
                    button.button.button-primary type="submit" disabled[v.pending > 0] { (ctx.t("decision-record")) }
                }
            }
        },
    )
}

/// A proposal's criterion values against the average of the opened proposals: a grouped bar
/// chart with a text alternative.
pub fn criteria_chart(ctx: &Ctx, id: &str, rows: &[(String, f64, f64)]) -> Markup {
    let height = rows.len() * 44 + 34;
    let description: Vec<String> = rows
        .iter()
        .map(|(n, own, avg)| {
            ctx.t_args(
                "chart-criteria-line",
                &[("criterion", n), ("own", &number(ctx, *own)), ("average", &number(ctx, *avg))],
            )
        })
        .collect();
    html! {
        figure.chart {
            svg role="img" aria-labelledby=(format!("{id}-t")) aria-describedby=(format!("{id}-d")) viewBox=(format!("0 0 640 {height}")) width="100%" {
                title id=(format!("{id}-t")) { (ctx.t("chart-criteria-title")) }
                desc id=(format!("{id}-d")) { (description.join(" ; ")) }
                @for (i, (name, own, avg)) in rows.iter().enumerate() {
                    @let y = i * 44 + 4;
                    text x="232" y=(y + 14) text-anchor="end" font-size="13" fill="#1b1f24" { (name.chars().take(32).collect::<String>()) }
                    rect x="240" y=(y) width=(format!("{:.1}", 76.0 * own)) height="16" fill="#1f4e79" {}
                    rect x="240" y=(y + 18) width=(format!("{:.1}", 76.0 * avg)) height="12" fill="#8a949e" {}
                }
                rect x="240" y=(height - 16) width="12" height="10" fill="#1f4e79" {}
                text x="256" y=(height - 7) font-size="11" fill="#1b1f24" { (ctx.t("chart-own")) }
                rect x="400" y=(height - 16) width="12" height="10" fill="#8a949e" {}
                text x="416" y=(height - 7) font-size="11" fill="#1b1f24" { (ctx.t("chart-average")) }
            }
        }
    }
}

/// A shortlisted proposal on the public page.
pub struct PublicRow {
    pub rank: Option<usize>,
    pub organisations: String,
    pub title: String,
    pub total: f64,
    pub values: Vec<f64>,
}

pub struct PublicResults {
    pub published_at: NaiveDateTime,
    pub criteria: Vec<String>,
    pub per_criterion: bool,
    pub shortlisted: Vec<PublicRow>,
    pub opened: usize,
    /// (reason, count) for proposals not opened.
    pub not_opened: Vec<(String, usize)>,
}

pub fn public_results(ctx: &Ctx, r: &PublicResults) -> Markup {
    html! {
        section.results aria-labelledby="results" {
            h2 #results { (ctx.t("results-title")) }
            p { (ctx.t_args("results-intro", &[("date", &paris(ctx.lang, r.published_at)), ("count", &r.opened.to_string())])) }
            @if r.shortlisted.is_empty() { p.empty { (ctx.t("results-none")) } }
            @else {
                div.table-wrap { table {
                    caption { (ctx.t("results-caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("ranking-rank")) }
                        th scope="col" { (ctx.t("consortium-organisation")) }
                        th scope="col" { (ctx.t("proposal-title")) }
                        th scope="col" { (ctx.t("ranking-total")) }
                        @if r.per_criterion { @for c in &r.criteria { th scope="col" { (c) } } }
                    } }
                    tbody { @for row in &r.shortlisted { tr {
                        td.num { @if let Some(rank) = row.rank { (rank) } }
                        td { (row.organisations) } td { (row.title) } td.num { (number(ctx, row.total)) }
                        @if r.per_criterion { @for v in &row.values { td.num { (number(ctx, *v)) } } }
                    } } }
                } }
            }
            @if !r.not_opened.is_empty() {
                p.muted { (ctx.t("results-not-opened")) " " @for (i, (reason, n)) in r.not_opened.iter().enumerate() { @if i > 0 { ", " } (reason) " : " (n) } }
            }
        }
    }
}

/// One criterion of a supplier's feedback.
pub struct FeedbackCriterion {
    pub name: String,
    pub value: f64,
    pub average: f64,
    pub consensus: Option<(i32, String)>,
    /// ("Member A", score, justification)
    pub members: Vec<(String, i32, String)>,
}

pub enum Feedback {
    NotOpened(String),
    Scored {
        rank: Option<usize>,
        total: f64,
        shortlisted: bool,
        excluded: Option<String>,
        criteria: Vec<FeedbackCriterion>,
    },
}

pub fn feedback(ctx: &Ctx, f: &Feedback) -> Markup {
    html! {
        section.results aria-labelledby="feedback" {
            h2 #feedback { (ctx.t("feedback-title")) }
            @match f {
                Feedback::NotOpened(reason) => p { (ctx.t("feedback-not-opened")) " " strong { (reason) } },
                Feedback::Scored { rank, total, shortlisted, excluded, criteria } => {
                    p {
                        @if *shortlisted { span.badge.badge-ok { (ctx.t("ranking-in")) } } @else { span.badge { (ctx.t("ranking-out")) } }
                        " " (ctx.t("ranking-total")) " : " strong { (number(ctx, *total)) " / 100" }
                        @if let Some(r) = rank { " — " (ctx.t("ranking-rank")) " " (r) }
                    }
                    @if let Some(e) = excluded { p.alert.alert-warn { (e) } }
                    (criteria_chart(ctx, "feedback-chart", &criteria.iter().map(|c| (c.name.clone(), c.value, c.average)).collect::<Vec<_>>()))
                    @for c in criteria {
                        h3 { (c.name) " — " (number(ctx, c.value)) " / 5" }
                        @if let Some((s, j)) = &c.consensus { p { (ctx.t("score-consensus")) " : " strong { (s) "/5" } " — " (j) } }
                        ul.plain-list { @for (who, s, j) in &c.members { li { strong { (who) " : " (s) "/5" } " — " (j) } } }
                    }
                }
            }
        }
    }
}

pub struct ReportProposal {
    /// (criterion, value, average of the opened proposals) for the chart.
    pub chart: Vec<(String, f64, f64)>,
    pub label: String,
    pub title: String,
    /// (member, criterion, score, justification)
    pub scores: Vec<(String, String, i32, String)>,
    /// (criterion, score, justification)
    pub consensus: Vec<(String, i32, String)>,
}

pub struct ReportView<'a> {
    pub ranking: RankingView<'a>,
    pub reference: &'a str,
    /// (name, weight, eliminatory minimum)
    pub criteria: Vec<(String, i32, Option<i32>)>,
    pub blind: bool,
    pub members: Vec<(String, bool)>,
    /// (member, organisation, conflict, note)
    pub declarations: Vec<(String, String, bool, String)>,
    pub proposals: Vec<ReportProposal>,
    pub decision: Option<(String, NaiveDateTime)>,
}

/// The printable evaluation report.
pub fn report(ctx: &Ctx, v: &ReportView<'_>) -> Markup {
    let r = &v.ranking;
    let heading = ctx.t("report-title");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, r.objective, r.title, &heading))
            h1 { (heading) " — " (r.title) }
            p.muted { (v.reference) }
            div.button-row.no-print {
                a.button href=(format!("/objectives/{}/evaluation/report.csv", r.objective)) download { (ctx.t("report-csv")) }
                a.button href=(format!("/objectives/{}/evaluation/scores.csv", r.objective)) download { (ctx.t("report-scores-csv")) }
            }
            h2 { (ctx.t("report-criteria")) }
            table {
                thead { tr { th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("criterion-weight")) } th scope="col" { (ctx.t("report-eliminatory")) } } }
                tbody { @for (name, weight, min) in &v.criteria { tr { td { (name) } td.num { (weight) " %" } td { @if let Some(m) = min { "< " (m) } @else { "—" } } } } }
            }
            p { (r.method) " " (r.rule) " " @if v.blind { (ctx.t("evaluation-blind-on")) } @else { (ctx.t("evaluation-blind-off")) } }
            h2 { (ctx.t("committee-title")) }
            ul { @for (name, chair) in &v.members { li { (name) @if *chair { " (" (ctx.t("committee-chair")) ")" } } } }
            h2 { (ctx.t("declarations-title")) }
            table {
                thead { tr { th scope="col" { (ctx.t("committee-member")) } th scope="col" { (ctx.t("consortium-organisation")) } th scope="col" { (ctx.t("report-declaration")) } } }
                tbody { @for (m, o, conflict, note) in &v.declarations { tr {
                    td { (m) } td { (o) }
                    td { @if *conflict { strong { (ctx.t("declarations-conflict")) } " — " (note) } @else { (ctx.t("declarations-none")) } }
                } } }
            }
            h2 { (ctx.t("report-scores")) }
            @for (i, p) in v.proposals.iter().enumerate() {
                h3 { (p.label) " — " (p.title) }
                (criteria_chart(ctx, &format!("report-chart-{i}"), &p.chart))
                table {
                    thead { tr { th scope="col" { (ctx.t("committee-member")) } th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("report-score")) } th scope="col" { (ctx.t("score-justification")) } } }
                    tbody { @for (m, c, s, j) in &p.scores { tr { td { (m) } td { (c) } td.num { (s) } td { (j) } } } }
                }
                @for (c, s, j) in &p.consensus { p { (ctx.t("score-consensus")) " — " (c) " : " strong { (s) } " — " (j) } }
            }
            h2 { (ctx.t("evaluation-ranking")) }
            table {
                thead { tr { th scope="col" { (ctx.t("ranking-rank")) } th scope="col" { (ctx.t("evaluation-proposal")) } th scope="col" { (ctx.t("ranking-total")) } th scope="col" { (ctx.t("ranking-shortlist")) } th scope="col" { (ctx.t("sensitivity-verdict")) } } }
                tbody { @for row in &r.rows { tr {
                    td.num { @if let Some(rank) = row.rank { (rank) } @else { "—" } }
                    td { (row.label) @if let Some(e) = &row.excluded { br; (e) } }
                    td.num { (number(ctx, row.total)) }
                    td { @if row.shortlisted { (ctx.t("ranking-in")) } @else { (ctx.t("ranking-out")) } @if let Some(reason) = &row.change_reason { " — " (ctx.t("ranking-changed")) " : " (reason) } }
                    td { @if row.robust { (ctx.t("sensitivity-robust")) } @else { (ctx.t("sensitivity-fragile")) } " (" (percent(ctx, row.stability)) ")" }
                } } }
            }
            p.muted { (ctx.t("ranking-ties")) " " (ctx.t_args("sensitivity-intro", &[("samples", &r.samples.to_string())])) }
            h2 { (ctx.t("decision-title")) }
            @match &v.decision {
                Some((by, at)) => p { (ctx.t_args("report-decided", &[("who", by), ("date", &paris(ctx.lang, *at))])) },
                None => p.empty { (ctx.t("evaluation-error-not-decided")) },
            }
        },
    )
}
