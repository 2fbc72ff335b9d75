//! A person's own data (GDPR articles 15, 17 and 20): everything the platform holds about one user,
//! as JSON, and the erasure of their account.
//!
//! Erasure keeps what the law requires to keep and deletes the rest (docs/ACCOUNTS.md, "Your
//! data"). The records the public procurement code requires (deposits and their receipts,
//! letters, evaluations, the audit log) refer to people by their user id; the `users` row keeps
//! that id and gets a pseudonym in place of the name and the address, so every page and every
//! later record shows the pseudonym. The sealed records themselves are never rewritten: a receipt's
//! hash and the audit log's hash chain are their proof, and the address written in them at the
//! time stays there, under their own retention period.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::db::ids::{ObjectiveId, OrganisationId, UserId};
use crate::db::schema::{
    api_tokens, audit_log, committee_members, conflict_declarations, deposits, evaluations, invitations, letters,
    mail_outbox, message_reports, messages, objectives, organisation_profiles, organisations, practices, proposals,
    questions, scores, sessions, subscriptions, user_roles, users,
};
use crate::db::{DbConnection, LOCK_ADMINS, LOCK_ORGANISATIONS, serialize, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::objectives::lifecycle::Status;
use crate::domain::users as people;
use crate::domain::users::{Role, User};

/// The domain of the addresses erased accounts get: `.invalid` can never receive mail (RFC 2606).
pub const ERASED_DOMAIN: &str = "erased.invalid";

/// The pseudonym an erased account keeps: its id, nothing else.
pub fn pseudonym(id: UserId) -> (String, String) {
    (format!("Compte supprimé n° {}", id.0), format!("user-{}@{ERASED_DOMAIN}", id.0))
}

/// Whether an account has been erased (its address is its pseudonym's).
pub fn is_erased(user: &User) -> bool {
    user.email.ends_with(&format!("@{ERASED_DOMAIN}"))
}

/// Why an account cannot be erased now, each with its way out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocker {
    /// The owner of an organisation that has other members or deposits: hand over first.
    LastOwner { organisation: String },
    /// A seat on the committee of an objective not decided yet.
    SittingMember { objectives: Vec<(ObjectiveId, String, String)> },
    /// The last active administrator.
    LastAdmin,
}

#[derive(Debug, thiserror::Error)]
pub enum ErasureError {
    #[error("the account cannot be erased now")]
    Blocked(Vec<Blocker>),
    #[error("the account is already erased")]
    AlreadyErased,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl Refusal for ErasureError {
    fn kind(&self) -> Kind {
        match self {
            ErasureError::Blocked(_) | ErasureError::AlreadyErased => Kind::Conflict,
            ErasureError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ErasureError::Blocked(_) => "erasure_refused",
            ErasureError::AlreadyErased => "already_erased",
            ErasureError::Db(e) => kind_of(e).code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            ErasureError::Blocked(blockers) => {
                Message::new("erase-refused").with_parts(blockers.iter().map(Blocker::message).collect())
            }
            ErasureError::AlreadyErased => Message::new("error-404-text"),
            ErasureError::Db(e) => database_message(e),
        }
    }
}

impl Blocker {
    pub fn message(&self) -> Message {
        match self {
            Blocker::LastOwner { organisation } => {
                Message::new("erase-refused-last-owner").with("organisation", organisation)
            }
            Blocker::SittingMember { objectives } => Message::new("erase-refused-sitting-member").with(
                "objectives",
                objectives.iter().map(|(_, r, t)| format!("{r} « {t} »")).collect::<Vec<_>>().join(", "),
            ),
            Blocker::LastAdmin => Message::new("erase-refused-last-admin"),
        }
    }
}

/// The stored statuses of an objective whose committee has not decided yet (published, its
/// deadline passed or not, or opened and under evaluation).
const UNDECIDED: [Status; 2] = [Status::Published, Status::UnderEvaluation];

/// What stands in the way of erasing `user`'s account today (nothing: it may be erased).
pub fn blockers(conn: &mut DbConnection, user: &User) -> QueryResult<Vec<Blocker>> {
    let mut found = Vec::new();
    if let Some(org) = user.organisation_id {
        let owned: Option<(Option<UserId>, String)> = organisations::table
            .find(org)
            .select((organisations::owner_user_id, organisations::legal_name))
            .first(conn)
            .optional()?;
        if let Some((Some(owner), name)) = owned
            && owner == user.id
        {
            let others: i64 = users::table
                .filter(users::organisation_id.eq(org))
                .filter(users::id.ne(user.id))
                .count()
                .get_result(conn)?;
            let deposited: i64 = deposits::table.filter(deposits::organisation_id.eq(org)).count().get_result(conn)?;
            if others > 0 || deposited > 0 {
                found.push(Blocker::LastOwner { organisation: name });
            }
        }
    }
    let statuses: Vec<&str> = UNDECIDED.iter().map(|s| s.as_str()).collect();
    let seats: Vec<(ObjectiveId, String, String)> = committee_members::table
        .inner_join(objectives::table)
        .filter(committee_members::user_id.eq(user.id))
        .filter(objectives::status.eq_any(statuses))
        .order(objectives::id.asc())
        .select((objectives::id, objectives::reference, objectives::title))
        .load(conn)?;
    if !seats.is_empty() {
        found.push(Blocker::SittingMember { objectives: seats });
    }
    if people::roles(conn, user.id)?.contains(&Role::Admin) && people::count_active_admins(conn)? <= 1 {
        found.push(Blocker::LastAdmin);
    }
    Ok(found)
}

/// What the erasure did, for the person's last page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub sessions_ended: usize,
    pub tokens_deleted: usize,
    /// The organisation left without an owner (no other member, no deposit).
    pub organisation_left: Option<OrganisationId>,
}

/// Erases `user`'s account, unless something stands in the way ([`blockers`]): what the law
/// requires to keep stays, linked to the pseudonym; the rest is deleted; every session and token
/// ends. The password is checked before, by the caller (it needs the slow hash).
pub fn erase(conn: &mut DbConnection, user: &User, now: NaiveDateTime) -> Result<Erased, ErasureError> {
    write_tx(conn, |conn| {
        serialize(conn, LOCK_ADMINS)?;
        let Some(user) = people::find(conn, user.id)? else { return Err(ErasureError::AlreadyErased) };
        if is_erased(&user) {
            return Err(ErasureError::AlreadyErased);
        }
        if let Some(org) = user.organisation_id {
            serialize(conn, LOCK_ORGANISATIONS + org.0)?;
        }
        let found = blockers(conn, &user)?;
        if !found.is_empty() {
            return Err(ErasureError::Blocked(found));
        }
        // Recorded by id only: the entry must not write the address again.
        audit::record(
            conn,
            &AuditActor::UserId(user.id),
            Event::AccountErased,
            Subject::User(user.id),
            json!({}),
            now,
        )?;
        let organisation_left = match user.organisation_id {
            Some(org) => {
                let n = diesel::update(
                    organisations::table.find(org).filter(organisations::owner_user_id.eq(Some(user.id))),
                )
                .set((organisations::owner_user_id.eq(None::<UserId>), organisations::updated_at.eq(now)))
                .execute(conn)?;
                (n == 1).then_some(org)
            }
            None => None,
        };
        let sessions_ended = diesel::delete(sessions::table.filter(sessions::user_id.eq(user.id))).execute(conn)?;
        let tokens_deleted = diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user.id))).execute(conn)?;
        diesel::delete(subscriptions::table.filter(subscriptions::user_id.eq(user.id))).execute(conn)?;
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(user.id))).execute(conn)?;
        // Invitations still waiting for the address, and the mails to it (sent or not).
        diesel::delete(
            invitations::table.filter(invitations::email.eq(&user.email)).filter(invitations::accepted_at.is_null()),
        )
        .execute(conn)?;
        diesel::delete(mail_outbox::table.filter(mail_outbox::to_address.eq(&user.email))).execute(conn)?;
        // Public questions are published without their author: the link to the person goes.
        diesel::update(questions::table.filter(questions::asked_by.eq(Some(user.id))))
            .set(questions::asked_by.eq(None::<UserId>))
            .execute(conn)?;
        let (name, address) = pseudonym(user.id);
        diesel::update(users::table.find(user.id))
            .set((
                users::email.eq(address),
                users::display_name.eq(name),
                users::password_hash.eq(None::<String>),
                users::email_verified_at.eq(None::<NaiveDateTime>),
                users::disabled_at.eq(Some(now)),
                users::organisation_id.eq(None::<OrganisationId>),
                users::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok(Erased { sessions_ended, tokens_deleted, organisation_left })
    })
}

fn time(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

fn time_opt(t: Option<NaiveDateTime>) -> Value {
    t.map_or(Value::Null, |t| Value::String(time(t)))
}

/// Everything the platform holds about `id`, one key per category of the privacy notice. Never a
/// secret: no password or token hash, no session identifier, no mail body (they carry links).
pub fn export(conn: &mut DbConnection, id: UserId, now: NaiveDateTime) -> QueryResult<Value> {
    let user = people::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    let roles: Vec<(String, NaiveDateTime)> = user_roles::table
        .filter(user_roles::user_id.eq(id))
        .order(user_roles::role.asc())
        .select((user_roles::role, user_roles::granted_at))
        .load(conn)?;
    let account = json!({
        "id": user.id.0,
        "email": user.email,
        "display_name": user.display_name,
        "locale": user.locale,
        "email_verified_at": time_opt(user.email_verified_at),
        "disabled_at": time_opt(user.disabled_at),
        "created_at": time(user.created_at),
        "updated_at": time(user.updated_at),
        "roles": roles.iter().map(|(r, at)| json!({ "role": r, "granted_at": time(*at) })).collect::<Vec<_>>(),
    });

    let session_rows: Vec<(String, NaiveDateTime, NaiveDateTime, NaiveDateTime)> = sessions::table
        .filter(sessions::user_id.eq(id))
        .order(sessions::created_at.asc())
        .select((sessions::user_agent, sessions::created_at, sessions::last_seen_at, sessions::expires_at))
        .load(conn)?;
    let sessions_json: Vec<Value> = session_rows
        .iter()
        .map(|(ua, c, l, e)| {
            json!({ "user_agent": ua, "created_at": time(*c), "last_seen_at": time(*l), "expires_at": time(*e) })
        })
        .collect();

    let token_rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>)> = api_tokens::table
        .filter(api_tokens::user_id.eq(id))
        .order(api_tokens::id.asc())
        .select((api_tokens::name, api_tokens::created_at, api_tokens::last_used_at, api_tokens::revoked_at))
        .load(conn)?;
    let tokens_json: Vec<Value> = token_rows
        .iter()
        .map(|(n, c, u, r)| {
            json!({ "name": n, "created_at": time(*c), "last_used_at": time_opt(*u), "revoked_at": time_opt(*r) })
        })
        .collect();

    let organisation = match user.organisation_id {
        Some(org) => {
            let (name, owner): (String, Option<UserId>) = organisations::table
                .find(org)
                .select((organisations::legal_name, organisations::owner_user_id))
                .first(conn)?;
            json!({ "id": org.0, "legal_name": name, "role": if owner == Some(id) { "owner" } else { "member" } })
        }
        None => Value::Null,
    };

    type InvitationRow =
        (OrganisationId, String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let sent: Vec<InvitationRow> = invitations::table
        .filter(invitations::invited_by.eq(id))
        .order(invitations::id.asc())
        .select((
            invitations::organisation_id,
            invitations::email,
            invitations::created_at,
            invitations::expires_at,
            invitations::accepted_at,
            invitations::revoked_at,
        ))
        .load(conn)?;
    let received: Vec<InvitationRow> = invitations::table
        .filter(invitations::email.eq(&user.email))
        .order(invitations::id.asc())
        .select((
            invitations::organisation_id,
            invitations::email,
            invitations::created_at,
            invitations::expires_at,
            invitations::accepted_at,
            invitations::revoked_at,
        ))
        .load(conn)?;
    let invitation = |(org, email, c, e, a, r): &InvitationRow| {
        json!({
            "organisation_id": org.0, "email": email, "created_at": time(*c), "expires_at": time(*e),
            "accepted_at": time_opt(*a), "revoked_at": time_opt(*r),
        })
    };

    let profile_rows: Vec<(OrganisationId, bool, String, String, String, NaiveDateTime)> = organisation_profiles::table
        .filter(organisation_profiles::updated_by.eq(id))
        .order(organisation_profiles::organisation_id.asc())
        .select((
            organisation_profiles::organisation_id,
            organisation_profiles::listed,
            organisation_profiles::presentation,
            organisation_profiles::departments,
            organisation_profiles::commitments,
            organisation_profiles::updated_at,
        ))
        .load(conn)?;
    let profiles_json: Vec<Value> = profile_rows
        .iter()
        .map(|(o, l, p, d, c, u)| {
            json!({ "organisation_id": o.0, "listed": l, "presentation": p, "departments": d,
                    "commitments": c, "updated_at": time(*u) })
        })
        .collect();

    type ProposalRow =
        (i64, ObjectiveId, OrganisationId, String, String, String, String, UserId, NaiveDateTime, NaiveDateTime);
    let proposal_rows: Vec<ProposalRow> = proposals::table
        .filter(proposals::created_by.eq(id).or(proposals::updated_by.eq(id)))
        .order(proposals::id.asc())
        .select((
            proposals::id,
            proposals::objective_id,
            proposals::organisation_id,
            proposals::title,
            proposals::summary,
            proposals::solution,
            proposals::change_support,
            proposals::created_by,
            proposals::created_at,
            proposals::updated_at,
        ))
        .load(conn)?;
    let proposals_json: Vec<Value> = proposal_rows
        .iter()
        .map(|(pid, o, org, t, s, sol, cs, by, c, u)| {
            json!({ "id": pid, "objective_id": o.0, "organisation_id": org.0, "title": t, "summary": s,
                    "solution": sol, "change_support": cs, "created_by_you": *by == id,
                    "created_at": time(*c), "updated_at": time(*u) })
        })
        .collect();

    let deposit_rows: Vec<(String, String, i64, ObjectiveId, OrganisationId, NaiveDateTime, bool)> = deposits::table
        .filter(deposits::depositor_id.eq(id))
        .order(deposits::id.asc())
        .select((
            deposits::receipt_number,
            deposits::kind,
            deposits::proposal_id,
            deposits::objective_id,
            deposits::organisation_id,
            deposits::deposited_at,
            deposits::late,
        ))
        .load(conn)?;
    let deposits_json: Vec<Value> = deposit_rows
        .iter()
        .map(|(n, k, p, o, org, at, late)| {
            json!({ "receipt_number": n, "kind": k, "proposal_id": p, "objective_id": o.0,
                    "organisation_id": org.0, "deposited_at": time(*at), "late": late })
        })
        .collect();

    type QuestionRow = (ObjectiveId, String, Option<String>, NaiveDateTime, Option<NaiveDateTime>, Option<UserId>);
    let question_rows: Vec<QuestionRow> = questions::table
        .filter(questions::asked_by.eq(Some(id)).or(questions::answered_by.eq(Some(id))))
        .order(questions::id.asc())
        .select((
            questions::objective_id,
            questions::question,
            questions::answer,
            questions::asked_at,
            questions::answered_at,
            questions::asked_by,
        ))
        .load(conn)?;
    let questions_json: Vec<Value> = question_rows
        .iter()
        .map(|(o, q, a, at, ans, by)| {
            json!({ "objective_id": o.0, "question": q, "answer": a, "asked_at": time(*at),
                    "answered_at": time_opt(*ans), "asked_by_you": *by == Some(id) })
        })
        .collect();

    let message_rows: Vec<(OrganisationId, OrganisationId, Option<ObjectiveId>, String, NaiveDateTime)> =
        messages::table
            .filter(messages::sender_user_id.eq(id))
            .order(messages::id.asc())
            .select((
                messages::sender_organisation_id,
                messages::recipient_organisation_id,
                messages::objective_id,
                messages::body,
                messages::sent_at,
            ))
            .load(conn)?;
    let messages_json: Vec<Value> = message_rows
        .iter()
        .map(|(s, r, o, b, at)| {
            json!({ "sender_organisation_id": s.0, "recipient_organisation_id": r.0,
                    "objective_id": o.map(|o| o.0), "body": b, "sent_at": time(*at) })
        })
        .collect();
    let report_rows: Vec<(i64, String, NaiveDateTime, Option<String>)> = message_reports::table
        .filter(message_reports::reported_by.eq(id))
        .order(message_reports::id.asc())
        .select((
            message_reports::message_id,
            message_reports::reason,
            message_reports::reported_at,
            message_reports::resolution,
        ))
        .load(conn)?;
    let reports_json: Vec<Value> = report_rows
        .iter()
        .map(|(m, r, at, res)| json!({ "message_id": m, "reason": r, "reported_at": time(*at), "resolution": res }))
        .collect();

    type PracticeRow = (i64, OrganisationId, String, String, String, NaiveDateTime, Option<UserId>);
    let practice_rows: Vec<PracticeRow> = practices::table
        .filter(practices::submitted_by.eq(id).or(practices::reviewed_by.eq(Some(id))))
        .order(practices::id.asc())
        .select((
            practices::id,
            practices::organisation_id,
            practices::title,
            practices::body,
            practices::status,
            practices::submitted_at,
            practices::reviewed_by,
        ))
        .load(conn)?;
    let practices_json: Vec<Value> = practice_rows
        .iter()
        .map(|(p, o, t, b, s, at, rev)| {
            json!({ "id": p, "organisation_id": o.0, "title": t, "body": b, "status": s,
                    "submitted_at": time(*at), "reviewed_by_you": *rev == Some(id) })
        })
        .collect();

    let subscription_rows: Vec<(Option<String>, Option<ObjectiveId>, NaiveDateTime)> = subscriptions::table
        .filter(subscriptions::user_id.eq(id))
        .order(subscriptions::id.asc())
        .select((subscriptions::theme, subscriptions::objective_id, subscriptions::created_at))
        .load(conn)?;
    let subscriptions_json: Vec<Value> = subscription_rows
        .iter()
        .map(|(t, o, at)| json!({ "theme": t, "objective_id": o.map(|o| o.0), "created_at": time(*at) }))
        .collect();

    let seat_rows: Vec<(ObjectiveId, bool, NaiveDateTime)> = committee_members::table
        .filter(committee_members::user_id.eq(id))
        .order(committee_members::objective_id.asc())
        .select((committee_members::objective_id, committee_members::chair, committee_members::appointed_at))
        .load(conn)?;
    let seats_json: Vec<Value> = seat_rows
        .iter()
        .map(|(o, c, at)| json!({ "objective_id": o.0, "chair": c, "appointed_at": time(*at) }))
        .collect();
    let declaration_rows: Vec<(ObjectiveId, OrganisationId, bool, String, NaiveDateTime)> =
        conflict_declarations::table
            .filter(conflict_declarations::user_id.eq(id))
            .order((conflict_declarations::objective_id.asc(), conflict_declarations::organisation_id.asc()))
            .select((
                conflict_declarations::objective_id,
                conflict_declarations::organisation_id,
                conflict_declarations::conflict,
                conflict_declarations::note,
                conflict_declarations::declared_at,
            ))
            .load(conn)?;
    let declarations_json: Vec<Value> = declaration_rows
        .iter()
        .map(|(o, org, c, n, at)| {
            json!({ "objective_id": o.0, "organisation_id": org.0, "conflict": c, "note": n, "declared_at": time(*at) })
        })
        .collect();
    let evaluation_rows: Vec<(i64, ObjectiveId, i64, Option<NaiveDateTime>)> = evaluations::table
        .filter(evaluations::user_id.eq(id))
        .order(evaluations::id.asc())
        .select((evaluations::id, evaluations::objective_id, evaluations::proposal_id, evaluations::submitted_at))
        .load(conn)?;
    // The scores of the person's evaluations, through a subquery (a member of many committees has
    // more evaluations than a statement may bind), grouped by evaluation in one pass.
    let own_evaluations = evaluations::table.filter(evaluations::user_id.eq(id)).select(evaluations::id);
    let score_rows: Vec<(i64, i64, Option<i32>, String, NaiveDateTime)> = scores::table
        .filter(scores::evaluation_id.eq_any(own_evaluations))
        .order((scores::evaluation_id.asc(), scores::criterion_id.asc()))
        .select((scores::evaluation_id, scores::criterion_id, scores::score, scores::justification, scores::updated_at))
        .load(conn)?;
    let mut scores_of: std::collections::HashMap<i64, Vec<Value>> = std::collections::HashMap::new();
    for (e, c, score, j, at) in &score_rows {
        scores_of.entry(*e).or_default().push(json!({
            "criterion_id": c, "score": score, "justification": j, "updated_at": time(*at)
        }));
    }
    let evaluations_json: Vec<Value> = evaluation_rows
        .iter()
        .map(|(e, o, p, sub)| {
            let own = scores_of.remove(e).unwrap_or_default();
            json!({ "objective_id": o.0, "proposal_id": p, "submitted_at": time_opt(*sub), "scores": own })
        })
        .collect();

    let letter_rows: Vec<(i64, ObjectiveId, String, NaiveDateTime, Option<NaiveDateTime>)> = letters::table
        .filter(letters::first_opened_by.eq(Some(id)))
        .order(letters::id.asc())
        .select((letters::id, letters::objective_id, letters::kind, letters::sent_at, letters::first_opened_at))
        .load(conn)?;
    let letters_json: Vec<Value> = letter_rows
        .iter()
        .map(|(l, o, k, s, at)| {
            json!({ "letter_id": l, "objective_id": o.0, "kind": k, "sent_at": time(*s), "first_opened_at": time_opt(*at) })
        })
        .collect();

    let objective_rows: Vec<(ObjectiveId, String, String, String, NaiveDateTime)> = objectives::table
        .filter(objectives::created_by.eq(id))
        .order(objectives::id.asc())
        .select((objectives::id, objectives::reference, objectives::title, objectives::status, objectives::created_at))
        .load(conn)?;
    let objectives_json: Vec<Value> = objective_rows
        .iter()
        .map(|(o, r, t, s, at)| json!({ "id": o.0, "reference": r, "title": t, "status": s, "created_at": time(*at) }))
        .collect();

    let own_id = id.0.to_string();
    type AuditRow = (i64, NaiveDateTime, Option<UserId>, String, String, String, String, String);
    let audit_rows: Vec<AuditRow> = audit_log::table
        .filter(
            audit_log::actor_user_id
                .eq(Some(id))
                .or(audit_log::object_type.eq("user").and(audit_log::object_id.eq(&own_id))),
        )
        .order(audit_log::id.asc())
        .select((
            audit_log::id,
            audit_log::occurred_at,
            audit_log::actor_user_id,
            audit_log::actor,
            audit_log::action,
            audit_log::object_type,
            audit_log::object_id,
            audit_log::details,
        ))
        .load(conn)?;
    let audit_json: Vec<Value> = audit_rows
        .iter()
        .map(|(e, at, by, actor, action, ot, oid, details)| {
            // Someone else's action on this account (an administrator's) does not name them.
            let mine = *by == Some(id);
            let actor = if mine { Value::String(actor.clone()) } else { Value::Null };
            let details: Value = if mine { serde_json::from_str(details).unwrap_or(Value::Null) } else { Value::Null };
            json!({ "id": e, "occurred_at": time(*at), "by_you": mine, "actor": actor,
                    "action": action, "object_type": ot, "object_id": oid, "details": details })
        })
        .collect();

    let mail_rows: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> = mail_outbox::table
        .filter(mail_outbox::to_address.eq(&user.email))
        .order(mail_outbox::id.asc())
        .select((mail_outbox::subject, mail_outbox::created_at, mail_outbox::sent_at))
        .load(conn)?;
    let mails_json: Vec<Value> = mail_rows
        .iter()
        .map(|(s, c, sent)| json!({ "subject": s, "created_at": time(*c), "sent_at": time_opt(*sent) }))
        .collect();

    Ok(json!({
        "generated_at": time(now),
        "account": account,
        "sessions": sessions_json,
        "api_tokens": tokens_json,
        "organisation": organisation,
        "invitations_sent": sent.iter().map(invitation).collect::<Vec<_>>(),
        "invitations_received": received.iter().map(invitation).collect::<Vec<_>>(),
        "profiles_edited": profiles_json,
        "proposals": proposals_json,
        "deposits": deposits_json,
        "questions": questions_json,
        "messages_sent": messages_json,
        "message_reports": reports_json,
        "practices": practices_json,
        "subscriptions": subscriptions_json,
        "committee_seats": seats_json,
        "conflict_declarations": declarations_json,
        "evaluations": evaluations_json,
        "letters_opened": letters_json,
        "objectives_created": objectives_json,
        "audit_entries": audit_json,
        "mails": mails_json,
    }))
}
