//! Server-side sessions. The cookie holds 256 random bits; the database holds only their SHA-256,
//! so a copy of the database gives no one a way in. Logging out deletes the row: the session is
//! really over. Idle timeout and absolute lifetime come from the settings.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::UserId;
use crate::db::schema::sessions;
use crate::domain::secret_token;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Session lifetimes.
#[derive(Debug, Clone, Copy)]
pub struct Lifetimes {
    pub idle: chrono::Duration,
    pub absolute: chrono::Duration,
}

/// Only refresh `last_seen_at` this often, so reading pages does not write on every request.
const TOUCH_EVERY: chrono::Duration = chrono::Duration::seconds(60);

/// Opens a session; returns the cookie value (shown to no one else) and the stored row.
pub fn create(
    conn: &mut DbConnection,
    user_id: UserId,
    user_agent: &str,
    lifetimes: Lifetimes,
    now: NaiveDateTime,
) -> QueryResult<(String, Session)> {
    let token = secret_token::generate();
    let session = Session {
        id_hash: secret_token::hash(&token),
        user_id,
        csrf_token: secret_token::generate(),
        user_agent: user_agent.chars().take(200).collect(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + lifetimes.absolute,
    };
    diesel::insert_into(sessions::table)
        .values((
            sessions::id_hash.eq(&session.id_hash),
            sessions::user_id.eq(session.user_id),
            sessions::csrf_token.eq(&session.csrf_token),
            sessions::user_agent.eq(&session.user_agent),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(session.expires_at),
        ))
        .execute(conn)?;
    Ok((token, session))
}

/// The live session for a cookie value, refreshed; an expired one is deleted.
pub fn find_live(
    conn: &mut DbConnection,
    token: &str,
    lifetimes: Lifetimes,
    now: NaiveDateTime,
) -> QueryResult<Option<Session>> {
    let id_hash = secret_token::hash(token);
    let Some(session) = sessions::table.find(&id_hash).select(Session::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    if session.expires_at <= now || session.last_seen_at + lifetimes.idle <= now {
        diesel::delete(sessions::table.find(&id_hash)).execute(conn)?;
        return Ok(None);
    }
    if now - session.last_seen_at >= TOUCH_EVERY {
        diesel::update(sessions::table.find(&id_hash)).set(sessions::last_seen_at.eq(now)).execute(conn)?;
    }
    Ok(Some(session))
}

pub fn delete(conn: &mut DbConnection, id_hash: &str) -> QueryResult<usize> {
    diesel::delete(sessions::table.find(id_hash)).execute(conn)
}

/// Ends every session of a user but `keep` (the one making the request, if any).
pub fn delete_all_for_user(conn: &mut DbConnection, user_id: UserId, keep: Option<&str>) -> QueryResult<usize> {
    match keep {
        Some(keep) => {
            diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id)).filter(sessions::id_hash.ne(keep)))
                .execute(conn)
        }
        None => diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn),
    }
}

pub fn list_for_user(
    conn: &mut DbConnection,
    user_id: UserId,
    lifetimes: Lifetimes,
    now: NaiveDateTime,
) -> QueryResult<Vec<Session>> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::last_seen_at.gt(now - lifetimes.idle))
        .order(sessions::last_seen_at.desc())
        .select(Session::as_select())
        .load(conn)
}

/// Ends one of the user's live sessions, named by the start of its stored hash (what the
/// sessions page shows); false when none of theirs starts so.
pub fn end_for_user(
    conn: &mut DbConnection,
    user_id: UserId,
    prefix: &str,
    lifetimes: Lifetimes,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let target = list_for_user(conn, user_id, lifetimes, now)?.into_iter().find(|s| s.id_hash.starts_with(prefix));
    match target {
        Some(s) => delete(conn, &s.id_hash).map(|_| true),
        None => Ok(false),
    }
}
