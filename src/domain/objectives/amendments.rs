//! Amendments: the public record of what changed in a published objective, and why.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::editing::Editing;
use super::{ObjectiveDraft, WeightedCriterion};
use crate::db::DbConnection;
use crate::db::ids::{ObjectiveId, UserId};
use crate::db::schema::amendments;
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::criteria::Criterion;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = amendments)]
pub struct Amendment {
    pub id: crate::db::ids::AmendmentId,
    pub objective_id: ObjectiveId,
    pub occurred_at: NaiveDateTime,
    pub author_id: UserId,
    pub reason: String,
    pub changes: String,
    pub essential: bool,
}

/// One changed field of an amendment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Amendment {
    pub fn change_list(&self) -> Vec<Change> {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

/// The changes from `before` to `after`, as (field, before, after) in plain text, and whether
/// they are essential (the need, the criteria or weights, the deadline).
pub fn diff(before: &ObjectiveDraft, after: &ObjectiveDraft, catalogue: &[Criterion]) -> (Vec<Change>, bool) {
    let mut changes = Vec::new();
    let mut push = |field: &str, b: String, a: String| {
        if b != a {
            changes.push(Change { field: field.to_owned(), before: b, after: a });
        }
    };
    let opt = |v: Option<String>| v.unwrap_or_default();
    push("title", before.title.clone(), after.title.clone());
    push("need", before.need.clone(), after.need.clone());
    push("political_objective", before.political_objective.clone(), after.political_objective.clone());
    push("deliberation_ref", before.deliberation_ref.clone(), after.deliberation_ref.clone());
    push(
        "deliberation_date",
        opt(before.deliberation_date.map(|d| d.to_string())),
        opt(after.deliberation_date.map(|d| d.to_string())),
    );
    push("deliberation_url", opt(before.deliberation_url.clone()), opt(after.deliberation_url.clone()));
    push("themes", before.themes.join(", "), after.themes.join(", "));
    push("horizon", before.horizon.as_str().to_owned(), after.horizon.as_str().to_owned());
    push(
        "budget_euros",
        opt(before.budget_euros.map(|b| b.to_string())),
        opt(after.budget_euros.map(|b| b.to_string())),
    );
    push("place", before.place.clone(), after.place.clone());
    push("contact", before.contact.clone(), after.contact.clone());
    let when = |d: Option<NaiveDateTime>| d.map(|d| format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S"))).unwrap_or_default();
    push("deadline", when(before.deadline_at), when(after.deadline_at));
    let rule = |d: &ObjectiveDraft| format!("{} {}", d.shortlist_rule, d.shortlist_value);
    push("shortlist", rule(before), rule(after));
    let describe = |ws: &[WeightedCriterion]| {
        let mut parts: Vec<String> = ws
            .iter()
            .map(|w| {
                let name = catalogue
                    .iter()
                    .find(|c| c.id == w.criterion_id)
                    .map_or_else(|| w.criterion_id.to_string(), |c| c.code.clone());
                match (w.eliminatory, w.min_score) {
                    (true, Some(m)) => format!("{name} {}% (≥{m})", w.weight),
                    _ => format!("{name} {}%", w.weight),
                }
            })
            .collect();
        parts.sort();
        parts.join(", ")
    };
    push("criteria", describe(&before.criteria), describe(&after.criteria));
    let ms = |d: &ObjectiveDraft| {
        d.milestones.iter().map(|m| format!("{} {}", m.due_on, m.label)).collect::<Vec<_>>().join("; ")
    };
    push("milestones", ms(before), ms(after));
    // The shortlist rule decides who is retained: as essential as the weights.
    let essential = changes.iter().any(|c| matches!(c.field.as_str(), "need" | "criteria" | "deadline" | "shortlist"));
    (changes, essential)
}

/// Documents added to a published objective: a public (not essential) amendment.
pub fn record_documents_amendment(
    conn: &mut DbConnection,
    id: ObjectiveId,
    reason: &str,
    names: &[String],
    cx: &Editing<'_>,
) -> QueryResult<()> {
    let author = match cx.actor {
        AuditActor::User { id, .. } => *id,
        _ => return Ok(()),
    };
    let changes = vec![Change { field: "documents".into(), before: String::new(), after: names.join(", ") }];
    diesel::insert_into(amendments::table)
        .values((
            amendments::objective_id.eq(id),
            amendments::occurred_at.eq(cx.now),
            amendments::author_id.eq(author),
            amendments::reason.eq(reason.trim()),
            amendments::changes.eq(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into())),
            amendments::essential.eq(false),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        cx.actor,
        Event::ObjectiveAmended,
        Subject::Objective(id),
        serde_json::json!({ "fields": ["documents"], "essential": false, "reason": reason.trim() }),
        cx.now,
    )
}
