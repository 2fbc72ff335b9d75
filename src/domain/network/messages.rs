//! Short messages between verified organisations: a conversation per pair of organisations, an
//! e-mail to the recipient's members through the outbox, abuse reports to administrators, who may
//! suspend an organisation's messaging. The rate limit is the web layer's (`rate_limit`), per
//! sending organisation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Acting;
use crate::db::ids::{MessageId, ObjectiveId, OrganisationId, ProposalId, ReportId, UserId};
use crate::db::schema::{message_reports, messages, messaging_suspensions, organisations, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message as ErrorMessage, Refusal};
use crate::domain::following::MailLinks;
use crate::domain::organisations::Organisation;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub const BODY_MAX_CHARS: usize = 2000;
pub const REASON_MIN_CHARS: usize = 5;
pub const REASON_MAX_CHARS: usize = 1000;

/// At most this many messages per sending organisation per hour.
pub const PER_ORGANISATION: crate::domain::rate_limit::Limit =
    crate::domain::rate_limit::Limit { max: 20, window: chrono::Duration::hours(1) };

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = messages)]
pub struct Message {
    pub id: MessageId,
    pub sender_organisation_id: OrganisationId,
    pub sender_user_id: UserId,
    pub recipient_organisation_id: OrganisationId,
    pub objective_id: Option<ObjectiveId>,
    pub body: String,
    pub sent_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    #[error("the message is empty or too long")]
    Body,
    #[error("an organisation does not write to itself")]
    ToSelf,
    #[error("no such organisation")]
    UnknownRecipient,
    #[error("this organisation's messaging is suspended")]
    Suspended,
}

impl MessageError {
    pub fn message_key(self) -> &'static str {
        match self {
            MessageError::Body => "messages-error-body",
            MessageError::ToSelf => "messages-error-self",
            MessageError::UnknownRecipient => "messages-error-recipient",
            MessageError::Suspended => "messages-error-suspended",
        }
    }
}

/// An organisation one may not write to is answered like one that does not exist: its existence
/// stays private.
impl Refusal for MessageError {
    fn kind(&self) -> Kind {
        match self {
            MessageError::ToSelf | MessageError::UnknownRecipient => Kind::NotFound,
            MessageError::Body => Kind::Invalid,
            MessageError::Suspended => Kind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            MessageError::ToSelf | MessageError::UnknownRecipient => "not_found",
            MessageError::Body => "invalid_body",
            MessageError::Suspended => "messaging_suspended",
        }
    }
    fn message(&self) -> ErrorMessage {
        match self {
            MessageError::ToSelf | MessageError::UnknownRecipient => ErrorMessage::new("error-404-text"),
            MessageError::Body | MessageError::Suspended => ErrorMessage::new(self.message_key()),
        }
    }
}

/// The body, trimmed; `Body` when empty or longer than the limit.
pub fn parse_body(raw: &str) -> Result<String, MessageError> {
    let text = raw.trim().replace("\r\n", "\n").replace(['\r', '\0'], "");
    if text.is_empty() || text.chars().count() > BODY_MAX_CHARS { Err(MessageError::Body) } else { Ok(text) }
}

/// Whether `org` may write to `other`: the other organisation is in the directory, looks for
/// partners on an objective, or the two already exchanged. Anyone else's existence stays private.
pub fn may_contact(conn: &mut DbConnection, org: OrganisationId, other: OrganisationId) -> QueryResult<bool> {
    use crate::db::schema::{organisation_profiles, partner_requests};
    if org == other {
        return Ok(false);
    }
    let listed: i64 = organisation_profiles::table
        .filter(organisation_profiles::organisation_id.eq(other))
        .filter(organisation_profiles::listed.eq(true))
        .count()
        .get_result(conn)?;
    let seeking: i64 =
        partner_requests::table.filter(partner_requests::organisation_id.eq(other)).count().get_result(conn)?;
    let exchanged: i64 = messages::table
        .filter(
            (messages::sender_organisation_id.eq(org).and(messages::recipient_organisation_id.eq(other)))
                .or(messages::sender_organisation_id.eq(other).and(messages::recipient_organisation_id.eq(org))),
        )
        .count()
        .get_result(conn)?;
    Ok(listed + seeking + exchanged > 0)
}

pub fn suspended(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<bool> {
    let n: i64 = messaging_suspensions::table.find(org).count().get_result(conn)?;
    Ok(n > 0)
}

/// Whether `org` may write to `other` now: `UnknownRecipient` when it may not contact it (see
/// [`may_contact`]), else `Suspended` when its messaging is suspended. Checked before a message
/// counts against the hourly limit, and before an invitation goes out like a message.
pub fn can_send(
    conn: &mut DbConnection,
    org: OrganisationId,
    other: OrganisationId,
) -> QueryResult<Result<(), MessageError>> {
    if !may_contact(conn, org, other)? {
        return Ok(Err(MessageError::UnknownRecipient));
    }
    if suspended(conn, org)? {
        return Ok(Err(MessageError::Suspended));
    }
    Ok(Ok(()))
}

/// Sends a message and tells the recipient organisation's verified members by mail.
#[allow(clippy::too_many_arguments)]
pub fn send(
    conn: &mut DbConnection,
    from: OrganisationId,
    by: UserId,
    to: OrganisationId,
    objective: Option<ObjectiveId>,
    body: &str,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<MessageId, MessageError>> {
    if from == to {
        return Ok(Err(MessageError::ToSelf));
    }
    if !may_contact(conn, from, to)? {
        return Ok(Err(MessageError::UnknownRecipient));
    }
    if suspended(conn, from)? {
        return Ok(Err(MessageError::Suspended));
    }
    let names: Vec<(OrganisationId, String)> = organisations::table
        .filter(organisations::id.eq_any([from, to]))
        .select((organisations::id, organisations::legal_name))
        .load(conn)?;
    let Some(sender) = names.iter().find(|(id, _)| *id == from).map(|(_, n)| n.clone()) else {
        return Ok(Err(MessageError::UnknownRecipient));
    };
    if !names.iter().any(|(id, _)| *id == to) {
        return Ok(Err(MessageError::UnknownRecipient));
    }
    let id: MessageId = diesel::insert_into(messages::table)
        .values((
            messages::sender_organisation_id.eq(from),
            messages::sender_user_id.eq(by),
            messages::recipient_organisation_id.eq(to),
            messages::objective_id.eq(objective),
            messages::body.eq(body),
            messages::sent_at.eq(now),
        ))
        .returning(messages::id)
        .get_result(conn)?;
    let recipients: Vec<(String, String)> = users::table
        .filter(users::organisation_id.eq(to))
        .filter(users::email_verified_at.is_not_null())
        .filter(users::disabled_at.is_null())
        .select((users::email, users::locale))
        .load(conn)?;
    let link = links.path(&format!("messages/{}", from.0));
    for (email, locale) in recipients {
        let lang = Lang::from_code(&locale).unwrap_or_default();
        outbox::enqueue(conn, &templates::message_received(lang, &email, &sender, &link), now)?;
    }
    Ok(Ok(id))
}

/// A message as a member writes it from a conversation.
#[derive(Debug, Clone, Copy)]
pub struct NewMessage<'a> {
    pub from: OrganisationId,
    pub to: OrganisationId,
    /// The objective it is about; one that is not public is dropped.
    pub objective: Option<ObjectiveId>,
    pub body: &'a str,
}

/// Sends a member's message (see [`send`]), with its audit entry.
pub fn post(
    conn: &mut DbConnection,
    message: &NewMessage<'_>,
    by: Acting<'_>,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<MessageId, MessageError>> {
    let NewMessage { from, to, objective, body } = *message;
    write_tx(conn, |conn| {
        let objective = match objective {
            Some(o) if crate::domain::objectives::titles(conn, &[o])?.is_empty() => None,
            other => other,
        };
        let sent = send(conn, from, by.user, to, objective, body, links, now)?;
        if let Ok(id) = sent {
            let details = serde_json::json!({ "from": from.0, "to": to.0 });
            audit::record(conn, by.actor, Event::MessageSent, Subject::Message(id), details, now)?;
        }
        Ok(sent)
    })
}

/// One conversation in an organisation's inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub other: OrganisationId,
    pub other_name: String,
    pub last_at: NaiveDateTime,
    pub unread: i64,
}

/// The organisation's conversations, most recent first.
pub fn conversations(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Vec<Conversation>> {
    let rows: Vec<(OrganisationId, OrganisationId, NaiveDateTime, Option<NaiveDateTime>)> = messages::table
        .filter(messages::sender_organisation_id.eq(org).or(messages::recipient_organisation_id.eq(org)))
        .select((
            messages::sender_organisation_id,
            messages::recipient_organisation_id,
            messages::sent_at,
            messages::read_at,
        ))
        .load(conn)?;
    let mut by_other: std::collections::BTreeMap<OrganisationId, (NaiveDateTime, i64)> = Default::default();
    for (from, to, at, read) in rows {
        let other = if from == org { to } else { from };
        let entry = by_other.entry(other).or_insert((at, 0));
        entry.0 = entry.0.max(at);
        if to == org && read.is_none() {
            entry.1 += 1;
        }
    }
    let ids: Vec<OrganisationId> = by_other.keys().copied().collect();
    let names: std::collections::HashMap<OrganisationId, String> = organisations::table
        .filter(organisations::id.eq_any(&ids))
        .select((organisations::id, organisations::legal_name))
        .load::<(OrganisationId, String)>(conn)?
        .into_iter()
        .collect();
    let mut list: Vec<Conversation> = by_other
        .into_iter()
        .map(|(other, (last_at, unread))| Conversation {
            other,
            other_name: names.get(&other).cloned().unwrap_or_default(),
            last_at,
            unread,
        })
        .collect();
    list.sort_by(|a, b| b.last_at.cmp(&a.last_at).then(b.other.cmp(&a.other)));
    Ok(list)
}

/// The messages between two organisations, oldest first; marks those received as read.
pub fn thread(
    conn: &mut DbConnection,
    org: OrganisationId,
    other: OrganisationId,
    now: NaiveDateTime,
) -> QueryResult<Vec<Message>> {
    let list = messages::table
        .filter(
            (messages::sender_organisation_id.eq(org).and(messages::recipient_organisation_id.eq(other)))
                .or(messages::sender_organisation_id.eq(other).and(messages::recipient_organisation_id.eq(org))),
        )
        .order(messages::id.asc())
        .select(Message::as_select())
        .load(conn)?;
    diesel::update(
        messages::table
            .filter(messages::sender_organisation_id.eq(other))
            .filter(messages::recipient_organisation_id.eq(org))
            .filter(messages::read_at.is_null()),
    )
    .set(messages::read_at.eq(Some(now)))
    .execute(conn)?;
    Ok(list)
}

/// Everything a conversation's page shows.
#[derive(Debug, Clone)]
pub struct ThreadPage {
    pub other: Organisation,
    /// Whether the other organisation's profile is listed (to link to it).
    pub other_listed: bool,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Which of them were reported.
    pub reported: Vec<MessageId>,
    /// The titles of the public objectives the messages (and the one asked about) are about.
    pub titles: Vec<(ObjectiveId, String)>,
    /// The open proposals `org` leads, to invite the other organisation into:
    /// (proposal, title, objective's title).
    pub invites: Vec<(ProposalId, String, String)>,
    /// Whether `org`'s messaging is suspended.
    pub suspended: bool,
}

/// Opens the conversation of `org` with `other` (about `objective`, if asked): marks what was
/// received as read, so it is a write. `None` when `org` may not contact `other`.
pub fn open_thread(
    conn: &mut DbConnection,
    org: OrganisationId,
    other: OrganisationId,
    objective: Option<ObjectiveId>,
    now: NaiveDateTime,
) -> QueryResult<Option<ThreadPage>> {
    write_tx(conn, |conn| {
        if !may_contact(conn, org, other)? {
            return Ok(None);
        }
        let Some(other_org) = crate::domain::organisations::find(conn, other)? else { return Ok(None) };
        let other_listed = super::profiles::find(conn, other)?.is_some_and(|p| p.listed);
        let list = thread(conn, org, other, now)?;
        let reported = reported(conn, &list.iter().map(|m| m.id).collect::<Vec<_>>())?;
        let mut objective_ids: Vec<ObjectiveId> = list.iter().filter_map(|m| m.objective_id).collect();
        objective_ids.extend(objective);
        let titles = crate::domain::objectives::titles(conn, &objective_ids)?;
        let invites = crate::domain::proposals::open_leads(conn, org, now)?;
        let suspended = suspended(conn, org)?;
        Ok(Some(ThreadPage { other: other_org, other_listed, messages: list, reported, titles, invites, suspended }))
    })
}

/// Which of these messages were reported.
pub fn reported(conn: &mut DbConnection, ids: &[MessageId]) -> QueryResult<Vec<MessageId>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    message_reports::table
        .filter(message_reports::message_id.eq_any(ids))
        .select(message_reports::message_id)
        .load(conn)
}

/// The organisation that sent a message.
pub fn sender_of(conn: &mut DbConnection, id: MessageId) -> QueryResult<Option<OrganisationId>> {
    messages::table.find(id).select(messages::sender_organisation_id).first(conn).optional()
}

/// How many messages the organisation has not read yet.
pub fn unread(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<i64> {
    messages::table
        .filter(messages::recipient_organisation_id.eq(org))
        .filter(messages::read_at.is_null())
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReportError {
    /// Only the recipient organisation reports a message it received.
    #[error("the message was not received by this organisation")]
    NotReceived,
    #[error("the reason is empty or too long")]
    Reason,
    #[error("the message is reported already")]
    AlreadyReported,
}

impl Refusal for ReportError {
    fn kind(&self) -> Kind {
        match self {
            ReportError::NotReceived => Kind::NotFound,
            ReportError::Reason => Kind::Invalid,
            ReportError::AlreadyReported => Kind::Conflict,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ReportError::NotReceived => "not_found",
            ReportError::Reason => "invalid_reason",
            ReportError::AlreadyReported => "already_reported",
        }
    }
    fn message(&self) -> ErrorMessage {
        ErrorMessage::new(match self {
            ReportError::NotReceived => "error-404-text",
            ReportError::Reason => "messages-error-reason",
            ReportError::AlreadyReported => "messages-error-reported",
        })
    }
}

/// Reports a received message to the administrators, with its audit entry; returns the
/// organisation that sent it.
pub fn report(
    conn: &mut DbConnection,
    message: MessageId,
    org: OrganisationId,
    reason: &str,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<Option<OrganisationId>, ReportError>> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let received: Option<Message> = messages::table
            .find(message)
            .filter(messages::recipient_organisation_id.eq(org))
            .select(Message::as_select())
            .first(conn)
            .optional()?;
        if received.is_none() {
            return Ok(Err(ReportError::NotReceived));
        }
        let reason = reason.trim().replace(['\r', '\0'], "");
        if !(REASON_MIN_CHARS..=REASON_MAX_CHARS).contains(&reason.chars().count()) {
            return Ok(Err(ReportError::Reason));
        }
        let already: i64 =
            message_reports::table.filter(message_reports::message_id.eq(message)).count().get_result(conn)?;
        if already > 0 {
            return Ok(Err(ReportError::AlreadyReported));
        }
        let id: ReportId = diesel::insert_into(message_reports::table)
            .values((
                message_reports::message_id.eq(message),
                message_reports::reported_by.eq(by.user),
                message_reports::reason.eq(&reason),
                message_reports::reported_at.eq(now),
            ))
            .returning(message_reports::id)
            .get_result(conn)?;
        let details = serde_json::json!({ "report": id.0 });
        audit::record(conn, by.actor, Event::MessageReported, Subject::Message(message), details, now)?;
        Ok(Ok(sender_of(conn, message)?))
    })
}

/// A report as administrators read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub id: ReportId,
    pub reason: String,
    pub reported_at: NaiveDateTime,
    pub resolution: Option<String>,
    pub message: Message,
    pub sender: String,
    pub recipient: String,
    pub sender_suspended: bool,
}

/// Reports, unresolved first, then the most recent.
pub fn reports(conn: &mut DbConnection) -> QueryResult<Vec<ReportRow>> {
    let rows: Vec<(ReportId, String, NaiveDateTime, Option<String>, Message)> = message_reports::table
        .inner_join(messages::table)
        .select((
            message_reports::id,
            message_reports::reason,
            message_reports::reported_at,
            message_reports::resolution,
            Message::as_select(),
        ))
        .load(conn)?;
    let orgs: Vec<OrganisationId> =
        rows.iter().flat_map(|r| [r.4.sender_organisation_id, r.4.recipient_organisation_id]).collect();
    let names: std::collections::HashMap<OrganisationId, String> = organisations::table
        .filter(organisations::id.eq_any(&orgs))
        .select((organisations::id, organisations::legal_name))
        .load::<(OrganisationId, String)>(conn)?
        .into_iter()
        .collect();
    let suspended: Vec<OrganisationId> = messaging_suspensions::table
        .filter(messaging_suspensions::organisation_id.eq_any(&orgs))
        .select(messaging_suspensions::organisation_id)
        .load(conn)?;
    let mut list: Vec<ReportRow> = rows
        .into_iter()
        .map(|(id, reason, reported_at, resolution, message)| ReportRow {
            id,
            reason,
            reported_at,
            resolution,
            sender: names.get(&message.sender_organisation_id).cloned().unwrap_or_default(),
            recipient: names.get(&message.recipient_organisation_id).cloned().unwrap_or_default(),
            sender_suspended: suspended.contains(&message.sender_organisation_id),
            message,
        })
        .collect();
    list.sort_by(|a, b| {
        a.resolution
            .is_some()
            .cmp(&b.resolution.is_some())
            .then(b.reported_at.cmp(&a.reported_at))
            .then(b.id.cmp(&a.id))
    });
    Ok(list)
}

/// What an administrator decides on a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    /// The sender's messaging is suspended.
    Suspend,
    /// Nothing wrong.
    Dismiss,
}

impl Resolution {
    pub fn parse(s: &str) -> Option<Resolution> {
        match s {
            "suspend" => Some(Resolution::Suspend),
            "dismiss" => Some(Resolution::Dismiss),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::Suspend => "suspend",
            Resolution::Dismiss => "dismiss",
        }
    }
}

/// Resolves an unresolved report, with its audit entries (the decision, and the suspension of
/// the sender's messaging when this decision suspended it, not already); false when the report
/// does not exist or is resolved already.
pub fn resolve(
    conn: &mut DbConnection,
    report: ReportId,
    resolution: Resolution,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        let row: Option<(Option<String>, OrganisationId, String)> = message_reports::table
            .inner_join(messages::table)
            .filter(message_reports::id.eq(report))
            .select((message_reports::resolution, messages::sender_organisation_id, message_reports::reason))
            .first(conn)
            .optional()?;
        let Some((None, sender, reason)) = row else { return Ok(false) };
        // Conditional: of two administrators deciding at once, one decides.
        let decided = diesel::update(message_reports::table.find(report).filter(message_reports::resolution.is_null()))
            .set((
                message_reports::resolution.eq(Some(resolution.as_str())),
                message_reports::resolved_by.eq(Some(by.user)),
                message_reports::resolved_at.eq(Some(now)),
            ))
            .execute(conn)?;
        if decided == 0 {
            return Ok(false);
        }
        let newly = resolution == Resolution::Suspend && !suspended(conn, sender)?;
        if newly {
            diesel::insert_into(messaging_suspensions::table)
                .values((
                    messaging_suspensions::organisation_id.eq(sender),
                    messaging_suspensions::reason.eq(reason),
                    messaging_suspensions::suspended_by.eq(by.user),
                    messaging_suspensions::suspended_at.eq(now),
                ))
                .execute(conn)?;
        }
        let details = serde_json::json!({ "resolution": resolution.as_str(), "sender": sender.0 });
        audit::record(conn, by.actor, Event::ReportResolved, Subject::Report(report), details, now)?;
        if newly {
            let details = serde_json::json!({ "report": report.0 });
            audit::record(conn, by.actor, Event::MessagingSuspended, Subject::Organisation(sender), details, now)?;
        }
        Ok(true)
    })
}

/// Lifts a suspension, with its audit entry; false when the organisation was not suspended.
pub fn lift(conn: &mut DbConnection, org: OrganisationId, by: &AuditActor, now: NaiveDateTime) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        if diesel::delete(messaging_suspensions::table.find(org)).execute(conn)? == 0 {
            return Ok(false);
        }
        audit::record(conn, by, Event::MessagingRestored, Subject::Organisation(org), serde_json::json!({}), now)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_one_to_two_thousand_characters() {
        assert_eq!(parse_body("  Bonjour  "), Ok("Bonjour".into()));
        assert_eq!(parse_body("   "), Err(MessageError::Body));
        assert_eq!(parse_body(&"a".repeat(2001)), Err(MessageError::Body));
        assert_eq!(parse_body("a\r\nb"), Ok("a\nb".into()));
    }
}
