//! Supporting documents of objectives: agents upload (a multipart form, the CSRF token in the
//! query string) and remove them; everyone who may see the objective downloads them.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};

use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{html, redirect};
use crate::web::error::AppError;
use crate::web::operations::documents;

pub async fn upload(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    match documents::receive(&state, &identity, id, payload).await {
        Ok(()) => Ok(redirect(&format!("/objectives/{id}?done=documents#documents"))),
        Err(e) => match e.field_message(ctx.lang) {
            // A refused file (type, size, nothing chosen): the objective's page again, the reason
            // by the file field, nothing stored.
            Some((status, message)) => {
                let mut errors = crate::views::forms::Errors::default();
                errors.add("file", message);
                let refused = crate::views::objectives::Refused { errors, ..Default::default() };
                let page = crate::web::operations::objectives::page(&state, &identity, id).await?;
                Ok(html(status, crate::views::objectives::page_markup(&ctx, page, None, &refused)))
            }
            None => Err(e),
        },
    }
}

pub async fn download(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, doc) = path.into_inner();
    let document = documents::visible_document(&state, &identity, id, doc).await?;
    documents::serve(&state, &document).await
}

pub async fn delete(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, AppError> {
    let (id, doc) = path.into_inner();
    documents::remove(&state, &identity, id, doc).await?;
    Ok(redirect(&format!("/objectives/{id}?done=documents#documents")))
}
