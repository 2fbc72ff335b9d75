//! Objectives: the region's need statements, from draft to results, with their weighted criteria,
//! milestones and public amendments.
//!
//! The lifecycle is a checked state machine ([`next`], in [`lifecycle`]). "Closed" is never
//! stored: a published objective whose deadline has passed *is* closed (`Status::effective`), so
//! no job is needed. Here are the stored types and the loading of one objective; [`form`] parses
//! the agents' form and says what publishing still needs, [`editing`] changes objectives,
//! [`amendments`] records the changes to published ones, and [`mod@list`] reads many at once.

pub mod amendments;
pub mod editing;
pub mod form;
pub mod lifecycle;
pub mod list;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{CriterionId, ObjectiveId, UserId};
use crate::db::schema::{self, milestones, objective_criteria, objectives};

pub use amendments::{Amendment, Change, diff, record_documents_amendment};
pub use editing::{Editing, ObjectiveError, cancel, create, delete_draft, publish, save};
pub use form::{
    MAX_MILESTONES, NEED_MAX_CHARS, ObjectiveDraft, criteria_problems, missing_for_publication, paris_to_utc,
    parse_form,
};
pub use lifecycle::{Status, Transition, next};
pub use list::{ListFilter, ListOrder, closing_soon, criteria_of, list, titles};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    Five,
    Ten,
    Twenty,
    Beyond,
}

impl Horizon {
    pub const ALL: [Horizon; 4] = [Horizon::Five, Horizon::Ten, Horizon::Twenty, Horizon::Beyond];
    pub fn as_str(self) -> &'static str {
        match self {
            Horizon::Five => "5",
            Horizon::Ten => "10",
            Horizon::Twenty => "20",
            Horizon::Beyond => "20+",
        }
    }
    pub fn parse(s: &str) -> Option<Horizon> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = objectives)]
pub struct Objective {
    pub id: ObjectiveId,
    pub reference: String,
    pub title: String,
    pub need: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<NaiveDate>,
    pub deliberation_url: Option<String>,
    pub themes: String,
    pub horizon: String,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    pub deadline_at: Option<NaiveDateTime>,
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The permanent practice objective: never listed, never opened.
    pub practice: bool,
    /// How members' scores combine: `mean` or `median`.
    pub aggregation: String,
    /// Committee members see "Proposal 7", never who deposited it.
    pub blind: bool,
    pub results_published_at: Option<NaiveDateTime>,
    /// The published results show the totals per criterion.
    pub results_per_criterion: bool,
}

impl Objective {
    pub fn theme_list(&self) -> Vec<String> {
        serde_json::from_str(&self.themes).unwrap_or_default()
    }
    pub fn status_at(&self, now: NaiveDateTime) -> Status {
        Status::effective(&self.status, self.deadline_at, now)
    }
}

/// One criterion of an objective, with its weight.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = objective_criteria)]
pub struct WeightedCriterion {
    pub criterion_id: CriterionId,
    pub weight: i32,
    pub eliminatory: bool,
    pub min_score: Option<i32>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = milestones)]
pub struct Milestone {
    pub due_on: NaiveDate,
    pub label: String,
}

/// Everything about one objective.
#[derive(Debug, Clone)]
pub struct ObjectiveFull {
    pub objective: Objective,
    pub criteria: Vec<WeightedCriterion>,
    pub milestones: Vec<Milestone>,
    pub amendments: Vec<Amendment>,
}

impl ObjectiveFull {
    pub fn draft(&self) -> ObjectiveDraft {
        ObjectiveDraft::from_stored(&self.objective, &self.criteria, &self.milestones)
    }
}

/// One objective with its criteria, milestones and amendments.
pub fn load(conn: &mut DbConnection, id: ObjectiveId) -> QueryResult<Option<ObjectiveFull>> {
    let Some(objective) = objectives::table.find(id).select(Objective::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let criteria = objective_criteria::table
        .filter(objective_criteria::objective_id.eq(id))
        .order(objective_criteria::position.asc())
        .select(WeightedCriterion::as_select())
        .load(conn)?;
    let milestones = milestones::table
        .filter(milestones::objective_id.eq(id))
        .order((milestones::due_on.asc(), milestones::id.asc()))
        .select(Milestone::as_select())
        .load(conn)?;
    let amendments = schema::amendments::table
        .filter(schema::amendments::objective_id.eq(id))
        .order(schema::amendments::id.asc())
        .select(Amendment::as_select())
        .load(conn)?;
    Ok(Some(ObjectiveFull { objective, criteria, milestones, amendments }))
}
