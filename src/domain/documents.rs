//! Supporting documents of objectives: the rows that point at stored files, and the operations
//! that add and remove them (each in its transaction, under the objectives' lock, with its audit
//! entry). The files themselves are the caller's: stored before `add`, deleted after `remove`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{DocumentId, ObjectiveId, UserId};
use crate::db::schema::objective_documents;
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal, database_message, kind_of};
use crate::domain::objectives::{self, Editing, Status};
use crate::uploads::StoredFile;

/// Why documents were not added or removed.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("no such objective or document")]
    NotFound,
    /// The objective left draft and published while the files were uploading.
    #[error("the objective no longer takes documents")]
    NotEditable,
    /// Published documents are part of the public record: only drafts lose them.
    #[error("the documents of a published objective stay")]
    Published,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl Refusal for DocumentError {
    fn kind(&self) -> Kind {
        match self {
            DocumentError::NotFound => Kind::NotFound,
            DocumentError::Published => Kind::Conflict,
            // The status moved during the upload: a rare race, answered as an internal error.
            DocumentError::NotEditable => Kind::Internal,
            DocumentError::Db(e) => kind_of(e),
        }
    }
    fn code(&self) -> &'static str {
        match self {
            DocumentError::Published => "wrong_status",
            DocumentError::Db(e) => kind_of(e).code(),
            other => other.kind().code(),
        }
    }
    fn message(&self) -> Message {
        match self {
            DocumentError::NotFound => Message::new("error-404-text"),
            DocumentError::Published => Message::new("document-error-published"),
            DocumentError::NotEditable => Message::new("error-500-text"),
            DocumentError::Db(e) => database_message(e),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = objective_documents)]
pub struct Document {
    pub id: DocumentId,
    pub objective_id: ObjectiveId,
    pub storage_key: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub uploaded_by: UserId,
    pub uploaded_at: NaiveDateTime,
}

pub fn list(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Document>> {
    objective_documents::table
        .filter(objective_documents::objective_id.eq(objective))
        .order(objective_documents::id.asc())
        .select(Document::as_select())
        .load(conn)
}

pub fn find(conn: &mut DbConnection, objective: ObjectiveId, id: DocumentId) -> QueryResult<Option<Document>> {
    objective_documents::table
        .find(id)
        .filter(objective_documents::objective_id.eq(objective))
        .select(Document::as_select())
        .first(conn)
        .optional()
}

/// The bytes an objective's documents already take.
pub fn total_size(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<i64> {
    let sizes: Vec<i64> = objective_documents::table
        .filter(objective_documents::objective_id.eq(objective))
        .select(objective_documents::size_bytes)
        .load(conn)?;
    Ok(sizes.iter().sum())
}

pub fn insert(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    file: &StoredFile,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<DocumentId> {
    diesel::insert_into(objective_documents::table)
        .values((
            objective_documents::objective_id.eq(objective),
            objective_documents::storage_key.eq(&file.storage_key),
            objective_documents::file_name.eq(&file.original_name),
            objective_documents::content_type.eq(file.kind.content_type()),
            objective_documents::size_bytes.eq(file.size as i64),
            objective_documents::sha256.eq(&file.sha256),
            objective_documents::uploaded_by.eq(by),
            objective_documents::uploaded_at.eq(now),
        ))
        .returning(objective_documents::id)
        .get_result(conn)
}

pub fn delete(conn: &mut DbConnection, id: DocumentId) -> QueryResult<usize> {
    diesel::delete(objective_documents::table.find(id)).execute(conn)
}

/// Adds stored files to an objective in draft or published, one audit entry each. On a published
/// objective the addition is an amendment, with its reason and its mails to the followers.
pub fn add(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    files: &[StoredFile],
    by: UserId,
    reason: &str,
    cx: &Editing<'_>,
) -> Result<(), DocumentError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        // The status may have moved while the files were uploading.
        let full = objectives::load(conn, objective)?.ok_or(DocumentError::NotFound)?;
        let status = full.objective.status_at(cx.now);
        if !matches!(status, Status::Draft | Status::Published) {
            return Err(DocumentError::NotEditable);
        }
        for f in files {
            let doc = insert(conn, objective, f, by, cx.now)?;
            let details =
                serde_json::json!({ "document": doc.0, "file": f.original_name, "sha256": f.sha256, "bytes": f.size });
            audit::record(conn, cx.actor, Event::DocumentAdded, Subject::Objective(objective), details, cx.now)?;
        }
        if status == Status::Published {
            let names: Vec<String> = files.iter().map(|f| f.original_name.clone()).collect();
            objectives::record_documents_amendment(conn, objective, reason, &names, cx)?;
        }
        Ok(())
    })
}

/// Removes a document of a draft objective, with its audit entry; returns the removed row, whose
/// stored file the caller deletes once this committed.
pub fn remove(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    id: DocumentId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<Document, DocumentError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let full = objectives::load(conn, objective)?.ok_or(DocumentError::NotFound)?;
        if full.objective.status_at(now) != Status::Draft {
            return Err(DocumentError::Published);
        }
        let d = find(conn, objective, id)?.ok_or(DocumentError::NotFound)?;
        delete(conn, id)?;
        let details = serde_json::json!({ "document": id.0, "file": d.file_name });
        audit::record(conn, actor, Event::DocumentRemoved, Subject::Objective(objective), details, now)?;
        Ok(d)
    })
}
