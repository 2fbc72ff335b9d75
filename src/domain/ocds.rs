//! Open Contracting Data Standard 1.1 release packages of published objectives: tender and
//! tender period, enquiries (questions and answers), amendments, award criteria with weights
//! (awardCriteriaBreakdown on a single lot) and sustainability goals. Pure: data in, JSON out.

use chrono::NaiveDateTime;
use serde_json::{Value, json};
use sha2::Digest;

use crate::domain::award::contracts::Contract;
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

/// The award and the signed contract, once there are: `awards`, `contracts` and their amendments.
#[derive(Debug, Clone)]
pub struct Awarded<'a> {
    pub date: NaiveDateTime,
    /// The winners' organisations: (party id, name).
    pub suppliers: Vec<(String, String)>,
    pub reasons: &'a str,
    pub contract: Option<&'a Contract>,
}

fn euros(cents: i64) -> Value {
    if cents % 100 == 0 { json!(cents / 100) } else { json!(cents as f64 / 100.0) }
}

fn day_start(d: chrono::NaiveDate) -> String {
    format!("{}T00:00:00Z", d.format("%Y-%m-%d"))
}

/// The `awards` and `contracts` sections of a release, and the tag they call for.
fn award_sections(a: &Awarded<'_>, title: &str, status: Status) -> (Value, Option<Value>, &'static str) {
    let mut award = json!({
        "id": "award-1",
        "title": title,
        "description": a.reasons,
        "status": "active",
        "date": when(a.date),
        "suppliers": a.suppliers.iter().map(|(id, name)| json!({ "id": id, "name": name })).collect::<Vec<_>>(),
    });
    let Some(c) = a.contract else { return (Value::Array(vec![award]), None, "award") };
    award["value"] = json!({ "amount": euros(c.amount_cents), "currency": "EUR" });
    let current = c.current();
    let end = c.notified_on.checked_add_months(chrono::Months::new(current.duration_months.max(0) as u32));
    let mut period = json!({ "startDate": day_start(c.notified_on) });
    if let Some(end) = end {
        period["endDate"] = json!(day_start(end));
    }
    let mut contract = json!({
        "id": "contract-1",
        "awardID": "award-1",
        "title": current.object,
        "status": if matches!(status, Status::Completed | Status::Archived) { "terminated" } else { "active" },
        "period": period,
        "value": { "amount": euros(current.amount_cents), "currency": "EUR" },
        "dateSigned": day_start(c.signed_on),
    });
    let amendments: Vec<Value> = c
        .modifications
        .iter()
        .map(|m| {
            let mut changed = Vec::new();
            if let Some(o) = &m.object {
                changed.push(format!("objet : {o}"));
            }
            if let Some(x) = m.amount_cents {
                changed.push(format!("montant HT : {} EUR", euros(x)));
            }
            if let Some(d) = m.duration_months {
                changed.push(format!("durée : {d} mois"));
            }
            if let Some(h) = &m.holders {
                let names: Vec<String> = h.iter().map(|x| x.names()).collect();
                changed.push(format!("titulaires : {}", names.join(" ; ")));
            }
            json!({
                "id": format!("modification-{}", m.number),
                "date": day_start(m.notified_on),
                "rationale": m.reason,
                "description": format!("Modification n° {} — {}", m.number, changed.join(", ")),
            })
        })
        .collect();
    let tag = if amendments.is_empty() { "contract" } else { "contractAmendment" };
    if !amendments.is_empty() {
        contract["amendments"] = Value::Array(amendments);
    }
    (Value::Array(vec![award]), Some(Value::Array(vec![contract])), tag)
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
    awarded: Option<&Awarded<'_>>,
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
    if let Some(a) = awarded {
        let (awards, contracts, tag) = award_sections(a, &o.title, status);
        if status != Status::Cancelled {
            release["tag"] = json!([tag]);
        }
        release["awards"] = awards;
        if let Some(c) = contracts {
            release["contracts"] = c;
        }
        let mut latest = a.date;
        if let Some(c) = a.contract {
            latest = latest.max(c.recorded_at);
            for m in &c.modifications {
                latest = latest.max(m.recorded_at);
            }
        }
        if let Some(date) = release["date"].as_str().map(str::to_owned)
            && when(latest) > date
        {
            release["date"] = json!(when(latest));
        }
        if let Some(parties) = release["parties"].as_array_mut() {
            for (id, name) in &a.suppliers {
                match parties.iter_mut().find(|p| p["id"] == json!(id)) {
                    Some(p) => {
                        if let Some(roles) = p["roles"].as_array_mut() {
                            roles.push(json!("supplier"));
                        }
                    }
                    None => parties.push(json!({ "id": id, "name": name, "roles": ["supplier"] })),
                }
            }
        }
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
