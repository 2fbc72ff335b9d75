//! The home page: what the platform is for and how a purchase goes.

use maud::{Markup, html};

use super::layout::{Page, page};
use crate::i18n::Lang;

pub fn home(lang: Lang) -> Markup {
    let title = lang.t("home-title");
    page(
        &Page { lang, title: &title, path: "/" },
        html! {
            section.hero {
                h1 { (title) }
                p.lead { (lang.t("home-lead")) }
            }
            section aria-labelledby="visions" {
                h2 #visions { (lang.t("home-visions-title")) }
                ul.cards {
                    @for key in ["open", "support", "network", "eco"] {
                        li.card {
                            h3 { (lang.t(&format!("home-vision-{key}-title"))) }
                            p { (lang.t(&format!("home-vision-{key}-text"))) }
                        }
                    }
                }
            }
            section aria-labelledby="steps" {
                h2 #steps { (lang.t("home-steps-title")) }
                ol.steps {
                    @for n in 1..=4 {
                        li { (lang.t(&format!("home-step-{n}"))) }
                    }
                }
            }
        },
    )
}
