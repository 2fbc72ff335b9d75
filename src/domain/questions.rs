//! Public questions and answers on a published objective. The asker's identity is never shown;
//! the asker and the objective's followers are told by e-mail when an answer is published.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{ObjectiveId, QuestionId, UserId};
use crate::db::schema::{objectives, questions};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::following;
use crate::domain::objectives::Status;

pub const MIN_CHARS: usize = 10;
pub const MAX_CHARS: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = questions)]
pub struct Question {
    pub id: QuestionId,
    pub objective_id: ObjectiveId,
    pub asked_by: Option<UserId>,
    pub question: String,
    pub answer: Option<String>,
    pub answered_by: Option<UserId>,
    pub asked_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum QuestionError {
    #[error("the text must have 10 to 2000 characters")]
    Length,
    #[error("questions are taken only while the objective is open")]
    NotOpen,
    #[error("not found")]
    NotFound,
    #[error("already answered")]
    AlreadyAnswered,
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for QuestionError {
    fn kind(&self) -> Kind {
        match self {
            QuestionError::NotFound => Kind::NotFound,
            QuestionError::Db(e) => kind_of(e),
            _ => Kind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            QuestionError::Length => "invalid_length",
            QuestionError::NotOpen => "not_open",
            QuestionError::NotFound => "not_found",
            QuestionError::AlreadyAnswered => "already_answered",
            QuestionError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            QuestionError::Length => Message::new("qa-error-length"),
            QuestionError::NotOpen => Message::new("qa-error-not-open"),
            QuestionError::NotFound => Message::new("error-404-text"),
            QuestionError::AlreadyAnswered => Message::new("qa-error-answered"),
            QuestionError::Db(e) => database_message(e),
        }
    }
}

/// The text trimmed, with Windows line ends and NUL characters (refused by PostgreSQL) cleaned.
fn check_length(text: &str) -> Result<String, QuestionError> {
    let text = text.trim().replace("\r\n", "\n").replace('\0', "");
    if (MIN_CHARS..=MAX_CHARS).contains(&text.chars().count()) { Ok(text) } else { Err(QuestionError::Length) }
}

fn open_objective(conn: &mut DbConnection, id: ObjectiveId, now: NaiveDateTime) -> Result<(), QuestionError> {
    let (status, deadline, practice): (String, Option<NaiveDateTime>, bool) = objectives::table
        .find(id)
        .select((objectives::status, objectives::deadline_at, objectives::practice))
        .first(conn)
        .optional()?
        .ok_or(QuestionError::NotFound)?;
    // The practice objective takes no public questions.
    if practice || Status::effective(&status, deadline, now) != Status::Published {
        return Err(QuestionError::NotOpen);
    }
    Ok(())
}

/// A supplier asks a question while the objective is open.
pub fn ask(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    asker: UserId,
    actor: &AuditActor,
    text: &str,
    now: NaiveDateTime,
) -> Result<QuestionId, QuestionError> {
    let text = check_length(text)?;
    write_tx(conn, |conn| {
        open_objective(conn, objective, now)?;
        let id: QuestionId = diesel::insert_into(questions::table)
            .values((
                questions::objective_id.eq(objective),
                questions::asked_by.eq(Some(asker)),
                questions::question.eq(text),
                questions::asked_at.eq(now),
            ))
            .returning(questions::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Event::QuestionAsked,
            Subject::Question(id),
            serde_json::json!({ "objective": objective.0 }),
            now,
        )?;
        Ok(id)
    })
}

/// An agent answers; the answer becomes public and the asker and followers are told.
pub fn answer(
    conn: &mut DbConnection,
    id: QuestionId,
    agent: UserId,
    actor: &AuditActor,
    text: &str,
    links: following::MailLinks<'_>,
    now: NaiveDateTime,
) -> Result<(), QuestionError> {
    let text = check_length(text)?;
    write_tx(conn, |conn| {
        let q: Question = questions::table
            .find(id)
            .select(Question::as_select())
            .first(conn)
            .optional()?
            .ok_or(QuestionError::NotFound)?;
        if q.answer.is_some() {
            return Err(QuestionError::AlreadyAnswered);
        }
        diesel::update(questions::table.find(id))
            .set((
                questions::answer.eq(Some(text)),
                questions::answered_by.eq(Some(agent)),
                questions::answered_at.eq(Some(now)),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::QuestionAnswered,
            Subject::Question(id),
            serde_json::json!({ "objective": q.objective_id.0 }),
            now,
        )?;
        following::notify_answer(conn, q.objective_id, q.asked_by, links, now)?;
        Ok(())
    })
}

/// An agent publishes a question of their own with its answer.
pub fn publish_own(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    actor: &AuditActor,
    question: &str,
    answer: &str,
    links: following::MailLinks<'_>,
    now: NaiveDateTime,
) -> Result<QuestionId, QuestionError> {
    let (question, answer) = (check_length(question)?, check_length(answer)?);
    let agent = match actor {
        AuditActor::User { id, .. } => *id,
        _ => return Err(QuestionError::NotFound),
    };
    write_tx(conn, |conn| {
        open_objective(conn, objective, now)?;
        let id: QuestionId = diesel::insert_into(questions::table)
            .values((
                questions::objective_id.eq(objective),
                questions::question.eq(&question),
                questions::answer.eq(Some(&answer)),
                questions::answered_by.eq(Some(agent)),
                questions::asked_at.eq(now),
                questions::answered_at.eq(Some(now)),
            ))
            .returning(questions::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Event::QuestionPublished,
            Subject::Question(id),
            serde_json::json!({ "objective": objective.0 }),
            now,
        )?;
        following::notify_answer(conn, objective, None, links, now)?;
        Ok(id)
    })
}

/// Answered questions, oldest first (public).
pub fn answered(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Question>> {
    questions::table
        .filter(questions::objective_id.eq(objective))
        .filter(questions::answer.is_not_null())
        .order(questions::answered_at.asc())
        .select(Question::as_select())
        .load(conn)
}

/// Questions waiting for an answer (agents).
pub fn pending(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Question>> {
    questions::table
        .filter(questions::objective_id.eq(objective))
        .filter(questions::answer.is_null())
        .order(questions::asked_at.asc())
        .select(Question::as_select())
        .load(conn)
}

/// A user's own questions on an objective, answered or not.
pub fn mine(conn: &mut DbConnection, objective: ObjectiveId, user: UserId) -> QueryResult<Vec<Question>> {
    questions::table
        .filter(questions::objective_id.eq(objective))
        .filter(questions::asked_by.eq(Some(user)))
        .order(questions::asked_at.asc())
        .select(Question::as_select())
        .load(conn)
}
