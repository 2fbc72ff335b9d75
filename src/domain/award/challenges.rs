//! Pre-contractual challenges (référé précontractuel, art. L551-1 CJA): an agent records each one
//! lodged against an award, which suspends the signature until the agent records its outcome.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{AwardError, TEXT_MAX, record};
use crate::db::ids::{ChallengeId, ObjectiveId, UserId};
use crate::db::schema::challenges;
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{AuditActor, Event};
use crate::domain::objectives::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Rejected,
    Upheld,
    Withdrawn,
}

impl Outcome {
    pub const ALL: [Outcome; 3] = [Outcome::Rejected, Outcome::Upheld, Outcome::Withdrawn];
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Rejected => "rejected",
            Outcome::Upheld => "upheld",
            Outcome::Withdrawn => "withdrawn",
        }
    }
    pub fn parse(s: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    pub id: ChallengeId,
    pub objective: ObjectiveId,
    pub lodged_on: NaiveDate,
    pub lodged_by: String,
    pub summary: String,
    pub recorded_by: UserId,
    pub recorded_at: NaiveDateTime,
    pub outcome: Option<Outcome>,
    pub outcome_note: Option<String>,
    pub outcome_at: Option<NaiveDateTime>,
}

type Row = (
    ChallengeId,
    ObjectiveId,
    NaiveDate,
    String,
    String,
    UserId,
    NaiveDateTime,
    Option<String>,
    Option<String>,
    Option<NaiveDateTime>,
);

/// An objective's challenges, oldest first.
pub fn of_objective(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Challenge>> {
    let rows: Vec<Row> = challenges::table
        .filter(challenges::objective_id.eq(objective))
        .order(challenges::id.asc())
        .select((
            challenges::id,
            challenges::objective_id,
            challenges::lodged_on,
            challenges::lodged_by,
            challenges::summary,
            challenges::recorded_by,
            challenges::recorded_at,
            challenges::outcome,
            challenges::outcome_note,
            challenges::outcome_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Challenge {
            id: r.0,
            objective: r.1,
            lodged_on: r.2,
            lodged_by: r.3,
            summary: r.4,
            recorded_by: r.5,
            recorded_at: r.6,
            outcome: r.7.as_deref().and_then(Outcome::parse),
            outcome_note: r.8,
            outcome_at: r.9,
        })
        .collect())
}

/// What an agent types when recording a challenge.
#[derive(Debug, Clone)]
pub struct NewChallenge {
    pub lodged_on: NaiveDate,
    pub lodged_by: String,
    pub summary: String,
}

/// Records a challenge against an awarded objective (before the signature).
pub fn lodge(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    input: &NewChallenge,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<ChallengeId, AwardError> {
    let (by, summary) = (input.lodged_by.trim(), input.summary.trim());
    if by.is_empty() || by.chars().count() > 300 {
        return Err(AwardError::Invalid("lodged_by"));
    }
    if summary.is_empty() || summary.chars().count() > TEXT_MAX {
        return Err(AwardError::Invalid("summary"));
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let status = super::status_of(conn, objective, now)?;
        if status != Status::Awarded {
            return Err(AwardError::WrongStage);
        }
        let id: ChallengeId = diesel::insert_into(challenges::table)
            .values((
                challenges::objective_id.eq(objective),
                challenges::lodged_on.eq(input.lodged_on),
                challenges::lodged_by.eq(by),
                challenges::summary.eq(summary),
                challenges::recorded_by.eq(agent),
                challenges::recorded_at.eq(now),
            ))
            .returning(challenges::id)
            .get_result(conn)?;
        let details = serde_json::json!({ "challenge": id, "lodged_on": input.lodged_on.to_string() });
        record(conn, &AuditActor::UserId(agent), Event::ChallengeRecorded, objective, details, now)?;
        Ok(id)
    })
}

/// Records the outcome of a challenge; it is recorded once.
pub fn settle(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    challenge: ChallengeId,
    outcome: Outcome,
    note: &str,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<(), AwardError> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > TEXT_MAX {
        return Err(AwardError::Invalid("note"));
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let open = challenges::table
            .find(challenge)
            .filter(challenges::objective_id.eq(objective))
            .filter(challenges::outcome.is_null());
        let n = diesel::update(open)
            .set((
                challenges::outcome.eq(Some(outcome.as_str())),
                challenges::outcome_note.eq(Some(note)),
                challenges::outcome_by.eq(Some(agent)),
                challenges::outcome_at.eq(Some(now)),
            ))
            .execute(conn)?;
        if n == 0 {
            return Err(AwardError::ChallengeSettled);
        }
        let details = serde_json::json!({ "challenge": challenge, "outcome": outcome.as_str() });
        record(conn, &AuditActor::UserId(agent), Event::ChallengeSettled, objective, details, now)?;
        Ok(())
    })
}
