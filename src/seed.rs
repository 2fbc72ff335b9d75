//! `achat-ouvert seed --scale S|M|L`: a deterministic data set at three scales, for benchmarks,
//! written with bulk inserts into an empty database (either backend).
//!
//! | scale | objectives | proposals | scores | organisations |
//! |---|---|---|---|---|
//! | S | 10 | 100 | 3,000 | 100 |
//! | M | 200 | 10,000 | 300,000 | 5,000 |
//! | L | 2,000 | 100,000 | 3,000,000 | 50,000 |
//!
//! Every objective has 8 weighted criteria and 50 proposals (S: 10), each from a different
//! organisation; at M and L, objective 2 (`AO-SEED-00001`) has 500, for the ranking benchmark. A quarter of the objectives are open (their proposals deposited, sealed); the
//! others are under evaluation: opened, with a committee of 5 members who declared no conflict
//! and submitted their scores on every proposal. Content comes from a seeded generator, so the
//! same scale always gives the same data.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::ids::{CriterionId, ObjectiveId, OrganisationId, ProposalId, UserId};
use crate::db::schema::{
    committee_members, conflict_declarations, credentials, criteria, deposits, directory_terms, evaluations,
    objective_criteria, objectives, organisation_credentials, organisation_profiles, organisations, practices,
    proposals, scores, user_roles, users,
};
use crate::db::{DbConnection, write_tx};
use crate::domain::evaluation::sensitivity::SplitMix64;
use crate::domain::proposals::deposits::{
    Receipt, ReceiptDepositor, ReceiptObjective, ReceiptOrganisation, Snapshot, canonical_json, sha256_hex,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    S,
    M,
    L,
}

impl Scale {
    pub fn objectives(self) -> usize {
        match self {
            Scale::S => 10,
            Scale::M => 200,
            Scale::L => 2_000,
        }
    }
    pub fn per_objective(self) -> usize {
        match self {
            Scale::S => 10,
            _ => 50,
        }
    }
    /// How many proposals objective `i` gets: at M and L, objective 1 (under evaluation) gets
    /// 500, taken from nine other objectives under evaluation, so the totals stay round and one
    /// committee ranks 500 proposals.
    pub fn proposals_of(self, i: usize) -> usize {
        const DONORS: [usize; 9] = [2, 3, 5, 6, 7, 9, 10, 11, 13];
        match self {
            Scale::S => self.per_objective(),
            _ if i == 1 => 10 * self.per_objective(),
            _ if DONORS.contains(&i) => 0,
            _ => self.per_objective(),
        }
    }
    pub fn organisations(self) -> usize {
        match self {
            Scale::S => 100,
            Scale::M => 5_000,
            Scale::L => 50_000,
        }
    }
}

pub const MEMBERS: usize = 5;
pub const WEIGHTS: [i32; 8] = [20, 15, 15, 10, 10, 10, 10, 10];
/// The password of every seeded account.
pub const PASSWORD: &str = "mot de passe des données de test";
/// The chair's reason when the seeded committee decides with disagreements still open.
const SEED_DECISION_REASON: &str =
    "Les écarts restants ont été discutés en séance ; le comité s'en tient aux notes médianes.";

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub organisations: usize,
    pub users: usize,
    pub objectives: usize,
    pub proposals: usize,
    pub deposits: usize,
    pub evaluations: usize,
    pub scores: usize,
}

/// Called with (what, done, total) as the seed progresses.
pub type Progress<'a> = &'a mut dyn FnMut(&str, usize, usize);

const WORDS: [&str; 24] = [
    "énergie",
    "lycées",
    "réemploi",
    "cantine",
    "mobilité",
    "solaire",
    "bois",
    "insertion",
    "sobriété",
    "eau",
    "biodiversité",
    "numérique",
    "formation",
    "chaleur",
    "vélo",
    "circuit",
    "local",
    "rénovation",
    "toiture",
    "compost",
    "ateliers",
    "qualité",
    "accessibilité",
    "bâtiment",
];

fn words(rng: &mut SplitMix64, n: usize) -> String {
    (0..n).map(|_| WORDS[(rng.next_u64() % WORDS.len() as u64) as usize]).collect::<Vec<_>>().join(" ")
}

/// A valid SIRET (Luhn) from a number.
fn siret(n: u64) -> String {
    crate::domain::organisations::siret_with_check_digit(7_000_000_000_000 + n)
}

/// Multi-row inserts go to the concrete connection: the multi-backend connection does not
/// batch them (see STYLE.md's diesel notes).
macro_rules! bulk {
    ($conn:expr, $stmt:expr) => {
        match $conn {
            DbConnection::Sqlite(c) => $stmt.execute(c),
            DbConnection::Pg(c) => $stmt.execute(c),
        }
    };
}

/// Runs `rows` inserts in chunks, reporting progress.
fn chunked<T>(
    rows: &[T],
    chunk: usize,
    what: &str,
    progress: &mut dyn FnMut(&str, usize, usize),
    mut insert: impl FnMut(&[T]) -> QueryResult<usize>,
) -> QueryResult<usize> {
    let mut done = 0;
    for part in rows.chunks(chunk.max(1)) {
        done += insert(part)?;
        progress(what, done, rows.len());
    }
    Ok(done)
}

/// Fills an empty database. Refuses a database that already has objectives.
pub fn run(
    conn: &mut DbConnection,
    scale: Scale,
    now: NaiveDateTime,
    progress: Progress<'_>,
) -> Result<Report, String> {
    let existing: i64 = objectives::table.count().get_result(conn).map_err(|e| e.to_string())?;
    if existing > 0 {
        return Err("the database is not empty: seed an empty one".into());
    }
    crate::domain::criteria::seed_if_empty(conn, now).map_err(|e| e.to_string())?;
    let password = crate::domain::password::NewPassword::parse(PASSWORD, PASSWORD).map_err(|e| format!("{e:?}"))?;
    let hash = crate::domain::password::hash(&password).map_err(|e| e.to_string())?;
    write_tx(conn, |conn| seed(conn, scale, now, &hash, progress)).map_err(|e: diesel::result::Error| e.to_string())
}

fn seed(
    conn: &mut DbConnection,
    scale: Scale,
    now: NaiveDateTime,
    hash: &str,
    progress: Progress<'_>,
) -> QueryResult<Report> {
    let mut rng = SplitMix64::new(0xAC4A_7000 + scale as u64);
    let mut report = Report::default();
    let criteria_ids: Vec<CriterionId> = criteria::table
        .filter(criteria::retired_at.is_null())
        .order(criteria::id.asc())
        .select(criteria::id)
        .load(conn)?;

    // Staff: one agent, five committee members.
    let mut staff = Vec::new();
    for (i, role) in std::iter::once("agent").chain(std::iter::repeat_n("committee", MEMBERS)).enumerate() {
        let id: UserId = diesel::insert_into(users::table)
            .values((
                users::email.eq(format!("{role}{i}@seed.achat-ouvert.fr")),
                users::display_name.eq(format!("{role} {i}")),
                users::password_hash.eq(Some(hash)),
                users::email_verified_at.eq(Some(now)),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users::locale.eq("fr"),
            ))
            .returning(users::id)
            .get_result(conn)?;
        diesel::insert_into(user_roles::table)
            .values((user_roles::user_id.eq(id), user_roles::role.eq(role), user_roles::granted_at.eq(now)))
            .execute(conn)?;
        staff.push(id);
    }
    let agent = staff[0];
    let members: Vec<UserId> = staff[1..].to_vec();

    // Organisations and their owners.
    let n_orgs = scale.organisations();
    let org_rows: Vec<_> = (0..n_orgs)
        .map(|i| {
            (
                organisations::legal_name.eq(format!("Entreprise {} {}", words(&mut rng, 1), i)),
                organisations::identifier_type.eq("siret"),
                organisations::identifier.eq(siret(i as u64)),
                organisations::address.eq("1 place de la Région"),
                organisations::postcode.eq("69001"),
                organisations::country.eq("FR"),
                organisations::size.eq(["micro", "sme", "large"][i % 3]),
                organisations::social_economy.eq(i % 5 == 0),
                organisations::sectors.eq("[\"bâtiment\"]"),
                organisations::created_at.eq(now),
                organisations::updated_at.eq(now),
            )
        })
        .collect();
    report.organisations = chunked(&org_rows, 1_000, "organisations", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(organisations::table).values(part))
    })?;
    let org_ids: Vec<(OrganisationId, String, String)> = organisations::table
        .order(organisations::id.asc())
        .select((organisations::id, organisations::legal_name, organisations::identifier))
        .load(conn)?;
    let owner_rows: Vec<_> = org_ids
        .iter()
        .enumerate()
        .map(|(i, (org, _, _))| {
            (
                users::email.eq(format!("owner{i}@entreprise.seed.achat-ouvert.fr")),
                users::display_name.eq(format!("Responsable {i}")),
                users::password_hash.eq(Some(hash)),
                users::email_verified_at.eq(Some(now)),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users::organisation_id.eq(Some(*org)),
                users::locale.eq("fr"),
            )
        })
        .collect();
    report.users = staff.len()
        + chunked(&owner_rows, 1_000, "accounts", progress, |part| {
            bulk!(&mut *conn, diesel::insert_into(users::table).values(part))
        })?;
    let owners: Vec<(UserId, Option<OrganisationId>)> = users::table
        .filter(users::organisation_id.is_not_null())
        .order(users::id.asc())
        .select((users::id, users::organisation_id))
        .load(conn)?;
    let owner_of: std::collections::HashMap<OrganisationId, UserId> =
        owners.iter().filter_map(|(u, o)| o.map(|o| (o, *u))).collect();
    // Organisations' owners: one statement rather than one per organisation.
    diesel::sql_query(
        "UPDATE organisations SET owner_user_id = (SELECT id FROM users WHERE users.organisation_id = organisations.id)",
    )
    .execute(conn)?;

    // The network: every organisation listed with a profile; a third hold ISO 14001 (one in
    // six expired); one in ten shared a published practice.
    // Its own generator: the rest of the data set stays what it was before the network existed.
    let mut net = SplitMix64::new(0xAC4A_7E70 + scale as u64);
    let mut term_rows = Vec::new();
    let departments = ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"];
    let profile_rows: Vec<_> = org_ids
        .iter()
        .enumerate()
        .map(|(i, (org, name, _))| {
            let presentation = format!("{}. {}.", words(&mut net, 20), words(&mut net, 15));
            let owner = owner_of.get(org).copied().unwrap_or(agent);
            let search_text = crate::domain::search::index_text(&[
                name,
                "bâtiment",
                &presentation,
                if i % 3 == 0 { "ISO 14001" } else { "" },
            ]);
            term_rows.extend(
                crate::domain::search::index_words(&search_text)
                    .map(|w| (directory_terms::term.eq(w.to_owned()), directory_terms::organisation_id.eq(*org))),
            );
            (
                (
                    organisation_profiles::organisation_id.eq(*org),
                    organisation_profiles::listed.eq(true),
                    organisation_profiles::search_text.eq(search_text),
                    organisation_profiles::presentation.eq(presentation),
                    organisation_profiles::departments.eq(format!("[\"{}\"]", departments[i % departments.len()])),
                ),
                (
                    organisation_profiles::commitments.eq("{\"climate\":\"Bilan carbone publié chaque année.\"}"),
                    organisation_profiles::sectors_key.eq("|batiment|"),
                    organisation_profiles::sort_name.eq(crate::domain::search::sort_key(name)),
                    organisation_profiles::listed_at.eq(Some(now)),
                    organisation_profiles::updated_by.eq(owner),
                    organisation_profiles::updated_at.eq(now),
                ),
            )
        })
        .collect();
    chunked(&profile_rows, 1_000, "profiles", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(organisation_profiles::table).values(part))
    })?;
    chunked(&term_rows, 2_000, "directory words", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(directory_terms::table).values(part))
    })?;
    drop(term_rows);
    crate::domain::network::profiles::backfill_sectors(conn)?;
    let iso: Option<crate::db::ids::CredentialId> =
        credentials::table.filter(credentials::code.eq("iso-14001")).select(credentials::id).first(conn).optional()?;
    if let Some(iso) = iso {
        let today = crate::domain::network::today(now);
        let held_rows: Vec<_> = org_ids
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == 0)
            .map(|(i, (org, _, _))| {
                let days = if i % 18 == 0 { -30 } else { 365 };
                (
                    organisation_credentials::organisation_id.eq(*org),
                    organisation_credentials::credential_id.eq(iso),
                    organisation_credentials::expires_on.eq(Some(today + chrono::Duration::days(days))),
                    organisation_credentials::added_by.eq(owner_of.get(org).copied().unwrap_or(agent)),
                    organisation_credentials::added_at.eq(now),
                )
            })
            .collect();
        chunked(&held_rows, 1_000, "credentials", progress, |part| {
            bulk!(&mut *conn, diesel::insert_into(organisation_credentials::table).values(part))
        })?;
    }
    let practice_rows: Vec<_> = org_ids
        .iter()
        .enumerate()
        .filter(|(i, _)| i % 10 == 0)
        .map(|(i, (org, _, _))| {
            let owner = owner_of.get(org).copied().unwrap_or(agent);
            (
                (
                    practices::organisation_id.eq(*org),
                    practices::title.eq(format!("Pratique {i} : {}", words(&mut net, 3))),
                    practices::body.eq(format!("{}. {}.", words(&mut net, 40), words(&mut net, 20))),
                    practices::themes.eq("[\"batiment\"]"),
                    practices::status.eq("published"),
                    practices::featured.eq(i < 30),
                ),
                (
                    practices::submitted_by.eq(owner),
                    practices::submitted_at.eq(now - chrono::Duration::days(3)),
                    practices::reviewed_by.eq(Some(agent)),
                    practices::reviewed_at.eq(Some(now - chrono::Duration::days(2))),
                    practices::published_at
                        .eq(Some(now - chrono::Duration::days(2) + chrono::Duration::seconds(i as i64))),
                ),
            )
        })
        .collect();
    chunked(&practice_rows, 1_000, "practices", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(practices::table).values(part))
    })?;

    // Objectives: a quarter open, the rest under evaluation.
    let n_obj = scale.objectives();
    let open_until = now + chrono::Duration::days(30);
    let closed_at = now - chrono::Duration::days(10);
    let obj_rows: Vec<_> = (0..n_obj)
        .map(|i| {
            let open = i % 4 == 0;
            let title = format!("Objectif {i} : {}", words(&mut rng, 4));
            let need = format!("{}. {}.", words(&mut rng, 30), words(&mut rng, 30));
            (
                (
                    objectives::reference.eq(format!("AO-SEED-{i:05}")),
                    objectives::search_text.eq(crate::domain::search::index_text(&[&title, &need])),
                    objectives::title.eq(title),
                    objectives::need.eq(need),
                    objectives::political_objective.eq("Neutralité carbone en 2050."),
                    objectives::deliberation_ref.eq(format!("CP-SEED-{i}")),
                    objectives::themes.eq("[\"energie\"]"),
                    objectives::horizon.eq("10"),
                    objectives::place.eq("Région"),
                    objectives::contact.eq("achats@region.example"),
                ),
                (
                    objectives::deadline_at.eq(Some(if open { open_until } else { closed_at })),
                    objectives::shortlist_rule.eq("top"),
                    objectives::shortlist_value.eq(5),
                    objectives::status.eq(if open { "published" } else { "under_evaluation" }),
                    objectives::published_at.eq(Some(now - chrono::Duration::days(40))),
                    objectives::created_by.eq(agent),
                    objectives::created_at.eq(now - chrono::Duration::days(45)),
                    objectives::updated_at.eq(now - chrono::Duration::days(40)),
                ),
            )
        })
        .collect();
    report.objectives = chunked(&obj_rows, 500, "objectives", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(objectives::table).values(part))
    })?;
    let objs: Vec<(ObjectiveId, String, String, Option<NaiveDateTime>, String)> = objectives::table
        .order(objectives::id.asc())
        .select((objectives::id, objectives::reference, objectives::title, objectives::deadline_at, objectives::status))
        .load(conn)?;
    let criteria_ids = &criteria_ids;
    let oc_rows: Vec<_> = objs
        .iter()
        .enumerate()
        .flat_map(|(i, (o, _, _, _, _))| {
            (0..WEIGHTS.len()).map(move |k| {
                (
                    objective_criteria::objective_id.eq(*o),
                    objective_criteria::criterion_id.eq(criteria_ids[(i + k) % criteria_ids.len()]),
                    objective_criteria::weight.eq(WEIGHTS[k]),
                    objective_criteria::eliminatory.eq(k == 0),
                    objective_criteria::min_score.eq(if k == 0 { Some(1) } else { None }),
                    objective_criteria::position.eq(k as i32),
                )
            })
        })
        .collect();
    chunked(&oc_rows, 2_000, "criteria of objectives", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(objective_criteria::table).values(part))
    })?;

    // Proposals: each objective gets proposals from consecutive organisations.
    let per = scale.per_objective();
    let mut p_rows = Vec::with_capacity(n_obj * per);
    for (i, (o, _, _, _, _)) in objs.iter().enumerate() {
        for k in 0..scale.proposals_of(i) {
            let (org, _, _) = &org_ids[(i * per + k) % org_ids.len()];
            let owner = owner_of.get(org).copied().unwrap_or(agent);
            p_rows.push((
                proposals::objective_id.eq(*o),
                proposals::organisation_id.eq(*org),
                proposals::title.eq(format!("Proposition {}", words(&mut rng, 5))),
                proposals::summary.eq(words(&mut rng, 40)),
                proposals::solution.eq(format!(
                    "## Principe\n\n{}\n\n- {}\n- {}",
                    words(&mut rng, 120),
                    words(&mut rng, 8),
                    words(&mut rng, 8)
                )),
                proposals::change_support.eq(words(&mut rng, 30)),
                proposals::version.eq(1),
                proposals::created_by.eq(owner),
                proposals::created_at.eq(now - chrono::Duration::days(20)),
                proposals::updated_by.eq(owner),
                proposals::updated_at.eq(now - chrono::Duration::days(20)),
            ));
        }
    }
    report.proposals = chunked(&p_rows, 1_000, "proposals", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(proposals::table).values(part))
    })?;
    drop(p_rows);
    type ProposalRow = (ProposalId, ObjectiveId, OrganisationId, String, String, String, UserId);
    let props: Vec<ProposalRow> = proposals::table
        .order(proposals::id.asc())
        .select((
            proposals::id,
            proposals::objective_id,
            proposals::organisation_id,
            proposals::title,
            proposals::summary,
            proposals::solution,
            proposals::created_by,
        ))
        .load::<(ProposalId, ObjectiveId, OrganisationId, String, String, String, UserId)>(conn)?;

    // One deposit each, with a real receipt; opened where the objective is under evaluation.
    let deposited_at = now - chrono::Duration::days(12);
    let obj_of: std::collections::HashMap<ObjectiveId, &(ObjectiveId, String, String, Option<NaiveDateTime>, String)> =
        objs.iter().map(|x| (x.0, x)).collect();
    let org_of: std::collections::HashMap<OrganisationId, &(OrganisationId, String, String)> =
        org_ids.iter().map(|x| (x.0, x)).collect();
    let mut d_rows = Vec::with_capacity(props.len());
    for (p, o, org, title, summary, solution, owner) in &props {
        let Some((_, reference, otitle, _, status)) = obj_of.get(o).map(|x| (*x).clone()) else { continue };
        let (name, identifier) = org_of.get(org).map(|x| (x.1.clone(), x.2.clone())).unwrap_or_default();
        let snapshot = Snapshot {
            title: title.clone(),
            summary: summary.clone(),
            solution: solution.clone(),
            change_support: String::new(),
            statements: Vec::new(),
            cost_euros: None,
            duration_months: None,
            consortium: None,
            documents: Vec::new(),
        };
        let snapshot_json = serde_json::to_string(&snapshot).unwrap_or_default();
        let content_sha256 = sha256_hex(&canonical_json(&serde_json::from_str(&snapshot_json).unwrap_or_default()));
        let number = format!("AO-SEED-{:08}", p.0);
        let receipt = Receipt {
            receipt_number: number.clone(),
            kind: "deposit".into(),
            buyer: "Région".into(),
            objective: ReceiptObjective { reference, title: otitle },
            depositor: ReceiptDepositor {
                user_id: owner.0,
                user_name: String::new(),
                user_email: String::new(),
                organisation: ReceiptOrganisation {
                    name,
                    identifier_type: "siret".into(),
                    identifier,
                    role: String::new(),
                },
            },
            consortium: None,
            upload_started_at: deposited_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            deposited_at: deposited_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
            late: false,
            practice: false,
            documents: Vec::new(),
            content_sha256,
        };
        let opened = status == "under_evaluation";
        d_rows.push((
            (
                deposits::proposal_id.eq(*p),
                deposits::objective_id.eq(*o),
                deposits::organisation_id.eq(*org),
                deposits::kind.eq("deposit"),
                deposits::receipt_number.eq(number),
                deposits::depositor_id.eq(*owner),
                deposits::started_at.eq(deposited_at),
                deposits::deposited_at.eq(deposited_at),
            ),
            (
                deposits::late.eq(false),
                deposits::deposit_hash.eq(receipt.hash()),
                deposits::receipt.eq(serde_json::to_string(&receipt).unwrap_or_default()),
                deposits::snapshot.eq(snapshot_json),
                deposits::opened_at.eq(if opened { Some(closed_at) } else { None }),
                deposits::opened_by.eq(if opened { Some(agent) } else { None }),
            ),
        ));
    }
    report.deposits = chunked(&d_rows, 500, "deposits", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(deposits::table).values(part))
    })?;
    drop(d_rows);
    // Who each opened deposit belongs to, as the opening records it: the lead alone (the seed
    // makes no consortium).
    diesel::sql_query(
        "INSERT INTO opened_organisations (deposit_id, objective_id, proposal_id, organisation_id, role, position) \
         SELECT d.id, d.objective_id, d.proposal_id, d.organisation_id, 'lead', 0 FROM deposits d \
         WHERE d.opened_at IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM opened_organisations x WHERE x.deposit_id = d.id)",
    )
    .execute(&mut *conn)?;

    // Committees, declarations, evaluations and scores for the objectives under evaluation.
    let closed: Vec<ObjectiveId> = objs.iter().filter(|x| x.4 == "under_evaluation").map(|x| x.0).collect();
    let cm_rows: Vec<_> = closed
        .iter()
        .flat_map(|o| {
            members.iter().enumerate().map(move |(i, m)| {
                (
                    committee_members::objective_id.eq(*o),
                    committee_members::user_id.eq(*m),
                    committee_members::chair.eq(i == 0),
                    committee_members::appointed_by.eq(agent),
                    committee_members::appointed_at.eq(now - chrono::Duration::days(30)),
                )
            })
        })
        .collect();
    chunked(&cm_rows, 2_000, "committees", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(committee_members::table).values(part))
    })?;
    let closed_set: std::collections::HashSet<ObjectiveId> = closed.iter().copied().collect();
    let closed_props: Vec<&ProposalRow> = props.iter().filter(|p| closed_set.contains(&p.1)).collect();
    let decl_rows: Vec<_> = closed_props
        .iter()
        .flat_map(|p| {
            members.iter().map(move |m| {
                (
                    conflict_declarations::objective_id.eq(p.1),
                    conflict_declarations::user_id.eq(*m),
                    conflict_declarations::organisation_id.eq(p.2),
                    conflict_declarations::conflict.eq(false),
                    conflict_declarations::note.eq(""),
                    conflict_declarations::declared_at.eq(now - chrono::Duration::days(9)),
                )
            })
        })
        .collect();
    chunked(&decl_rows, 2_000, "declarations", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(conflict_declarations::table).values(part))
    })?;
    drop(decl_rows);
    let scored_at = now - chrono::Duration::days(5);
    let ev_rows: Vec<_> = closed_props
        .iter()
        .flat_map(|p| {
            members.iter().map(move |m| {
                (
                    evaluations::objective_id.eq(p.1),
                    evaluations::proposal_id.eq(p.0),
                    evaluations::user_id.eq(*m),
                    evaluations::submitted_at.eq(Some(scored_at)),
                    evaluations::updated_at.eq(scored_at),
                )
            })
        })
        .collect();
    report.evaluations = chunked(&ev_rows, 2_000, "evaluations", progress, |part| {
        bulk!(&mut *conn, diesel::insert_into(evaluations::table).values(part))
    })?;
    drop(ev_rows);
    let evs: Vec<(i64, ObjectiveId)> = evaluations::table
        .order(evaluations::id.asc())
        .select((evaluations::id, evaluations::objective_id))
        .load(conn)?;
    let crits: Vec<(ObjectiveId, CriterionId)> = objective_criteria::table
        .order((objective_criteria::objective_id.asc(), objective_criteria::position.asc()))
        .select((objective_criteria::objective_id, objective_criteria::criterion_id))
        .load(conn)?;
    let mut by_objective: std::collections::HashMap<ObjectiveId, Vec<CriterionId>> = std::collections::HashMap::new();
    for (o, c) in crits {
        by_objective.entry(o).or_default().push(c);
    }
    let justification = "Appréciation argumentée au regard du niveau attendu pour ce critère.";
    let mut done = 0;
    let total = evs.len() * WEIGHTS.len();
    for part in evs.chunks(500) {
        let rows: Vec<_> = part
            .iter()
            .flat_map(|(e, o)| {
                let cs = by_objective.get(o).cloned().unwrap_or_default();
                let base = rng.next_u64();
                cs.into_iter().enumerate().map(move |(k, c)| {
                    (
                        scores::evaluation_id.eq(*e),
                        scores::criterion_id.eq(c),
                        scores::score.eq(Some(((base >> (k * 3)) % 6) as i32)),
                        scores::justification.eq(justification),
                        scores::updated_at.eq(scored_at),
                    )
                })
            })
            .collect();
        for chunk in rows.chunks(4_000) {
            done += bulk!(&mut *conn, diesel::insert_into(scores::table).values(chunk))?;
        }
        progress("scores", done, total);
    }
    report.scores = done;
    // The last objective (under evaluation at every scale) is decided, its results published and
    // awarded, so the pages after the shortlist exist at scale (docs/AWARD.md).
    if let Some(last) = closed.last().copied() {
        award_one(conn, last, agent, members[0], now)?;
    }
    let participants: Vec<(UserId, Option<OrganisationId>)> = owners.iter().take(3).copied().collect();
    consult_one(conn, agent, &participants, now)?;
    Ok(report)
}

/// One draft objective in market consultation (docs/CONSULTATION.md): consultation 1, with a
/// meeting (1) in ten days, two public contributions and a confidential one (1 to 3, the second
/// confidential), and a registration; small at every scale.
fn consult_one(
    conn: &mut DbConnection,
    agent: UserId,
    participants: &[(UserId, Option<OrganisationId>)],
    now: NaiveDateTime,
) -> QueryResult<()> {
    use crate::db::schema::{consultation_contributions, consultation_meetings, consultations, meeting_registrations};
    let title = "Consultation : chauffage biosourcé des lycées";
    let need = "Remplacer le chauffage au fioul de douze lycées par une solution biosourcée et locale.";
    let objective: ObjectiveId = diesel::insert_into(objectives::table)
        .values((
            (
                objectives::reference.eq("AO-SEED-CONSULT"),
                objectives::search_text.eq(crate::domain::search::index_text(&[title, need])),
                objectives::title.eq(title),
                objectives::need.eq(need),
                objectives::political_objective.eq("Neutralité carbone en 2050."),
                objectives::deliberation_ref.eq("CP-SEED-CONSULT"),
                objectives::themes.eq("[\"energie\"]"),
                objectives::horizon.eq("10"),
                objectives::place.eq("Région"),
                objectives::contact.eq("achats@region.example"),
            ),
            (
                objectives::shortlist_rule.eq("top"),
                objectives::shortlist_value.eq(5),
                objectives::status.eq("draft"),
                objectives::created_by.eq(agent),
                objectives::created_at.eq(now - chrono::Duration::days(5)),
                objectives::updated_at.eq(now - chrono::Duration::days(5)),
            ),
        ))
        .returning(objectives::id)
        .get_result(conn)?;
    let id: crate::db::ids::ConsultationId = diesel::insert_into(consultations::table)
        .values((
            consultations::objective_id.eq(objective),
            consultations::need.eq(need),
            consultations::questions.eq(r#"["Quelles filières locales ?","Quel délai d’installation ?"]"#),
            consultations::closes_at.eq(now + chrono::Duration::days(20)),
            consultations::created_by.eq(agent),
            consultations::created_at.eq(now - chrono::Duration::days(5)),
        ))
        .returning(consultations::id)
        .get_result(conn)?;
    for (i, (who, org)) in participants.iter().enumerate() {
        diesel::insert_into(consultation_contributions::table)
            .values((
                consultation_contributions::consultation_id.eq(id),
                consultation_contributions::user_id.eq(*who),
                consultation_contributions::organisation_id.eq(*org),
                consultation_contributions::body
                    .eq(format!("Contribution {i} : la filière bois locale peut livrer en six mois.")),
                consultation_contributions::confidential.eq(i == 1),
                consultation_contributions::created_at.eq(now - chrono::Duration::days(4)),
            ))
            .execute(conn)?;
    }
    let meeting: crate::db::ids::MeetingId = diesel::insert_into(consultation_meetings::table)
        .values((
            consultation_meetings::consultation_id.eq(id),
            consultation_meetings::starts_at.eq(now + chrono::Duration::days(10)),
            consultation_meetings::place.eq("Hôtel de Région"),
            consultation_meetings::capacity.eq(30),
            consultation_meetings::created_at.eq(now - chrono::Duration::days(5)),
        ))
        .returning(consultation_meetings::id)
        .get_result(conn)?;
    if let Some((who, _)) = participants.first() {
        diesel::insert_into(meeting_registrations::table)
            .values((
                meeting_registrations::meeting_id.eq(meeting),
                meeting_registrations::user_id.eq(*who),
                meeting_registrations::waiting.eq(false),
                meeting_registrations::registered_at.eq(now - chrono::Duration::days(3)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Decides, publishes and awards one objective to its first shortlisted proposal, through the
/// same domain operations as the pages (letters and mails included).
/// Signs the contract of the awarded objective (its standstill period has ended) and records
/// one modification, so that the contract page, its API and the DECP have something to measure.
fn sign_one(conn: &mut DbConnection, objective: ObjectiveId, agent: UserId, now: NaiveDateTime) -> Result<(), String> {
    use crate::domain::award::contracts::{self, Change, PlaceKind, PriceBasis, PriceForm, Terms};
    let signed_at = now - chrono::Duration::hours(1);
    let day = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &signed_at).date_naive();
    let terms = Terms {
        object: "Chaleur renouvelable des bâtiments régionaux".into(),
        signed_on: day,
        notified_on: day,
        amount_cents: 48_000_000,
        duration_months: 48,
        cpv: "09323000".into(),
        place_code: "84".into(),
        place_kind: PlaceKind::Region,
        price_form: PriceForm::Revisable,
        price_basis: PriceBasis::LumpSum,
        subcontracting: false,
        social_clause: true,
        environmental_clause: true,
    };
    contracts::sign(conn, objective, &terms, agent, signed_at).map_err(|e| e.to_string())?;
    let change = Change {
        notified_on: day,
        reason: "Avenant n° 1 : deux bâtiments de plus.".into(),
        object: None,
        amount_cents: Some(52_000_000),
        duration_months: None,
        holders: None,
    };
    contracts::modify(conn, objective, &change, agent, now - chrono::Duration::minutes(30))
        .map_err(|e| e.to_string())?;
    indicator_one(conn, objective, agent, now)
}

/// Sets one indicator of the signed contract and has its holder report the first (current)
/// period, validated by the agent, so that the follow-up page, its chart, its feed and its JSON
/// have something to measure. The contract was signed an hour ago: only the first yearly period
/// has started, so the domain refuses a second report (by design).
fn indicator_one(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<(), String> {
    use crate::domain::award::indicators::{self, Decision, NewIndicator, ReportInput};
    let input = NewIndicator {
        name: "Part de chaleur renouvelable".into(),
        unit: "%".into(),
        criterion: None,
        baseline: 12.5,
        targets: vec![(5, 40.0)],
        period_months: 12,
    };
    let id = indicators::set(conn, objective, &input, agent, now - chrono::Duration::minutes(20))
        .map_err(|e| e.to_string())?;
    let contract =
        crate::domain::award::contracts::load(conn, objective).map_err(|e| e.to_string())?.ok_or("no contract")?;
    let org = contract.holders.first().and_then(|h| h.members.first()).map(|m| m.organisation_id).ok_or("no holder")?;
    let member: UserId = users::table
        .filter(users::organisation_id.eq(org))
        .order(users::id.asc())
        .select(users::id)
        .first(conn)
        .map_err(|e| e.to_string())?;
    let report = ReportInput {
        period: "1".into(),
        value: "18,5".into(),
        comment: "Relevé des compteurs".into(),
        evidence: None,
    };
    let r = indicators::report(conn, id, &report, member, now - chrono::Duration::minutes(10))
        .map_err(|e| e.to_string())?;
    indicators::decide(conn, r, &Decision::Validate, agent, now - chrono::Duration::minutes(5))
        .map_err(|e| e.to_string())?;
    support_one(conn, objective, agent, member, org, now)
}

/// The contract's change-support plan (issue 17, step 5): four actions, the first two delivered
/// by the holder and rated by three users of the purchase (`usager0..2@seed.achat-ouvert.fr`,
/// `usager0` leaving one action to rate), and a member of the holder organisation with a known
/// address (`titulaire@entreprise.seed.achat-ouvert.fr`), so that every change-support page has
/// data and a person to measure it for. The users are inserted as accounts with the seed's
/// password (an invitation would mail a set-password link to nobody).
fn support_one(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    agent: UserId,
    member: UserId,
    org: i64,
    now: NaiveDateTime,
) -> Result<(), String> {
    use crate::db::schema::purchase_users;
    use crate::domain::award::change_support::{self as support, DeliveryInput, Kind, NewAction, RatingInput};
    let at = now - chrono::Duration::minutes(4);
    let day = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at).date_naive();
    let plan = [
        (Kind::Training, "Prise en main des chaufferies, en deux groupes.", "Agents de maintenance des lycées", 0, 7.0),
        (Kind::Awareness, "Les bons gestes de chauffage.", "Élèves et personnels", 0, 2.0),
        (Kind::Coaching, "Suivi des réglages sur site.", "Gestionnaires des bâtiments", 30, 3.5),
        (Kind::Advice, "Bilan de la première saison de chauffe.", "Direction du patrimoine", 180, 2.0),
    ];
    let mut actions = Vec::new();
    for (kind, description, audience, days, hours) in plan {
        let input = NewAction {
            kind,
            description: description.into(),
            audience: audience.into(),
            planned_on: day + chrono::Duration::days(days),
            planned_hours: hours,
        };
        actions.push(support::add_action(conn, objective, &input, agent, at).map_err(|e| e.to_string())?);
    }
    for (action, participants) in [(actions[0], "14"), (actions[1], "120")] {
        let input = DeliveryInput {
            delivered_on: day.to_string(),
            participants: participants.into(),
            notes: "Feuille d’émargement conservée par le titulaire.".into(),
            materials: Vec::new(),
        };
        support::record_delivery(conn, action, &input, member, at).map_err(|e| e.to_string())?;
    }
    let hash: Option<String> =
        users::table.find(agent).select(users::password_hash).first(conn).map_err(|e| e.to_string())?;
    let titulaire = (
        users::email.eq("titulaire@entreprise.seed.achat-ouvert.fr"),
        users::display_name.eq("Titulaire"),
        users::password_hash.eq(hash.clone()),
        users::email_verified_at.eq(Some(at)),
        users::created_at.eq(at),
        users::updated_at.eq(at),
        users::organisation_id.eq(Some(OrganisationId(org))),
        users::locale.eq("fr"),
    );
    diesel::insert_into(users::table).values(titulaire).execute(conn).map_err(|e| e.to_string())?;
    // What each user rates: usager0 the first action only (the second waits on their home).
    let ratings: [&[(usize, i32, &str)]; 3] = [
        &[(0, 5, "Très concret, nous savons régler la chaufferie.")],
        &[(0, 4, "Un peu rapide sur la maintenance."), (1, 4, "")],
        &[(0, 5, ""), (1, 3, "Utile pour les élèves.")],
    ];
    for (i, rated) in ratings.iter().enumerate() {
        let user: UserId = diesel::insert_into(users::table)
            .values((
                users::email.eq(format!("usager{i}@seed.achat-ouvert.fr")),
                users::display_name.eq(format!("Usager {i}")),
                users::password_hash.eq(hash.clone()),
                users::email_verified_at.eq(Some(at)),
                users::created_at.eq(at),
                users::updated_at.eq(at),
                users::locale.eq("fr"),
            ))
            .returning(users::id)
            .get_result(conn)
            .map_err(|e| e.to_string())?;
        diesel::insert_into(purchase_users::table)
            .values((
                purchase_users::objective_id.eq(objective),
                purchase_users::user_id.eq(user),
                purchase_users::invited_by.eq(agent),
                purchase_users::invited_at.eq(at),
            ))
            .execute(conn)
            .map_err(|e| e.to_string())?;
        for (k, rating, comment) in rated.iter() {
            let input = RatingInput { attended: true, rating: rating.to_string(), comment: (*comment).into() };
            support::rate(conn, actions[*k], &input, user, at).map_err(|e| e.to_string())?;
        }
    }
    Ok(())
}

fn award_one(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    agent: UserId,
    chair: UserId,
    now: NaiveDateTime,
) -> QueryResult<()> {
    use crate::domain::award::{self, AwardInput, Context};
    use crate::domain::evaluation::{board, decision};
    let failed = |e: String| diesel::result::Error::QueryBuilderError(e.into());
    decision::decide(conn, objective, chair, SEED_DECISION_REASON, now - chrono::Duration::days(4))
        .map_err(|e| failed(e.to_string()))?;
    let link = |p: ProposalId| format!("/proposals/{p}");
    decision::publish(conn, objective, agent, true, &link, now - chrono::Duration::days(3))
        .map_err(|e| failed(e.to_string()))?;
    let b = board::load(conn, objective)?.ok_or(diesel::result::Error::NotFound)?;
    let candidates = award::candidates(&b).map_err(|e| failed(e.to_string()))?;
    let Some(first) = candidates.first() else { return Ok(()) };
    let input = AwardInput {
        winners: vec![first.0],
        reasons: "Meilleur bilan carbone du classement et accompagnement des usagers le plus complet.".into(),
        // No standstill period, so that the contract can be signed at once (`sign_one`).
        standstill_days: 0,
    };
    let letter_link = |l: crate::db::ids::LetterId| format!("/organisation/letters/{l}");
    let context = Context { buyer: "Région", court: "Tribunal administratif de Lyon", letter_link: &letter_link };
    award::award(conn, objective, &input, agent, &context, now - chrono::Duration::days(2))
        .map_err(|e| failed(e.to_string()))?;
    sign_one(conn, objective, agent, now).map_err(failed)?;
    // The mails these operations queued are for nobody (seed addresses), and their delivery
    // would run under the measurements: the seed leaves an empty outbox, as it found it.
    diesel::delete(crate::db::schema::mail_outbox::table).execute(conn)?;
    Ok(())
}
