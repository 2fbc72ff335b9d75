//! Indicator report reminders (issue 17, step 6), a job of the scheduler (`crate::scheduler`):
//! the members of a contract's holder organisations get a mail `REMINDER_DAYS_BEFORE` days (14
//! by default) before a report is due, and once when it is late, then at most once a week while
//! it stays late. A report is due on the last day of its period; a period reported (waiting for
//! the agent or validated) gets no reminder; one sent back is due again.
//!
//! Each reminder is a row of `indicator_reminders`, unique per (indicator, period, kind), written
//! in the transaction that queues its mails: a reminder is never sent twice, even by two servers
//! or after a restart.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::contracts;
use super::indicators::{self, Period, State, paris_day, period, period_count};
use crate::config::Settings;
use crate::db::ids::ObjectiveId;
use crate::db::schema::{contracts as contracts_table, indicator_reminders, objectives, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::objectives::Status;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// Which reminder: before the due date, or the n-th week of lateness (from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    DueSoon,
    Late(i64),
}

impl Kind {
    /// The stored key: `due_soon`, `late_1`, `late_2`…
    pub fn key(self) -> String {
        match self {
            Kind::DueSoon => "due_soon".to_owned(),
            Kind::Late(week) => format!("late_{week}"),
        }
    }
}

/// The last day to report a period.
pub fn due_on(p: &Period) -> NaiveDate {
    p.ends.pred_opt().unwrap_or(p.ends)
}

/// The reminder a period not reported calls for on `today`, if any.
pub fn kind_for(p: &Period, today: NaiveDate, days_before: u32) -> Option<Kind> {
    if p.starts > today {
        return None;
    }
    let due = due_on(p);
    if today > due {
        return Some(Kind::Late((today - due).num_days().saturating_sub(1) / 7 + 1));
    }
    ((due - today).num_days() <= i64::from(days_before)).then_some(Kind::DueSoon)
}

/// The scheduler's job: sends every reminder due at `now`; returns how many reminders were sent.
pub fn run(conn: &mut DbConnection, settings: &Settings, now: NaiveDateTime) -> QueryResult<usize> {
    let today = paris_day(now);
    let signed: Vec<(ObjectiveId, String)> = contracts_table::table
        .inner_join(objectives::table.on(objectives::id.eq(contracts_table::objective_id)))
        .filter(objectives::status.eq(Status::InExecution.as_str()))
        .order(contracts_table::objective_id.asc())
        .select((contracts_table::objective_id, objectives::title))
        .load(conn)?;
    let mut sent = 0;
    for (objective, title) in signed {
        let Some(contract) = contracts::load(conn, objective)? else { continue };
        let holders: Vec<i64> =
            contract.current().holders.iter().flat_map(|h| h.members.iter().map(|m| m.organisation_id)).collect();
        let duration = contract.current().duration_months;
        let link = settings
            .public_url
            .join(&format!("objectives/{}/indicators", objective.0))
            .map(|u| u.to_string())
            .unwrap_or_default();
        for indicator in indicators::of_objective(conn, objective, false)? {
            for n in 1..=period_count(duration, indicator.period_months) {
                let p = period(contract.signed_on, indicator.period_months, n);
                if p.starts > today {
                    break;
                }
                if indicator.reports.iter().any(|r| r.period == n && r.state != State::SentBack) {
                    continue;
                }
                let Some(kind) = kind_for(&p, today, settings.reminder_days_before) else { continue };
                let reminder =
                    Reminder { indicator: indicator.id, name: &indicator.name, title: &title, period: p, kind };
                if send(conn, &reminder, &holders, &link, now)? {
                    sent += 1;
                }
            }
        }
    }
    Ok(sent)
}

struct Reminder<'a> {
    indicator: i64,
    name: &'a str,
    title: &'a str,
    period: Period,
    kind: Kind,
}

/// Records the reminder and queues its mails, in one transaction; false when it was already sent.
fn send(
    conn: &mut DbConnection,
    r: &Reminder<'_>,
    holders: &[i64],
    link: &str,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let key = r.kind.key();
    let outcome = write_tx(conn, |conn| {
        let already: i64 = indicator_reminders::table
            .filter(indicator_reminders::indicator_id.eq(r.indicator))
            .filter(indicator_reminders::period.eq(r.period.number))
            .filter(indicator_reminders::kind.eq(&key))
            .count()
            .get_result(conn)?;
        if already > 0 {
            return Ok(false);
        }
        let people: Vec<(String, String)> = users::table
            .filter(users::organisation_id.eq_any(holders))
            .filter(users::disabled_at.is_null())
            .filter(users::email_verified_at.is_not_null())
            .order(users::id.asc())
            .select((users::email, users::locale))
            .load(conn)?;
        diesel::insert_into(indicator_reminders::table)
            .values((
                indicator_reminders::indicator_id.eq(r.indicator),
                indicator_reminders::period.eq(r.period.number),
                indicator_reminders::kind.eq(&key),
                indicator_reminders::sent_at.eq(now),
                indicator_reminders::recipients.eq(people.len() as i32),
            ))
            .execute(conn)?;
        let due = due_on(&r.period);
        for (email, locale) in people {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            let facts = templates::IndicatorReminder {
                objective: r.title,
                indicator: r.name,
                period: r.period.number,
                due,
                late: matches!(r.kind, Kind::Late(_)),
                link,
            };
            outbox::enqueue(conn, &templates::indicator_reminder(lang, &email, &facts), now)?;
        }
        Ok(true)
    });
    match outcome {
        // Another server sent it between our check and our insert (a lease that expired).
        Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn reminders_come_before_the_due_date_then_weekly_when_late() {
        let p = period(day("2027-01-15"), 12, 1); // due on 2028-01-14
        assert_eq!(due_on(&p), day("2028-01-14"));
        assert_eq!(kind_for(&p, day("2027-12-30"), 14), None);
        assert_eq!(kind_for(&p, day("2027-12-31"), 14), Some(Kind::DueSoon));
        assert_eq!(kind_for(&p, day("2028-01-14"), 14), Some(Kind::DueSoon));
        assert_eq!(kind_for(&p, day("2028-01-15"), 14), Some(Kind::Late(1)));
        assert_eq!(kind_for(&p, day("2028-01-21"), 14), Some(Kind::Late(1)));
        assert_eq!(kind_for(&p, day("2028-01-22"), 14), Some(Kind::Late(2)));
        assert_eq!(kind_for(&period(day("2027-01-15"), 12, 2), day("2027-12-31"), 14), None, "not started");
        assert_eq!(Kind::Late(3).key(), "late_3");
    }
}
