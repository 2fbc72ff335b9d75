//! `achat-ouvert rush-setup`: the accounts and the objective of one round of the crash harness
//! (`tests/crash/rush.py`, docs/RELIABILITY.md section 6), written straight into the database like
//! `seed`, because the platform itself rightly refuses what a rush needs: a deadline seconds away
//! (publication asks for `MIN_RESPONSE_PERIOD`, deadlines are typed to the minute) and dozens of
//! registrations from one address within the hour.
//!
//! It creates a published objective whose deadline is `deadline_in` seconds from now (whole
//! seconds, UTC), and `suppliers` organisations, each with a verified owner (no password: they act
//! only through the API) and a personal API token made by [`api_tokens::create`] (audited, as on
//! the tokens page). Everything the harness does next goes through the served API. Nothing here is
//! reachable from the server.

use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::Serialize;

use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{objectives, organisations, user_roles, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::api_tokens;

/// The account every rush objective is created by.
const AGENT_EMAIL: &str = "agent@rush.example.org";
/// The first 13 digits of the rush organisations' SIRETs start here (the seed uses 7…).
const SIRET_BASE: u64 = 8_000_000_000_000;

/// What the harness reads (printed as JSON).
#[derive(Debug, Serialize)]
pub struct Setup {
    pub objective_id: i64,
    pub reference: String,
    /// UTC, RFC 3339, whole seconds.
    pub deadline: String,
    /// Seconds since the Unix epoch.
    pub deadline_epoch: i64,
    pub suppliers: Vec<Supplier>,
}

#[derive(Debug, Serialize)]
pub struct Supplier {
    pub email: String,
    pub organisation_id: i64,
    pub token: String,
}

/// Creates one round: see the module's documentation.
pub fn setup(
    conn: &mut DbConnection,
    suppliers: usize,
    deadline_in: i64,
    now: NaiveDateTime,
) -> Result<Setup, diesel::result::Error> {
    let deadline = now.with_nanosecond(0).unwrap_or(now) + chrono::Duration::seconds(deadline_in);
    let (objective, reference, owners) = write_tx(conn, |conn| {
        let agent = agent(conn, now)?;
        let reference = format!("AO-RUSH-{}", hex::encode(rand::random::<[u8; 4]>()).to_uppercase());
        let title = format!("Ruée avant l'échéance {reference}");
        let need = "Un objectif du banc d'essai des pannes : des dépôts jusqu'à la dernière seconde.";
        let objective: ObjectiveId = diesel::insert_into(objectives::table)
            .values((
                (
                    objectives::reference.eq(&reference),
                    objectives::search_text.eq(crate::domain::search::index_text(&[&title, need])),
                    objectives::title.eq(&title),
                    objectives::need.eq(need),
                    objectives::political_objective.eq("Tenir l'échéance sous la charge."),
                    objectives::deliberation_ref.eq("CP-RUSH"),
                    objectives::themes.eq("[\"energie\"]"),
                    objectives::horizon.eq("5"),
                    objectives::place.eq("Région"),
                    objectives::contact.eq("achats@rush.example.org"),
                ),
                (
                    objectives::deadline_at.eq(Some(deadline)),
                    objectives::shortlist_rule.eq("top"),
                    objectives::shortlist_value.eq(5),
                    objectives::status.eq("published"),
                    objectives::published_at.eq(Some(now)),
                    objectives::created_by.eq(agent),
                    objectives::created_at.eq(now),
                    objectives::updated_at.eq(now),
                ),
            ))
            .returning(objectives::id)
            .get_result(conn)?;
        let first: i64 = organisations::table.count().get_result(conn)?;
        let mut owners = Vec::with_capacity(suppliers);
        for i in 0..suppliers {
            let n = first as u64 + i as u64;
            let org: OrganisationId = diesel::insert_into(organisations::table)
                .values((
                    organisations::legal_name.eq(format!("Entreprise de la ruée {n}")),
                    organisations::identifier_type.eq("siret"),
                    organisations::identifier.eq(crate::domain::organisations::siret_with_check_digit(SIRET_BASE + n)),
                    organisations::address.eq("1 place de la Région"),
                    organisations::postcode.eq("69001"),
                    organisations::country.eq("FR"),
                    organisations::size.eq("sme"),
                    organisations::social_economy.eq(false),
                    organisations::sectors.eq("[\"énergie\"]"),
                    organisations::created_at.eq(now),
                    organisations::updated_at.eq(now),
                ))
                .returning(organisations::id)
                .get_result(conn)?;
            let email = format!("rush{n}@entreprise.rush.example.org");
            let user: UserId = diesel::insert_into(users::table)
                .values((
                    users::email.eq(&email),
                    users::display_name.eq(format!("Responsable {n}")),
                    users::password_hash.eq(None::<String>),
                    users::email_verified_at.eq(Some(now)),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                    users::organisation_id.eq(Some(org)),
                    users::locale.eq("fr"),
                ))
                .returning(users::id)
                .get_result(conn)?;
            diesel::update(organisations::table.find(org))
                .set(organisations::owner_user_id.eq(Some(user)))
                .execute(conn)?;
            owners.push((email, org, user));
        }
        Ok::<_, diesel::result::Error>((objective, reference, owners))
    })?;
    let mut out = Vec::with_capacity(owners.len());
    for (email, org, user) in owners {
        let user = crate::domain::users::find(conn, user)?.ok_or(diesel::result::Error::NotFound)?;
        let (_, token) = api_tokens::create(conn, &user, "crash harness", now)?;
        out.push(Supplier { email, organisation_id: org.0, token });
    }
    Ok(Setup {
        objective_id: objective.0,
        reference,
        deadline: deadline.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        deadline_epoch: deadline.and_utc().timestamp(),
        suppliers: out,
    })
}

/// The rush agent, created the first time.
fn agent(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<UserId> {
    if let Some(id) = users::table.filter(users::email.eq(AGENT_EMAIL)).select(users::id).first(conn).optional()? {
        return Ok(id);
    }
    let id: UserId = diesel::insert_into(users::table)
        .values((
            users::email.eq(AGENT_EMAIL),
            users::display_name.eq("Agent de la ruée"),
            users::password_hash.eq(None::<String>),
            users::email_verified_at.eq(Some(now)),
            users::created_at.eq(now),
            users::updated_at.eq(now),
            users::locale.eq("fr"),
        ))
        .returning(users::id)
        .get_result(conn)?;
    diesel::insert_into(user_roles::table)
        .values((user_roles::user_id.eq(id), user_roles::role.eq("agent"), user_roles::granted_at.eq(now)))
        .execute(conn)?;
    Ok(id)
}
