//! The public page of the audit checkpoints: the platform's public key, how to verify a kept
//! checkpoint, and the newest checkpoints with their files.

use maud::{Markup, html};

use super::account::paris;
use super::layout::{Ctx, Feed, page_with_feeds};
use crate::domain::checkpoints::Checkpoint;

/// `key`: the public key (hexadecimal) and its id, when checkpoints are signed.
pub fn page(ctx: &Ctx, key: Option<&(String, String)>, rows: &[Checkpoint]) -> Markup {
    let title = ctx.t("checkpoints-title");
    page_with_feeds(
        ctx,
        &title,
        &[Feed { href: "/feeds/audit-checkpoints.atom".to_owned(), title: ctx.t("checkpoints-feed") }],
        html! {
            h1 { (title) }
            div.prose {
                p { (ctx.t("checkpoints-intro")) }
                @match key {
                    Some((public, id)) => {
                        h2 { (ctx.t("checkpoints-key-title")) }
                        dl.hash {
                            dt { (ctx.t("checkpoints-public-key")) }
                            dd { code { (public) } }
                            dt { (ctx.t("checkpoints-key-id")) }
                            dd { code { (id) } }
                        }
                        p { a href="/audit/checkpoints/public-key.txt" { (ctx.t("checkpoints-key-download")) } }
                    }
                    None => {
                        div.alert.alert-warn role="status" { p { (ctx.t("checkpoints-no-key")) } }
                    }
                }
                h2 { (ctx.t("checkpoints-how-title")) }
                p { (ctx.t("checkpoints-how")) }
                pre { code { "achat-ouvert audit verify --checkpoint audit-checkpoint-N.json --public-key "
                    (key.map_or("…", |(public, _)| public.as_str())) } }
                p { a href="/feeds/audit-checkpoints.atom" { (ctx.t("checkpoints-feed")) } }
            }
            h2 { (ctx.t("checkpoints-list-title")) }
            @if rows.is_empty() {
                p { (ctx.t("checkpoints-none")) }
            } @else {
                div.table-wrap {
                    table {
                        thead {
                            tr {
                                th scope="col" { (ctx.t("checkpoints-col-time")) }
                                th scope="col" { (ctx.t("checkpoints-col-sequence")) }
                                th scope="col" { (ctx.t("checkpoints-col-head")) }
                                th scope="col" { (ctx.t("checkpoints-col-key")) }
                                th scope="col" { (ctx.t("checkpoints-col-file")) }
                            }
                        }
                        tbody {
                            @for c in rows {
                                tr {
                                    td { (paris(ctx.lang, c.created_at)) }
                                    td { (c.sequence) }
                                    td.hash { code { (c.head_hash) } }
                                    td { code { (c.key_id) } }
                                    td {
                                        a href=(format!("/audit/checkpoints/{}.json", c.id)) download {
                                            (ctx.t_args("checkpoints-download", &[("sequence", &c.sequence.to_string())]))
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}
