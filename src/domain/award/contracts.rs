//! The signed contract of an awarded objective (issue 17, step 2): an agent records it once the
//! standstill has ended and no challenge is pending, which moves the objective to *in execution*;
//! later modifications (object, amount, duration, holders) are rows of their own, numbered from 1,
//! never a rewrite of the contract. The holders (the winners' organisations, a consortium with its
//! members and its kind) and the social and environmental considerations are frozen as JSON at
//! signature.

use super::indicators::paris_day;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::{AwardError, TEXT_MAX, challenges, record, standstill, status_of};
use crate::db::ids::{ObjectiveId, ProposalId, UserId};
use crate::db::schema::{contract_modifications, contracts, criteria, objective_criteria, organisations, proposals};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{AuditActor, Event};
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::{Status, Transition, next};
use crate::domain::proposals::consortium;

/// The longest contract, in months (a hundred years: a bound, not a rule of law).
pub const DURATION_MAX: i32 = 1200;
/// The largest amount, in cents (ten billion euros).
pub const AMOUNT_MAX_CENTS: i64 = 1_000_000_000_000;
pub const OBJECT_MAX: usize = 1000;
pub const REASON_MIN: usize = 10;

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        pub enum $name { $($variant),* }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }
            pub fn parse(s: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }
        }
    };
}

codes!(
    /// The kind of the main place of performance's code (INSEE's geographic codes, or a country).
    PlaceKind { Commune => "commune", Department => "department", Region => "region", Country => "country" }
);
codes!(
    /// How the price moves over the contract: firm, revisable by a formula, updatable once.
    PriceForm { Firm => "firm", Revisable => "revisable", Updatable => "updatable" }
);
codes!(
    /// What the price is made of: a lump sum, unit prices, or both.
    PriceBasis { LumpSum => "lump_sum", Unit => "unit", Mixed => "mixed" }
);

impl PlaceKind {
    /// Whether `code` has the shape of a code of this kind.
    pub fn accepts(self, code: &str) -> bool {
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        match self {
            // 5 digits, or Corsica's 2A/2B followed by 3 digits.
            PlaceKind::Commune => {
                digits(code, 5) || (code.starts_with("2A") || code.starts_with("2B")) && digits(&code[2..], 3)
            }
            PlaceKind::Department => {
                (digits(code, 2) && code != "00" && code != "20")
                    || code == "2A"
                    || code == "2B"
                    || (digits(code, 3) && code.starts_with("97"))
            }
            PlaceKind::Region => digits(code, 2),
            // ISO 3166-1 alpha-2.
            PlaceKind::Country => code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()),
        }
    }
}

/// One organisation holding the contract, as it was identified at signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolderOrganisation {
    pub organisation_id: i64,
    pub name: String,
    /// `siret`, `vat` or `other`.
    pub identifier_type: String,
    pub identifier: String,
}

/// A holder: one organisation, or a consortium (its lead first) with its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub members: Vec<HolderOrganisation>,
    /// `conjoint` (joint) or `solidaire` (joint and several) for a consortium; none alone.
    pub kind: Option<String>,
}

impl Holder {
    pub fn names(&self) -> String {
        self.members.iter().map(|m| m.name.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// The considerations of the contract, as codes: `criterion` (from the objective's criteria) and
/// `clause` (a clause of the contract, declared by the agent).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Considerations {
    pub social: Vec<String>,
    pub environmental: Vec<String>,
}

/// What the agent types on the contract form, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Terms {
    pub object: String,
    pub signed_on: NaiveDate,
    pub notified_on: NaiveDate,
    pub amount_cents: i64,
    pub duration_months: i32,
    pub cpv: String,
    pub place_code: String,
    pub place_kind: PlaceKind,
    pub price_form: PriceForm,
    pub price_basis: PriceBasis,
    pub subcontracting: bool,
    pub social_clause: bool,
    pub environmental_clause: bool,
}

/// A recorded contract and its modifications, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contract {
    pub objective: ObjectiveId,
    pub object: String,
    pub holders: Vec<Holder>,
    pub signed_on: NaiveDate,
    pub notified_on: NaiveDate,
    pub amount_cents: i64,
    pub duration_months: i32,
    pub cpv: String,
    pub place_code: String,
    pub place_kind: PlaceKind,
    pub price_form: PriceForm,
    pub price_basis: PriceBasis,
    pub subcontracting: bool,
    pub considerations: Considerations,
    pub recorded_at: NaiveDateTime,
    pub modifications: Vec<Modification>,
}

/// A later modification: only what it changes, with its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Modification {
    pub number: i32,
    pub notified_on: NaiveDate,
    pub reason: String,
    pub object: Option<String>,
    pub amount_cents: Option<i64>,
    pub duration_months: Option<i32>,
    pub holders: Option<Vec<Holder>>,
    pub recorded_at: NaiveDateTime,
}

/// The values a modification can change, as they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Current {
    pub object: String,
    pub amount_cents: i64,
    pub duration_months: i32,
    pub holders: Vec<Holder>,
}

impl Contract {
    /// The values as signed.
    pub fn initial(&self) -> Current {
        Current {
            object: self.object.clone(),
            amount_cents: self.amount_cents,
            duration_months: self.duration_months,
            holders: self.holders.clone(),
        }
    }

    /// Each modification with the values that result from it, in order.
    pub fn steps(&self) -> Vec<(&Modification, Current)> {
        let mut current = self.initial();
        self.modifications
            .iter()
            .map(|m| {
                current = apply(&current, m);
                (m, current.clone())
            })
            .collect()
    }

    /// The values after every modification.
    pub fn current(&self) -> Current {
        self.modifications.iter().fold(self.initial(), |c, m| apply(&c, m))
    }
}

fn apply(c: &Current, m: &Modification) -> Current {
    Current {
        object: m.object.clone().unwrap_or_else(|| c.object.clone()),
        amount_cents: m.amount_cents.unwrap_or(c.amount_cents),
        duration_months: m.duration_months.unwrap_or(c.duration_months),
        holders: m.holders.clone().unwrap_or_else(|| c.holders.clone()),
    }
}

/// An amount in euros as typed: digits with spaces, a comma or a point before at most two
/// decimals. Returns cents.
pub fn parse_amount(text: &str) -> Option<i64> {
    let cleaned: String = text.chars().filter(|c| !c.is_whitespace() && *c != '\u{202f}' && *c != '€').collect();
    let cleaned = cleaned.replace(',', ".");
    let (whole, decimals) = match cleaned.split_once('.') {
        Some((w, d)) => (w, d),
        None => (cleaned.as_str(), ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || decimals.len() > 2 {
        return None;
    }
    if !decimals.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{decimals:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(cents)
}

/// Whether `cpv` is a CPV code: 8 digits, optionally followed by `-` and the check digit.
pub fn valid_cpv(cpv: &str) -> bool {
    let (main, check) = match cpv.split_once('-') {
        Some((m, c)) => (m, Some(c)),
        None => (cpv, None),
    };
    main.len() == 8
        && main.bytes().all(|b| b.is_ascii_digit())
        && check.is_none_or(|c| c.len() == 1 && c.bytes().all(|b| b.is_ascii_digit()))
}

fn date(pairs: &FormPairs, name: &'static str, problems: &mut Vec<Problem>) -> Option<NaiveDate> {
    let parsed = NaiveDate::parse_from_str(&first(pairs, name), "%Y-%m-%d").ok();
    if parsed.is_none() {
        problems.push(Problem::new(name, "contract-error-date"));
    }
    parsed
}

fn checked(pairs: &FormPairs, name: &str) -> bool {
    matches!(first(pairs, name).as_str(), "true" | "on" | "yes")
}

/// Parses the contract form; every problem names its field.
pub fn parse(pairs: &FormPairs) -> Result<Terms, Vec<Problem>> {
    let mut problems = Vec::new();
    let object = first(pairs, "object");
    if object.is_empty() || object.chars().count() > OBJECT_MAX {
        problems.push(Problem::new("object", "contract-error-object").with("max", OBJECT_MAX));
    }
    let signed_on = date(pairs, "signed_on", &mut problems);
    let notified_on = date(pairs, "notified_on", &mut problems);
    if let (Some(s), Some(n)) = (signed_on, notified_on)
        && n < s
    {
        problems.push(Problem::new("notified_on", "contract-error-notified-before-signed"));
    }
    let amount = parse_amount(&first(pairs, "amount")).filter(|c| (100..=AMOUNT_MAX_CENTS).contains(c));
    if amount.is_none() {
        problems.push(Problem::new("amount", "contract-error-amount"));
    }
    let duration = first(pairs, "duration_months").parse::<i32>().ok().filter(|d| (1..=DURATION_MAX).contains(d));
    if duration.is_none() {
        problems.push(Problem::new("duration_months", "contract-error-duration").with("max", DURATION_MAX));
    }
    let cpv = first(pairs, "cpv");
    if !valid_cpv(&cpv) {
        problems.push(Problem::new("cpv", "contract-error-cpv"));
    }
    let place_kind = PlaceKind::parse(&first(pairs, "place_kind"));
    if place_kind.is_none() {
        problems.push(Problem::new("place_kind", "contract-error-choice"));
    }
    let place_code = first(pairs, "place_code").to_uppercase();
    if let Some(k) = place_kind
        && !k.accepts(&place_code)
    {
        problems.push(Problem::new("place_code", "contract-error-place-code"));
    }
    let price_form = PriceForm::parse(&first(pairs, "price_form"));
    if price_form.is_none() {
        problems.push(Problem::new("price_form", "contract-error-choice"));
    }
    let price_basis = PriceBasis::parse(&first(pairs, "price_basis"));
    if price_basis.is_none() {
        problems.push(Problem::new("price_basis", "contract-error-choice"));
    }
    let subcontracting = match first(pairs, "subcontracting").as_str() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            problems.push(Problem::new("subcontracting", "contract-error-choice"));
            None
        }
    };
    match (signed_on, notified_on, amount, duration, place_kind, price_form, price_basis, subcontracting) {
        (
            Some(signed_on),
            Some(notified_on),
            Some(amount_cents),
            Some(duration_months),
            Some(place_kind),
            Some(price_form),
            Some(price_basis),
            Some(subcontracting),
        ) if problems.is_empty() => Ok(Terms {
            object,
            signed_on,
            notified_on,
            amount_cents,
            duration_months,
            cpv,
            place_code,
            place_kind,
            price_form,
            price_basis,
            subcontracting,
            social_clause: checked(pairs, "social_clause"),
            environmental_clause: checked(pairs, "environmental_clause"),
        }),
        _ => Err(problems),
    }
}

/// The contract form's values for a confirmation page's hidden fields (the same names `parse` reads).
pub fn to_pairs(t: &Terms) -> Vec<(&'static str, String)> {
    let mut out = vec![
        ("object", t.object.clone()),
        ("signed_on", t.signed_on.to_string()),
        ("notified_on", t.notified_on.to_string()),
        ("amount", format!("{}.{:02}", t.amount_cents / 100, t.amount_cents % 100)),
        ("duration_months", t.duration_months.to_string()),
        ("cpv", t.cpv.clone()),
        ("place_code", t.place_code.clone()),
        ("place_kind", t.place_kind.as_str().to_owned()),
        ("price_form", t.price_form.as_str().to_owned()),
        ("price_basis", t.price_basis.as_str().to_owned()),
        ("subcontracting", if t.subcontracting { "yes" } else { "no" }.to_owned()),
    ];
    if t.social_clause {
        out.push(("social_clause", "true".into()));
    }
    if t.environmental_clause {
        out.push(("environmental_clause", "true".into()));
    }
    out
}

/// The holders of the winning proposals: each lead organisation with its confirmed consortium
/// members and the consortium's kind.
pub fn holders_of(conn: &mut DbConnection, winners: &[ProposalId]) -> QueryResult<Vec<Holder>> {
    let mut out = Vec::new();
    for p in winners {
        let (lead, kind): (HolderOrganisation, Option<String>) = proposals::table
            .inner_join(organisations::table)
            .filter(proposals::id.eq(*p))
            .select((
                organisations::id,
                organisations::legal_name,
                organisations::identifier_type,
                organisations::identifier,
                proposals::consortium_type,
            ))
            .first::<(i64, String, String, String, Option<String>)>(conn)
            .map(|(id, name, t, i, kind)| {
                (HolderOrganisation { organisation_id: id, name, identifier_type: t, identifier: i }, kind)
            })?;
        let mut members = vec![lead];
        members.extend(consortium::members(conn, *p)?.into_iter().filter(|m| m.confirmed_at.is_some()).map(|m| {
            HolderOrganisation {
                organisation_id: m.organisation_id.0,
                name: m.legal_name,
                identifier_type: m.identifier_type,
                identifier: m.identifier,
            }
        }));
        let kind = (members.len() > 1).then(|| kind.unwrap_or_else(|| consortium::Kind::Conjoint.as_str().to_owned()));
        out.push(Holder { members, kind });
    }
    Ok(out)
}

/// The considerations: a criterion of the objective with a social or environmental goal, and
/// the clauses the agent declares.
pub fn considerations_of(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    social_clause: bool,
    environmental_clause: bool,
) -> QueryResult<Considerations> {
    let goals: Vec<String> = objective_criteria::table
        .inner_join(criteria::table)
        .filter(objective_criteria::objective_id.eq(objective))
        .select(criteria::goal)
        .load(conn)?;
    let mut c = Considerations::default();
    if goals.iter().any(|g| g.starts_with("social")) {
        c.social.push("criterion".into());
    }
    if goals.iter().any(|g| g.starts_with("environmental")) {
        c.environmental.push("criterion".into());
    }
    if social_clause {
        c.social.push("clause".into());
    }
    if environmental_clause {
        c.environmental.push("clause".into());
    }
    Ok(c)
}

/// What signing would record, checked without writing: the stage, the standstill and the
/// challenges, the dates against the award and today. The confirmation page shows it.
pub fn prepare(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    terms: &Terms,
    now: NaiveDateTime,
) -> Result<(Status, Vec<Holder>, Considerations), AwardError> {
    let status = status_of(conn, objective, now)?;
    if next(status, Transition::Sign).is_none() {
        return Err(AwardError::WrongStage);
    }
    let award = super::load(conn, objective)?.filter(|a| a.awarded).ok_or(AwardError::WrongStage)?;
    let challenges = challenges::of_objective(conn, objective)?;
    standstill::may_sign(award.standstill_ends_at, &challenges, now).map_err(|r| match r {
        standstill::Refusal::Standstill { ends_at } => AwardError::Standstill(ends_at),
        standstill::Refusal::Challenged { open } => AwardError::Challenged(open),
    })?;
    let mut problems = Vec::new();
    // Signed after the standstill's last day (or, without one, from the award's day); neither
    // date in the future.
    let earliest = if award.standstill_days > 0 {
        paris_day(award.standstill_ends_at).succ_opt().unwrap_or(NaiveDate::MAX)
    } else {
        paris_day(award.decided_at)
    };
    let today = paris_day(now);
    if terms.signed_on < earliest {
        problems
            .push(Problem::new("signed_on", "contract-error-signed-early").with("date", earliest.format("%d/%m/%Y")));
    }
    if terms.signed_on > today {
        problems.push(Problem::new("signed_on", "contract-error-future"));
    }
    if terms.notified_on > today {
        problems.push(Problem::new("notified_on", "contract-error-future"));
    }
    if !problems.is_empty() {
        return Err(AwardError::Fields(problems));
    }
    let holders = holders_of(conn, &award.winners)?;
    let considerations = considerations_of(conn, objective, terms.social_clause, terms.environmental_clause)?;
    Ok((status, holders, considerations))
}

/// Records the signed contract and moves the objective to *in execution*, in one transaction.
/// Cannot be undone.
pub fn sign(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    terms: &Terms,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<(), AwardError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let (status, holders, considerations) = prepare(conn, objective, terms, now)?;
        let to_json = |e: serde_json::Error| AwardError::Db(diesel::result::Error::SerializationError(e.into()));
        let holders_json = serde_json::to_string(&holders).map_err(to_json)?;
        let considerations_json = serde_json::to_string(&considerations).map_err(to_json)?;
        diesel::insert_into(contracts::table)
            .values((
                contracts::objective_id.eq(objective),
                contracts::object.eq(&terms.object),
                contracts::holders.eq(&holders_json),
                contracts::signed_on.eq(terms.signed_on),
                contracts::notified_on.eq(terms.notified_on),
                contracts::amount_cents.eq(terms.amount_cents),
                contracts::duration_months.eq(terms.duration_months),
                contracts::cpv.eq(&terms.cpv),
                contracts::place_code.eq(&terms.place_code),
                contracts::place_kind.eq(terms.place_kind.as_str()),
                contracts::price_form.eq(terms.price_form.as_str()),
                contracts::price_basis.eq(terms.price_basis.as_str()),
                contracts::subcontracting.eq(terms.subcontracting),
                contracts::considerations.eq(&considerations_json),
                contracts::recorded_by.eq(agent),
                contracts::recorded_at.eq(now),
            ))
            .execute(conn)?;
        super::enter(conn, objective, status, Transition::Sign, agent, now)?;
        let details = serde_json::json!({
            "signed_on": terms.signed_on.to_string(),
            "amount_cents": terms.amount_cents,
            "holders": holders.iter().map(|h| h.members.iter().map(|m| m.organisation_id).collect::<Vec<_>>()).collect::<Vec<_>>(),
        });
        record(conn, &AuditActor::UserId(agent), Event::ContractSigned, objective, details, now)?;
        Ok(())
    })
}

type ContractRow = (
    String,
    String,
    NaiveDate,
    NaiveDate,
    i64,
    i32,
    String,
    String,
    String,
    String,
    String,
    bool,
    String,
    NaiveDateTime,
);

type ModificationRow =
    (i32, NaiveDate, String, Option<String>, Option<i64>, Option<i32>, Option<String>, NaiveDateTime);

fn holders_from(json: &str) -> Vec<Holder> {
    serde_json::from_str(json).unwrap_or_default()
}

/// An objective's contract with its modifications, if it is signed.
pub fn load(conn: &mut DbConnection, objective: ObjectiveId) -> QueryResult<Option<Contract>> {
    let row: Option<ContractRow> = contracts::table
        .find(objective)
        .select((
            contracts::object,
            contracts::holders,
            contracts::signed_on,
            contracts::notified_on,
            contracts::amount_cents,
            contracts::duration_months,
            contracts::cpv,
            contracts::place_code,
            contracts::place_kind,
            contracts::price_form,
            contracts::price_basis,
            contracts::subcontracting,
            contracts::considerations,
            contracts::recorded_at,
        ))
        .first(conn)
        .optional()?;
    let Some(r) = row else { return Ok(None) };
    let rows: Vec<ModificationRow> = contract_modifications::table
        .filter(contract_modifications::objective_id.eq(objective))
        .order(contract_modifications::number.asc())
        .select((
            contract_modifications::number,
            contract_modifications::notified_on,
            contract_modifications::reason,
            contract_modifications::object,
            contract_modifications::amount_cents,
            contract_modifications::duration_months,
            contract_modifications::holders,
            contract_modifications::recorded_at,
        ))
        .load(conn)?;
    let bad = |what: &str| diesel::result::Error::DeserializationError(format!("contracts.{what}").into());
    Ok(Some(Contract {
        objective,
        object: r.0,
        holders: holders_from(&r.1),
        signed_on: r.2,
        notified_on: r.3,
        amount_cents: r.4,
        duration_months: r.5,
        cpv: r.6,
        place_code: r.7,
        place_kind: PlaceKind::parse(&r.8).ok_or_else(|| bad("place_kind"))?,
        price_form: PriceForm::parse(&r.9).ok_or_else(|| bad("price_form"))?,
        price_basis: PriceBasis::parse(&r.10).ok_or_else(|| bad("price_basis"))?,
        subcontracting: r.11,
        considerations: serde_json::from_str(&r.12).unwrap_or_default(),
        recorded_at: r.13,
        modifications: rows
            .into_iter()
            .map(|m| Modification {
                number: m.0,
                notified_on: m.1,
                reason: m.2,
                object: m.3,
                amount_cents: m.4,
                duration_months: m.5,
                holders: m.6.as_deref().map(holders_from),
                recorded_at: m.7,
            })
            .collect(),
    }))
}

/// The objectives that have a signed contract, oldest signature first (for the bulk open data).
pub fn signed_objectives(conn: &mut DbConnection) -> QueryResult<Vec<ObjectiveId>> {
    contracts::table
        .order((contracts::recorded_at.asc(), contracts::objective_id.asc()))
        .select(contracts::objective_id)
        .load(conn)
}

/// The contracts in execution that `organisation` holds (as they stand after modifications):
/// (objective, its title), oldest signature first. The supplier's home lists them.
pub fn held_by(
    conn: &mut DbConnection,
    organisation: crate::db::ids::OrganisationId,
) -> QueryResult<Vec<(ObjectiveId, String)>> {
    use crate::db::schema::objectives;
    let signed: Vec<(ObjectiveId, String)> = contracts::table
        .inner_join(objectives::table.on(objectives::id.eq(contracts::objective_id)))
        .filter(objectives::status.eq(crate::domain::objectives::Status::InExecution.as_str()))
        .order((contracts::signed_on.asc(), contracts::objective_id.asc()))
        .select((contracts::objective_id, objectives::title))
        .load(conn)?;
    let mut out = Vec::new();
    for (objective, title) in signed {
        if let Some(c) = load(conn, objective)?
            && super::indicators::holds(&c, organisation)
        {
            out.push((objective, title));
        }
    }
    Ok(out)
}

/// A modification as typed: only the filled fields change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub notified_on: NaiveDate,
    pub reason: String,
    pub object: Option<String>,
    pub amount_cents: Option<i64>,
    pub duration_months: Option<i32>,
    /// The new holders' legal identifiers (one holder, or a consortium led by the first) and the
    /// consortium's kind.
    pub holders: Option<(Vec<String>, Option<consortium::Kind>)>,
}

/// Parses the modification form; every problem names its field.
pub fn parse_change(pairs: &FormPairs) -> Result<Change, Vec<Problem>> {
    let mut problems = Vec::new();
    let notified_on = date(pairs, "mod_notified_on", &mut problems);
    let reason = first(pairs, "mod_reason");
    if !(REASON_MIN..=TEXT_MAX).contains(&reason.chars().count()) {
        problems.push(Problem::new("mod_reason", "contract-error-reason").with("min", REASON_MIN));
    }
    let object = Some(first(pairs, "mod_object")).filter(|s| !s.is_empty());
    if object.as_ref().is_some_and(|o| o.chars().count() > OBJECT_MAX) {
        problems.push(Problem::new("mod_object", "contract-error-object").with("max", OBJECT_MAX));
    }
    let amount_text = first(pairs, "mod_amount");
    let amount_cents = if amount_text.is_empty() {
        None
    } else {
        let a = parse_amount(&amount_text).filter(|c| (100..=AMOUNT_MAX_CENTS).contains(c));
        if a.is_none() {
            problems.push(Problem::new("mod_amount", "contract-error-amount"));
        }
        a
    };
    let duration_text = first(pairs, "mod_duration_months");
    let duration_months = if duration_text.is_empty() {
        None
    } else {
        let d = duration_text.parse::<i32>().ok().filter(|d| (1..=DURATION_MAX).contains(d));
        if d.is_none() {
            problems.push(Problem::new("mod_duration_months", "contract-error-duration").with("max", DURATION_MAX));
        }
        d
    };
    let identifiers: Vec<String> = first(pairs, "mod_holders")
        .lines()
        .map(|l| l.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase())
        .filter(|l| !l.is_empty())
        .collect();
    let holders = if identifiers.is_empty() {
        None
    } else {
        let kind = match first(pairs, "mod_holders_kind").as_str() {
            "" | "none" => None,
            k => consortium::Kind::parse(k),
        };
        if identifiers.len() > 1 && kind.is_none() {
            problems.push(Problem::new("mod_holders_kind", "contract-error-choice"));
        }
        Some((identifiers, kind))
    };
    if object.is_none()
        && amount_cents.is_none()
        && duration_months.is_none()
        && holders.is_none()
        && problems.is_empty()
    {
        problems.push(Problem::new("mod_object", "contract-error-no-change"));
    }
    match notified_on {
        Some(notified_on) if problems.is_empty() => {
            Ok(Change { notified_on, reason, object, amount_cents, duration_months, holders })
        }
        _ => Err(problems),
    }
}

/// Records a modification of a signed contract as a new row: the contract itself is never
/// rewritten. A modification that changes nothing, or is notified before the contract or an
/// earlier modification (rewriting history), is refused.
pub fn modify(
    conn: &mut DbConnection,
    objective: ObjectiveId,
    change: &Change,
    agent: UserId,
    now: NaiveDateTime,
) -> Result<i32, AwardError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let status = status_of(conn, objective, now)?;
        if status != Status::InExecution {
            return Err(AwardError::WrongStage);
        }
        let contract = load(conn, objective)?.ok_or(AwardError::WrongStage)?;
        let current = contract.current();
        let last = contract.modifications.last().map_or(contract.notified_on, |m| m.notified_on);
        let mut problems = Vec::new();
        if change.notified_on < last {
            problems
                .push(Problem::new("mod_notified_on", "contract-error-history").with("date", last.format("%d/%m/%Y")));
        }
        if change.notified_on > paris_day(now) {
            problems.push(Problem::new("mod_notified_on", "contract-error-future"));
        }
        if change.object.as_ref().is_some_and(|o| *o == current.object) {
            problems.push(Problem::new("mod_object", "contract-error-unchanged"));
        }
        if change.amount_cents == Some(current.amount_cents) {
            problems.push(Problem::new("mod_amount", "contract-error-unchanged"));
        }
        if change.duration_months == Some(current.duration_months) {
            problems.push(Problem::new("mod_duration_months", "contract-error-unchanged"));
        }
        let holders = match &change.holders {
            None => None,
            Some((identifiers, kind)) => {
                let mut members = Vec::new();
                for identifier in identifiers {
                    let found: Option<(i64, String, String, String)> = organisations::table
                        .filter(organisations::identifier.eq(identifier))
                        .select((
                            organisations::id,
                            organisations::legal_name,
                            organisations::identifier_type,
                            organisations::identifier,
                        ))
                        .first(conn)
                        .optional()?;
                    match found {
                        Some((id, name, t, i)) => members.push(HolderOrganisation {
                            organisation_id: id,
                            name,
                            identifier_type: t,
                            identifier: i,
                        }),
                        None => problems.push(
                            Problem::new("mod_holders", "contract-error-unknown-holder").with("identifier", identifier),
                        ),
                    }
                }
                let kind = if members.len() > 1 { kind.map(|k| k.as_str().to_owned()) } else { None };
                let holder = Holder { kind, members };
                if std::slice::from_ref(&holder) == current.holders.as_slice() {
                    problems.push(Problem::new("mod_holders", "contract-error-unchanged"));
                }
                Some(vec![holder])
            }
        };
        if !problems.is_empty() {
            return Err(AwardError::Fields(problems));
        }
        let number = contract.modifications.last().map_or(1, |m| m.number + 1);
        diesel::insert_into(contract_modifications::table)
            .values((
                contract_modifications::objective_id.eq(objective),
                contract_modifications::number.eq(number),
                contract_modifications::notified_on.eq(change.notified_on),
                contract_modifications::reason.eq(&change.reason),
                contract_modifications::object.eq(change.object.as_deref()),
                contract_modifications::amount_cents.eq(change.amount_cents),
                contract_modifications::duration_months.eq(change.duration_months),
                contract_modifications::holders
                    .eq(holders.as_ref().map(|h| serde_json::to_string(h).unwrap_or_default())),
                contract_modifications::recorded_by.eq(agent),
                contract_modifications::recorded_at.eq(now),
            ))
            .execute(conn)?;
        let details = serde_json::json!({
            "number": number,
            "object": change.object.is_some(),
            "amount_cents": change.amount_cents,
            "duration_months": change.duration_months,
            "holders": holders.is_some(),
        });
        record(conn, &AuditActor::UserId(agent), Event::ContractModified, objective, details, now)?;
        Ok(number)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> FormPairs {
        v.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    #[test]
    fn amounts_are_read_in_french_or_english_notation() {
        assert_eq!(parse_amount("125 000,50"), Some(12_500_050));
        assert_eq!(parse_amount("125000.5"), Some(12_500_050));
        assert_eq!(parse_amount("42"), Some(4_200));
        assert_eq!(parse_amount("1,234"), None);
        assert_eq!(parse_amount("douze"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_amount("-3"), None);
    }

    #[test]
    fn codes_have_their_shapes() {
        assert!(valid_cpv("45000000") && valid_cpv("45000000-7"));
        assert!(!valid_cpv("4500000") && !valid_cpv("45000000-77") && !valid_cpv("ABCDEFGH"));
        assert!(PlaceKind::Commune.accepts("69123") && PlaceKind::Commune.accepts("2A004"));
        assert!(!PlaceKind::Commune.accepts("6912"));
        assert!(
            PlaceKind::Department.accepts("69")
                && PlaceKind::Department.accepts("2B")
                && PlaceKind::Department.accepts("974")
        );
        assert!(!PlaceKind::Department.accepts("20") && !PlaceKind::Department.accepts("691"));
        assert!(PlaceKind::Region.accepts("84") && !PlaceKind::Region.accepts("8"));
        assert!(PlaceKind::Country.accepts("FR") && !PlaceKind::Country.accepts("FRA"));
    }

    #[test]
    fn the_form_names_every_refused_field() {
        let problems = parse(&pairs(&[
            ("signed_on", "hier"),
            ("amount", "beaucoup"),
            ("place_kind", "commune"),
            ("place_code", "1"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        for f in [
            "object",
            "signed_on",
            "notified_on",
            "amount",
            "duration_months",
            "cpv",
            "place_code",
            "price_form",
            "price_basis",
            "subcontracting",
        ] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
        let ok = parse(&pairs(&[
            ("object", "Chaleur"),
            ("signed_on", "2027-01-10"),
            ("notified_on", "2027-01-12"),
            ("amount", "125 000"),
            ("duration_months", "48"),
            ("cpv", "09323000"),
            ("place_kind", "region"),
            ("place_code", "84"),
            ("price_form", "revisable"),
            ("price_basis", "lump_sum"),
            ("subcontracting", "no"),
            ("social_clause", "true"),
        ]))
        .unwrap();
        assert_eq!(ok.amount_cents, 12_500_000);
        assert!(ok.social_clause && !ok.environmental_clause);
        // Its hidden fields read back the same.
        let again: FormPairs = to_pairs(&ok).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(parse(&again).unwrap(), ok);
        // Notified before it was signed.
        let mut bad = to_pairs(&ok);
        bad[2].1 = "2027-01-09".into();
        let bad: FormPairs = bad.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        assert_eq!(parse(&bad).unwrap_err()[0].field, "notified_on");
    }

    #[test]
    fn modifications_are_applied_in_order_and_keep_the_original() {
        let holder = |n: &str| Holder {
            members: vec![HolderOrganisation {
                organisation_id: 1,
                name: n.into(),
                identifier_type: "siret".into(),
                identifier: "1".into(),
            }],
            kind: None,
        };
        let day = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let at = day.and_hms_opt(0, 0, 0).unwrap();
        let m = |number, amount, holders| Modification {
            number,
            notified_on: day,
            reason: "Avenant".into(),
            object: None,
            amount_cents: amount,
            duration_months: None,
            holders,
            recorded_at: at,
        };
        let c = Contract {
            objective: ObjectiveId(1),
            object: "Objet".into(),
            holders: vec![holder("A")],
            signed_on: day,
            notified_on: day,
            amount_cents: 100,
            duration_months: 12,
            cpv: "09323000".into(),
            place_code: "84".into(),
            place_kind: PlaceKind::Region,
            price_form: PriceForm::Firm,
            price_basis: PriceBasis::LumpSum,
            subcontracting: false,
            considerations: Considerations::default(),
            recorded_at: at,
            modifications: vec![m(1, Some(200), None), m(2, None, Some(vec![holder("B")]))],
        };
        let steps = c.steps();
        assert_eq!(steps[0].1.amount_cents, 200);
        assert_eq!(steps[0].1.holders, vec![holder("A")]);
        assert_eq!(steps[1].1.amount_cents, 200);
        assert_eq!(c.current().holders, vec![holder("B")]);
        assert_eq!(c.initial().amount_cents, 100, "the original stays as signed");
    }
}
