//! Each person's home after sign-in (`/work`): one section per role they hold, each item a
//! sentence that says what waits and links to where it is done.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::account::paris;
use super::layout::{Ctx, page};
use super::objectives::time_left;
use super::proposals::Standing;
use crate::domain::award::change_support::ToRate;
use crate::domain::objectives::Status;
use crate::domain::proposals::{self, Relation, opening};
use crate::domain::worklist::{AdminWork, AgentWork, ObjectiveLine, Seat, SupplierWork};

/// What the home shows: one part per role the person holds.
pub struct WorkPage {
    pub supplier: Option<SupplierWork>,
    pub agent: Option<AgentWork>,
    pub committee: Option<Vec<Seat>>,
    pub admin: Option<AdminWork>,
    /// The actions to rate of a user of a purchase (`None`: not a user of any purchase).
    pub purchase_user: Option<Vec<ToRate>>,
    pub now: NaiveDateTime,
}

/// One line of work: a sentence, where to do it, and whether it is urgent.
struct Task {
    text: String,
    href: String,
    urgent: bool,
}

fn tasks(ctx: &Ctx, tasks: &[Task], empty: &str) -> Markup {
    html! {
        @if tasks.is_empty() {
            p.empty { (ctx.t(empty)) }
        } @else {
            ul.task-list {
                @for t in tasks {
                    li.task.task-urgent[t.urgent] { a href=(t.href) { (t.text) } }
                }
            }
        }
    }
}

pub fn work(ctx: &Ctx, name: &str, w: &WorkPage) -> Markup {
    let title = ctx.t("work-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p.lead { (ctx.t_args("work-hello", &[("name", name)])) }
            @if let Some(s) = &w.supplier { (supplier(ctx, s, w.now)) }
            @if let Some(a) = &w.agent { (agent(ctx, a)) }
            @if let Some(seats) = &w.committee { (committee(ctx, seats)) }
            @if let Some(a) = &w.admin { (admin(ctx, a)) }
            @if let Some(r) = &w.purchase_user { (purchase_user(ctx, r)) }
            @if w.supplier.is_none() && w.agent.is_none() && w.committee.is_none() && w.admin.is_none() && w.purchase_user.is_none() {
                p { (ctx.t("work-nothing-for-role")) " " a href="/objectives" { (ctx.t("work-browse-objectives")) } }
            }
            p.muted { (ctx.t("work-times-note")) }
        },
    )
}

fn supplier(ctx: &Ctx, s: &SupplierWork, now: NaiveDateTime) -> Markup {
    let mut list = Vec::new();
    let mut waiting: i64 = 0;
    let mut evaluating: i64 = 0;
    for r in &s.proposals {
        let open = proposals::accepts_proposals(&r.objective, now);
        let title = if r.title.is_empty() { ctx.t("proposal-untitled") } else { r.title.clone() };
        let href = format!("/proposals/{}", r.proposal.0);
        let left = time_left(ctx, r.objective.deadline_at, now);
        if r.relation == Relation::Member && !r.confirmed {
            if open {
                list.push(Task {
                    text: ctx.t_args(
                        "work-supplier-invitation",
                        &[("lead", &r.lead_name), ("objective", &r.objective.title), ("left", &left)],
                    ),
                    href,
                    urgent: true,
                });
            }
            continue;
        }
        if r.relation != Relation::Lead || r.objective.practice {
            continue;
        }
        if !open {
            // Past the deadline: what stood is sealed, then evaluated, then its results published.
            if Standing::of(opening::outcome(&r.deposits, r.last_essential_amendment)) == Standing::Deposited {
                match r.objective.status_at(now) {
                    Status::Closed | Status::UnderEvaluation => evaluating += 1,
                    Status::ResultsPublished => list.push(Task {
                        text: ctx.t_args("work-supplier-results", &[("objective", &r.objective.title)]),
                        href,
                        urgent: false,
                    }),
                    _ => {}
                }
            }
            continue;
        }
        match Standing::of(opening::outcome(&r.deposits, r.last_essential_amendment)) {
            Standing::Draft => list.push(Task {
                text: ctx.t_args(
                    "work-supplier-draft",
                    &[("title", &title), ("objective", &r.objective.title), ("left", &left)],
                ),
                href,
                urgent: true,
            }),
            Standing::ToReconfirm => list.push(Task {
                text: ctx.t_args("work-supplier-reconfirm", &[("objective", &r.objective.title), ("left", &left)]),
                href,
                urgent: true,
            }),
            Standing::Deposited => waiting += 1,
            Standing::Withdrawn | Standing::Late => {}
        }
    }
    if s.unread_letters > 0 {
        list.insert(
            0,
            Task {
                text: ctx.t_count("work-supplier-letters", ("count", s.unread_letters), &[]),
                href: "/organisation/letters".into(),
                urgent: true,
            },
        );
    }
    for d in &s.reports_due {
        let last = d.period.ends.pred_opt().unwrap_or(d.period.ends).format("%d/%m/%Y").to_string();
        list.push(Task {
            text: ctx.t_args(
                if d.late { "work-supplier-report-late" } else { "work-supplier-report-due" },
                &[
                    ("indicator", &d.name),
                    ("objective", &d.title),
                    ("period", &d.period.number.to_string()),
                    ("date", &last),
                ],
            ),
            href: format!("/objectives/{}/indicators", d.objective.0),
            urgent: d.late,
        });
    }
    for r in &s.support_to_record {
        list.push(Task {
            text: ctx.t_args(
                "work-supplier-support-record",
                &[
                    ("action", &super::change_support::kind_name(ctx, r.kind)),
                    ("audience", &r.audience),
                    ("objective", &r.title),
                    ("date", &r.planned_on.format("%d/%m/%Y").to_string()),
                ],
            ),
            href: format!("/objectives/{}/change-support#a{}", r.objective.0, r.action),
            urgent: false,
        });
    }
    for (objective, title) in &s.contracts {
        list.push(Task {
            text: ctx.t_args("work-supplier-contract", &[("objective", title)]),
            href: format!("/objectives/{}", objective.0),
            urgent: false,
        });
    }
    if waiting > 0 {
        list.push(Task {
            text: ctx.t_count("work-supplier-deposited", ("count", waiting), &[]),
            href: "/proposals".into(),
            urgent: false,
        });
    }
    if evaluating > 0 {
        list.push(Task {
            text: ctx.t_count("work-supplier-evaluating", ("count", evaluating), &[]),
            href: "/proposals".into(),
            urgent: false,
        });
    }
    html! {
        section.work-section aria-labelledby="work-supplier" {
            h2 #work-supplier { (ctx.t("work-supplier-title")) }
            (tasks(ctx, &list, "work-supplier-none"))
            p.button-row {
                a.button href="/objectives?status=open" { (ctx.t("work-browse-objectives")) }
                a.button href="/proposals" { (ctx.t("work-all-proposals")) }
            }
        }
    }
}

/// A user of the purchase's part: each delivered action to rate.
fn purchase_user(ctx: &Ctx, to_rate: &[ToRate]) -> Markup {
    let list: Vec<Task> = to_rate
        .iter()
        .map(|r| Task {
            text: ctx.t_args(
                "work-user-rate",
                &[
                    ("action", &super::change_support::kind_name(ctx, r.kind)),
                    ("objective", &r.title),
                    ("date", &r.delivered_on.format("%d/%m/%Y").to_string()),
                ],
            ),
            href: format!("/objectives/{}/change-support#a{}", r.objective.0, r.action),
            urgent: false,
        })
        .collect();
    html! {
        section.work-section aria-labelledby="work-user" {
            h2 #work-user { (ctx.t("work-user-title")) }
            (tasks(ctx, &list, "work-user-none"))
        }
    }
}

fn lines(ctx: &Ctx, key: &str, lines: &[ObjectiveLine], href: impl Fn(i64) -> String) -> Vec<Task> {
    lines
        .iter()
        .map(|l| Task { text: ctx.t_args(key, &[("objective", &l.title)]), href: href(l.id.0), urgent: true })
        .collect()
}

fn agent(ctx: &Ctx, a: &AgentWork) -> Markup {
    let mut list = Vec::new();
    list.extend(lines(ctx, "work-agent-open", &a.to_open, |id| format!("/objectives/{id}/proposals")));
    list.extend(lines(ctx, "work-agent-publish", &a.to_publish, |id| format!("/objectives/{id}/evaluation/ranking")));
    list.extend(lines(ctx, "work-agent-award", &a.to_award, |id| format!("/objectives/{id}/award")));
    list.extend(lines(ctx, "work-agent-sign", &a.to_sign, |id| format!("/objectives/{id}/award")));
    for q in &a.questions {
        list.push(Task {
            text: ctx.t_args(
                "work-agent-question",
                &[
                    ("objective", &q.objective_title),
                    ("question", &q.question),
                    ("asked", &paris(ctx.lang, q.asked_at)),
                ],
            ),
            href: format!("/objectives/{}#qa", q.objective.0),
            urgent: true,
        });
    }
    if a.questions_total > a.questions.len() as i64 {
        list.push(Task {
            text: ctx.t_count(
                "work-agent-more-questions",
                ("count", a.questions_total - a.questions.len() as i64),
                &[],
            ),
            href: "/objectives?status=open".into(),
            urgent: false,
        });
    }
    for w in &a.reports_to_validate {
        list.push(Task {
            text: ctx.t_args(
                "work-agent-report",
                &[("indicator", &w.indicator), ("objective", &w.title), ("period", &w.report.period.to_string())],
            ),
            href: format!("/objectives/{}/indicators", w.objective.0),
            urgent: true,
        });
    }
    for f in &a.altered_files {
        list.push(Task {
            text: ctx.t_args(
                "work-agent-altered-file",
                &[
                    ("file", &crate::views::proposals::alert_file(ctx, f)),
                    ("objective", &f.objective_title),
                    ("at", &paris(ctx.lang, f.at)),
                ],
            ),
            href: format!("/objectives/{}/proposals", f.objective.0),
            urgent: true,
        });
    }
    if a.practices_to_review > 0 {
        list.push(Task {
            text: ctx.t_count("work-agent-practices", ("count", a.practices_to_review), &[]),
            href: "/practices/review".into(),
            urgent: false,
        });
    }
    html! {
        section.work-section aria-labelledby="work-agent" {
            h2 #work-agent { (ctx.t("work-agent-title")) }
            (tasks(ctx, &list, "work-agent-none"))
            h3 { (ctx.t("work-agent-stages")) }
            @if a.by_status.is_empty() {
                p.empty { (ctx.t("work-agent-no-objectives")) }
            } @else {
                ul.stage-list {
                    @for (status, n) in &a.by_status {
                        @let filter = if *status == Status::Published { "open" } else { status.as_str() };
                        li { a href=(format!("/objectives?status={filter}")) { (ctx.t(&format!("status-{}", status.as_str()))) } " " span.count { (n) } }
                    }
                }
            }
            p.button-row { a.button.button-primary href="/objectives/new" { (ctx.t("work-agent-new")) } }
        }
    }
}

fn committee(ctx: &Ctx, seats: &[Seat]) -> Markup {
    let list: Vec<Task> = seats
        .iter()
        .map(|s| {
            let remaining = s.to_evaluate - s.submitted;
            let key = if s.to_evaluate == 0 {
                "work-committee-waiting"
            } else if remaining > 0 {
                "work-committee-remaining"
            } else {
                "work-committee-done"
            };
            let mut text = ctx.t_count(
                key,
                ("remaining", remaining),
                &[("objective", &s.objective.title), ("total", &s.to_evaluate.to_string())],
            );
            if s.chair {
                text.push_str(&format!(" ({})", ctx.t("work-committee-chair")));
            }
            let href = if s.chair && remaining == 0 && s.to_evaluate > 0 {
                format!("/objectives/{}/evaluation/ranking", s.objective.id.0)
            } else {
                format!("/objectives/{}/evaluation", s.objective.id.0)
            };
            Task { text, href, urgent: remaining > 0 }
        })
        .collect();
    html! {
        section.work-section aria-labelledby="work-committee" {
            h2 #work-committee { (ctx.t("work-committee-title")) }
            (tasks(ctx, &list, "work-committee-none"))
            p.button-row { a.button href="/evaluations" { (ctx.t("work-committee-all")) } }
        }
    }
}

fn admin(ctx: &Ctx, a: &AdminWork) -> Markup {
    let mut list = Vec::new();
    if a.reports_open > 0 {
        list.push(Task {
            text: ctx.t_count("work-admin-reports", ("count", a.reports_open), &[]),
            href: "/admin/reports".into(),
            urgent: true,
        });
    }
    html! {
        section.work-section aria-labelledby="work-admin" {
            h2 #work-admin { (ctx.t("work-admin-title")) }
            (tasks(ctx, &list, "work-admin-none"))
            p.button-row {
                a.button href="/admin/users" { (ctx.t("admin-users")) }
                a.button href="/admin/audit" { (ctx.t("work-admin-audit")) }
            }
        }
    }
}
