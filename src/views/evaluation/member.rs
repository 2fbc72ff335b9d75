//! The committee member's pages: their evaluations, the workspace of one objective (declarations
//! of conflicts, the proposals to score) and the scoring form of one proposal.

use maud::{Markup, PreEscaped, html};

use super::{breadcrumbs, label, member_names, notice, progress_key};
use crate::db::ids::{OrganisationId, ProposalId, UserId};
use crate::domain::evaluation::board::{Board, Progress};
use crate::domain::forms::{FormPairs, first};
use crate::domain::markdown;
use crate::domain::objectives::Status;
use crate::views::forms::{Errors, error_summary};
use crate::views::layout::{Ctx, csrf_field, page};
use crate::views::objectives::{size_text, status_badge};

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
    /// A conflict was declared: it stands until an agent lifts it (the member cannot).
    pub standing: bool,
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
                                @if d.standing {
                                    p { strong { (ctx.t("declarations-conflict")) } }
                                    p.muted { (d.note) }
                                    p.hint { (ctx.t("declarations-final")) }
                                } @else {
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

/// The workspace of `user` on `b`: their declaration on each depositing organisation (as
/// `submitted` when a refused form comes back) and the proposals they may score; `warnings` are
/// the organisations sharing the member's e-mail domain.
pub fn workspace_view<'a>(
    ctx: &Ctx,
    b: &'a Board,
    user: UserId,
    warnings: &[OrganisationId],
    submitted: Option<&FormPairs>,
    notice: Option<String>,
) -> WorkspaceView<'a> {
    let declarations = b
        .depositing_organisations()
        .iter()
        .map(|(org, name)| {
            let stored = b.declarations.iter().find(|d| d.user == user && d.organisation == *org);
            let (conflict, note) = match submitted {
                Some(pairs) => match first(pairs, &format!("org_{org}")).as_str() {
                    "conflict" => (Some(true), first(pairs, &format!("note_{org}"))),
                    "none" => (Some(false), first(pairs, &format!("note_{org}"))),
                    _ => (None, first(pairs, &format!("note_{org}"))),
                },
                None => (stored.map(|d| d.conflict), stored.map(|d| d.note.clone()).unwrap_or_default()),
            };
            let standing = stored.is_some_and(|d| d.conflict);
            DeclarationRow {
                organisation: org.0,
                name: name.clone(),
                conflict: if standing { Some(true) } else { conflict },
                note: if standing { stored.map(|d| d.note.clone()).unwrap_or_default() } else { note },
                warning: warnings.contains(org),
                standing,
            }
        })
        .collect();
    // In blind mode a conflicted proposal is not even listed, and the others are numbered without
    // a gap (`Board::blind_numbers`): nothing tells which one is hidden.
    let numbers = b.blind_numbers(Some(user));
    let proposals = b
        .proposals
        .iter()
        .filter(|p| !(b.objective.blind && b.conflicted(user, p.proposal)))
        .map(|p| {
            let progress = b.progress(user, p.proposal);
            // Nothing of a conflicted proposal's content, not even its title.
            let label = if b.objective.blind || progress == Progress::Conflict {
                label(ctx, b, &numbers, p.proposal)
            } else {
                format!("{} — {}", label(ctx, b, &numbers, p.proposal), p.snapshot.title)
            };
            ProposalLine {
                proposal: p.proposal.0,
                label,
                status: progress_key(progress),
                can_open: progress != Progress::Conflict,
            }
        })
        .collect();
    WorkspaceView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        opened: b.opened(),
        blind: b.objective.blind,
        declarations,
        declared: b.declared_all(user),
        proposals,
        chair: b.member(user).is_some_and(|m| m.chair),
        decided: b.decision.is_some(),
        notice,
    }
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

/// The scoring form of `user` on `proposal` (`None` if the board has no such proposal): its
/// deposited content, their scores (as `submitted` when a refused form comes back) and, once they
/// may see them, the others' and the consensus.
pub fn score_view<'a>(
    ctx: &Ctx,
    b: &'a Board,
    user: UserId,
    proposal: ProposalId,
    submitted: Option<&FormPairs>,
    notice: Option<String>,
) -> Option<ScoreView<'a>> {
    let p = b.proposal(proposal)?;
    let numbers = b.blind_numbers(Some(user));
    let own = b.evaluation(user, proposal);
    let is_submitted = own.is_some_and(|e| e.submitted_at.is_some());
    let is_chair = b.member(user).is_some_and(|m| m.chair);
    let statements = p
        .snapshot
        .statements
        .iter()
        .map(|s| {
            let name = b
                .criteria
                .iter()
                .find(|c| c.criterion.id == s.criterion_id)
                .map_or_else(|| s.criterion_code.clone(), |c| c.criterion.name(ctx.lang).to_owned());
            (name, s.statement.clone())
        })
        .collect();
    let documents = p
        .snapshot
        .documents
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let name = if b.objective.blind {
                ctx.t_args("evaluation-document-n", &[("n", &(i + 1).to_string())])
            } else {
                d.name.clone()
            };
            (format!("/deposits/{}/documents/{i}", p.deposit.id), name, d.size_bytes)
        })
        .collect();
    Some(ScoreView {
        objective: b.objective.id.0,
        objective_title: &b.objective.title,
        proposal: proposal.0,
        label: label(ctx, b, &numbers, proposal),
        // In blind mode the title is the supplier's own words: kept, as is the content.
        title: &p.snapshot.title,
        summary: &p.snapshot.summary,
        solution_html: markdown::render(&p.snapshot.solution),
        change_support: &p.snapshot.change_support,
        statements,
        documents,
        fields: score_fields(ctx, b, user, proposal, submitted),
        submitted: is_submitted,
        locked: is_submitted || b.decision.is_some(),
        reopenable: if is_chair && b.decision.is_none() {
            b.evaluations
                .iter()
                .filter(|e| e.proposal == proposal && e.submitted_at.is_some())
                .filter_map(|e| b.member(e.user).map(|m| (m.user_id.0, m.name.clone())))
                .collect()
        } else {
            Vec::new()
        },
        notice,
    })
}

/// One field per criterion of the scoring form, with the others' scores and the consensus once
/// `user` may see them.
fn score_fields(
    ctx: &Ctx,
    b: &Board,
    user: UserId,
    proposal: ProposalId,
    submitted: Option<&FormPairs>,
) -> Vec<ScoreField> {
    let own = b.evaluation(user, proposal);
    let may_see = b.may_see_scores(user, proposal);
    let names = member_names(b);
    b.criteria
        .iter()
        .map(|c| {
            let id = c.weighted.criterion_id;
            let stored = own.and_then(|e| b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id));
            let (score, justification) = match submitted {
                Some(pairs) => {
                    (first(pairs, &format!("score_{id}")).parse::<i32>().ok(), first(pairs, &format!("just_{id}")))
                }
                None => (stored.and_then(|s| s.score), stored.map(|s| s.justification.clone()).unwrap_or_default()),
            };
            let others = if may_see {
                b.counted(proposal)
                    .filter(|e| e.user != user)
                    .filter_map(|e| {
                        b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id).and_then(|s| {
                            Some((names.get(&e.user).cloned().unwrap_or_default(), s.score?, s.justification.clone()))
                        })
                    })
                    .collect()
            } else {
                Vec::new()
            };
            let consensus = if may_see {
                b.consensus
                    .iter()
                    .find(|x| x.proposal == proposal && x.criterion == id)
                    .map(|x| (x.score, x.justification.clone()))
            } else {
                None
            };
            ScoreField {
                criterion: id.0,
                name: c.criterion.name(ctx.lang).to_owned(),
                description: c.criterion.description(ctx.lang).to_owned(),
                weight: c.weighted.weight,
                levels: c.criterion.levels(ctx.lang),
                score,
                justification,
                others,
                consensus,
            }
        })
        .collect()
}
