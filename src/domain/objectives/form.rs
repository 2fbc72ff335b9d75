//! The objective form: parsing an agent's input into an [`ObjectiveDraft`] (every value
//! well-formed, not necessarily complete), and what the draft still needs to be published.

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::{Horizon, Milestone, Objective, WeightedCriterion};
use crate::domain::criteria::Criterion;
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::themes;

pub const NEED_MAX_CHARS: usize = 3000;
pub const MAX_MILESTONES: usize = 8;

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

/// Converts a wall-clock time in Europe/Paris (as typed in a form) to UTC. A time that does not
/// exist (the spring-forward hour) is refused; an ambiguous one (autumn) takes the earlier instant.
pub fn paris_to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    chrono_tz::Europe::Paris.from_local_datetime(&local).earliest().map(|t| t.with_timezone(&Utc).naive_utc())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn paris_times_become_utc_with_summer_time() {
        assert_eq!(paris_to_utc(at("2027-01-15 12:00")), Some(at("2027-01-15 11:00")));
        assert_eq!(paris_to_utc(at("2027-07-15 12:00")), Some(at("2027-07-15 10:00")));
        // 02:30 on the last Sunday of March 2027 does not exist in Paris.
        assert_eq!(paris_to_utc(at("2027-03-28 02:30")), None);
    }
}
