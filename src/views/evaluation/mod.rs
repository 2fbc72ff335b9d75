//! Evaluation pages: the agent's committee page, the member's workspace (declarations, proposals,
//! scoring), the chair's progress, ranking, sensitivity and shortlist, the report and its CSVs, the
//! published results and the suppliers' feedback, and the charts. Each has its view type, the
//! function that builds it from an objective's `Board` (`ranking_view`, `published_results`, …:
//! plain data in, no database, no application state) and the maud function that renders it.
//! `public_results` and `feedback` are also parts of the objective's and the proposal's pages.

mod chair;
mod charts;
mod committee;
mod member;
mod report;
mod results;

use std::collections::HashMap;

use maud::{Markup, html};

use super::layout::Ctx;
use crate::db::ids::{CriterionId, ProposalId, UserId};
use crate::domain::evaluation::board::{Board, Progress};

pub use chair::{
    Disagreement, HistoryLine, ProgressRow, ProgressView, RankRow, RankingView, decision_confirmation, progress,
    progress_view, publish_confirmation, ranking, ranking_view, release_confirmation,
};
pub use charts::{criteria_chart, sensitivity_chart};
pub use committee::{CommitteeRow, CommitteeView, committee, committee_view};
pub use member::{
    DeclarationRow, MyObjective, ProposalLine, ScoreField, ScoreView, WorkspaceView, my_evaluations, score, score_view,
    workspace, workspace_view,
};
pub use report::{CsvFile, ReportProposal, ReportView, ranking_csv, report, report_view, scores_csv};
pub use results::{
    Feedback, FeedbackCriterion, PublicResults, PublicRow, feedback, public_results, published_results,
    supplier_feedback,
};

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

fn number(ctx: &Ctx, x: f64) -> String {
    let s = format!("{x:.2}");
    if ctx.lang == crate::i18n::Lang::Fr { s.replace('.', ",") } else { s }
}

fn percent(ctx: &Ctx, x: f64) -> String {
    let s = format!("{:.1} %", x * 100.0);
    if ctx.lang == crate::i18n::Lang::Fr { s.replace('.', ",") } else { s.replace(" %", "%") }
}

/// How a proposal is named to a viewer: "Proposal 3" in blind mode, its number read in `numbers`
/// (the viewer's, from `Board::blind_numbers`), else its organisations.
pub fn label(ctx: &Ctx, b: &Board, numbers: &HashMap<ProposalId, usize>, proposal: ProposalId) -> String {
    match b.parties_of(proposal) {
        Some(_) if b.objective.blind => {
            let n = numbers.get(&proposal).copied().unwrap_or_default();
            ctx.t_args("evaluation-proposal-n", &[("n", &n.to_string())])
        }
        Some(p) => p.organisations.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" + "),
        None => String::new(),
    }
}

/// A criterion of the objective by name, in the viewer's language; empty if it is not one.
fn criterion_name(ctx: &Ctx, b: &Board, id: CriterionId) -> String {
    b.criteria.iter().find(|c| c.criterion.id == id).map_or_else(String::new, |c| c.criterion.name(ctx.lang).to_owned())
}

/// The committee's members by name (members know each other).
fn member_names(b: &Board) -> HashMap<UserId, String> {
    b.members.iter().map(|m| (m.user_id, m.name.clone())).collect()
}

/// The message key of where a member stands on a proposal.
fn progress_key(progress: Progress) -> &'static str {
    match progress {
        Progress::Conflict => "progress-conflict",
        Progress::NotStarted => "progress-not-started",
        Progress::Draft => "progress-draft",
        Progress::Submitted => "progress-submitted",
        Progress::Released => "progress-released",
    }
}
