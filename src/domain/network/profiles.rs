//! Organisations' public profiles and the directory: an organisation chooses to appear (and may
//! withdraw at any time); only what it wrote on its profile, its registration's public facts
//! (name, sectors, size, social economy) and its shortlisted results are shown — never a user's
//! name or address. Search uses the same French-aware matching as objectives.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::credentials::{self, Credential, Held};
use super::{Acting, COMMITMENTS, DEPARTMENTS};
use crate::db::ids::{ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{
    consortium_members, deposits, directory_sector_names, directory_sectors, directory_terms, invitations, objectives,
    opened_organisations, organisation_credentials, organisation_profiles, organisations, proposals, users,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, Event, Subject};
use crate::domain::forms::{FormPairs, first};
use crate::domain::organisations::{Organisation, OrganisationSize, parse_sectors};

pub const PRESENTATION_MAX_CHARS: usize = 5000;
pub const COMMITMENT_MAX_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = organisation_profiles)]
pub struct Profile {
    pub organisation_id: OrganisationId,
    pub listed: bool,
    pub presentation: String,
    pub departments: String,
    pub commitments: String,
    pub search_text: String,
    pub sectors_key: String,
    pub sort_name: String,
    pub listed_at: Option<NaiveDateTime>,
    pub updated_by: UserId,
    pub updated_at: NaiveDateTime,
}

impl Profile {
    pub fn department_list(&self) -> Vec<String> {
        serde_json::from_str(&self.departments).unwrap_or_default()
    }
    /// Commitments in the catalogue's order.
    pub fn commitment_list(&self) -> Vec<(String, String)> {
        let map: BTreeMap<String, String> = serde_json::from_str(&self.commitments).unwrap_or_default();
        COMMITMENTS.iter().filter_map(|(code, _, _)| map.get(*code).map(|t| ((*code).to_owned(), t.clone()))).collect()
    }
}

pub fn find(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Option<Profile>> {
    organisation_profiles::table.find(org).select(Profile::as_select()).first(conn).optional()
}

/// A valid profile edit: the profile's own fields and the registration facts it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileEdit {
    pub presentation: String,
    pub departments: Vec<String>,
    pub commitments: Vec<(String, String)>,
    pub sectors: Vec<String>,
    pub size: OrganisationSize,
    pub social_economy: bool,
}

/// Parses the profile form: `presentation`, `departments` (repeated), `commit_<theme>`, `sectors`,
/// `size`, `social_economy`. Problems as (field, message key).
pub fn parse(pairs: &FormPairs) -> Result<ProfileEdit, Vec<(String, &'static str)>> {
    let mut problems: Vec<(String, &'static str)> = Vec::new();
    let presentation = first(pairs, "presentation");
    if presentation.chars().count() > PRESENTATION_MAX_CHARS {
        problems.push(("presentation".into(), "profile-error-presentation"));
    }
    let mut departments: Vec<String> =
        pairs.iter().filter(|(k, _)| k == "departments").map(|(_, v)| v.trim().to_owned()).collect();
    departments.sort();
    departments.dedup();
    if departments.iter().any(|d| super::department_name(d).is_none()) {
        problems.push(("departments".into(), "profile-error-department"));
    }
    let mut commitments = Vec::new();
    for (code, _, _) in COMMITMENTS {
        let field = format!("commit_{code}");
        let text = first(pairs, &field);
        if text.chars().count() > COMMITMENT_MAX_CHARS {
            problems.push((field, "profile-error-commitment"));
        } else if !text.is_empty() {
            commitments.push(((*code).to_owned(), text));
        }
    }
    let sectors = parse_sectors(&first(pairs, "sectors")).unwrap_or_else(|| {
        problems.push(("sectors".into(), "error-sectors"));
        Vec::new()
    });
    let size = OrganisationSize::parse(&first(pairs, "size")).unwrap_or_else(|| {
        problems.push(("size".into(), "error-size"));
        OrganisationSize::Micro
    });
    let social_economy = first(pairs, "social_economy") == "true";
    if problems.is_empty() {
        Ok(ProfileEdit { presentation, departments, commitments, sectors, size, social_economy })
    } else {
        Err(problems)
    }
}

/// The search text of an organisation's profile: its name, sectors, presentation, commitments
/// and credentials (both languages' names). The one place it is computed.
fn index_of(org: &Organisation, presentation: &str, commitments: &str, held: &[(Held, Credential)]) -> String {
    let sectors = org.sector_list().join(" ");
    let commitments: BTreeMap<String, String> = serde_json::from_str(commitments).unwrap_or_default();
    let commitments = commitments.values().cloned().collect::<Vec<_>>().join(" ");
    let names: Vec<String> = held.iter().map(|(_, c)| format!("{} {}", c.name_fr, c.name_en)).collect();
    let plain = crate::domain::markdown::plain(presentation, PRESENTATION_MAX_CHARS);
    crate::domain::search::index_text(&[&org.legal_name, &sectors, &plain, &commitments, &names.join(" ")])
}

/// Replaces an organisation's rows in the directory's word index by the words of `text`.
fn write_terms(conn: &mut DbConnection, org: OrganisationId, text: &str) -> QueryResult<()> {
    diesel::delete(directory_terms::table.filter(directory_terms::organisation_id.eq(org))).execute(conn)?;
    for word in crate::domain::search::index_words(text) {
        diesel::insert_into(directory_terms::table)
            .values((directory_terms::term.eq(word), directory_terms::organisation_id.eq(org)))
            .execute(conn)?;
    }
    Ok(())
}

/// Recomputes the search text after a change to the organisation, its profile or its
/// credentials. Does nothing when the organisation has no profile yet.
pub fn reindex(conn: &mut DbConnection, org_id: OrganisationId) -> QueryResult<()> {
    let Some(profile) = find(conn, org_id)? else { return Ok(()) };
    let org: Organisation = organisations::table.find(org_id).select(Organisation::as_select()).first(conn)?;
    let held = credentials::held_by(conn, &[org_id])?;
    let text = index_of(&org, &profile.presentation, &profile.commitments, &held);
    let sectors: Vec<String> = org.sector_list().iter().map(|s| crate::domain::search::phrase_key(s)).collect();
    write_terms(conn, org_id, &text)?;
    diesel::update(organisation_profiles::table.find(org_id))
        .set((
            organisation_profiles::search_text.eq(text),
            organisation_profiles::sectors_key.eq(format!("|{}|", sectors.join("|"))),
            organisation_profiles::sort_name.eq(crate::domain::search::sort_key(&org.legal_name)),
        ))
        .execute(conn)?;
    sync_sectors(conn, org_id, profile.listed, &org.sector_list())
}

/// Writes the organisation's rows of the directory's sector filter from its current state: one
/// per sector while its profile is listed, none otherwise. Called on every change to either, so
/// the filter reads only what it shows (see [`listed_sectors`]).
fn sync_sectors(conn: &mut DbConnection, org: OrganisationId, listed: bool, sectors: &[String]) -> QueryResult<()> {
    diesel::delete(directory_sectors::table.filter(directory_sectors::organisation_id.eq(org))).execute(conn)?;
    if listed { insert_sectors(conn, &[(org, sectors.to_vec())]) } else { Ok(()) }
}

/// Inserts the sector rows of organisations that have none yet, and the sectors' names (with
/// their sort key, folded once here) that are new.
fn insert_sectors(conn: &mut DbConnection, rows: &[(OrganisationId, Vec<String>)]) -> QueryResult<()> {
    let mut pairs: Vec<(OrganisationId, &str)> = Vec::new();
    for (org, sectors) in rows {
        let mut own: Vec<&str> = sectors.iter().map(String::as_str).collect();
        own.sort_unstable();
        own.dedup();
        pairs.extend(own.into_iter().map(|s| (*org, s)));
    }
    let mut names: Vec<&str> = pairs.iter().map(|(_, s)| *s).collect();
    names.sort_unstable();
    names.dedup();
    for part in names.chunks(500) {
        let known: Vec<String> = directory_sector_names::table
            .filter(directory_sector_names::sector.eq_any(part.to_vec()))
            .select(directory_sector_names::sector)
            .load(conn)?;
        let new: Vec<_> = part
            .iter()
            .filter(|s| !known.iter().any(|k| k.as_str() == **s))
            .map(|s| {
                (
                    directory_sector_names::sector.eq(*s),
                    directory_sector_names::sort_key.eq(crate::domain::search::phrase_key(s)),
                )
            })
            .collect();
        if !new.is_empty() {
            // Multi-row inserts on the concrete connection: the multi-backend one has none.
            let insert = diesel::insert_into(directory_sector_names::table).values(new);
            match &mut *conn {
                DbConnection::Sqlite(c) => insert.execute(c)?,
                DbConnection::Pg(c) => insert.execute(c)?,
            };
        }
    }
    for part in pairs.chunks(500) {
        let values: Vec<_> = part
            .iter()
            .map(|(org, s)| (directory_sectors::organisation_id.eq(*org), directory_sectors::sector.eq(*s)))
            .collect();
        let insert = diesel::insert_into(directory_sectors::table).values(values);
        match &mut *conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Fills the directory's sector rows of every listed profile when there are none yet: at the
/// first start after the migration that added them, and after the seed's bulk inserts. Owns its
/// transaction (a savepoint inside the seed's); of two servers starting at once, one fills.
/// Returns how many organisations it filled.
pub fn backfill_sectors(conn: &mut DbConnection) -> QueryResult<usize> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        let filled: Option<String> =
            directory_sector_names::table.select(directory_sector_names::sector).first(conn).optional()?;
        if filled.is_some() {
            return Ok(0);
        }
        let listed: Vec<(OrganisationId, String)> = organisation_profiles::table
            .inner_join(organisations::table)
            .filter(organisation_profiles::listed.eq(true))
            .select((organisations::id, organisations::sectors))
            .load(conn)?;
        let rows: Vec<(OrganisationId, Vec<String>)> = listed
            .into_iter()
            .map(|(id, sectors)| (id, serde_json::from_str::<Vec<String>>(&sectors).unwrap_or_default()))
            .collect();
        insert_sectors(conn, &rows)?;
        Ok(rows.len())
    })
}

/// Saves an edit: the profile row (created on first save, unlisted) and the registration facts.
pub fn save(
    conn: &mut DbConnection,
    org: OrganisationId,
    edit: &ProfileEdit,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(organisations::table.find(org))
        .set((
            organisations::sectors.eq(serde_json::to_string(&edit.sectors).unwrap_or_else(|_| "[]".into())),
            organisations::size.eq(edit.size.as_str()),
            organisations::social_economy.eq(edit.social_economy),
            organisations::updated_at.eq(now),
        ))
        .execute(conn)?;
    let departments = serde_json::to_string(&edit.departments).unwrap_or_else(|_| "[]".into());
    let commitments: BTreeMap<&str, &str> = edit.commitments.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let commitments = serde_json::to_string(&commitments).unwrap_or_else(|_| "{}".into());
    if find(conn, org)?.is_some() {
        diesel::update(organisation_profiles::table.find(org))
            .set((
                organisation_profiles::presentation.eq(&edit.presentation),
                organisation_profiles::departments.eq(&departments),
                organisation_profiles::commitments.eq(&commitments),
                organisation_profiles::updated_by.eq(by),
                organisation_profiles::updated_at.eq(now),
            ))
            .execute(conn)?;
    } else {
        ensure(conn, org, by, now)?;
        diesel::update(organisation_profiles::table.find(org))
            .set((
                organisation_profiles::presentation.eq(&edit.presentation),
                organisation_profiles::departments.eq(&departments),
                organisation_profiles::commitments.eq(&commitments),
            ))
            .execute(conn)?;
    }
    reindex(conn, org)
}

/// Creates an empty, unlisted profile if the organisation has none.
pub fn ensure(conn: &mut DbConnection, org: OrganisationId, by: UserId, now: NaiveDateTime) -> QueryResult<()> {
    if find(conn, org)?.is_none() {
        diesel::insert_into(organisation_profiles::table)
            .values((
                organisation_profiles::organisation_id.eq(org),
                organisation_profiles::listed.eq(false),
                organisation_profiles::presentation.eq(""),
                organisation_profiles::departments.eq("[]"),
                organisation_profiles::commitments.eq("{}"),
                organisation_profiles::search_text.eq(""),
                organisation_profiles::sectors_key.eq(""),
                organisation_profiles::sort_name.eq(""),
                organisation_profiles::updated_by.eq(by),
                organisation_profiles::updated_at.eq(now),
            ))
            .execute(conn)?;
        reindex(conn, org)?;
    }
    Ok(())
}

/// Lists the organisation in the directory, or withdraws it (its profile is kept, unseen).
pub fn set_listed(
    conn: &mut DbConnection,
    org: OrganisationId,
    listed: bool,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    ensure(conn, org, by, now)?;
    diesel::update(organisation_profiles::table.find(org))
        .set((
            organisation_profiles::listed.eq(listed),
            organisation_profiles::listed_at.eq(listed.then_some(now)),
            organisation_profiles::updated_by.eq(by),
            organisation_profiles::updated_at.eq(now),
        ))
        .execute(conn)?;
    let sectors: String = organisations::table.find(org).select(organisations::sectors).first(conn)?;
    sync_sectors(conn, org, listed, &serde_json::from_str::<Vec<String>>(&sectors).unwrap_or_default())
}

/// Saves an organisation's profile edit, with its audit entry.
pub fn update(
    conn: &mut DbConnection,
    org: OrganisationId,
    edit: &ProfileEdit,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        save(conn, org, edit, by.user, now)?;
        audit::record(conn, by.actor, Event::ProfileUpdated, Subject::Organisation(org), serde_json::json!({}), now)
    })
}

/// Lists the organisation in the directory or withdraws it, with its audit entry.
pub fn change_listing(
    conn: &mut DbConnection,
    org: OrganisationId,
    listed: bool,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_NETWORK)?;
        set_listed(conn, org, listed, by.user, now)?;
        let event = if listed { Event::ProfileListed } else { Event::ProfileWithdrawn };
        audit::record(conn, by.actor, event, Subject::Organisation(org), serde_json::json!({}), now)
    })
}

/// The directory's filters; empty ones do not filter.
#[derive(Debug, Clone, Default)]
pub struct DirectoryFilter {
    pub text: Option<String>,
    pub sector: Option<String>,
    pub department: Option<String>,
    pub credential: Option<i64>,
    pub size: Option<String>,
    pub social_economy: bool,
}

/// A page of the directory (pages and API alike).
pub const PAGE_SIZE: i64 = 20;

impl DirectoryFilter {
    /// The filter a query asks for, from its fields as typed (pages and API alike): blanks do not
    /// filter, the text is cut at 200 characters, `social_economy` filters when `true`.
    pub fn from_values(
        text: &str,
        sector: &str,
        department: &str,
        credential: &str,
        size: &str,
        social_economy: &str,
    ) -> DirectoryFilter {
        let text = text.trim();
        DirectoryFilter {
            text: (!text.is_empty()).then(|| text.chars().take(200).collect()),
            sector: (!sector.trim().is_empty()).then(|| sector.trim().to_owned()),
            department: (!department.is_empty()).then(|| department.to_owned()),
            credential: credential.trim().parse().ok(),
            size: (!size.is_empty()).then(|| size.to_owned()),
            social_economy: social_economy == "true",
        }
    }
}

/// One organisation as the directory lists it.
#[derive(Debug, Clone)]
pub struct Listed {
    pub organisation: Organisation,
    pub profile: Profile,
    /// Valid (unexpired) credentials only.
    pub credentials: Vec<Credential>,
}

/// Up to this many organisations holding a searched word are read from the word index and
/// become the search's candidates; above, the word filters in SQL (docs/NETWORK.md).
const FEW_HOLDERS: i64 = 300;

/// A page of listed organisations matching the filter, by name; and whether more follow.
pub fn directory(
    conn: &mut DbConnection,
    filter: &DirectoryFilter,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Listed>, bool)> {
    let mut q = organisation_profiles::table
        .inner_join(organisations::table)
        .filter(organisation_profiles::listed.eq(true))
        .select(organisation_profiles::organisation_id)
        .into_boxed();
    if let Some(text) = filter.text.as_deref() {
        // Each word of the query starts a word of the profile. A word held by few organisations
        // (read from the word index) gives the candidates, and a word held by none ends the
        // search; a word held by many is matched on the stored text as the list walks in name
        // order, which finds a page of them after a few rows.
        let mut candidates: Option<Vec<OrganisationId>> = None;
        for token in crate::domain::search::query_tokens(text) {
            let (low, high) = crate::domain::search::prefix_range(&token);
            let mut few: Vec<OrganisationId> = directory_terms::table
                .filter(directory_terms::term.ge(low))
                .filter(directory_terms::term.lt(high))
                .select(directory_terms::organisation_id)
                .limit(FEW_HOLDERS + 1)
                .load(conn)?;
            if few.len() as i64 > FEW_HOLDERS {
                q = q.filter(organisation_profiles::search_text.like(crate::domain::search::like_pattern(&token)));
                continue;
            }
            few.sort_unstable();
            few.dedup();
            candidates = Some(match candidates {
                None => few,
                Some(known) => known.into_iter().filter(|o| few.binary_search(o).is_ok()).collect(),
            });
            if candidates.as_ref().is_some_and(Vec::is_empty) {
                return Ok((Vec::new(), false));
            }
        }
        if let Some(ids) = candidates {
            q = q.filter(organisation_profiles::organisation_id.eq_any(ids));
        }
    }
    if let Some(sector) = filter.sector.as_deref().map(crate::domain::search::phrase_key).filter(|s| !s.is_empty()) {
        // `|key|key|`: a key is lower-case letters, digits and spaces, so the pattern matches one
        // whole sector, whatever its case and accents, the same on both backends.
        q = q.filter(organisation_profiles::sectors_key.like(format!("%|{sector}|%")));
    }
    if let Some(dep) = filter.department.as_deref().filter(|d| super::department_name(d).is_some()) {
        q = q.filter(organisation_profiles::departments.like(format!("%\"{dep}\"%")));
    }
    if let Some(size) = filter.size.as_deref().and_then(OrganisationSize::parse) {
        q = q.filter(organisations::size.eq(size.as_str()));
    }
    if filter.social_economy {
        q = q.filter(organisations::social_economy.eq(true));
    }
    if let Some(c) = filter.credential {
        let holders = organisation_credentials::table
            .filter(organisation_credentials::credential_id.eq(crate::db::ids::CredentialId(c)))
            .filter(organisation_credentials::expires_on.is_null().or(organisation_credentials::expires_on.ge(today)))
            .select(organisation_credentials::organisation_id);
        q = q.filter(organisation_profiles::organisation_id.eq_any(holders));
    }
    let mut ids: Vec<OrganisationId> = q
        .order((organisation_profiles::sort_name.asc(), organisation_profiles::organisation_id.asc()))
        .limit(limit + 1)
        .offset(offset)
        .load(conn)?;
    let more = ids.len() as i64 > limit;
    ids.truncate(limit as usize);
    let listed = load_listed(conn, &ids, today)?;
    Ok((listed, more))
}

/// The listed organisations among `ids`, in that order, with their valid credentials.
fn load_listed(conn: &mut DbConnection, ids: &[OrganisationId], today: NaiveDate) -> QueryResult<Vec<Listed>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Profile, Organisation)> = organisation_profiles::table
        .inner_join(organisations::table)
        .filter(organisation_profiles::organisation_id.eq_any(ids))
        .select((Profile::as_select(), Organisation::as_select()))
        .load(conn)?;
    let mut held = credentials::held_by(conn, ids)?;
    let mut by_id: BTreeMap<OrganisationId, (Profile, Organisation)> =
        rows.into_iter().map(|(p, o)| (o.id, (p, o))).collect();
    Ok(ids
        .iter()
        .filter_map(|id| by_id.remove(id))
        .map(|(profile, organisation)| {
            let credentials = held
                .iter_mut()
                .filter(|(h, _)| h.organisation_id == organisation.id && !h.expired(today))
                .map(|(_, c)| c.clone())
                .collect();
            Listed { organisation, profile, credentials }
        })
        .collect())
}

/// The distinct sectors of listed organisations, for the directory's sector filter, in the order
/// of their folded form. Reads the few sector names and, for each, whether one listed organisation
/// holds it (an index probe): nothing is folded or parsed per organisation on a request.
pub fn listed_sectors(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    let held = directory_sectors::table
        .filter(directory_sectors::sector.eq(directory_sector_names::sector))
        .select(directory_sectors::organisation_id);
    let mut sectors: Vec<(String, String)> = directory_sector_names::table
        .filter(diesel::dsl::exists(held))
        .select((directory_sector_names::sort_key, directory_sector_names::sector))
        .load(conn)?;
    // Sorted here rather than by the database: the same order whatever PostgreSQL's collation.
    sectors.sort_unstable();
    Ok(sectors.into_iter().map(|(_, s)| s).collect())
}

/// A shortlisted result the organisation took part in (as lead or confirmed consortium member)
/// on an objective whose results are published.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PublicResult {
    pub objective: ObjectiveId,
    pub objective_title: String,
    pub proposal: ProposalId,
    pub proposal_title: String,
    pub published_at: NaiveDateTime,
}

pub fn public_results(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Vec<PublicResult>> {
    // What was deposited and opened counts, not today's draft: the title is read from the opened
    // deposit's snapshot, as the objective's own results page does, and who it belongs to from
    // `opened_organisations` (the lead and the consortium, recorded at the opening), through its
    // index.
    let rows: Vec<(ProposalId, String, ObjectiveId, String, Option<NaiveDateTime>)> = opened_organisations::table
        .inner_join(deposits::table.on(deposits::id.eq(opened_organisations::deposit_id)))
        .inner_join(objectives::table.on(objectives::id.eq(deposits::objective_id)))
        .filter(opened_organisations::organisation_id.eq(org))
        .filter(objectives::results_published_at.is_not_null())
        .select((
            deposits::proposal_id,
            deposits::snapshot,
            objectives::id,
            objectives::title,
            objectives::results_published_at,
        ))
        .load(conn)?;
    let objective_ids: Vec<ObjectiveId> = rows.iter().map(|r| r.2).collect();
    let shortlists = crate::domain::evaluation::decision::shortlists(conn, &objective_ids)?;
    let mut results: Vec<PublicResult> = rows
        .into_iter()
        .filter(|(p, _, objective, _, _)| shortlists.get(objective).is_some_and(|list| list.contains(p)))
        .filter_map(|(proposal, snapshot, objective, objective_title, at)| {
            let snapshot: crate::domain::proposals::deposits::Snapshot = serde_json::from_str(&snapshot).ok()?;
            Some(PublicResult {
                objective,
                objective_title,
                proposal,
                proposal_title: snapshot.title,
                published_at: at.unwrap_or_default(),
            })
        })
        .collect();
    results.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.proposal.cmp(&a.proposal)));
    results.dedup_by_key(|r| r.proposal);
    Ok(results)
}

/// Everything a public profile page shows.
#[derive(Debug, Clone)]
pub struct PublicProfile {
    pub organisation: Organisation,
    pub profile: Profile,
    /// Every held credential, expired ones included (shown as expired).
    pub credentials: Vec<(Held, Credential)>,
    pub results: Vec<PublicResult>,
    /// Its published good practices.
    pub practices: Vec<super::practices::Practice>,
}

/// An organisation's profile as the public sees it; `None` unless it is listed (or `preview`,
/// for the organisation's own members).
pub fn public(conn: &mut DbConnection, org: OrganisationId, preview: bool) -> QueryResult<Option<PublicProfile>> {
    let Some(organisation) =
        organisations::table.find(org).select(Organisation::as_select()).first::<Organisation>(conn).optional()?
    else {
        return Ok(None);
    };
    let profile = match find(conn, org)? {
        Some(p) if p.listed || preview => p,
        Some(_) => return Ok(None),
        // Not written yet: the members preview an empty profile.
        None if preview => Profile {
            organisation_id: org,
            listed: false,
            presentation: String::new(),
            departments: "[]".into(),
            commitments: "{}".into(),
            search_text: String::new(),
            sectors_key: String::new(),
            sort_name: String::new(),
            listed_at: None,
            updated_by: UserId(0),
            updated_at: organisation.updated_at,
        },
        None => return Ok(None),
    };
    let credentials = credentials::held_by(conn, &[org])?;
    let results = public_results(conn, org)?;
    let practices = super::practices::published_by(conn, org)?;
    Ok(Some(PublicProfile { organisation, profile, credentials, results, practices }))
}

/// Everything the platform holds about an organisation, as JSON: its registration, members,
/// pending invitations, profile, credentials, proposals (drafts and consortium memberships),
/// deposits' receipts, partner requests, messages sent and received, practices. For its own
/// members.
pub fn export(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<serde_json::Value> {
    use serde_json::json;
    let o: Organisation = organisations::table.find(org).select(Organisation::as_select()).first(conn)?;
    let members: Vec<(i64, String, String, Option<NaiveDateTime>, NaiveDateTime)> = users::table
        .filter(users::organisation_id.eq(org))
        .order(users::id.asc())
        .select((users::id, users::display_name, users::email, users::email_verified_at, users::created_at))
        .load::<(crate::db::ids::UserId, String, String, Option<NaiveDateTime>, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(id, n, e, v, c)| (id.0, n, e, v, c))
        .collect();
    let pending: Vec<(String, NaiveDateTime)> = invitations::table
        .filter(invitations::organisation_id.eq(org))
        .filter(invitations::accepted_at.is_null())
        .filter(invitations::revoked_at.is_null())
        .select((invitations::email, invitations::expires_at))
        .load(conn)?;
    let profile = find(conn, org)?;
    let held = credentials::held_by(conn, &[org])?;
    let memberships: Vec<(ProposalId, String, Option<NaiveDateTime>)> = consortium_members::table
        .filter(consortium_members::organisation_id.eq(org))
        .select((consortium_members::proposal_id, consortium_members::role, consortium_members::confirmed_at))
        .load(conn)?;
    let member_ids: Vec<ProposalId> = memberships.iter().map(|m| m.0).collect();
    let own: Vec<(ProposalId, ObjectiveId, String, NaiveDateTime, NaiveDateTime)> = proposals::table
        .filter(proposals::organisation_id.eq(org).or(proposals::id.eq_any(&member_ids)))
        .order(proposals::id.asc())
        .select((
            proposals::id,
            proposals::objective_id,
            proposals::title,
            proposals::created_at,
            proposals::updated_at,
        ))
        .load(conn)?;
    let ids: Vec<ProposalId> = own.iter().map(|p| p.0).collect();
    let sent_or_received: Vec<super::messages::Message> = crate::db::schema::messages::table
        .filter(
            crate::db::schema::messages::sender_organisation_id
                .eq(org)
                .or(crate::db::schema::messages::recipient_organisation_id.eq(org)),
        )
        .order(crate::db::schema::messages::id.asc())
        .select(super::messages::Message::as_select())
        .load(conn)?;
    let requests: Vec<(ObjectiveId, String, NaiveDateTime)> = crate::db::schema::partner_requests::table
        .filter(crate::db::schema::partner_requests::organisation_id.eq(org))
        .select((
            crate::db::schema::partner_requests::objective_id,
            crate::db::schema::partner_requests::skills,
            crate::db::schema::partner_requests::updated_at,
        ))
        .load(conn)?;
    let notes = super::practices::of_organisation(conn, org)?;
    let receipts: Vec<(ProposalId, String, String, String, NaiveDateTime)> = deposits::table
        .filter(deposits::proposal_id.eq_any(&ids))
        .order(deposits::id.asc())
        .select((
            deposits::proposal_id,
            deposits::kind,
            deposits::receipt_number,
            deposits::deposit_hash,
            deposits::deposited_at,
        ))
        .load(conn)?;
    Ok(json!({
        "exported_for": "organisation",
        "organisation": {
            "id": o.id, "legal_name": o.legal_name, "identifier_type": o.identifier_type, "identifier": o.identifier,
            "address": o.address, "postcode": o.postcode, "country": o.country, "size": o.size,
            "social_economy": o.social_economy, "sectors": o.sector_list(), "created_at": o.created_at, "updated_at": o.updated_at,
        },
        "members": members.iter().map(|(id, name, email, verified, created)| json!({
            "id": id, "name": name, "email": email, "verified_at": verified, "created_at": created,
            "owner": o.owner_user_id.map(|u| u.0) == Some(*id),
        })).collect::<Vec<_>>(),
        "pending_invitations": pending.iter().map(|(e, x)| json!({ "email": e, "expires_at": x })).collect::<Vec<_>>(),
        "profile": profile.as_ref().map(|p| json!({
            "listed": p.listed, "listed_at": p.listed_at, "presentation": p.presentation,
            "departments": p.department_list(),
            "commitments": p.commitment_list().into_iter().map(|(k, v)| json!({ "theme": k, "text": v })).collect::<Vec<_>>(),
            "updated_at": p.updated_at,
        })),
        "credentials": held.iter().map(|(h, c)| json!({
            "code": c.code, "name": c.name_en, "expires_on": h.expires_on,
            "evidence": h.evidence_name, "added_at": h.added_at,
        })).collect::<Vec<_>>(),
        "proposals": own.iter().map(|(id, objective, title, created, updated)| json!({
            "id": id, "objective": objective, "title": title, "created_at": created, "updated_at": updated,
            "role": memberships.iter().find(|m| m.0 == *id).map_or(json!("lead"), |m| json!({ "member": m.1, "confirmed_at": m.2 })),
            "deposits": receipts.iter().filter(|r| r.0 == *id).map(|(_, kind, number, hash, at)| json!({
                "kind": kind, "receipt_number": number, "hash": hash, "at": at,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "partner_requests": requests.iter().map(|(objective, skills, at)| json!({ "objective": objective, "skills": skills, "updated_at": at })).collect::<Vec<_>>(),
        "messages": sent_or_received.iter().map(|m| json!({
            "direction": if m.sender_organisation_id == org { "sent" } else { "received" },
            "other_organisation": if m.sender_organisation_id == org { m.recipient_organisation_id } else { m.sender_organisation_id },
            "objective": m.objective_id, "body": m.body, "sent_at": m.sent_at, "read_at": m.read_at,
        })).collect::<Vec<_>>(),
        "practices": notes.iter().map(|p| json!({
            "id": p.practice.id, "title": p.practice.title, "body": p.practice.body, "themes": p.practice.theme_list(),
            "status": p.practice.status, "refusal_reason": p.practice.refusal_reason,
            "submitted_at": p.practice.submitted_at, "published_at": p.practice.published_at,
        })).collect::<Vec<_>>(),
    }))
}

/// The departments as (code, name) for forms and filters.
pub fn departments() -> &'static [(&'static str, &'static str)] {
    DEPARTMENTS
}
