//! The permanent practice objective: any supplier rehearses the whole deposit on it —
//! attachments, receipt, verification — without it counting anywhere. It is never listed,
//! never closes, is never opened, and has no open-data record.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{CriterionId, ObjectiveId, UserId};
use crate::db::schema::{criteria, objective_criteria, objectives};
use crate::db::{DbConnection, write_tx};

pub const REFERENCE: &str = "AO-PRACTICE";

/// The practice objective, if it was created already (a read: `GET /practice` changes nothing).
pub fn find(conn: &mut DbConnection) -> QueryResult<Option<ObjectiveId>> {
    objectives::table.filter(objectives::practice.eq(true)).select(objectives::id).first::<ObjectiveId>(conn).optional()
}

/// The practice objective, created the first time a supplier asks for it (`POST /practice`).
pub fn ensure(conn: &mut DbConnection, by: UserId, now: NaiveDateTime) -> QueryResult<ObjectiveId> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        if let Some(id) = objectives::table
            .filter(objectives::practice.eq(true))
            .select(objectives::id)
            .first::<ObjectiveId>(conn)
            .optional()?
        {
            return Ok(id);
        }
        let id: ObjectiveId = diesel::insert_into(objectives::table)
            .values((
                objectives::reference.eq(REFERENCE),
                objectives::title.eq("Dépôt d’entraînement — Practice deposit"),
                objectives::need.eq("Cet objectif permanent sert à s’entraîner au dépôt : pièces jointes, accusé de réception, vérification. Rien de ce qui y est déposé n’est ouvert ni évalué.\n\nThis permanent objective is for rehearsing a deposit: attachments, receipt, verification. Nothing deposited here is ever opened or evaluated."),
                objectives::political_objective.eq(""),
                objectives::deliberation_ref.eq(""),
                objectives::themes.eq("[]"),
                objectives::horizon.eq("5"),
                objectives::place.eq(""),
                objectives::contact.eq(""),
                objectives::shortlist_rule.eq("top"),
                objectives::shortlist_value.eq(1),
                objectives::status.eq("published"),
                objectives::published_at.eq(Some(now)),
                objectives::created_by.eq(by),
                objectives::created_at.eq(now),
                objectives::updated_at.eq(now),
                objectives::search_text.eq(""),
                objectives::practice.eq(true),
            ))
            .returning(objectives::id)
            .get_result(conn)?;
        // Three criteria of the catalogue, so statements per criterion can be rehearsed too.
        let picked: Vec<CriterionId> = criteria::table
            .filter(criteria::retired_at.is_null())
            .order(criteria::id.asc())
            .limit(3)
            .select(criteria::id)
            .load(conn)?;
        let weights = [40, 30, 30];
        for (i, c) in picked.iter().enumerate() {
            diesel::insert_into(objective_criteria::table)
                .values((
                    objective_criteria::objective_id.eq(id),
                    objective_criteria::criterion_id.eq(*c),
                    objective_criteria::weight.eq(weights[i]),
                    objective_criteria::eliminatory.eq(false),
                    objective_criteria::min_score.eq(None::<i32>),
                    objective_criteria::position.eq(i as i32),
                ))
                .execute(conn)?;
        }
        Ok(id)
    })
}
