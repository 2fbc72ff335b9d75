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

/// Failed sign-ins from one client address (successes are not counted: staff share addresses).
pub const LOGIN_FAILURES_PER_ADDRESS: Limit = Limit { max: 50, window: chrono::Duration::minutes(15) };
pub const LOGIN_FAILURES_PER_ACCOUNT: Limit = Limit { max: 10, window: chrono::Duration::minutes(15) };
pub const REGISTER_PER_ADDRESS: Limit = Limit { max: 10, window: chrono::Duration::hours(1) };
pub const RESET_PER_ADDRESS: Limit = Limit { max: 10, window: chrono::Duration::hours(1) };
pub const RESET_PER_ACCOUNT: Limit = Limit { max: 3, window: chrono::Duration::hours(1) };
pub const VERIFY_PER_ADDRESS: Limit = Limit { max: 30, window: chrono::Duration::hours(1) };
pub const VERIFY_RESEND_PER_ACCOUNT: Limit = Limit { max: 5, window: chrono::Duration::hours(1) };
/// Invitations sent by one organisation (each sends a mail to an address the owner chooses).
pub const INVITATIONS_PER_ORGANISATION: Limit = Limit { max: 20, window: chrono::Duration::hours(1) };
/// Receipt checks from one client address.
pub const RECEIPT_CHECKS_PER_ADDRESS: Limit = Limit { max: 120, window: chrono::Duration::minutes(10) };

/// The bucket of an address as typed (`login`, `reset`…): a SHA-256 of it, trimmed and lower-cased,
/// so the key stays 64 hex digits whatever was typed (a form may carry up to the body limit) and
/// no address is stored in clear in the counters.
pub fn account_bucket(purpose: &str, typed: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(typed.trim().to_lowercase().as_bytes());
    format!("{purpose}:account:{}", hex::encode(digest))
}

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
///
/// Each step is a single conditional statement, so concurrent hits on one bucket (several
/// requests, several app servers) are counted exactly: PostgreSQL re-checks the condition on the
/// row it waited for, SQLite runs writers one at a time.
pub fn hit(
    conn: &mut DbConnection,
    bucket: &str,
    limit: Limit,
    now: NaiveDateTime,
) -> QueryResult<Result<(), RetryAfter>> {
    write_tx(conn, |conn| {
        let window_open_since = now - limit.window;
        for _ in 0..2 {
            // 1. Count within the current window, if there is room.
            let counted = diesel::update(
                rate_limits::table
                    .filter(rate_limits::bucket.eq(bucket))
                    .filter(rate_limits::window_start.gt(window_open_since))
                    .filter(rate_limits::hits.lt(limit.max)),
            )
            .set(rate_limits::hits.eq(rate_limits::hits + 1))
            .execute(conn)?;
            if counted == 1 {
                return Ok(Ok(()));
            }
            // 2. Start a new window over an old one.
            let restarted = diesel::update(
                rate_limits::table
                    .filter(rate_limits::bucket.eq(bucket))
                    .filter(rate_limits::window_start.le(window_open_since)),
            )
            .set((rate_limits::window_start.eq(now), rate_limits::hits.eq(1)))
            .execute(conn)?;
            if restarted == 1 {
                return Ok(Ok(()));
            }
            // 3. A new bucket; if another request created it meanwhile, go round once more.
            let row = (rate_limits::bucket.eq(bucket), rate_limits::window_start.eq(now), rate_limits::hits.eq(1));
            let inserted = match conn {
                DbConnection::Sqlite(c) => {
                    diesel::insert_into(rate_limits::table).values(row).on_conflict_do_nothing().execute(c)?
                }
                DbConnection::Pg(c) => {
                    diesel::insert_into(rate_limits::table).values(row).on_conflict_do_nothing().execute(c)?
                }
            };
            if inserted == 1 {
                return Ok(Ok(()));
            }
        }
        // Full: say when the window ends.
        let start = current(conn, bucket)?.map_or(now, |(start, _)| start);
        Ok(Err(retry_after(start, limit, now)))
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

#[cfg(test)]
mod tests {
    #[test]
    fn an_account_bucket_is_bounded_and_ignores_case_and_spaces() {
        let long = "a".repeat(100_000);
        assert_eq!(super::account_bucket("login", &long).len(), "login:account:".len() + 64);
        assert_eq!(
            super::account_bucket("login", " Ann@Example.org "),
            super::account_bucket("login", "ann@example.org")
        );
        assert_ne!(super::account_bucket("login", "a@b.example"), super::account_bucket("reset", "a@b.example"));
    }
}
