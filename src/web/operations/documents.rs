//! Stored files: objectives' supporting documents (receiving, removing, finding one a request
//! may read) and the one way any stored file is sent as a download.

use actix_multipart::Multipart;
use actix_web::HttpResponse;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};

use crate::db::ids::{DepositId, DocumentId, ObjectiveId, UserId};
use crate::domain::authz::Action;
use crate::domain::documents;
use crate::domain::error::{Kind, Message};
use crate::domain::following::MailLinks;
use crate::domain::integrity::{self, During, Mismatch};
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
    /// The hash recorded when the file was received, checked before it is served.
    pub check: Option<Check>,
}

/// A recorded hash to check before a download, and what to name in the audit log if it fails.
pub struct Check {
    pub sha256: String,
    pub objective: ObjectiveId,
    /// For a deposited document: the deposit and the document's position.
    pub deposit: Option<(DepositId, i32)>,
    /// A proposal's file, whose name stays out of the audit log.
    pub sealed: bool,
    /// Who downloads (none for an anonymous visitor).
    pub by: Option<UserId>,
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
        Some((_, d)) => Ok(Download {
            check: Some(Check {
                sha256: d.sha256,
                objective: oid,
                deposit: None,
                sealed: false,
                by: identity.0.as_ref().map(|c| c.user.id),
            }),
            storage_key: d.storage_key,
            name: d.file_name,
            content_type: d.content_type,
        }),
        None => Err(AppError::NotFound),
    }
}

/// Sends a stored file as a download: `Content-Disposition: attachment` with a safe name (ASCII
/// and UTF-8 forms), never cached by shared caches; `nosniff` comes from the security headers.
/// The file is streamed 64 KiB at a time with its length (a download holds one buffer, whatever
/// the file's size).
pub async fn serve_stored(
    state: &AppState,
    storage_key: &str,
    file_name: &str,
    content_type: &str,
) -> Result<HttpResponse, AppError> {
    let file = open_stored(state, storage_key, false).await?.0;
    Ok(attachment(file_name, content_type, file))
}

/// Opens a stored file off the server's threads; with `hash`, also reads it through once for its
/// SHA-256 and rewinds, so what is checked is what is sent.
async fn open_stored(
    state: &AppState,
    storage_key: &str,
    hash: bool,
) -> Result<(std::fs::File, Option<String>), AppError> {
    use std::io::{Seek, SeekFrom};
    let path = Store::new(&state.settings.data_dir).path_of(storage_key).ok_or(AppError::NotFound)?;
    let key = storage_key.to_owned();
    actix_web::web::block(move || -> std::io::Result<_> {
        let mut file = std::fs::File::open(&path)?;
        let found = if hash {
            let (sha256, _) = crate::uploads::sha256_of_reader(&mut file)?;
            file.seek(SeekFrom::Start(0))?;
            Some(sha256)
        } else {
            None
        };
        Ok((file, found))
    })
    .await
    .map_err(AppError::internal)?
    .map_err(|e| {
        tracing::error!(key = %key, error = %e, "stored file missing");
        AppError::NotFound
    })
}

fn attachment(file_name: &str, content_type: &str, file: std::fs::File) -> HttpResponse {
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
    let mut response = HttpResponse::Ok();
    response
        .content_type(content_type)
        .insert_header(disposition)
        .insert_header(("Cache-Control", "private, no-store"));
    crate::web::ctx::stream_file(response, file)
}

/// Sends a [`Download`], after checking its recorded hash: a file that no longer matches (or is
/// missing) is not served; the mismatch is recorded in the audit log, where the agents read it
/// (`domain::integrity`), and the request is refused with `file_altered`.
pub async fn serve(state: &AppState, d: &Download) -> Result<HttpResponse, AppError> {
    let Some(check) = &d.check else { return serve_stored(state, &d.storage_key, &d.name, &d.content_type).await };
    let (file, found) = match open_stored(state, &d.storage_key, true).await {
        Ok((file, found)) => (Some(file), found),
        Err(AppError::NotFound) => (None, None),
        Err(e) => return Err(e),
    };
    if let Some(file) = file
        && found.as_deref() == Some(check.sha256.as_str())
    {
        return Ok(attachment(&d.name, &d.content_type, file));
    }
    let mismatch = Mismatch {
        deposit: check.deposit.map(|(d, _)| d.0),
        position: check.deposit.map(|(_, p)| p),
        file_name: d.name.clone(),
        sealed: check.sealed,
        storage_key: d.storage_key.clone(),
        expected_sha256: check.sha256.clone(),
        found_sha256: found,
    };
    let (by, objective, now) = (check.by, check.objective, state.clock.now_naive());
    state
        .db
        .run(move |conn| {
            integrity::record(conn, by, objective, During::Download, &mismatch, now).map_err(AppError::from)
        })
        .await?;
    Err(AppError::refused(Kind::Conflict, "file_altered", Message::new("error-file-altered")))
}
