//! Following themes and objectives, and the mails it brings: a publication to the followers of
//! its themes; an essential amendment and a new answer to the followers of the objective (and of
//! its themes, for amendments). Mails are queued in the transaction of the event.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{ObjectiveId, UserId};
use crate::db::schema::{objectives, subscriptions, users};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// What mails link to.
#[derive(Clone, Copy)]
pub struct MailLinks<'a> {
    pub public_url: &'a url::Url,
}

impl MailLinks<'_> {
    fn objective(&self, id: ObjectiveId) -> String {
        self.path(&format!("objectives/{}", id.0))
    }
    /// An absolute link to a path of the platform (given without its leading slash).
    pub fn path(&self, path: &str) -> String {
        self.public_url.join(path).map(|u| u.to_string()).unwrap_or_default()
    }
}

pub fn follow_theme(conn: &mut DbConnection, user: UserId, theme: &str, now: NaiveDateTime) -> QueryResult<()> {
    let exists: i64 = subscriptions::table
        .filter(subscriptions::user_id.eq(user))
        .filter(subscriptions::theme.eq(theme))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::user_id.eq(user),
                subscriptions::theme.eq(Some(theme)),
                subscriptions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unfollow_theme(conn: &mut DbConnection, user: UserId, theme: &str) -> QueryResult<usize> {
    diesel::delete(subscriptions::table.filter(subscriptions::user_id.eq(user)).filter(subscriptions::theme.eq(theme)))
        .execute(conn)
}

pub fn follow_objective(
    conn: &mut DbConnection,
    user: UserId,
    objective: ObjectiveId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let exists: i64 = subscriptions::table
        .filter(subscriptions::user_id.eq(user))
        .filter(subscriptions::objective_id.eq(objective))
        .count()
        .get_result(conn)?;
    if exists == 0 {
        diesel::insert_into(subscriptions::table)
            .values((
                subscriptions::user_id.eq(user),
                subscriptions::objective_id.eq(Some(objective)),
                subscriptions::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn unfollow_objective(conn: &mut DbConnection, user: UserId, objective: ObjectiveId) -> QueryResult<usize> {
    diesel::delete(
        subscriptions::table.filter(subscriptions::user_id.eq(user)).filter(subscriptions::objective_id.eq(objective)),
    )
    .execute(conn)
}

/// Makes the themes a user follows exactly `wanted` (codes that are not themes are ignored), in
/// one transaction.
pub fn set_themes(conn: &mut DbConnection, user: UserId, wanted: &[String], now: NaiveDateTime) -> QueryResult<()> {
    crate::db::write_tx(conn, |conn| {
        for (code, _, _) in crate::domain::themes::THEMES {
            if wanted.iter().any(|w| w == code) {
                follow_theme(conn, user, code, now)?;
            } else {
                unfollow_theme(conn, user, code)?;
            }
        }
        Ok(())
    })
}

/// The themes and objectives a user follows.
pub fn of_user(conn: &mut DbConnection, user: UserId) -> QueryResult<(Vec<String>, Vec<ObjectiveId>)> {
    let rows: Vec<(Option<String>, Option<ObjectiveId>)> = subscriptions::table
        .filter(subscriptions::user_id.eq(user))
        .select((subscriptions::theme, subscriptions::objective_id))
        .load(conn)?;
    Ok((rows.iter().filter_map(|(t, _)| t.clone()).collect(), rows.iter().filter_map(|(_, o)| *o).collect()))
}

/// Active, verified followers (address and language) of any of `themes` or of `objective`.
fn followers(
    conn: &mut DbConnection,
    themes: &[String],
    objective: Option<ObjectiveId>,
) -> QueryResult<Vec<(String, String)>> {
    let mut ids: BTreeSet<UserId> = BTreeSet::new();
    if !themes.is_empty() {
        let by_theme: Vec<UserId> = subscriptions::table
            .filter(subscriptions::theme.eq_any(themes))
            .select(subscriptions::user_id)
            .load(conn)?;
        ids.extend(by_theme);
    }
    if let Some(o) = objective {
        let by_objective: Vec<UserId> =
            subscriptions::table.filter(subscriptions::objective_id.eq(o)).select(subscriptions::user_id).load(conn)?;
        ids.extend(by_objective);
    }
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<UserId> = ids.into_iter().collect();
    users::table
        .filter(users::id.eq_any(ids))
        .filter(users::disabled_at.is_null())
        .filter(users::email_verified_at.is_not_null())
        .select((users::email, users::locale))
        .load(conn)
}

/// Queues one mail per recipient, each in the recipient's language.
fn mail_each(
    conn: &mut DbConnection,
    recipients: &[(String, String)],
    now: NaiveDateTime,
    mail: impl Fn(Lang, &str) -> crate::mail::OutgoingMail,
) -> QueryResult<usize> {
    for (email, locale) in recipients {
        outbox::enqueue(conn, &mail(Lang::from_code(locale).unwrap_or_default(), email), now)?;
    }
    Ok(recipients.len())
}

fn title_and_themes(conn: &mut DbConnection, id: ObjectiveId) -> QueryResult<(String, Vec<String>)> {
    let (title, themes): (String, String) =
        objectives::table.find(id).select((objectives::title, objectives::themes)).first(conn)?;
    Ok((title, serde_json::from_str(&themes).unwrap_or_default()))
}

/// A new objective is published: tell the followers of its themes.
pub fn notify_publication(
    conn: &mut DbConnection,
    id: ObjectiveId,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let (title, themes) = title_and_themes(conn, id)?;
    let recipients = followers(conn, &themes, None)?;
    let link = links.objective(id);
    mail_each(conn, &recipients, now, |lang, email| templates::objective_published(lang, email, &title, &link))
}

/// An essential amendment: tell the followers of the objective and of its themes.
pub fn notify_amendment(
    conn: &mut DbConnection,
    id: ObjectiveId,
    themes_before: &[String],
    reason: &str,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    // Followers of a theme the amendment removed are told too.
    let (title, mut themes) = title_and_themes(conn, id)?;
    for t in themes_before {
        if !themes.contains(t) {
            themes.push(t.clone());
        }
    }
    let recipients = followers(conn, &themes, Some(id))?;
    let link = links.objective(id);
    mail_each(conn, &recipients, now, |lang, email| templates::objective_amended(lang, email, &title, reason, &link))
}

/// A cancellation: tell the followers of the objective and of its themes.
pub fn notify_cancellation(
    conn: &mut DbConnection,
    id: ObjectiveId,
    reason: &str,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let (title, themes) = title_and_themes(conn, id)?;
    let recipients = followers(conn, &themes, Some(id))?;
    let link = links.objective(id);
    mail_each(conn, &recipients, now, |lang, email| templates::objective_cancelled(lang, email, &title, reason, &link))
}

/// A published answer: tell the asker and the followers of the objective.
pub fn notify_answer(
    conn: &mut DbConnection,
    id: ObjectiveId,
    asker: Option<UserId>,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let (title, _) = title_and_themes(conn, id)?;
    let mut recipients = followers(conn, &[], Some(id))?;
    if let Some(asker) = asker {
        let asker_row: Option<(String, String)> = users::table
            .find(asker)
            .filter(users::disabled_at.is_null())
            .select((users::email, users::locale))
            .first(conn)
            .optional()?;
        if let Some(row) = asker_row
            && !recipients.iter().any(|(e, _)| *e == row.0)
        {
            recipients.push(row);
        }
    }
    let link = links.objective(id);
    mail_each(conn, &recipients, now, |lang, email| templates::question_answered(lang, email, &title, &link))
}
