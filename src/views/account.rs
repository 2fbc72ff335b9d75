//! Account pages reachable before signing in: setting a password from a signed link.

use maud::{Markup, html};

use super::layout::{Page, page};
use crate::i18n::Lang;

/// A form field's error, already translated.
pub type FieldError = Option<String>;

pub fn set_password_form(lang: Lang, token: &str, email: &str, error: FieldError) -> Markup {
    let title = lang.t("set-password-title");
    page(
        &Page { lang, title: &title, path: "/account/set-password" },
        html! {
            h1 { (title) }
            p { (lang.t_args("set-password-intro", &[("email", email)])) }
            @if error.is_some() {
                div.alert.alert-error role="alert" {
                    p { (lang.t("form-has-errors")) }
                }
            }
            form.form method="post" action="/account/set-password" novalidate {
                input type="hidden" name="token" value=(token);
                div.field {
                    label for="password" { (lang.t("field-new-password")) }
                    p.hint #password-hint { (lang.t("password-hint")) }
                    @if let Some(message) = &error {
                        p.field-error #password-error { (message) }
                        input #password type="password" name="password" autocomplete="new-password" required
                            aria-invalid="true" aria-describedby="password-hint password-error";
                    } @else {
                        input #password type="password" name="password" autocomplete="new-password" required
                            aria-describedby="password-hint";
                    }
                }
                div.field {
                    label for="password_confirm" { (lang.t("field-confirm-password")) }
                    input #password_confirm type="password" name="password_confirm" autocomplete="new-password" required;
                }
                button.button.button-primary type="submit" { (lang.t("set-password-submit")) }
            }
        },
    )
}

/// A page with a title, a message and a way forward (link used, expired, or password saved).
pub fn notice(lang: Lang, title_key: &str, text_key: &str, path: &str) -> Markup {
    let title = lang.t(title_key);
    page(
        &Page { lang, title: &title, path },
        html! {
            h1 { (title) }
            p { (lang.t(text_key)) }
            p { a href="/" { (lang.t("error-back-home")) } }
        },
    )
}
