//! Supporting documents of objectives: agents upload (a multipart form, the CSRF token in the
//! query string) and remove them; everyone who may see the objective downloads them.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};

use crate::db::ids::{DocumentId, ObjectiveId};
use crate::db::write_tx;
use crate::domain::audit::{self, AuditEvent};
use crate::domain::authz::Action;
use crate::domain::documents;
use crate::domain::objectives::{self, Status};
use crate::uploads::{Store, UploadError};
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::redirect;
use crate::web::error::AppError;

const MAX_FILES_PER_UPLOAD: usize = 10;

pub async fn upload(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match receive(&state, &ctx, &identity, id, payload).await {
        // A refused file (type, size, nothing chosen): the objective's page again, the reason by
        // the file field, nothing stored.
        Err(AppError::Rejected { status, message, .. }) => {
            let mut errors = crate::views::forms::Errors::default();
            errors.add("file", message);
            let refused = super::objectives::Refused { errors, ..Default::default() };
            super::objectives::render_detail(&state, &ctx, &identity, id, None, refused, status).await
        }
        other => other,
    }
}

async fn receive(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
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
        return Err(AppError::Conflict { code: "wrong_status", message: ctx.t("objective-error-not-editable") });
    }
    let store = Store::new(&state.settings.data_dir);
    let remaining = state.settings.max_total_size.saturating_sub(used.max(0) as u64);
    let received = store
        .receive_form(&mut payload, state.settings.max_file_size, remaining, MAX_FILES_PER_UPLOAD)
        .await
        .map_err(|e| AppError::upload(ctx.lang, &e))?;
    let reason = received.field("reason");
    let stored = received.files;
    if stored.is_empty() {
        return Err(AppError::upload(ctx.lang, &UploadError::Empty));
    }
    if status == Status::Published && reason.is_empty() {
        store.discard(&stored).await;
        return Err(AppError::Conflict { code: "reason_required", message: ctx.t("amendment-error-reason") });
    }
    let (who, user) = (current.audit_actor(), current.user.id);
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
    serve_stored(&state, &document.storage_key, &document.file_name, &document.content_type).await
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

pub async fn delete(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::EditObjective)?;
    let (id, doc) = path.into_inner();
    let (oid, did, now) = (ObjectiveId(id), DocumentId(doc), state.clock.now_naive());
    let who = current.audit_actor();
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
