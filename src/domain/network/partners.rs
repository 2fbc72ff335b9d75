//! Partner finding: on an objective open to proposals, an organisation says it is looking for
//! partners and which skills it seeks; everyone sees the list on the objective, and verified
//! organisations contact it through the platform's messages (no address is ever shown).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Acting;
use crate::db::ids::{ObjectiveId, OrganisationId, PartnerRequestId, UserId};
use crate::db::schema::{objectives, organisation_profiles, organisations, partner_requests};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};

pub const SKILLS_MIN_CHARS: usize = 10;
pub const SKILLS_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = partner_requests)]
pub struct PartnerRequest {
    pub id: PartnerRequestId,
    pub objective_id: ObjectiveId,
    pub organisation_id: OrganisationId,
    pub skills: String,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// One request as shown on the objective: with its organisation's name, and whether the
/// organisation has a listed profile to link to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shown {
    pub request: PartnerRequest,
    pub organisation: String,
    pub listed: bool,
}

/// The skills sought, trimmed; the message key of the problem otherwise.
pub fn parse_skills(raw: &str) -> Result<String, &'static str> {
    let text = raw.trim().replace("\r\n", "\n").replace(['\r', '\0'], "");
    let n = text.chars().count();
    if n < SKILLS_MIN_CHARS {
        Err("partners-error-short")
    } else if n > SKILLS_MAX_CHARS {
        Err("partners-error-long")
    } else {
        Ok(text)
    }
}

/// Whether an objective takes partner requests now: published, open, not the practice one.
pub fn accepts(conn: &mut DbConnection, objective: ObjectiveId, now: NaiveDateTime) -> QueryResult<bool> {
    let row: Option<(String, Option<NaiveDateTime>, bool)> = objectives::table
        .find(objective)
        .select((objectives::status, objectives::deadline_at, objectives::practice))
        .first(conn)
        .optional()?;
    Ok(matches!(row, Some((status, Some(deadline), false)) if status == "published" && deadline > now))
}

/// The requests on an objective, oldest first.
pub fn on_objective(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Shown>> {
    let rows: Vec<(PartnerRequest, String, Option<bool>)> = partner_requests::table
        .inner_join(organisations::table)
        .left_join(
            organisation_profiles::table
                .on(organisation_profiles::organisation_id.eq(partner_requests::organisation_id)),
        )
        .filter(partner_requests::objective_id.eq(objective))
        .order(partner_requests::id.asc())
        .select((PartnerRequest::as_select(), organisations::legal_name, organisation_profiles::listed.nullable()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(request, organisation, listed)| Shown { request, organisation, listed: listed.unwrap_or(false) })
        .collect())
}

/// Says the organisation looks for partners (or changes the skills it seeks). The caller checked
/// that the objective accepts requests.
pub fn publish(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    org: OrganisationId,
    skills: &str,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<PartnerRequestId> {
    let existing: Option<PartnerRequestId> = partner_requests::table
        .filter(partner_requests::objective_id.eq(objective))
        .filter(partner_requests::organisation_id.eq(org))
        .select(partner_requests::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => {
            diesel::update(partner_requests::table.find(id))
                .set((partner_requests::skills.eq(skills), partner_requests::updated_at.eq(now)))
                .execute(conn)?;
            Ok(id)
        }
        None => diesel::insert_into(partner_requests::table)
            .values((
                partner_requests::objective_id.eq(objective),
                partner_requests::organisation_id.eq(org),
                partner_requests::skills.eq(skills),
                partner_requests::created_by.eq(by),
                partner_requests::created_at.eq(now),
                partner_requests::updated_at.eq(now),
            ))
            .returning(partner_requests::id)
            .get_result(conn),
    }
}

/// Says, from the objective's page, that the organisation looks for partners (or changes the
/// skills it seeks), with its audit entry; `None` when the objective takes no requests (not
/// published, past its deadline, or the practice one).
pub fn seek(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    org: OrganisationId,
    skills: &str,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<Option<PartnerRequestId>> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        if !accepts(conn, objective, now)? {
            return Ok(None);
        }
        let id = publish(conn, objective, org, skills, by.user, now)?;
        let details = serde_json::json!({ "request": id.0, "organisation": org.0 });
        audit::record(conn, by.actor, Event::PartnersRequested, Subject::Objective(objective), details, now)?;
        Ok(Some(id))
    })
}

/// Withdraws the organisation's request on an objective, with its audit entry; false when it had
/// none.
pub fn withdraw(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    org: OrganisationId,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let n = diesel::delete(
            partner_requests::table
                .filter(partner_requests::objective_id.eq(objective))
                .filter(partner_requests::organisation_id.eq(org)),
        )
        .execute(conn)?;
        if n == 0 {
            return Ok(false);
        }
        let details = serde_json::json!({ "organisation": org.0 });
        audit::record(conn, by, Event::PartnersWithdrawn, Subject::Objective(objective), details, now)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skills_are_between_ten_and_a_thousand_characters() {
        assert_eq!(parse_skills("  Pose de panneaux solaires  "), Ok("Pose de panneaux solaires".into()));
        assert_eq!(parse_skills("Bois"), Err("partners-error-short"));
        assert_eq!(parse_skills(&"é".repeat(1001)), Err("partners-error-long"));
        assert!(parse_skills(&"é".repeat(1000)).is_ok());
    }
}
