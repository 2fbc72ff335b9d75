//! The append-only, hash-chained audit log.
//!
//! Each entry stores the previous entry's hash and its own SHA-256 over a canonical JSON encoding
//! (keys sorted, times in RFC 3339 with microseconds). Appends happen in the transaction of the
//! action they record. They are serialised through the database: SQLite's write transactions are
//! `BEGIN IMMEDIATE`, PostgreSQL takes a transaction-scoped advisory lock; and `prev_hash` is
//! UNIQUE, so even a missed lock could never fork the chain — the second append would fail.

use chrono::{NaiveDateTime, SubsecRound};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::db::ids::{AuditEntryId, UserId};
use crate::db::locks::PG_AUDIT_LOCK;
use crate::db::schema::audit_log;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuditActor {
    User {
        id: UserId,
        email: String,
    },
    /// A sign-in attempt or registration by someone not (yet) known; carries what they typed.
    Anonymous(String),
    /// A command run on the server.
    System(String),
    /// A user named by id only: the actions on sealed proposals, whose log must not say who
    /// deposits before the deadline in anything but ids.
    UserId(UserId),
}

impl AuditActor {
    fn parts(&self) -> (Option<UserId>, String) {
        match self {
            AuditActor::User { id, email } => (Some(*id), email.clone()),
            AuditActor::Anonymous(label) => (None, format!("anonymous:{label}")),
            AuditActor::System(label) => (None, format!("system:{label}")),
            AuditActor::UserId(id) => (Some(*id), format!("user:{id}")),
        }
    }
}

/// One thing to record.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub actor: &'a AuditActor,
    /// Dotted verb, e.g. `auth.sign_in`, `user.roles_changed`.
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub details: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    pub id: AuditEntryId,
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub details: String,
    pub prev_hash: String,
    pub hash: String,
}

#[derive(Insertable)]
#[diesel(table_name = audit_log)]
struct AuditInsertForm<'a> {
    occurred_at: NaiveDateTime,
    actor_user_id: Option<UserId>,
    actor: &'a str,
    action: &'a str,
    object_type: &'a str,
    object_id: &'a str,
    details: &'a str,
    prev_hash: &'a str,
    hash: &'a str,
}

/// The fields an entry's hash covers.
pub struct Canonical<'a> {
    pub occurred_at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: &'a str,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: &'a str,
    pub details: &'a str,
    pub prev_hash: &'a str,
}

impl<'a> Canonical<'a> {
    /// The fields of a stored entry.
    pub fn of(entry: &'a AuditEntry) -> Canonical<'a> {
        Canonical {
            occurred_at: entry.occurred_at,
            actor_user_id: entry.actor_user_id,
            actor: &entry.actor,
            action: &entry.action,
            object_type: &entry.object_type,
            object_id: &entry.object_id,
            details: &entry.details,
            prev_hash: &entry.prev_hash,
        }
    }

    /// The canonical encoding: serde_json's map is ordered by key, so it is stable.
    pub fn encode(&self) -> String {
        serde_json::json!({
            "occurred_at": self.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            "actor_user_id": self.actor_user_id.map(|u| u.0),
            "actor": self.actor,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "details": self.details,
            "prev_hash": self.prev_hash,
        })
        .to_string()
    }

    pub fn hash(&self) -> String {
        digest(&self.encode())
    }
}

fn digest(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// Appends one entry. Call inside the transaction of the action it records (`db::write_tx`).
/// Appends an event given by its parts (the entry's id is not needed).
pub fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    object_type: &str,
    object_id: String,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    append(conn, &AuditEvent { actor, action, object_type, object_id, details }, now).map(|_| ())
}

pub fn append(conn: &mut DbConnection, event: &AuditEvent<'_>, now: NaiveDateTime) -> QueryResult<AuditEntryId> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({PG_AUDIT_LOCK})")).execute(pg)?;
    }
    let prev_hash: String = audit_log::table
        .order(audit_log::id.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_owned());
    // Both backends keep microseconds; truncating first makes the stored time hash the same.
    let occurred_at = now.trunc_subsecs(6);
    let (actor_user_id, actor) = event.actor.parts();
    let details = event.details.to_string();
    let hash = Canonical {
        occurred_at,
        actor_user_id,
        actor: &actor,
        action: event.action,
        object_type: event.object_type,
        object_id: &event.object_id,
        details: &details,
        prev_hash: &prev_hash,
    }
    .hash();
    diesel::insert_into(audit_log::table)
        .values(AuditInsertForm {
            occurred_at,
            actor_user_id,
            actor: &actor,
            action: event.action,
            object_type: event.object_type,
            object_id: &event.object_id,
            details: &details,
            prev_hash: &prev_hash,
            hash: &hash,
        })
        .returning(audit_log::id)
        .get_result(conn)
}

/// Why the chain is broken, at which entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokenEntry {
    pub id: AuditEntryId,
    pub reason: &'static str,
}

/// Walks the whole chain in order; returns the number of entries, or the first broken one.
pub fn verify(conn: &mut DbConnection) -> QueryResult<Result<u64, BrokenEntry>> {
    const PAGE: i64 = 1000;
    let mut expected_prev = GENESIS.to_owned();
    let mut after = AuditEntryId(0);
    let mut count = 0u64;
    loop {
        let page: Vec<AuditEntry> = audit_log::table
            .filter(audit_log::id.gt(after))
            .order(audit_log::id.asc())
            .limit(PAGE)
            .select(AuditEntry::as_select())
            .load(conn)?;
        if page.is_empty() {
            return Ok(Ok(count));
        }
        for entry in &page {
            if entry.prev_hash != expected_prev {
                return Ok(Err(BrokenEntry { id: entry.id, reason: "prev_hash does not match the previous entry" }));
            }
            let recomputed = Canonical::of(entry).hash();
            if recomputed != entry.hash {
                return Ok(Err(BrokenEntry { id: entry.id, reason: "hash does not match the entry's content" }));
            }
            expected_prev = entry.hash.clone();
            after = entry.id;
            count += 1;
        }
    }
}

/// Filters for the administrators' page.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<String>,
    pub before: Option<AuditEntryId>,
}

/// The newest entries matching the filter, newest first.
pub fn list(conn: &mut DbConnection, filter: &AuditFilter, limit: i64) -> QueryResult<Vec<AuditEntry>> {
    let mut query = audit_log::table.select(AuditEntry::as_select()).into_boxed();
    if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::action.like(format!("{}%", escape_like(action))).escape('\\'));
    }
    if let Some(actor) = filter.actor.as_deref().filter(|a| !a.is_empty()) {
        query = query.filter(audit_log::actor.like(format!("%{}%", escape_like(&actor.to_lowercase()))).escape('\\'));
    }
    if let Some(before) = filter.before {
        query = query.filter(audit_log::id.lt(before));
    }
    query.order(audit_log::id.desc()).limit(limit).load(conn)
}

/// Escapes `%`, `_` and `\` for a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}
