//! The citizens' dashboard, for the page, its CSV downloads and the API alike: public figures,
//! nothing to authorize.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;

use crate::domain::dashboard::{self, Dashboard};
use crate::web::AppState;
use crate::web::error::AppError;

/// The figures computed last, per year filter, with the audit log's head they were computed at and
/// the moment they change by themselves (the next deadline). Every write that changes a figure
/// (a publication, a deposit, a decision, an award, a contract, an organisation's attributes)
/// appends to the audit log in its own transaction, so a head read in one cheap query tells
/// whether anything changed — on this server or any other on the same database.
#[derive(Clone, Default)]
pub struct FiguresCache(Arc<Mutex<HashMap<Option<i32>, Cached>>>);

struct Cached {
    head: Option<i64>,
    valid_until: Option<NaiveDateTime>,
    figures: Dashboard,
}

/// The figures of `year` (or of every year): computed again only when the audit log moved or a
/// deadline passed since they were last computed.
pub async fn load(state: &AppState, year: Option<i32>) -> Result<Dashboard, AppError> {
    let now = state.clock.now_naive();
    let cache = state.figures.clone();
    state
        .db
        .run(move |conn| {
            let head = dashboard::audit_head(conn)?;
            let fresh = |c: &&Cached| c.head == head && c.valid_until.is_none_or(|t| now < t);
            if let Some(hit) = cache.0.lock().ok().and_then(|m| m.get(&year).filter(fresh).map(|c| c.figures.clone())) {
                return Ok(hit);
            }
            let figures = dashboard::compute(conn, year, now)?;
            let valid_until = dashboard::next_deadline(conn, now)?;
            if let Ok(mut m) = cache.0.lock() {
                m.insert(year, Cached { head, valid_until, figures: figures.clone() });
            }
            Ok::<_, AppError>(figures)
        })
        .await
}

/// The years the filter offers.
pub async fn years(state: &AppState) -> Result<Vec<i32>, AppError> {
    state.db.run(|conn| dashboard::years(conn).map_err(AppError::from)).await
}

/// The year filter as typed, checked against the current year (Paris time).
pub fn parse_year(state: &AppState, raw: &str) -> Result<Option<i32>, dashboard::YearError> {
    dashboard::parse_year(raw, dashboard::this_year(state.clock.now_naive()))
}
