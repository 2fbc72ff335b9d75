//! The evaluation's SVG charts, each with a text alternative: the sensitivity of the shortlist,
//! and a proposal's criterion values against the average.

use maud::{Markup, html};

use super::chair::RankRow;
use super::{number, percent};
use crate::views::layout::Ctx;

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

/// A proposal's criterion values against the average of the opened proposals: a grouped bar
/// chart with a text alternative. `own`: read by its depositor ("your proposal"), else by the
/// committee or an agent ("this proposal").
pub fn criteria_chart(ctx: &Ctx, id: &str, rows: &[(String, f64, f64)], own: bool) -> Markup {
    let height = rows.len() * 44 + 34;
    let (title, legend, line) = if own {
        ("chart-criteria-title", "chart-own", "chart-criteria-line")
    } else {
        ("chart-criteria-title-this", "chart-this", "chart-criteria-line-this")
    };
    let description: Vec<String> = rows
        .iter()
        .map(|(n, own, avg)| {
            ctx.t_args(line, &[("criterion", n), ("own", &number(ctx, *own)), ("average", &number(ctx, *avg))])
        })
        .collect();
    html! {
        figure.chart {
            svg role="img" aria-labelledby=(format!("{id}-t")) aria-describedby=(format!("{id}-d")) viewBox=(format!("0 0 640 {height}")) width="100%" {
                title id=(format!("{id}-t")) { (ctx.t(title)) }
                desc id=(format!("{id}-d")) { (description.join(" ; ")) }
                @for (i, (name, own, avg)) in rows.iter().enumerate() {
                    @let y = i * 44 + 4;
                    text x="232" y=(y + 14) text-anchor="end" font-size="13" fill="#1b1f24" { (name.chars().take(32).collect::<String>()) }
                    rect x="240" y=(y) width=(format!("{:.1}", 76.0 * own)) height="16" fill="#1f4e79" {}
                    rect x="240" y=(y + 18) width=(format!("{:.1}", 76.0 * avg)) height="12" fill="#8a949e" {}
                }
                rect x="240" y=(height - 16) width="12" height="10" fill="#1f4e79" {}
                text x="256" y=(height - 7) font-size="11" fill="#1b1f24" { (ctx.t(legend)) }
                rect x="400" y=(height - 16) width="12" height="10" fill="#8a949e" {}
                text x="416" y=(height - 7) font-size="11" fill="#1b1f24" { (ctx.t("chart-average")) }
            }
        }
    }
}
