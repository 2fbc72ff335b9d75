//! The signed-in user's own account: profile, password, sessions, API tokens, and their own data
//! (the export and the erasure's confirmation).

use chrono::NaiveDateTime;

use crate::domain::api_tokens::ApiToken;
use crate::domain::personal_data::Blocker;
use maud::{Markup, html};

use super::forms::{Errors, Input, error_summary, field, select};
use super::layout::{Ctx, csrf_field, page};
use crate::i18n::Lang;

/// Times are stored in UTC and shown in Europe/Paris.
pub use crate::i18n::paris;

fn account_nav(ctx: &Ctx, current: &str) -> Markup {
    let items = [
        ("/account", "account-nav-profile"),
        ("/account/password", "account-nav-password"),
        ("/account/sessions", "account-nav-sessions"),
        ("/account/tokens", "account-nav-tokens"),
        ("/account/data", "account-nav-data"),
    ];
    html! {
        nav.subnav aria-label=(ctx.t("account-nav-label")) {
            ul {
                @for (href, key) in items {
                    li {
                        @if href == current {
                            a href=(href) aria-current="page" { (ctx.t(key)) }
                        } @else {
                            a href=(href) { (ctx.t(key)) }
                        }
                    }
                }
            }
        }
    }
}

/// What the profile page shows.
pub struct ProfileView<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub locale: &'a str,
    pub verified: bool,
    pub roles: Vec<String>,
    pub organisation: Option<&'a str>,
    pub saved: bool,
}

pub fn profile(ctx: &Ctx, v: &ProfileView<'_>, errors: &Errors) -> Markup {
    let title = ctx.t("account-title");
    let langs: Vec<(String, String)> =
        Lang::ALL.iter().map(|l| (l.code().to_owned(), l.native_name().to_owned())).collect();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (account_nav(ctx, "/account"))
            @if v.saved { div.alert.alert-ok role="status" { p { (ctx.t("saved")) } } }
            @if !v.verified {
                div.alert.alert-warn {
                    p { (ctx.t("account-unverified")) }
                    form.inline-form method="post" action="/verify/resend" {
                        (csrf_field(ctx))
                        button.button type="submit" { (ctx.t("account-resend")) }
                    }
                }
            }
            dl.facts {
                dt { (ctx.t("field-email")) } dd { (v.email) }
                @if let Some(org) = v.organisation { dt { (ctx.t("account-organisation")) } dd { a href="/organisation" { (org) } } }
                @if !v.roles.is_empty() { dt { (ctx.t("account-roles")) } dd { (v.roles.join(", ")) } }
            }
            h2 { (ctx.t("account-profile")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/account" novalidate {
                (csrf_field(ctx))
                (field("name", &ctx.t("field-name"), v.name, errors, Input { autocomplete: Some("name"), ..Input::TEXT }))
                (select("locale", &ctx.t("field-locale"), v.locale, &langs, errors))
                button.button.button-primary type="submit" { (ctx.t("save")) }
            }
        },
    )
}

pub fn change_password(ctx: &Ctx, errors: &Errors, done: bool) -> Markup {
    let title = ctx.t("password-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (account_nav(ctx, "/account/password"))
            @if done { div.alert.alert-ok role="status" { p { (ctx.t("password-changed")) } } }
            (error_summary(ctx, errors))
            form.form method="post" action="/account/password" novalidate {
                (csrf_field(ctx))
                (field("current_password", &ctx.t("field-current-password"), "", errors, Input::CURRENT_PASSWORD))
                (field("password", &ctx.t("field-new-password"), "", errors, Input { hint: Some(&ctx.t("password-hint")), ..Input::NEW_PASSWORD }))
                (field("password_confirm", &ctx.t("field-confirm-password"), "", errors, Input::NEW_PASSWORD))
                button.button.button-primary type="submit" { (ctx.t("password-submit")) }
            }
        },
    )
}

/// One session as listed.
pub struct SessionRow {
    pub id: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub current: bool,
}

pub fn sessions(ctx: &Ctx, rows: &[SessionRow]) -> Markup {
    let title = ctx.t("sessions-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (account_nav(ctx, "/account/sessions"))
            table {
                caption.visually-hidden { (title) }
                thead { tr {
                    th scope="col" { (ctx.t("sessions-device")) }
                    th scope="col" { (ctx.t("sessions-started")) }
                    th scope="col" { (ctx.t("sessions-last-seen")) }
                    th scope="col" { span.visually-hidden { (ctx.t("actions")) } }
                } }
                tbody {
                    @for row in rows {
                        tr {
                            td { (row.user_agent) @if row.current { " " span.badge { (ctx.t("sessions-current")) } } }
                            td { (paris(ctx.lang, row.created_at)) }
                            td { (paris(ctx.lang, row.last_seen_at)) }
                            td {
                                @if !row.current {
                                    form.inline-form method="post" action=(format!("/account/sessions/{}/end", row.id)) {
                                        (csrf_field(ctx))
                                        button.button type="submit" { (ctx.t("sessions-end")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            form.form method="post" action="/logout-everywhere" {
                (csrf_field(ctx))
                button.button type="submit" { (ctx.t("sessions-end-all")) }
            }
        },
    )
}

/// The user's API tokens as listed (never their secret).
pub fn tokens(ctx: &Ctx, rows: &[ApiToken], new_secret: Option<&str>, errors: &Errors, name: &str) -> Markup {
    let title = ctx.t("tokens-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (account_nav(ctx, "/account/tokens"))
            p { (ctx.t("tokens-intro")) }
            @if let Some(secret) = new_secret {
                div.alert.alert-ok role="status" {
                    p { strong { (ctx.t("tokens-shown-once")) } }
                    p { code.token { (secret) } }
                }
            }
            @if rows.is_empty() {
                p.empty { (ctx.t("tokens-none")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("tokens-name")) }
                        th scope="col" { (ctx.t("tokens-prefix")) }
                        th scope="col" { (ctx.t("tokens-created")) }
                        th scope="col" { (ctx.t("tokens-last-used")) }
                        th scope="col" { span.visually-hidden { (ctx.t("actions")) } }
                    } }
                    tbody {
                        @for row in rows {
                            tr {
                                td { (row.name) }
                                td { code { (row.prefix) "…" } }
                                td { (paris(ctx.lang, row.created_at)) }
                                td { @match row.last_used_at { Some(at) => (paris(ctx.lang, at)), None => (ctx.t("never")) } }
                                td {
                                    form.inline-form method="post" action=(format!("/account/tokens/{}/revoke", row.id)) {
                                        (csrf_field(ctx))
                                        button.button type="submit" { (ctx.t("tokens-revoke")) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2 { (ctx.t("tokens-new")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/account/tokens" novalidate {
                (csrf_field(ctx))
                (field("name", &ctx.t("tokens-name"), name, errors, Input { hint: Some(&ctx.t("tokens-name-hint")), ..Input::TEXT }))
                button.button.button-primary type="submit" { (ctx.t("tokens-create")) }
            }
        },
    )
}

/// What stands in the way of an erasure, each with its way out.
fn blockers_list(ctx: &Ctx, blockers: &[Blocker]) -> Markup {
    html! {
        div.alert.alert-error role="alert" {
            p { strong { (ctx.t("erase-refused")) } }
            ul {
                @for b in blockers {
                    @match b {
                        Blocker::LastOwner { organisation } => {
                            li {
                                (ctx.t_args("erase-refused-last-owner", &[("organisation", organisation.as_str())])) " "
                                a href="/organisation" { (ctx.t("erase-way-out-owner")) }
                            }
                        }
                        Blocker::SittingMember { objectives } => {
                            @let names = objectives.iter().map(|(_, r, t)| format!("{r} « {t} »")).collect::<Vec<_>>().join(", ");
                            li {
                                (ctx.t_args("erase-refused-sitting-member", &[("objectives", names.as_str())])) " "
                                a href="/evaluations" { (ctx.t("erase-way-out-member")) }
                            }
                        }
                        Blocker::LastAdmin => {
                            li {
                                (ctx.t("erase-refused-last-admin")) " "
                                a href="/admin/users" { (ctx.t("erase-way-out-admin")) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// "My data": the export to download, and the way to the erasure.
pub fn my_data(ctx: &Ctx, blockers: &[Blocker]) -> Markup {
    let title = ctx.t("data-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (account_nav(ctx, "/account/data"))
            p { (ctx.t("data-intro")) " " a href="/donnees-personnelles" { (ctx.t("data-privacy-link")) } }
            h2 { (ctx.t("data-export-title")) }
            p { (ctx.t("data-export-text")) }
            p { a.button.button-primary href="/account/data.json" download { (ctx.t("data-export-button")) } }
            h2 { (ctx.t("erase-title")) }
            p { (ctx.t("erase-intro")) }
            @if blockers.is_empty() {
                p { a.button.button-danger href="/account/erase" { (ctx.t("erase-button")) } }
            } @else {
                (blockers_list(ctx, blockers))
            }
        },
    )
}

/// The erasure's confirmation page (the pattern of `views::confirm`, with the password asked
/// instead of a reason), or the refusal with its way out when something stands in the way.
pub fn erase_confirmation(ctx: &Ctx, email: &str, blockers: &[Blocker], errors: &Errors) -> Markup {
    let title = ctx.t("erase-title");
    let trail = [("/account", ctx.t("account-title")), ("/account/data", ctx.t("data-title"))];
    page(
        ctx,
        &title,
        html! {
            (super::layout::breadcrumbs(ctx, &trail, &title))
            (error_summary(ctx, errors))
            h1 { (title) }
            p.lead { strong { (email) } }
            @if !blockers.is_empty() {
                (blockers_list(ctx, blockers))
                p { a.button href="/account/data" { (ctx.t("confirm-back")) } }
            } @else {
                h2 { (ctx.t("erase-deleted-title")) }
                ul.confirm-effects {
                    li { (ctx.t("erase-deleted-account")) }
                    li { (ctx.t("erase-deleted-sessions")) }
                    li { (ctx.t("erase-deleted-following")) }
                    li { (ctx.t("erase-deleted-owner")) }
                }
                h2 { (ctx.t("erase-kept-title")) }
                ul.confirm-effects {
                    li { (ctx.t("erase-kept-deposits")) }
                    li { (ctx.t("erase-kept-records")) }
                    li { (ctx.t("erase-kept-audit")) }
                }
                div.alert.alert-warn role="note" { p { strong { (ctx.t("confirm-irreversible")) } " " (ctx.t("erase-irreversible")) } }
                p { (ctx.t("erase-export-first")) " " a href="/account/data.json" download { (ctx.t("data-export-button")) } }
                form.form.confirm-form method="post" action="/account/erase" novalidate {
                    (csrf_field(ctx))
                    (field("password", &ctx.t("erase-password"), "", errors, Input::CURRENT_PASSWORD))
                    div.danger-zone {
                        a.button href="/account/data" { (ctx.t("confirm-back")) }
                        button.button.button-danger type="submit" { (ctx.t("erase-submit")) }
                    }
                }
            }
        },
    )
}
