//! The mail outbox (and the housekeeping of the same background worker): mails are rows written in the transaction of the action that causes them, so
//! an action and its mails commit together; a background worker delivers them with retries.
//!
//! Several app servers may run the worker at once: a server claims a row with a conditional
//! update (`locked_until` in the past) before sending it, so two servers never send the same row.
//! A crash between sending and recording leaves the claim to expire and the mail to be sent again:
//! delivery is at least once, never lost.

use std::time::Duration;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Mailer, OutgoingMail};
use crate::clock::SharedClock;
use crate::db::ids::MailId;
use crate::db::schema::mail_outbox;
use crate::db::{Db, DbConnection};

/// How long a claimed row stays reserved for the server sending it.
const CLAIM: chrono::Duration = chrono::Duration::minutes(2);

#[derive(Insertable)]
#[diesel(table_name = mail_outbox)]
struct OutboxInsertForm<'a> {
    to_address: &'a str,
    subject: &'a str,
    body_text: &'a str,
    body_html: &'a str,
    created_at: NaiveDateTime,
    attempts: i32,
    next_attempt_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mail_outbox)]
pub struct OutboxRow {
    pub id: MailId,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    pub attempts: i32,
    pub sent_at: Option<NaiveDateTime>,
    pub last_error: Option<String>,
}

/// Queues a mail. Call inside the transaction of the action that causes it.
pub fn enqueue(conn: &mut DbConnection, mail: &OutgoingMail, now: NaiveDateTime) -> QueryResult<MailId> {
    diesel::insert_into(mail_outbox::table)
        .values(OutboxInsertForm {
            to_address: &mail.to,
            subject: &mail.subject,
            body_text: &mail.text,
            body_html: &mail.html,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
        })
        .returning(mail_outbox::id)
        .get_result(conn)
}

/// Queues a mail to leave at `send_at` (a reminder), not before. Call inside the transaction of
/// the action that causes it; deleting the row before `send_at` (while `sent_at` is null) takes it
/// back.
pub fn enqueue_at(
    conn: &mut DbConnection,
    mail: &OutgoingMail,
    now: NaiveDateTime,
    send_at: NaiveDateTime,
) -> QueryResult<MailId> {
    diesel::insert_into(mail_outbox::table)
        .values(OutboxInsertForm {
            to_address: &mail.to,
            subject: &mail.subject,
            body_text: &mail.text,
            body_html: &mail.html,
            created_at: now,
            attempts: 0,
            next_attempt_at: send_at.max(now),
        })
        .returning(mail_outbox::id)
        .get_result(conn)
}

/// Wait before the next attempt: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let exponent = attempts.clamp(0, 7) as u32;
    chrono::Duration::seconds((30i64 << exponent).min(3600))
}

/// What one pass of the worker did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Delivery {
    pub sent: usize,
    pub failed: usize,
}

/// Sends the mails that are due, at most `batch`. Blocking: run it off the async threads.
pub fn deliver_due(db: &Db, mailer: &Mailer, from: &str, now: NaiveDateTime, batch: i64) -> QueryResult<Delivery> {
    let mut conn = db.get().map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?;
    let due: Vec<MailId> = mail_outbox::table
        .filter(mail_outbox::sent_at.is_null())
        .filter(mail_outbox::next_attempt_at.le(now))
        .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now)))
        .order(mail_outbox::id.asc())
        .limit(batch)
        .select(mail_outbox::id)
        .load(&mut conn)?;
    let mut report = Delivery::default();
    // A pass may take a while over a slow relay: each claim and retry is timed when it happens,
    // so a claim never starts out already expired.
    let started = std::time::Instant::now();
    for id in due {
        let now = now + chrono::Duration::from_std(started.elapsed()).unwrap_or_default();
        let token = hex::encode(rand::random::<[u8; 12]>());
        let claimed = diesel::update(
            mail_outbox::table
                .find(id)
                .filter(mail_outbox::sent_at.is_null())
                .filter(mail_outbox::locked_until.is_null().or(mail_outbox::locked_until.lt(now))),
        )
        .set((mail_outbox::locked_until.eq(Some(now + CLAIM)), mail_outbox::lock_token.eq(Some(&token))))
        .execute(&mut conn)?;
        if claimed != 1 {
            continue; // another server took it
        }
        let row: OutboxRow = mail_outbox::table.find(id).select(OutboxRow::as_select()).first(&mut conn)?;
        let mail = OutgoingMail { to: row.to_address, subject: row.subject, text: row.body_text, html: row.body_html };
        let mine = mail_outbox::table.find(id).filter(mail_outbox::lock_token.eq(&token));
        match mailer.send(from, &mail) {
            Ok(()) => {
                diesel::update(mine)
                    .set((
                        mail_outbox::sent_at.eq(Some(now)),
                        mail_outbox::attempts.eq(row.attempts + 1),
                        mail_outbox::locked_until.eq(None::<NaiveDateTime>),
                        mail_outbox::last_error.eq(None::<String>),
                    ))
                    .execute(&mut conn)?;
                report.sent += 1;
            }
            Err(e) => {
                tracing::warn!(mail_id = %id, attempts = row.attempts + 1, error = %e, "mail delivery failed; will retry");
                diesel::update(mine)
                    .set((
                        mail_outbox::attempts.eq(row.attempts + 1),
                        mail_outbox::next_attempt_at.eq(now + backoff(row.attempts)),
                        mail_outbox::locked_until.eq(None::<NaiveDateTime>),
                        mail_outbox::last_error.eq(Some(e.to_string())),
                    ))
                    .execute(&mut conn)?;
                report.failed += 1;
            }
        }
    }
    Ok(report)
}

/// Runs the delivery loop on the current actix system until it stops.
pub fn spawn_worker(db: Db, mailer: Mailer, from: String, clock: SharedClock, every: Duration) {
    actix_web::rt::spawn(async move {
        let mut interval = actix_web::rt::time::interval(every);
        let mut ticks: u64 = 0;
        loop {
            interval.tick().await;
            ticks += 1;
            // Now and then, forget rate-limit windows that ended long ago.
            if ticks % 1200 == 1 {
                let (db, now) = (db.clone(), clock.now_naive());
                let _ = actix_web::web::block(move || {
                    db.get().ok().map(|mut conn| crate::domain::rate_limit::prune(&mut conn, now))
                })
                .await;
            }
            let (db, mailer, from, now) = (db.clone(), mailer.clone(), from.clone(), clock.now_naive());
            match actix_web::web::block(move || deliver_due(&db, &mailer, &from, now, 50)).await {
                Ok(Ok(d)) if d.sent + d.failed > 0 => {
                    tracing::info!(sent = d.sent, failed = d.failed, "outbox delivered")
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "outbox pass failed"),
                Err(e) => tracing::warn!(error = %e, "outbox worker task failed"),
            }
        }
    });
}

/// Every row, for tests and the administrators.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<OutboxRow>> {
    mail_outbox::table.order(mail_outbox::id.asc()).select(OutboxRow::as_select()).load(conn)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_then_caps_at_an_hour() {
        assert_eq!(backoff(0).num_seconds(), 30);
        assert_eq!(backoff(1).num_seconds(), 60);
        assert_eq!(backoff(3).num_seconds(), 240);
        assert_eq!(backoff(20).num_seconds(), 3600);
    }
}
