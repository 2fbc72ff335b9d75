//! The criteria catalogue: seeded once from `criteria_seed`, then kept by administrators. A
//! criterion that a published objective uses is retired, never deleted.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::CriterionId;
use crate::db::schema::{criteria, objective_criteria, objectives};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::criteria_seed::CATALOGUE;
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::i18n::Lang;

pub const CATEGORIES: [&str; 6] =
    ["environmental", "social", "economic", "change_support", "innovation", "feasibility"];

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = criteria)]
pub struct Criterion {
    pub id: CriterionId,
    pub code: String,
    pub category: String,
    pub goal: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub levels_fr: String,
    pub levels_en: String,
    pub retired_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Criterion {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.name_fr,
            Lang::En => &self.name_en,
        }
    }
    pub fn description(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fr => &self.description_fr,
            Lang::En => &self.description_en,
        }
    }
    /// What each score from 0 to 5 means.
    pub fn levels(&self, lang: Lang) -> Vec<String> {
        let raw = match lang {
            Lang::Fr => &self.levels_fr,
            Lang::En => &self.levels_en,
        };
        serde_json::from_str(raw).unwrap_or_default()
    }
    pub fn is_environmental(&self) -> bool {
        self.category == "environmental"
    }
}

/// Seeds the catalogue into an empty table (at start-up; idempotent).
pub fn seed_if_empty(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        let existing: i64 = criteria::table.count().get_result(conn)?;
        if existing > 0 {
            return Ok(0);
        }
        for seed in CATALOGUE {
            diesel::insert_into(criteria::table)
                .values((
                    criteria::code.eq(seed.code),
                    criteria::category.eq(seed.category),
                    criteria::goal.eq(seed.goal),
                    criteria::name_fr.eq(seed.name_fr),
                    criteria::name_en.eq(seed.name_en),
                    criteria::description_fr.eq(seed.description_fr),
                    criteria::description_en.eq(seed.description_en),
                    criteria::levels_fr.eq(serde_json::json!(seed.levels_fr).to_string()),
                    criteria::levels_en.eq(serde_json::json!(seed.levels_en).to_string()),
                    criteria::created_at.eq(now),
                    criteria::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok(CATALOGUE.len())
    })
}

/// The catalogue in display order; retired criteria only when asked.
pub fn list(conn: &mut DbConnection, include_retired: bool) -> QueryResult<Vec<Criterion>> {
    let mut q = criteria::table.select(Criterion::as_select()).into_boxed();
    if !include_retired {
        q = q.filter(criteria::retired_at.is_null());
    }
    let mut all: Vec<Criterion> = q.order(criteria::id.asc()).load(conn)?;
    all.sort_by_key(|c| CATEGORIES.iter().position(|k| *k == c.category).unwrap_or(CATEGORIES.len()));
    Ok(all)
}

pub fn find(conn: &mut DbConnection, id: CriterionId) -> QueryResult<Option<Criterion>> {
    criteria::table.find(id).select(Criterion::as_select()).first(conn).optional()
}

/// A valid edit of a criterion by an administrator.
#[derive(Debug, Clone)]
pub struct CriterionEdit {
    pub category: String,
    pub goal: String,
    pub name_fr: String,
    pub name_en: String,
    pub description_fr: String,
    pub description_en: String,
    pub levels_fr: [String; 6],
    pub levels_en: [String; 6],
}

/// Field problems of an edit, as (field, catalogue key).
pub fn validate(edit: &CriterionEdit) -> Vec<(&'static str, &'static str)> {
    let mut problems = Vec::new();
    if !CATEGORIES.contains(&edit.category.as_str()) {
        problems.push(("category", "criterion-error-category"));
    }
    let goal_ok = !edit.goal.is_empty()
        && edit.goal.split('.').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        && ["environmental", "social", "economic", "innovation"]
            .iter()
            .any(|root| edit.goal.split('.').next() == Some(*root));
    if !goal_ok {
        problems.push(("goal", "criterion-error-goal"));
    }
    for (field, value, max) in [
        ("name_fr", &edit.name_fr, 80),
        ("name_en", &edit.name_en, 80),
        ("description_fr", &edit.description_fr, 400),
        ("description_en", &edit.description_en, 400),
    ] {
        if value.trim().is_empty() || value.chars().count() > max {
            problems.push((field, "criterion-error-text"));
        }
    }
    if edit.levels_fr.iter().chain(edit.levels_en.iter()).any(|l| l.trim().is_empty() || l.chars().count() > 200) {
        problems.push(("levels", "criterion-error-levels"));
    }
    problems
}

/// The columns an edit sets, shared by creation and update.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = criteria)]
struct CriterionFields<'a> {
    category: &'a str,
    goal: &'a str,
    name_fr: &'a str,
    name_en: &'a str,
    description_fr: &'a str,
    description_en: &'a str,
    levels_fr: String,
    levels_en: String,
    updated_at: NaiveDateTime,
}

fn fields(edit: &CriterionEdit, now: NaiveDateTime) -> CriterionFields<'_> {
    CriterionFields {
        category: &edit.category,
        goal: &edit.goal,
        name_fr: edit.name_fr.trim(),
        name_en: edit.name_en.trim(),
        description_fr: edit.description_fr.trim(),
        description_en: edit.description_en.trim(),
        levels_fr: serde_json::json!(edit.levels_fr).to_string(),
        levels_en: serde_json::json!(edit.levels_en).to_string(),
        updated_at: now,
    }
}

/// Why an administrator's change to a criterion was refused.
#[derive(Debug, thiserror::Error)]
pub enum CriterionError {
    #[error("no such criterion")]
    NotFound,
    /// The edit changes what the criterion is, and published objectives rely on it.
    #[error("published objectives use this criterion")]
    InUse,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl Refusal for CriterionError {
    fn kind(&self) -> Kind {
        match self {
            CriterionError::NotFound => Kind::NotFound,
            CriterionError::InUse => Kind::Conflict,
            CriterionError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            CriterionError::NotFound => "not_found",
            CriterionError::InUse => "criterion_in_use",
            CriterionError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            CriterionError::NotFound => Message::new("error-404-text"),
            // Administrators read it as it always was, untranslated.
            CriterionError::InUse => Message::plain(self.to_string()),
            CriterionError::Db(e) => database_message(e),
        }
    }
}

/// Adds a criterion to the catalogue under a new code. A code already taken is the database's
/// unique violation.
pub fn create(
    conn: &mut DbConnection,
    code: &str,
    edit: &CriterionEdit,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<CriterionId> {
    write_tx(conn, |conn| {
        let id = diesel::insert_into(criteria::table)
            .values((fields(edit, now), criteria::code.eq(code), criteria::created_at.eq(now)))
            .returning(criteria::id)
            .get_result(conn)?;
        audit::record(conn, by, Event::CriterionCreated, Subject::Criterion(id), serde_json::json!({}), now)?;
        Ok(id)
    })
}

/// Saves an edit of a criterion. What published objectives rely on (its category or goal) does
/// not change under them: `InUse`. One at a time with objectives' writes.
pub fn update(
    conn: &mut DbConnection,
    id: CriterionId,
    edit: &CriterionEdit,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), CriterionError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = find(conn, id)?.ok_or(CriterionError::NotFound)?;
        if changes_meaning(&current, edit) && used_by_published(conn, id)? {
            return Err(CriterionError::InUse);
        }
        let fields_changed = changed_fields(&current, edit);
        diesel::update(criteria::table.find(id)).set(fields(edit, now)).execute(conn)?;
        audit::record(
            conn,
            by,
            Event::CriterionUpdated,
            Subject::Criterion(id),
            serde_json::json!({ "fields": fields_changed }),
            now,
        )?;
        Ok(())
    })
}

/// Whether an edit changes what a criterion *is* (its category or goal), which published
/// objectives rely on; wording may still be corrected.
pub fn changes_meaning(current: &Criterion, edit: &CriterionEdit) -> bool {
    current.category != edit.category || current.goal != edit.goal
}

/// The fields an edit changes, for the audit log.
pub fn changed_fields(current: &Criterion, edit: &CriterionEdit) -> Vec<&'static str> {
    let mut fields = Vec::new();
    for (name, before, after) in [
        ("category", &current.category, &edit.category),
        ("goal", &current.goal, &edit.goal),
        ("name_fr", &current.name_fr, &edit.name_fr),
        ("name_en", &current.name_en, &edit.name_en),
        ("description_fr", &current.description_fr, &edit.description_fr),
        ("description_en", &current.description_en, &edit.description_en),
    ] {
        if before.trim() != after.trim() {
            fields.push(name);
        }
    }
    if current.levels(Lang::Fr) != edit.levels_fr.to_vec() || current.levels(Lang::En) != edit.levels_en.to_vec() {
        fields.push("levels");
    }
    fields
}

/// Whether any objective beyond a draft uses the criterion.
pub fn used_by_published(conn: &mut DbConnection, id: CriterionId) -> QueryResult<bool> {
    let n: i64 = objective_criteria::table
        .inner_join(objectives::table)
        .filter(objective_criteria::criterion_id.eq(id))
        .filter(objectives::status.ne("draft"))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// What removing a criterion did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removal {
    Deleted,
    /// Used by a published objective: kept, but offered no more.
    Retired,
}

/// Removes a criterion: deleted if nothing beyond a draft uses it (drafts lose it), else retired.
pub fn remove(
    conn: &mut DbConnection,
    id: CriterionId,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<Removal, CriterionError> {
    write_tx(conn, |conn| {
        find(conn, id)?.ok_or(CriterionError::NotFound)?;
        // One at a time with publications: a criterion cannot be deleted while an objective
        // using it is being published.
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let removal = if used_by_published(conn, id)? {
            diesel::update(criteria::table.find(id)).set(criteria::retired_at.eq(Some(now))).execute(conn)?;
            Removal::Retired
        } else {
            diesel::delete(objective_criteria::table.filter(objective_criteria::criterion_id.eq(id))).execute(conn)?;
            diesel::delete(criteria::table.find(id)).execute(conn)?;
            Removal::Deleted
        };
        let event = if removal == Removal::Retired { Event::CriterionRetired } else { Event::CriterionDeleted };
        audit::record(conn, by, event, Subject::Criterion(id), serde_json::json!({}), now)?;
        Ok(removal)
    })
}

/// Offers a retired criterion again.
pub fn restore(
    conn: &mut DbConnection,
    id: CriterionId,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), CriterionError> {
    write_tx(conn, |conn| {
        let n = diesel::update(criteria::table.find(id))
            .set((criteria::retired_at.eq(None::<NaiveDateTime>), criteria::updated_at.eq(now)))
            .execute(conn)?;
        if n == 0 {
            return Err(CriterionError::NotFound);
        }
        audit::record(conn, by, Event::CriterionRestored, Subject::Criterion(id), serde_json::json!({}), now)?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_covers_every_category_with_six_levels() {
        for category in CATEGORIES {
            assert!(CATALOGUE.iter().any(|c| c.category == category), "{category}");
        }
        let mut codes: Vec<&str> = CATALOGUE.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), CATALOGUE.len(), "codes are unique");
        for c in CATALOGUE {
            let edit = CriterionEdit {
                category: c.category.into(),
                goal: c.goal.into(),
                name_fr: c.name_fr.into(),
                name_en: c.name_en.into(),
                description_fr: c.description_fr.into(),
                description_en: c.description_en.into(),
                levels_fr: c.levels_fr.map(String::from),
                levels_en: c.levels_en.map(String::from),
            };
            assert!(validate(&edit).is_empty(), "{}: {:?}", c.code, validate(&edit));
        }
    }
}
