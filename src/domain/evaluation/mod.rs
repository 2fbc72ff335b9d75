//! Evaluation: committees score opened proposals against the objective's criteria. The maths is
//! pure and lives in [`aggregate`] (values, totals, exclusions, ranking, shortlist) and
//! [`sensitivity`] (how the shortlist holds when the weights move); [`board`] loads an
//! objective's evaluation; [`committee`], [`scoring`] and [`decision`] change it.

pub mod aggregate;
pub mod board;
pub mod committee;
pub mod csv;
pub mod decision;
pub mod scoring;
pub mod sensitivity;

use chrono::NaiveDateTime;
use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::ids::{CriterionId, ObjectiveId, UserId};
use crate::domain::audit::{self, Event};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};

/// A justification (of a score or a consensus) has at least this many characters.
pub const JUSTIFICATION_MIN: usize = 30;
/// A reason for changing the rule's shortlist.
pub const REASON_MIN: usize = 10;
pub const TEXT_MAX: usize = 5_000;

/// Serialises the changes to one objective's evaluation on PostgreSQL.
pub fn lock_key(objective: ObjectiveId) -> i64 {
    0x4143_4841_5800_0000 ^ objective.0
}

#[derive(Debug, PartialEq, thiserror::Error)]
pub enum EvaluationError {
    #[error("not found")]
    NotFound,
    #[error("the objective is not at the right stage")]
    WrongStage,
    #[error("this account does not have the committee role")]
    NotCommittee,
    #[error("the member has already started scoring")]
    AlreadyScoring,
    #[error("not a member of this committee")]
    NotMember,
    #[error("only the chair may do this")]
    NotChair,
    #[error("the proposals are not opened yet")]
    NotOpened,
    #[error("declare conflicts of interest first")]
    DeclareFirst,
    #[error("conflict of interest")]
    Conflicted,
    #[error("the evaluation is submitted")]
    Submitted,
    #[error("the committee has decided")]
    Decided,
    #[error("the committee has not decided yet")]
    NotDecided,
    #[error("some declarations are missing or incomplete")]
    Declarations(Vec<String>),
    #[error("some scores are invalid or missing")]
    Scores(Vec<(CriterionId, &'static str)>),
    #[error("{0} evaluations are not submitted")]
    Incomplete(usize),
    #[error("a change to the rule's shortlist needs a reason")]
    ReasonRequired,
    #[error("{0} disagreements are open: deciding needs a written reason")]
    DisagreementsOpen(usize),
    #[error("an excluded proposal cannot be shortlisted")]
    Excluded,
    #[error("a consensus settles a disagreement")]
    NoDisagreement,
    #[error("agents do not sit on committees")]
    AgentCannotSit,
    #[error("administrators do not sit on committees")]
    AdminCannotSit,
    #[error("a declared conflict of interest is lifted only by an agent")]
    ConflictIsFinal,
    #[error("no such conflict of interest is declared")]
    NoConflict,
    #[error("the seat is already released")]
    SeatReleased,
    #[error("only the seat of a disabled account can be released")]
    SeatStillHeld,
    #[error("releasing a seat needs a written reason")]
    ReleaseReason,
    #[error("database error")]
    Db(#[source] diesel::result::Error),
}

impl EvaluationError {
    fn message_key(&self) -> &'static str {
        match self {
            EvaluationError::NotFound => "error-404-text",
            EvaluationError::WrongStage => "evaluation-error-stage",
            EvaluationError::NotCommittee => "committee-error-role",
            EvaluationError::AlreadyScoring => "committee-error-scoring",
            EvaluationError::NotMember | EvaluationError::NotChair => "error-403-text",
            EvaluationError::NotOpened => "evaluation-error-not-opened",
            EvaluationError::DeclareFirst => "evaluation-error-declare-first",
            EvaluationError::Conflicted => "evaluation-error-conflicted",
            EvaluationError::Submitted => "evaluation-error-submitted",
            EvaluationError::Decided => "evaluation-error-decided",
            EvaluationError::NotDecided => "evaluation-error-not-decided",
            EvaluationError::Declarations(_) => "evaluation-error-declarations",
            EvaluationError::Scores(_) => "evaluation-error-scores",
            EvaluationError::Incomplete(_) => "evaluation-error-incomplete",
            EvaluationError::ReasonRequired => "evaluation-error-reason",
            EvaluationError::DisagreementsOpen(_) => "evaluation-error-disagreements-open",
            EvaluationError::Excluded => "evaluation-error-excluded",
            EvaluationError::NoDisagreement => "evaluation-error-no-disagreement",
            EvaluationError::AgentCannotSit => "committee-error-agent",
            EvaluationError::AdminCannotSit => "committee-error-admin",
            EvaluationError::ConflictIsFinal => "declarations-error-final",
            EvaluationError::NoConflict => "committee-error-no-conflict",
            EvaluationError::SeatReleased => "release-error-released",
            EvaluationError::SeatStillHeld => "release-error-active",
            EvaluationError::ReleaseReason => "release-error-reason",
            EvaluationError::Db(_) => "error-500-text",
        }
    }
}

impl Refusal for EvaluationError {
    fn kind(&self) -> Kind {
        match self {
            EvaluationError::NotFound | EvaluationError::NoConflict => Kind::NotFound,
            EvaluationError::NotMember | EvaluationError::NotChair => Kind::Forbidden,
            // Scores and declarations the member can correct: the same status on a page and in the API.
            EvaluationError::Scores(_) | EvaluationError::Declarations(_) => Kind::Invalid,
            // The chair completes the confirmation form with the reason: a field error.
            EvaluationError::DisagreementsOpen(_) | EvaluationError::ReleaseReason => Kind::Invalid,
            EvaluationError::Db(e) => kind_of(e),
            _ => Kind::Conflict,
        }
    }
    fn message(&self) -> Message {
        match self {
            EvaluationError::Incomplete(n) | EvaluationError::DisagreementsOpen(n) => {
                Message::new(self.message_key()).with("count", n)
            }
            EvaluationError::Scores(problems) => Message::list(problems.iter().map(|(_, k)| Message::new(k)).collect()),
            EvaluationError::Declarations(fields) => {
                Message::new(self.message_key()).with_parts(vec![Message::plain(fields.join(", "))])
            }
            EvaluationError::Db(e) => database_message(e),
            _ => Message::new(self.message_key()),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            EvaluationError::NotFound => "not_found",
            EvaluationError::WrongStage => "wrong_stage",
            EvaluationError::NotCommittee => "not_committee",
            EvaluationError::AlreadyScoring => "already_scoring",
            // As the API always answered them.
            EvaluationError::NotMember | EvaluationError::NotChair => "forbidden",
            EvaluationError::NotOpened => "not_opened",
            EvaluationError::DeclareFirst => "declare_first",
            EvaluationError::Conflicted => "conflicted",
            EvaluationError::Submitted => "submitted",
            EvaluationError::Decided => "decided",
            EvaluationError::NotDecided => "not_decided",
            EvaluationError::Declarations(_) => "invalid_declarations",
            EvaluationError::Scores(_) => "invalid_scores",
            EvaluationError::Incomplete(_) => "incomplete",
            EvaluationError::ReasonRequired => "reason_required",
            EvaluationError::DisagreementsOpen(_) => "disagreements_open",
            EvaluationError::Excluded => "excluded",
            EvaluationError::NoDisagreement => "no_disagreement",
            EvaluationError::AgentCannotSit => "agent_cannot_sit",
            EvaluationError::AdminCannotSit => "admin_cannot_sit",
            EvaluationError::ConflictIsFinal => "conflict_is_final",
            EvaluationError::NoConflict => "no_conflict",
            EvaluationError::SeatReleased => "seat_released",
            EvaluationError::SeatStillHeld => "seat_still_held",
            EvaluationError::ReleaseReason => "release_reason",
            EvaluationError::Db(e) => kind_of(e).code(),
        }
    }
}

impl From<diesel::result::Error> for EvaluationError {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => EvaluationError::NotFound,
            other => EvaluationError::Db(other),
        }
    }
}

/// An audit entry about an objective's evaluation; members are named by id.
pub fn record(
    conn: &mut DbConnection,
    by: UserId,
    event: Event,
    objective: ObjectiveId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    audit::on_objective(conn, by, event, objective, details, now)
}
