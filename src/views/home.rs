//! The home page: what the platform is for and how a purchase goes.

use maud::{Markup, html};

use super::layout::{Ctx, Feed, page_with_feeds};

pub fn home(
    ctx: &Ctx,
    open: &[super::objectives::ObjectiveCard],
    results: &[super::objectives::ObjectiveCard],
    practices: &[super::practices::Card],
    now: chrono::NaiveDateTime,
) -> Markup {
    let title = ctx.t("home-title");
    let mut feeds = super::objectives::feeds(ctx, std::iter::empty());
    feeds.push(Feed { href: "/feeds/practices.atom".to_owned(), title: ctx.t("practices-feed") });
    page_with_feeds(
        ctx,
        &title,
        &feeds,
        html! {
            section.hero {
                h1 { (title) }
                p.lead { (ctx.t("home-lead")) }
                @if ctx.user.is_none() {
                    p { a.button.button-primary href="/register" { (ctx.t("home-register-cta")) } }
                }
            }
            section aria-labelledby="open-objectives" {
                h2 #open-objectives { (ctx.t("home-open-title")) }
                @if open.is_empty() {
                    p.empty { (ctx.t("home-open-none")) }
                } @else {
                    (super::objectives::cards(ctx, open, now))
                }
                p { a href="/objectives" { (ctx.t("home-all-objectives")) } }
                p { a href="/chiffres" { (ctx.t("home-dashboard-link")) } }
            }
            section aria-labelledby="recent-results" {
                h2 #recent-results { (ctx.t("home-results-title")) }
                @if results.is_empty() {
                    p.empty { (ctx.t("home-results-none")) }
                } @else {
                    (super::objectives::cards(ctx, results, now))
                }
            }
            section aria-labelledby="featured-practices" {
                h2 #featured-practices { (ctx.t("home-practices-title")) }
                @if practices.is_empty() {
                    p.empty { (ctx.t("home-practices-none")) }
                } @else {
                    (super::practices::cards(ctx, practices, false))
                }
                p { a href="/practices" { (ctx.t("home-all-practices")) } " · " a href="/directory" { (ctx.t("home-directory")) } }
            }
            section aria-labelledby="visions" {
                h2 #visions { (ctx.t("home-visions-title")) }
                ul.cards {
                    @for key in ["open", "support", "network", "eco"] {
                        li.card {
                            h3 { (ctx.t(&format!("home-vision-{key}-title"))) }
                            p { (ctx.t(&format!("home-vision-{key}-text"))) }
                        }
                    }
                }
            }
            section aria-labelledby="steps" {
                h2 #steps { (ctx.t("home-steps-title")) }
                ol.steps {
                    @for n in 1..=4 {
                        li { (ctx.t(&format!("home-step-{n}"))) }
                    }
                }
            }
        },
    )
}
