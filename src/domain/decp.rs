//! The French essential data of public contracts (DECP, format 2.0.3): one `marche` per signed
//! contract, with its modifications, in the regulatory JSON document `{"marches": {"marche": []}}`.
//! Pure: data in, JSON out; the tests validate it against the official schema.

use chrono::{NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use crate::domain::award::contracts::{Contract, Holder, PlaceKind, PriceBasis, PriceForm};

/// What a `marche` needs beyond the contract.
pub struct Context<'a> {
    /// The objective's public reference, the contract's identifier (at most 16 characters).
    pub reference: &'a str,
    pub buyer_siret: &'a str,
    /// The proposals received that were opened (at least 1: there is a holder).
    pub offers: usize,
    /// Several holders: a framework agreement.
    pub framework: bool,
    /// An innovation criterion among the objective's.
    pub innovative: bool,
}

fn day(t: NaiveDateTime) -> NaiveDate {
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &t).date_naive()
}

fn euros(cents: i64) -> Value {
    // Whole euros stay integers; cents are a decimal number.
    if cents % 100 == 0 { json!(cents / 100) } else { json!(cents as f64 / 100.0) }
}

fn holders(hs: &[Holder]) -> Value {
    let mut seen: Vec<(String, String)> = Vec::new();
    for m in hs.iter().flat_map(|h| h.members.iter()) {
        let kind = match m.identifier_type.as_str() {
            "siret" => "SIRET",
            "vat" => "TVA",
            _ => "HORS-UE",
        };
        let pair = (kind.to_owned(), m.identifier.clone());
        if !seen.contains(&pair) {
            seen.push(pair);
        }
    }
    Value::Array(seen.into_iter().map(|(t, id)| json!({ "titulaire": { "typeIdentifiant": t, "id": id } })).collect())
}

fn grouping(hs: &[Holder]) -> &'static str {
    match hs.iter().find_map(|h| h.kind.as_deref()) {
        Some("solidaire") => "Solidaire",
        Some(_) => "Conjoint",
        None => "Pas de groupement",
    }
}

/// The DECP identifier of a contract: its objective's reference, cut to 16 characters.
pub fn identifier(reference: &str) -> String {
    reference.chars().take(16).collect()
}

/// One contract's essential data.
pub fn marche(c: &Contract, ctx: &Context<'_>) -> Value {
    let place_kind = match c.place_kind {
        PlaceKind::Commune => "Code commune",
        PlaceKind::Department => "Code département",
        PlaceKind::Region => "Code région",
        PlaceKind::Country => "Code pays",
    };
    let price_type = match c.price_form {
        PriceForm::Firm => "Définitif ferme",
        PriceForm::Revisable => "Définitif révisable",
        PriceForm::Updatable => "Définitif actualisable",
    };
    let price_basis = match c.price_basis {
        PriceBasis::LumpSum => "Forfaitaire",
        PriceBasis::Unit => "Unitaire",
        PriceBasis::Mixed => "Mixte",
    };
    let social: Vec<&str> = if c.considerations.social.is_empty() {
        vec!["Pas de considération sociale"]
    } else {
        c.considerations
            .social
            .iter()
            .map(|s| if s == "clause" { "Clause sociale" } else { "Critère social" })
            .collect()
    };
    let environmental: Vec<&str> = if c.considerations.environmental.is_empty() {
        vec!["Pas de considération environnementale"]
    } else {
        c.considerations
            .environmental
            .iter()
            .map(|s| if s == "clause" { "Clause environnementale" } else { "Critère environnemental" })
            .collect()
    };
    let published = day(c.recorded_at).to_string();
    let mut m = json!({
        "id": identifier(ctx.reference),
        "acheteur": { "id": ctx.buyer_siret },
        "nature": "Marché",
        "objet": c.object.chars().take(1000).collect::<String>(),
        "codeCPV": c.cpv,
        "techniques": { "technique": [if ctx.framework { "Accord-cadre" } else { "Sans objet" }] },
        "modalitesExecution": { "modaliteExecution": ["Sans objet"] },
        "marcheInnovant": ctx.innovative,
        "ccag": "Pas de CCAG",
        "offresRecues": ctx.offers.max(1),
        "attributionAvance": false,
        "typeGroupementOperateurs": grouping(&c.holders),
        "procedure": "Appel d'offres ouvert",
        "lieuExecution": { "code": c.place_code, "typeCode": place_kind },
        "dureeMois": c.duration_months,
        "dateNotification": c.notified_on.to_string(),
        "datePublicationDonnees": published,
        "montant": euros(c.amount_cents),
        "typesPrix": { "typePrix": [price_type] },
        "formePrix": price_basis,
        "sousTraitanceDeclaree": c.subcontracting,
        "titulaires": holders(&c.holders),
        "considerationsSociales": { "considerationSociale": social },
        "considerationsEnvironnementales": { "considerationEnvironnementale": environmental },
    });
    // The object of a modification has no place in the DECP: a modification that changes only the
    // object is published in OCDS alone.
    let modifications: Vec<Value> = c
        .modifications
        .iter()
        .filter(|x| x.amount_cents.is_some() || x.duration_months.is_some() || x.holders.is_some())
        .map(|x| {
            let mut v = json!({
                "id": x.number,
                "dateNotificationModification": x.notified_on.to_string(),
                "datePublicationDonneesModification": day(x.recorded_at).to_string(),
            });
            if let Some(d) = x.duration_months {
                v["dureeMois"] = json!(d);
            }
            if let Some(a) = x.amount_cents {
                v["montant"] = euros(a);
            }
            if let Some(h) = &x.holders {
                v["titulaires"] = holders(h);
            }
            json!({ "modification": v })
        })
        .collect();
    if !modifications.is_empty() {
        m["modifications"] = Value::Array(modifications);
    }
    m
}

/// The regulatory document around the contracts' essential data.
pub fn document(marches: Vec<Value>) -> Value {
    json!({ "marches": { "marche": marches } })
}
