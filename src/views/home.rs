//! The home page: what the platform is for and how a purchase goes.

use maud::{Markup, html};

use super::layout::{Ctx, page};

pub fn home(ctx: &Ctx) -> Markup {
    let title = ctx.t("home-title");
    page(
        ctx,
        &title,
        html! {
            section.hero {
                h1 { (title) }
                p.lead { (ctx.t("home-lead")) }
                @if ctx.user.is_none() {
                    p { a.button.button-primary href="/register" { (ctx.t("home-register-cta")) } }
                }
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
