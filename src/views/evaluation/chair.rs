//! The chair's pages: the committee's progress and the history of score changes, and the ranking
//! with its disagreements, sensitivity analysis, shortlist and decision (which the agents also
//! read once the committee decided).

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::charts::sensitivity_chart;
use super::{breadcrumbs, criterion_name, label, member_names, notice, number, percent, progress_key};
use crate::db::ids::UserId;
use crate::domain::evaluation::aggregate::{self, Method, ShortlistRule};
use crate::domain::evaluation::board::{Board, Progress};
use crate::domain::evaluation::scoring::HistoryRow;
use crate::domain::evaluation::{decision, sensitivity};
use crate::views::account::paris;
use crate::views::layout::{Ctx, csrf_field, page};

/// One change of a score: when, member, proposal label, criterion, from, to.
pub type HistoryLine = (NaiveDateTime, String, String, String, Option<i32>, Option<i32>);

/// A member's line on the progress matrix.
pub struct ProgressRow {
    pub name: String,
    /// One status key per proposal.
    pub cells: Vec<&'static str>,
    /// The account is disabled: the seat can be released while something is still awaited.
    pub disabled: bool,
    pub released: bool,
    /// The release confirmation page, when the member still holds work back.
    pub release: Option<String>,
}

pub struct ProgressView<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub proposals: Vec<String>,
    pub rows: Vec<ProgressRow>,
    pub notice: Option<String>,
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
            (notice(&v.notice))
            div.table-wrap { table.matrix {
                caption { (ctx.t("progress-caption")) }
                thead { tr { th scope="col" { (ctx.t("committee-member")) } @for p in &v.proposals { th scope="col" { (p) } } } }
                tbody { @for r in &v.rows { tr {
                    th scope="row" {
                        (r.name)
                        @if r.released { " " span.badge { (ctx.t("release-released")) } }
                        @else if r.disabled { " " span.badge { (ctx.t("release-disabled")) } }
                        @if let Some(link) = &r.release { br; a href=(link) { (ctx.t("release-link")) } }
                    }
                    @for c in &r.cells { td { span class=(format!("badge {c}")) { (ctx.t(c)) } } }
                } } }
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

/// The progress of the committee on `b` for its chair: nothing of a proposal `chair` is
/// conflicted on appears in the `history` of score changes.
pub fn progress_view<'a>(
    ctx: &Ctx,
    b: &'a Board,
    chair: UserId,
    history: Vec<HistoryRow>,
    notice: Option<String>,
) -> ProgressView<'a> {
    let names = member_names(b);
    let numbers = b.blind_numbers(Some(chair));
    ProgressView {
        notice,
        objective: b.objective.id.0,
        title: &b.objective.title,
        proposals: b.proposals.iter().map(|p| label(ctx, b, &numbers, p.proposal)).collect(),
        rows: b
            .members
            .iter()
            .map(|m| {
                let cells = b.proposals.iter().map(|p| progress_key(b.progress(m.user_id, p.proposal))).collect();
                let awaited = b
                    .proposals
                    .iter()
                    .any(|p| matches!(b.progress(m.user_id, p.proposal), Progress::NotStarted | Progress::Draft));
                ProgressRow {
                    name: m.name.clone(),
                    cells,
                    disabled: m.disabled,
                    released: m.released,
                    release: (m.disabled && !m.released && awaited && b.decision.is_none())
                        .then(|| format!("/objectives/{}/evaluation/members/{}/release", b.objective.id, m.user_id)),
                }
            })
            .collect(),
        history: history
            .into_iter()
            .filter(|h| !b.conflicted(chair, h.proposal))
            .map(|h| {
                (
                    h.changed_at,
                    names.get(&h.member).cloned().unwrap_or_default(),
                    label(ctx, b, &numbers, h.proposal),
                    criterion_name(ctx, b, h.criterion),
                    h.from_score,
                    h.to_score,
                )
            })
            .collect(),
    }
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
    /// Decided with disagreements open: how many, and the chair's reason.
    pub decided_open: Option<decision::OpenDisagreements>,
    pub is_chair: bool,
    pub notice: Option<String>,
}

/// The ranking as the chair (and, after the decision, the agents) read it.
pub fn ranking_view<'a>(ctx: &Ctx, b: &'a Board, is_chair: bool, notice: Option<String>) -> RankingView<'a> {
    let results = b.results();
    let shortlist = b.shortlist(&results);
    let by_rule = aggregate::shortlist(&results, b.rule());
    let analysis = sensitivity::analyse(
        &b.specs(),
        &results,
        b.rule(),
        sensitivity::DEFAULT_SAMPLES,
        decision::seed(b.objective.id),
    );
    let pending = b.pending();
    let numbers = b.blind_numbers(None);
    let rows = results
        .iter()
        .map(|r| {
            let row = analysis.rows.iter().find(|x| x.proposal == r.proposal);
            RankRow {
                proposal: r.proposal.0,
                label: label(ctx, b, &numbers, r.proposal),
                rank: r.rank,
                total: r.total,
                environmental: r.environmental,
                values: r
                    .criteria
                    .iter()
                    .map(|c| (c.value.map(|v| v.as_f64()), c.disagreement, c.from_consensus))
                    .collect(),
                excluded: r.excluded.map(|e| {
                    ctx.t_args(
                        "ranking-excluded",
                        &[
                            ("criterion", &criterion_name(ctx, b, e.criterion)),
                            ("value", &format!("{:.2}", e.value)),
                            ("min", &e.minimum.to_string()),
                        ],
                    )
                }),
                shortlisted: shortlist.contains(&r.proposal),
                by_rule: by_rule.contains(&r.proposal),
                change_reason: b.changes.iter().find(|c| c.proposal == r.proposal).map(|c| c.reason.clone()),
                share: row.map_or(0.0, |x| x.share_shortlisted),
                stability: row.map_or(1.0, |x| x.stability),
                robust: row.is_some_and(|x| x.robust),
            }
        })
        .collect();
    let disagreements = results
        .iter()
        .flat_map(|r| {
            r.criteria.iter().filter(|c| c.disagreement).map(move |c| (r.proposal, c.criterion, c.min, c.max))
        })
        .map(|(proposal, criterion, min, max)| Disagreement {
            proposal: proposal.0,
            label: label(ctx, b, &numbers, proposal),
            criterion: criterion.0,
            criterion_name: criterion_name(ctx, b, criterion),
            spread: format!("{}–{}", min.unwrap_or(0), max.unwrap_or(0)),
            consensus: b
                .consensus
                .iter()
                .find(|x| x.proposal == proposal && x.criterion == criterion)
                .map(|x| (x.score, x.justification.clone())),
        })
        .collect();
    RankingView {
        objective: b.objective.id.0,
        title: &b.objective.title,
        criteria: b.criteria.iter().map(|c| (c.criterion.name(ctx.lang).to_owned(), c.weighted.weight)).collect(),
        rows,
        rule: match b.rule() {
            ShortlistRule::Top(n) => ctx.t_args("shortlist-top", &[("value", &n.to_string())]),
            ShortlistRule::AtLeast(n) => ctx.t_args("shortlist-min", &[("value", &n.to_string())]),
        },
        method: ctx.t(if b.method() == Method::Median { "aggregation-median" } else { "aggregation-mean" }),
        samples: analysis.samples,
        disagreements,
        pending,
        decided: b.decision.is_some(),
        decided_open: b
            .decision
            .as_ref()
            .and_then(|d| serde_json::from_str::<decision::Outcome>(&d.outcome).ok())
            .and_then(|o| o.open_disagreements),
        is_chair,
        notice,
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
            @if let Some(open) = &v.decided_open {
                div.alert.alert-warn {
                    p { (ctx.t_args("decision-decided-open", &[("count", &open.count.to_string())])) }
                    p { (open.reason) }
                }
            }
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
                section aria-labelledby="decision-title" {
                    h2 #decision-title { (ctx.t("decision-title")) }
                    p { (ctx.t("decision-intro")) }
                    @if v.pending > 0 {
                        p { (ctx.t_args("evaluation-error-incomplete", &[("count", &v.pending.to_string())])) }
                    } @else {
                        p { a.button.button-primary href=(format!("/objectives/{}/evaluation/decision", v.objective)) { (ctx.t("decision-record")) } }
                    }
                }
            }
        },
    )
}

/// The confirmation page of the committee's decision: what it freezes, the shortlist it records,
/// and the disagreements still open, which need the chair's written reason.
pub fn decision_confirmation(ctx: &Ctx, b: &Board, reason: &str, errors: crate::views::forms::Errors) -> Markup {
    let results = b.results();
    let shortlist = b.shortlist(&results);
    // Numbered as on the ranking the chair reads.
    let numbers = b.blind_numbers(None);
    let open: Vec<String> = results
        .iter()
        .flat_map(|r| r.criteria.iter().filter(|c| c.disagreement && !c.from_consensus).map(move |c| (r.proposal, c)))
        .map(|(proposal, c)| {
            ctx.t_args(
                "decision-open-item",
                &[
                    ("proposal", &label(ctx, b, &numbers, proposal)),
                    ("criterion", &criterion_name(ctx, b, c.criterion)),
                    ("spread", &format!("{}–{}", c.min.unwrap_or(0), c.max.unwrap_or(0))),
                ],
            )
        })
        .collect();
    let id = b.objective.id.0;
    let workspace = format!("/objectives/{id}/evaluation");
    let ranking = format!("{workspace}/ranking");
    let names: Vec<String> = shortlist.iter().map(|p| label(ctx, b, &numbers, *p)).collect();
    let shortlisted = if names.is_empty() {
        ctx.t("decision-effect-no-shortlist")
    } else {
        ctx.t_count("decision-effect-shortlist", ("count", names.len() as i64), &[("names", &names.join(", "))])
    };
    let open_count = open.len() as i64;
    crate::views::confirm::confirmation(
        ctx,
        &crate::views::confirm::Confirm {
            title: ctx.t("decision-confirm-title"),
            trail: vec![
                ("/objectives", ctx.t("objectives-title")),
                (&format!("/objectives/{id}"), b.objective.title.clone()),
                (&ranking, ctx.t("evaluation-ranking")),
            ],
            subject: b.objective.title.clone(),
            effects: vec![shortlisted, ctx.t("decision-effect-frozen"), ctx.t("decision-effect-next")],
            irreversible: ctx.t("decision-irreversible"),
            open_items: Some((ctx.t_count("decision-open-title", ("count", open_count), &[]), open)),
            action: format!("{workspace}/decision"),
            hidden: vec![],
            reason: (open_count > 0).then(|| crate::views::confirm::Reason {
                name: "reason",
                label: ctx.t_count("decision-reason", ("count", open_count), &[]),
                hint: Some(ctx.t("decision-reason-hint")),
                value: reason,
            }),
            checks: vec![],
            button: ctx.t("decision-record"),
            back: ranking.clone(),
            errors,
        },
    )
}

/// The confirmation page of releasing a disabled member's seat, with the reason it needs.
pub fn release_confirmation(
    ctx: &Ctx,
    b: &Board,
    member: &crate::domain::evaluation::committee::Member,
    reason: &str,
    errors: crate::views::forms::Errors,
) -> Markup {
    let id = b.objective.id.0;
    let workspace = format!("/objectives/{id}/evaluation");
    let progress = format!("{workspace}/progress");
    let awaited = b
        .proposals
        .iter()
        .filter(|p| matches!(b.progress(member.user_id, p.proposal), Progress::NotStarted | Progress::Draft))
        .count() as i64;
    crate::views::confirm::confirmation(
        ctx,
        &crate::views::confirm::Confirm {
            title: ctx.t("release-title"),
            trail: vec![
                ("/objectives", ctx.t("objectives-title")),
                (&format!("/objectives/{id}"), b.objective.title.clone()),
                (&progress, ctx.t("evaluation-progress")),
            ],
            subject: member.name.clone(),
            effects: vec![
                ctx.t_count("release-effect-awaited", ("count", awaited), &[]),
                ctx.t("release-effect-submitted"),
            ],
            irreversible: ctx.t("release-irreversible"),
            open_items: None,
            action: format!("{workspace}/members/{}/release", member.user_id),
            hidden: vec![],
            reason: Some(crate::views::confirm::Reason {
                name: "reason",
                label: ctx.t("release-reason"),
                hint: Some(ctx.t("release-reason-hint")),
                value: reason,
            }),
            checks: vec![],
            button: ctx.t("release-button"),
            back: progress.clone(),
            errors,
        },
    )
}

/// The confirmation page of the results' publication, with the choice of publishing the scores
/// per criterion.
pub fn publish_confirmation(ctx: &Ctx, id: i64, title: &str) -> Markup {
    let base = format!("/objectives/{id}");
    let opening = format!("{base}/proposals");
    crate::views::confirm::confirmation(
        ctx,
        &crate::views::confirm::Confirm {
            title: ctx.t("results-publish-title"),
            trail: vec![
                ("/objectives", ctx.t("objectives-title")),
                (&base, title.to_owned()),
                (&opening, ctx.t("opening-title")),
            ],
            subject: title.to_owned(),
            effects: vec![ctx.t("results-publish-intro"), ctx.t("results-publish-effect-mail")],
            irreversible: ctx.t("results-publish-irreversible"),
            open_items: None,
            action: format!("{base}/results"),
            hidden: vec![],
            reason: None,
            checks: vec![("per_criterion", ctx.t("results-per-criterion"))],
            button: ctx.t("results-publish"),
            back: opening.clone(),
            errors: crate::views::forms::Errors::default(),
        },
    )
}
