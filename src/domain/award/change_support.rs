//! Change support, delivered and heard (issue 17, step 5): the signed contract carries a plan of
//! change-support actions (training, advice, awareness, recommendation, coaching), each with its
//! audience, planned date and hours, set by an agent beside the winning proposal's own
//! change-support section. A member of a holder organisation records each action delivered (date,
//! participants, materials in the upload store). The *users of the purchase* — accounts an agent
//! invites by e-mail onto one contract, with no supplier or staff right — confirm they attended a
//! delivered action and rate its usefulness from 1 to 5 with a comment, once each.
//!
//! Every write here owns its transaction, its lock and its audit entry; who may act is decided in
//! `domain::authz` (agents: `PlanChangeSupport`; holders: `RecordSupport`; users of the purchase:
//! `RateSupport`). The rating's own rule — the rater is a user of *this* contract — is checked
//! again here, inside the transaction.

use super::indicators::paris_day;
use crate::domain::audit::on_objective as record;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::contracts::{self, Contract};
use super::indicators::{holds, parse_number};
use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{
    award_winners, objectives, organisations, proposals, purchase_users, support_actions, support_deliveries,
    support_materials, support_ratings, users,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::accounts::{Links, STAFF_LINK_HOURS};
use crate::domain::audit::Event;
use crate::domain::email::Email;
use crate::domain::error::{self, Message, Refusal, database_message, kind_of};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::Status;
use crate::domain::signed_link::{LinkError, Purpose};
use crate::domain::users::{self as user_accounts, UserInsertForm};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub const DESCRIPTION_MAX: usize = 2000;
pub const AUDIENCE_MAX: usize = 200;
pub const NOTES_MAX: usize = 4000;
pub const COMMENT_MAX: usize = 2000;
/// The most hours one action may plan (a bound, not a rule).
pub const HOURS_MAX: f64 = 10_000.0;
pub const PARTICIPANTS_MAX: i32 = 100_000;
/// The most material files one delivery carries.
pub const MATERIALS_MAX: usize = 5;

/// The kinds of change-support action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Training,
    Advice,
    Awareness,
    Recommendation,
    Coaching,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Training, Kind::Advice, Kind::Awareness, Kind::Recommendation, Kind::Coaching];
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Training => "training",
            Kind::Advice => "advice",
            Kind::Awareness => "awareness",
            Kind::Recommendation => "recommendation",
            Kind::Coaching => "coaching",
        }
    }
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Why a change-support operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum SupportError {
    #[error("not found")]
    NotFound,
    #[error("the contract is not in execution")]
    WrongStage,
    #[error("this action was already delivered")]
    AlreadyDelivered,
    #[error("this action is not delivered yet")]
    NotDelivered,
    #[error("this action was already rated by this user")]
    AlreadyRated,
    /// A rating by someone who is not a user of this action's purchase.
    #[error("not a user of this purchase")]
    NotUserOfPurchase,
    #[error("some fields are refused")]
    Fields(Vec<Problem>),
    /// The set-password link could not be signed.
    #[error("link: {0}")]
    Link(#[from] LinkError),
    #[error("database error: {0}")]
    Db(#[from] diesel::result::Error),
}

impl Refusal for SupportError {
    fn kind(&self) -> error::Kind {
        match self {
            SupportError::NotFound => error::Kind::NotFound,
            SupportError::WrongStage
            | SupportError::AlreadyDelivered
            | SupportError::NotDelivered
            | SupportError::AlreadyRated => error::Kind::Conflict,
            SupportError::NotUserOfPurchase => error::Kind::Forbidden,
            SupportError::Fields(_) => error::Kind::Invalid,
            SupportError::Link(_) => error::Kind::Internal,
            SupportError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            SupportError::NotFound => "not_found",
            SupportError::WrongStage => "wrong_stage",
            SupportError::AlreadyDelivered => "already_delivered",
            SupportError::NotDelivered => "not_delivered",
            SupportError::AlreadyRated => "already_rated",
            SupportError::NotUserOfPurchase => "not_user_of_purchase",
            SupportError::Fields(_) => "invalid_fields",
            SupportError::Link(_) => error::Kind::Internal.code(),
            SupportError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            SupportError::NotFound => Message::new("error-404-text"),
            SupportError::WrongStage => Message::new("support-error-stage"),
            SupportError::AlreadyDelivered => Message::new("support-error-already-delivered"),
            SupportError::NotDelivered => Message::new("support-error-not-delivered"),
            SupportError::AlreadyRated => Message::new("support-error-already-rated"),
            SupportError::NotUserOfPurchase => Message::new("support-error-not-user"),
            SupportError::Fields(problems) => Message::new("form-has-errors").with_problems(problems),
            SupportError::Link(_) => Message::new("error-500-text"),
            SupportError::Db(e) => database_message(e),
        }
    }
}

/// A file of a delivery's materials, in the upload store (`uploads::Store`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Material {
    pub key: String,
    pub name: String,
    pub content_type: String,
}

/// A recorded delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    pub delivered_on: NaiveDate,
    pub participants: i32,
    pub notes: String,
    pub recorded_at: NaiveDateTime,
    /// The materials: (id, file name).
    pub materials: Vec<(i64, String)>,
}

/// A user of the purchase's attendance and rating.
#[derive(Debug, Clone, PartialEq)]
pub struct Rating {
    pub id: i64,
    pub user: UserId,
    /// The rater's name: agents only see it (the operations blank it for anyone else).
    pub rater: Option<String>,
    pub rating: i32,
    pub comment: String,
    pub rated_at: NaiveDateTime,
}

/// A planned action, with its delivery and ratings.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub id: i64,
    pub objective: ObjectiveId,
    pub kind: Kind,
    pub description: String,
    pub audience: String,
    pub planned_on: NaiveDate,
    pub planned_hours: f64,
    pub delivery: Option<Delivery>,
    pub ratings: Vec<Rating>,
}

/// What the public sees of a plan: counts and the average rating.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub planned: i64,
    pub delivered: i64,
    pub planned_hours: f64,
    pub participants: i64,
    pub ratings: i64,
    /// The average rating, 1 to 5, when there is at least one.
    pub average: Option<f64>,
}

/// The public figures of a plan.
pub fn summarize(actions: &[Action]) -> Summary {
    let ratings: Vec<i32> = actions.iter().flat_map(|a| a.ratings.iter().map(|r| r.rating)).collect();
    Summary {
        planned: actions.len() as i64,
        delivered: actions.iter().filter(|a| a.delivery.is_some()).count() as i64,
        planned_hours: actions.iter().map(|a| a.planned_hours).sum(),
        participants: actions.iter().filter_map(|a| a.delivery.as_ref()).map(|d| i64::from(d.participants)).sum(),
        ratings: ratings.len() as i64,
        average: (!ratings.is_empty())
            .then(|| ratings.iter().map(|r| f64::from(*r)).sum::<f64>() / ratings.len() as f64),
    }
}

/// A date as a form sends it (`YYYY-MM-DD`), or as typed in French (`DD/MM/YYYY`).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(text, "%d/%m/%Y")).ok()
}

/// What the agent types for an action, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAction {
    pub kind: Kind,
    pub description: String,
    pub audience: String,
    pub planned_on: NaiveDate,
    pub planned_hours: f64,
}

/// Parses the action form: `kind`, `description`, `audience`, `planned_on`, `planned_hours` (a
/// positive number). Every problem names its field.
pub fn parse_action(pairs: &FormPairs) -> Result<NewAction, Vec<Problem>> {
    let mut problems = Vec::new();
    let kind = Kind::parse(&first(pairs, "kind"));
    if kind.is_none() {
        problems.push(Problem::new("kind", "support-error-kind"));
    }
    let description = first(pairs, "description");
    if description.is_empty() || description.chars().count() > DESCRIPTION_MAX {
        problems.push(Problem::new("description", "support-error-description").with("max", DESCRIPTION_MAX));
    }
    let audience = first(pairs, "audience");
    if audience.is_empty() || audience.chars().count() > AUDIENCE_MAX {
        problems.push(Problem::new("audience", "support-error-audience").with("max", AUDIENCE_MAX));
    }
    let planned_on = parse_date(&first(pairs, "planned_on"));
    if planned_on.is_none() {
        problems.push(Problem::new("planned_on", "support-error-planned-on"));
    }
    let planned_hours = parse_number(&first(pairs, "planned_hours")).filter(|h| *h > 0.0 && *h <= HOURS_MAX);
    if planned_hours.is_none() {
        problems.push(Problem::new("planned_hours", "support-error-planned-hours"));
    }
    match (kind, planned_on, planned_hours) {
        (Some(kind), Some(planned_on), Some(planned_hours)) if problems.is_empty() => {
            Ok(NewAction { kind, description, audience, planned_on, planned_hours })
        }
        _ => Err(problems),
    }
}

/// The objective's stage and title, if it is a real objective (not a practice one).
fn stage(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    now: NaiveDateTime,
) -> Result<(Status, String), SupportError> {
    let found: Option<(String, Option<NaiveDateTime>, bool, String)> = objectives::table
        .find(objective)
        .select((objectives::status, objectives::deadline_at, objectives::practice, objectives::title))
        .first(conn)
        .optional()?;
    let Some((status, deadline, false, title)) = found else { return Err(SupportError::NotFound) };
    Ok((Status::effective(&status, deadline, now), title))
}

/// The signed contract of an objective in execution, with the objective's title.
fn in_execution(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    now: NaiveDateTime,
) -> Result<(Contract, String), SupportError> {
    let (status, title) = stage(conn, objective, now)?;
    if status != Status::InExecution {
        return Err(SupportError::WrongStage);
    }
    let contract = contracts::load(conn, objective)?.ok_or(SupportError::WrongStage)?;
    Ok((contract, title))
}

/// The winning proposals' change-support sections: (organisation, text), for the plan's prefill.
pub fn winning_sections(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<(String, String)>> {
    award_winners::table
        .inner_join(proposals::table.on(proposals::id.eq(award_winners::proposal_id)))
        .inner_join(organisations::table.on(organisations::id.eq(proposals::organisation_id)))
        .filter(award_winners::objective_id.eq(objective))
        .order(proposals::id.asc())
        .select((organisations::legal_name, proposals::change_support))
        .load(conn)
}

/// An agent adds an action to the plan of a contract in execution; returns its id. A planned
/// date before the signature is refused.
pub fn add_action(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    input: &NewAction,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<i64, SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (contract, _) = in_execution(conn, objective, now)?;
        if input.planned_on < contract.signed_on {
            return Err(SupportError::Fields(vec![
                Problem::new("planned_on", "support-error-before-signature")
                    .with("date", contract.signed_on.format("%d/%m/%Y")),
            ]));
        }
        let id: i64 = diesel::insert_into(support_actions::table)
            .values((
                support_actions::objective_id.eq(objective),
                support_actions::kind.eq(input.kind.as_str()),
                support_actions::description.eq(&input.description),
                support_actions::audience.eq(&input.audience),
                support_actions::planned_on.eq(input.planned_on),
                support_actions::planned_hours.eq(input.planned_hours),
                support_actions::created_by.eq(agent),
                support_actions::created_at.eq(now),
            ))
            .returning(support_actions::id)
            .get_result(conn)?;
        let details = serde_json::json!({
            "action": id,
            "kind": input.kind.as_str(),
            "audience": input.audience,
            "planned_on": input.planned_on.to_string(),
            "planned_hours": input.planned_hours,
        });
        record(conn, agent, Event::SupportActionPlanned, objective, details, now)?;
        Ok(id)
    })
}

/// The objective of an action.
pub fn objective_of_action(conn: &mut DbConnection, action: i64) -> QueryResult<Option<ObjectiveId>> {
    support_actions::table.find(action).select(support_actions::objective_id).first(conn).optional()
}

/// What a holder types for a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeliveryInput {
    pub delivered_on: String,
    pub participants: String,
    pub notes: String,
    /// The materials, already in the upload store (removed by the caller if refused).
    pub materials: Vec<Material>,
}

/// A member of a holder organisation records an action delivered (authorized by the caller
/// through `authz::Action::RecordSupport`); returns the objective. Refused, nothing written: an
/// action already delivered, a date that is not a date, in the future or before the signature,
/// participants that are not a positive whole number, notes too long, too many materials.
pub fn record_delivery(
    conn: &mut DbConnection,
    action: i64,
    input: &DeliveryInput,
    member: UserId,
    now: NaiveDateTime,
) -> Result<ObjectiveId, SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let objective = objective_of_action(conn, action)?.ok_or(SupportError::NotFound)?;
        let (contract, _) = in_execution(conn, objective, now)?;
        let delivered: i64 =
            support_deliveries::table.filter(support_deliveries::action_id.eq(action)).count().get_result(conn)?;
        if delivered > 0 {
            return Err(SupportError::AlreadyDelivered);
        }
        let mut problems = Vec::new();
        let day = parse_date(&input.delivered_on);
        match day {
            None => problems.push(Problem::new("delivered_on", "support-error-delivered-on")),
            Some(d) if d > paris_day(now) => problems.push(Problem::new("delivered_on", "support-error-future")),
            Some(d) if d < contract.signed_on => problems.push(
                Problem::new("delivered_on", "support-error-before-signature")
                    .with("date", contract.signed_on.format("%d/%m/%Y")),
            ),
            Some(_) => {}
        }
        let participants = input.participants.trim().parse::<i32>().ok().filter(|n| (1..=PARTICIPANTS_MAX).contains(n));
        if participants.is_none() {
            problems.push(Problem::new("participants", "support-error-participants"));
        }
        if input.notes.chars().count() > NOTES_MAX {
            problems.push(Problem::new("notes", "support-error-notes").with("max", NOTES_MAX));
        }
        if input.materials.len() > MATERIALS_MAX {
            problems.push(Problem::new("file", "support-error-materials").with("max", MATERIALS_MAX));
        }
        let (Some(day), Some(participants), true) = (day, participants, problems.is_empty()) else {
            return Err(SupportError::Fields(problems));
        };
        diesel::insert_into(support_deliveries::table)
            .values((
                support_deliveries::action_id.eq(action),
                support_deliveries::delivered_on.eq(day),
                support_deliveries::participants.eq(participants),
                support_deliveries::notes.eq(input.notes.trim()),
                support_deliveries::recorded_by.eq(member),
                support_deliveries::recorded_at.eq(now),
            ))
            .execute(conn)?;
        for m in &input.materials {
            diesel::insert_into(support_materials::table)
                .values((
                    support_materials::action_id.eq(action),
                    support_materials::storage_key.eq(&m.key),
                    support_materials::original_name.eq(&m.name),
                    support_materials::content_type.eq(&m.content_type),
                ))
                .execute(conn)?;
        }
        let details = serde_json::json!({
            "action": action,
            "delivered_on": day.to_string(),
            "participants": participants,
            "materials": input.materials.len(),
        });
        record(conn, member, Event::SupportActionDelivered, objective, details, now)?;
        Ok(objective)
    })
}

/// Whether `user` is a user of the objective's purchase.
pub fn is_user_of(conn: &mut DbConnection, objective: ObjectiveId, user: UserId) -> QueryResult<bool> {
    let n: i64 = purchase_users::table
        .filter(purchase_users::objective_id.eq(objective))
        .filter(purchase_users::user_id.eq(user))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Whether `user` is a user of any purchase.
pub fn is_user_of_any(conn: &mut DbConnection, user: UserId) -> QueryResult<bool> {
    let n: i64 = purchase_users::table.filter(purchase_users::user_id.eq(user)).count().get_result(conn)?;
    Ok(n > 0)
}

/// A user of the purchase as the agent sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurchaseUser {
    pub user: UserId,
    pub name: String,
    pub email: String,
    pub invited_at: NaiveDateTime,
    /// They set their password (or had an account): they can sign in.
    pub active: bool,
}

/// The users of the objective's purchase, in invitation order.
pub fn users_of(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<PurchaseUser>> {
    let rows: Vec<(UserId, String, String, NaiveDateTime, Option<String>)> = purchase_users::table
        .inner_join(users::table)
        .filter(purchase_users::objective_id.eq(objective))
        .order(purchase_users::id.asc())
        .select((
            purchase_users::user_id,
            users::display_name,
            users::email,
            purchase_users::invited_at,
            users::password_hash,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(user, name, email, invited_at, hash)| PurchaseUser {
            user,
            name,
            email,
            invited_at,
            active: hash.is_some(),
        })
        .collect())
}

/// An agent invites a user of the purchase by e-mail, scoped to this contract. A new address gets
/// an account with no organisation and no role, and a link to set its password (the staff
/// invitation's mechanism); an address that already has an account gets access to this contract
/// and a mail saying so, and the agent is answered exactly the same, so the invitation never
/// reveals who has an account.
pub fn invite_user(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    email: &Email,
    lang: Lang,
    agent: UserId,
    links: Links<'_>,
    now: DateTime<Utc>,
) -> Result<(), SupportError> {
    let naive = now.naive_utc();
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (_, title) = in_execution(conn, objective, naive)?;
        let page = links.url(&format!("/objectives/{}/change-support", objective.0), None);
        let existing = user_accounts::find_by_email(conn, email)?;
        let (user, mail) = match existing {
            None => {
                let local = email.as_str().split('@').next().unwrap_or_default();
                let user = user_accounts::insert(
                    conn,
                    &UserInsertForm {
                        email: email.as_str(),
                        display_name: local,
                        password_hash: None,
                        email_verified_at: None,
                        organisation_id: None,
                        locale: lang.code(),
                        created_at: naive,
                        updated_at: naive,
                    },
                )?;
                let token = links.signed(Purpose::SetPassword, &user, STAFF_LINK_HOURS, now)?;
                let link = links.url("/account/set-password", Some(&token));
                (user.id, templates::purchase_user_invitation(lang, email.as_str(), &title, &link))
            }
            Some(user) => {
                let their = Lang::from_code(&user.locale).unwrap_or_default();
                let mail = if user.password_hash.is_none() && !user.is_disabled() {
                    // Invited before and never signed in: a fresh link to set the password.
                    let token = links.signed(Purpose::SetPassword, &user, STAFF_LINK_HOURS, now)?;
                    let link = links.url("/account/set-password", Some(&token));
                    templates::purchase_user_invitation(their, email.as_str(), &title, &link)
                } else {
                    templates::purchase_user_access(their, email.as_str(), &title, &page)
                };
                (user.id, mail)
            }
        };
        let already = is_user_of(conn, objective, user)?;
        if !already {
            diesel::insert_into(purchase_users::table)
                .values((
                    purchase_users::objective_id.eq(objective),
                    purchase_users::user_id.eq(user),
                    purchase_users::invited_by.eq(agent),
                    purchase_users::invited_at.eq(naive),
                ))
                .execute(conn)?;
        }
        outbox::enqueue(conn, &mail, naive)?;
        let details = serde_json::json!({ "email": email.as_str(), "user": user.0, "already_invited": already });
        record(conn, agent, Event::PurchaseUserInvited, objective, details, naive)?;
        Ok(())
    })
}

/// An undelivered action of a contract in execution, for an agent to change or cancel: its
/// objective and its values as they stand (for the audit entry). Delivered: 409.
fn undelivered(
    conn: &mut DbConnection,
    action: i64,
    now: NaiveDateTime,
) -> Result<(ObjectiveId, NaiveDate, serde_json::Value), SupportError> {
    let objective = objective_of_action(conn, action)?.ok_or(SupportError::NotFound)?;
    let (contract, _) = in_execution(conn, objective, now)?;
    let delivered: i64 =
        support_deliveries::table.filter(support_deliveries::action_id.eq(action)).count().get_result(conn)?;
    if delivered > 0 {
        return Err(SupportError::AlreadyDelivered);
    }
    let (kind, description, audience, planned_on, planned_hours): (String, String, String, NaiveDate, f64) =
        support_actions::table
            .find(action)
            .select((
                support_actions::kind,
                support_actions::description,
                support_actions::audience,
                support_actions::planned_on,
                support_actions::planned_hours,
            ))
            .first(conn)?;
    let was = serde_json::json!({
        "kind": kind,
        "description": description,
        "audience": audience,
        "planned_on": planned_on.to_string(),
        "planned_hours": planned_hours,
    });
    Ok((objective, contract.signed_on, was))
}

/// An agent changes a planned action that is not delivered yet (kind, description, audience,
/// date, hours); the audit entry keeps the values before and after. Refused, nothing written: a
/// delivered action (409 `already_delivered`), a planned date before the signature (422), outside
/// execution (409 `wrong_stage`).
pub fn edit_action(
    conn: &mut DbConnection,
    action: i64,
    input: &NewAction,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<ObjectiveId, SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (objective, signed_on, was) = undelivered(conn, action, now)?;
        if input.planned_on < signed_on {
            return Err(SupportError::Fields(vec![
                Problem::new("planned_on", "support-error-before-signature").with("date", signed_on.format("%d/%m/%Y")),
            ]));
        }
        diesel::update(support_actions::table.find(action))
            .set((
                support_actions::kind.eq(input.kind.as_str()),
                support_actions::description.eq(&input.description),
                support_actions::audience.eq(&input.audience),
                support_actions::planned_on.eq(input.planned_on),
                support_actions::planned_hours.eq(input.planned_hours),
            ))
            .execute(conn)?;
        let details = serde_json::json!({
            "action": action,
            "before": was,
            "after": {
                "kind": input.kind.as_str(),
                "description": input.description,
                "audience": input.audience,
                "planned_on": input.planned_on.to_string(),
                "planned_hours": input.planned_hours,
            },
        });
        record(conn, agent, Event::SupportActionEdited, objective, details, now)?;
        Ok(objective)
    })
}

/// An agent cancels a planned action that is not delivered yet: it leaves the plan (and the
/// public counts); the audit entry keeps what it was. Refused as `edit_action`.
pub fn cancel_action(
    conn: &mut DbConnection,
    action: i64,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<ObjectiveId, SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (objective, _, was) = undelivered(conn, action, now)?;
        diesel::delete(support_actions::table.find(action)).execute(conn)?;
        record(
            conn,
            agent,
            Event::SupportActionCancelled,
            objective,
            serde_json::json!({ "action": action, "was": was }),
            now,
        )?;
        Ok(objective)
    })
}

/// An agent withdraws a user of the purchase's access to this contract: the row of
/// `purchase_users` goes (they may be invited again), the ratings they gave stay in the figures.
/// Refused with `NotFound` for someone who is not a user of this purchase; nothing written.
pub fn withdraw_user(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    user: UserId,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<(), SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let removed = diesel::delete(
            purchase_users::table
                .filter(purchase_users::objective_id.eq(objective))
                .filter(purchase_users::user_id.eq(user)),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(SupportError::NotFound);
        }
        record(conn, agent, Event::PurchaseUserWithdrawn, objective, serde_json::json!({ "user": user.0 }), now)?;
        Ok(())
    })
}

/// What a user of the purchase sends for an action.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RatingInput {
    /// The box "I attended this action" is ticked.
    pub attended: bool,
    pub rating: String,
    pub comment: String,
}

/// A user of the purchase confirms they attended a delivered action and rates its usefulness;
/// returns the objective. Refused, nothing written: a rater who is not a user of this action's
/// purchase, an action not delivered yet, a second rating, attendance not confirmed, a rating
/// outside 1 to 5, a comment too long.
pub fn rate(
    conn: &mut DbConnection,
    action: i64,
    input: &RatingInput,
    user: UserId,
    now: NaiveDateTime,
) -> Result<ObjectiveId, SupportError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let objective = objective_of_action(conn, action)?.ok_or(SupportError::NotFound)?;
        if !is_user_of(conn, objective, user)? {
            return Err(SupportError::NotUserOfPurchase);
        }
        let (status, _) = stage(conn, objective, now)?;
        if !matches!(status, Status::InExecution | Status::Completed) {
            return Err(SupportError::WrongStage);
        }
        let delivered: i64 =
            support_deliveries::table.filter(support_deliveries::action_id.eq(action)).count().get_result(conn)?;
        if delivered == 0 {
            return Err(SupportError::NotDelivered);
        }
        let rated: i64 = support_ratings::table
            .filter(support_ratings::action_id.eq(action))
            .filter(support_ratings::user_id.eq(user))
            .count()
            .get_result(conn)?;
        if rated > 0 {
            return Err(SupportError::AlreadyRated);
        }
        let mut problems = Vec::new();
        if !input.attended {
            problems.push(Problem::new("attended", "support-error-attended"));
        }
        let rating = input.rating.trim().parse::<i32>().ok().filter(|r| (1..=5).contains(r));
        if rating.is_none() {
            problems.push(Problem::new("rating", "support-error-rating"));
        }
        if input.comment.chars().count() > COMMENT_MAX {
            problems.push(Problem::new("comment", "support-error-comment").with("max", COMMENT_MAX));
        }
        let (Some(rating), true) = (rating, problems.is_empty()) else {
            return Err(SupportError::Fields(problems));
        };
        diesel::insert_into(support_ratings::table)
            .values((
                support_ratings::action_id.eq(action),
                support_ratings::user_id.eq(user),
                support_ratings::rating.eq(rating),
                support_ratings::comment.eq(input.comment.trim()),
                support_ratings::rated_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            user,
            Event::SupportActionRated,
            objective,
            serde_json::json!({ "action": action, "rating": rating }),
            now,
        )?;
        Ok(objective)
    })
}

type ActionRow = (i64, ObjectiveId, String, String, String, NaiveDate, f64);
type DeliveryRow = (i64, NaiveDate, i32, String, NaiveDateTime);
type RatingRow = (i64, i64, UserId, String, i32, String, NaiveDateTime);

/// An objective's plan: every action in planned order, with its delivery, its materials and its
/// ratings (with the raters' names: blank them for anyone but an agent).
pub fn plan(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Action>> {
    let rows: Vec<ActionRow> = support_actions::table
        .filter(support_actions::objective_id.eq(objective))
        .order((support_actions::planned_on.asc(), support_actions::id.asc()))
        .select((
            support_actions::id,
            support_actions::objective_id,
            support_actions::kind,
            support_actions::description,
            support_actions::audience,
            support_actions::planned_on,
            support_actions::planned_hours,
        ))
        .load(conn)?;
    let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
    let deliveries: Vec<DeliveryRow> = support_deliveries::table
        .filter(support_deliveries::action_id.eq_any(&ids))
        .select((
            support_deliveries::action_id,
            support_deliveries::delivered_on,
            support_deliveries::participants,
            support_deliveries::notes,
            support_deliveries::recorded_at,
        ))
        .load(conn)?;
    let materials: Vec<(i64, i64, String)> = support_materials::table
        .filter(support_materials::action_id.eq_any(&ids))
        .order(support_materials::id.asc())
        .select((support_materials::id, support_materials::action_id, support_materials::original_name))
        .load(conn)?;
    let ratings: Vec<RatingRow> = support_ratings::table
        .inner_join(users::table)
        .filter(support_ratings::action_id.eq_any(&ids))
        .order(support_ratings::id.asc())
        .select((
            support_ratings::id,
            support_ratings::action_id,
            support_ratings::user_id,
            users::display_name,
            support_ratings::rating,
            support_ratings::comment,
            support_ratings::rated_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let kind = Kind::parse(&r.2)?;
            let delivery = deliveries.iter().find(|d| d.0 == r.0).map(|d| Delivery {
                delivered_on: d.1,
                participants: d.2,
                notes: d.3.clone(),
                recorded_at: d.4,
                materials: materials.iter().filter(|m| m.1 == r.0).map(|m| (m.0, m.2.clone())).collect(),
            });
            Some(Action {
                id: r.0,
                objective: r.1,
                kind,
                description: r.3,
                audience: r.4,
                planned_on: r.5,
                planned_hours: r.6,
                delivery,
                ratings: ratings
                    .iter()
                    .filter(|x| x.1 == r.0)
                    .map(|x| Rating {
                        id: x.0,
                        user: x.2,
                        rater: Some(x.3.clone()),
                        rating: x.4,
                        comment: x.5.clone(),
                        rated_at: x.6,
                    })
                    .collect(),
            })
        })
        .collect())
}

/// A material file with the objective it belongs to.
pub fn material(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(ObjectiveId, Material)>> {
    let row: Option<(ObjectiveId, String, String, String)> = support_materials::table
        .inner_join(support_deliveries::table.inner_join(support_actions::table))
        .filter(support_materials::id.eq(id))
        .select((
            support_actions::objective_id,
            support_materials::storage_key,
            support_materials::original_name,
            support_materials::content_type,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(o, key, name, content_type)| (o, Material { key, name, content_type })))
}

/// An action the holder has to record: planned on or before today, not delivered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToRecord {
    pub objective: ObjectiveId,
    pub title: String,
    pub action: i64,
    pub kind: Kind,
    pub audience: String,
    pub planned_on: NaiveDate,
}

/// The actions `organisation` has to record across the contracts in execution it holds, oldest
/// planned first.
pub fn to_record(
    conn: &mut DbConnection,
    organisation: OrganisationId,
    now: NaiveDateTime,
) -> QueryResult<Vec<ToRecord>> {
    let today = paris_day(now);
    let rows: Vec<(i64, ObjectiveId, String, String, NaiveDate, String)> = support_actions::table
        .inner_join(objectives::table.on(objectives::id.eq(support_actions::objective_id)))
        .filter(objectives::status.eq(Status::InExecution.as_str()))
        .filter(support_actions::planned_on.le(today))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            support_deliveries::table.filter(support_deliveries::action_id.eq(support_actions::id)),
        )))
        .order((support_actions::planned_on.asc(), support_actions::id.asc()))
        .select((
            support_actions::id,
            support_actions::objective_id,
            support_actions::kind,
            support_actions::audience,
            support_actions::planned_on,
            objectives::title,
        ))
        .load(conn)?;
    let mut held: Vec<(ObjectiveId, bool)> = Vec::new();
    let mut out = Vec::new();
    for (action, objective, kind, audience, planned_on, title) in rows {
        let holder = match held.iter().find(|(o, _)| *o == objective) {
            Some((_, h)) => *h,
            None => {
                let h = contracts::load(conn, objective)?.is_some_and(|c| holds(&c, organisation));
                held.push((objective, h));
                h
            }
        };
        let Some(kind) = Kind::parse(&kind) else { continue };
        if holder {
            out.push(ToRecord { objective, title, action, kind, audience, planned_on });
        }
    }
    Ok(out)
}

/// A delivered action a user of the purchase has not rated yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToRate {
    pub objective: ObjectiveId,
    pub title: String,
    pub action: i64,
    pub kind: Kind,
    pub delivered_on: NaiveDate,
}

/// The delivered actions `user` may rate and has not, across the purchases they use, oldest first.
pub fn to_rate(conn: &mut DbConnection, user: UserId) -> QueryResult<Vec<ToRate>> {
    let rows: Vec<(i64, ObjectiveId, String, NaiveDate, String)> = support_actions::table
        .inner_join(support_deliveries::table)
        .inner_join(objectives::table.on(objectives::id.eq(support_actions::objective_id)))
        .inner_join(purchase_users::table.on(purchase_users::objective_id.eq(support_actions::objective_id)))
        .filter(purchase_users::user_id.eq(user))
        .filter(objectives::status.eq_any([Status::InExecution.as_str(), Status::Completed.as_str()]))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            support_ratings::table
                .filter(support_ratings::action_id.eq(support_actions::id))
                .filter(support_ratings::user_id.eq(user)),
        )))
        .order((support_deliveries::delivered_on.asc(), support_actions::id.asc()))
        .select((
            support_actions::id,
            support_actions::objective_id,
            support_actions::kind,
            support_deliveries::delivered_on,
            objectives::title,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(action, objective, kind, delivered_on, title)| {
            Some(ToRate { objective, title, action, kind: Kind::parse(&kind)?, delivered_on })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> FormPairs {
        v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn the_action_form_names_every_refused_field() {
        let problems =
            parse_action(&pairs(&[("kind", "party"), ("planned_on", "demain"), ("planned_hours", "-2")])).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["kind", "description", "audience", "planned_on", "planned_hours"]);
        for hours in ["0", "zéro", "", "20000"] {
            let p = parse_action(&pairs(&[
                ("kind", "training"),
                ("description", "Prise en main"),
                ("audience", "Agents d’entretien"),
                ("planned_on", "2027-03-01"),
                ("planned_hours", hours),
            ]))
            .unwrap_err();
            assert_eq!(p[0].field, "planned_hours", "{hours}");
        }
        let ok = parse_action(&pairs(&[
            ("kind", "coaching"),
            ("description", "Accompagnement"),
            ("audience", "Gestionnaires"),
            ("planned_on", "01/03/2027"),
            ("planned_hours", "3,5"),
        ]))
        .unwrap();
        assert_eq!((ok.kind, ok.planned_hours), (Kind::Coaching, 3.5));
        assert_eq!(ok.planned_on, NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
    }

    #[test]
    fn the_public_figures_count_and_average() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let at = day.and_hms_opt(9, 0, 0).unwrap();
        let rating =
            |r| Rating { id: 1, user: UserId(1), rater: None, rating: r, comment: String::new(), rated_at: at };
        let action = |delivered: Option<i32>, ratings: Vec<Rating>| Action {
            id: 1,
            objective: ObjectiveId(1),
            kind: Kind::Training,
            description: String::new(),
            audience: String::new(),
            planned_on: day,
            planned_hours: 2.0,
            delivery: delivered.map(|p| Delivery {
                delivered_on: day,
                participants: p,
                notes: String::new(),
                recorded_at: at,
                materials: vec![],
            }),
            ratings,
        };
        let s = summarize(&[
            action(Some(12), vec![rating(4), rating(5)]),
            action(Some(3), vec![rating(2)]),
            action(None, vec![]),
        ]);
        assert_eq!((s.planned, s.delivered, s.participants, s.ratings), (3, 2, 15, 3));
        assert_eq!(s.planned_hours, 6.0);
        assert!((s.average.unwrap() - 11.0 / 3.0).abs() < 1e-9);
        assert_eq!(summarize(&[]).average, None);
    }
}
