//! Registration, sign-in, forgotten password, setting a password, accepting an invitation.

use maud::{Markup, html};
use serde::Deserialize;

use super::forms::{Errors, Input, checkbox, error_summary, field, select};
use super::layout::{Ctx, csrf_field, page};
use super::site::help_link;

/// The registration form's values, kept when it is shown again with errors.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegisterValues {
    #[serde(default)]
    pub legal_name: String,
    #[serde(default)]
    pub identifier_type: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postcode: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub size: String,
    #[serde(default)]
    pub social_economy: Option<String>,
    #[serde(default)]
    pub sectors: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_confirm: String,
}

pub fn register(ctx: &Ctx, v: &RegisterValues, errors: &Errors) -> Markup {
    let title = ctx.t("register-title");
    let id_types: Vec<(String, String)> =
        ["siret", "vat", "other"].iter().map(|k| ((*k).to_owned(), ctx.t(&format!("identifier-type-{k}")))).collect();
    let sizes: Vec<(String, String)> =
        ["micro", "sme", "large"].iter().map(|k| ((*k).to_owned(), ctx.t(&format!("size-{k}")))).collect();
    let country = if v.country.is_empty() { "FR" } else { v.country.as_str() };
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t("register-intro")) }
            (help_link(ctx, "/aide/glossaire#siret", "help-link-registration"))
            (error_summary(ctx, errors))
            form.form method="post" action="/register" novalidate {
                (csrf_field(ctx))
                fieldset {
                    legend { (ctx.t("register-organisation")) }
                    (field("legal_name", &ctx.t("field-legal-name"), &v.legal_name, errors, Input { autocomplete: Some("organization"), ..Input::TEXT }))
                    (select("identifier_type", &ctx.t("field-identifier-type"), &v.identifier_type, &id_types, errors))
                    (field("identifier", &ctx.t("field-identifier"), &v.identifier, errors, Input { hint: Some(&ctx.t("identifier-hint")), ..Input::TEXT }))
                    (field("address", &ctx.t("field-address"), &v.address, errors, Input { autocomplete: Some("street-address"), ..Input::TEXT }))
                    (field("postcode", &ctx.t("field-postcode"), &v.postcode, errors, Input { autocomplete: Some("postal-code"), ..Input::TEXT }))
                    (field("country", &ctx.t("field-country"), country, errors, Input { autocomplete: Some("country"), hint: Some(&ctx.t("country-hint")), ..Input::TEXT }))
                    (select("size", &ctx.t("field-size"), &v.size, &sizes, errors))
                    (checkbox("social_economy", &ctx.t("field-social-economy"), v.social_economy.is_some()))
                    (field("sectors", &ctx.t("field-sectors"), &v.sectors, errors, Input { hint: Some(&ctx.t("sectors-hint")), ..Input::OPTIONAL }))
                }
                fieldset {
                    legend { (ctx.t("register-person")) }
                    (field("name", &ctx.t("field-name"), &v.name, errors, Input { autocomplete: Some("name"), ..Input::TEXT }))
                    (field("email", &ctx.t("field-email"), &v.email, errors, Input::EMAIL))
                    (field("password", &ctx.t("field-new-password"), "", errors, Input { hint: Some(&ctx.t("password-hint")), ..Input::NEW_PASSWORD }))
                    (field("password_confirm", &ctx.t("field-confirm-password"), "", errors, Input::NEW_PASSWORD))
                }
                button.button.button-primary type="submit" { (ctx.t("register-submit")) }
            }
        },
    )
}

pub fn login(ctx: &Ctx, email: &str, next: &str, failed: bool) -> Markup {
    let title = ctx.t("login-title");
    let errors = Errors::default();
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            @if failed {
                div.alert.alert-error role="alert" { p { (ctx.t("login-failed")) } }
            }
            form.form method="post" action="/login" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="next" value=(next);
                (field("email", &ctx.t("field-email"), email, &errors, Input::EMAIL))
                (field("password", &ctx.t("field-password"), "", &errors, Input::CURRENT_PASSWORD))
                button.button.button-primary type="submit" { (ctx.t("login-submit")) }
            }
            p { a href="/forgot-password" { (ctx.t("login-forgot")) } }
            p { (ctx.t("login-no-account")) " " a href="/register" { (ctx.t("nav-register")) } }
        },
    )
}

pub fn forgot(ctx: &Ctx, email: &str, errors: &Errors) -> Markup {
    let title = ctx.t("forgot-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t("forgot-intro")) }
            (error_summary(ctx, errors))
            form.form method="post" action="/forgot-password" novalidate {
                (csrf_field(ctx))
                (field("email", &ctx.t("field-email"), email, errors, Input::EMAIL))
                button.button.button-primary type="submit" { (ctx.t("forgot-submit")) }
            }
        },
    )
}

pub fn set_password(ctx: &Ctx, token: &str, email: &str, errors: &Errors) -> Markup {
    let title = ctx.t("set-password-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t_args("set-password-intro", &[("email", email)])) }
            (error_summary(ctx, errors))
            form.form method="post" action="/account/set-password" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="token" value=(token);
                (field("password", &ctx.t("field-new-password"), "", errors, Input { hint: Some(&ctx.t("password-hint")), ..Input::NEW_PASSWORD }))
                (field("password_confirm", &ctx.t("field-confirm-password"), "", errors, Input::NEW_PASSWORD))
                button.button.button-primary type="submit" { (ctx.t("set-password-submit")) }
            }
        },
    )
}

pub fn accept_invitation(
    ctx: &Ctx,
    token: &str,
    organisation: &str,
    email: &str,
    name: &str,
    errors: &Errors,
) -> Markup {
    let title = ctx.t_args("accept-title", &[("organisation", organisation)]);
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t_args("accept-intro", &[("email", email), ("organisation", organisation)])) }
            (error_summary(ctx, errors))
            form.form method="post" action="/invitations/accept" novalidate {
                (csrf_field(ctx))
                input type="hidden" name="token" value=(token);
                (field("name", &ctx.t("field-name"), name, errors, Input { autocomplete: Some("name"), ..Input::TEXT }))
                (field("password", &ctx.t("field-new-password"), "", errors, Input { hint: Some(&ctx.t("password-hint")), ..Input::NEW_PASSWORD }))
                (field("password_confirm", &ctx.t("field-confirm-password"), "", errors, Input::NEW_PASSWORD))
                button.button.button-primary type="submit" { (ctx.t("accept-submit")) }
            }
        },
    )
}

/// The page a verification link opens: one button confirms.
pub fn verify(ctx: &Ctx, token: &str) -> Markup {
    let title = ctx.t("verify-title");
    page(
        ctx,
        &title,
        html! {
            h1 { (title) }
            p { (ctx.t("verify-intro")) }
            form.form method="post" action="/verify" {
                (csrf_field(ctx))
                input type="hidden" name="token" value=(token);
                button.button.button-primary type="submit" { (ctx.t("verify-submit")) }
            }
        },
    )
}
