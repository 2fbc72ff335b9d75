//! Open Contracting Data Standard 1.1 release packages of published objectives: tender and
//! tender period, enquiries (questions and answers), amendments, award criteria with weights
//! (awardCriteriaBreakdown on a single lot) and sustainability goals. Pure: data in, JSON out.

use chrono::NaiveDateTime;
use serde_json::{Value, json};
use sha2::Digest;

use crate::domain::criteria::Criterion;
use crate::domain::markdown;
use crate::domain::objectives::{ObjectiveFull, Status};
use crate::domain::questions::Question;

pub const EXTENSIONS: [&str; 5] = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_lots_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_awardCriteriaBreakdown_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_enquiry_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_sustainability_extension/master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/master/extension.json",
];

/// What the bid extension publishes of the proposals, after the deadline.
#[derive(Debug, Clone, PartialEq)]
pub struct Bids {
    /// When the statistics were established (the deadline).
    pub date: NaiveDateTime,
    /// Organisations with a deposit standing at the deadline.
    pub received: usize,
    /// Each proposal's status and rank, once the results are published.
    pub details: Option<Vec<BidDetail>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BidDetail {
    pub id: String,
    pub date: Option<NaiveDateTime>,
    /// `valid`, `disqualified` or `withdrawn`.
    pub status: &'static str,
    pub rank: Option<usize>,
    pub shortlisted: bool,
    /// The organisations, named for shortlisted proposals only: (party id, name).
    pub tenderers: Vec<(String, String)>,
}

/// The licence of the published data: the French government's open licence.
pub const LICENSE: &str = "https://www.etalab.gouv.fr/licence-ouverte-open-licence";

/// Who publishes, and how releases are identified.
pub struct Publisher<'a> {
    pub buyer_name: &'a str,
    pub ocid_prefix: &'a str,
}

fn when(t: NaiveDateTime) -> String {
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

fn tender_status(status: Status) -> &'static str {
    match status {
        Status::Draft => "planning",
        Status::Published | Status::Closed | Status::UnderEvaluation => "active",
        Status::ResultsPublished | Status::Awarded | Status::InExecution | Status::Completed | Status::Archived => {
            "complete"
        }
        // OCDS: "no suppliers were selected" — the procedure ended without an award.
        Status::NotAwarded => "unsuccessful",
        Status::Cancelled => "cancelled",
    }
}

/// One release: the objective as it stands at `now`.
pub fn release(
    full: &ObjectiveFull,
    questions: &[Question],
    catalogue: &[Criterion],
    bids: Option<&Bids>,
    publisher: &Publisher<'_>,
    now: NaiveDateTime,
) -> Value {
    let o = &full.objective;
    let status = o.status_at(now);
    let tag = match status {
        Status::Cancelled => "tenderCancellation",
        Status::Published if !full.amendments.is_empty() => "tenderAmendment",
        Status::Published => "tender",
        _ => "tenderUpdate",
    };
    let buyer = json!({ "id": "buyer", "name": publisher.buyer_name });
    let criteria: Vec<Value> = full
        .criteria
        .iter()
        .filter_map(|w| {
            let c = catalogue.iter().find(|c| c.id == w.criterion_id)?;
            let mut numbers = vec![json!({ "number": w.weight, "weight": "percentageExact" })];
            if let (true, Some(min)) = (w.eliminatory, w.min_score) {
                numbers.push(json!({ "number": min, "threshold": "minimumScore" }));
            }
            Some(json!({ "type": "quality", "name": c.name_fr, "description": c.description_fr, "numbers": numbers }))
        })
        .collect();
    let mut goals: Vec<String> = full
        .criteria
        .iter()
        .filter_map(|w| catalogue.iter().find(|c| c.id == w.criterion_id))
        .map(|c| c.goal.clone())
        .collect();
    goals.sort();
    goals.dedup();
    let enquiries: Vec<Value> = questions
        .iter()
        .filter_map(|q| {
            Some(json!({
                "id": q.id.to_string(),
                "date": when(q.asked_at),
                "description": q.question,
                "answer": q.answer.as_ref()?,
                "dateAnswered": when(q.answered_at?),
            }))
        })
        .collect();
    let amendments: Vec<Value> = full
        .amendments
        .iter()
        .map(|a| {
            let fields: Vec<String> = a.change_list().into_iter().map(|c| c.field).collect();
            json!({
                "id": a.id.to_string(),
                "date": when(a.occurred_at),
                "rationale": a.reason,
                "description": format!("{}{}", if a.essential { "Essential amendment: " } else { "Amendment: " }, fields.join(", ")),
            })
        })
        .collect();
    let milestones: Vec<Value> = full
        .milestones
        .iter()
        .enumerate()
        .map(|(i, m)| json!({ "id": (i + 1).to_string(), "title": m.label, "dueDate": format!("{}T00:00:00Z", m.due_on), "type": "delivery" }))
        .collect();

    let mut tender = json!({
        "id": o.reference,
        "title": o.title,
        "description": markdown::plain(&o.need, 10_000),
        "status": tender_status(status),
        "procuringEntity": buyer,
        "procurementMethod": "open",
        "procurementMethodDetails": "Achat ouvert : énoncé de besoin, propositions libres évaluées sur des critères de développement durable",
        "awardCriteria": "ratedCriteria",
        "awardCriteriaDetails": match o.shortlist_rule.as_str() {
            "min" => format!("Présélection des propositions obtenant au moins {}/100", o.shortlist_value),
            _ => format!("Présélection des {} meilleures propositions", o.shortlist_value),
        },
        "hasEnquiries": !enquiries.is_empty(),
        "lots": [{
            "id": "1",
            "title": o.title,
            "status": tender_status(status),
        }],
        "hasSustainability": !goals.is_empty(),
    });
    if let Some(map) = tender.as_object_mut() {
        if let Some(published) = o.published_at {
            let mut period = json!({ "startDate": when(published) });
            if let Some(deadline) = o.deadline_at {
                period["endDate"] = json!(when(deadline));
            }
            map.insert("tenderPeriod".into(), period.clone());
            map.insert("enquiryPeriod".into(), period);
        }
        if let Some(budget) = o.budget_euros {
            map.insert("value".into(), json!({ "amount": budget, "currency": "EUR" }));
        }
        if !criteria.is_empty()
            && let Some(lot) = map.get_mut("lots").and_then(|l| l.get_mut(0))
        {
            lot["awardCriteria"] = json!({ "criteria": criteria });
        }
        if !goals.is_empty() {
            map.insert("sustainability".into(), Value::Array(goals.iter().map(|g| json!({ "goal": g })).collect()));
        }
        if !enquiries.is_empty() {
            map.insert("enquiries".into(), Value::Array(enquiries));
        }
        if !amendments.is_empty() {
            map.insert("amendments".into(), Value::Array(amendments));
        }
        if !milestones.is_empty() {
            map.insert("milestones".into(), Value::Array(milestones));
        }
    }
    let mut latest = o.updated_at.max(o.published_at.unwrap_or(o.updated_at));
    for q in questions {
        latest = latest.max(q.answered_at.unwrap_or(q.asked_at));
    }
    if status == Status::Closed
        && let Some(deadline) = o.deadline_at
    {
        latest = latest.max(deadline);
    }
    let mut parties =
        vec![json!({ "id": "buyer", "name": publisher.buyer_name, "roles": ["buyer", "procuringEntity"] })];
    let bids_json = bids.map(|b| {
        let mut statistics = vec![json!({ "id": "bids", "measure": "bids", "value": b.received, "date": when(b.date) })];
        let mut out = json!({});
        if let Some(details) = &b.details {
            let valid = details.iter().filter(|d| d.status == "valid").count();
            let disqualified = details.iter().filter(|d| d.status == "disqualified").count();
            statistics.push(json!({ "id": "validBids", "measure": "validBids", "value": valid, "date": when(b.date) }));
            statistics.push(json!({ "id": "disqualifiedBids", "measure": "disqualifiedBids", "value": disqualified, "date": when(b.date) }));
            let list: Vec<Value> = details
                .iter()
                .map(|d| {
                    let mut bid = json!({ "id": d.id, "status": d.status, "shortlisted": d.shortlisted });
                    if let Some(date) = d.date {
                        bid["date"] = json!(when(date));
                    }
                    if let Some(rank) = d.rank {
                        bid["rank"] = json!(rank);
                    }
                    if !d.tenderers.is_empty() {
                        bid["tenderers"] = Value::Array(d.tenderers.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect());
                    }
                    bid
                })
                .collect();
            out["details"] = Value::Array(list);
            for (id, name) in details.iter().flat_map(|d| d.tenderers.iter()) {
                if !parties.iter().any(|p| p["id"] == json!(id)) {
                    parties.push(json!({ "id": id, "name": name, "roles": ["tenderer"] }));
                }
            }
        }
        out["statistics"] = Value::Array(statistics);
        out
    });
    let mut release = json!({
        "ocid": format!("{}-{}", publisher.ocid_prefix, o.reference),
        "date": when(latest),
        "tag": [tag],
        "initiationType": "tender",
        "language": "fr",
        "parties": parties,
        "buyer": buyer,
        "planning": { "rationale": o.political_objective },
        "tender": tender,
    });
    if let Some(b) = bids_json {
        release["bids"] = b;
    }
    // A release id names one content: derived from the content itself.
    let digest = sha2::Sha256::digest(release.to_string().as_bytes());
    release["id"] = json!(format!("{}-{}", o.reference, &hex::encode(digest)[..16]));
    release
}

/// A release package around `releases`.
pub fn package(uri: &str, releases: Vec<Value>, publisher: &Publisher<'_>, now: NaiveDateTime) -> Value {
    json!({
        "uri": uri,
        "version": "1.1",
        "publishedDate": when(now),
        "publisher": { "name": publisher.buyer_name },
        "license": LICENSE,
        "extensions": EXTENSIONS,
        "releases": releases,
    })
}
