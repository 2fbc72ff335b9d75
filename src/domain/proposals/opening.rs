//! Which deposit of a proposal is opened after the deadline, and the opening itself.
//!
//! The rule, in [`outcome`], is pure: among the rows that ended before the deadline, the last
//! one counts. A withdrawal means nothing is opened; a deposit older than the objective's last
//! essential amendment must have been reconfirmed; only late rows means late.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::deposits::{Deposit, Kind};
use super::{ProposalError, record};
use crate::db::ids::{DepositId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{amendments, deposits, objectives, opened_organisations, organisations, proposals, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::Event;
use crate::domain::objectives::{Objective, Status};
use crate::i18n::Lang;
use crate::mail::{outbox, templates};

/// Why a proposal is not opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotOpened {
    /// Drafted but never deposited.
    NoDeposit,
    /// Withdrawn by the supplier before the deadline.
    Withdrawn,
    /// Every deposit ended after the deadline.
    Late,
    /// Deposited before an essential amendment and not reconfirmed.
    NotReconfirmed,
}

impl NotOpened {
    pub fn key(self) -> &'static str {
        match self {
            NotOpened::NoDeposit => "outcome-no-deposit",
            NotOpened::Withdrawn => "outcome-withdrawn",
            NotOpened::Late => "outcome-late",
            NotOpened::NotReconfirmed => "outcome-not-reconfirmed",
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            NotOpened::NoDeposit => "no_deposit",
            NotOpened::Withdrawn => "withdrawn",
            NotOpened::Late => "late",
            NotOpened::NotReconfirmed => "not_reconfirmed",
        }
    }
}

/// The deposit that counts, or why none does. Before the deadline this is also what the
/// supplier's dashboard shows ("deposited", "to reconfirm", "withdrawn").
pub fn outcome(rows: &[Deposit], last_essential_amendment: Option<NaiveDateTime>) -> Result<DepositId, NotOpened> {
    let last = rows.iter().filter(|d| !d.late).max_by_key(|d| (d.deposited_at, d.id));
    match last {
        None if rows.iter().any(|d| d.late) => Err(NotOpened::Late),
        None => Err(NotOpened::NoDeposit),
        Some(d) if d.kind() == Kind::Withdrawal => Err(NotOpened::Withdrawn),
        // Deposits are timed to the microsecond; a tie with the amendment counts as before it.
        Some(d) if last_essential_amendment.is_some_and(|a| d.deposited_at <= super::micros(a)) => {
            Err(NotOpened::NotReconfirmed)
        }
        Some(d) => Ok(d.id),
    }
}

/// The time of each objective's last essential amendment.
pub fn last_essential_amendments(
    conn: &mut DbConnection,
    ids: &[ObjectiveId],
) -> QueryResult<HashMap<ObjectiveId, NaiveDateTime>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(ObjectiveId, NaiveDateTime)> = amendments::table
        .filter(amendments::objective_id.eq_any(ids))
        .filter(amendments::essential.eq(true))
        .select((amendments::objective_id, amendments::occurred_at))
        .load(conn)?;
    let mut out: HashMap<ObjectiveId, NaiveDateTime> = HashMap::new();
    for (o, at) in rows {
        let e = out.entry(o).or_insert(at);
        if at > *e {
            *e = at;
        }
    }
    Ok(out)
}

/// How many organisations have a deposit standing (not withdrawn, within the deadline): what
/// agents see before the deadline, a number and nothing more.
pub fn deposit_count(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<i64> {
    let rows: Vec<Deposit> = deposits::table
        .filter(deposits::objective_id.eq(objective))
        .order((deposits::deposited_at.asc(), deposits::id.asc()))
        .select(Deposit::as_select())
        .load(conn)?;
    let mut by_proposal: HashMap<ProposalId, Vec<Deposit>> = HashMap::new();
    for d in rows {
        by_proposal.entry(d.proposal_id).or_default().push(d);
    }
    Ok(by_proposal.values().filter(|d| outcome(d, None).is_ok()).count() as i64)
}

/// One proposal of a closed objective, as agents see it after the deadline.
#[derive(Debug, Clone)]
pub struct Opened {
    pub proposal: ProposalId,
    pub organisation: OrganisationId,
    pub organisation_name: String,
    pub outcome: Result<DepositId, NotOpened>,
    /// The counted deposit, once opened.
    pub deposit: Option<Deposit>,
}

/// Every proposal of an objective with its outcome (drafts never deposited are left out).
pub fn proposals_of(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Vec<Opened>> {
    let rows: Vec<(ProposalId, OrganisationId, String)> = proposals::table
        .inner_join(organisations::table)
        .filter(proposals::objective_id.eq(objective))
        .order(proposals::id.asc())
        .select((proposals::id, proposals::organisation_id, organisations::legal_name))
        .load(conn)?;
    let ids: Vec<ProposalId> = rows.iter().map(|r| r.0).collect();
    let mut all = super::deposits::of_proposals(conn, &ids)?;
    let essential = last_essential_amendments(conn, &[objective])?.get(&objective).copied();
    Ok(rows
        .into_iter()
        .filter_map(|(proposal, organisation, organisation_name)| {
            let deposits = all.remove(&proposal).unwrap_or_default();
            if deposits.is_empty() {
                return None;
            }
            let outcome = outcome(&deposits, essential);
            let deposit =
                outcome.ok().and_then(|id| deposits.into_iter().find(|d| d.id == id && d.opened_at.is_some()));
            Some(Opened { proposal, organisation, organisation_name, outcome, deposit })
        })
        .collect())
}

/// Whether an objective's proposals may be opened at `now`: past the deadline, not the practice
/// one, not cancelled.
pub fn openable(o: &Objective, now: NaiveDateTime) -> bool {
    // Not before the deposit grace has passed: a deposit that arrived on time and still waits for
    // the lock would otherwise find the objective opened (see `deposits::DEPOSIT_GRACE`).
    !o.practice
        && o.deadline_at.is_none_or(|d| now >= d + super::deposits::DEPOSIT_GRACE)
        && matches!(
            o.status_at(now),
            Status::Closed
                | Status::UnderEvaluation
                | Status::ResultsPublished
                | Status::Awarded
                | Status::NotAwarded
                | Status::InExecution
                | Status::Completed
                | Status::Archived
        )
}

/// Opens the counted deposit of every proposal of a closed objective, one audit entry per
/// opening. Opening twice changes nothing. Returns the deposits opened now (their files are
/// then checked against their receipts: `domain::integrity`).
pub fn open(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    by: UserId,
    now: NaiveDateTime,
) -> Result<Vec<DepositId>, ProposalError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        // A deposit in flight finishes first (and is judged late or not) before anything opens.
        crate::db::serialize(conn, crate::db::locks::objective_lock_key(objective))?;
        let o: Objective = objectives::table
            .find(objective)
            .select(Objective::as_select())
            .first(conn)
            .optional()?
            .ok_or(ProposalError::NotFound)?;
        if o.practice || o.status == Status::Draft.as_str() {
            return Err(ProposalError::NotFound);
        }
        if o.status == Status::Cancelled.as_str() {
            return Err(ProposalError::Closed);
        }
        if !openable(&o, now) {
            return Err(ProposalError::NotOpenable);
        }
        // The opening starts the evaluation.
        if o.status_at(now) == Status::Closed {
            diesel::update(objectives::table.find(objective))
                .set((objectives::status.eq(Status::UnderEvaluation.as_str()), objectives::updated_at.eq(now)))
                .execute(conn)?;
        }
        let mut opened = Vec::new();
        for p in proposals_of(conn, objective)? {
            let Ok(deposit) = p.outcome else { continue };
            let n = diesel::update(deposits::table.find(deposit).filter(deposits::opened_at.is_null()))
                .set((deposits::opened_at.eq(Some(now)), deposits::opened_by.eq(Some(by))))
                .execute(conn)?;
            if n > 0 {
                record_organisations(conn, deposit)?;
                opened.push(deposit);
                record(
                    conn,
                    by,
                    Event::ProposalOpened,
                    p.proposal,
                    serde_json::json!({ "deposit": deposit.0, "objective": objective.0 }),
                    now,
                )?;
            }
        }
        Ok(opened)
    })
}

/// The role of an organisation in an opened proposal, as `opened_organisations` stores it.
pub const LEAD: &str = "lead";
pub const MEMBER: &str = "member";

/// The consortium members' identifiers in a deposited snapshot, and nothing else of it. The
/// consortium is the deposited one, not whatever the consortium table says now.
#[derive(serde::Deserialize)]
struct DepositedConsortium {
    consortium: Option<DepositedMembers>,
}

#[derive(serde::Deserialize)]
struct DepositedMembers {
    members: Vec<DepositedMember>,
}

#[derive(serde::Deserialize)]
struct DepositedMember {
    identifier_type: String,
    identifier: String,
}

/// Who an opened deposit belongs to, recorded once at its opening (in the opening's transaction)
/// in `opened_organisations`: the lead organisation (position 0), then every consortium member
/// the deposit names that is a known organisation (matched by identifier type and identifier), in
/// the deposit's order. The one reading of who deposited: the committee's board, a member's seat
/// and the public profiles read these rows, never the snapshots. Nothing is written before the
/// opening, so nothing about a proposal's authors is readable before it. (The migration that
/// created the table applied the same rule, in SQL, to the deposits opened before.)
pub fn record_organisations(conn: &mut DbConnection, deposit: DepositId) -> QueryResult<()> {
    let (objective, proposal, lead, snapshot): (ObjectiveId, ProposalId, OrganisationId, String) = deposits::table
        .find(deposit)
        .select((deposits::objective_id, deposits::proposal_id, deposits::organisation_id, deposits::snapshot))
        .first(conn)?;
    let named: Vec<(String, String)> = serde_json::from_str::<DepositedConsortium>(&snapshot)
        .ok()
        .and_then(|s| s.consortium)
        .map(|c| c.members.into_iter().map(|m| (m.identifier_type, m.identifier)).collect())
        .unwrap_or_default();
    let mut parties = vec![(lead, LEAD)];
    if !named.is_empty() {
        let identifiers: Vec<&String> = named.iter().map(|(_, id)| id).collect();
        let known: Vec<(OrganisationId, String, String)> = organisations::table
            .filter(organisations::identifier.eq_any(&identifiers))
            .select((organisations::id, organisations::identifier_type, organisations::identifier))
            .load(conn)?;
        for (kind, value) in &named {
            if let Some((id, _, _)) = known.iter().find(|(_, k, v)| k == kind && v == value)
                && !parties.iter().any(|(o, _)| o == id)
            {
                parties.push((*id, MEMBER));
            }
        }
    }
    for (position, (organisation, role)) in parties.into_iter().enumerate() {
        diesel::insert_into(opened_organisations::table)
            .values((
                opened_organisations::deposit_id.eq(deposit),
                opened_organisations::objective_id.eq(objective),
                opened_organisations::proposal_id.eq(proposal),
                opened_organisations::organisation_id.eq(organisation),
                opened_organisations::role.eq(role),
                opened_organisations::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// An essential amendment: every organisation with a deposit standing on the objective must
/// reconfirm. Their users are told (only the depositing organisation's users: nobody else learns
/// who deposited).
pub fn notify_reconfirmation(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    link: &dyn Fn(ProposalId) -> String,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let title: String = objectives::table.find(objective).select(objectives::title).first(conn)?;
    let rows: Vec<(ProposalId, OrganisationId)> = proposals::table
        .filter(proposals::objective_id.eq(objective))
        .select((proposals::id, proposals::organisation_id))
        .load(conn)?;
    let ids: Vec<ProposalId> = rows.iter().map(|r| r.0).collect();
    let mut all = super::deposits::of_proposals(conn, &ids)?;
    let mut sent = 0;
    for (proposal, org) in rows {
        let deposits = all.remove(&proposal).unwrap_or_default();
        // Standing before this amendment (which is recorded at `now`).
        if outcome(&deposits, None).is_err() {
            continue;
        }
        let recipients: Vec<(String, String)> = users::table
            .filter(users::organisation_id.eq(org))
            .filter(users::disabled_at.is_null())
            .filter(users::email_verified_at.is_not_null())
            .select((users::email, users::locale))
            .load(conn)?;
        let url = link(proposal);
        for (email, locale) in recipients {
            let lang = Lang::from_code(&locale).unwrap_or_default();
            outbox::enqueue(conn, &templates::reconfirmation_needed(lang, &email, &title, &url), now)?;
            sent += 1;
        }
    }
    Ok(sent)
}
