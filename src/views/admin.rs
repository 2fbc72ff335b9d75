//! Administration: users (list, search, invite staff, roles, disable) and the audit log.

use chrono::NaiveDateTime;
use maud::{Markup, html};

use super::account::paris;
use super::forms::{Errors, Input, error_summary, field};
use super::layout::{Ctx, csrf_field, page};

pub fn admin_nav(ctx: &Ctx, current: &str) -> Markup {
    html! {
        nav.subnav aria-label=(ctx.t("nav-admin")) {
            ul {
                @for (href, key) in [("/admin/users", "admin-users"), ("/admin/criteria", "criteria-admin-title"), ("/admin/credentials", "credentials-title"), ("/admin/reports", "reports-title"), ("/admin/audit", "admin-audit")] {
                    li {
                        @if href == current { a href=(href) aria-current="page" { (ctx.t(key)) } }
                        @else { a href=(href) { (ctx.t(key)) } }
                    }
                }
            }
        }
    }
}

pub struct UserRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub roles: Vec<String>,
    pub organisation: bool,
    pub verified: bool,
    pub disabled: bool,
}

/// The staff invitation form's values.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct InviteValues {
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub agent: Option<String>,
    #[serde(default)]
    pub committee: Option<String>,
    #[serde(default)]
    pub admin: Option<String>,
}

/// The users page: a page of the list, and the staff invitation form.
pub struct UsersPage<'a> {
    pub rows: &'a [UserRow],
    pub query: &'a str,
    pub page_no: i64,
    pub has_more: bool,
    pub invite: &'a InviteValues,
    pub notice: Option<&'a str>,
}

pub fn users(ctx: &Ctx, p: &UsersPage<'_>, errors: &Errors) -> Markup {
    let UsersPage { rows, query, page_no, has_more, invite, notice } = *p;
    let title = ctx.t("admin-users");
    let q: String = url::form_urlencoded::byte_serialize(query.as_bytes()).collect();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (admin_nav(ctx, "/admin/users"))
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            form.search-form method="get" action="/admin/users" role="search" {
                label for="q" { (ctx.t("admin-search")) }
                input #q type="search" name="q" value=(query);
                button.button type="submit" { (ctx.t("search")) }
            }
            @if rows.is_empty() {
                p.empty { (ctx.t("admin-no-users")) }
            } @else {
                table {
                    thead { tr {
                        th scope="col" { (ctx.t("field-name")) }
                        th scope="col" { (ctx.t("field-email")) }
                        th scope="col" { (ctx.t("account-roles")) }
                        th scope="col" { (ctx.t("admin-status")) }
                    } }
                    tbody {
                        @for u in rows {
                            tr {
                                td { a href=(format!("/admin/users/{}", u.id)) { (u.name) } }
                                td { (u.email) }
                                td { @if u.organisation { (ctx.t("admin-supplier")) } @else { (u.roles.join(", ")) } }
                                td {
                                    @if u.disabled { span.badge.badge-danger { (ctx.t("admin-disabled")) } }
                                    @else if !u.verified { span.badge { (ctx.t("org-unverified")) } }
                                    @else { span.badge.badge-ok { (ctx.t("admin-active")) } }
                                }
                            }
                        }
                    }
                }
            }
            nav.pagination aria-label=(ctx.t("pagination")) {
                @if page_no > 1 { a href=(format!("/admin/users?q={q}&page={}", page_no - 1)) rel="prev" { (ctx.t("previous")) } }
                @if has_more { a href=(format!("/admin/users?q={q}&page={}", page_no + 1)) rel="next" { (ctx.t("next")) } }
            }
            h2 #invite { (ctx.t("admin-invite")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/admin/users" novalidate {
                (csrf_field(ctx))
                (field("email", &ctx.t("field-email"), &invite.email, errors, Input::EMAIL))
                (field("name", &ctx.t("field-name"), &invite.name, errors, Input::TEXT))
                fieldset #roles {
                    legend { (ctx.t("account-roles")) }
                    @if let Some(m) = errors.get("roles") { p.field-error { (m) } }
                    (super::forms::checkbox("agent", &ctx.t("role-agent"), invite.agent.is_some()))
                    (super::forms::checkbox("committee", &ctx.t("role-committee"), invite.committee.is_some()))
                    (super::forms::checkbox("admin", &ctx.t("role-admin"), invite.admin.is_some()))
                }
                button.button.button-primary type="submit" { (ctx.t("admin-invite-submit")) }
            }
        },
    )
}

pub struct UserDetail {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub agent: bool,
    pub committee: bool,
    pub admin: bool,
    pub supplier: bool,
    pub verified: bool,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
}

pub fn user(ctx: &Ctx, u: &UserDetail, error: Option<&str>, notice: Option<&str>) -> Markup {
    page(
        ctx,
        &u.name,
        html! {
            h1 { (u.name) }
            (admin_nav(ctx, "/admin/users"))
            @if let Some(e) = error { div.alert.alert-error role="alert" { p { (e) } } }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            dl.facts {
                dt { (ctx.t("field-email")) } dd { (u.email) }
                dt { (ctx.t("admin-created")) } dd { (paris(ctx.lang, u.created_at)) }
                dt { (ctx.t("admin-status")) } dd {
                    @if u.disabled { (ctx.t("admin-disabled")) } @else if u.verified { (ctx.t("admin-active")) } @else { (ctx.t("org-unverified")) }
                }
            }
            @if !u.supplier {
                h2 { (ctx.t("account-roles")) }
                form.form method="post" action=(format!("/admin/users/{}/roles", u.id)) {
                    (csrf_field(ctx))
                    fieldset {
                        legend { (ctx.t("account-roles")) }
                        (super::forms::checkbox("agent", &ctx.t("role-agent"), u.agent))
                        (super::forms::checkbox("committee", &ctx.t("role-committee"), u.committee))
                        (super::forms::checkbox("admin", &ctx.t("role-admin"), u.admin))
                    }
                    button.button.button-primary type="submit" { (ctx.t("save")) }
                }
            }
            h2 { (ctx.t("admin-access")) }
            @if u.disabled {
                form.form method="post" action=(format!("/admin/users/{}/enable", u.id)) {
                    (csrf_field(ctx))
                    button.button type="submit" { (ctx.t("admin-enable")) }
                }
            } @else {
                div.danger-zone {
                    a.button.button-danger href=(format!("/admin/users/{}/disable", u.id)) { (ctx.t("admin-disable")) }
                }
            }
        },
    )
}

pub struct AuditRow {
    pub id: i64,
    pub occurred_at: NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub object: String,
    pub details: String,
}

pub fn audit(ctx: &Ctx, rows: &[AuditRow], action: &str, actor: &str, older: Option<i64>) -> Markup {
    let title = ctx.t("admin-audit");
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (admin_nav(ctx, "/admin/audit"))
            p { (ctx.t("audit-intro")) }
            form.search-form method="get" action="/admin/audit" role="search" {
                label for="action" { (ctx.t("audit-action")) }
                input #action type="text" name="action" value=(action);
                label for="actor" { (ctx.t("audit-actor")) }
                input #actor type="text" name="actor" value=(actor);
                button.button type="submit" { (ctx.t("search")) }
            }
            @if rows.is_empty() {
                p.empty { (ctx.t("audit-none")) }
            } @else {
                table.audit {
                    thead { tr {
                        th scope="col" { "#" }
                        th scope="col" { (ctx.t("audit-when")) }
                        th scope="col" { (ctx.t("audit-actor")) }
                        th scope="col" { (ctx.t("audit-action")) }
                        th scope="col" { (ctx.t("audit-object")) }
                        th scope="col" { (ctx.t("audit-details")) }
                    } }
                    tbody {
                        @for r in rows {
                            tr {
                                td { (r.id) }
                                td { (paris(ctx.lang, r.occurred_at)) }
                                td { (r.actor) }
                                td { code { (r.action) } }
                                td { (r.object) }
                                td { code.details { (r.details) } }
                            }
                        }
                    }
                }
            }
            @if let Some(before) = older {
                nav.pagination aria-label=(ctx.t("pagination")) {
                    a href=(format!("/admin/audit?action={}&actor={}&before={before}", enc(action), enc(actor))) rel="next" { (ctx.t("audit-older")) }
                }
            }
        },
    )
}

/// The confirmation page of an account's disabling.
pub fn disable_confirmation(ctx: &Ctx, id: i64, name: &str, email: &str) -> Markup {
    let base = format!("/admin/users/{id}");
    super::confirm::confirmation(
        ctx,
        &super::confirm::Confirm {
            title: ctx.t("admin-disable-title"),
            trail: vec![("/admin/users", ctx.t("admin-users")), (&base, name.to_owned())],
            subject: format!("{name} <{email}>"),
            effects: vec![ctx.t("admin-disable-effect-sign-in"), ctx.t("admin-disable-effect-kept")],
            irreversible: ctx.t("admin-disable-irreversible"),
            open_items: None,
            action: format!("{base}/disable"),
            hidden: vec![],
            reason: None,
            checks: vec![],
            button: ctx.t("admin-disable"),
            back: base.clone(),
            errors: super::forms::Errors::default(),
        },
    )
}
