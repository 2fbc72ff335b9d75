//! The citizens' dashboard, for the page, its CSV downloads and the API alike: public figures,
//! nothing to authorize.

use crate::domain::dashboard::{self, Dashboard};
use crate::web::AppState;
use crate::web::error::AppError;

/// The figures of `year` (or of every year).
pub async fn load(state: &AppState, year: Option<i32>) -> Result<Dashboard, AppError> {
    let now = state.clock.now_naive();
    state.db.run(move |conn| dashboard::compute(conn, year, now).map_err(AppError::from)).await
}

/// The years the filter offers.
pub async fn years(state: &AppState) -> Result<Vec<i32>, AppError> {
    state.db.run(|conn| dashboard::years(conn).map_err(AppError::from)).await
}

/// The year filter as typed, checked against the current year (Paris time).
pub fn parse_year(state: &AppState, raw: &str) -> Result<Option<i32>, dashboard::YearError> {
    dashboard::parse_year(raw, dashboard::this_year(state.clock.now_naive()))
}
