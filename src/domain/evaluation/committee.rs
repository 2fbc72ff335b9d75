//! The committee of an objective: members (staff accounts with the committee role) and one chair,
//! appointed by an agent before or after the deadline; the evaluation's settings (blind mode and
//! how scores combine), chosen before the deadline.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::EvaluationError;
use super::aggregate::Method;
use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{committee_members, conflict_declarations, objectives, user_roles, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::objectives::{Objective, Status};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: UserId,
    pub name: String,
    pub email: String,
    pub chair: bool,
    /// The member's account is disabled: they can no longer sign in to finish.
    pub disabled: bool,
    /// The chair released the seat (see `release_seat`): what the member did not submit no
    /// longer waits.
    pub released: bool,
}

/// A member's row: id, name, address, chair, disabled at, released at.
type MemberRow = (UserId, String, String, bool, Option<NaiveDateTime>, Option<NaiveDateTime>);

pub fn members(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Member>> {
    let rows: Vec<MemberRow> = committee_members::table
        .inner_join(users::table)
        .filter(committee_members::objective_id.eq(objective))
        .order((committee_members::chair.desc(), users::display_name.asc(), users::id.asc()))
        .select((
            users::id,
            users::display_name,
            users::email,
            committee_members::chair,
            users::disabled_at,
            committee_members::released_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user_id, name, email, chair, disabled_at, released_at)| Member {
            user_id,
            name,
            email,
            chair,
            disabled: disabled_at.is_some(),
            released: released_at.is_some(),
        })
        .collect())
}

/// The objectives a user sits on, with whether they chair.
pub fn of_user(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<(Objective, bool)>> {
    committee_members::table
        .inner_join(objectives::table)
        .filter(committee_members::user_id.eq(user))
        .order(objectives::deadline_at.desc())
        .select((Objective::as_select(), committee_members::chair))
        .load(conn)
}

/// Staff accounts an agent may appoint: active, with the committee role, and neither agent nor
/// administrator (separation of duties).
pub fn candidates(conn: &mut DbConnection) -> QueryResult<Vec<(UserId, String, String)>> {
    let barred: Vec<UserId> =
        user_roles::table.filter(user_roles::role.eq_any(["agent", "admin"])).select(user_roles::user_id).load(conn)?;
    let all: Vec<(UserId, String, String)> = users::table
        .inner_join(user_roles::table)
        .filter(user_roles::role.eq("committee"))
        .filter(users::disabled_at.is_null())
        .order(users::display_name.asc())
        .select((users::id, users::display_name, users::email))
        .load(conn)?;
    Ok(all.into_iter().filter(|(id, _, _)| !barred.contains(id)).collect())
}

fn committee_objective(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    now: NaiveDateTime,
) -> Result<Objective, EvaluationError> {
    let o: Objective = objectives::table
        .find(objective)
        .select(Objective::as_select())
        .first(conn)
        .optional()?
        .ok_or(EvaluationError::NotFound)?;
    if o.practice {
        return Err(EvaluationError::NotFound);
    }
    let decided = super::board::decided(conn, objective)?;
    match o.status_at(now) {
        _ if decided => Err(EvaluationError::Decided),
        Status::Published | Status::Closed | Status::UnderEvaluation => Ok(o),
        _ => Err(EvaluationError::WrongStage),
    }
}

/// Appoints a member (or makes them the chair: there is one chair). Tells them by e-mail.
pub fn appoint(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    user: UserId,
    chair: bool,
    by: &AuditActor,
    link: &str,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let o = committee_objective(conn, objective, now)?;
        let eligible: Option<(String, String)> = users::table
            .inner_join(user_roles::table)
            .filter(users::id.eq(user))
            .filter(user_roles::role.eq("committee"))
            .filter(users::disabled_at.is_null())
            .select((users::email, users::locale))
            .first(conn)
            .optional()?;
        let (email, locale) = eligible.ok_or(EvaluationError::NotCommittee)?;
        // Separation of duties: whoever opens and publishes does not also score, and whoever
        // reads the audit log (which maps proposals to their depositors) does not either.
        // `authz::decide` checks the same again whenever a member acts, should roles change.
        let roles: Vec<String> =
            user_roles::table.filter(user_roles::user_id.eq(user)).select(user_roles::role).load(conn)?;
        if roles.iter().any(|r| r == "agent") {
            return Err(EvaluationError::AgentCannotSit);
        }
        if roles.iter().any(|r| r == "admin") {
            return Err(EvaluationError::AdminCannotSit);
        }
        if chair {
            diesel::update(committee_members::table.filter(committee_members::objective_id.eq(objective)))
                .set(committee_members::chair.eq(false))
                .execute(conn)?;
        }
        // Appointing the chair again as a plain member does not demote them: "make chair" on
        // another member does.
        let already: usize =
            committee_members::table.find((objective, user)).count().get_result::<i64>(conn)?.try_into().unwrap_or(1);
        if already > 0 && chair {
            diesel::update(committee_members::table.find((objective, user)))
                .set(committee_members::chair.eq(true))
                .execute(conn)?;
        }
        if already == 0 {
            diesel::insert_into(committee_members::table)
                .values((
                    committee_members::objective_id.eq(objective),
                    committee_members::user_id.eq(user),
                    committee_members::chair.eq(chair),
                    committee_members::appointed_by.eq(match by {
                        AuditActor::User { id, .. } | AuditActor::UserId(id) => *id,
                        _ => user,
                    }),
                    committee_members::appointed_at.eq(now),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            by,
            Event::CommitteeAppointed,
            Subject::Objective(objective),
            serde_json::json!({ "user": user.0, "chair": chair }),
            now,
        )?;
        if already == 0 || chair {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            outbox::enqueue(conn, &templates::committee_appointment(lang, &email, &o.title, chair, link), now)?;
        }
        Ok(())
    })
}

/// Removes a member who has not scored yet.
pub fn remove(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    user: UserId,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        committee_objective(conn, objective, now)?;
        let scored: i64 = crate::db::schema::evaluations::table
            .filter(crate::db::schema::evaluations::objective_id.eq(objective))
            .filter(crate::db::schema::evaluations::user_id.eq(user))
            .count()
            .get_result(conn)?;
        if scored > 0 {
            return Err(EvaluationError::AlreadyScoring);
        }
        let n = diesel::delete(committee_members::table.find((objective, user))).execute(conn)?;
        if n == 0 {
            return Err(EvaluationError::NotFound);
        }
        diesel::delete(
            crate::db::schema::conflict_declarations::table
                .filter(crate::db::schema::conflict_declarations::objective_id.eq(objective))
                .filter(crate::db::schema::conflict_declarations::user_id.eq(user)),
        )
        .execute(conn)?;
        audit::record(
            conn,
            by,
            Event::CommitteeRemoved,
            Subject::Objective(objective),
            serde_json::json!({ "user": user.0 }),
            now,
        )?;
        Ok(())
    })
}

/// Blind mode and how scores combine: chosen before the deadline.
pub fn configure(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    blind: bool,
    method: Method,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let o = committee_objective(conn, objective, now)?;
        if o.status_at(now) != Status::Published {
            return Err(EvaluationError::WrongStage);
        }
        diesel::update(objectives::table.find(objective))
            .set((objectives::blind.eq(blind), objectives::aggregation.eq(method.as_str())))
            .execute(conn)?;
        audit::record(
            conn,
            by,
            Event::EvaluationConfigured,
            Subject::Objective(objective),
            serde_json::json!({ "blind": blind, "aggregation": method.as_str() }),
            now,
        )?;
        Ok(())
    })
}

/// The chair releases the seat of a member whose account was disabled during the evaluation, with
/// a reason (at least `REASON_MIN` characters): the member's submitted evaluations still count,
/// what they left unsubmitted no longer blocks the decision. Only while the committee has not
/// decided, only for a disabled account, once; audited (`evaluation.seat_released`).
pub fn release_seat(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    member: UserId,
    chair: UserId,
    reason: &str,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    let reason = reason.trim();
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        let b = super::decision::chaired_board(conn, objective, chair)?;
        let m = b.member(member).ok_or(EvaluationError::NotFound)?;
        if m.released {
            return Err(EvaluationError::SeatReleased);
        }
        if !m.disabled {
            return Err(EvaluationError::SeatStillHeld);
        }
        if !(super::REASON_MIN..=super::TEXT_MAX).contains(&reason.chars().count()) {
            return Err(EvaluationError::ReleaseReason);
        }
        diesel::update(committee_members::table.find((objective, member)))
            .set((
                committee_members::released_at.eq(now),
                committee_members::released_by.eq(chair),
                committee_members::release_reason.eq(reason),
            ))
            .execute(conn)?;
        super::record(
            conn,
            chair,
            Event::SeatReleased,
            objective,
            serde_json::json!({ "user": member.0, "reason": reason }),
            now,
        )?;
        Ok(())
    })
}

/// An agent lifts a member's declared conflict of interest with one organisation, giving the
/// reason (at least `REASON_MIN` characters). The member cannot do it: a conflict is one-way
/// (see `scoring::declare`). The declaration becomes "no conflict", its note the agent's reason;
/// the audit entry `evaluation.conflict_lifted` keeps who, whom, which organisation and why.
#[allow(clippy::too_many_arguments)]
pub fn lift_conflict(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    member: UserId,
    organisation: OrganisationId,
    reason: &str,
    by: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), EvaluationError> {
    let reason = reason.trim();
    if reason.chars().count() < super::REASON_MIN || reason.chars().count() > super::TEXT_MAX {
        return Err(EvaluationError::ReasonRequired);
    }
    write_tx(conn, |conn| {
        crate::db::serialize(conn, super::lock_key(objective))?;
        committee_objective(conn, objective, now)?;
        let n = diesel::update(
            conflict_declarations::table
                .find((objective, member, organisation))
                .filter(conflict_declarations::conflict.eq(true)),
        )
        .set((conflict_declarations::conflict.eq(false), conflict_declarations::note.eq(reason)))
        .execute(conn)?;
        if n == 0 {
            return Err(EvaluationError::NoConflict);
        }
        audit::record(
            conn,
            by,
            Event::ConflictLifted,
            Subject::Objective(objective),
            serde_json::json!({ "user": member.0, "organisation": organisation.0, "reason": reason }),
            now,
        )?;
        Ok(())
    })
}
