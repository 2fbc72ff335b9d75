//! What `sitemap.xml` lists beyond the fixed pages: the public objectives, the published
//! practices and the listed directory profiles, each with its last change. Read-only and
//! bounded: each kind is capped at [`CAP_PER_KIND`] entries, the most recently changed first, so
//! the whole file stays under the protocol's 50,000 addresses and answers in a few queries
//! whatever the scale.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::db::schema::{objectives, organisation_profiles, practices};

/// The most entries of one kind (objectives, practices, profiles): three kinds and the fixed
/// pages stay under the 50,000 addresses one sitemap file may hold.
pub const CAP_PER_KIND: i64 = 15_000;

/// One page of the sitemap: its path (from the site's root) and when it last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: String,
    pub changed: NaiveDateTime,
}

/// The public pages with data behind them, objectives first, each kind newest first.
pub fn entries(conn: &mut DbConnection, cap: i64) -> QueryResult<Vec<Entry>> {
    let objectives: Vec<(i64, NaiveDateTime)> = objectives::table
        .filter(objectives::status.ne("draft"))
        .filter(objectives::practice.eq(false))
        .order((objectives::updated_at.desc(), objectives::id.desc()))
        .select((objectives::id, objectives::updated_at))
        .limit(cap)
        .load(conn)?;
    let practices: Vec<(i64, NaiveDateTime, Option<NaiveDateTime>)> = practices::table
        .filter(practices::status.eq("published"))
        .order((practices::published_at.desc(), practices::id.desc()))
        .select((practices::id, practices::submitted_at, practices::published_at))
        .limit(cap)
        .load(conn)?;
    let profiles: Vec<(i64, NaiveDateTime)> = organisation_profiles::table
        .filter(organisation_profiles::listed.eq(true))
        .order((organisation_profiles::updated_at.desc(), organisation_profiles::organisation_id.desc()))
        .select((organisation_profiles::organisation_id, organisation_profiles::updated_at))
        .limit(cap)
        .load(conn)?;
    let mut all = Vec::with_capacity(objectives.len() + practices.len() + profiles.len());
    all.extend(objectives.into_iter().map(|(id, changed)| Entry { path: format!("/objectives/{id}"), changed }));
    all.extend(practices.into_iter().map(|(id, submitted, published)| Entry {
        path: format!("/practices/{id}"),
        changed: published.unwrap_or(submitted),
    }));
    all.extend(profiles.into_iter().map(|(id, changed)| Entry { path: format!("/directory/{id}"), changed }));
    Ok(all)
}
