//! What the results publish: the public results of an objective (the shortlist, and per criterion
//! if the agent chose so) and each depositor's own feedback.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::charts::criteria_chart;
use super::{criterion_name, number};
use crate::db::ids::ProposalId;
use crate::domain::evaluation::aggregate;
use crate::domain::evaluation::board::{self, Board};
use crate::domain::proposals::opening::{NotOpened, Opened};
use crate::views::account::paris;
use crate::views::layout::Ctx;

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

/// The public results of `b`, once they are published (`None` before); `outcomes` are the
/// objective's proposals, of which those not opened are counted by reason.
pub fn published_results(ctx: &Ctx, b: &Board, outcomes: &[Opened]) -> Option<PublicResults> {
    let published_at = b.objective.results_published_at?;
    let results = b.results();
    let shortlist = b.shortlist(&results);
    let mut not_opened: Vec<(String, usize)> = Vec::new();
    for o in outcomes {
        if let Err(reason) = o.outcome {
            let text = ctx.t(reason.key());
            match not_opened.iter_mut().find(|(r, _)| *r == text) {
                Some(entry) => entry.1 += 1,
                None => not_opened.push((text, 1)),
            }
        }
    }
    Some(PublicResults {
        published_at,
        criteria: b.criteria.iter().map(|c| c.criterion.name(ctx.lang).to_owned()).collect(),
        per_criterion: b.objective.results_per_criterion,
        shortlisted: shortlist
            .iter()
            .filter_map(|p| {
                let r = results.iter().find(|r| r.proposal == *p)?;
                let bp = b.proposal(*p)?;
                Some(PublicRow {
                    rank: r.rank,
                    organisations: bp.organisations.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + "),
                    title: bp.snapshot.title.clone(),
                    total: r.total,
                    values: r.criteria.iter().map(|c| c.value.map_or(0.0, |v| v.as_f64())).collect(),
                })
            })
            .collect(),
        opened: b.proposals.len(),
        not_opened,
    })
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
                    (criteria_chart(ctx, "feedback-chart", &criteria.iter().map(|c| (c.name.clone(), c.value, c.average)).collect::<Vec<_>>(), true))
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

/// A depositor's own feedback once the results are published: its scores per criterion and the
/// justifications, members named "Member A", "Member B", …
pub fn supplier_feedback(ctx: &Ctx, b: &Board, proposal: ProposalId, outcome: Option<NotOpened>) -> Option<Feedback> {
    b.objective.results_published_at?;
    if let Some(reason) = outcome {
        return Some(Feedback::NotOpened(ctx.t(reason.key())));
    }
    let results = b.results();
    let r = results.iter().find(|r| r.proposal == proposal)?;
    let shortlisted = b.shortlist(&results).contains(&proposal);
    let pseudonyms = board::pseudonyms(&b.members);
    let averages = aggregate::averages(&results, b.criteria.len());
    let criteria = b
        .criteria
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let id = c.weighted.criterion_id;
            let average = averages[i];
            let mut members: Vec<(String, i32, String)> = b
                .counted(proposal)
                .filter_map(|e| {
                    b.scores.iter().find(|s| s.evaluation == e.id && s.criterion == id).and_then(|s| {
                        let who = ctx.t_args(
                            "feedback-member",
                            &[("letter", pseudonyms.get(&e.user).map_or("?", String::as_str))],
                        );
                        Some((who, s.score?, s.justification.clone()))
                    })
                })
                .collect();
            members.sort();
            FeedbackCriterion {
                name: c.criterion.name(ctx.lang).to_owned(),
                value: r.criteria.get(i).and_then(|v| v.value).map_or(0.0, |v| v.as_f64()),
                average,
                consensus: b
                    .consensus
                    .iter()
                    .find(|x| x.proposal == proposal && x.criterion == id)
                    .map(|x| (x.score, x.justification.clone())),
                members,
            }
        })
        .collect();
    let excluded = r.excluded.map(|e| {
        ctx.t_args(
            "ranking-excluded",
            &[
                ("criterion", &criterion_name(ctx, b, e.criterion)),
                ("value", &format!("{:.2}", e.value)),
                ("min", &e.minimum.to_string()),
            ],
        )
    });
    Some(Feedback::Scored { rank: r.rank, total: r.total, shortlisted, excluded, criteria })
}
