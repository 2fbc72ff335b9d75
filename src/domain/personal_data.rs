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

use std::io::Write;

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

/// The audit entries as people read them: an erased person's stored address (entries written
/// before the erasure keep it: the hash chain forbids rewriting them) is shown as the pseudonym.
/// Only the display changes; the stored entry, and what `audit verify` checks, stay as written.
pub fn mask_erased(conn: &mut DbConnection, entries: &mut [audit::AuditEntry]) -> QueryResult<()> {
    let ids: Vec<UserId> = entries.iter().filter_map(|e| e.actor_user_id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let erased: Vec<UserId> = users::table
        .filter(users::id.eq_any(ids))
        .filter(users::email.like(format!("%@{ERASED_DOMAIN}")))
        .select(users::id)
        .load(conn)?;
    for e in entries.iter_mut() {
        if let Some(id) = e.actor_user_id.filter(|id| erased.contains(id)) {
            e.actor = pseudonym(id).0;
        }
    }
    Ok(())
}

/// The people who wrote these entries, as the audit page names them: "Name <address>", or the
/// pseudonym of an erased account.
pub fn actor_names(
    conn: &mut DbConnection,
    entries: &[audit::AuditEntry],
) -> QueryResult<std::collections::HashMap<UserId, String>> {
    let ids: Vec<UserId> = entries.iter().filter_map(|e| e.actor_user_id).collect();
    if ids.is_empty() {
        return Ok(Default::default());
    }
    let people: Vec<(UserId, String, String)> =
        users::table.filter(users::id.eq_any(ids)).select((users::id, users::display_name, users::email)).load(conn)?;
    Ok(people
        .into_iter()
        .map(|(id, name, email)| {
            let shown = if email.ends_with(&format!("@{ERASED_DOMAIN}")) {
                pseudonym(id).0
            } else {
                format!("{name} <{email}>")
            };
            (id, shown)
        })
        .collect())
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

/// Rows read at a time by the export's long lists: the memory an export holds is one page of one
/// list, whatever the person's history (a chair of 1,500 committees has 300,000 scores).
const PAGE: i64 = 500;

/// An API token as the export reads it: id, name, created, last used, revoked.
type TokenRow = (i64, String, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
    #[error("cannot write the export: {0}")]
    Io(#[from] std::io::Error),
}

/// The export's JSON object, written key by key: each list is written a page of rows at a time.
struct Doc<'w, W: Write> {
    out: &'w mut W,
    keys: usize,
}

impl<W: Write> Doc<'_, W> {
    fn key(&mut self, key: &str) -> std::io::Result<()> {
        self.out.write_all(if self.keys == 0 { b"{" } else { b"," })?;
        self.keys += 1;
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.write_all(b":")
    }

    fn value(&mut self, key: &str, value: &Value) -> std::io::Result<()> {
        self.key(key)?;
        serde_json::to_writer(&mut *self.out, value)?;
        Ok(())
    }

    /// A list read page by page: `page(after)` gives at most [`PAGE`] rows after the key `after`
    /// (in the list's order, from `start`), each with its key; the list ends with a shorter page.
    fn list<K: Copy>(
        &mut self,
        key: &str,
        start: K,
        mut page: impl FnMut(K) -> QueryResult<Vec<(K, Value)>>,
    ) -> Result<(), ExportError> {
        self.key(key)?;
        self.out.write_all(b"[")?;
        let (mut after, mut first) = (start, true);
        loop {
            let rows = page(after)?;
            let full = rows.len() as i64 >= PAGE;
            for (at, row) in &rows {
                if !first {
                    self.out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(&mut *self.out, row).map_err(std::io::Error::from)?;
                after = *at;
            }
            if !full {
                break;
            }
        }
        self.out.write_all(b"]")?;
        Ok(())
    }

    fn end(self) -> std::io::Result<()> {
        self.out.write_all(if self.keys == 0 { b"{}" } else { b"}" })
    }
}

/// Everything the platform holds about `id`, one key per category of the privacy notice, written to
/// `out` as one JSON object. Never a secret: no password or token hash, no session identifier, no
/// mail body (they carry links). The long lists are read a page at a time ([`PAGE`] rows), so an
/// export of any size holds little memory; the caller gives a buffered writer.
pub fn export_to(
    conn: &mut DbConnection,
    id: UserId,
    now: NaiveDateTime,
    out: &mut impl Write,
) -> Result<(), ExportError> {
    let user = people::find(conn, id)?.ok_or(diesel::result::Error::NotFound)?;
    let mut doc = Doc { out, keys: 0 };
    doc.value("generated_at", &Value::String(time(now)))?;

    let roles: Vec<(String, NaiveDateTime)> = user_roles::table
        .filter(user_roles::user_id.eq(id))
        .order(user_roles::role.asc())
        .select((user_roles::role, user_roles::granted_at))
        .load(conn)?;
    doc.value(
        "account",
        &json!({
            "id": user.id.0,
            "email": user.email,
            "display_name": user.display_name,
            "locale": user.locale,
            "email_verified_at": time_opt(user.email_verified_at),
            "disabled_at": time_opt(user.disabled_at),
            "created_at": time(user.created_at),
            "updated_at": time(user.updated_at),
            "roles": roles.iter().map(|(r, at)| json!({ "role": r, "granted_at": time(*at) })).collect::<Vec<_>>(),
        }),
    )?;

    // Sessions end within days and tokens are few: read whole.
    let session_rows: Vec<(String, NaiveDateTime, NaiveDateTime, NaiveDateTime)> = sessions::table
        .filter(sessions::user_id.eq(id))
        .order(sessions::created_at.asc())
        .select((sessions::user_agent, sessions::created_at, sessions::last_seen_at, sessions::expires_at))
        .load(conn)?;
    doc.value(
        "sessions",
        &Value::Array(
            session_rows
                .iter()
                .map(|(ua, c, l, e)| {
                    json!({ "user_agent": ua, "created_at": time(*c), "last_seen_at": time(*l), "expires_at": time(*e) })
                })
                .collect(),
        ),
    )?;
    doc.list("api_tokens", i64::MIN, |after| {
        let rows: Vec<TokenRow> = api_tokens::table
            .filter(api_tokens::user_id.eq(id).and(api_tokens::id.gt(after)))
            .order(api_tokens::id.asc())
            .limit(PAGE)
            .select((
                api_tokens::id,
                api_tokens::name,
                api_tokens::created_at,
                api_tokens::last_used_at,
                api_tokens::revoked_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(t, n, c, u, r)| {
                (t, json!({ "name": n, "created_at": time(c), "last_used_at": time_opt(u), "revoked_at": time_opt(r) }))
            })
            .collect())
    })?;

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
    doc.value("organisation", &organisation)?;

    type InvitationRow =
        (i64, OrganisationId, String, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>, Option<NaiveDateTime>);
    let invitation = |(i, org, email, c, e, a, r): InvitationRow| {
        (
            i,
            json!({
                "organisation_id": org.0, "email": email, "created_at": time(c), "expires_at": time(e),
                "accepted_at": time_opt(a), "revoked_at": time_opt(r),
            }),
        )
    };
    let invitation_columns = (
        invitations::id,
        invitations::organisation_id,
        invitations::email,
        invitations::created_at,
        invitations::expires_at,
        invitations::accepted_at,
        invitations::revoked_at,
    );
    doc.list("invitations_sent", i64::MIN, |after| {
        let rows: Vec<InvitationRow> = invitations::table
            .filter(invitations::invited_by.eq(id).and(invitations::id.gt(after)))
            .order(invitations::id.asc())
            .limit(PAGE)
            .select(invitation_columns)
            .load(conn)?;
        Ok(rows.into_iter().map(invitation).collect())
    })?;
    doc.list("invitations_received", i64::MIN, |after| {
        let rows: Vec<InvitationRow> = invitations::table
            .filter(invitations::email.eq(&user.email).and(invitations::id.gt(after)))
            .order(invitations::id.asc())
            .limit(PAGE)
            .select(invitation_columns)
            .load(conn)?;
        Ok(rows.into_iter().map(invitation).collect())
    })?;

    doc.list("profiles_edited", OrganisationId(i64::MIN), |after| {
        let rows: Vec<(OrganisationId, bool, String, String, String, NaiveDateTime)> = organisation_profiles::table
            .filter(organisation_profiles::updated_by.eq(id).and(organisation_profiles::organisation_id.gt(after)))
            .order(organisation_profiles::organisation_id.asc())
            .limit(PAGE)
            .select((
                organisation_profiles::organisation_id,
                organisation_profiles::listed,
                organisation_profiles::presentation,
                organisation_profiles::departments,
                organisation_profiles::commitments,
                organisation_profiles::updated_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(o, l, p, d, c, u)| {
                (
                    o,
                    json!({ "organisation_id": o.0, "listed": l, "presentation": p, "departments": d,
                        "commitments": c, "updated_at": time(u) }),
                )
            })
            .collect())
    })?;

    type ProposalRow =
        (i64, ObjectiveId, OrganisationId, String, String, String, String, UserId, NaiveDateTime, NaiveDateTime);
    doc.list("proposals", i64::MIN, |after| {
        let rows: Vec<ProposalRow> = proposals::table
            .filter(proposals::created_by.eq(id).or(proposals::updated_by.eq(id)))
            .filter(proposals::id.gt(after))
            .order(proposals::id.asc())
            .limit(PAGE)
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
        Ok(rows
            .into_iter()
            .map(|(pid, o, org, t, s, sol, cs, by, c, u)| {
                (
                    pid,
                    json!({ "id": pid, "objective_id": o.0, "organisation_id": org.0, "title": t, "summary": s,
                        "solution": sol, "change_support": cs, "created_by_you": by == id,
                        "created_at": time(c), "updated_at": time(u) }),
                )
            })
            .collect())
    })?;

    type DepositRow = (i64, String, String, i64, ObjectiveId, OrganisationId, NaiveDateTime, bool);
    doc.list("deposits", i64::MIN, |after| {
        let rows: Vec<DepositRow> = deposits::table
            .filter(deposits::depositor_id.eq(id).and(deposits::id.gt(after)))
            .order(deposits::id.asc())
            .limit(PAGE)
            .select((
                deposits::id,
                deposits::receipt_number,
                deposits::kind,
                deposits::proposal_id,
                deposits::objective_id,
                deposits::organisation_id,
                deposits::deposited_at,
                deposits::late,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(d, n, k, p, o, org, at, late)| {
                (
                    d,
                    json!({ "receipt_number": n, "kind": k, "proposal_id": p, "objective_id": o.0,
                        "organisation_id": org.0, "deposited_at": time(at), "late": late }),
                )
            })
            .collect())
    })?;

    type QuestionRow = (i64, ObjectiveId, String, Option<String>, NaiveDateTime, Option<NaiveDateTime>, Option<UserId>);
    doc.list("questions", i64::MIN, |after| {
        let rows: Vec<QuestionRow> = questions::table
            .filter(questions::asked_by.eq(Some(id)).or(questions::answered_by.eq(Some(id))))
            .filter(questions::id.gt(after))
            .order(questions::id.asc())
            .limit(PAGE)
            .select((
                questions::id,
                questions::objective_id,
                questions::question,
                questions::answer,
                questions::asked_at,
                questions::answered_at,
                questions::asked_by,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(q_id, o, q, a, at, ans, by)| {
                (
                    q_id,
                    json!({ "objective_id": o.0, "question": q, "answer": a, "asked_at": time(at),
                        "answered_at": time_opt(ans), "asked_by_you": by == Some(id) }),
                )
            })
            .collect())
    })?;

    type MessageRow = (i64, OrganisationId, OrganisationId, Option<ObjectiveId>, String, NaiveDateTime);
    doc.list("messages_sent", i64::MIN, |after| {
        let rows: Vec<MessageRow> = messages::table
            .filter(messages::sender_user_id.eq(id).and(messages::id.gt(after)))
            .order(messages::id.asc())
            .limit(PAGE)
            .select((
                messages::id,
                messages::sender_organisation_id,
                messages::recipient_organisation_id,
                messages::objective_id,
                messages::body,
                messages::sent_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(m, s, r, o, b, at)| {
                (
                    m,
                    json!({ "sender_organisation_id": s.0, "recipient_organisation_id": r.0,
                        "objective_id": o.map(|o| o.0), "body": b, "sent_at": time(at) }),
                )
            })
            .collect())
    })?;
    doc.list("message_reports", i64::MIN, |after| {
        let rows: Vec<(i64, i64, String, NaiveDateTime, Option<String>)> = message_reports::table
            .filter(message_reports::reported_by.eq(id).and(message_reports::id.gt(after)))
            .order(message_reports::id.asc())
            .limit(PAGE)
            .select((
                message_reports::id,
                message_reports::message_id,
                message_reports::reason,
                message_reports::reported_at,
                message_reports::resolution,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(r_id, m, r, at, res)| {
                (r_id, json!({ "message_id": m, "reason": r, "reported_at": time(at), "resolution": res }))
            })
            .collect())
    })?;

    type PracticeRow = (i64, OrganisationId, String, String, String, NaiveDateTime, Option<UserId>);
    doc.list("practices", i64::MIN, |after| {
        let rows: Vec<PracticeRow> = practices::table
            .filter(practices::submitted_by.eq(id).or(practices::reviewed_by.eq(Some(id))))
            .filter(practices::id.gt(after))
            .order(practices::id.asc())
            .limit(PAGE)
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
        Ok(rows
            .into_iter()
            .map(|(p, o, t, b, s, at, rev)| {
                (
                    p,
                    json!({ "id": p, "organisation_id": o.0, "title": t, "body": b, "status": s,
                        "submitted_at": time(at), "reviewed_by_you": rev == Some(id) }),
                )
            })
            .collect())
    })?;

    doc.list("subscriptions", i64::MIN, |after| {
        let rows: Vec<(i64, Option<String>, Option<ObjectiveId>, NaiveDateTime)> = subscriptions::table
            .filter(subscriptions::user_id.eq(id).and(subscriptions::id.gt(after)))
            .order(subscriptions::id.asc())
            .limit(PAGE)
            .select((subscriptions::id, subscriptions::theme, subscriptions::objective_id, subscriptions::created_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(s, t, o, at)| (s, json!({ "theme": t, "objective_id": o.map(|o| o.0), "created_at": time(at) })))
            .collect())
    })?;

    doc.list("committee_seats", ObjectiveId(i64::MIN), |after| {
        let rows: Vec<(ObjectiveId, bool, NaiveDateTime)> = committee_members::table
            .filter(committee_members::user_id.eq(id).and(committee_members::objective_id.gt(after)))
            .order(committee_members::objective_id.asc())
            .limit(PAGE)
            .select((committee_members::objective_id, committee_members::chair, committee_members::appointed_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(o, c, at)| (o, json!({ "objective_id": o.0, "chair": c, "appointed_at": time(at) })))
            .collect())
    })?;
    // Declarations are keyed by (objective, organisation).
    doc.list("conflict_declarations", (ObjectiveId(i64::MIN), OrganisationId(i64::MIN)), |(o, org)| {
        use conflict_declarations as d;
        let rows: Vec<(ObjectiveId, OrganisationId, bool, String, NaiveDateTime)> = d::table
            .filter(d::user_id.eq(id))
            .filter(d::objective_id.gt(o).or(d::objective_id.eq(o).and(d::organisation_id.gt(org))))
            .order((d::objective_id.asc(), d::organisation_id.asc()))
            .limit(PAGE)
            .select((d::objective_id, d::organisation_id, d::conflict, d::note, d::declared_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(o, org, c, n, at)| {
                (
                    (o, org),
                    json!({ "objective_id": o.0, "organisation_id": org.0, "conflict": c, "note": n,
                        "declared_at": time(at) }),
                )
            })
            .collect())
    })?;

    // Evaluations a page at a time, each page's scores read with it and grouped in one pass.
    doc.list("evaluations", i64::MIN, |after| {
        let rows: Vec<(i64, ObjectiveId, i64, Option<NaiveDateTime>)> = evaluations::table
            .filter(evaluations::user_id.eq(id).and(evaluations::id.gt(after)))
            .order(evaluations::id.asc())
            .limit(PAGE)
            .select((evaluations::id, evaluations::objective_id, evaluations::proposal_id, evaluations::submitted_at))
            .load(conn)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.0).collect();
        let score_rows: Vec<(i64, i64, Option<i32>, String, NaiveDateTime)> = scores::table
            .filter(scores::evaluation_id.eq_any(&ids))
            .order((scores::evaluation_id.asc(), scores::criterion_id.asc()))
            .select((
                scores::evaluation_id,
                scores::criterion_id,
                scores::score,
                scores::justification,
                scores::updated_at,
            ))
            .load(conn)?;
        let mut scores_of: std::collections::HashMap<i64, Vec<Value>> = std::collections::HashMap::new();
        for (e, c, score, j, at) in score_rows {
            scores_of.entry(e).or_default().push(json!({
                "criterion_id": c, "score": score, "justification": j, "updated_at": time(at)
            }));
        }
        Ok(rows
            .into_iter()
            .map(|(e, o, p, sub)| {
                let own = scores_of.remove(&e).unwrap_or_default();
                (e, json!({ "objective_id": o.0, "proposal_id": p, "submitted_at": time_opt(sub), "scores": own }))
            })
            .collect())
    })?;

    doc.list("letters_opened", i64::MIN, |after| {
        let rows: Vec<(i64, ObjectiveId, String, NaiveDateTime, Option<NaiveDateTime>)> = letters::table
            .filter(letters::first_opened_by.eq(Some(id)).and(letters::id.gt(after)))
            .order(letters::id.asc())
            .limit(PAGE)
            .select((letters::id, letters::objective_id, letters::kind, letters::sent_at, letters::first_opened_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(l, o, k, s, at)| {
                (
                    l,
                    json!({ "letter_id": l, "objective_id": o.0, "kind": k, "sent_at": time(s),
                        "first_opened_at": time_opt(at) }),
                )
            })
            .collect())
    })?;

    doc.list("objectives_created", ObjectiveId(i64::MIN), |after| {
        let rows: Vec<(ObjectiveId, String, String, String, NaiveDateTime)> = objectives::table
            .filter(objectives::created_by.eq(id).and(objectives::id.gt(after)))
            .order(objectives::id.asc())
            .limit(PAGE)
            .select((
                objectives::id,
                objectives::reference,
                objectives::title,
                objectives::status,
                objectives::created_at,
            ))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(o, r, t, s, at)| {
                (o, json!({ "id": o.0, "reference": r, "title": t, "status": s, "created_at": time(at) }))
            })
            .collect())
    })?;

    // The audit log: the person's own actions first, then others' actions on their account (an
    // administrator's), which do not name their author. Two lists, each on its own index
    // (`audit_log_actor`, `audit_log_subject`), written as one.
    type AuditRow = (i64, NaiveDateTime, String, String, String, String, String);
    let audit_columns = (
        audit_log::id,
        audit_log::occurred_at,
        audit_log::actor,
        audit_log::action,
        audit_log::object_type,
        audit_log::object_id,
        audit_log::details,
    );
    let own_id = id.0.to_string();
    doc.key("audit_entries")?;
    doc.out.write_all(b"[")?;
    let mut first = true;
    for by_you in [true, false] {
        let mut after = i64::MIN;
        loop {
            let query = audit_log::table.filter(audit_log::id.gt(after)).order(audit_log::id.asc()).limit(PAGE);
            let rows: Vec<AuditRow> = if by_you {
                query.filter(audit_log::actor_user_id.eq(Some(id))).select(audit_columns).load(conn)?
            } else {
                query
                    .filter(audit_log::object_type.eq("user").and(audit_log::object_id.eq(&own_id)))
                    .filter(audit_log::actor_user_id.is_null().or(audit_log::actor_user_id.ne(id)))
                    .select(audit_columns)
                    .load(conn)?
            };
            for (e, at, actor, action, ot, oid, details) in &rows {
                let (actor, details) = if by_you {
                    (Value::String(actor.clone()), serde_json::from_str(details).unwrap_or(Value::Null))
                } else {
                    (Value::Null, Value::Null)
                };
                if !first {
                    doc.out.write_all(b",")?;
                }
                first = false;
                serde_json::to_writer(
                    &mut *doc.out,
                    &json!({ "id": e, "occurred_at": time(*at), "by_you": by_you, "actor": actor,
                             "action": action, "object_type": ot, "object_id": oid, "details": details }),
                )
                .map_err(std::io::Error::from)?;
                after = *e;
            }
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
    }
    doc.out.write_all(b"]")?;

    doc.list("mails", i64::MIN, |after| {
        let rows: Vec<(i64, String, NaiveDateTime, Option<NaiveDateTime>)> = mail_outbox::table
            .filter(mail_outbox::to_address.eq(&user.email).and(mail_outbox::id.gt(after)))
            .order(mail_outbox::id.asc())
            .limit(PAGE)
            .select((mail_outbox::id, mail_outbox::subject, mail_outbox::created_at, mail_outbox::sent_at))
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(m, s, c, sent)| (m, json!({ "subject": s, "created_at": time(c), "sent_at": time_opt(sent) })))
            .collect())
    })?;
    doc.end()?;
    Ok(())
}
