//! Objectives: the region's need statements, from draft to results, with their weighted criteria,
//! milestones and public amendments.
//!
//! The lifecycle is a checked state machine (`next`). "Closed" is never stored: a published
//! objective whose deadline has passed *is* closed (`Status::effective`), so no job is needed.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use diesel::prelude::*;

use crate::db::ids::{CriterionId, ObjectiveId, UserId};
use crate::db::schema::{amendments, milestones, objective_criteria, objectives};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, AuditEvent};
use crate::domain::criteria::Criterion;
use crate::domain::themes;

pub const NEED_MAX_CHARS: usize = 3000;
pub const MAX_MILESTONES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    Draft,
    Published,
    Closed,
    UnderEvaluation,
    ResultsPublished,
    Archived,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Draft,
        Status::Published,
        Status::Closed,
        Status::UnderEvaluation,
        Status::ResultsPublished,
        Status::Archived,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Published => "published",
            Status::Closed => "closed",
            Status::UnderEvaluation => "under_evaluation",
            Status::ResultsPublished => "results_published",
            Status::Archived => "archived",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The status as users see it: published and past its deadline is closed.
    pub fn effective(stored: &str, deadline: Option<NaiveDateTime>, now: NaiveDateTime) -> Status {
        match Status::parse(stored) {
            Some(Status::Published) if deadline.is_some_and(|d| now >= d) => Status::Closed,
            Some(s) => s,
            None => Status::Draft,
        }
    }
}

/// What an agent (or, later, the committee) asks of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Publish,
    Cancel,
    StartEvaluation,
    PublishResults,
    Archive,
}

/// The checked state machine.
pub fn next(current: Status, transition: Transition) -> Option<Status> {
    use Status::*;
    use Transition::*;
    match (current, transition) {
        (Draft, Publish) => Some(Published),
        (Published, Cancel) => Some(Cancelled),
        (Closed, StartEvaluation) => Some(UnderEvaluation),
        (UnderEvaluation, PublishResults) => Some(ResultsPublished),
        (ResultsPublished, Archive) => Some(Archived),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    Five,
    Ten,
    Twenty,
    Beyond,
}

impl Horizon {
    pub const ALL: [Horizon; 4] = [Horizon::Five, Horizon::Ten, Horizon::Twenty, Horizon::Beyond];
    pub fn as_str(self) -> &'static str {
        match self {
            Horizon::Five => "5",
            Horizon::Ten => "10",
            Horizon::Twenty => "20",
            Horizon::Beyond => "20+",
        }
    }
    pub fn parse(s: &str) -> Option<Horizon> {
        Self::ALL.into_iter().find(|h| h.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Identifiable)]
#[diesel(table_name = objectives)]
pub struct Objective {
    pub id: ObjectiveId,
    pub reference: String,
    pub title: String,
    pub need: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<NaiveDate>,
    pub deliberation_url: Option<String>,
    pub themes: String,
    pub horizon: String,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    pub deadline_at: Option<NaiveDateTime>,
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub status: String,
    pub cancel_reason: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    pub created_by: UserId,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The permanent practice objective: never listed, never opened.
    pub practice: bool,
    /// How members' scores combine: `mean` or `median`.
    pub aggregation: String,
    /// Committee members see "Proposal 7", never who deposited it.
    pub blind: bool,
    pub results_published_at: Option<NaiveDateTime>,
    /// The published results show the totals per criterion.
    pub results_per_criterion: bool,
}

impl Objective {
    pub fn theme_list(&self) -> Vec<String> {
        serde_json::from_str(&self.themes).unwrap_or_default()
    }
    pub fn status_at(&self, now: NaiveDateTime) -> Status {
        Status::effective(&self.status, self.deadline_at, now)
    }
}

/// One criterion of an objective, with its weight.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = objective_criteria)]
pub struct WeightedCriterion {
    pub criterion_id: CriterionId,
    pub weight: i32,
    pub eliminatory: bool,
    pub min_score: Option<i32>,
    pub position: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, serde::Serialize, serde::Deserialize)]
#[diesel(table_name = milestones)]
pub struct Milestone {
    pub due_on: NaiveDate,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = amendments)]
pub struct Amendment {
    pub id: crate::db::ids::AmendmentId,
    pub objective_id: ObjectiveId,
    pub occurred_at: NaiveDateTime,
    pub author_id: UserId,
    pub reason: String,
    pub changes: String,
    pub essential: bool,
}

/// One changed field of an amendment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Change {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Amendment {
    pub fn change_list(&self) -> Vec<Change> {
        serde_json::from_str(&self.changes).unwrap_or_default()
    }
}

/// An objective as an agent saved it: every value well-formed, not necessarily complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectiveDraft {
    pub title: String,
    pub need: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<NaiveDate>,
    pub deliberation_url: Option<String>,
    pub themes: Vec<String>,
    pub horizon: Horizon,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    pub deadline_at: Option<NaiveDateTime>,
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub criteria: Vec<WeightedCriterion>,
    pub milestones: Vec<Milestone>,
}

/// A refused value: the field, the catalogue key of the message, and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: &'static str,
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
}

impl Problem {
    pub fn new(field: &'static str, key: &'static str) -> Problem {
        Problem { field, key, args: Vec::new() }
    }
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Problem {
        self.args.push((name, value.to_string()));
        self
    }
}

/// Converts a wall-clock time in Europe/Paris (as typed in a form) to UTC. A time that does not
/// exist (the spring-forward hour) is refused; an ambiguous one (autumn) takes the earlier instant.
pub fn paris_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    chrono_tz::Europe::Paris.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc).naive_utc())
}

/// The form's raw values, field name → values (checkboxes and repeated fields give several).
pub type FormPairs = Vec<(String, String)>;

/// The first value of a field, trimmed, with Windows line ends made Unix and NUL characters
/// (which PostgreSQL refuses in text) removed.
pub fn first(pairs: &FormPairs, name: &str) -> String {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim().replace("\r\n", "\n").replace(['\r', '\0'], ""))
        .unwrap_or_default()
}

fn bounded(problems: &mut Vec<Problem>, field: &'static str, value: String, max: usize) -> String {
    if value.chars().count() > max {
        problems.push(Problem::new(field, "objective-error-too-long").with("max", max));
    }
    value
}

/// Parses the objective form against the catalogue's active criteria.
pub fn parse_form(pairs: &FormPairs, catalogue: &[Criterion]) -> Result<ObjectiveDraft, Vec<Problem>> {
    let mut problems = Vec::new();
    let title = bounded(&mut problems, "title", first(pairs, "title"), 200);
    let need = first(pairs, "need");
    if need.chars().count() > NEED_MAX_CHARS {
        problems.push(
            Problem::new("need", "objective-error-need-length")
                .with("max", NEED_MAX_CHARS)
                .with("count", need.chars().count()),
        );
    }
    let political_objective = bounded(&mut problems, "political_objective", first(pairs, "political_objective"), 1000);
    let deliberation_ref = bounded(&mut problems, "deliberation_ref", first(pairs, "deliberation_ref"), 100);
    let deliberation_date = match first(pairs, "deliberation_date").as_str() {
        "" => None,
        raw => match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                problems.push(Problem::new("deliberation_date", "objective-error-date"));
                None
            }
        },
    };
    let deliberation_url = match first(pairs, "deliberation_url").as_str() {
        "" => None,
        raw => match url::Url::parse(raw) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && raw.len() <= 500 => Some(raw.to_owned()),
            _ => {
                problems.push(Problem::new("deliberation_url", "objective-error-url"));
                None
            }
        },
    };
    let mut themes: Vec<String> =
        pairs.iter().filter(|(k, _)| k == "themes").map(|(_, v)| v.trim().to_owned()).collect();
    themes.dedup();
    if themes.iter().any(|t| !themes::is_theme(t)) {
        problems.push(Problem::new("themes", "objective-error-theme"));
    }
    let horizon_raw = first(pairs, "horizon");
    let horizon = Horizon::parse(if horizon_raw.is_empty() { "10" } else { &horizon_raw }).unwrap_or_else(|| {
        problems.push(Problem::new("horizon", "objective-error-horizon"));
        Horizon::Ten
    });
    let budget_euros = match first(pairs, "budget_euros").replace([' ', '\u{a0}', '\u{202f}'], "").as_str() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(n) if (0..=100_000_000_000).contains(&n) => Some(n),
            _ => {
                problems.push(Problem::new("budget_euros", "objective-error-budget"));
                None
            }
        },
    };
    let place = bounded(&mut problems, "place", first(pairs, "place"), 200);
    let contact = bounded(&mut problems, "contact", first(pairs, "contact"), 200);
    let deadline_at = match first(pairs, "deadline").as_str() {
        "" => None,
        raw => match NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M") {
            Err(_) => {
                problems.push(Problem::new("deadline", "objective-error-deadline-format"));
                None
            }
            Ok(local) => match paris_to_utc(local) {
                Some(utc) => Some(utc),
                None => {
                    // The hour skipped when clocks go forward.
                    problems.push(Problem::new("deadline", "objective-error-deadline-gap"));
                    None
                }
            },
        },
    };
    let shortlist_rule = match first(pairs, "shortlist_rule").as_str() {
        "top" | "" => "top",
        "min" => "min",
        _ => {
            problems.push(Problem::new("shortlist_rule", "objective-error-shortlist"));
            "top"
        }
    }
    .to_owned();
    let shortlist_value = match first(pairs, "shortlist_value").parse::<i32>() {
        Ok(n) if shortlist_rule == "top" && (1..=1000).contains(&n) => n,
        Ok(n) if shortlist_rule == "min" && (0..=100).contains(&n) => n,
        _ if first(pairs, "shortlist_value").is_empty() => 5,
        _ => {
            problems.push(Problem::new("shortlist_value", "objective-error-shortlist"));
            5
        }
    };

    let mut criteria = Vec::new();
    for (position, c) in catalogue.iter().enumerate() {
        let weight_raw = first(pairs, &format!("w_{}", c.id));
        let weight_raw = weight_raw.as_str();
        if weight_raw.is_empty() || weight_raw == "0" {
            continue;
        }
        let Ok(weight) = weight_raw.parse::<i32>() else {
            problems.push(Problem::new("criteria", "objective-error-weight").with("criterion", c.id.0));
            continue;
        };
        if !(1..=100).contains(&weight) {
            problems.push(Problem::new("criteria", "objective-error-weight").with("criterion", c.id.0));
            continue;
        }
        let eliminatory = !first(pairs, &format!("elim_{}", c.id)).is_empty();
        let min_score = match first(pairs, &format!("min_{}", c.id)).as_str() {
            "" => None,
            raw => match raw.parse::<i32>() {
                Ok(n) if (1..=5).contains(&n) => Some(n),
                _ => {
                    problems.push(Problem::new("criteria", "objective-error-min-score").with("criterion", c.id.0));
                    None
                }
            },
        };
        if eliminatory && min_score.is_none() {
            problems.push(Problem::new("criteria", "objective-error-min-score").with("criterion", c.id.0));
        }
        criteria.push(WeightedCriterion {
            criterion_id: c.id,
            weight,
            eliminatory,
            min_score: if eliminatory { min_score } else { None },
            position: position as i32,
        });
    }

    let mut milestones = Vec::new();
    for i in 0..MAX_MILESTONES {
        let (date, label) = (first(pairs, &format!("m_date_{i}")), first(pairs, &format!("m_label_{i}")));
        let (date, label) = (date.as_str(), label.as_str());
        if date.is_empty() && label.is_empty() {
            continue;
        }
        match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Ok(due_on) if !label.is_empty() && label.chars().count() <= 200 => {
                milestones.push(Milestone { due_on, label: label.to_owned() })
            }
            _ => problems.push(Problem::new("milestones", "objective-error-milestone").with("n", i + 1)),
        }
    }
    milestones.sort_by_key(|m| m.due_on);

    if problems.is_empty() {
        Ok(ObjectiveDraft {
            title,
            need,
            political_objective,
            deliberation_ref,
            deliberation_date,
            deliberation_url,
            themes,
            horizon,
            budget_euros,
            place,
            contact,
            deadline_at,
            shortlist_rule,
            shortlist_value,
            criteria,
            milestones,
        })
    } else {
        Err(problems)
    }
}

/// What publishing still needs. Empty when the objective can be published at `now`.
pub fn missing_for_publication(
    draft: &ObjectiveDraft,
    catalogue: &[Criterion],
    now: NaiveDateTime,
    min_response: chrono::Duration,
) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (field, value) in [
        ("title", &draft.title),
        ("need", &draft.need),
        ("political_objective", &draft.political_objective),
        ("deliberation_ref", &draft.deliberation_ref),
        ("place", &draft.place),
        ("contact", &draft.contact),
    ] {
        if value.trim().is_empty() {
            problems.push(Problem::new(field, "objective-error-required"));
        }
    }
    if draft.deliberation_date.is_none() {
        problems.push(Problem::new("deliberation_date", "objective-error-required"));
    }
    if draft.themes.is_empty() {
        problems.push(Problem::new("themes", "objective-error-themes-required"));
    }
    match draft.deadline_at {
        None => problems.push(Problem::new("deadline", "objective-error-required")),
        Some(d) if d <= now => problems.push(Problem::new("deadline", "objective-error-deadline-past")),
        Some(d) if d < now + min_response => {
            let days = min_response.num_days();
            let hours = min_response.num_hours();
            let period = if days >= 1 {
                format!("{days} j")
            } else if hours >= 1 {
                format!("{hours} h")
            } else {
                format!("{} s", min_response.num_seconds())
            };
            problems.push(Problem::new("deadline", "objective-error-deadline-close").with("period", period));
        }
        Some(_) => {}
    }
    problems.extend(criteria_problems(&draft.criteria, catalogue));
    problems
}

/// Weights sum to 100 and at least one criterion is environmental.
pub fn criteria_problems(weights: &[WeightedCriterion], catalogue: &[Criterion]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let sum: i32 = weights.iter().map(|w| w.weight).sum();
    if sum != 100 {
        let key = if sum < 100 { "objective-error-weights-under" } else { "objective-error-weights-over" };
        problems.push(Problem::new("criteria", key).with("sum", sum).with("diff", (100 - sum).abs()));
    }
    let has_environmental =
        weights.iter().any(|w| catalogue.iter().any(|c| c.id == w.criterion_id && c.is_environmental()));
    if !has_environmental {
        problems.push(Problem::new("criteria", "objective-error-environmental"));
    }
    problems
}

impl ObjectiveDraft {
    /// The draft a stored objective corresponds to (to compare with an edit).
    pub fn from_stored(o: &Objective, criteria: &[WeightedCriterion], milestones: &[Milestone]) -> ObjectiveDraft {
        ObjectiveDraft {
            title: o.title.clone(),
            need: o.need.clone(),
            political_objective: o.political_objective.clone(),
            deliberation_ref: o.deliberation_ref.clone(),
            deliberation_date: o.deliberation_date,
            deliberation_url: o.deliberation_url.clone(),
            themes: o.theme_list(),
            horizon: Horizon::parse(&o.horizon).unwrap_or(Horizon::Ten),
            budget_euros: o.budget_euros,
            place: o.place.clone(),
            contact: o.contact.clone(),
            deadline_at: o.deadline_at,
            shortlist_rule: o.shortlist_rule.clone(),
            shortlist_value: o.shortlist_value,
            criteria: criteria.to_vec(),
            milestones: milestones.to_vec(),
        }
    }
}

/// The changes from `before` to `after`, as (field, before, after) in plain text, and whether
/// they are essential (the need, the criteria or weights, the deadline).
pub fn diff(before: &ObjectiveDraft, after: &ObjectiveDraft, catalogue: &[Criterion]) -> (Vec<Change>, bool) {
    let mut changes = Vec::new();
    let mut push = |field: &str, b: String, a: String| {
        if b != a {
            changes.push(Change { field: field.to_owned(), before: b, after: a });
        }
    };
    let opt = |v: Option<String>| v.unwrap_or_default();
    push("title", before.title.clone(), after.title.clone());
    push("need", before.need.clone(), after.need.clone());
    push("political_objective", before.political_objective.clone(), after.political_objective.clone());
    push("deliberation_ref", before.deliberation_ref.clone(), after.deliberation_ref.clone());
    push(
        "deliberation_date",
        opt(before.deliberation_date.map(|d| d.to_string())),
        opt(after.deliberation_date.map(|d| d.to_string())),
    );
    push("deliberation_url", opt(before.deliberation_url.clone()), opt(after.deliberation_url.clone()));
    push("themes", before.themes.join(", "), after.themes.join(", "));
    push("horizon", before.horizon.as_str().to_owned(), after.horizon.as_str().to_owned());
    push(
        "budget_euros",
        opt(before.budget_euros.map(|b| b.to_string())),
        opt(after.budget_euros.map(|b| b.to_string())),
    );
    push("place", before.place.clone(), after.place.clone());
    push("contact", before.contact.clone(), after.contact.clone());
    let when = |d: Option<NaiveDateTime>| d.map(|d| format!("{}Z", d.format("%Y-%m-%dT%H:%M:%S"))).unwrap_or_default();
    push("deadline", when(before.deadline_at), when(after.deadline_at));
    let rule = |d: &ObjectiveDraft| format!("{} {}", d.shortlist_rule, d.shortlist_value);
    push("shortlist", rule(before), rule(after));
    let describe = |ws: &[WeightedCriterion]| {
        let mut parts: Vec<String> = ws
            .iter()
            .map(|w| {
                let name = catalogue
                    .iter()
                    .find(|c| c.id == w.criterion_id)
                    .map_or_else(|| w.criterion_id.to_string(), |c| c.code.clone());
                match (w.eliminatory, w.min_score) {
                    (true, Some(m)) => format!("{name} {}% (≥{m})", w.weight),
                    _ => format!("{name} {}%", w.weight),
                }
            })
            .collect();
        parts.sort();
        parts.join(", ")
    };
    push("criteria", describe(&before.criteria), describe(&after.criteria));
    let ms = |d: &ObjectiveDraft| {
        d.milestones.iter().map(|m| format!("{} {}", m.due_on, m.label)).collect::<Vec<_>>().join("; ")
    };
    push("milestones", ms(before), ms(after));
    // The shortlist rule decides who is retained: as essential as the weights.
    let essential = changes.iter().any(|c| matches!(c.field.as_str(), "need" | "criteria" | "deadline" | "shortlist"));
    (changes, essential)
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = objectives)]
#[diesel(treat_none_as_null = true)]
struct ObjectiveFields<'a> {
    title: &'a str,
    need: &'a str,
    political_objective: &'a str,
    deliberation_ref: &'a str,
    deliberation_date: Option<NaiveDate>,
    deliberation_url: Option<&'a str>,
    themes: String,
    horizon: &'a str,
    budget_euros: Option<i64>,
    place: &'a str,
    contact: &'a str,
    deadline_at: Option<NaiveDateTime>,
    shortlist_rule: &'a str,
    shortlist_value: i32,
    updated_at: NaiveDateTime,
    search_text: String,
}

fn fields(d: &ObjectiveDraft, now: NaiveDateTime) -> ObjectiveFields<'_> {
    let theme_names: Vec<String> = d
        .themes
        .iter()
        .flat_map(|t| [themes::name(t, crate::i18n::Lang::Fr), themes::name(t, crate::i18n::Lang::En)])
        .collect();
    let theme_text = theme_names.join(" ");
    ObjectiveFields {
        search_text: crate::domain::search::index_text(&[
            &d.title,
            &d.need,
            &d.political_objective,
            &d.place,
            &theme_text,
        ]),
        title: &d.title,
        need: &d.need,
        political_objective: &d.political_objective,
        deliberation_ref: &d.deliberation_ref,
        deliberation_date: d.deliberation_date,
        deliberation_url: d.deliberation_url.as_deref(),
        themes: serde_json::to_string(&d.themes).unwrap_or_else(|_| "[]".into()),
        horizon: d.horizon.as_str(),
        budget_euros: d.budget_euros,
        place: &d.place,
        contact: &d.contact,
        deadline_at: d.deadline_at,
        shortlist_rule: &d.shortlist_rule,
        shortlist_value: d.shortlist_value,
        updated_at: now,
    }
}

fn replace_children(conn: &mut DbConnection, id: ObjectiveId, d: &ObjectiveDraft) -> QueryResult<()> {
    diesel::delete(objective_criteria::table.filter(objective_criteria::objective_id.eq(id))).execute(conn)?;
    for w in &d.criteria {
        diesel::insert_into(objective_criteria::table)
            .values((
                objective_criteria::objective_id.eq(id),
                objective_criteria::criterion_id.eq(w.criterion_id),
                objective_criteria::weight.eq(w.weight),
                objective_criteria::eliminatory.eq(w.eliminatory),
                objective_criteria::min_score.eq(w.min_score),
                objective_criteria::position.eq(w.position),
            ))
            .execute(conn)?;
    }
    diesel::delete(milestones::table.filter(milestones::objective_id.eq(id))).execute(conn)?;
    for m in &d.milestones {
        diesel::insert_into(milestones::table)
            .values((milestones::objective_id.eq(id), milestones::due_on.eq(m.due_on), milestones::label.eq(&m.label)))
            .execute(conn)?;
    }
    Ok(())
}

fn record(
    conn: &mut DbConnection,
    actor: &AuditActor,
    action: &str,
    id: ObjectiveId,
    details: serde_json::Value,
    now: NaiveDateTime,
) -> QueryResult<()> {
    audit::append(
        conn,
        &AuditEvent { actor, action, object_type: "objective", object_id: id.to_string(), details },
        now,
    )
    .map(|_| ())
}

/// Creates a draft and gives it its public reference (`AO-<year>-<number>`).
pub fn create(
    conn: &mut DbConnection,
    d: &ObjectiveDraft,
    author: UserId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<ObjectiveId> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let provisional = format!("draft-{}", crate::domain::secret_token::generate());
        let id: ObjectiveId = diesel::insert_into(objectives::table)
            .values((
                fields(d, now),
                objectives::reference.eq(&provisional),
                objectives::status.eq(Status::Draft.as_str()),
                objectives::created_by.eq(author),
                objectives::created_at.eq(now),
            ))
            .returning(objectives::id)
            .get_result(conn)?;
        let reference = format!("AO-{}-{:04}", now.format("%Y"), id.0);
        diesel::update(objectives::table.find(id)).set(objectives::reference.eq(&reference)).execute(conn)?;
        replace_children(conn, id, d)?;
        record(
            conn,
            actor,
            "objective.created",
            id,
            serde_json::json!({ "reference": reference, "title": d.title }),
            now,
        )?;
        Ok(id)
    })
}

/// Everything about one objective.
#[derive(Debug, Clone)]
pub struct ObjectiveFull {
    pub objective: Objective,
    pub criteria: Vec<WeightedCriterion>,
    pub milestones: Vec<Milestone>,
    pub amendments: Vec<Amendment>,
}

impl ObjectiveFull {
    pub fn draft(&self) -> ObjectiveDraft {
        ObjectiveDraft::from_stored(&self.objective, &self.criteria, &self.milestones)
    }
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

pub fn load(conn: &mut DbConnection, id: ObjectiveId) -> QueryResult<Option<ObjectiveFull>> {
    let Some(objective) = objectives::table.find(id).select(Objective::as_select()).first(conn).optional()? else {
        return Ok(None);
    };
    let criteria = objective_criteria::table
        .filter(objective_criteria::objective_id.eq(id))
        .order(objective_criteria::position.asc())
        .select(WeightedCriterion::as_select())
        .load(conn)?;
    let milestones = milestones::table
        .filter(milestones::objective_id.eq(id))
        .order((milestones::due_on.asc(), milestones::id.asc()))
        .select(Milestone::as_select())
        .load(conn)?;
    let amendments = amendments::table
        .filter(amendments::objective_id.eq(id))
        .order(amendments::id.asc())
        .select(Amendment::as_select())
        .load(conn)?;
    Ok(Some(ObjectiveFull { objective, criteria, milestones, amendments }))
}

/// Why a change to an objective was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObjectiveError {
    #[error("not found")]
    NotFound,
    #[error("the objective cannot change from its current status")]
    WrongStatus(Status),
    #[error("the objective is incomplete")]
    Incomplete(Vec<Problem>),
    #[error("the amendment needs a reason")]
    ReasonRequired,
    #[error("the reason is longer than 2000 characters")]
    ReasonTooLong,
    #[error("a published deadline can only be extended")]
    DeadlineBroughtForward,
    #[error("nothing changed")]
    NothingChanged,
    #[error("database error: {0}")]
    Db(String),
}

impl From<diesel::result::Error> for ObjectiveError {
    fn from(e: diesel::result::Error) -> Self {
        ObjectiveError::Db(e.to_string())
    }
}

/// Saves an agent's edit. A draft is simply updated. A published objective (before its deadline)
/// is amended: every change recorded with its reason, essential ones flagged; the deadline may
/// only move later.
/// Who acts, with what, and when: shared by the operations that change objectives.
pub struct Editing<'a> {
    pub catalogue: &'a [Criterion],
    pub actor: &'a AuditActor,
    pub links: crate::domain::following::MailLinks<'a>,
    pub now: NaiveDateTime,
}

pub fn save(
    conn: &mut DbConnection,
    id: ObjectiveId,
    edit: &ObjectiveDraft,
    reason: &str,
    cx: &Editing<'_>,
) -> Result<Option<Vec<Change>>, ObjectiveError> {
    let Editing { catalogue, actor, links, now } = *cx;
    let author = match actor {
        AuditActor::User { id, .. } => *id,
        _ => return Err(ObjectiveError::WrongStatus(Status::Draft)),
    };
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        // Deposits on this objective wait for the amendment (see `proposals::deposits`): each is
        // wholly before it (and mailed to reconfirm) or wholly after it.
        crate::db::serialize(conn, crate::domain::proposals::objective_lock_key(id))?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        if current.objective.practice {
            return Err(ObjectiveError::WrongStatus(Status::Published));
        }
        match current.objective.status_at(now) {
            Status::Draft => {
                diesel::update(objectives::table.find(id)).set(fields(edit, now)).execute(conn)?;
                replace_children(conn, id, edit)?;
                Ok(None)
            }
            Status::Published => {
                let before = current.draft();
                let (changes, essential) = diff(&before, edit, catalogue);
                if changes.is_empty() {
                    return Err(ObjectiveError::NothingChanged);
                }
                if reason.trim().is_empty() {
                    return Err(ObjectiveError::ReasonRequired);
                }
                if reason.chars().count() > 2000 {
                    return Err(ObjectiveError::ReasonTooLong);
                }
                if let (Some(b), Some(a)) = (before.deadline_at, edit.deadline_at)
                    && a < b
                {
                    return Err(ObjectiveError::DeadlineBroughtForward);
                }
                if edit.deadline_at.is_none() {
                    return Err(ObjectiveError::DeadlineBroughtForward);
                }
                let problems: Vec<Problem> = missing_for_publication(edit, catalogue, now, chrono::Duration::zero())
                    .into_iter()
                    // An unchanged deadline may already be closer than the minimum period.
                    .filter(|p| p.key != "objective-error-deadline-close")
                    .collect();
                if !problems.is_empty() {
                    return Err(ObjectiveError::Incomplete(problems));
                }
                diesel::update(objectives::table.find(id)).set(fields(edit, now)).execute(conn)?;
                replace_children(conn, id, edit)?;
                diesel::insert_into(amendments::table)
                    .values((
                        amendments::objective_id.eq(id),
                        amendments::occurred_at.eq(now),
                        amendments::author_id.eq(author),
                        amendments::reason.eq(reason.trim()),
                        amendments::changes.eq(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into())),
                        amendments::essential.eq(essential),
                    ))
                    .execute(conn)?;
                let fields_changed: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
                record(
                    conn,
                    actor,
                    "objective.amended",
                    id,
                    serde_json::json!({ "fields": fields_changed, "essential": essential, "reason": reason.trim() }),
                    now,
                )?;
                if essential {
                    crate::domain::following::notify_amendment(conn, id, &before.themes, reason.trim(), links, now)?;
                    let link = |p: crate::db::ids::ProposalId| links.path(&format!("proposals/{p}"));
                    crate::domain::proposals::opening::notify_reconfirmation(conn, id, &link, now)?;
                }
                Ok(Some(changes))
            }
            other => Err(ObjectiveError::WrongStatus(other)),
        }
    })
}

/// Publishes a complete draft whose deadline is far enough ahead.
pub fn publish(
    conn: &mut DbConnection,
    id: ObjectiveId,
    min_response: chrono::Duration,
    cx: &Editing<'_>,
) -> Result<(), ObjectiveError> {
    let Editing { catalogue, actor, links, now } = *cx;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if next(status, Transition::Publish).is_none() {
            return Err(ObjectiveError::WrongStatus(status));
        }
        let problems = missing_for_publication(&current.draft(), catalogue, now, min_response);
        if !problems.is_empty() {
            return Err(ObjectiveError::Incomplete(problems));
        }
        diesel::update(objectives::table.find(id))
            .set((
                objectives::status.eq(Status::Published.as_str()),
                objectives::published_at.eq(Some(now)),
                objectives::updated_at.eq(now),
            ))
            .execute(conn)?;
        record(
            conn,
            actor,
            "objective.published",
            id,
            serde_json::json!({ "reference": current.objective.reference, "deadline": current.objective.deadline_at.map(|d| d.to_string()) }),
            now,
        )?;
        crate::domain::following::notify_publication(conn, id, links, now)?;
        Ok(())
    })
}

/// Cancels a published objective, before its deadline, with a public reason.
pub fn cancel(conn: &mut DbConnection, id: ObjectiveId, reason: &str, cx: &Editing<'_>) -> Result<(), ObjectiveError> {
    if reason.trim().is_empty() {
        return Err(ObjectiveError::ReasonRequired);
    }
    if reason.chars().count() > 2000 {
        return Err(ObjectiveError::ReasonTooLong);
    }
    let Editing { actor, links, now, .. } = *cx;
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if next(status, Transition::Cancel).is_none() || current.objective.practice {
            return Err(ObjectiveError::WrongStatus(status));
        }
        diesel::update(objectives::table.find(id))
            .set((
                objectives::status.eq(Status::Cancelled.as_str()),
                objectives::cancel_reason.eq(Some(reason.trim())),
                objectives::cancelled_at.eq(Some(now)),
                objectives::updated_at.eq(now),
            ))
            .execute(conn)?;
        record(conn, actor, "objective.cancelled", id, serde_json::json!({ "reason": reason.trim() }), now)?;
        crate::domain::following::notify_cancellation(conn, id, reason.trim(), links, now)?;
        Ok(())
    })
}

/// Deletes a draft (never a published objective).
pub fn delete_draft(
    conn: &mut DbConnection,
    id: ObjectiveId,
    actor: &AuditActor,
    now: NaiveDateTime,
) -> Result<(), ObjectiveError> {
    write_tx(conn, |conn| {
        crate::db::serialize(conn, crate::db::LOCK_OBJECTIVES)?;
        let current = load(conn, id)?.ok_or(ObjectiveError::NotFound)?;
        let status = current.objective.status_at(now);
        if status != Status::Draft {
            return Err(ObjectiveError::WrongStatus(status));
        }
        diesel::delete(objectives::table.find(id)).execute(conn)?;
        record(
            conn,
            actor,
            "objective.draft_deleted",
            id,
            serde_json::json!({ "title": current.objective.title }),
            now,
        )?;
        Ok(())
    })
}

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

/// Documents added to a published objective: a public (not essential) amendment.
pub fn record_documents_amendment(
    conn: &mut DbConnection,
    id: ObjectiveId,
    reason: &str,
    names: &[String],
    cx: &Editing<'_>,
) -> QueryResult<()> {
    let author = match cx.actor {
        AuditActor::User { id, .. } => *id,
        _ => return Ok(()),
    };
    let changes = vec![Change { field: "documents".into(), before: String::new(), after: names.join(", ") }];
    diesel::insert_into(amendments::table)
        .values((
            amendments::objective_id.eq(id),
            amendments::occurred_at.eq(cx.now),
            amendments::author_id.eq(author),
            amendments::reason.eq(reason.trim()),
            amendments::changes.eq(serde_json::to_string(&changes).unwrap_or_else(|_| "[]".into())),
            amendments::essential.eq(false),
        ))
        .execute(conn)?;
    record(
        conn,
        cx.actor,
        "objective.amended",
        id,
        serde_json::json!({ "fields": ["documents"], "essential": false, "reason": reason.trim() }),
        cx.now,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn a_published_objective_is_closed_once_its_deadline_passes() {
        let deadline = Some(at("2027-03-01 11:00"));
        assert_eq!(Status::effective("published", deadline, at("2027-03-01 10:59")), Status::Published);
        assert_eq!(Status::effective("published", deadline, at("2027-03-01 11:00")), Status::Closed);
        assert_eq!(Status::effective("cancelled", deadline, at("2027-04-01 00:00")), Status::Cancelled);
    }

    #[test]
    fn the_state_machine_allows_only_its_transitions() {
        use Status::*;
        use Transition::*;
        let allowed = [
            (Draft, Publish, Published),
            (Published, Cancel, Cancelled),
            (Closed, StartEvaluation, UnderEvaluation),
            (UnderEvaluation, PublishResults, ResultsPublished),
            (ResultsPublished, Archive, Archived),
        ];
        for from in Status::ALL {
            for t in [Publish, Cancel, StartEvaluation, PublishResults, Archive] {
                let expected = allowed.iter().find(|(f, tr, _)| *f == from && *tr == t).map(|(_, _, to)| *to);
                assert_eq!(next(from, t), expected, "{from:?} --{t:?}-->");
            }
        }
    }

    #[test]
    fn paris_times_become_utc_with_summer_time() {
        assert_eq!(paris_to_utc(at("2027-01-15 12:00")), Some(at("2027-01-15 11:00")));
        assert_eq!(paris_to_utc(at("2027-07-15 12:00")), Some(at("2027-07-15 10:00")));
        // 02:30 on the last Sunday of March 2027 does not exist in Paris.
        assert_eq!(paris_to_utc(at("2027-03-28 02:30")), None);
    }
}
