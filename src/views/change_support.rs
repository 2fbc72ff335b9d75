//! Change support, delivered and heard (issue 17, step 5): the contract's change-support page —
//! the agent plans actions beside the winning proposal's own section, invites the users of the
//! purchase and reads planned against delivered with the ratings and their authors; the holder
//! records deliveries and reads the ratings without names; a user of the purchase confirms
//! attending a delivered action and rates it — and the public section of the objective's page
//! (counts and the average).

use chrono::NaiveDate;
use maud::{Markup, html};

use super::account::paris;
use super::indicators::figure;
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use crate::domain::award::change_support::{Action, Kind, PurchaseUser, Summary};
use crate::i18n::Lang;

/// Who looks at the change-support page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Agent,
    Holder,
    /// A user of the purchase: only the delivered actions, only their own ratings.
    User,
}

/// The change-support page of a contract.
#[derive(Debug, Clone)]
pub struct SupportPage {
    pub objective_id: i64,
    pub title: String,
    pub role: Role,
    /// The contract is in execution: actions may be planned, invited, recorded.
    pub open: bool,
    pub signed_on: NaiveDate,
    /// The winning proposals' change-support sections: (organisation, text).
    pub proposed: Vec<(String, String)>,
    pub actions: Vec<Action>,
    pub summary: Summary,
    /// The users of the purchase (agents only; empty for the others).
    pub users: Vec<PurchaseUser>,
    /// Today in Paris: the holder records deliveries of actions planned up to today.
    pub today: NaiveDate,
}

fn day(lang: Lang, d: NaiveDate) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

pub fn kind_name(ctx: &Ctx, k: Kind) -> String {
    ctx.t(&format!("support-kind-{}", k.as_str()))
}

fn average(ctx: &Ctx, s: &Summary) -> String {
    match s.average {
        Some(a) => ctx.t_args("support-average-value", &[("average", &figure(ctx.lang, a))]),
        None => ctx.t("support-average-none"),
    }
}

/// The public figures: planned, delivered, participants, ratings and their average.
fn figures(ctx: &Ctx, s: &Summary) -> Markup {
    html! {
        dl.facts {
            dt { (ctx.t("support-planned")) } dd { (s.planned) " — " (ctx.t_args("support-hours-total", &[("hours", &figure(ctx.lang, s.planned_hours))])) }
            dt { (ctx.t("support-delivered")) } dd { (s.delivered) }
            dt { (ctx.t("support-participants")) } dd { (s.participants) }
            dt { (ctx.t("support-ratings")) } dd { (s.ratings) }
            dt { (ctx.t("support-average")) } dd { (average(ctx, s)) }
        }
    }
}

/// The public section of the objective's page, once the contract is signed.
pub fn public_section(ctx: &Ctx, objective_id: i64, s: &Summary, link: bool) -> Markup {
    html! {
        section aria-labelledby="change-support" {
            h2 #change-support { (ctx.t("support-public-title")) }
            @if s.planned == 0 {
                p { (ctx.t("support-public-none")) }
            } @else {
                (figures(ctx, s))
            }
            @if link {
                p { a.button href=(format!("/objectives/{objective_id}/change-support")) { (ctx.t("support-title")) } }
            }
        }
    }
}

fn stars(ctx: &Ctx, r: i32) -> String {
    ctx.t_args("support-rating-value", &[("rating", &r.to_string())])
}

fn ratings_table(ctx: &Ctx, a: &Action, names: bool) -> Markup {
    html! {
        @if !a.ratings.is_empty() {
            table.table {
                caption { (ctx.t_args("support-ratings-caption", &[("action", &kind_name(ctx, a.kind)), ("audience", &a.audience)])) }
                thead { tr {
                    @if names { th scope="col" { (ctx.t("support-col-user")) } }
                    th scope="col" { (ctx.t("support-col-rating")) }
                    th scope="col" { (ctx.t("support-col-comment")) }
                    th scope="col" { (ctx.t("support-col-rated-at")) }
                } }
                tbody {
                    @for r in &a.ratings {
                        tr {
                            @if names { td { (r.rater.clone().unwrap_or_default()) } }
                            td { (stars(ctx, r.rating)) }
                            td.pre-line { (r.comment) }
                            td { (paris(ctx.lang, r.rated_at)) }
                        }
                    }
                }
            }
        }
    }
}

fn delivery_line(ctx: &Ctx, a: &Action) -> Markup {
    html! {
        @if let Some(d) = &a.delivery {
            p { (ctx.t_count("support-delivered-line", ("count", i64::from(d.participants)), &[("date", &day(ctx.lang, d.delivered_on))])) }
            @if !d.notes.is_empty() { p.pre-line { (d.notes) } }
            @if !d.materials.is_empty() {
                ul {
                    @for (id, name) in &d.materials {
                        li { a href=(format!("/support-materials/{id}")) { (ctx.t("support-material")) " : " (name) } }
                    }
                }
            }
        } @else {
            p { (ctx.t("support-not-delivered")) }
        }
    }
}

fn action_heading(ctx: &Ctx, a: &Action) -> Markup {
    html! {
        h3 id=(format!("a{}", a.id)) { (kind_name(ctx, a.kind)) " — " (a.audience) }
        p.hint {
            (ctx.t_args("support-planned-line", &[("date", &day(ctx.lang, a.planned_on)), ("hours", &figure(ctx.lang, a.planned_hours))]))
        }
        @if !a.description.is_empty() { p.pre-line { (a.description) } }
    }
}

/// The agent's forms to change or cancel a planned action not delivered yet, folded.
fn change_form(ctx: &Ctx, v: &SupportPage, a: &Action) -> Markup {
    let id = |name: &str| format!("{name}-{}", a.id);
    html! {
        details.change-action {
            summary { (ctx.t_args("support-change", &[("action", &kind_name(ctx, a.kind)), ("audience", &a.audience)])) }
            form.form method="post" action=(format!("/support-actions/{}", a.id)) {
                (csrf_field(ctx))
                label for=(id("kind")) { (ctx.t("support-kind")) }
                select id=(id("kind")) name="kind" {
                    @for k in Kind::ALL { option value=(k.as_str()) selected[k == a.kind] { (kind_name(ctx, k)) } }
                }
                label for=(id("description")) { (ctx.t("support-description")) }
                textarea id=(id("description")) name="description" rows="3" required { (a.description) }
                label for=(id("audience")) { (ctx.t("support-audience")) }
                input id=(id("audience")) name="audience" type="text" required value=(a.audience);
                label for=(id("planned_on")) { (ctx.t("support-planned-on")) }
                input id=(id("planned_on")) name="planned_on" type="date" required value=(a.planned_on.format("%Y-%m-%d").to_string()) min=(v.signed_on.format("%Y-%m-%d").to_string());
                label for=(id("planned_hours")) { (ctx.t("support-planned-hours")) }
                input id=(id("planned_hours")) name="planned_hours" type="text" inputmode="decimal" required value=(figure(ctx.lang, a.planned_hours));
                button.button.button-primary type="submit" { (ctx.t("support-save-action")) }
            }
            form method="post" action=(format!("/support-actions/{}/cancellation/confirm", a.id)) {
                (csrf_field(ctx))
                button.button type="submit" { (ctx.t("support-cancel-action")) }
            }
        }
    }
}

/// The confirmation page before cancelling a planned action.
pub fn confirm_cancel(ctx: &Ctx, objective_id: i64, objective_title: &str, a: &Action) -> Markup {
    use super::confirm::{Confirm, confirmation};
    let base = format!("/objectives/{objective_id}");
    let support = format!("{base}/change-support");
    let c = Confirm {
        title: ctx.t("support-cancel-title"),
        trail: vec![(base.as_str(), objective_title.to_owned()), (support.as_str(), ctx.t("support-title"))],
        subject: format!("{} — {}", kind_name(ctx, a.kind), a.audience),
        effects: vec![
            ctx.t_args(
                "support-planned-line",
                &[("date", &day(ctx.lang, a.planned_on)), ("hours", &figure(ctx.lang, a.planned_hours))],
            ),
            ctx.t("support-cancel-effect"),
        ],
        irreversible: ctx.t("support-cancel-irreversible"),
        open_items: None,
        action: format!("/support-actions/{}/cancellation", a.id),
        hidden: vec![],
        reason: None,
        checks: vec![],
        button: ctx.t("support-cancel-action"),
        back: format!("{support}#a{}", a.id),
        errors: super::forms::Errors::default(),
    };
    confirmation(ctx, &c)
}

fn agent_part(ctx: &Ctx, v: &SupportPage) -> Markup {
    let base = format!("/objectives/{}/change-support", v.objective_id);
    let prefill = v.proposed.first().map(|(_, t)| t.clone()).unwrap_or_default();
    html! {
        section aria-labelledby="planned-delivered" {
            h2 #planned-delivered { (ctx.t("support-planned-delivered")) }
            @if v.actions.is_empty() { p { (ctx.t("support-no-action")) } }
            @else {
                table.table {
                    caption { (ctx.t("support-plan-caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("support-col-action")) }
                        th scope="col" { (ctx.t("support-col-planned")) }
                        th scope="col" { (ctx.t("support-col-delivered")) }
                        th scope="col" { (ctx.t("support-col-ratings")) }
                    } }
                    tbody {
                        @for a in &v.actions {
                            @let s = crate::domain::award::change_support::summarize(std::slice::from_ref(a));
                            tr {
                                th scope="row" { a href=(format!("#a{}", a.id)) { (kind_name(ctx, a.kind)) " — " (a.audience) } }
                                td { (day(ctx.lang, a.planned_on)) ", " (ctx.t_args("support-hours", &[("hours", &figure(ctx.lang, a.planned_hours))])) }
                                td {
                                    @match &a.delivery {
                                        Some(d) => { (day(ctx.lang, d.delivered_on)) ", " (ctx.t_count("support-participants-count", ("count", i64::from(d.participants)), &[])) }
                                        None => { (ctx.t("support-not-delivered")) }
                                    }
                                }
                                td { (s.ratings) " — " (average(ctx, &s)) }
                            }
                        }
                    }
                }
            }
            (figures(ctx, &v.summary))
            @for a in &v.actions {
                (action_heading(ctx, a))
                (delivery_line(ctx, a))
                (ratings_table(ctx, a, true))
                @if v.open && a.delivery.is_none() { (change_form(ctx, v, a)) }
            }
        }
        @if v.open {
            section aria-labelledby="new-action" {
                h2 #new-action { (ctx.t("support-new-action")) }
                @for (org, text) in &v.proposed {
                    aside.card {
                        h3 { (ctx.t_args("support-proposed", &[("organisation", org)])) }
                        @if text.is_empty() { p.empty { "—" } } @else { p.pre-line { (text) } }
                    }
                }
                form.form method="post" action=(format!("{base}/actions")) {
                    (csrf_field(ctx))
                    label for="kind" { (ctx.t("support-kind")) }
                    select #kind name="kind" {
                        @for k in Kind::ALL { option value=(k.as_str()) { (kind_name(ctx, k)) } }
                    }
                    label for="description" { (ctx.t("support-description")) }
                    textarea #description name="description" rows="4" required { (if v.actions.is_empty() { prefill.as_str() } else { "" }) }
                    label for="audience" { (ctx.t("support-audience")) }
                    input #audience name="audience" type="text" required;
                    label for="planned_on" { (ctx.t("support-planned-on")) }
                    input #planned_on name="planned_on" type="date" required min=(v.signed_on.format("%Y-%m-%d").to_string());
                    label for="planned_hours" { (ctx.t("support-planned-hours")) }
                    input #planned_hours name="planned_hours" type="text" inputmode="decimal" required;
                    button.button.button-primary type="submit" { (ctx.t("support-add-action")) }
                }
            }
            section aria-labelledby="purchase-users" {
                h2 #purchase-users { (ctx.t("support-users-title")) }
                p { (ctx.t("support-users-intro")) }
                @if !v.users.is_empty() {
                    ul {
                        @for u in &v.users {
                            li {
                                (u.name) " <" (u.email) "> — " (paris(ctx.lang, u.invited_at))
                                @if !u.active { " — " (ctx.t("support-user-pending")) }
                                " "
                                form.inline-form method="post" action=(format!("{base}/users/{}/withdrawal", u.user.0)) {
                                    (csrf_field(ctx))
                                    button.button type="submit" aria-label=(ctx.t_args("support-withdraw-label", &[("name", &u.name)])) { (ctx.t("support-withdraw")) }
                                }
                            }
                        }
                    }
                }
                form.form method="post" action=(format!("{base}/users")) {
                    (csrf_field(ctx))
                    label for="email" { (ctx.t("support-user-email")) }
                    input #email name="email" type="email" autocomplete="off" required;
                    button.button.button-primary type="submit" { (ctx.t("support-invite")) }
                }
            }
        }
    }
}

fn holder_part(ctx: &Ctx, v: &SupportPage) -> Markup {
    html! {
        (figures(ctx, &v.summary))
        @if v.actions.is_empty() { p { (ctx.t("support-no-action")) } }
        @for a in &v.actions {
            section aria-labelledby=(format!("a{}", a.id)) {
                (action_heading(ctx, a))
                (delivery_line(ctx, a))
                @if a.delivery.is_none() && v.open {
                    form.form method="post" enctype="multipart/form-data" action=(format!("/support-actions/{}/delivery", a.id)) {
                        (csrf_field(ctx))
                        label for=(format!("delivered_on-{}", a.id)) { (ctx.t("support-delivered-on")) }
                        input id=(format!("delivered_on-{}", a.id)) name="delivered_on" type="date" required max=(v.today.format("%Y-%m-%d").to_string());
                        label for=(format!("participants-{}", a.id)) { (ctx.t("support-participants")) }
                        input id=(format!("participants-{}", a.id)) name="participants" type="number" min="1" required;
                        label for=(format!("notes-{}", a.id)) { (ctx.t("support-notes")) }
                        textarea id=(format!("notes-{}", a.id)) name="notes" rows="3" {}
                        label for=(format!("file-{}", a.id)) { (ctx.t("support-materials")) }
                        input id=(format!("file-{}", a.id)) name="file" type="file" multiple;
                        button.button.button-primary type="submit" { (ctx.t("support-record")) }
                    }
                }
                (ratings_table(ctx, a, false))
            }
        }
    }
}

fn user_part(ctx: &Ctx, v: &SupportPage) -> Markup {
    html! {
        p { (ctx.t("support-user-intro")) }
        @if v.actions.is_empty() { p { (ctx.t("support-nothing-delivered")) } }
        @for a in &v.actions {
            section aria-labelledby=(format!("a{}", a.id)) {
                (action_heading(ctx, a))
                (delivery_line(ctx, a))
                @match a.ratings.first() {
                    Some(r) => {
                        p { (ctx.t_args("support-you-rated", &[("rating", &stars(ctx, r.rating))])) }
                        @if !r.comment.is_empty() { p.pre-line { (r.comment) } }
                    }
                    None => {
                        form.form method="post" action=(format!("/support-actions/{}/rating", a.id)) {
                            (csrf_field(ctx))
                            p {
                                input id=(format!("attended-{}", a.id)) name="attended" type="checkbox" value="true";
                                " "
                                label for=(format!("attended-{}", a.id)) { (ctx.t("support-attended")) }
                            }
                            fieldset {
                                legend { (ctx.t("support-rating")) }
                                @for n in 1..=5 {
                                    input id=(format!("rating-{}-{n}", a.id)) name="rating" type="radio" value=(n) required;
                                    " "
                                    label for=(format!("rating-{}-{n}", a.id)) { (ctx.t(&format!("support-rating-{n}"))) }
                                    br;
                                }
                            }
                            label for=(format!("comment-{}", a.id)) { (ctx.t("support-comment")) }
                            textarea id=(format!("comment-{}", a.id)) name="comment" rows="3" {}
                            button.button.button-primary type="submit" { (ctx.t("support-rate")) }
                        }
                    }
                }
            }
        }
    }
}

pub fn support_page(ctx: &Ctx, v: &SupportPage, notice: Option<String>) -> Markup {
    let title = ctx.t("support-title");
    let base = format!("/objectives/{}", v.objective_id);
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, v.title.clone())], &title))
            h1 { (title) }
            @if let Some(n) = &notice { div.alert.alert-ok role="status" { p { (n) } } }
            @match v.role {
                Role::Agent => (agent_part(ctx, v)),
                Role::Holder => (holder_part(ctx, v)),
                Role::User => (user_part(ctx, v)),
            }
        },
    )
}
