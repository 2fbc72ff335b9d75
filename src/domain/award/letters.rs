//! The letters an award (or its absence) sends to the organisations that deposited: their facts
//! are frozen at award time as JSON and never recomputed; each renders in its reader's language.
//! The first opening by a member of the addressee organisation is kept as the acknowledgement of
//! receipt.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AwardError, record};
use crate::db::ids::{LetterId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::letters;
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{AuditActor, Event};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// To a winner: the award and the next steps.
    Award,
    /// To an organisation whose proposal stood but was not retained.
    Rejection,
    /// To an organisation whose proposal did not stand (late, withdrawn, not reconfirmed).
    NotOpened,
    /// To every depositor when nothing is awarded.
    NotAwarded,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Award, Kind::Rejection, Kind::NotOpened, Kind::NotAwarded];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Award => "award",
            Kind::Rejection => "rejection",
            Kind::NotOpened => "not_opened",
            Kind::NotAwarded => "not_awarded",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One criterion of the addressee's own scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionScore {
    pub name_fr: String,
    pub name_en: String,
    pub weight: i32,
    /// 0–5; `None` when nobody scored it.
    pub value: Option<f64>,
}

/// The addressee's own evaluation, as decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OwnScores {
    pub criteria: Vec<CriterionScore>,
    /// 0–100.
    pub total: f64,
    /// `None` when excluded by an eliminatory criterion.
    pub rank: Option<usize>,
    /// How many proposals were ranked.
    pub ranked: usize,
}

/// What a letter says, frozen at the time it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    pub objective_title: String,
    pub objective_reference: String,
    pub buyer: String,
    pub addressee: String,
    pub proposal_title: Option<String>,
    pub decided_at: NaiveDateTime,
    /// The winners' names (empty when not awarded).
    pub winners: Vec<String>,
    /// The agent's reasons (the award), or the public reason (not awarded).
    pub reasons: String,
    pub standstill_days: i32,
    pub standstill_ends_at: NaiveDateTime,
    /// The court competent for the remedies.
    pub court: String,
    /// Rejections: the addressee's own scores and rank.
    pub scores: Option<OwnScores>,
    /// Proposals that did not stand: why (`late`, `withdrawn`, `not_reconfirmed`).
    pub not_opened: Option<String>,
}

/// A letter as stored.
#[derive(Debug, Clone)]
pub struct Letter {
    pub id: LetterId,
    pub objective: ObjectiveId,
    pub organisation: OrganisationId,
    pub proposal: Option<ProposalId>,
    pub kind: Kind,
    pub facts: Facts,
    pub sent_at: NaiveDateTime,
    pub first_opened_at: Option<NaiveDateTime>,
    pub first_opened_by: Option<UserId>,
}

type Row = (
    LetterId,
    ObjectiveId,
    OrganisationId,
    Option<ProposalId>,
    String,
    String,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<UserId>,
);

fn columns() -> (
    letters::id,
    letters::objective_id,
    letters::organisation_id,
    letters::proposal_id,
    letters::kind,
    letters::facts,
    letters::sent_at,
    letters::first_opened_at,
    letters::first_opened_by,
) {
    (
        letters::id,
        letters::objective_id,
        letters::organisation_id,
        letters::proposal_id,
        letters::kind,
        letters::facts,
        letters::sent_at,
        letters::first_opened_at,
        letters::first_opened_by,
    )
}

fn from_row(r: Row) -> QueryResult<Letter> {
    let corrupt = |e: String| diesel::result::Error::DeserializationError(e.into());
    let kind = Kind::parse(&r.4).ok_or_else(|| corrupt(format!("unknown letter kind {}", r.4)))?;
    let facts: Facts = serde_json::from_str(&r.5).map_err(|e| corrupt(e.to_string()))?;
    Ok(Letter {
        id: r.0,
        objective: r.1,
        organisation: r.2,
        proposal: r.3,
        kind,
        facts,
        sent_at: r.6,
        first_opened_at: r.7,
        first_opened_by: r.8,
    })
}

/// Stores one letter (inside the award's transaction).
pub(super) fn insert(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    organisation: OrganisationId,
    proposal: Option<ProposalId>,
    kind: Kind,
    facts: &Facts,
    now: NaiveDateTime,
) -> QueryResult<LetterId> {
    let json = serde_json::to_string(facts).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
    diesel::insert_into(letters::table)
        .values((
            letters::objective_id.eq(objective),
            letters::organisation_id.eq(organisation),
            letters::proposal_id.eq(proposal),
            letters::kind.eq(kind.as_str()),
            letters::facts.eq(json),
            letters::sent_at.eq(now),
        ))
        .returning(letters::id)
        .get_result(conn)
}

/// An organisation's letters, newest first.
pub fn of_organisation(conn: &mut DbConnection, organisation: OrganisationId) -> QueryResult<Vec<Letter>> {
    let rows: Vec<Row> = letters::table
        .filter(letters::organisation_id.eq(organisation))
        .order((letters::sent_at.desc(), letters::id.desc()))
        .select(columns())
        .load(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// An objective's letters, in the order they were written.
pub fn of_objective(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Letter>> {
    let rows: Vec<Row> = letters::table
        .filter(letters::objective_id.eq(objective))
        .order(letters::id.asc())
        .select(columns())
        .load(conn)?;
    rows.into_iter().map(from_row).collect()
}

/// Who reads a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A member of an organisation: reads that organisation's letters only; the first reading is
    /// the acknowledgement of receipt.
    Member { user: UserId, organisation: OrganisationId },
    /// An agent: reads every letter, marks nothing.
    Agent,
}

/// A letter as `reader` may read it; another organisation's letter is not found. A member's first
/// reading records when and by whom (by id), once.
pub fn read(conn: &mut DbConnection, id: LetterId, reader: Reader, now: NaiveDateTime) -> Result<Letter, AwardError> {
    let found = letters::table.find(id).select(columns()).first::<Row>(conn).optional()?;
    let mut letter = from_row(found.ok_or(AwardError::NotFound)?)?;
    let Reader::Member { user, organisation } = reader else {
        return Ok(letter);
    };
    if letter.organisation != organisation {
        return Err(AwardError::NotFound);
    }
    if letter.first_opened_at.is_some() {
        return Ok(letter);
    }
    write_tx(conn, |conn| {
        let unopened = letters::table.find(id).filter(letters::first_opened_at.is_null());
        let n = diesel::update(unopened)
            .set((letters::first_opened_at.eq(Some(now)), letters::first_opened_by.eq(Some(user))))
            .execute(conn)?;
        if n == 1 {
            let details = serde_json::json!({ "letter": id, "organisation": organisation });
            record(conn, &AuditActor::UserId(user), Event::LetterOpened, letter.objective, details, now)?;
        }
        Ok::<_, AwardError>(())
    })?;
    // Someone else of the organisation may have opened it a moment before: read what is stored.
    let stored: (Option<NaiveDateTime>, Option<UserId>) =
        letters::table.find(id).select((letters::first_opened_at, letters::first_opened_by)).first(conn)?;
    (letter.first_opened_at, letter.first_opened_by) = stored;
    Ok(letter)
}
