//! The one pattern for what cannot be undone: a page of its own that says what will happen and what
//! cannot be taken back, the form that does it (with any reason it needs), the dangerous button set
//! apart from the way back.

use maud::{Markup, html};

use super::forms::{Errors, error_summary};
use super::layout::{Ctx, breadcrumbs, csrf_field, page};

/// A reason the action needs, typed on the confirmation page.
pub struct Reason<'a> {
    pub name: &'a str,
    pub label: String,
    pub hint: Option<String>,
    pub value: &'a str,
}

/// What a confirmation page shows.
pub struct Confirm<'a> {
    pub title: String,
    /// The pages above, as (address, label).
    pub trail: Vec<(&'a str, String)>,
    /// What the action is about (an objective's, a proposal's, a person's name).
    pub subject: String,
    /// What will happen.
    pub effects: Vec<String>,
    /// What cannot be undone, said plainly.
    pub irreversible: String,
    /// Things still open that the person should know before going on (disagreements, …).
    pub open_items: Option<(String, Vec<String>)>,
    pub action: String,
    pub hidden: Vec<(&'a str, String)>,
    pub reason: Option<Reason<'a>>,
    /// Choices to make on the way, as check boxes (name, label) sending "true" when ticked.
    pub checks: Vec<(&'a str, String)>,
    pub button: String,
    /// Where "go back" leads.
    pub back: String,
    pub errors: Errors,
}

pub fn confirmation(ctx: &Ctx, c: &Confirm<'_>) -> Markup {
    let trail: Vec<(&str, String)> = c.trail.iter().map(|(h, l)| (*h, l.clone())).collect();
    page(
        ctx,
        &c.title,
        html! {
            (breadcrumbs(ctx, &trail, &c.title))
            (error_summary(ctx, &c.errors))
            h1 { (c.title) }
            p.lead { strong { (c.subject) } }
            @if !c.effects.is_empty() {
                ul.confirm-effects { @for e in &c.effects { li { (e) } } }
            }
            div.alert.alert-warn role="note" { p { strong { (ctx.t("confirm-irreversible")) } " " (c.irreversible) } }
            @if let Some((heading, items)) = &c.open_items {
                @if !items.is_empty() {
                    section.confirm-open aria-labelledby="confirm-open" {
                        h2 #confirm-open { (heading) }
                        ul { @for i in items { li { (i) } } }
                    }
                }
            }
            form.form.confirm-form method="post" action=(c.action) {
                (csrf_field(ctx))
                @for (name, value) in &c.hidden { input type="hidden" name=(name) value=(value); }
                @if let Some(r) = &c.reason {
                    @let error = c.errors.get(r.name);
                    div.field.field-invalid[error.is_some()] {
                        label for=(r.name) { (r.label) }
                        @if let Some(h) = &r.hint { p.hint id=(format!("{}-hint", r.name)) { (h) } }
                        @if let Some(m) = error { p.field-error id=(format!("{}-error", r.name)) { (m) } }
                        textarea id=(r.name) name=(r.name) rows="4" required
                            aria-invalid=[error.map(|_| "true")]
                            aria-describedby=[error.map(|_| format!("{}-error", r.name))] { (r.value) }
                    }
                }
                @for (name, label) in &c.checks {
                    div.field.field-check { input id=(name) type="checkbox" name=(name) value="true"; label for=(name) { (label) } }
                }
                div.danger-zone {
                    a.button href=(c.back) { (ctx.t("confirm-back")) }
                    button.button.button-danger type="submit" { (c.button) }
                }
            }
        },
    )
}
