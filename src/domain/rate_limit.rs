//! Fixed-window rate limits kept in the database, so they hold across several app servers. Windows
//! are short (minutes to an hour): a flood is slowed, the real user is never locked out for long.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::rate_limits;
use crate::db::{DbConnection, write_tx};

/// A limit: at most `max` hits per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i32,
    pub window: chrono::Duration,
}

pub const LOGIN_PER_ADDRESS: Limit = Limit { max: 30, window: chrono::Duration::minutes(15) };
pub const LOGIN_FAILURES_PER_ACCOUNT: Limit = Limit { max: 10, window: chrono::Duration::minutes(15) };
pub const REGISTER_PER_ADDRESS: Limit = Limit { max: 10, window: chrono::Duration::hours(1) };
pub const RESET_PER_ADDRESS: Limit = Limit { max: 10, window: chrono::Duration::hours(1) };
pub const RESET_PER_ACCOUNT: Limit = Limit { max: 3, window: chrono::Duration::hours(1) };
pub const VERIFY_PER_ADDRESS: Limit = Limit { max: 30, window: chrono::Duration::hours(1) };
pub const VERIFY_RESEND_PER_ACCOUNT: Limit = Limit { max: 5, window: chrono::Duration::hours(1) };

/// Refused: try again in this many seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub i64);

fn current(conn: &mut DbConnection, bucket: &str) -> QueryResult<Option<(NaiveDateTime, i32)>> {
    rate_limits::table.find(bucket).select((rate_limits::window_start, rate_limits::hits)).first(conn).optional()
}

fn retry_after(start: NaiveDateTime, limit: Limit, now: NaiveDateTime) -> RetryAfter {
    RetryAfter((start + limit.window - now).num_seconds().max(1))
}

/// Whether the bucket is already full, without counting a hit.
pub fn check(
    conn: &mut DbConnection,
    bucket: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<Result<(), RetryAfter>> {
    Ok(match current(conn, bucket)? {
        Some((start, hits)) if start + limit.window > now && hits >= limit.max => Err(retry_after(start, limit, now)),
        _ => Ok(()),
    })
}

/// Counts one hit; refused (and not counted) when the bucket is full.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<Result<(), RetryAfter>> {
    write_tx(conn, |conn| {
        match current(conn, bucket)? {
            Some((start, hits)) if start + limit.window > now => {
                if hits >= limit.max {
                    return Ok(Err(retry_after(start, limit, now)));
                }
                diesel::update(rate_limits::table.find(bucket)).set(rate_limits::hits.eq(hits + 1)).execute(conn)?;
            }
            Some(_) => {
                diesel::update(rate_limits::table.find(bucket))
                    .set((rate_limits::window_start.eq(now), rate_limits::hits.eq(1)))
                    .execute(conn)?;
            }
            None => {
                // Two servers may insert the same new bucket at once; the loser just counts on.
                let row = (rate_limits::bucket.eq(bucket), rate_limits::window_start.eq(now), rate_limits::hits.eq(1));
                let inserted = match conn {
                    DbConnection::Sqlite(c) => {
                        diesel::insert_into(rate_limits::table).values(row).on_conflict_do_nothing().execute(c)?
                    }
                    DbConnection::Pg(c) => {
                        diesel::insert_into(rate_limits::table).values(row).on_conflict_do_nothing().execute(c)?
                    }
                };
                if inserted == 0 {
                    diesel::update(rate_limits::table.find(bucket))
                        .set(rate_limits::hits.eq(rate_limits::hits + 1))
                        .execute(conn)?;
                }
            }
        }
        Ok(Ok(()))
    })
}

/// Forgets a bucket (a successful sign-in clears the account's failures).
pub fn clear(conn: &mut DbConnection, bucket: &str) -> QueryResult<()> {
    diesel::delete(rate_limits::table.find(bucket)).execute(conn).map(|_| ())
}

/// Drops windows that ended long ago; called now and then by the outbox worker.
pub fn prune(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(rate_limits::table.filter(rate_limits::window_start.lt(now - chrono::Duration::days(1))))
        .execute(conn)
}
