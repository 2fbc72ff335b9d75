//! Supporting documents of objectives: the rows that point at stored files.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::ids::{DocumentId, ObjectiveId, UserId};
use crate::db::schema::objective_documents;
use crate::uploads::StoredFile;

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
