//! Sourcing meetings of a consultation: scheduled by agents (date, place or online link,
//! capacity), registrations with a waiting list, a reminder mail queued at registration for the
//! day before (deleted, if not yet sent, when the person cancels), the first person waiting
//! promoted and mailed when a seat frees, and the minutes published after the meeting.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{ConsultationError, Stage, bounded, load_row, lock_key, paris_text, parse_local};
use crate::db::ids::{ConsultationId, MailId, MeetingId, UserId};
use crate::db::schema::{consultation_meetings, mail_outbox, meeting_registrations, objectives, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::following::MailLinks;
use crate::domain::forms::{FormPairs, Problem, first};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

pub const MAX_CAPACITY: i32 = 1000;
/// The reminder leaves this long before the meeting (or at once when registering later).
pub const REMINDER_BEFORE: chrono::Duration = chrono::Duration::hours(24);

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = consultation_meetings)]
pub struct Meeting {
    pub id: MeetingId,
    pub consultation_id: ConsultationId,
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub minutes: Option<String>,
    pub minutes_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// A meeting with how many are seated and waiting.
#[derive(Debug, Clone)]
pub struct Listed {
    pub meeting: Meeting,
    pub seated: i64,
    pub waiting: i64,
}

impl Listed {
    pub fn seats_left(&self) -> i64 {
        (i64::from(self.meeting.capacity) - self.seated).max(0)
    }
}

/// Where a registration put the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Registration {
    Seated,
    /// On the waiting list, at this position (1 is next).
    Waiting(i64),
}

/// What an agent gives to schedule a meeting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeetingInput {
    pub starts_at: NaiveDateTime,
    pub place: String,
    pub online_url: Option<String>,
    pub capacity: i32,
}

/// Parses the meeting form: the start (Paris time, in the future), a place or an online link
/// (http or https), the capacity (1 to 1000).
pub fn parse_input(pairs: &FormPairs, now: NaiveDateTime) -> Result<MeetingInput, Vec<Problem>> {
    let mut problems = Vec::new();
    let starts_at = parse_local(&first(pairs, "starts_at"), "starts_at", &mut problems, now);
    let place = bounded(&mut problems, "place", first(pairs, "place"), 0, 300);
    let online = first(pairs, "online_url");
    let online_url = if online.is_empty() {
        None
    } else {
        match url::Url::parse(&online) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && online.len() <= 500 => Some(online),
            _ => {
                problems.push(Problem::new("online_url", "meeting-error-link"));
                None
            }
        }
    };
    if place.is_empty() && online_url.is_none() {
        problems.push(Problem::new("place", "meeting-error-place"));
    }
    let capacity = match first(pairs, "capacity").parse::<i32>() {
        Ok(n) if (1..=MAX_CAPACITY).contains(&n) => n,
        _ => {
            problems.push(Problem::new("capacity", "meeting-error-capacity").with("max", MAX_CAPACITY));
            0
        }
    };
    match starts_at {
        Some(starts_at) if problems.is_empty() => Ok(MeetingInput { starts_at, place, online_url, capacity }),
        _ => Err(problems),
    }
}

fn load_meeting(conn: &mut DbConnection, id: MeetingId) -> Result<Meeting, ConsultationError> {
    consultation_meetings::table
        .find(id)
        .select(Meeting::as_select())
        .first(conn)
        .optional()?
        .ok_or(ConsultationError::NotFound)
}

/// One meeting of a consultation (not found if it belongs to another).
pub fn meeting_of(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    id: MeetingId,
) -> Result<Meeting, ConsultationError> {
    let m = load_meeting(conn, id)?;
    if m.consultation_id != consultation {
        return Err(ConsultationError::NotFound);
    }
    Ok(m)
}

/// An agent schedules a meeting, until the call opens.
pub fn add(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    input: &MeetingInput,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<MeetingId, ConsultationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(consultation))?;
        let c = load_row(conn, consultation)?;
        if c.stage(now) == Stage::CallOpened {
            return Err(ConsultationError::CallAlreadyOpen);
        }
        let id: MeetingId = diesel::insert_into(consultation_meetings::table)
            .values((
                consultation_meetings::consultation_id.eq(consultation),
                consultation_meetings::starts_at.eq(input.starts_at),
                consultation_meetings::place.eq(&input.place),
                consultation_meetings::online_url.eq(input.online_url.as_deref()),
                consultation_meetings::capacity.eq(input.capacity),
                consultation_meetings::created_at.eq(now),
            ))
            .returning(consultation_meetings::id)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Event::MeetingScheduled,
            Subject::Consultation(consultation),
            serde_json::json!({ "meeting": id.0, "starts_at": input.starts_at.to_string(), "capacity": input.capacity }),
            now,
        )?;
        Ok(id)
    })
}

/// The meetings of a consultation, soonest first, with their seats taken and waiting.
pub fn list(conn: &mut DbConnection, consultation: ConsultationId) -> QueryResult<Vec<Listed>> {
    let meetings: Vec<Meeting> = consultation_meetings::table
        .filter(consultation_meetings::consultation_id.eq(consultation))
        .order((consultation_meetings::starts_at.asc(), consultation_meetings::id.asc()))
        .select(Meeting::as_select())
        .load(conn)?;
    let ids: Vec<MeetingId> = meetings.iter().map(|m| m.id).collect();
    let counts: Vec<(MeetingId, bool)> = if ids.is_empty() {
        Vec::new()
    } else {
        meeting_registrations::table
            .filter(meeting_registrations::meeting_id.eq_any(ids))
            .select((meeting_registrations::meeting_id, meeting_registrations::waiting))
            .load(conn)?
    };
    Ok(meetings
        .into_iter()
        .map(|meeting| {
            let of = |w: bool| counts.iter().filter(|(m, wt)| *m == meeting.id && *wt == w).count() as i64;
            Listed { seated: of(false), waiting: of(true), meeting }
        })
        .collect())
}

/// Where a person stands for each meeting of the consultation they registered to.
pub fn mine(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    user: UserId,
) -> QueryResult<Vec<(MeetingId, Registration)>> {
    let rows: Vec<(i64, MeetingId, bool)> = meeting_registrations::table
        .inner_join(consultation_meetings::table)
        .filter(consultation_meetings::consultation_id.eq(consultation))
        .filter(meeting_registrations::user_id.eq(user))
        .select((meeting_registrations::id, meeting_registrations::meeting_id, meeting_registrations::waiting))
        .load(conn)?;
    let mut out = Vec::new();
    for (row, meeting, waiting) in rows {
        let standing =
            if waiting { Registration::Waiting(position(conn, meeting, row)?) } else { Registration::Seated };
        out.push((meeting, standing));
    }
    Ok(out)
}

/// A waiting registration's place in the queue (1 is next).
fn position(conn: &mut DbConnection, meeting: MeetingId, row: i64) -> QueryResult<i64> {
    let ahead: i64 = meeting_registrations::table
        .filter(meeting_registrations::meeting_id.eq(meeting))
        .filter(meeting_registrations::waiting.eq(true))
        .filter(meeting_registrations::id.lt(row))
        .count()
        .get_result(conn)?;
    Ok(ahead + 1)
}

/// A registered person as agents see them: name, address, waiting.
pub type Registrant = (String, String, bool);

/// Who registered to a meeting (agents), in order of registration.
pub fn registrations(conn: &mut DbConnection, meeting: MeetingId) -> QueryResult<Vec<Registrant>> {
    meeting_registrations::table
        .inner_join(users::table)
        .filter(meeting_registrations::meeting_id.eq(meeting))
        .order(meeting_registrations::id.asc())
        .select((users::display_name, users::email, meeting_registrations::waiting))
        .load(conn)
}

fn title_of(conn: &mut DbConnection, consultation: ConsultationId) -> QueryResult<String> {
    let objective = load_row(conn, consultation).map(|c| c.objective_id).map_err(|e| match e {
        ConsultationError::Db(e) => e,
        _ => diesel::result::Error::NotFound,
    })?;
    objectives::table.find(objective).select(objectives::title).first(conn)
}

/// Queues the reminder of a seated person, to leave the day before (at once if that is past).
fn queue_reminder(
    conn: &mut DbConnection,
    m: &Meeting,
    user: UserId,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<Option<MailId>> {
    let Some((email, locale)) = users::table
        .find(user)
        .filter(users::disabled_at.is_null())
        .select((users::email, users::locale))
        .first::<(String, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let lang = Lang::from_code(&locale).unwrap_or_default();
    let title = title_of(conn, m.consultation_id)?;
    let place = m.online_url.clone().filter(|_| m.place.is_empty()).unwrap_or_else(|| m.place.clone());
    let link = links.path(&format!("consultations/{}", m.consultation_id.0));
    let mail = templates::meeting_reminder(lang, &email, &title, &paris_text(lang, m.starts_at), &place, &link);
    let send_at = (m.starts_at - REMINDER_BEFORE).max(now);
    outbox::enqueue_at(conn, &mail, now, send_at).map(Some)
}

/// A registered user takes a seat, or a place on the waiting list when the meeting is full.
pub fn register(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    meeting: MeetingId,
    user: UserId,
    actor: &AuditActor,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> Result<Registration, ConsultationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(consultation))?;
        let m = meeting_of(conn, consultation, meeting)?;
        if load_row(conn, consultation)?.stage(now) == Stage::CallOpened {
            return Err(ConsultationError::CallAlreadyOpen);
        }
        if m.starts_at <= now {
            return Err(ConsultationError::MeetingStarted);
        }
        let already: i64 = meeting_registrations::table
            .filter(meeting_registrations::meeting_id.eq(meeting))
            .filter(meeting_registrations::user_id.eq(user))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Err(ConsultationError::AlreadyRegistered);
        }
        let seated: i64 = meeting_registrations::table
            .filter(meeting_registrations::meeting_id.eq(meeting))
            .filter(meeting_registrations::waiting.eq(false))
            .count()
            .get_result(conn)?;
        let waiting = seated >= i64::from(m.capacity);
        let reminder = if waiting { None } else { queue_reminder(conn, &m, user, links, now)? };
        let row: i64 = diesel::insert_into(meeting_registrations::table)
            .values((
                meeting_registrations::meeting_id.eq(meeting),
                meeting_registrations::user_id.eq(user),
                meeting_registrations::waiting.eq(waiting),
                meeting_registrations::registered_at.eq(now),
                meeting_registrations::reminder_mail_id.eq(reminder),
            ))
            .returning(meeting_registrations::id)
            .get_result(conn)?;
        let standing =
            if waiting { Registration::Waiting(position(conn, meeting, row)?) } else { Registration::Seated };
        audit::record(
            conn,
            actor,
            Event::MeetingRegistered,
            Subject::Consultation(consultation),
            serde_json::json!({ "meeting": meeting.0, "waiting": waiting }),
            now,
        )?;
        Ok(standing)
    })
}

/// A person cancels their registration: their unsent reminder is deleted; a freed seat goes to
/// the first person waiting, who is mailed (and gets the reminder). Returns who was promoted.
pub fn cancel(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    meeting: MeetingId,
    user: UserId,
    actor: &AuditActor,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> Result<Option<UserId>, ConsultationError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(consultation))?;
        let m = meeting_of(conn, consultation, meeting)?;
        let (row, waiting, reminder): (i64, bool, Option<MailId>) = meeting_registrations::table
            .filter(meeting_registrations::meeting_id.eq(meeting))
            .filter(meeting_registrations::user_id.eq(user))
            .select((
                meeting_registrations::id,
                meeting_registrations::waiting,
                meeting_registrations::reminder_mail_id,
            ))
            .first(conn)
            .optional()?
            .ok_or(ConsultationError::NotRegistered)?;
        if m.starts_at <= now {
            return Err(ConsultationError::MeetingStarted);
        }
        if let Some(mail) = reminder {
            diesel::delete(mail_outbox::table.find(mail).filter(mail_outbox::sent_at.is_null())).execute(conn)?;
        }
        diesel::delete(meeting_registrations::table.find(row)).execute(conn)?;
        let mut promoted = None;
        if !waiting {
            let next: Option<(i64, UserId)> = meeting_registrations::table
                .filter(meeting_registrations::meeting_id.eq(meeting))
                .filter(meeting_registrations::waiting.eq(true))
                .order(meeting_registrations::id.asc())
                .select((meeting_registrations::id, meeting_registrations::user_id))
                .first(conn)
                .optional()?;
            if let Some((next_row, next_user)) = next {
                let reminder = queue_reminder(conn, &m, next_user, links, now)?;
                diesel::update(meeting_registrations::table.find(next_row))
                    .set((
                        meeting_registrations::waiting.eq(false),
                        meeting_registrations::reminder_mail_id.eq(reminder),
                    ))
                    .execute(conn)?;
                let person: Option<(String, String)> = users::table
                    .find(next_user)
                    .filter(users::disabled_at.is_null())
                    .select((users::email, users::locale))
                    .first(conn)
                    .optional()?;
                if let Some((email, locale)) = person {
                    let lang = Lang::from_code(&locale).unwrap_or_default();
                    let title = title_of(conn, consultation)?;
                    let link = links.path(&format!("consultations/{}", consultation.0));
                    let mail =
                        templates::meeting_seat_given(lang, &email, &title, &paris_text(lang, m.starts_at), &link);
                    outbox::enqueue(conn, &mail, now)?;
                }
                promoted = Some(next_user);
            }
        }
        audit::record(
            conn,
            actor,
            Event::MeetingCancelled,
            Subject::Consultation(consultation),
            serde_json::json!({ "meeting": meeting.0, "was_waiting": waiting, "promoted": promoted.map(|u| u.0) }),
            now,
        )?;
        Ok(promoted)
    })
}

/// An agent publishes a meeting's minutes, once it has taken place.
pub fn publish_minutes(
    conn: &mut DbConnection,
    consultation: ConsultationId,
    meeting: MeetingId,
    minutes: &str,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), ConsultationError> {
    let minutes = super::parse_text("minutes", minutes, super::TEXT_MAX_CHARS)?;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, lock_key(consultation))?;
        let m = meeting_of(conn, consultation, meeting)?;
        if m.starts_at > now {
            return Err(ConsultationError::MeetingNotHeld);
        }
        if m.minutes.is_some() {
            return Err(ConsultationError::MinutesAlreadyPublished);
        }
        diesel::update(consultation_meetings::table.find(meeting))
            .set((consultation_meetings::minutes.eq(Some(&minutes)), consultation_meetings::minutes_at.eq(Some(now))))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Event::MeetingMinutesPublished,
            Subject::Consultation(consultation),
            serde_json::json!({ "meeting": meeting.0 }),
            now,
        )?;
        Ok(())
    })
}
