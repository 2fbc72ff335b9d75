//! Indicators over the horizons (issue 17, step 6): the management page of a contract in
//! execution (the agent sets indicators and decides on reports; the holder reports values), and
//! the public follow-up: each indicator against its targets as an accessible SVG chart (role
//! `img`, a title and a description, no script) with a table of the same figures.

use chrono::NaiveDate;
use maud::{Markup, html};

use super::account::paris;
use super::confirm::{Confirm, confirmation};
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use crate::domain::award::indicators::{Indicator, State};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::Status;
use crate::i18n::Lang;

/// Who manages the indicators page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    Holder,
}

/// The indicators page of a contract in execution, for an agent or a holder.
#[derive(Debug, Clone)]
pub struct ManagePage {
    pub objective_id: i64,
    pub title: String,
    pub status: Status,
    pub role: Role,
    pub signed_on: NaiveDate,
    pub indicators: Vec<Indicator>,
    /// The milestones of the objective's horizon (years after signature).
    pub reach: &'static [i32],
    /// The objective's criteria: (id, French name, English name).
    pub criteria: Vec<(i64, String, String)>,
    /// For each indicator, the periods the holder may report now: (indicator, period, first day, day after).
    pub open_periods: Vec<(i64, i32, NaiveDate, NaiveDate)>,
    /// A refused form shown again: its errors and what was typed.
    pub feedback: Feedback,
}

/// A refused form of the page, shown again (422) with the error summary at the top, each message
/// next to its field, and the values typed.
#[derive(Debug, Clone, Default)]
pub struct Feedback {
    /// Keyed by the fields' ids on the page (`baseline`, `value-12`, `reason-7`…).
    pub errors: Errors,
    /// The new indicator form as typed.
    pub indicator: FormPairs,
    /// The report form of one indicator as typed: (indicator, period, value, comment).
    pub report: Option<(i64, String, String, String)>,
    /// The send-back reason of one report as typed: (report, reason).
    pub send_back: Option<(i64, String)>,
    /// A refusal that is not about one field (409), said above the forms.
    pub error: Option<String>,
}

impl Feedback {
    /// The errors of `problems`, each keyed by its field's id on the page: the field's name
    /// followed by `-{suffix}` when the form repeats on the page.
    pub fn errors(ctx: &Ctx, problems: &[Problem], suffix: Option<i64>) -> Errors {
        let mut errors = Errors::default();
        for p in problems {
            let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let id = match suffix {
                Some(n) => format!("{}-{n}", p.field),
                None => p.field.to_owned(),
            };
            errors.add(id, ctx.t_args(p.key, &args));
        }
        errors
    }
}

/// A field's error message, with the attributes that tie it to its input.
fn field_error(errors: &Errors, id: &str) -> Markup {
    html! {
        @if let Some(m) = errors.get(id) { p.field-error id=(format!("{id}-error")) { (m) } }
    }
}

fn described(errors: &Errors, id: &str) -> Option<String> {
    errors.get(id).map(|_| format!("{id}-error"))
}

fn invalid(errors: &Errors, id: &str) -> Option<&'static str> {
    errors.get(id).map(|_| "true")
}

/// A figure the reader's way: at most two decimals, a decimal comma in French.
pub fn figure(lang: Lang, v: f64) -> String {
    let text = format!("{:.2}", v);
    let text = text.trim_end_matches('0').trim_end_matches('.').to_owned();
    let text = if text == "-0" { "0".to_owned() } else { text };
    match lang {
        Lang::Fr => text.replace('.', ","),
        Lang::En => text,
    }
}

fn day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn criterion_name(ctx: &Ctx, i: &Indicator) -> Option<String> {
    i.criterion.as_ref().map(|(_, fr, en)| if ctx.lang == Lang::Fr { fr.clone() } else { en.clone() })
}

/// The points of an indicator's chart: the baseline at signature, each validated value at the
/// end of its period, each target at its date.
fn chart(ctx: &Ctx, i: &Indicator, signed_on: NaiveDate) -> Markup {
    let (w, h, left, right, top, bottom) = (640.0, 260.0, 70.0, 20.0, 20.0, 40.0);
    let values: Vec<(NaiveDate, f64)> = i
        .reports
        .iter()
        .filter(|r| r.state == State::Validated)
        .map(|r| (crate::domain::award::indicators::period(signed_on, i.period_months, r.period).ends, r.value))
        .collect();
    let last = i.targets.iter().map(|t| t.on).chain(values.iter().map(|v| v.0)).max().unwrap_or(signed_on);
    let span = ((last - signed_on).num_days().max(1)) as f64;
    let all: Vec<f64> = std::iter::once(i.baseline)
        .chain(values.iter().map(|v| v.1))
        .chain(i.targets.iter().map(|t| t.value))
        .collect();
    let lo = all.iter().copied().fold(f64::INFINITY, f64::min).min(0.0);
    let hi = all.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let hi = if hi <= lo { lo + 1.0 } else { hi };
    let x = |d: NaiveDate| left + (w - left - right) * ((d - signed_on).num_days() as f64 / span);
    let y = |v: f64| top + (h - top - bottom) * (1.0 - (v - lo) / (hi - lo));
    let mut line = vec![format!("{:.1},{:.1}", x(signed_on), y(i.baseline))];
    line.extend(values.iter().map(|(d, v)| format!("{:.1},{:.1}", x(*d), y(*v))));
    let id = format!("ind-{}", i.id);
    let mut description =
        vec![ctx.t_args("indicator-chart-baseline", &[("value", &figure(ctx.lang, i.baseline)), ("unit", &i.unit)])];
    description.extend(values.iter().map(|(d, v)| {
        ctx.t_args(
            "indicator-chart-value",
            &[("date", &day(ctx.lang, *d)), ("value", &figure(ctx.lang, *v)), ("unit", &i.unit)],
        )
    }));
    description.extend(i.targets.iter().map(|t| {
        ctx.t_args(
            "indicator-chart-target",
            &[("date", &day(ctx.lang, t.on)), ("value", &figure(ctx.lang, t.value)), ("unit", &i.unit)],
        )
    }));
    html! {
        figure.chart {
            svg role="img" aria-labelledby=(format!("{id}-t")) aria-describedby=(format!("{id}-d")) viewBox=(format!("0 0 {w} {h}")) width="100%" {
                title id=(format!("{id}-t")) { (ctx.t_args("indicator-chart-title", &[("name", &i.name)])) }
                desc id=(format!("{id}-d")) { (description.join(" ; ")) }
                line x1=(left) y1=(top) x2=(left) y2=(h - bottom) stroke="#4f5862" {}
                line x1=(left) y1=(h - bottom) x2=(w - right) y2=(h - bottom) stroke="#4f5862" {}
                text x=(left - 6.0) y=(format!("{:.1}", y(hi) + 4.0)) text-anchor="end" font-size="11" fill="#1b1f24" { (figure(ctx.lang, hi)) }
                text x=(left - 6.0) y=(format!("{:.1}", y(lo) + 4.0)) text-anchor="end" font-size="11" fill="#1b1f24" { (figure(ctx.lang, lo)) }
                text x=(left) y=(h - bottom + 16.0) font-size="11" fill="#1b1f24" { (day(ctx.lang, signed_on)) }
                text x=(w - right) y=(h - bottom + 16.0) text-anchor="end" font-size="11" fill="#1b1f24" { (day(ctx.lang, last)) }
                line x1=(left) y1=(format!("{:.1}", y(i.baseline))) x2=(w - right) y2=(format!("{:.1}", y(i.baseline))) stroke="#8a949e" stroke-dasharray="4 3" {}
                polyline points=(line.join(" ")) fill="none" stroke="#1f4e79" stroke-width="2" {}
                @for (d, v) in &values {
                    circle cx=(format!("{:.1}", x(*d))) cy=(format!("{:.1}", y(*v))) r="4" fill="#1f4e79" {}
                }
                @for t in &i.targets {
                    // A target: a square outline, distinct from the values by its shape.
                    rect x=(format!("{:.1}", x(t.on) - 5.0)) y=(format!("{:.1}", y(t.value) - 5.0)) width="10" height="10" fill="none" stroke="#b35900" stroke-width="2" {}
                }
                circle cx=(left + 4.0) cy=(h - 8.0) r="4" fill="#1f4e79" {}
                text x=(left + 14.0) y=(h - 4.0) font-size="11" fill="#1b1f24" { (ctx.t("indicator-chart-legend-value")) }
                rect x=(left + 200.0) y=(h - 13.0) width="10" height="10" fill="none" stroke="#b35900" stroke-width="2" {}
                text x=(left + 216.0) y=(h - 4.0) font-size="11" fill="#1b1f24" { (ctx.t("indicator-chart-legend-target")) }
                line x1=(left + 380.0) y1=(h - 8.0) x2=(left + 400.0) y2=(h - 8.0) stroke="#8a949e" stroke-dasharray="4 3" {}
                text x=(left + 406.0) y=(h - 4.0) font-size="11" fill="#1b1f24" { (ctx.t("indicator-chart-legend-baseline")) }
            }
        }
    }
}

/// The table of an indicator's figures: the baseline, each validated value, each target.
fn figures(ctx: &Ctx, i: &Indicator, signed_on: NaiveDate) -> Markup {
    html! {
        table.table {
            caption { (ctx.t_args("indicator-table-caption", &[("name", &i.name), ("unit", &i.unit)])) }
            thead { tr { th scope="col" { (ctx.t("indicator-col-what")) } th scope="col" { (ctx.t("indicator-col-date")) } th scope="col" { (ctx.t("indicator-col-value")) } } }
            tbody {
                tr { th scope="row" { (ctx.t("indicator-baseline")) } td { (day(ctx.lang, signed_on)) } td { (figure(ctx.lang, i.baseline)) " " (i.unit) } }
                @for r in i.reports.iter().filter(|r| r.state == State::Validated) {
                    @let p = crate::domain::award::indicators::period(signed_on, i.period_months, r.period);
                    tr {
                        th scope="row" { (ctx.t_args("indicator-period", &[("number", &r.period.to_string())])) }
                        td { (day(ctx.lang, p.ends)) }
                        td { (figure(ctx.lang, r.value)) " " (i.unit) }
                    }
                }
                @for t in &i.targets {
                    tr { th scope="row" { (ctx.t_args("indicator-target", &[("years", &t.years.to_string())])) } td { (day(ctx.lang, t.on)) } td { (figure(ctx.lang, t.value)) " " (i.unit) } }
                }
            }
        }
    }
}

/// The public follow-up: each indicator's chart and table (validated values only), and the
/// feed of validated reports.
pub fn public_section(ctx: &Ctx, objective_id: i64, signed_on: NaiveDate, all: &[Indicator]) -> Markup {
    html! {
        section aria-labelledby="follow-up" {
            h2 #follow-up { (ctx.t("indicator-public-title")) }
            @if all.is_empty() {
                p { (ctx.t("indicator-public-none")) }
            }
            @for i in all {
                h3 { (i.name) }
                @if let Some(c) = criterion_name(ctx, i) { p.hint { (ctx.t_args("indicator-criterion-line", &[("criterion", &c)])) } }
                (chart(ctx, i, signed_on))
                (figures(ctx, i, signed_on))
            }
            p {
                a href=(format!("/objectives/{objective_id}/follow-up")) { (ctx.t("indicator-public-link")) }
                " · "
                a href=(format!("/objectives/{objective_id}/follow-up.atom")) type="application/atom+xml" { (ctx.t("indicator-feed-link")) }
            }
        }
    }
}

/// The contract's follow-up page.
pub fn follow_up_page(ctx: &Ctx, objective_id: i64, title: &str, signed_on: NaiveDate, all: &[Indicator]) -> Markup {
    let heading = ctx.t("indicator-public-title");
    let base = format!("/objectives/{objective_id}");
    page(
        ctx,
        &heading,
        html! {
            (breadcrumbs(ctx, &[(&base, title.to_owned())], &heading))
            h1 { (heading) }
            p { (title) }
            (public_section(ctx, objective_id, signed_on, all))
        },
    )
}

fn state_name(ctx: &Ctx, s: State) -> String {
    ctx.t(&format!("indicator-state-{}", s.as_str()))
}

/// The indicators page of a contract in execution: the agent sets indicators and decides on
/// submitted reports; the holder reports values for the periods that have started.
pub fn manage_page(ctx: &Ctx, v: &ManagePage, notice: Option<String>) -> Markup {
    let title = ctx.t("indicator-manage-title");
    let base = format!("/objectives/{}", v.objective_id);
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, v.title.clone())], &title))
            (error_summary(ctx, &v.feedback.errors))
            h1 { (title) }
            @if let Some(n) = &notice { div.alert.alert-ok role="status" { p { (n) } } }
            @if let Some(e) = &v.feedback.error { div.alert.alert-error role="alert" { p { (e) } } }
            p { (ctx.t_args("indicator-signed-on", &[("date", &day(ctx.lang, v.signed_on))])) }
            @for i in &v.indicators {
                section aria-labelledby=(format!("i{}", i.id)) {
                    h2 id=(format!("i{}", i.id)) { (i.name) " (" (i.unit) ")" }
                    @if let Some(c) = criterion_name(ctx, i) { p.hint { (ctx.t_args("indicator-criterion-line", &[("criterion", &c)])) } }
                    (figures(ctx, &Indicator { reports: Vec::new(), ..i.clone() }, v.signed_on))
                    @if !i.reports.is_empty() {
                        table.table {
                            caption { (ctx.t("indicator-reports")) }
                            thead { tr {
                                th scope="col" { (ctx.t("indicator-col-period")) }
                                th scope="col" { (ctx.t("indicator-col-value")) }
                                th scope="col" { (ctx.t("indicator-col-comment")) }
                                th scope="col" { (ctx.t("indicator-col-state")) }
                                @if v.role == Role::Agent { th scope="col" { (ctx.t("indicator-col-decision")) } }
                            } }
                            tbody {
                                @for r in &i.reports {
                                    tr {
                                        td { (r.period) }
                                        td { (figure(ctx.lang, r.value)) " " (i.unit) }
                                        td {
                                            (r.comment)
                                            @if let Some(e) = &r.evidence {
                                                br; a href=(format!("/indicator-reports/{}/evidence", r.id)) { (ctx.t("indicator-evidence")) " : " (e.name) }
                                            }
                                        }
                                        td {
                                            (state_name(ctx, r.state)) " — " (paris(ctx.lang, r.reported_at))
                                            @if let Some(reason) = &r.reason { br; (ctx.t("indicator-sent-back-reason")) " " (reason) }
                                        }
                                        @if v.role == Role::Agent {
                                            td {
                                                @if r.state == State::Submitted {
                                                    form method="post" action=(format!("/indicator-reports/{}/validation/confirm", r.id)) {
                                                        (csrf_field(ctx))
                                                        button.button.button-primary type="submit" { (ctx.t("indicator-validate")) }
                                                    }
                                                    @let reason_id = format!("reason-{}", r.id);
                                                    @let typed = v.feedback.send_back.as_ref().filter(|(id, _)| *id == r.id).map(|(_, t)| t.as_str()).unwrap_or("");
                                                    form.form method="post" action=(format!("/indicator-reports/{}/send-back", r.id)) {
                                                        (csrf_field(ctx))
                                                        div.field.field-invalid[v.feedback.errors.get(&reason_id).is_some()] {
                                                            label for=(reason_id) { (ctx.t("indicator-reason")) }
                                                            (field_error(&v.feedback.errors, &reason_id))
                                                            textarea id=(reason_id) name="reason" rows="2" aria-invalid=[invalid(&v.feedback.errors, &reason_id)] aria-describedby=[described(&v.feedback.errors, &reason_id)] { (typed) }
                                                        }
                                                        button.button type="submit" { (ctx.t("indicator-send-back")) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    @if v.role == Role::Holder {
                        @let open: Vec<_> = v.open_periods.iter().filter(|p| p.0 == i.id).collect();
                        @if open.is_empty() {
                            p { (ctx.t("indicator-nothing-due")) }
                        } @else {
                            h3 { (ctx.t("indicator-report-title")) }
                            @let e = &v.feedback.errors;
                            @let (typed_period, typed_value, typed_comment) = match &v.feedback.report {
                                Some((id, p, val, c)) if *id == i.id => (p.as_str(), val.as_str(), c.as_str()),
                                _ => ("", "", ""),
                            };
                            @let (period_id, value_id, comment_id) = (format!("period-{}", i.id), format!("value-{}", i.id), format!("comment-{}", i.id));
                            form.form method="post" enctype="multipart/form-data" action=(format!("/indicators/{}/reports", i.id)) {
                                (csrf_field(ctx))
                                div.field.field-invalid[e.get(&period_id).is_some()] {
                                    label for=(period_id) { (ctx.t("indicator-col-period")) }
                                    (field_error(e, &period_id))
                                    select id=(period_id) name="period" aria-invalid=[invalid(e, &period_id)] aria-describedby=[described(e, &period_id)] {
                                        @for (_, n, starts, ends) in &open {
                                            option value=(n) selected[typed_period == n.to_string()] { (ctx.t_args("indicator-period-range", &[("number", &n.to_string()), ("from", &day(ctx.lang, *starts)), ("to", &day(ctx.lang, ends.pred_opt().unwrap_or(*ends)))])) }
                                        }
                                    }
                                }
                                div.field.field-invalid[e.get(&value_id).is_some()] {
                                    label for=(value_id) { (ctx.t("indicator-col-value")) " (" (i.unit) ")" }
                                    (field_error(e, &value_id))
                                    input id=(value_id) name="value" type="text" inputmode="decimal" required value=(typed_value) aria-invalid=[invalid(e, &value_id)] aria-describedby=[described(e, &value_id)];
                                }
                                div.field.field-invalid[e.get(&comment_id).is_some()] {
                                    label for=(comment_id) { (ctx.t("indicator-col-comment")) }
                                    (field_error(e, &comment_id))
                                    textarea id=(comment_id) name="comment" rows="3" aria-invalid=[invalid(e, &comment_id)] aria-describedby=[described(e, &comment_id)] { (typed_comment) }
                                }
                                label for=(format!("file-{}", i.id)) { (ctx.t("indicator-evidence")) }
                                input id=(format!("file-{}", i.id)) name="file" type="file";
                                button.button.button-primary type="submit" { (ctx.t("indicator-report-submit")) }
                            }
                        }
                    }
                }
            }
            @if v.role == Role::Agent && v.status == crate::domain::objectives::Status::InExecution {
                section aria-labelledby="new-indicator" {
                    h2 #new-indicator { (ctx.t("indicator-new")) }
                    @let e = &v.feedback.errors;
                    @let typed = |name: &str| first(&v.feedback.indicator, name);
                    form.form method="post" action=(format!("{base}/indicators")) {
                        (csrf_field(ctx))
                        @for (id, label) in [("name", ctx.t("indicator-name")), ("unit", ctx.t("indicator-unit"))] {
                            div.field.field-invalid[e.get(id).is_some()] {
                                label for=(id) { (label) }
                                (field_error(e, id))
                                input id=(id) name=(id) type="text" required value=(typed(id)) aria-invalid=[invalid(e, id)] aria-describedby=[described(e, id)];
                            }
                        }
                        div.field.field-invalid[e.get("criterion").is_some()] {
                            label for="criterion" { (ctx.t("indicator-criterion")) }
                            (field_error(e, "criterion"))
                            select #criterion name="criterion" aria-invalid=[invalid(e, "criterion")] aria-describedby=[described(e, "criterion")] {
                                option value="" { (ctx.t("indicator-criterion-none")) }
                                @for (id, fr, en) in &v.criteria { option value=(id) selected[typed("criterion") == id.to_string()] { (if ctx.lang == Lang::Fr { fr } else { en }) } }
                            }
                        }
                        div.field.field-invalid[e.get("baseline").is_some()] {
                            label for="baseline" { (ctx.t("indicator-baseline")) }
                            (field_error(e, "baseline"))
                            input #baseline name="baseline" type="text" inputmode="decimal" required value=(typed("baseline")) aria-invalid=[invalid(e, "baseline")] aria-describedby=[described(e, "baseline")];
                        }
                        @for years in v.reach {
                            @let id = format!("target_{years}");
                            div.field.field-invalid[e.get(&id).is_some()] {
                                label for=(id) { (ctx.t_args("indicator-target", &[("years", &years.to_string())])) }
                                (field_error(e, &id))
                                input id=(id) name=(id) type="text" inputmode="decimal" value=(typed(&id)) aria-invalid=[invalid(e, &id)] aria-describedby=[described(e, &id)];
                            }
                        }
                        div.field.field-invalid[e.get("period_months").is_some()] {
                            label for="period_months" { (ctx.t("indicator-schedule")) }
                            (field_error(e, "period_months"))
                            select #period_months name="period_months" aria-invalid=[invalid(e, "period_months")] aria-describedby=[described(e, "period_months")] {
                                @for m in crate::domain::award::indicators::PERIODS {
                                    option value=(m) selected[typed("period_months") == m.to_string()] { (ctx.t_args("indicator-schedule-months", &[("months", &m.to_string())])) }
                                }
                            }
                        }
                        button.button.button-primary type="submit" { (ctx.t("indicator-set")) }
                    }
                }
            }
        },
    )
}

/// The page before an agent validates a report: what becomes public, and that it is final.
pub fn confirm_validation(ctx: &Ctx, r: &ConfirmReport<'_>) -> Markup {
    let manage = format!("/objectives/{}/indicators", r.objective);
    let base = format!("/objectives/{}", r.objective);
    let value = format!("{} {}", figure(ctx.lang, r.value), r.unit);
    let period = ctx.t_args(
        "indicator-period-range",
        &[
            ("number", &r.period.to_string()),
            ("from", &day(ctx.lang, r.starts)),
            ("to", &day(ctx.lang, r.ends.pred_opt().unwrap_or(r.ends))),
        ],
    );
    confirmation(
        ctx,
        &Confirm {
            title: ctx.t("indicator-confirm-title"),
            trail: vec![(base.as_str(), r.title.to_owned()), (manage.as_str(), ctx.t("indicator-manage-title"))],
            subject: format!("{} — {period}", r.indicator),
            effects: vec![
                ctx.t_args("indicator-confirm-value", &[("value", &value)]),
                ctx.t("indicator-confirm-public"),
            ],
            irreversible: ctx.t("indicator-confirm-irreversible"),
            open_items: None,
            action: format!("/indicator-reports/{}/validation", r.report),
            hidden: vec![],
            reason: None,
            checks: vec![],
            button: ctx.t("indicator-validate"),
            back: manage.clone(),
            errors: Errors::default(),
        },
    )
}

/// What the validation's confirmation page names.
pub struct ConfirmReport<'a> {
    pub objective: i64,
    pub title: &'a str,
    pub report: i64,
    pub indicator: &'a str,
    pub unit: &'a str,
    pub value: f64,
    pub period: i32,
    pub starts: NaiveDate,
    pub ends: NaiveDate,
}
