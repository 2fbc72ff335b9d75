//! Market consultation before the call (article R2111-1 of the public procurement code, see
//! docs/CONSULTATION.md): an agent puts a *draft* objective in consultation with the need as
//! drafted, the questions the region asks the market and a closing date; registered users
//! contribute (publicly, or confidentially: then only agents and the contributor's own
//! organisation read it); sourcing meetings take registrations with a waiting list
//! ([`meetings`]); the agent publishes a synthesis, then opens the call with a public note of
//! what changed, and everyone who took part is mailed.
//!
//! The objective's lifecycle is untouched: while in consultation the objective stays a draft (its
//! own page is still the agents'), the consultation is a row of its own with its own stages
//! ([`Stage`], derived like "closed" from the clock), and opening the call *is* the objective's
//! publication (`objectives::publish`), run inside the same transaction as the checks of equal
//! treatment (synthesis published, every meeting's minutes published).

pub mod meetings;

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{ConsultationId, ContributionId, MeetingId, ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{
    consultation_contributions, consultation_meetings, consultations, meeting_registrations, objectives, organisations,
    users,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::{Editing, ObjectiveError, Status};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub use meetings::{Meeting, MeetingInput, Registration};

pub const NEED_MAX_CHARS: usize = 20_000;
pub const MAX_QUESTIONS: usize = 20;
pub const QUESTION_MAX_CHARS: usize = 500;
pub const CONTRIBUTION_MIN_CHARS: usize = 10;
pub const CONTRIBUTION_MAX_CHARS: usize = 10_000;
pub const TEXT_MAX_CHARS: usize = 20_000;
pub const NOTE_MAX_CHARS: usize = 5_000;

/// The serialisation key of one consultation's meetings and contributions (family `Y`, see
/// `db::locks`).
pub fn lock_key(id: ConsultationId) -> i64 {
    0x4143_4841_5900_0000 ^ id.0
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultations)]
pub struct Consultation {
    pub id: ConsultationId,
    pub objective_id: ObjectiveId,
    pub need: String,
    /// A JSON array of the questions, in order.
    pub questions: String,
    pub closes_at: NaiveDateTime,
    pub synthesis: Option<String>,
    pub synthesis_at: Option<NaiveDateTime>,
    pub change_note: Option<String>,
    pub call_opened_at: Option<NaiveDateTime>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
}

/// Where a consultation stands. Only the synthesis and the call's opening are stored; "closed"
/// is the closing date passed, as for objectives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Contributions are taken.
    Open,
    /// Closed, the synthesis not yet published.
    Closed,
    SynthesisPublished,
    /// The call is open: the objective is published.
    CallOpened,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Open => "open",
            Stage::Closed => "closed",
            Stage::SynthesisPublished => "synthesis_published",
            Stage::CallOpened => "call_opened",
        }
    }
}

impl Consultation {
    pub fn question_list(&self) -> Vec<String> {
        serde_json::from_str(&self.questions).unwrap_or_default()
    }
    pub fn stage(&self, now: NaiveDateTime) -> Stage {
        if self.call_opened_at.is_some() {
            Stage::CallOpened
        } else if self.synthesis_at.is_some() {
            Stage::SynthesisPublished
        } else if now >= self.closes_at {
            Stage::Closed
        } else {
            Stage::Open
        }
    }
}

/// A consultation with its objective's reference and title (public once in consultation).
#[derive(Debug, Clone)]
pub struct Summary {
    pub consultation: Consultation,
    pub reference: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultation_contributions)]
pub struct Contribution {
    pub id: ContributionId,
    pub consultation_id: ConsultationId,
    pub user_id: UserId,
    pub organisation_id: Option<OrganisationId>,
    pub body: String,
    pub confidential: bool,
    pub created_at: NaiveDateTime,
}

/// A contribution with who made it, as shown: the organisation's name, or none for a person
/// contributing in their own name (whose name is not published).
#[derive(Debug, Clone)]
pub struct Shown {
    pub contribution: Contribution,
    pub organisation: Option<String>,
}

/// Why a consultation's operation was refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ConsultationError {
    #[error("not found")]
    NotFound,
    #[error("only a draft objective is put in consultation")]
    NotDraft,
    #[error("the objective is already in consultation")]
    AlreadyInConsultation,
    #[error("the input is incomplete or invalid")]
    Invalid(Vec<Problem>),
    #[error("the consultation closed")]
    Closed,
    #[error("the consultation is still open")]
    StillOpen,
    #[error("the synthesis is already published")]
    SynthesisAlreadyPublished,
    #[error("the synthesis is not published")]
    SynthesisMissing,
    /// Equal treatment: what was said in a meeting reaches the call's public documents.
    #[error("meetings have no published minutes")]
    MinutesMissing(usize),
    #[error("the call is already open")]
    CallAlreadyOpen,
    #[error("already registered")]
    AlreadyRegistered,
    #[error("not registered")]
    NotRegistered,
    #[error("the meeting has begun")]
    MeetingStarted,
    #[error("the meeting has not taken place yet")]
    MeetingNotHeld,
    #[error("the minutes are already published")]
    MinutesAlreadyPublished,
    #[error("the objective cannot be published")]
    Objective(#[from] ObjectiveError),
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for ConsultationError {
    fn kind(&self) -> Kind {
        match self {
            ConsultationError::NotFound => Kind::NotFound,
            ConsultationError::Invalid(_) => Kind::Invalid,
            ConsultationError::Objective(e) => e.kind(),
            ConsultationError::Db(e) => kind_of(e),
            _ => Kind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ConsultationError::NotFound => "not_found",
            ConsultationError::NotDraft => "not_draft",
            ConsultationError::AlreadyInConsultation => "already_in_consultation",
            ConsultationError::Invalid(_) => "invalid",
            ConsultationError::Closed => "consultation_closed",
            ConsultationError::StillOpen => "consultation_open",
            ConsultationError::SynthesisAlreadyPublished => "synthesis_published",
            ConsultationError::SynthesisMissing => "synthesis_missing",
            ConsultationError::MinutesMissing(_) => "minutes_missing",
            ConsultationError::CallAlreadyOpen => "call_open",
            ConsultationError::AlreadyRegistered => "already_registered",
            ConsultationError::NotRegistered => "not_registered",
            ConsultationError::MeetingStarted => "meeting_started",
            ConsultationError::MeetingNotHeld => "meeting_not_held",
            ConsultationError::MinutesAlreadyPublished => "minutes_published",
            ConsultationError::Objective(e) => e.code(),
            ConsultationError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            ConsultationError::NotFound => Message::new("error-404-text"),
            ConsultationError::NotDraft => Message::new("consultation-error-not-draft"),
            ConsultationError::AlreadyInConsultation => Message::new("consultation-error-exists"),
            ConsultationError::Invalid(problems) => Message::new("consultation-error-invalid").with_problems(problems),
            ConsultationError::Closed => Message::new("consultation-error-closed"),
            ConsultationError::StillOpen => Message::new("consultation-error-still-open"),
            ConsultationError::SynthesisAlreadyPublished => Message::new("consultation-error-synthesis-done"),
            ConsultationError::SynthesisMissing => Message::new("consultation-error-synthesis-missing"),
            ConsultationError::MinutesMissing(n) => Message::new("consultation-error-minutes-missing").with("count", n),
            ConsultationError::CallAlreadyOpen => Message::new("consultation-error-call-open"),
            ConsultationError::AlreadyRegistered => Message::new("meeting-error-registered"),
            ConsultationError::NotRegistered => Message::new("meeting-error-not-registered"),
            ConsultationError::MeetingStarted => Message::new("meeting-error-started"),
            ConsultationError::MeetingNotHeld => Message::new("meeting-error-not-held"),
            ConsultationError::MinutesAlreadyPublished => Message::new("meeting-error-minutes-done"),
            ConsultationError::Objective(e) => e.message(),
            ConsultationError::Db(e) => database_message(e),
        }
    }
}

impl ConsultationError {
    /// The problems by field, for a form shown again.
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConsultationError::Invalid(p) => p,
            _ => &[],
        }
    }
}

/// A time in Europe/Paris, for mails: the one rule of `i18n::paris`.
pub(crate) use crate::i18n::paris as paris_text;

/// Parses a `datetime-local` value (Paris time) into UTC.
pub(crate) fn parse_local(
    raw: &str,
    field: &'static str,
    problems: &mut Vec<Problem>,
    now: NaiveDateTime,
) -> Option<NaiveDateTime> {
    if raw.is_empty() {
        problems.push(Problem::new(field, "consultation-error-required"));
        return None;
    }
    let Ok(local) = NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") else {
        problems.push(Problem::new(field, "consultation-error-date-format"));
        return None;
    };
    match crate::domain::objectives::paris_to_utc(local) {
        None => {
            problems.push(Problem::new(field, "consultation-error-date-format"));
            None
        }
        Some(at) if at <= now => {
            problems.push(Problem::new(field, "consultation-error-date-past"));
            None
        }
        Some(at) => Some(at),
    }
}

fn bounded(problems: &mut Vec<Problem>, field: &'static str, text: String, min: usize, max: usize) -> String {
    let n = text.chars().count();
    if n < min {
        problems.push(Problem::new(field, "consultation-error-required"));
    } else if n > max {
        problems.push(Problem::new(field, "consultation-error-too-long").with("max", max));
    }
    text
}

/// What an agent gives to put a draft in consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsultationInput {
    pub need: String,
    pub questions: Vec<String>,
    pub closes_at: NaiveDateTime,
}

/// Parses the form: the need (Markdown), the questions one per line, the closing date (Paris).
pub fn parse_input(pairs: &FormPairs, now: NaiveDateTime) -> Result<ConsultationInput, Vec<Problem>> {
    let mut problems = Vec::new();
    let need = bounded(&mut problems, "need", first(pairs, "need"), 1, NEED_MAX_CHARS);
    let questions: Vec<String> =
        first(pairs, "questions").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if questions.is_empty() {
        problems.push(Problem::new("questions", "consultation-error-questions"));
    } else if questions.len() > MAX_QUESTIONS {
        problems.push(Problem::new("questions", "consultation-error-questions-many").with("max", MAX_QUESTIONS));
    } else if questions.iter().any(|q| q.chars().count() > QUESTION_MAX_CHARS) {
        problems.push(Problem::new("questions", "consultation-error-too-long").with("max", QUESTION_MAX_CHARS));
    }
    let closes_at = parse_local(&first(pairs, "closes_at"), "closes_at", &mut problems, now);
    match closes_at {
        Some(closes_at) if problems.is_empty() => Ok(ConsultationInput { need, questions, closes_at }),
        _ => Err(problems),
    }
}

fn load_row(conn: &mut DbConnection, id: ConsultationId) -> Result<Consultation, ConsultationError> {
    consultations::table
        .find(id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or(ConsultationError::NotFound)
}

/// Puts a draft objective in consultation.
pub fn create(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    input: &ConsultationInput,
    author: UserId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<ConsultationId, ConsultationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (status, practice): (String, bool) = objectives::table
            .find(objective)
            .select((objectives::status, objectives::practice))
            .first(conn)
            .optional()?
            .ok_or(ConsultationError::NotFound)?;
        if status != Status::Draft.as_str() || practice {
            return Err(ConsultationError::NotDraft);
        }
        let exists: i64 =
            consultations::table.filter(consultations::objective_id.eq(objective)).count().get_result(conn)?;
        if exists > 0 {
            return Err(ConsultationError::AlreadyInConsultation);
        }
        let id: ConsultationId = diesel::insert_into(consultations::table)
            .values((
                consultations::objective_id.eq(objective),
                consultations::need.eq(&input.need),
                consultations::questions.eq(serde_json::to_string(&input.questions).unwrap_or_else(|_| "[]".into())),
                consultations::closes_at.eq(input.closes_at),
                consultations::created_by.eq(author),
                consultations::created_at.eq(now),
            ))
            .returning(consultations::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Event::ConsultationOpened,
            Subject::Consultation(id),
            serde_json::json!({ "objective": objective.0, "closes_at": input.closes_at.to_string(), "questions": input.questions.len() }),
            now,
        )?;
        Ok(id)
    })
}

/// One consultation with its objective's reference and title.
pub fn load(conn: &mut DbConnection, id: ConsultationId) -> Result<Summary, ConsultationError> {
    let consultation = load_row(conn, id)?;
    let (reference, title): (String, String) = objectives::table
        .find(consultation.objective_id)
        .select((objectives::reference, objectives::title))
        .first(conn)?;
    Ok(Summary { consultation, reference, title })
}

/// The consultation of an objective, if it had one.
pub fn of_objective(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Option<Consultation>> {
    consultations::table
        .filter(consultations::objective_id.eq(objective))
        .select(Consultation::as_select())
        .first(conn)
        .optional()
}

/// Every consultation, the most recent first (bounded).
pub fn list(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<Summary>> {
    let rows: Vec<(Consultation, String, String)> = consultations::table
        .inner_join(objectives::table)
        .order(consultations::created_at.desc())
        .limit(limit)
        .select((Consultation::as_select(), objectives::reference, objectives::title))
        .load(conn)?;
    Ok(rows.into_iter().map(|(consultation, reference, title)| Summary { consultation, reference, title }).collect())
}

/// The contributions, oldest first: only the public ones unless `confidential_too`.
pub fn contributions(conn: &mut DbConnection, id: ConsultationId, confidential_too: bool) -> QueryResult<Vec<Shown>> {
    let mut query = consultation_contributions::table
        .left_join(organisations::table)
        .filter(consultation_contributions::consultation_id.eq(id))
        .order(consultation_contributions::id.asc())
        .select((Contribution::as_select(), organisations::legal_name.nullable()))
        .into_boxed();
    if !confidential_too {
        query = query.filter(consultation_contributions::confidential.eq(false));
    }
    let rows: Vec<(Contribution, Option<String>)> = query.load(conn)?;
    Ok(rows.into_iter().map(|(contribution, organisation)| Shown { contribution, organisation }).collect())
}

/// The confidential contributions of one user or organisation (their own, which they read).
pub fn own_confidential(
    conn: &mut DbConnection,
    id: ConsultationId,
    user: UserId,
    organisation: Option<OrganisationId>,
) -> QueryResult<Vec<Shown>> {
    Ok(contributions(conn, id, true)?
        .into_iter()
        .filter(|s| s.contribution.confidential && is_own(&s.contribution, user, organisation))
        .collect())
}

/// Whether a contribution is the reader's own: theirs, or their organisation's.
pub fn is_own(c: &Contribution, user: UserId, organisation: Option<OrganisationId>) -> bool {
    c.user_id == user || (organisation.is_some() && c.organisation_id == organisation)
}

/// One contribution of a consultation.
pub fn contribution(
    conn: &mut DbConnection,
    id: ConsultationId,
    contribution: ContributionId,
) -> Result<Shown, ConsultationError> {
    let row: Option<(Contribution, Option<String>)> = consultation_contributions::table
        .left_join(organisations::table)
        .filter(consultation_contributions::consultation_id.eq(id))
        .filter(consultation_contributions::id.eq(contribution))
        .select((Contribution::as_select(), organisations::legal_name.nullable()))
        .first(conn)
        .optional()?;
    row.map(|(contribution, organisation)| Shown { contribution, organisation }).ok_or(ConsultationError::NotFound)
}

/// What a contributor sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionInput {
    pub body: String,
    pub confidential: bool,
}

pub fn parse_contribution(body: &str, confidential: bool) -> Result<ContributionInput, Vec<Problem>> {
    let body = body.trim().replace("\r\n", "\n").replace('\0', "");
    let n = body.chars().count();
    if !(CONTRIBUTION_MIN_CHARS..=CONTRIBUTION_MAX_CHARS).contains(&n) {
        return Err(vec![
            Problem::new("body", "consultation-error-contribution-length")
                .with("min", CONTRIBUTION_MIN_CHARS)
                .with("max", CONTRIBUTION_MAX_CHARS),
        ]);
    }
    Ok(ContributionInput { body, confidential })
}

/// A registered user contributes, before the closing date.
pub fn contribute(
    conn: &mut DbConnection,
    id: ConsultationId,
    user: UserId,
    organisation: Option<OrganisationId>,
    input: &ContributionInput,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<ContributionId, ConsultationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(id))?;
        let c = load_row(conn, id)?;
        if c.stage(now) != Stage::Open {
            return Err(ConsultationError::Closed);
        }
        let cid: ContributionId = diesel::insert_into(consultation_contributions::table)
            .values((
                consultation_contributions::consultation_id.eq(id),
                consultation_contributions::user_id.eq(user),
                consultation_contributions::organisation_id.eq(organisation),
                consultation_contributions::body.eq(&input.body),
                consultation_contributions::confidential.eq(input.confidential),
                consultation_contributions::created_at.eq(now),
            ))
            .returning(consultation_contributions::id)
            .get_result(conn)?;
        // The text itself stays out of the log (it may hold business secrets).
        audit::record(
            conn,
            actor,
            Event::ConsultationContributed,
            Subject::Consultation(id),
            serde_json::json!({ "contribution": cid.0, "confidential": input.confidential }),
            now,
        )?;
        Ok(cid)
    })
}

/// Checks a long text (synthesis, minutes, note): required, at most `max` characters.
pub fn parse_text(field: &'static str, text: &str, max: usize) -> Result<String, ConsultationError> {
    let text = text.trim().replace("\r\n", "\n").replace('\0', "");
    let mut problems = Vec::new();
    let text = bounded(&mut problems, field, text, 1, max);
    if problems.is_empty() { Ok(text) } else { Err(ConsultationError::Invalid(problems)) }
}

/// The agent publishes the synthesis, once the consultation closed.
pub fn publish_synthesis(
    conn: &mut DbConnection,
    id: ConsultationId,
    synthesis: &str,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), ConsultationError> {
    let synthesis = parse_text("synthesis", synthesis, TEXT_MAX_CHARS)?;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(id))?;
        let c = load_row(conn, id)?;
        match c.stage(now) {
            Stage::Open => return Err(ConsultationError::StillOpen),
            Stage::SynthesisPublished => return Err(ConsultationError::SynthesisAlreadyPublished),
            Stage::CallOpened => return Err(ConsultationError::CallAlreadyOpen),
            Stage::Closed => {}
        }
        diesel::update(consultations::table.find(id))
            .set((consultations::synthesis.eq(Some(&synthesis)), consultations::synthesis_at.eq(Some(now))))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::ConsultationSynthesisPublished,
            Subject::Consultation(id),
            serde_json::json!({ "objective": c.objective_id.0 }),
            now,
        )?;
        Ok(())
    })
}

/// Every verified, active person who took part: contributed, or registered to a meeting (seated
/// or waiting), as (address, language).
fn participants(conn: &mut DbConnection, id: ConsultationId) -> QueryResult<Vec<(String, String)>> {
    let mut ids: BTreeSet<UserId> = consultation_contributions::table
        .filter(consultation_contributions::consultation_id.eq(id))
        .select(consultation_contributions::user_id)
        .load::<UserId>(conn)?
        .into_iter()
        .collect();
    let meeting_ids: Vec<MeetingId> = consultation_meetings::table
        .filter(consultation_meetings::consultation_id.eq(id))
        .select(consultation_meetings::id)
        .load(conn)?;
    if !meeting_ids.is_empty() {
        let registered: Vec<UserId> = meeting_registrations::table
            .filter(meeting_registrations::meeting_id.eq_any(meeting_ids))
            .select(meeting_registrations::user_id)
            .load(conn)?;
        ids.extend(registered);
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    users::table
        .filter(users::id.eq_any(ids.into_iter().collect::<Vec<_>>()))
        .filter(users::disabled_at.is_null())
        .filter(users::email_verified_at.is_not_null())
        .order(users::id.asc())
        .select((users::email, users::locale))
        .load(conn)
}

/// Turns the consultation into the open call: refused before the synthesis, and while a
/// meeting's minutes are not published (equal treatment); otherwise the objective is published
/// (with every check of a publication), the note of what changed is public, and everyone who took
/// part is mailed — all in one transaction.
pub fn open_call(
    conn: &mut DbConnection,
    id: ConsultationId,
    note: &str,
    min_response: chrono::Duration,
    cx: &Editing<'_>,
) -> Result<ObjectiveId, ConsultationError> {
    let note = parse_text("note", note, NOTE_MAX_CHARS)?;
    let Editing { actor, links, now, .. } = *cx;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        crate::db::serialize(conn, lock_key(id))?;
        let c = load_row(conn, id)?;
        match c.stage(now) {
            Stage::Open | Stage::Closed => return Err(ConsultationError::SynthesisMissing),
            Stage::CallOpened => return Err(ConsultationError::CallAlreadyOpen),
            Stage::SynthesisPublished => {}
        }
        let without_minutes: i64 = consultation_meetings::table
            .filter(consultation_meetings::consultation_id.eq(id))
            .filter(consultation_meetings::minutes.is_null())
            .count()
            .get_result(conn)?;
        if without_minutes > 0 {
            return Err(ConsultationError::MinutesMissing(without_minutes as usize));
        }
        crate::domain::objectives::publish(conn, c.objective_id, min_response, cx)?;
        diesel::update(consultations::table.find(id))
            .set((consultations::change_note.eq(Some(&note)), consultations::call_opened_at.eq(Some(now))))
            .execute(conn)?;
        let recipients = participants(conn, id)?;
        audit::record(
            conn,
            actor,
            Event::ConsultationCallOpened,
            Subject::Consultation(id),
            serde_json::json!({ "objective": c.objective_id.0, "participants_mailed": recipients.len() }),
            now,
        )?;
        let title: String = objectives::table.find(c.objective_id).select(objectives::title).first(conn)?;
        let link = links.path(&format!("objectives/{}", c.objective_id.0));
        for (email, locale) in &recipients {
            let lang = Lang::from_code(locale).unwrap_or_default();
            outbox::enqueue(conn, &templates::consultation_call_opened(lang, email, &title, &note, &link), now)?;
        }
        Ok(c.objective_id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn consultation() -> Consultation {
        Consultation {
            id: ConsultationId(1),
            objective_id: ObjectiveId(1),
            need: "need".into(),
            questions: r#"["a?","b?"]"#.into(),
            closes_at: at("2027-01-10 11:00"),
            synthesis: None,
            synthesis_at: None,
            change_note: None,
            call_opened_at: None,
            created_by: UserId(1),
            created_at: at("2027-01-01 10:00"),
        }
    }

    #[test]
    fn the_stage_follows_the_clock_then_the_agent() {
        let mut c = consultation();
        assert_eq!(c.question_list(), ["a?", "b?"]);
        assert_eq!(c.stage(at("2027-01-10 10:59")), Stage::Open);
        assert_eq!(c.stage(at("2027-01-10 11:00")), Stage::Closed);
        c.synthesis_at = Some(at("2027-01-11 09:00"));
        assert_eq!(c.stage(at("2027-01-11 09:00")), Stage::SynthesisPublished);
        c.call_opened_at = Some(at("2027-01-12 09:00"));
        assert_eq!(c.stage(at("2027-01-12 09:00")), Stage::CallOpened);
    }

    #[test]
    fn the_form_needs_a_need_questions_and_a_future_closing_date() {
        let now = at("2027-01-01 10:00");
        let pairs = |need: &str, q: &str, d: &str| -> FormPairs {
            vec![("need".into(), need.into()), ("questions".into(), q.into()), ("closes_at".into(), d.into())]
        };
        let ok = parse_input(&pairs("The need", "First?\r\n\r\n Second? ", "2027-01-20T12:00"), now).unwrap();
        assert_eq!(ok.questions, ["First?", "Second?"]);
        assert_eq!(ok.closes_at, at("2027-01-20 11:00"), "Paris time in winter is UTC+1");
        let fields = |p: Vec<Problem>| p.into_iter().map(|p| p.field).collect::<Vec<_>>();
        assert_eq!(
            fields(parse_input(&pairs("", "", "2026-12-01T12:00"), now).unwrap_err()),
            ["need", "questions", "closes_at"]
        );
        assert!(parse_contribution("too short", false).is_err());
        assert!(parse_contribution("long enough text", true).unwrap().confidential);
    }
}
