//! Supporting documents of objectives: agents upload (a multipart form, the CSRF token in the
//! query string) and remove them; everyone who may see the objective downloads them.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;

use crate::db::ids::{DocumentId, ObjectiveId};
use crate::db::write_tx;
use crate::domain::audit::{self, AuditActor, AuditEvent};
use crate::domain::authz::Action;
use crate::domain::documents;
use crate::domain::objectives::{self, Status};
use crate::uploads::{Limits, Store, StoredFile, UploadError};
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{html, redirect};
use crate::web::error::AppError;

const MAX_FILES_PER_UPLOAD: usize = 10;

/// Reads and drops what is left of a multipart body, up to 200 MiB (beyond, the connection is
/// simply closed after the answer).
async fn drain(payload: &mut Multipart) {
    let mut seen: usize = 0;
    while let Some(Ok(mut field)) = payload.next().await {
        while let Some(Ok(chunk)) = field.next().await {
            seen += chunk.len();
            if seen > 200 * 1024 * 1024 {
                return;
            }
        }
    }
}

fn refusal(ctx: &Ctx, id: i64, e: &UploadError) -> HttpResponse {
    let (status, key) = match e {
        UploadError::FileTooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "upload-error-file-too-large"),
        UploadError::TotalTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "upload-error-total-too-large"),
        UploadError::UnsupportedType => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "upload-error-type"),
        UploadError::Empty => (StatusCode::UNPROCESSABLE_ENTITY, "upload-error-empty"),
        UploadError::Interrupted(_) | UploadError::Io(_) => (StatusCode::BAD_REQUEST, "upload-error-interrupted"),
    };
    let back = (format!("/objectives/{id}"), ctx.t("upload-back"));
    html(status, views::errors::notice(ctx, "upload-refused-title", &ctx.t(key), Some((&back.0, back.1.clone()))))
}

pub async fn upload(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::EditObjective)?;
    let id = id.into_inner();
    let (oid, now) = (ObjectiveId(id), state.clock.now_naive());
    let (status, used) = state
        .db
        .run(move |conn| {
            let full = objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            Ok::<_, AppError>((full.objective.status_at(now), documents::total_size(conn, oid)?))
        })
        .await?;
    if !matches!(status, Status::Draft | Status::Published) {
        return Err(AppError::Conflict { code: "wrong_status", message: ctx.t("objective-error-not-editable") });
    }
    let store = Store::new(&state.settings.data_dir);
    let mut remaining = state.settings.max_total_size.saturating_sub(used.max(0) as u64);
    let mut stored: Vec<StoredFile> = Vec::new();
    let mut reason = String::new();
    while let Some(field) = payload.next().await {
        let mut field = match field {
            Ok(f) => f,
            Err(e) => {
                store.discard(&stored).await;
                return Ok(refusal(&ctx, id, &UploadError::Interrupted(e.to_string())));
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "reason" => {
                let mut text = Vec::new();
                while let Some(chunk) = field.next().await {
                    let Ok(chunk) = chunk else { break };
                    if text.len() + chunk.len() > 8 * 1024 {
                        break;
                    }
                    text.extend_from_slice(&chunk);
                }
                reason = String::from_utf8_lossy(&text).replace('\0', "").trim().to_owned();
            }
            "file" => {
                let original =
                    field.content_disposition().and_then(|d| d.get_filename()).unwrap_or_default().to_owned();
                if original.is_empty() {
                    // The browser sends an empty file part when nothing was chosen.
                    while field.next().await.is_some() {}
                    continue;
                }
                if stored.len() >= MAX_FILES_PER_UPLOAD {
                    store.discard(&stored).await;
                    while field.next().await.is_some() {}
                    drop(field);
                    drain(&mut payload).await;
                    return Ok(refusal(&ctx, id, &UploadError::TotalTooLarge));
                }
                let limits = Limits { per_file: state.settings.max_file_size, remaining };
                match store.receive(&mut field, &original, limits).await {
                    Ok(file) => {
                        remaining = remaining.saturating_sub(file.size);
                        stored.push(file);
                    }
                    Err(e) => {
                        store.discard(&stored).await;
                        // Read the rest of the request so the client gets the answer (the
                        // field itself was read by `receive`).
                        drop(field);
                        drain(&mut payload).await;
                        return Ok(refusal(&ctx, id, &e));
                    }
                }
            }
            _ => while field.next().await.is_some() {},
        }
    }
    if stored.is_empty() {
        return Ok(refusal(&ctx, id, &UploadError::Empty));
    }
    if status == Status::Published && reason.is_empty() {
        store.discard(&stored).await;
        return Err(AppError::Conflict { code: "reason_required", message: ctx.t("amendment-error-reason") });
    }
    let (who, user) = (AuditActor::User { id: current.user.id, email: current.user.email.clone() }, current.user.id);
    let files = stored.clone();
    let public_url = state.settings.public_url.clone();
    let saved = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
                // The status may have moved while the files were uploading.
                let full = objectives::load(conn, oid)?.ok_or(diesel::result::Error::NotFound)?;
                let status_now = full.objective.status_at(now);
                if !matches!(status_now, Status::Draft | Status::Published) {
                    return Err(diesel::result::Error::RollbackTransaction);
                }
                for f in &files {
                    let doc = documents::insert(conn, oid, f, user, now)?;
                    let event = AuditEvent {
                        actor: &who,
                        action: "objective.document_added",
                        object_type: "objective",
                        object_id: oid.to_string(),
                        details: serde_json::json!({ "document": doc.0, "file": f.original_name, "sha256": f.sha256, "bytes": f.size }),
                    };
                    audit::append(conn, &event, now)?;
                }
                if status_now == Status::Published {
                    let names: Vec<String> = files.iter().map(|f| f.original_name.clone()).collect();
                    let cx = objectives::Editing { catalogue: &[], actor: &who, links: crate::domain::following::MailLinks { public_url: &public_url }, now };
                    objectives::record_documents_amendment(conn, oid, &reason, &names, &cx)?;
                }
                Ok(())
            })
            .map_err(AppError::from)
        })
        .await;
    match saved {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}?done=documents#documents"))),
        Err(e) => {
            // Nothing half-written: the files go with the failed transaction.
            store.discard(&stored).await;
            Err(e)
        }
    }
}

/// Which objective and document a download names, if the actor may see the objective.
async fn document_for(
    state: &AppState,
    identity: &Identity,
    id: i64,
    doc: i64,
) -> Result<documents::Document, AppError> {
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
        Some((_, d)) => Ok(d),
        None => Err(AppError::NotFound),
    }
}

pub async fn download(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, doc) = path.into_inner();
    let document = document_for(&state, &identity, id, doc).await?;
    let store = Store::new(&state.settings.data_dir);
    let file_path = store.path_of(&document.storage_key).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&file_path).await.map_err(|e| {
        tracing::error!(key = %document.storage_key, error = %e, "stored document missing");
        AppError::NotFound
    })?;
    let ascii: String = document
        .file_name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || "._- ".contains(c) { c } else { '_' })
        .collect();
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(ascii),
            DispositionParam::FilenameExt(actix_web::http::header::ExtendedValue {
                charset: actix_web::http::header::Charset::Ext("UTF-8".into()),
                language_tag: None,
                value: document.file_name.clone().into_bytes(),
            }),
        ],
    };
    Ok(HttpResponse::Ok()
        .content_type(document.content_type.as_str())
        .insert_header(disposition)
        .insert_header(("Cache-Control", "private, no-store"))
        .body(bytes))
}

pub async fn delete(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::EditObjective)?;
    let (id, doc) = path.into_inner();
    let (oid, did, now) = (ObjectiveId(id), DocumentId(doc), state.clock.now_naive());
    let who = AuditActor::User { id: current.user.id, email: current.user.email.clone() };
    let removed = state
        .db
        .run(move |conn| {
            write_tx(conn, |conn| {
                crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
                let full = objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
                // Published documents are part of the public record: only drafts lose them.
                if full.objective.status_at(now) != Status::Draft {
                    return Ok::<_, AppError>(Err(()));
                }
                let d = documents::find(conn, oid, did)?.ok_or(AppError::NotFound)?;
                documents::delete(conn, did)?;
                let event = AuditEvent {
                    actor: &who,
                    action: "objective.document_removed",
                    object_type: "objective",
                    object_id: oid.to_string(),
                    details: serde_json::json!({ "document": did.0, "file": d.file_name }),
                };
                audit::append(conn, &event, now)?;
                Ok(Ok(d))
            })
        })
        .await?;
    match removed {
        Ok(d) => {
            let store = Store::new(&state.settings.data_dir);
            if let Some(path) = store.path_of(&d.storage_key) {
                let _ = tokio::fs::remove_file(path).await;
            }
            Ok(redirect(&format!("/objectives/{id}?done=documents#documents")))
        }
        Err(()) => Err(AppError::Conflict { code: "wrong_status", message: ctx.t("document-error-published") }),
    }
}
