//! Retention (issue 17, step 9; the policy is in docs/OPERATIONS.md, "Retention"): which archived
//! objectives have passed their retention period, and the purge of what may then go.
//!
//! An archived objective is kept until the later of:
//! - its signature plus `RETENTION_PROCEDURE_YEARS` (article R2184-12 of the public procurement
//!   code: applications, proposals and the procedure's documents, at least five years from the
//!   signature), or, without a contract, its not-awarded decision plus that period;
//! - the end of the contract's execution (the day it was marked completed) plus
//!   `RETENTION_CONTRACT_YEARS`, or `RETENTION_WORKS_CONTRACT_YEARS` for works (CPV division 45)
//!   (article R2184-13: at least five years, ten for works).
//!
//! The purge removes, for such an objective: every file of its proposals (attachments and the
//! deposited copies) and of its indicator reports' evidence; the contents of the proposals that did
//! not win (texts, statements, cost and duration, in the draft and in the deposit's snapshot);
//! the committee members' individual evaluations (scores and their history); the messages
//! exchanged about it. It keeps the objective and its public documents, the award and the
//! letters, the consensus scores, the winning proposals, the contract and its modifications (open
//! data), the indicators and their values, the receipts (their numbers, hashes and file list)
//! and the whole audit log, whose chain still verifies: it only gains the purge's own entry.

use std::collections::HashSet;

use chrono::{Months, NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::config::Retention;
use crate::db::ids::ObjectiveId;
use crate::db::schema::{
    award_winners, awards, contracts, deposit_documents, deposits, evaluations, indicator_reports, indicators,
    message_reports, messages, objective_documents, objective_stages, objectives, proposal_attachments,
    proposal_statements, proposals, retention_purges, score_history, scores,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::award::indicators::{Evidence, paris_day};
use crate::domain::objectives::Status;
use crate::domain::proposals::deposits::Snapshot;

/// An archived objective and the day its retention period ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    pub objective: ObjectiveId,
    pub reference: String,
    pub title: String,
    /// Kept until this day included; may be purged from the next.
    pub until: NaiveDate,
    /// What the period is counted from, for the listing.
    pub basis: String,
}

/// What a purge removed from one objective.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Purged {
    pub files: usize,
    pub attachments: usize,
    pub deposit_documents: usize,
    pub proposals_emptied: usize,
    pub statements: usize,
    pub evaluations: usize,
    pub scores: usize,
    pub score_history: usize,
    pub messages: usize,
    pub evidence: usize,
}

fn plus_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

/// Every archived objective not purged yet, with the day its retention ends.
pub fn archived(conn: &mut DbConnection, periods: &Retention) -> QueryResult<Vec<Kept>> {
    let rows: Vec<(ObjectiveId, String, String)> = objectives::table
        .filter(objectives::status.eq(Status::Archived.as_str()))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            retention_purges::table.filter(retention_purges::objective_id.eq(objectives::id)),
        )))
        .order(objectives::id.asc())
        .select((objectives::id, objectives::reference, objectives::title))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    for (objective, reference, title) in rows {
        let (until, basis) = kept_until(conn, objective, periods)?;
        out.push(Kept { objective, reference, title, until, basis });
    }
    Ok(out)
}

/// The day an archived objective's retention ends, and why.
fn kept_until(conn: &mut DbConnection, objective: ObjectiveId, p: &Retention) -> QueryResult<(NaiveDate, String)> {
    let stage = |conn: &mut DbConnection, status: Status| -> QueryResult<Option<NaiveDateTime>> {
        objective_stages::table
            .filter(objective_stages::objective_id.eq(objective))
            .filter(objective_stages::status.eq(status.as_str()))
            .select(objective_stages::reached_at)
            .first(conn)
            .optional()
    };
    let archived_on = stage(conn, Status::Archived)?.map(paris_day);
    let contract: Option<(NaiveDate, String, i32)> = contracts::table
        .find(objective)
        .select((contracts::signed_on, contracts::cpv, contracts::duration_months))
        .first(conn)
        .optional()?;
    let (until, basis) = match contract {
        Some((signed_on, cpv, duration)) => {
            let procedure = plus_years(signed_on, p.procedure_years);
            let ended = match stage(conn, Status::Completed)? {
                Some(t) => paris_day(t),
                None => signed_on.checked_add_months(Months::new(duration.max(0) as u32)).unwrap_or(NaiveDate::MAX),
            };
            let works = cpv.starts_with("45");
            let years = if works { p.works_contract_years } else { p.contract_years };
            let execution = plus_years(ended, years);
            let basis = format!(
                "signed {signed_on} + {} years (R2184-12); execution ended {ended} + {years} years{} (R2184-13)",
                p.procedure_years,
                if works { ", works" } else { "" }
            );
            (procedure.max(execution), basis)
        }
        None => {
            let decided: Option<NaiveDateTime> =
                awards::table.find(objective).select(awards::decided_at).first(conn).optional()?;
            let from = decided.map(paris_day).or(archived_on).unwrap_or(NaiveDate::MAX);
            (
                plus_years(from, p.procedure_years),
                format!("not awarded {from} + {} years (R2184-12)", p.procedure_years),
            )
        }
    };
    // Never before the archive itself.
    Ok((archived_on.map_or(until, |a| until.max(a)), basis))
}

/// The archived objectives whose retention period has ended at `now` (not purged yet).
pub fn expired(conn: &mut DbConnection, periods: &Retention, now: NaiveDateTime) -> QueryResult<Vec<Kept>> {
    let today = paris_day(now);
    Ok(archived(conn, periods)?.into_iter().filter(|k| k.until < today).collect())
}

/// What a purge did: each objective purged with what was removed, and the storage keys of the
/// files no row refers to any more (to remove from the upload store).
pub type Outcome = (Vec<(Kept, Purged)>, Vec<String>);

/// Purges every objective past its retention period (see [`Outcome`]). Each objective is one
/// transaction with its audit entry.
pub fn purge(conn: &mut DbConnection, periods: &Retention, now: NaiveDateTime) -> QueryResult<Outcome> {
    let mut done = Vec::new();
    let mut keys = Vec::new();
    for kept in expired(conn, periods, now)? {
        let (purged, freed) = write_tx(conn, |conn| {
            crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
            purge_one(conn, &kept, periods, now)
        })?;
        if let Some(purged) = purged {
            keys.extend(freed);
            done.push((kept, purged));
        }
    }
    keys.sort();
    keys.dedup();
    Ok((done, keys))
}

/// One objective, inside its transaction: checked again (archived, not purged, past its period).
fn purge_one(
    conn: &mut DbConnection,
    kept: &Kept,
    periods: &Retention,
    now: NaiveDateTime,
) -> QueryResult<(Option<Purged>, Vec<String>)> {
    let o = kept.objective;
    let status: String = objectives::table.find(o).select(objectives::status).first(conn)?;
    let purged_before: i64 =
        retention_purges::table.filter(retention_purges::objective_id.eq(o)).count().get_result(conn)?;
    if status != Status::Archived.as_str() || purged_before > 0 || kept_until(conn, o, periods)?.0 >= paris_day(now) {
        return Ok((None, Vec::new()));
    }
    let mut r = Purged::default();
    let all: Vec<i64> = proposals::table.filter(proposals::objective_id.eq(o)).select(proposals::id).load(conn)?;
    let winners: HashSet<i64> = award_winners::table
        .filter(award_winners::objective_id.eq(o))
        .select(award_winners::proposal_id)
        .load::<i64>(conn)?
        .into_iter()
        .collect();
    let losers: Vec<i64> = all.iter().copied().filter(|p| !winners.contains(p)).collect();
    let mut keys: Vec<String> = Vec::new();

    // Files: every proposal's attachments and deposited copies.
    keys.extend(
        proposal_attachments::table
            .filter(proposal_attachments::proposal_id.eq_any(&all))
            .select(proposal_attachments::storage_key)
            .load::<String>(conn)?,
    );
    r.attachments = diesel::delete(proposal_attachments::table.filter(proposal_attachments::proposal_id.eq_any(&all)))
        .execute(conn)?;
    let deposit_ids: Vec<i64> = deposits::table.filter(deposits::objective_id.eq(o)).select(deposits::id).load(conn)?;
    keys.extend(
        deposit_documents::table
            .filter(deposit_documents::deposit_id.eq_any(&deposit_ids))
            .select(deposit_documents::storage_key)
            .load::<String>(conn)?,
    );
    r.deposit_documents =
        diesel::delete(deposit_documents::table.filter(deposit_documents::deposit_id.eq_any(&deposit_ids)))
            .execute(conn)?;

    // The losing proposals' contents, in the draft and in each deposit's snapshot (its receipt,
    // number, hash and file list stay).
    r.statements = diesel::delete(proposal_statements::table.filter(proposal_statements::proposal_id.eq_any(&losers)))
        .execute(conn)?;
    r.proposals_emptied = diesel::update(proposals::table.filter(proposals::id.eq_any(&losers)))
        .set((
            proposals::summary.eq(""),
            proposals::solution.eq(""),
            proposals::change_support.eq(""),
            proposals::cost_euros.eq(None::<i64>),
            proposals::duration_months.eq(None::<i32>),
        ))
        .execute(conn)?;
    let snapshots: Vec<(i64, String)> = deposits::table
        .filter(deposits::proposal_id.eq_any(&losers))
        .select((deposits::id, deposits::snapshot))
        .load(conn)?;
    for (id, text) in snapshots {
        let Ok(mut s) = serde_json::from_str::<Snapshot>(&text) else { continue };
        s.summary.clear();
        s.solution.clear();
        s.change_support.clear();
        s.statements.clear();
        s.cost_euros = None;
        s.duration_months = None;
        let text = serde_json::to_string(&s).map_err(|e| diesel::result::Error::SerializationError(e.into()))?;
        diesel::update(deposits::table.find(id)).set(deposits::snapshot.eq(text)).execute(conn)?;
    }

    // The committee members' own evaluations (the consensus stays).
    let evaluation_ids: Vec<i64> =
        evaluations::table.filter(evaluations::objective_id.eq(o)).select(evaluations::id).load(conn)?;
    r.score_history = diesel::delete(score_history::table.filter(score_history::evaluation_id.eq_any(&evaluation_ids)))
        .execute(conn)?;
    r.scores = diesel::delete(scores::table.filter(scores::evaluation_id.eq_any(&evaluation_ids))).execute(conn)?;
    r.evaluations = diesel::delete(evaluations::table.filter(evaluations::id.eq_any(&evaluation_ids))).execute(conn)?;

    // The messages about it, with their reports.
    let message_ids: Vec<i64> =
        messages::table.filter(messages::objective_id.eq(Some(o.0))).select(messages::id).load(conn)?;
    diesel::delete(message_reports::table.filter(message_reports::message_id.eq_any(&message_ids))).execute(conn)?;
    r.messages = diesel::delete(messages::table.filter(messages::id.eq_any(&message_ids))).execute(conn)?;

    // The indicator reports' evidence files (the values stay: they are public).
    let evidence: Vec<(i64, Option<String>)> = indicator_reports::table
        .inner_join(indicators::table)
        .filter(indicators::objective_id.eq(o))
        .filter(indicator_reports::evidence.is_not_null())
        .select((indicator_reports::id, indicator_reports::evidence))
        .load(conn)?;
    for (id, e) in evidence {
        if let Some(e) = e.as_deref().and_then(|e| serde_json::from_str::<Evidence>(e).ok()) {
            keys.push(e.key);
        }
        diesel::update(indicator_reports::table.find(id))
            .set(indicator_reports::evidence.eq(None::<String>))
            .execute(conn)?;
        r.evidence += 1;
    }

    // Only the files no other row still refers to (a file may be shared by a draft and its deposit).
    keys.sort();
    keys.dedup();
    let mut freed = Vec::new();
    for key in keys {
        let used: i64 = proposal_attachments::table
            .filter(proposal_attachments::storage_key.eq(&key))
            .count()
            .get_result::<i64>(conn)?
            + deposit_documents::table
                .filter(deposit_documents::storage_key.eq(&key))
                .count()
                .get_result::<i64>(conn)?
            + objective_documents::table
                .filter(objective_documents::storage_key.eq(&key))
                .count()
                .get_result::<i64>(conn)?
            + indicator_reports::table
                .filter(indicator_reports::evidence.like(format!("%{key}%")))
                .count()
                .get_result::<i64>(conn)?;
        if used == 0 {
            freed.push(key);
        }
    }
    r.files = freed.len();
    let summary = serde_json::to_value(&r).unwrap_or_default();
    diesel::insert_into(retention_purges::table)
        .values((
            retention_purges::objective_id.eq(o),
            retention_purges::purged_at.eq(now),
            retention_purges::summary.eq(summary.to_string()),
        ))
        .execute(conn)?;
    let details = serde_json::json!({ "kept_until": kept.until.to_string(), "basis": kept.basis, "removed": summary });
    audit::record(
        conn,
        &AuditActor::System("retention purge".into()),
        Event::RetentionPurged,
        Subject::Objective(o),
        details,
        now,
    )?;
    Ok((Some(r), freed))
}

#[cfg(test)]
mod tests {
    use super::plus_years;
    use chrono::NaiveDate;

    #[test]
    fn years_are_added_on_the_calendar() {
        let d = NaiveDate::from_ymd_opt(2028, 2, 29).unwrap();
        assert_eq!(plus_years(d, 5), NaiveDate::from_ymd_opt(2033, 2, 28).unwrap());
    }
}
