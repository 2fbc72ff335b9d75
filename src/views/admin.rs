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
                @if page_no > 1 { a href=(format!("/admin/users?{}", super::layout::page_query(&[("q", q.as_str())], page_no - 1))) rel="prev" { (ctx.t("previous")) } }
                @if has_more { a href=(format!("/admin/users?{}", super::layout::page_query(&[("q", q.as_str())], page_no + 1))) rel="next" { (ctx.t("next")) } }
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
    /// The person's name and address when known, else the stored label (`system:…`, `anonymous:…`).
    pub actor: String,
    /// The stored action (`award.awarded`): shown by its label, filtered on by its name.
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// The entry's details as stored (a JSON object).
    pub details: String,
}

/// The catalogue key of an audit action's label.
pub fn action_key(action: &str) -> String {
    format!("audit-event-{}", action.replace(['.', '_'], "-"))
}

/// Who wrote an entry, in words.
fn actor_words(ctx: &Ctx, actor: &str) -> String {
    if let Some(name) = actor.strip_prefix("system:") {
        ctx.t_args("audit-actor-system", &[("name", name)])
    } else if let Some(typed) = actor.strip_prefix("anonymous:") {
        ctx.t_args("audit-actor-anonymous", &[("typed", typed)])
    } else {
        actor.to_owned()
    }
}

/// A label from the catalogue, or `fallback` when the catalogue has none.
fn label_or(ctx: &Ctx, key: &str, fallback: &str) -> String {
    let found = ctx.t(key);
    if found == key { fallback.to_owned() } else { found }
}

/// One value of an entry's details, as read: times in Paris, yes and no, lists joined.
fn detail_value(ctx: &Ctx, v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Null => ctx.t("audit-details-none"),
        Value::Bool(b) => ctx.t(if *b { "audit-yes" } else { "audit-no" }),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let time = crate::i18n::canonical_utc(s).or_else(|| {
                ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
                    .iter()
                    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
            });
            match time {
                Some(t) => paris(ctx.lang, t),
                None => s.clone(),
            }
        }
        Value::Array(items) => items.iter().map(|i| detail_value(ctx, i)).collect::<Vec<_>>().join(", "),
        Value::Object(map) => detail_pairs(ctx, map)
            .into_iter()
            .map(|(k, v)| format!("{k}{}{v}", colon(ctx)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A colon as each language writes it: French puts a no-break space before it.
fn colon(ctx: &Ctx) -> &'static str {
    if ctx.lang == crate::i18n::Lang::Fr { "\u{a0}: " } else { ": " }
}

/// An entry's details as (name, value) pairs in words.
fn detail_pairs(ctx: &Ctx, map: &serde_json::Map<String, serde_json::Value>) -> Vec<(String, String)> {
    map.iter()
        .map(|(k, v)| {
            (
                label_or(ctx, &format!("audit-detail-{}", k.replace('_', "-")), &k.replace('_', " ")),
                detail_value(ctx, v),
            )
        })
        .collect()
}

pub fn audit(ctx: &Ctx, rows: &[AuditRow], action: &str, actor: &str, older: Option<i64>) -> Markup {
    let title = ctx.t("admin-audit");
    let enc = |s: &str| -> String { url::form_urlencoded::byte_serialize(s.as_bytes()).collect() };
    let mut actions: Vec<(&str, String)> =
        crate::domain::audit::Event::ALL.iter().map(|e| (e.as_str(), ctx.t(&action_key(e.as_str())))).collect();
    actions.sort_by(|a, b| a.1.cmp(&b.1));
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            (admin_nav(ctx, "/admin/audit"))
            p { (ctx.t("audit-intro")) }
            form.search-form method="get" action="/admin/audit" role="search" {
                label for="action" { (ctx.t("audit-action")) }
                select #action name="action" {
                    option value="" selected[action.is_empty()] { (ctx.t("audit-action-any")) }
                    @for (value, label) in &actions {
                        option value=(value) selected[*value == action] { (label) }
                    }
                }
                label for="actor" { (ctx.t("audit-actor")) }
                input #actor type="text" name="actor" value=(actor);
                button.button type="submit" { (ctx.t("search")) }
            }
            @if rows.is_empty() {
                p.empty { (ctx.t("audit-none")) }
            } @else {
                p.hint { (ctx.t("audit-times")) }
                div.table-wrap {
                    table.audit {
                        thead { tr {
                            th scope="col" { (ctx.t("audit-number")) }
                            th scope="col" { (ctx.t("audit-when")) }
                            th scope="col" { (ctx.t("audit-actor")) }
                            th scope="col" { (ctx.t("audit-action")) }
                            th scope="col" { (ctx.t("audit-object")) }
                            th scope="col" { (ctx.t("audit-details")) }
                        } }
                        tbody {
                            @for r in rows {
                                @let details: Option<serde_json::Map<String, serde_json::Value>> = serde_json::from_str(&r.details).ok();
                                tr {
                                    td { (r.id) }
                                    td { (paris(ctx.lang, r.occurred_at)) }
                                    td { (actor_words(ctx, &r.actor)) }
                                    td { (label_or(ctx, &action_key(&r.action), &r.action)) }
                                    td {
                                        (label_or(ctx, &format!("audit-object-{}", r.object_type.replace('_', "-")), &r.object_type))
                                        @if !r.object_id.is_empty() { " " (ctx.t("audit-number")) " " (r.object_id) }
                                    }
                                    td {
                                        @match details.filter(|d| !d.is_empty()) {
                                            None => span.muted { (ctx.t("audit-details-none")) },
                                            Some(map) => ul.audit-details {
                                                @for (k, v) in detail_pairs(ctx, &map) { li { (k) (colon(ctx)) (v) } }
                                            },
                                        }
                                    }
                                }
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
