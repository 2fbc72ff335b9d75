//! The published audit checkpoints: `GET /audit/checkpoints` (the page, with the public key and
//! how to verify), `GET /audit/checkpoints/{id}.json` (the file a verifier keeps),
//! `GET /audit/checkpoints/public-key.txt` and the Atom feed `GET /feeds/audit-checkpoints.atom`.

use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};

use crate::domain::checkpoints::{self, Checkpoint};
use crate::views;
use crate::views::feeds::{when, xml};
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::ctx::html;
use crate::web::error::AppError;

/// How many checkpoints the page and the feed list (newest first).
const SHOWN: i64 = 100;

/// The signing key's public half, hexadecimal, and its id; none when no key is configured.
fn public_key(state: &AppState) -> Option<(String, String)> {
    state.audit_key.as_ref().map(|key| {
        let public = key.verifying_key();
        (hex::encode(public.as_bytes()), checkpoints::key_id(&public))
    })
}

async fn newest(state: &AppState) -> Result<Vec<Checkpoint>, AppError> {
    state.db.run(|conn| checkpoints::list(conn, SHOWN).map_err(AppError::from)).await
}

/// `GET /audit/checkpoints`
pub async fn page(state: web::Data<AppState>, ctx: Ctx) -> Result<HttpResponse, AppError> {
    let rows = newest(&state).await?;
    Ok(html(StatusCode::OK, views::checkpoints::page(&ctx, public_key(&state).as_ref(), &rows)))
}

/// `GET /audit/checkpoints/{id}.json`: the checkpoint file, as `audit verify --checkpoint` reads it.
pub async fn download(state: web::Data<AppState>, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let id: i64 = file.strip_suffix(".json").and_then(|n| n.parse().ok()).ok_or(AppError::NotFound)?;
    let checkpoint = state
        .db
        .run(move |conn| checkpoints::find(conn, id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    let body = serde_json::to_string_pretty(&checkpoint.file()).map_err(AppError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(format!("audit-checkpoint-{}.json", checkpoint.sequence))],
        })
        .body(body + "\n"))
}

/// `GET /audit/checkpoints/public-key.txt`: the key to pass to `--public-key`; 404 without a key.
pub async fn key_text(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (public, _) = public_key(&state).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(public + "\n"))
}

/// `GET /feeds/audit-checkpoints.atom`
pub async fn feed(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows = newest(&state).await?;
    let now = state.clock.now_naive();
    let base = &state.settings.public_url;
    let url = |path: &str| base.join(path).map(|u| u.to_string()).unwrap_or_default();
    let self_url = url("feeds/audit-checkpoints.atom");
    let updated = rows.first().map_or(now, |c| c.created_at);
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    body.push_str(&format!(
        "  <title>Achat Ouvert — points de contrôle du journal d’audit</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n",
        xml(&self_url),
        xml(&self_url)
    ));
    body.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&url("audit/checkpoints"))
    ));
    body.push_str(&format!(
        "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        when(updated),
        xml(&state.settings.buyer_name)
    ));
    for c in &rows {
        let link = url(&format!("audit/checkpoints/{}.json", c.id));
        let file = c.file();
        body.push_str("  <entry>\n");
        body.push_str(&format!(
            "    <title>Entrée n° {} : {}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"application/json\" href=\"{}\"/>\n",
            c.sequence,
            xml(&c.head_hash),
            xml(&link),
            xml(&link)
        ));
        body.push_str(&format!("    <updated>{}</updated>\n", when(c.created_at)));
        let content = serde_json::to_string_pretty(&file).map_err(AppError::internal)?;
        body.push_str(&format!("    <content type=\"text\">{}</content>\n", xml(&content)));
        body.push_str("  </entry>\n");
    }
    body.push_str("</feed>\n");
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}
