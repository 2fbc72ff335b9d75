//! The citizens' dashboard (`/chiffres`): each figure drawn as an accessible SVG bar chart
//! (`role="img"`, a title and a text description), followed by its table and a CSV download.
//! The chart, the table and the CSV are built from the same [`Figure`], so they cannot
//! disagree.

use maud::{Markup, html};

use crate::domain::dashboard::{Dashboard, ThemeFigures};
use crate::domain::evaluation::csv;
use crate::domain::themes;
use crate::i18n::Lang;
use crate::views::forms::{Errors, error_summary};
use crate::views::layout::{Ctx, page};

/// One cell of a figure's table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// From 0 to 1.
    Share(f64),
    Days(f64),
    Cents(i64),
    /// An average rating, from 1 to 5.
    Rating(f64),
    /// Nothing to measure (no denominator).
    None,
}

impl Cell {
    fn value(&self) -> f64 {
        match self {
            Cell::Count(n) => *n as f64,
            Cell::Share(x) | Cell::Days(x) | Cell::Rating(x) => *x,
            Cell::Cents(c) => *c as f64 / 100.0,
            Cell::Text(_) | Cell::None => 0.0,
        }
    }

    /// As the page shows it, in the reader's language.
    fn display(&self, ctx: &Ctx) -> String {
        let decimal = |s: String| if ctx.lang == Lang::Fr { s.replace('.', ",") } else { s };
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => grouped(*n, ctx.lang),
            Cell::Share(x) => {
                let s = decimal(format!("{:.1}", x * 100.0));
                if ctx.lang == Lang::Fr { format!("{s} %") } else { format!("{s}%") }
            }
            Cell::Days(d) => ctx.t_args("figures-days", &[("days", &decimal(format!("{d:.1}")))]),
            Cell::Cents(c) => {
                let euros = grouped(c / 100, ctx.lang);
                if ctx.lang == Lang::Fr { format!("{euros} €") } else { format!("€{euros}") }
            }
            Cell::Rating(x) => ctx.t_args("figures-rating", &[("rating", &decimal(format!("{x:.1}")))]),
            Cell::None => ctx.t("figures-not-measured"),
        }
    }

    /// As the CSV carries it: plain numbers, a point before decimals (shares in percent).
    fn raw(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Count(n) => n.to_string(),
            Cell::Share(x) => format!("{:.1}", x * 100.0),
            Cell::Days(d) => format!("{d:.1}"),
            Cell::Cents(c) => format!("{}.{:02}", c / 100, c % 100),
            Cell::Rating(x) => format!("{x:.1}"),
            Cell::None => String::new(),
        }
    }
}

/// Thousands separated: a narrow no-break space in French, a comma in English.
fn grouped(n: i64, lang: Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = if lang == Lang::Fr { "\u{202f}" } else { "," };
    let mut out = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(ch);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// One figure: a chart of one column of its table.
pub struct Figure {
    /// In the page's anchors and in the CSV's address.
    pub id: &'static str,
    pub title: String,
    pub caption: String,
    pub header: Vec<String>,
    /// The first cell names the row.
    pub rows: Vec<Vec<Cell>>,
    /// The column the chart draws.
    pub chart_column: usize,
    /// The chart's full scale (1 for shares); the largest value when none.
    pub scale: Option<f64>,
}

/// The figures' ids, in the page's order (also the CSV downloads').
pub const FIGURES: [&str; 10] = [
    "objectives",
    "proposals",
    "depositors",
    "winners",
    "consortia",
    "environment",
    "decision",
    "amounts",
    "support",
    "indicators",
];

fn theme_label(ctx: &Ctx, code: &str) -> String {
    if code.is_empty() { ctx.t("figures-no-theme") } else { themes::name(code, ctx.lang) }
}

fn per_theme(
    ctx: &Ctx,
    d: &Dashboard,
    keep: impl Fn(&ThemeFigures) -> bool,
    cells: impl Fn(&ThemeFigures) -> Vec<Cell>,
) -> Vec<Vec<Cell>> {
    d.themes
        .iter()
        .filter(|t| keep(t))
        .map(|t| std::iter::once(Cell::Text(theme_label(ctx, &t.theme))).chain(cells(t)).collect())
        .collect()
}

fn share(part: i64, total: i64) -> Cell {
    if total > 0 { Cell::Share(part as f64 / total as f64) } else { Cell::None }
}

/// The buckets of the proposals' distribution: (lowest, highest) standing deposits.
const BUCKETS: [(i64, i64); 8] = [(0, 0), (1, 1), (2, 4), (5, 9), (10, 19), (20, 49), (50, 99), (100, i64::MAX)];

fn bucket_label(ctx: &Ctx, (lo, hi): (i64, i64)) -> String {
    if lo == hi {
        lo.to_string()
    } else if hi == i64::MAX {
        ctx.t_args("figures-bucket-more", &[("n", &lo.to_string())])
    } else {
        format!("{lo}–{hi}")
    }
}

/// The figures of a dashboard, in the reader's language.
pub fn figures(ctx: &Ctx, d: &Dashboard) -> Vec<Figure> {
    let all = d.all_themes();
    let years: Vec<i32> = match d.year {
        Some(y) => vec![y],
        None => d.years.clone(),
    };

    let mut objectives_header = vec![ctx.t("figures-col-theme")];
    objectives_header.extend(years.iter().map(|y| y.to_string()));
    if years.len() != 1 {
        objectives_header.push(ctx.t("figures-col-total"));
    }
    let objectives = Figure {
        id: "objectives",
        title: ctx.t("figures-objectives-title"),
        caption: ctx.t_args("figures-objectives-caption", &[("total", &all.objectives().to_string())]),
        chart_column: objectives_header.len() - 1,
        header: objectives_header,
        rows: per_theme(
            ctx,
            d,
            |t| t.objectives() > 0,
            |t| {
                let mut cells: Vec<Cell> =
                    years.iter().map(|y| Cell::Count(t.objectives_by_year.get(y).copied().unwrap_or(0))).collect();
                if years.len() != 1 {
                    cells.push(Cell::Count(t.objectives()));
                }
                cells
            },
        ),
        scale: None,
    };

    let p = &d.proposals;
    let proposals = Figure {
        id: "proposals",
        title: ctx.t("figures-proposals-title"),
        caption: match p.average() {
            Some(avg) => ctx.t_args(
                "figures-proposals-caption",
                &[
                    ("deposits", &p.deposits.to_string()),
                    ("objectives", &p.closed_objectives.to_string()),
                    ("average", &Cell::Days(avg).raw()),
                ],
            ),
            None => ctx.t("figures-proposals-none"),
        },
        header: vec![ctx.t("figures-col-deposits-per-objective"), ctx.t("figures-col-objectives")],
        rows: BUCKETS
            .iter()
            .map(|&(lo, hi)| {
                let n: i64 =
                    p.distribution.iter().filter(|c| (lo..=hi).contains(&c.deposits)).map(|c| c.objectives).sum();
                vec![Cell::Text(bucket_label(ctx, (lo, hi))), Cell::Count(n)]
            })
            .collect(),
        chart_column: 1,
        scale: None,
    };

    let shares_figure = |id: &'static str, s: &crate::domain::dashboard::Shares| Figure {
        id,
        title: ctx.t(&format!("figures-{id}-title")),
        caption: ctx.t_args(&format!("figures-{id}-caption"), &[("total", &s.total.to_string())]),
        header: vec![
            ctx.t("figures-col-group"),
            ctx.t("figures-col-organisations"),
            ctx.t("figures-col-out-of"),
            ctx.t("figures-col-share"),
        ],
        rows: [
            ("figures-group-sme", s.sme),
            ("figures-group-social-economy", s.social_economy),
            ("figures-group-regional", s.regional),
        ]
        .iter()
        .map(|(key, n)| vec![Cell::Text(ctx.t(key)), Cell::Count(*n), Cell::Count(s.total), share(*n, s.total)])
        .collect(),
        chart_column: 3,
        scale: Some(1.0),
    };
    let depositors = shares_figure("depositors", &d.depositors);
    let winners = shares_figure("winners", &d.winners);

    let consortia = Figure {
        id: "consortia",
        title: ctx.t("figures-consortia-title"),
        caption: ctx.t_args("figures-consortia-caption", &[("total", &p.deposits.to_string())]),
        header: vec![ctx.t("figures-col-kind"), ctx.t("figures-col-deposits"), ctx.t("figures-col-share")],
        rows: vec![
            vec![
                Cell::Text(ctx.t("figures-kind-consortium")),
                Cell::Count(p.consortia),
                share(p.consortia, p.deposits),
            ],
            vec![
                Cell::Text(ctx.t("figures-kind-single")),
                Cell::Count(p.deposits - p.consortia),
                share(p.deposits - p.consortia, p.deposits),
            ],
        ],
        chart_column: 2,
        scale: Some(1.0),
    };

    let environment = Figure {
        id: "environment",
        title: ctx.t("figures-environment-title"),
        caption: match all.environmental_average() {
            Some(avg) => ctx.t_args("figures-environment-caption", &[("average", &Cell::Share(avg).display(ctx))]),
            None => ctx.t("figures-nothing-yet"),
        },
        header: vec![
            ctx.t("figures-col-theme"),
            ctx.t("figures-col-objectives"),
            ctx.t("figures-col-environmental-weight"),
        ],
        rows: per_theme(
            ctx,
            d,
            |t| t.weighted_objectives > 0,
            |t| vec![Cell::Count(t.weighted_objectives), t.environmental_average().map_or(Cell::None, Cell::Share)],
        ),
        chart_column: 2,
        scale: Some(1.0),
    };

    let decision = Figure {
        id: "decision",
        title: ctx.t("figures-decision-title"),
        caption: match all.decision_days_average() {
            Some(avg) => ctx.t_args("figures-decision-caption", &[("average", &Cell::Days(avg).display(ctx))]),
            None => ctx.t("figures-nothing-yet"),
        },
        header: vec![ctx.t("figures-col-theme"), ctx.t("figures-col-decisions"), ctx.t("figures-col-days")],
        rows: per_theme(
            ctx,
            d,
            |t| t.decisions > 0,
            |t| vec![Cell::Count(t.decisions), t.decision_days_average().map_or(Cell::None, Cell::Days)],
        ),
        chart_column: 2,
        scale: None,
    };

    let amounts = Figure {
        id: "amounts",
        title: ctx.t("figures-amounts-title"),
        caption: if all.contracts > 0 {
            ctx.t_args(
                "figures-amounts-caption",
                &[("contracts", &all.contracts.to_string()), ("amount", &Cell::Cents(all.amount_cents).display(ctx))],
            )
        } else {
            ctx.t("figures-amounts-none")
        },
        header: vec![ctx.t("figures-col-theme"), ctx.t("figures-col-contracts"), ctx.t("figures-col-amount")],
        rows: per_theme(ctx, d, |t| t.contracts > 0, |t| vec![Cell::Count(t.contracts), Cell::Cents(t.amount_cents)]),
        chart_column: 2,
        scale: None,
    };

    let all_support = d.all_support();
    let support = Figure {
        id: "support",
        title: ctx.t("figures-support-title"),
        caption: if all_support.planned == 0 {
            ctx.t("figures-support-none")
        } else {
            ctx.t_args(
                "figures-support-caption",
                &[
                    ("delivered", &all_support.delivered.to_string()),
                    ("planned", &all_support.planned.to_string()),
                    ("ratings", &all_support.ratings.to_string()),
                    ("average", &all_support.average_rating().map_or(Cell::None, Cell::Rating).display(ctx)),
                ],
            )
        },
        header: vec![
            ctx.t("figures-col-action"),
            ctx.t("figures-col-planned"),
            ctx.t("figures-col-delivered"),
            ctx.t("figures-col-participants"),
            ctx.t("figures-col-ratings"),
            ctx.t("figures-col-average-rating"),
        ],
        rows: d
            .support
            .iter()
            .filter(|k| k.planned > 0)
            .map(|k| {
                vec![
                    Cell::Text(ctx.t(&format!("support-kind-{}", k.kind))),
                    Cell::Count(k.planned),
                    Cell::Count(k.delivered),
                    Cell::Count(k.participants),
                    Cell::Count(k.ratings),
                    k.average_rating().map_or(Cell::None, Cell::Rating),
                ]
            })
            .collect(),
        chart_column: 2,
        scale: None,
    };

    let i = d.indicators;
    let judged = i.on_track + i.behind + i.not_reported;
    let indicators = Figure {
        id: "indicators",
        title: ctx.t("figures-indicators-title"),
        caption: if judged == 0 {
            ctx.t("figures-indicators-none")
        } else {
            ctx.t_args(
                "figures-indicators-caption",
                &[("on_track", &i.on_track.to_string()), ("total", &(i.on_track + i.behind).to_string())],
            )
        },
        header: vec![ctx.t("figures-col-state"), ctx.t("figures-col-indicators"), ctx.t("figures-col-share")],
        rows: if judged == 0 {
            Vec::new()
        } else {
            [
                ("figures-indicators-on-track", i.on_track),
                ("figures-indicators-behind", i.behind),
                ("figures-indicators-not-reported", i.not_reported),
            ]
            .iter()
            .map(|(key, n)| vec![Cell::Text(ctx.t(key)), Cell::Count(*n), share(*n, judged)])
            .collect()
        },
        chart_column: 2,
        scale: Some(1.0),
    };

    vec![objectives, proposals, depositors, winners, consortia, environment, decision, amounts, support, indicators]
}

/// One figure as CSV (the neutralised cells of `domain::evaluation::csv`).
pub fn figure_csv(figure: &Figure) -> String {
    let rows: Vec<Vec<String>> = figure.rows.iter().map(|r| r.iter().map(Cell::raw).collect()).collect();
    csv::document(&figure.header, &rows)
}

/// A horizontal bar chart of one column, with a title and a text description.
fn chart(ctx: &Ctx, f: &Figure) -> Markup {
    let bars: Vec<(String, f64, String)> = f
        .rows
        .iter()
        .map(|r| {
            let label = r.first().map(Cell::raw).unwrap_or_default();
            let cell = r.get(f.chart_column).cloned().unwrap_or(Cell::None);
            (label, cell.value(), cell.display(ctx))
        })
        .collect();
    let scale = f.scale.unwrap_or_else(|| bars.iter().map(|b| b.1).fold(0.0, f64::max)).max(f64::MIN_POSITIVE);
    let bar_h = 22;
    let height = bars.len() * (bar_h + 8) + 8;
    let description: Vec<String> = bars.iter().map(|(l, _, v)| format!("{l} : {v}")).collect();
    let (tid, did) = (format!("fig-{}-t", f.id), format!("fig-{}-d", f.id));
    html! {
        figure.chart {
            svg role="img" aria-labelledby=(tid) aria-describedby=(did) viewBox=(format!("0 0 640 {height}")) width="100%" {
                title id=(tid) { (f.title) }
                desc id=(did) { (description.join(" ; ")) }
                line x1="220" y1="0" x2="220" y2=(height) stroke="#4f5862" {}
                @for (i, (label, value, shown)) in bars.iter().enumerate() {
                    @let y = i * (bar_h + 8) + 4;
                    @let width = 300.0 * (value / scale).clamp(0.0, 1.0);
                    text x="212" y=(y + 16) text-anchor="end" font-size="13" fill="#1b1f24" { (label.chars().take(30).collect::<String>()) }
                    rect x="220" y=(y) width=(format!("{width:.1}")) height=(bar_h) fill="#1f4e79" {}
                    text x=(format!("{:.1}", 226.0 + width)) y=(y + 16) font-size="12" fill="#1b1f24" { (shown) }
                }
            }
            figcaption { (f.caption) }
        }
    }
}

fn year_query(year: Option<i32>) -> String {
    year.map(|y| format!("?year={y}")).unwrap_or_default()
}

fn figure_section(ctx: &Ctx, f: &Figure, year: Option<i32>) -> Markup {
    html! {
        section.dashboard-figure aria-labelledby=(format!("fig-{}", f.id)) {
            h2 id=(format!("fig-{}", f.id)) { (f.title) }
            @if f.rows.is_empty() {
                p.empty { (f.caption) }
            } @else {
                (chart(ctx, f))
                div.table-wrap {
                    table {
                        caption.visually-hidden { (f.title) }
                        thead { tr { @for h in &f.header { th scope="col" { (h) } } } }
                        tbody {
                            @for row in &f.rows {
                                tr {
                                    @for (i, c) in row.iter().enumerate() {
                                        @if i == 0 { th scope="row" { (c.display(ctx)) } } @else { td { (c.display(ctx)) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p { a href=(format!("/chiffres/{}.csv{}", f.id, year_query(year))) download { (ctx.t("figures-csv")) " — " (f.title) } }
        }
    }
}

/// The page: the year filter (with the error summary when the year was refused), the open-data
/// links, then every figure; `dashboard` is `None` when the year was refused.
pub fn page_view(ctx: &Ctx, years: &[i32], typed: &str, errors: &Errors, dashboard: Option<&Dashboard>) -> Markup {
    let title = ctx.t("figures-title");
    let year = dashboard.and_then(|d| d.year);
    html! {
        (page(ctx, &title, html! {
            (error_summary(ctx, errors))
            h1 { (title) }
            p.lead { (ctx.t("figures-lead")) }
            form method="get" action="/chiffres" {
                label for="year" { (ctx.t("figures-year-label")) }
                @if let Some(message) = errors.get("year") {
                    p.field-error id="year-error" { (message) }
                }
                select #year name="year" aria-describedby=[errors.get("year").map(|_| "year-error")] {
                    option value="" selected[year.is_none() && typed.is_empty()] { (ctx.t("figures-all-years")) }
                    @for y in years.iter().rev() {
                        option value=(y) selected[year == Some(*y)] { (y) }
                    }
                }
                " "
                button.button type="submit" { (ctx.t("figures-filter")) }
            }
            nav aria-labelledby="dashboard-data" {
                h2 #dashboard-data { (ctx.t("figures-open-data")) }
                ul {
                    li { a href=(format!("/api/v1/dashboard{}", year_query(year))) { (ctx.t("figures-link-json")) } }
                    li { a href="/api/v1/ocds/objectives.json" { (ctx.t("figures-link-ocds")) } }
                    li { a href="/api/v1/decp/marches.json" { (ctx.t("figures-link-decp")) } }
                    li { a href="/api/v1/openapi.json" { (ctx.t("figures-link-openapi")) } }
                    li { a href="/feeds/objectives.atom" { (ctx.t("figures-link-atom")) } }
                }
            }
            @if let Some(d) = dashboard {
                p { (ctx.t("figures-method")) }
                @for f in figures(ctx, d) {
                    (figure_section(ctx, &f, d.year))
                }
            }
        }))
    }
}
