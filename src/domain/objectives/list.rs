//! Lists of objectives: the public list with its filters and orders, the home page's closing
//! soon, titles and criteria of many objectives at once.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::{Horizon, Objective, Status, WeightedCriterion, paris_to_utc};
use crate::db::DbConnection;
use crate::db::ids::ObjectiveId;
use crate::db::schema::{objective_criteria, objectives};
use crate::domain::themes;

/// Filters of the public list.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// `open`, `closed`, or a stored status; none means every public status.
    pub status: Option<String>,
    pub theme: Option<String>,
    pub horizon: Option<String>,
    /// Deadline on or before this day (Europe/Paris days are close enough for a filter).
    pub deadline_before: Option<NaiveDate>,
    /// Words to search for in the title, need, political objective, place and themes.
    pub text: Option<String>,
    /// Agents may list drafts.
    pub include_drafts: bool,
    pub order: ListOrder,
}

/// How lists are sorted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Latest deadline first (the pages).
    #[default]
    Deadline,
    /// Latest publication first (the feeds).
    Published,
}

/// A page of objectives, newest deadline first among open ones; returns whether more follow.
pub fn list(
    conn: &mut DbConnection,
    filter: &ListFilter,
    now: NaiveDateTime,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Objective>, bool)> {
    // The page's ids first, in order, from the list indexes (only the filters' columns are read,
    // and a deep page skips index entries, not rows); then those rows only.
    let mut q = objectives::table.select(objectives::id).filter(objectives::practice.eq(false)).into_boxed();
    match filter.status.as_deref() {
        Some("open") => q = q.filter(objectives::status.eq("published")).filter(objectives::deadline_at.gt(now)),
        Some("closed") => q = q.filter(objectives::status.eq("published")).filter(objectives::deadline_at.le(now)),
        Some("draft") if filter.include_drafts => q = q.filter(objectives::status.eq("draft")),
        Some(s) if Status::parse(s).is_some_and(|s| s != Status::Draft) => {
            q = q.filter(objectives::status.eq(s.to_owned()))
        }
        Some(_) => q = q.filter(objectives::status.eq("none")),
        None if filter.include_drafts => {}
        None => q = q.filter(objectives::status.ne("draft")),
    }
    if let Some(theme) = filter.theme.as_deref().filter(|t| themes::is_theme(t)) {
        // Themes are stored as a JSON array of codes; codes are plain words, so the quoted code
        // matches exactly one element.
        q = q.filter(objectives::themes.like(format!("%\"{theme}\"%")));
    }
    if let Some(text) = filter.text.as_deref() {
        for pattern in crate::domain::search::query_patterns(text) {
            // Tokens are plain letters and digits: nothing to escape in the pattern.
            q = q.filter(objectives::search_text.like(pattern));
        }
    }
    if let Some(h) = filter.horizon.as_deref().and_then(Horizon::parse) {
        q = q.filter(objectives::horizon.eq(h.as_str()));
    }
    if let Some(day) = filter.deadline_before
        && let Some(end) = day.succ_opt().and_then(|d| d.and_hms_opt(0, 0, 0)).and_then(paris_to_utc)
    {
        q = q.filter(objectives::deadline_at.lt(end));
    }
    let mut ids: Vec<ObjectiveId> = match filter.order {
        // Deadlines first, latest first; drafts without one last, on both backends alike.
        ListOrder::Deadline => {
            q.order((objectives::deadline_at.is_null().asc(), objectives::deadline_at.desc(), objectives::id.desc()))
        }
        ListOrder::Published => {
            q.order((objectives::published_at.is_null().asc(), objectives::published_at.desc(), objectives::id.desc()))
        }
    }
    .limit(limit + 1)
    .offset(offset)
    .load(conn)?;
    let more = ids.len() as i64 > limit;
    ids.truncate(limit as usize);
    if ids.is_empty() {
        return Ok((Vec::new(), more));
    }
    let mut rows: Vec<Objective> =
        objectives::table.filter(objectives::id.eq_any(&ids)).select(Objective::as_select()).load(conn)?;
    rows.sort_by_key(|o| ids.iter().position(|id| *id == o.id));
    Ok((rows, more))
}

/// Open objectives closing soonest first (for the home page).
pub fn closing_soon(conn: &mut DbConnection, now: NaiveDateTime, limit: i64) -> QueryResult<Vec<Objective>> {
    objectives::table
        .filter(objectives::status.eq("published"))
        .filter(objectives::practice.eq(false))
        .filter(objectives::deadline_at.gt(now))
        .order(objectives::deadline_at.asc())
        .limit(limit)
        .select(Objective::as_select())
        .load(conn)
}

/// The titles of those objectives that are public (not drafts, not the practice objective).
pub fn titles(conn: &mut DbConnection, ids: &[ObjectiveId]) -> QueryResult<Vec<(ObjectiveId, String)>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    objectives::table
        .filter(objectives::id.eq_any(ids))
        .filter(objectives::status.ne("draft"))
        .filter(objectives::practice.eq(false))
        .select((objectives::id, objectives::title))
        .load(conn)
}

/// Weighted criteria of many objectives at once.
pub fn criteria_of(
    conn: &mut DbConnection,
    ids: &[ObjectiveId],
) -> QueryResult<BTreeMap<ObjectiveId, Vec<WeightedCriterion>>> {
    let rows: Vec<(ObjectiveId, WeightedCriterion)> = objective_criteria::table
        .filter(objective_criteria::objective_id.eq_any(ids))
        .order(objective_criteria::position.asc())
        .select((objective_criteria::objective_id, WeightedCriterion::as_select()))
        .load(conn)?;
    let mut map: BTreeMap<ObjectiveId, Vec<WeightedCriterion>> = BTreeMap::new();
    for (id, w) in rows {
        map.entry(id).or_default().push(w);
    }
    Ok(map)
}
