//! The contract (issue 17, step 2): the agent's contract page (the signing form, then the signed
//! contract with its modifications and the modification form), its confirmation page, and the
//! contract's essential data as the public objective page shows it.

use maud::{Markup, html};

use super::account::paris;
use super::confirm::{Confirm, confirmation};
use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};
use crate::domain::award::contracts::{
    Considerations, Contract, Current, Holder, PlaceKind, PriceBasis, PriceForm, Terms,
};
use crate::domain::award::standstill::Refusal;
use crate::domain::forms::FormPairs;
use crate::domain::objectives::Status;
use crate::i18n::Lang;

/// An amount in cents, in euros, written the reader's way.
pub fn euros(lang: Lang, cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(if lang == Lang::Fr { '\u{202f}' } else { ',' });
        }
        grouped.push(c);
    }
    match lang {
        Lang::Fr => format!("{grouped},{:02}\u{a0}€", cents % 100),
        Lang::En => format!("€{grouped}.{:02}", cents % 100),
    }
}

fn date(lang: Lang, d: chrono::NaiveDate) -> String {
    match lang {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

fn holder_line(ctx: &Ctx, h: &Holder) -> String {
    match &h.kind {
        Some(kind) => ctx.t_args(
            "contract-holder-group",
            &[("kind", &ctx.t(&format!("consortium-kind-{kind}"))), ("names", &h.names())],
        ),
        None => h.names(),
    }
}

fn holders_list(ctx: &Ctx, holders: &[Holder]) -> Markup {
    html! { ul.contract-holders { @for h in holders { li { (holder_line(ctx, h)) } } } }
}

fn considerations_line(ctx: &Ctx, c: &Considerations) -> (String, String) {
    let words = |codes: &[String], area: &str| {
        if codes.is_empty() {
            ctx.t(&format!("contract-consideration-{area}-none"))
        } else {
            codes.iter().map(|c| ctx.t(&format!("contract-consideration-{area}-{c}"))).collect::<Vec<_>>().join(", ")
        }
    };
    (words(&c.social, "social"), words(&c.environmental, "environmental"))
}

fn place(ctx: &Ctx, kind: PlaceKind, code: &str) -> String {
    format!("{} ({})", code, ctx.t(&format!("contract-place-kind-{}", kind.as_str())))
}

/// The contract's essential data as a list of facts (the agent's page and the public page).
fn facts(ctx: &Ctx, c: &Contract) -> Markup {
    let (social, environmental) = considerations_line(ctx, &c.considerations);
    html! {
        dl.facts {
            dt { (ctx.t("contract-object")) } dd { (c.object) }
            dt { (ctx.t("contract-holders")) } dd { (holders_list(ctx, &c.holders)) }
            dt { (ctx.t("contract-signed-on")) } dd { (date(ctx.lang, c.signed_on)) }
            dt { (ctx.t("contract-notified-on")) } dd { (date(ctx.lang, c.notified_on)) }
            dt { (ctx.t("contract-amount")) } dd { (euros(ctx.lang, c.amount_cents)) }
            dt { (ctx.t("contract-duration")) } dd { (ctx.t_args("contract-months", &[("count", &c.duration_months.to_string())])) }
            dt { (ctx.t("contract-cpv")) } dd { (c.cpv) }
            dt { (ctx.t("contract-place")) } dd { (place(ctx, c.place_kind, &c.place_code)) }
            dt { (ctx.t("contract-price-form")) } dd { (ctx.t(&format!("contract-price-form-{}", c.price_form.as_str()))) ", " (ctx.t(&format!("contract-price-basis-{}", c.price_basis.as_str()))) }
            dt { (ctx.t("contract-subcontracting")) } dd { (ctx.t(if c.subcontracting { "contract-yes" } else { "contract-no" })) }
            dt { (ctx.t("contract-social")) } dd { (social) }
            dt { (ctx.t("contract-environmental")) } dd { (environmental) }
        }
    }
}

fn current_cells(ctx: &Ctx, c: &Current) -> Markup {
    html! {
        td { (c.object) }
        td { (euros(ctx.lang, c.amount_cents)) }
        td { (ctx.t_args("contract-months", &[("count", &c.duration_months.to_string())])) }
        td { @for h in &c.holders { (holder_line(ctx, h)) br; } }
    }
}

/// The modifications in order, each with what it changed and the values that result.
fn modifications(ctx: &Ctx, c: &Contract) -> Markup {
    html! {
        @if c.modifications.is_empty() {
            p.empty { (ctx.t("contract-no-modifications")) }
        } @else {
            div.table-wrap {
                table {
                    caption { (ctx.t("contract-modifications-caption")) }
                    thead { tr {
                        th scope="col" { (ctx.t("contract-modification-number")) }
                        th scope="col" { (ctx.t("contract-notified-on")) }
                        th scope="col" { (ctx.t("contract-modification-reason")) }
                        th scope="col" { (ctx.t("contract-object")) }
                        th scope="col" { (ctx.t("contract-amount")) }
                        th scope="col" { (ctx.t("contract-duration")) }
                        th scope="col" { (ctx.t("contract-holders")) }
                    } }
                    tbody {
                        tr.contract-initial {
                            th scope="row" { (ctx.t("contract-as-signed")) }
                            td { (date(ctx.lang, c.notified_on)) }
                            td { "—" }
                            (current_cells(ctx, &c.initial()))
                        }
                        @for (m, after) in c.steps() {
                            tr {
                                th scope="row" { (ctx.t_args("contract-modification-n", &[("number", &m.number.to_string())])) }
                                td { (date(ctx.lang, m.notified_on)) }
                                td { (m.reason) }
                                (current_cells(ctx, &after))
                            }
                        }
                    }
                }
            }
            p.hint { (ctx.t("contract-modifications-hint")) }
        }
    }
}

/// The signed contract as everyone sees it on the objective's page.
pub fn public_section(ctx: &Ctx, c: &Contract) -> Markup {
    html! {
        section aria-labelledby="contract" {
            h2 #contract { (ctx.t("contract-public-title")) }
            (facts(ctx, c))
            h3 { (ctx.t("contract-modifications")) }
            (modifications(ctx, c))
            p { a href=(format!("/api/v1/objectives/{}/contract", c.objective)) { (ctx.t("contract-json")) } " · "
                a href=(format!("/api/v1/objectives/{}/decp.json", c.objective)) { (ctx.t("contract-decp")) } }
        }
    }
}

/// The agent's contract page.
pub struct ContractPage {
    pub objective_id: i64,
    pub title: String,
    pub status: Status,
    /// While awarded: whether the contract may be signed now.
    pub may_sign: Option<Result<(), Refusal>>,
    /// The holders the contract will carry (the winners).
    pub holders: Vec<Holder>,
    /// The considerations from the objective's criteria.
    pub considerations: Considerations,
    pub contract: Option<Contract>,
    /// The signing form as typed (or prefilled).
    pub typed: FormPairs,
    pub errors: Errors,
    pub typed_change: FormPairs,
    pub change_errors: Errors,
    pub notice: Option<String>,
    pub error: Option<String>,
}

fn value<'a>(typed: &'a FormPairs, name: &str) -> &'a str {
    typed.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn text_field(
    ctx: &Ctx,
    typed: &FormPairs,
    errors: &Errors,
    name: &str,
    label: &str,
    kind: &str,
    hint: Option<&str>,
) -> Markup {
    let error = errors.get(name);
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(format!("{name}-hint"));
    }
    if error.is_some() {
        described.push(format!("{name}-error"));
    }
    let described = described.join(" ");
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (ctx.t(label)) }
            @if let Some(h) = hint { p.hint id=(format!("{name}-hint")) { (ctx.t(h)) } }
            @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
            input id=(name) name=(name) type=(kind) value=(value(typed, name))
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
        }
    }
}

fn choice(
    ctx: &Ctx,
    typed: &FormPairs,
    errors: &Errors,
    name: &str,
    label: &str,
    options: &[(&str, String)],
) -> Markup {
    let error = errors.get(name);
    let selected = value(typed, name);
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (ctx.t(label)) }
            @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| format!("{name}-error"))] {
                option value="" { (ctx.t("contract-choose")) }
                @for (v, text) in options { option value=(v) selected[*v == selected] { (text) } }
            }
        }
    }
}

fn check(ctx: &Ctx, typed: &FormPairs, name: &str, label: &str) -> Markup {
    html! {
        div.field.field-check {
            input id=(name) type="checkbox" name=(name) value="true" checked[value(typed, name) == "true"];
            label for=(name) { (ctx.t(label)) }
        }
    }
}

fn options<T: Copy>(ctx: &Ctx, all: &[T], code: fn(T) -> &'static str, prefix: &str) -> Vec<(&'static str, String)> {
    all.iter().map(|v| (code(*v), ctx.t(&format!("{prefix}{}", code(*v))))).collect()
}

pub fn agent_page(ctx: &Ctx, v: &ContractPage) -> Markup {
    let title = ctx.t("contract-title");
    let base = format!("/objectives/{}", v.objective_id);
    let (social, environmental) = considerations_line(ctx, &v.considerations);
    let mut all_errors = v.errors.clone();
    for (k, m) in &v.change_errors.0 {
        all_errors.add(k.clone(), m.clone());
    }
    page(
        ctx,
        &title,
        html! {
            (breadcrumbs(ctx, &[(&base, v.title.clone()), (&format!("{base}/award"), ctx.t("award-title"))], &title))
            (error_summary(ctx, &all_errors))
            h1 { (title) }
            @if let Some(n) = &v.notice { div.alert.alert-ok role="status" { p { (n) } } }
            @if let Some(e) = &v.error { div.alert.alert-error role="alert" { p { (e) } } }
            @if let Some(c) = &v.contract {
                section aria-labelledby="signed" {
                    h2 #signed { (ctx.t("contract-signed-title")) }
                    (facts(ctx, c))
                }
                section aria-labelledby="modifications" {
                    h2 #modifications { (ctx.t("contract-modifications")) }
                    (modifications(ctx, c))
                    @if v.status == Status::InExecution {
                        h3 { (ctx.t("contract-modification-new")) }
                        p.hint { (ctx.t("contract-modification-intro")) }
                        form.form method="post" action=(format!("{base}/contract/modifications")) {
                            (csrf_field(ctx))
                            (text_field(ctx, &v.typed_change, &v.change_errors, "mod_notified_on", "contract-notified-on", "date", None))
                            div.field.field-invalid[v.change_errors.get("mod_reason").is_some()] {
                                label for="mod_reason" { (ctx.t("contract-modification-reason")) }
                                @if let Some(m) = v.change_errors.get("mod_reason") { p.field-error id="mod_reason-error" { (m) } }
                                textarea id="mod_reason" name="mod_reason" rows="3" { (value(&v.typed_change, "mod_reason")) }
                            }
                            (text_field(ctx, &v.typed_change, &v.change_errors, "mod_object", "contract-new-object", "text", Some("contract-unchanged-hint")))
                            (text_field(ctx, &v.typed_change, &v.change_errors, "mod_amount", "contract-new-amount", "text", Some("contract-unchanged-hint")))
                            (text_field(ctx, &v.typed_change, &v.change_errors, "mod_duration_months", "contract-new-duration", "number", Some("contract-unchanged-hint")))
                            div.field.field-invalid[v.change_errors.get("mod_holders").is_some()] {
                                label for="mod_holders" { (ctx.t("contract-new-holders")) }
                                p.hint id="mod_holders-hint" { (ctx.t("contract-new-holders-hint")) }
                                @if let Some(m) = v.change_errors.get("mod_holders") { p.field-error id="mod_holders-error" { (m) } }
                                textarea id="mod_holders" name="mod_holders" rows="3" aria-describedby="mod_holders-hint" { (value(&v.typed_change, "mod_holders")) }
                            }
                            (choice(ctx, &v.typed_change, &v.change_errors, "mod_holders_kind", "contract-holders-kind",
                                &[("none", ctx.t("contract-holders-kind-none")), ("conjoint", ctx.t("consortium-kind-conjoint")), ("solidaire", ctx.t("consortium-kind-solidaire"))]))
                            button.button type="submit" { (ctx.t("contract-modification-record")) }
                        }
                    }
                }
            } @else {
                @if let Some(may) = &v.may_sign {
                    @match may {
                        Ok(()) => p.alert.alert-ok { (ctx.t("award-may-sign")) },
                        Err(Refusal::Standstill { ends_at }) => p.alert { (ctx.t_args("award-sign-standstill", &[("date", &paris(ctx.lang, *ends_at))])) },
                        Err(Refusal::Challenged { open }) => p.alert { (ctx.t_args("award-sign-challenged", &[("count", &open.to_string())])) },
                    }
                }
                @if v.status == Status::Awarded {
                    section aria-labelledby="sign" {
                        h2 #sign { (ctx.t("contract-form-title")) }
                        dl.facts {
                            dt { (ctx.t("contract-holders")) } dd { (holders_list(ctx, &v.holders)) }
                            dt { (ctx.t("contract-social")) } dd { (social) }
                            dt { (ctx.t("contract-environmental")) } dd { (environmental) }
                        }
                        form.form method="post" action=(format!("{base}/contract/confirm")) {
                            (csrf_field(ctx))
                            (text_field(ctx, &v.typed, &v.errors, "object", "contract-object", "text", None))
                            (text_field(ctx, &v.typed, &v.errors, "signed_on", "contract-signed-on", "date", None))
                            (text_field(ctx, &v.typed, &v.errors, "notified_on", "contract-notified-on", "date", None))
                            (text_field(ctx, &v.typed, &v.errors, "amount", "contract-amount", "text", Some("contract-amount-hint")))
                            (text_field(ctx, &v.typed, &v.errors, "duration_months", "contract-duration-months", "number", None))
                            (text_field(ctx, &v.typed, &v.errors, "cpv", "contract-cpv", "text", Some("contract-cpv-hint")))
                            (choice(ctx, &v.typed, &v.errors, "place_kind", "contract-place-kind", &options(ctx, PlaceKind::ALL, PlaceKind::as_str, "contract-place-kind-")))
                            (text_field(ctx, &v.typed, &v.errors, "place_code", "contract-place-code", "text", Some("contract-place-code-hint")))
                            (choice(ctx, &v.typed, &v.errors, "price_form", "contract-price-form", &options(ctx, PriceForm::ALL, PriceForm::as_str, "contract-price-form-")))
                            (choice(ctx, &v.typed, &v.errors, "price_basis", "contract-price-basis", &options(ctx, PriceBasis::ALL, PriceBasis::as_str, "contract-price-basis-")))
                            (choice(ctx, &v.typed, &v.errors, "subcontracting", "contract-subcontracting", &[("yes", ctx.t("contract-yes")), ("no", ctx.t("contract-no"))]))
                            (check(ctx, &v.typed, "social_clause", "contract-social-clause"))
                            (check(ctx, &v.typed, "environmental_clause", "contract-environmental-clause"))
                            button.button.button-primary type="submit" { (ctx.t("award-continue")) }
                        }
                    }
                }
            }
        },
    )
}

/// "Label : value" in French, "Label: value" in English.
fn pair(ctx: &Ctx, label: String, value: impl std::fmt::Display) -> String {
    match ctx.lang {
        Lang::Fr => format!("{label} : {value}"),
        Lang::En => format!("{label}: {value}"),
    }
}

/// The confirmation before signing: what will be recorded, and that it cannot be undone.
pub fn confirm(
    ctx: &Ctx,
    objective_id: i64,
    objective_title: &str,
    terms: &Terms,
    holders: &[Holder],
    considerations: &Considerations,
) -> Markup {
    let base = format!("/objectives/{objective_id}");
    let (social, environmental) = considerations_line(ctx, considerations);
    let contract = format!("{base}/contract");
    let mut effects = vec![
        pair(
            ctx,
            ctx.t("contract-holders"),
            holders.iter().map(|h| holder_line(ctx, h)).collect::<Vec<_>>().join(" ; "),
        ),
        pair(ctx, ctx.t("contract-object"), &terms.object),
        pair(ctx, ctx.t("contract-signed-on"), date(ctx.lang, terms.signed_on)),
        pair(ctx, ctx.t("contract-notified-on"), date(ctx.lang, terms.notified_on)),
        pair(ctx, ctx.t("contract-amount"), euros(ctx.lang, terms.amount_cents)),
        pair(
            ctx,
            ctx.t("contract-duration"),
            ctx.t_args("contract-months", &[("count", &terms.duration_months.to_string())]),
        ),
        pair(ctx, ctx.t("contract-cpv"), &terms.cpv),
        pair(ctx, ctx.t("contract-place"), place(ctx, terms.place_kind, &terms.place_code)),
        pair(
            ctx,
            ctx.t("contract-price-form"),
            format!(
                "{}, {}",
                ctx.t(&format!("contract-price-form-{}", terms.price_form.as_str())),
                ctx.t(&format!("contract-price-basis-{}", terms.price_basis.as_str()))
            ),
        ),
        pair(
            ctx,
            ctx.t("contract-subcontracting"),
            ctx.t(if terms.subcontracting { "contract-yes" } else { "contract-no" }),
        ),
        pair(ctx, ctx.t("contract-social"), social),
        pair(ctx, ctx.t("contract-environmental"), environmental),
    ];
    effects.push(ctx.t("contract-confirm-effect"));
    let c = Confirm {
        title: ctx.t("contract-confirm-title"),
        trail: vec![(base.as_str(), objective_title.to_owned()), (contract.as_str(), ctx.t("contract-title"))],
        subject: objective_title.to_owned(),
        effects,
        irreversible: ctx.t("contract-confirm-irreversible"),
        open_items: None,
        action: contract.clone(),
        hidden: crate::domain::award::contracts::to_pairs(terms),
        reason: None,
        checks: vec![],
        button: ctx.t("contract-sign"),
        back: contract.clone(),
        errors: Errors::default(),
    };
    confirmation(ctx, &c)
}

/// The label of a contract form's field, so that each message names its field.
pub fn field_label(field: &str) -> &'static str {
    match field {
        "object" => "contract-object",
        "signed_on" => "contract-signed-on",
        "notified_on" | "mod_notified_on" => "contract-notified-on",
        "amount" => "contract-amount",
        "duration_months" => "contract-duration-months",
        "cpv" => "contract-cpv",
        "place_kind" => "contract-place-kind",
        "place_code" => "contract-place-code",
        "price_form" => "contract-price-form",
        "price_basis" => "contract-price-basis",
        "subcontracting" => "contract-subcontracting",
        "mod_reason" => "contract-modification-reason",
        "mod_object" => "contract-new-object",
        "mod_amount" => "contract-new-amount",
        "mod_duration_months" => "contract-new-duration",
        "mod_holders" => "contract-new-holders",
        _ => "contract-holders-kind",
    }
}

/// The problems of a contract form, each message led by its field's label.
pub fn errors_of(ctx: &Ctx, problems: &[crate::domain::forms::Problem]) -> Errors {
    let mut errors = Errors::default();
    for p in problems {
        let args: Vec<(&str, &str)> = p.args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let label = ctx.t(field_label(p.field));
        let message = ctx.t_args(p.key, &args);
        errors.add(
            p.field,
            if ctx.lang == Lang::Fr { format!("{label} : {message}") } else { format!("{label}: {message}") },
        );
    }
    errors
}
