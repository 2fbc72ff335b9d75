//! Stored files: objectives' supporting documents (receiving, removing, finding one a request
//! may read) and the one way any stored file is sent as a download.

use actix_multipart::Multipart;
use actix_web::HttpResponse;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};

use crate::db::ids::{DocumentId, ObjectiveId};
use crate::domain::authz::Action;
use crate::domain::documents;
use crate::domain::error::{Kind, Message};
use crate::domain::following::MailLinks;
use crate::domain::objectives::{self, Status};
use crate::uploads::{Store, UploadError};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

const MAX_FILES_PER_UPLOAD: usize = 10;

/// A stored file a request may download, and the name it goes out under.
pub struct Download {
    pub storage_key: String,
    pub name: String,
    pub content_type: String,
}

/// Receives an agent's upload (multipart, with a `reason` when the objective is published) and
/// adds its files to the objective. A refused file is a refusal on the `file` field
/// ([`AppError::field_message`]); nothing is kept of a refused or failed upload.
pub async fn receive(state: &AppState, identity: &Identity, id: i64, mut payload: Multipart) -> Result<(), AppError> {
    let current = identity.authorize(Action::EditObjective)?;
    let (oid, now) = (ObjectiveId(id), state.clock.now_naive());
    let status = state
        .db
        .run(move |conn| {
            let full = objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((
                full.objective.status_at(now),
                documents::total_size(conn, oid)?,
                full.objective.practice,
            ))
        })
        .await?;
    let (status, used, practice) = (status.0, status.1, status.2);
    if practice || !matches!(status, Status::Draft | Status::Published) {
        return Err(AppError::refused(Kind::Conflict, "wrong_status", Message::new("objective-error-not-editable")));
    }
    let store = Store::new(&state.settings.data_dir);
    let remaining = state.settings.max_total_size.saturating_sub(used.max(0) as u64);
    let received = store
        .receive_form(&mut payload, state.settings.max_file_size, remaining, MAX_FILES_PER_UPLOAD)
        .await
        .map_err(|e| AppError::from(e).on_field("file"))?;
    let reason = received.field("reason");
    let stored = received.files;
    if stored.is_empty() {
        return Err(AppError::from(UploadError::Empty).on_field("file"));
    }
    if status == Status::Published && reason.is_empty() {
        store.discard(&stored).await;
        return Err(AppError::refused(Kind::Conflict, "reason_required", Message::new("amendment-error-reason")));
    }
    let (who, user) = (current.audit_actor(), current.user.id);
    let files = stored.clone();
    let public_url = state.settings.public_url.clone();
    let saved = state
        .db
        .run(move |conn| {
            let cx =
                objectives::Editing { catalogue: &[], actor: &who, links: MailLinks { public_url: &public_url }, now };
            Ok::<_, AppError>(documents::add(conn, oid, &files, user, &reason, &cx))
        })
        .await
        .and_then(|added| added.map_err(AppError::from));
    if let Err(e) = saved {
        // Nothing half-written: the files go with the failed transaction.
        store.discard(&stored).await;
        return Err(e);
    }
    Ok(())
}

/// Removes a document of a draft objective, then its file.
pub async fn remove(state: &AppState, identity: &Identity, id: i64, doc: i64) -> Result<(), AppError> {
    let current = identity.authorize(Action::EditObjective)?;
    let (oid, did, now) = (ObjectiveId(id), DocumentId(doc), state.clock.now_naive());
    let who = current.audit_actor();
    let removed = state.db.run(move |conn| Ok::<_, AppError>(documents::remove(conn, oid, did, &who, now))).await??;
    let store = Store::new(&state.settings.data_dir);
    if let Some(path) = store.path_of(&removed.storage_key) {
        let _ = tokio::fs::remove_file(path).await;
    }
    Ok(())
}

/// The documents of an objective the actor may see.
pub async fn of_objective(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<Vec<documents::Document>, AppError> {
    super::objectives::visible(state, identity, id).await?;
    state.db.run(move |conn| documents::list(conn, ObjectiveId(id)).map_err(AppError::from)).await
}

/// The document a download names, if the actor may see its objective (drafts: agents only).
pub async fn visible_document(state: &AppState, identity: &Identity, id: i64, doc: i64) -> Result<Download, AppError> {
    let (oid, did) = (ObjectiveId(id), DocumentId(doc));
    let found = state
        .db
        .run(move |conn| {
            let Some(full) = objectives::load(conn, oid)? else { return Ok::<_, AppError>(None) };
            Ok(documents::find(conn, oid, did)?.map(|d| (full.objective.status, d)))
        })
        .await?;
    match found {
        Some((status, _))
            if status == Status::Draft.as_str() && identity.authorize(Action::ViewDraftObjectives).is_err() =>
        {
            Err(AppError::NotFound)
        }
        Some((_, d)) => Ok(Download { storage_key: d.storage_key, name: d.file_name, content_type: d.content_type }),
        None => Err(AppError::NotFound),
    }
}

/// Sends a stored file as a download: `Content-Disposition: attachment` with a safe name (ASCII
/// and UTF-8 forms), never cached by shared caches; `nosniff` comes from the security headers.
pub async fn serve_stored(
    state: &AppState,
    storage_key: &str,
    file_name: &str,
    content_type: &str,
) -> Result<HttpResponse, AppError> {
    let store = Store::new(&state.settings.data_dir);
    let file_path = store.path_of(storage_key).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&file_path).await.map_err(|e| {
        tracing::error!(key = %storage_key, error = %e, "stored file missing");
        AppError::NotFound
    })?;
    let ascii: String =
        file_name.chars().map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' }).collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(actix_web::http::header::ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: file_name.to_owned().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

/// Sends a [`Download`].
pub async fn serve(state: &AppState, d: &Download) -> Result<HttpResponse, AppError> {
    serve_stored(state, &d.storage_key, &d.name, &d.content_type).await
}
