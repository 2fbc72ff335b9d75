//! Form building blocks, so every form looks and behaves the same: a label, an optional hint, the
//! error next to its field (tied with `aria-describedby`, announced in a summary), values kept.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::layout::Ctx;

/// Translated error messages by field name.
#[derive(Debug, Clone, Default)]
pub struct Errors(pub BTreeMap<String, String>);

impl Errors {
    /// Adds a message to a field; several messages on one field are shown together.
    pub fn add(&mut self, field: impl Into<String>, message: String) {
        self.0
            .entry(field.into())
            .and_modify(|existing| {
                existing.push(' ');
                existing.push_str(&message);
            })
            .or_insert(message);
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field)
    }
}

/// A summary at the top of a form with errors, linking to each field.
pub fn error_summary(ctx: &Ctx, errors: &Errors) -> Markup {
    html! {
        @if !errors.is_empty() {
            div.alert.alert-error role="alert" tabindex="-1" #error-summary {
                p { strong { (ctx.t("form-has-errors")) } }
                ul {
                    @for (field, message) in &errors.0 {
                        li { a href=(format!("#{field}")) { (message) } }
                    }
                }
            }
        }
    }
}

/// How a field is typed.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub kind: &'a str,
    pub autocomplete: Option<&'a str>,
    pub required: bool,
    pub hint: Option<&'a str>,
}

impl Input<'_> {
    pub const TEXT: Input<'static> = Input { kind: "text", autocomplete: None, required: true, hint: None };
    pub const OPTIONAL: Input<'static> = Input { kind: "text", autocomplete: None, required: false, hint: None };
    pub const EMAIL: Input<'static> = Input { kind: "email", autocomplete: Some("email"), required: true, hint: None };
    pub const NEW_PASSWORD: Input<'static> =
        Input { kind: "password", autocomplete: Some("new-password"), required: true, hint: None };
    pub const CURRENT_PASSWORD: Input<'static> =
        Input { kind: "password", autocomplete: Some("current-password"), required: true, hint: None };
}

/// A labelled input. Passwords are never echoed back.
pub fn field(name: &str, label: &str, value: &str, errors: &Errors, input: Input<'_>) -> Markup {
    let error = errors.get(name);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let mut described = Vec::new();
    if input.hint.is_some() {
        described.push(hint_id.as_str());
    }
    if error.is_some() {
        described.push(error_id.as_str());
    }
    let described = described.join(" ");
    let value = if input.kind == "password" { "" } else { value };
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(hint) = input.hint { p.hint id=(hint_id) { (hint) } }
            @if let Some(message) = error { p.field-error id=(error_id) { (message) } }
            input id=(name) name=(name) type=(input.kind) value=(value)
                autocomplete=[input.autocomplete] required[input.required]
                aria-invalid=[error.map(|_| "true")]
                aria-describedby=[(!described.is_empty()).then_some(described.as_str())];
        }
    }
}

/// A `<select>` with its options as (value, label).
pub fn select(name: &str, label: &str, selected: &str, options: &[(String, String)], errors: &Errors) -> Markup {
    let error = errors.get(name);
    let error_id = format!("{name}-error");
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(message) = error { p.field-error id=(error_id) { (message) } }
            select id=(name) name=(name) aria-invalid=[error.map(|_| "true")]
                aria-describedby=[error.map(|_| error_id.as_str())] {
                @for (value, text) in options {
                    option value=(value) selected[value == selected] { (text) }
                }
            }
        }
    }
}

/// A checkbox with its label after it.
pub fn checkbox(name: &str, label: &str, checked: bool) -> Markup {
    html! {
        div.field.field-check {
            input id=(name) type="checkbox" name=(name) value="true" checked[checked];
            label for=(name) { (label) }
        }
    }
}
