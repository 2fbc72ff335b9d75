//! The evaluation report: the printable page (criteria, committee, declarations, every score and
//! its justification, the ranking, the decision) and its two CSV exports.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::chair::{RankingView, ranking_view};
use super::charts::criteria_chart;
use super::{breadcrumbs, criterion_name, label, member_names, number, percent};
use crate::db::ids::ProposalId;
use crate::domain::evaluation::board::Board;
use crate::domain::evaluation::{aggregate, csv};
use crate::views::account::paris;
use crate::views::layout::{Ctx, page};

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
                (criteria_chart(ctx, &format!("report-chart-{i}"), &p.chart, false))
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

/// The report of `b`, as the chair or an agent reads it.
pub fn report_view<'a>(ctx: &Ctx, b: &'a Board) -> ReportView<'a> {
    let names = member_names(b);
    let organisations = b.depositing_organisations();
    ReportView {
        ranking: ranking_view(ctx, b, false, None),
        reference: &b.objective.reference,
        criteria: b
            .criteria
            .iter()
            .map(|c| {
                (
                    c.criterion.name(ctx.lang).to_owned(),
                    c.weighted.weight,
                    if c.weighted.eliminatory { c.weighted.min_score } else { None },
                )
            })
            .collect(),
        blind: b.objective.blind,
        members: b.members.iter().map(|m| (m.name.clone(), m.chair)).collect(),
        // In blind mode, until the decision, who declared a conflict with whom would tell the
        // chair whose numbered proposal is whose: the report names no organisation.
        declarations: b
            .declarations
            .iter()
            .filter(|_| !(b.objective.blind && b.decision.is_none()))
            .map(|d| {
                let org = organisations
                    .iter()
                    .find(|(o, _)| *o == d.organisation)
                    .map_or_else(String::new, |(_, n)| n.clone());
                (names.get(&d.user).cloned().unwrap_or_default(), org, d.conflict, d.note.clone())
            })
            .collect(),
        proposals: report_proposals(ctx, b),
        decision: b.decision.as_ref().map(|d| (names.get(&d.decided_by).cloned().unwrap_or_default(), d.decided_at)),
    }
}

/// Each opened proposal's chart, counted scores and consensus, for the report.
fn report_proposals(ctx: &Ctx, b: &Board) -> Vec<ReportProposal> {
    let names = member_names(b);
    let numbers = b.blind_numbers(None);
    let results = b.results();
    let averages = aggregate::averages(&results, b.criteria.len());
    b.proposals
        .iter()
        .map(|p| ReportProposal {
            chart: results
                .iter()
                .find(|r| r.proposal == p.proposal)
                .map(|r| {
                    b.criteria
                        .iter()
                        .zip(&r.criteria)
                        .zip(&averages)
                        .map(|((c, v), avg)| {
                            (c.criterion.name(ctx.lang).to_owned(), v.value.map_or(0.0, |x| x.as_f64()), *avg)
                        })
                        .collect()
                })
                .unwrap_or_default(),
            label: label(ctx, b, &numbers, p.proposal),
            title: p.snapshot.title.clone(),
            scores: b
                .counted(p.proposal)
                .flat_map(|e| b.scores.iter().filter(move |s| s.evaluation == e.id).map(move |s| (e.user, s)))
                .filter_map(|(user, s)| {
                    Some((
                        names.get(&user).cloned().unwrap_or_default(),
                        criterion_name(ctx, b, s.criterion),
                        s.score?,
                        s.justification.clone(),
                    ))
                })
                .collect(),
            consensus: b
                .consensus
                .iter()
                .filter(|c| c.proposal == p.proposal)
                .map(|c| (criterion_name(ctx, b, c.criterion), c.score, c.justification.clone()))
                .collect(),
        })
        .collect()
}

/// A CSV download: its file name and its content (see `domain::evaluation::csv`).
pub struct CsvFile {
    pub name: String,
    pub body: String,
}

/// The ranking as CSV: one row per opened proposal.
pub fn ranking_csv(ctx: &Ctx, b: &Board) -> CsvFile {
    let view = ranking_view(ctx, b, false, None);
    let mut header: Vec<String> =
        ["ranking-rank", "evaluation-proposal", "proposal-title", "ranking-total", "ranking-environmental"]
            .iter()
            .map(|k| ctx.t(k))
            .collect();
    header.extend(view.criteria.iter().map(|(n, w)| format!("{n} ({w} %)")));
    header.extend(
        ["ranking-shortlist", "ranking-changed", "report-excluded", "sensitivity-stability", "sensitivity-verdict"]
            .iter()
            .map(|k| ctx.t(k)),
    );
    let rows: Vec<Vec<String>> = view
        .rows
        .iter()
        .map(|r| {
            let title = b.proposal(ProposalId(r.proposal)).map(|p| p.snapshot.title.clone()).unwrap_or_default();
            let mut row = vec![
                r.rank.map(|x| x.to_string()).unwrap_or_default(),
                r.label.clone(),
                title,
                format!("{:.2}", r.total),
                format!("{:.2}", r.environmental),
            ];
            row.extend(r.values.iter().map(|(v, _, _)| v.map(|x| format!("{x:.2}")).unwrap_or_default()));
            row.push(ctx.t(if r.shortlisted { "ranking-in" } else { "ranking-out" }));
            row.push(r.change_reason.clone().unwrap_or_default());
            row.push(r.excluded.clone().unwrap_or_default());
            row.push(format!("{:.3}", r.stability));
            row.push(ctx.t(if r.robust { "sensitivity-robust" } else { "sensitivity-fragile" }));
            row
        })
        .collect();
    CsvFile { name: format!("{}-classement.csv", b.objective.reference), body: csv::document(&header, &rows) }
}

/// Every submitted score with its justification, as CSV.
pub fn scores_csv(ctx: &Ctx, b: &Board) -> CsvFile {
    let header: Vec<String> =
        ["evaluation-proposal", "committee-member", "criterion", "report-score", "score-justification"]
            .iter()
            .map(|k| ctx.t(k))
            .collect();
    let rows: Vec<Vec<String>> = report_proposals(ctx, b)
        .into_iter()
        .flat_map(|p| {
            let label = p.label.clone();
            p.scores.into_iter().map(move |(m, c, s, j)| vec![label.clone(), m, c, s.to_string(), j])
        })
        .collect();
    CsvFile { name: format!("{}-notes.csv", b.objective.reference), body: csv::document(&header, &rows) }
}
