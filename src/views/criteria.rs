//! Administration of the criteria catalogue.

use maud::{Markup, html};

use super::forms::{Errors, error_summary};
use super::layout::{Ctx, csrf_field, page};
use crate::domain::criteria::{CATEGORIES, Criterion};

pub fn list(ctx: &Ctx, all: &[Criterion], notice: Option<&str>) -> Markup {
    let title = ctx.t("criteria-admin-title");
    page(
        ctx,
        &title,
        html! {
            div.title-row {
                h1 { (title) }
                a.button.button-primary href="/admin/criteria/new" { (ctx.t("criteria-new")) }
            }
            @if let Some(n) = notice { div.alert.alert-ok role="status" { p { (n) } } }
            p { (ctx.t("criteria-admin-intro")) }
            table {
                thead { tr { th scope="col" { (ctx.t("criterion")) } th scope="col" { (ctx.t("criterion-category")) } th scope="col" { (ctx.t("criterion-goal")) } th scope="col" { (ctx.t("admin-status")) } } }
                tbody {
                    @for c in all {
                        tr {
                            td { a href=(format!("/admin/criteria/{}", c.id)) { (c.name(ctx.lang)) } br; code { (c.code) } }
                            td { (ctx.t(&format!("category-{}", c.category))) }
                            td { code { (c.goal) } }
                            td { @if c.retired_at.is_some() { span.badge { (ctx.t("criterion-retired")) } } @else { span.badge.badge-ok { (ctx.t("criterion-active")) } } }
                        }
                    }
                }
            }
        },
    )
}

/// The edit form's values.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CriterionValues {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub name_fr: String,
    #[serde(default)]
    pub name_en: String,
    #[serde(default)]
    pub description_fr: String,
    #[serde(default)]
    pub description_en: String,
    #[serde(default)]
    pub level_fr_0: String,
    #[serde(default)]
    pub level_fr_1: String,
    #[serde(default)]
    pub level_fr_2: String,
    #[serde(default)]
    pub level_fr_3: String,
    #[serde(default)]
    pub level_fr_4: String,
    #[serde(default)]
    pub level_fr_5: String,
    #[serde(default)]
    pub level_en_0: String,
    #[serde(default)]
    pub level_en_1: String,
    #[serde(default)]
    pub level_en_2: String,
    #[serde(default)]
    pub level_en_3: String,
    #[serde(default)]
    pub level_en_4: String,
    #[serde(default)]
    pub level_en_5: String,
}

impl CriterionValues {
    pub fn levels_fr(&self) -> [String; 6] {
        [&self.level_fr_0, &self.level_fr_1, &self.level_fr_2, &self.level_fr_3, &self.level_fr_4, &self.level_fr_5]
            .map(|s| s.trim().to_owned())
    }
    pub fn levels_en(&self) -> [String; 6] {
        [&self.level_en_0, &self.level_en_1, &self.level_en_2, &self.level_en_3, &self.level_en_4, &self.level_en_5]
            .map(|s| s.trim().to_owned())
    }
    pub fn from_criterion(c: &Criterion) -> CriterionValues {
        let fr = c.levels(crate::i18n::Lang::Fr);
        let en = c.levels(crate::i18n::Lang::En);
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        CriterionValues {
            code: c.code.clone(),
            category: c.category.clone(),
            goal: c.goal.clone(),
            name_fr: c.name_fr.clone(),
            name_en: c.name_en.clone(),
            description_fr: c.description_fr.clone(),
            description_en: c.description_en.clone(),
            level_fr_0: at(&fr, 0),
            level_fr_1: at(&fr, 1),
            level_fr_2: at(&fr, 2),
            level_fr_3: at(&fr, 3),
            level_fr_4: at(&fr, 4),
            level_fr_5: at(&fr, 5),
            level_en_0: at(&en, 0),
            level_en_1: at(&en, 1),
            level_en_2: at(&en, 2),
            level_en_3: at(&en, 3),
            level_en_4: at(&en, 4),
            level_en_5: at(&en, 5),
        }
    }
}

fn input(name: &str, label: &str, value: &str, errors: &Errors) -> Markup {
    let error = errors.get(name);
    html! {
        div.field.field-invalid[error.is_some()] {
            label for=(name) { (label) }
            @if let Some(m) = error { p.field-error id=(format!("{name}-error")) { (m) } }
            input id=(name) name=(name) type="text" value=(value) aria-invalid=[error.map(|_| "true")] aria-describedby=[error.map(|_| format!("{name}-error"))];
        }
    }
}

/// `id` is `None` for a new criterion; `retired` and `used` describe an existing one.
pub fn form(ctx: &Ctx, id: Option<i64>, v: &CriterionValues, errors: &Errors, retired: bool, used: bool) -> Markup {
    let title = if id.is_some() { ctx.t("criteria-edit") } else { ctx.t("criteria-new") };
    let action = id.map_or_else(|| "/admin/criteria".to_owned(), |id| format!("/admin/criteria/{id}"));
    let fr = v.levels_fr();
    let en = v.levels_en();
    page(
        ctx,
        &title,
        html! {
            nav.breadcrumbs aria-label=(ctx.t("breadcrumbs")) { ol { li { a href="/admin/criteria" { (ctx.t("criteria-admin-title")) } } li aria-current="page" { (title) } } }
            h1 { (title) }
            (error_summary(ctx, errors))
            form.form.form-wide method="post" action=(action) novalidate {
                (csrf_field(ctx))
                @if id.is_none() { (input("code", &ctx.t("criterion-code"), &v.code, errors)) }
                div.field {
                    label for="category" { (ctx.t("criterion-category")) }
                    select #category name="category" {
                        @for c in CATEGORIES { option value=(c) selected[v.category == c] { (ctx.t(&format!("category-{c}"))) } }
                    }
                }
                (input("goal", &ctx.t("criterion-goal"), &v.goal, errors))
                (input("name_fr", &ctx.t("criterion-name-fr"), &v.name_fr, errors))
                (input("name_en", &ctx.t("criterion-name-en"), &v.name_en, errors))
                (input("description_fr", &ctx.t("criterion-description-fr"), &v.description_fr, errors))
                (input("description_en", &ctx.t("criterion-description-en"), &v.description_en, errors))
                fieldset #levels {
                    legend { (ctx.t("criterion-levels")) }
                    @if let Some(m) = errors.get("levels") { p.field-error { (m) } }
                    @for i in 0..6 {
                        div.field {
                            label for=(format!("level_fr_{i}")) { (ctx.t_args("criterion-level-fr", &[("n", &i.to_string())])) }
                            input id=(format!("level_fr_{i}")) name=(format!("level_fr_{i}")) type="text" value=(fr[i]);
                        }
                        div.field {
                            label for=(format!("level_en_{i}")) { (ctx.t_args("criterion-level-en", &[("n", &i.to_string())])) }
                            input id=(format!("level_en_{i}")) name=(format!("level_en_{i}")) type="text" value=(en[i]);
                        }
                    }
                }
                button.button.button-primary type="submit" { (ctx.t("save")) }
            }
            @if let Some(id) = id {
                h2 { (ctx.t("criterion-availability")) }
                @if retired {
                    p { (ctx.t("criterion-retired-text")) }
                    form.form method="post" action=(format!("/admin/criteria/{id}/restore")) { (csrf_field(ctx)) button.button type="submit" { (ctx.t("criterion-restore")) } }
                } @else {
                    p { @if used { (ctx.t("criterion-used-text")) } @else { (ctx.t("criterion-unused-text")) } }
                    form.form method="post" action=(format!("/admin/criteria/{id}/remove")) { (csrf_field(ctx)) button.button type="submit" { @if used { (ctx.t("criterion-retire")) } @else { (ctx.t("criterion-delete")) } } }
                }
            }
        },
    )
}
