//! The operations that change objectives: create, save (update a draft, amend a published
//! objective), publish, cancel, delete a draft; and why they are refused.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Change, ObjectiveDraft, Status, Transition, diff, load, missing_for_publication, next};
use crate::db::ids::{ObjectiveId, UserId};
use crate::db::schema::{amendments, milestones, objective_criteria, objectives};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::criteria::Criterion;
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::forms::Problem;
use crate::domain::themes;

/// Why a change to an objective was refused.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum ObjectiveError {
    #[error("not found")]
    NotFound,
    #[error("the objective cannot change from its current status")]
    WrongStatus(Status),
    #[error("the objective is incomplete")]
    Incomplete(Vec<Problem>),
    #[error("the amendment needs a reason")]
    ReasonRequired,
    #[error("the reason is longer than 2000 characters")]
    ReasonTooLong,
    #[error("a published deadline can only be extended")]
    DeadlineBroughtForward,
    #[error("nothing changed")]
    NothingChanged,
    #[error("database error")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for ObjectiveError {
    fn kind(&self) -> Kind {
        match self {
            ObjectiveError::NotFound => Kind::NotFound,
            // Only a save refuses these, and its page shows them by their fields.
            ObjectiveError::DeadlineBroughtForward | ObjectiveError::NothingChanged => Kind::Invalid,
            // A cancellation's reason is input: its confirmation page shows it by the field.
            ObjectiveError::ReasonRequired | ObjectiveError::ReasonTooLong => Kind::Invalid,
            ObjectiveError::Db(e) => kind_of(e),
            _ => Kind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ObjectiveError::NotFound => "not_found",
            ObjectiveError::WrongStatus(_) => "wrong_status",
            ObjectiveError::Incomplete(_) => "incomplete",
            ObjectiveError::ReasonRequired => "reason_required",
            ObjectiveError::ReasonTooLong => "reason_too_long",
            ObjectiveError::DeadlineBroughtForward => "deadline_brought_forward",
            ObjectiveError::NothingChanged => "nothing_changed",
            ObjectiveError::Db(e) => kind_of(e).code(),
        }
    }
    /// As a lifecycle action (publish, cancel, delete) is refused.
    fn message(&self) -> Message {
        match self {
            ObjectiveError::NotFound => Message::new("error-404-text"),
            ObjectiveError::WrongStatus(_) => Message::new("objective-error-transition"),
            ObjectiveError::Incomplete(problems) => Message::new("objective-missing").with_problems(problems),
            ObjectiveError::ReasonRequired => Message::new("objective-error-cancel-reason"),
            ObjectiveError::ReasonTooLong => Message::new("objective-error-reason-long"),
            ObjectiveError::DeadlineBroughtForward => Message::new("objective-error-deadline-earlier"),
            ObjectiveError::NothingChanged => Message::new("amendment-error-nothing"),
            ObjectiveError::Db(e) => database_message(e),
        }
    }
}

/// Who acts, with what, and when: shared by the operations that change objectives.
pub struct Editing<'a> {
    pub catalogue: &'a [Criterion],
    pub actor: &'a AuditActor,
    pub links: crate::domain::following::MailLinks<'a>,
    pub now: NaiveDateTime,
}

/// Creates a draft and gives it its public reference (`AO-<year>-<number>`).
pub fn create(
    conn: &mut DbConnection,
    d: &ObjectiveDraft,
    author: UserId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<ObjectiveId> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let provisional = format!("draft-{}", crate::domain::secret_token::generate());
        let id: ObjectiveId = diesel::insert_into(objectives::table)
            .values((
                fields(d, now),
                objectives::reference.eq(&provisional),
                objectives::status.eq(Status::Draft.as_str()),
                objectives::created_by.eq(author),
                objectives::created_at.eq(now),
            ))
            .returning(objectives::id)
            .get_result(conn)?;
        let reference = format!("AO-{}-{:04}", now.format("%Y"), id.0);
        diesel::update(objectives::table.find(id)).set(objectives::reference.eq(&reference)).execute(conn)?;
        replace_children(conn, id, d)?;
        audit::record(
            conn,
            actor,
            Event::ObjectiveCreated,
            Subject::Objective(id),
            serde_json::json!({ "reference": reference, "title": d.title }),
            now,
        )?;
        Ok(id)
    })
}

/// Saves an agent's edit. A draft is simply updated. A published objective (before its deadline)
/// is amended: every change recorded with its reason, essential ones flagged; the deadline may
/// only move later.
pub fn save(
    conn: &mut DbConnection,
    id: ObjectiveId,
    edit: &ObjectiveDraft,
    reason: &str,
    cx: &Editing<'_>,
) -> Result<Option<Vec<Change>>, ObjectiveError> {
    let Editing { catalogue, actor, links, now } = *cx;
    let author = match actor {
        AuditActor::User { id, .. } => *id,
        _ => return Err(ObjectiveError::WrongStatus(Status::Draft)),
    };
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        // Deposits on this objective wait for the amendment (see `proposals::deposits`): each is
        // wholly before it (and mailed to reconfirm) or wholly after it.
        crate::db::serialize(conn, crate::db::locks::objective_lock_key(id))?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        if current.objective.practice {
            return Err(ObjectiveError::WrongStatus(Status::Published));
        }
        match current.objective.status_at(now) {
            Status::Draft => {
                diesel::update(objectives::table.find(id)).set(fields(edit, now)).execute(conn)?;
                replace_children(conn, id, edit)?;
                Ok(None)
            }
            Status::Published => {
                let before = current.draft();
                let (changes, essential) = diff(&before, edit, catalogue);
                if changes.is_empty() {
                    return Err(ObjectiveError::NothingChanged);
                }
                if reason.trim().is_empty() {
                    return Err(ObjectiveError::ReasonRequired);
                }
                if reason.chars().count() > 2000 {
                    return Err(ObjectiveError::ReasonTooLong);
                }
                if let (Some(b), Some(a)) = (before.deadline_at, edit.deadline_at)
                    && a < b
                {
                    return Err(ObjectiveError::DeadlineBroughtForward);
                }
                if edit.deadline_at.is_none() {
                    return Err(ObjectiveError::DeadlineBroughtForward);
                }
                let problems: Vec<Problem> = missing_for_publication(edit, catalogue, now, chrono::Duration::zero())
                    .into_iter()
                    // An unchanged deadline may already be closer than the minimum period.
                    .filter(|p| p.key != "objective-error-deadline-close")
                    .collect();
                if !problems.is_empty() {
                    return Err(ObjectiveError::Incomplete(problems));
                }
                diesel::update(objectives::table.find(id)).set(fields(edit, now)).execute(conn)?;
                replace_children(conn, id, edit)?;
                diesel::insert_into(amendments::table)
                    .values((
                        amendments::objective_id.eq(id),
                        amendments::occurred_at.eq(now),
                        amendments::author_id.eq(author),
                        amendments::reason.eq(reason.trim()),
                        amendments::changes.eq(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into())),
                        amendments::essential.eq(essential),
                    ))
                    .execute(conn)?;
                let fields_changed: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                audit::record(
                    conn,
                    actor,
                    Event::ObjectiveAmended,
                    Subject::Objective(id),
                    serde_json::json!({ "fields": fields_changed, "essential": essential, "reason": reason.trim() }),
                    now,
                )?;
                if essential {
                    crate::domain::following::notify_amendment(conn, id, &before.themes, reason.trim(), links, now)?;
                    let link = |p: crate::db::ids::ProposalId| links.path(&format!("proposals/{p}"));
                    crate::domain::proposals::opening::notify_reconfirmation(conn, id, &link, now)?;
                }
                Ok(Some(changes))
            }
            other => Err(ObjectiveError::WrongStatus(other)),
        }
    })
}

/// Publishes a complete draft whose deadline is far enough ahead.
pub fn publish(
    conn: &mut DbConnection,
    id: ObjectiveId,
    min_response: chrono::Duration,
    cx: &Editing<'_>,
) -> Result<(), ObjectiveError> {
    let Editing { catalogue, actor, links, now } = *cx;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if next(status, Transition::Publish).is_none() {
            return Err(ObjectiveError::WrongStatus(status));
        }
        let problems = missing_for_publication(&current.draft(), catalogue, now, min_response);
        if !problems.is_empty() {
            return Err(ObjectiveError::Incomplete(problems));
        }
        diesel::update(objectives::table.find(id))
            .set((
                objectives::status.eq(Status::Published.as_str()),
                objectives::published_at.eq(Some(now)),
                objectives::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::ObjectivePublished,
            Subject::Objective(id),
            serde_json::json!({ "reference": current.objective.reference, "deadline": current.objective.deadline_at.map(|d| d.to_string()) }),
            now,
        )?;
        crate::domain::following::notify_publication(conn, id, links, now)?;
        Ok(())
    })
}

/// Cancels a published objective, before its deadline, with a public reason.
pub fn cancel(conn: &mut DbConnection, id: ObjectiveId, reason: &str, cx: &Editing<'_>) -> Result<(), ObjectiveError> {
    if reason.trim().is_empty() {
        return Err(ObjectiveError::ReasonRequired);
    }
    if reason.chars().count() > 2000 {
        return Err(ObjectiveError::ReasonTooLong);
    }
    let Editing { actor, links, now, .. } = *cx;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if next(status, Transition::Cancel).is_none() || current.objective.practice {
            return Err(ObjectiveError::WrongStatus(status));
        }
        diesel::update(objectives::table.find(id))
            .set((
                objectives::status.eq(Status::Cancelled.as_str()),
                objectives::cancel_reason.eq(Some(reason.trim())),
                objectives::cancelled_at.eq(Some(now)),
                objectives::updated_at.eq(now),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::ObjectiveCancelled,
            Subject::Objective(id),
            serde_json::json!({ "reason": reason.trim() }),
            now,
        )?;
        crate::domain::following::notify_cancellation(conn, id, reason.trim(), links, now)?;
        Ok(())
    })
}

/// Deletes a draft (never a published objective).
pub fn delete_draft(
    conn: &mut DbConnection,
    id: ObjectiveId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), ObjectiveError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if status != Status::Draft {
            return Err(ObjectiveError::WrongStatus(status));
        }
        diesel::delete(objectives::table.find(id)).execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::ObjectiveDraftDeleted,
            Subject::Objective(id),
            serde_json::json!({ "title": current.objective.title }),
            now,
        )?;
        Ok(())
    })
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = objectives)]
#[diesel(treat_none_as_null = true)]
struct ObjectiveFields<'a> {
    title: &'a str,
    need: &'a str,
    political_objective: &'a str,
    deliberation_ref: &'a str,
    deliberation_date: Option<NaiveDate>,
    deliberation_url: Option<&'a str>,
    themes: String,
    horizon: &'a str,
    budget_euros: Option<i64>,
    place: &'a str,
    contact: &'a str,
    deadline_at: Option<NaiveDateTime>,
    shortlist_rule: &'a str,
    shortlist_value: i32,
    updated_at: NaiveDateTime,
    search_text: String,
}

fn fields(d: &ObjectiveDraft, now: NaiveDateTime) -> ObjectiveFields<'_> {
    let theme_names: Vec<String> = d
        .themes
        .iter()
        .flat_map(|t| [themes::name(t, crate::i18n::Lang::Fr), themes::name(t, crate::i18n::Lang::En)])
        .collect();
    let theme_text = theme_names.join(" ");
    ObjectiveFields {
        search_text: crate::domain::search::index_text(&[
            &d.title,
            &d.need,
            &d.political_objective,
            &d.place,
            &theme_text,
        ]),
        title: &d.title,
        need: &d.need,
        political_objective: &d.political_objective,
        deliberation_ref: &d.deliberation_ref,
        deliberation_date: d.deliberation_date,
        deliberation_url: d.deliberation_url.as_deref(),
        themes: serde_json::to_string(&d.themes).unwrap_or_else(|_| "[]".into()),
        horizon: d.horizon.as_str(),
        budget_euros: d.budget_euros,
        place: &d.place,
        contact: &d.contact,
        deadline_at: d.deadline_at,
        shortlist_rule: &d.shortlist_rule,
        shortlist_value: d.shortlist_value,
        updated_at: now,
    }
}

fn replace_children(conn: &mut DbConnection, id: ObjectiveId, d: &ObjectiveDraft) -> QueryResult<()> {
    diesel::delete(objective_criteria::table.filter(objective_criteria::objective_id.eq(id))).execute(conn)?;
    for w in &d.criteria {
        diesel::insert_into(objective_criteria::table)
            .values((
                objective_criteria::objective_id.eq(id),
                objective_criteria::criterion_id.eq(w.criterion_id),
                objective_criteria::weight.eq(w.weight),
                objective_criteria::eliminatory.eq(w.eliminatory),
                objective_criteria::min_score.eq(w.min_score),
                objective_criteria::position.eq(w.position),
            ))
            .execute(conn)?;
    }
    diesel::delete(milestones::table.filter(milestones::objective_id.eq(id))).execute(conn)?;
    for m in &d.milestones {
        diesel::insert_into(milestones::table)
            .values((milestones::objective_id.eq(id), milestones::due_on.eq(m.due_on), milestones::label.eq(&m.label)))
            .execute(conn)?;
    }
    Ok(())
}
