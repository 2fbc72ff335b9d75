//! Static assets compiled into the binary and served with long cache lifetimes; their URLs carry a
//! content hash so a new release is never hidden by a cached old file.

use std::sync::LazyLock;

use actix_web::http::header::{self, ETag, EntityTag};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

struct Asset {
    name: &'static str,
    content_type: &'static str,
    body: &'static [u8],
    hash: String,
}

impl Asset {
    fn new(name: &'static str, content_type: &'static str, body: &'static [u8]) -> Asset {
        let hash = hex::encode(&Sha256::digest(body)[..8]);
        Asset { name, content_type, body, hash }
    }

    fn url(&self) -> String {
        format!("/static/{}?v={}", self.name, self.hash)
    }
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    vec![
        Asset::new("style.css", "text/css; charset=utf-8", include_bytes!("../../assets/style.css")),
        Asset::new("favicon.svg", "image/svg+xml", include_bytes!("../../assets/favicon.svg")),
    ]
});

static CSS_URL: LazyLock<String> =
    LazyLock::new(|| ASSETS.iter().find(|a| a.name == "style.css").map(Asset::url).unwrap_or_default());
static FAVICON_URL: LazyLock<String> =
    LazyLock::new(|| ASSETS.iter().find(|a| a.name == "favicon.svg").map(Asset::url).unwrap_or_default());

pub fn css_url() -> &'static str {
    &CSS_URL
}

pub fn favicon_url() -> &'static str {
    &FAVICON_URL
}

/// `GET /static/{name}`.
pub async fn serve(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, super::error::AppError> {
    let asset = ASSETS.iter().find(|a| a.name == name.as_str()).ok_or(super::error::AppError::NotFound)?;
    let etag = EntityTag::new_strong(asset.hash.clone());
    let fresh = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim().trim_start_matches("W/") == etag.to_string()));
    if fresh {
        return Ok(HttpResponse::NotModified().insert_header(ETag(etag)).finish());
    }
    Ok(HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header(ETag(etag))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.body))
}
