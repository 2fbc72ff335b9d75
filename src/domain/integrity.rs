//! Stored files against the SHA-256 recorded when they were received — the hashes a deposit's
//! receipt names, an attachment's, an objective document's. They are checked when the proposals
//! of an objective are opened and before every download of a file whose hash is recorded. A file
//! that no longer matches, or is missing, is never served: the mismatch goes to the audit log as
//! `storage.integrity_failed` (subject: the objective), which the agents' work list and the
//! objective's proposals page read back — that is how the agent is told.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::ids::{DepositId, ObjectiveId, UserId};
use crate::db::schema::{audit_log, deposit_documents, objectives};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::uploads::{Store, sha256_of_file};

/// When a file was found altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum During {
    Opening,
    Download,
}

impl During {
    pub fn as_str(self) -> &'static str {
        match self {
            During::Opening => "opening",
            During::Download => "download",
        }
    }
}

/// A stored file that does not match its recorded hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Mismatch {
    /// The deposit the file belongs to, for a deposited document.
    pub deposit: Option<i64>,
    /// The document's position in the deposit (from 0).
    pub position: Option<i32>,
    pub file_name: String,
    /// A proposal's file (deposited or a draft's): its name is content, kept out of the audit log
    /// like everything of a sealed proposal (docs/PROPOSALS.md).
    #[serde(skip)]
    pub sealed: bool,
    #[serde(skip)]
    pub storage_key: String,
    /// The SHA-256 recorded when the file was received (the receipt's, for a deposit).
    pub expected_sha256: String,
    /// The SHA-256 of what is stored now; none when the file is missing or unreadable.
    pub found_sha256: Option<String>,
}

/// A file to check: where it is, what it is called, the hash it must have.
#[derive(Debug, Clone)]
pub struct Stored {
    pub deposit: Option<DepositId>,
    pub position: Option<i32>,
    pub storage_key: String,
    pub file_name: String,
    pub sha256: String,
}

/// Hashes the stored file (blocking: call it off the server's threads) and compares.
pub fn check(store: &Store, file: &Stored) -> Option<Mismatch> {
    let found = store.path_of(&file.storage_key).and_then(|p| sha256_of_file(&p).ok()).map(|(h, _)| h);
    (found.as_deref() != Some(file.sha256.as_str())).then(|| Mismatch {
        deposit: file.deposit.map(|d| d.0),
        position: file.position,
        file_name: file.file_name.clone(),
        sealed: true,
        storage_key: file.storage_key.clone(),
        expected_sha256: file.sha256.clone(),
        found_sha256: found,
    })
}

/// Records a mismatch in the audit log, on the objective; `by` is who opened or downloaded
/// (none for an anonymous download of a public document).
pub fn record(
    conn: &mut DbConnection,
    by: Option<UserId>,
    objective: ObjectiveId,
    during: During,
    m: &Mismatch,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let actor = match by {
        Some(id) => AuditActor::UserId(id),
        None => AuditActor::System("download".into()),
    };
    let mut details = serde_json::json!({
        "during": during.as_str(),
        "deposit": m.deposit,
        "position": m.position,
        "storage_key": m.storage_key,
        "expected_sha256": m.expected_sha256,
        "found_sha256": m.found_sha256,
    });
    if !m.sealed {
        details["file"] = m.file_name.clone().into();
    }
    audit::record(conn, &actor, Event::FileIntegrityFailed, Subject::Objective(objective), details, now)
}

/// Records several mismatches, in one transaction.
pub fn record_all(
    conn: &mut DbConnection,
    by: Option<UserId>,
    objective: ObjectiveId,
    during: During,
    found: &[Mismatch],
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| found.iter().try_for_each(|m| record(conn, by, objective, during, m, now)))
}

/// The documents of the given deposits of an objective, to check at the opening.
pub fn deposited_documents(conn: &mut DbConnection, deposit_ids: &[DepositId]) -> QueryResult<Vec<Stored>> {
    let rows: Vec<(DepositId, i32, String, String, String)> = deposit_documents::table
        .filter(deposit_documents::deposit_id.eq_any(deposit_ids.to_vec()))
        .order((deposit_documents::deposit_id.asc(), deposit_documents::position.asc()))
        .select((
            deposit_documents::deposit_id,
            deposit_documents::position,
            deposit_documents::storage_key,
            deposit_documents::file_name,
            deposit_documents::sha256,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(d, position, storage_key, file_name, sha256)| Stored {
            deposit: Some(d),
            position: Some(position),
            storage_key,
            file_name,
            sha256,
        })
        .collect())
}

/// A recorded mismatch, as the agents read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    pub objective: ObjectiveId,
    pub objective_title: String,
    /// A public file's name; none for a proposal's file (see [`Mismatch::sealed`]).
    pub file_name: Option<String>,
    /// For a deposited document: the deposit and the document's position (from 0).
    pub deposit: Option<(i64, i64)>,
    pub during: String,
    pub at: NaiveDateTime,
}

/// The latest recorded mismatches, newest first: every objective's, or one objective's; none older
/// than `since` when given.
pub fn alerts(
    conn: &mut DbConnection,
    objective: Option<ObjectiveId>,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<Alert>> {
    let mut q = audit_log::table
        .filter(audit_log::action.eq(Event::FileIntegrityFailed.as_str()))
        .order(audit_log::id.desc())
        .limit(limit)
        .select((audit_log::object_id, audit_log::details, audit_log::occurred_at))
        .into_boxed();
    if let Some(t) = since {
        q = q.filter(audit_log::occurred_at.ge(t));
    }
    if let Some(o) = objective {
        q = q.filter(audit_log::object_type.eq("objective")).filter(audit_log::object_id.eq(o.0.to_string()));
    }
    let rows: Vec<(String, String, NaiveDateTime)> = q.load(conn)?;
    let ids: Vec<i64> = rows.iter().filter_map(|r| r.0.parse().ok()).collect();
    let titles: Vec<(i64, String)> =
        objectives::table.filter(objectives::id.eq_any(ids)).select((objectives::id, objectives::title)).load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, details, at)| {
            let id: i64 = id.parse().ok()?;
            let details: serde_json::Value = serde_json::from_str(&details).unwrap_or_default();
            Some(Alert {
                objective: ObjectiveId(id),
                objective_title: titles.iter().find(|(t, _)| *t == id).map(|(_, t)| t.clone()).unwrap_or_default(),
                file_name: details["file"].as_str().map(str::to_owned),
                deposit: details["deposit"].as_i64().map(|d| (d, details["position"].as_i64().unwrap_or(0))),
                during: details["during"].as_str().unwrap_or_default().to_owned(),
                at,
            })
        })
        .collect())
}
