//! The sitemap's entries, kept between requests while nothing they depend on changed: every write
//! that adds, removes or changes a listed page (a publication, a cancellation, a practice's review,
//! a profile listed or withdrawn) appends to the audit log in its own transaction, so the log's
//! head, read in one cheap query, says whether they must be read again — on any server.

use std::sync::{Arc, Mutex};

use crate::domain::{dashboard, sitemap};
use crate::web::AppState;
use crate::web::error::AppError;

/// Entries read at one audit head.
type Kept = (Option<i64>, Arc<Vec<sitemap::Entry>>);

/// The entries last read, with the audit log's head at that moment.
#[derive(Clone, Default)]
pub struct SitemapCache(Arc<Mutex<Option<Kept>>>);

pub async fn entries(state: &AppState) -> Result<Arc<Vec<sitemap::Entry>>, AppError> {
    let cache = state.sitemap.clone();
    state
        .db
        .run(move |conn| {
            let head = dashboard::audit_head(conn)?;
            let kept = cache.0.lock().ok().and_then(|c| c.as_ref().filter(|(h, _)| *h == head).map(|(_, e)| e.clone()));
            if let Some(entries) = kept {
                return Ok(entries);
            }
            let entries = Arc::new(sitemap::entries(conn, sitemap::CAP_PER_KIND)?);
            if let Ok(mut c) = cache.0.lock() {
                *c = Some((head, entries.clone()));
            }
            Ok::<_, AppError>(entries)
        })
        .await
}
