//! The JSON API after the shortlist, under `/api/v1`: an objective's award (public, once decided)
//! and the organisation's letters (its verified members, by bearer token; reading a letter marks
//! it opened like the page). The award itself is made on the pages only in this step. The same
//! rules as the pages, through `web::operations::award`.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::award::contracts;
use crate::domain::award::letters::Letter;
use crate::domain::error::{Kind, Message};
use crate::domain::forms::Problem;
use crate::domain::objectives::Status;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::private_json;
use crate::web::error::AppError;
use crate::web::operations::award as ops;

type Resp = Result<HttpResponse, AppError>;

fn utc(t: NaiveDateTime) -> String {
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

#[derive(Serialize, ToSchema)]
pub struct ChallengeJson {
    /// The day it was lodged.
    pub lodged_on: String,
    /// `rejected`, `upheld`, `withdrawn`, or null while pending.
    pub outcome: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AwardJson {
    pub objective_id: i64,
    /// The objective's status: `awarded`, `not_awarded`, `in_execution`, `completed`, `archived`.
    pub status: String,
    pub awarded: bool,
    /// The winners' names (empty when not awarded).
    pub winners: Vec<String>,
    /// The reasons for the choice, or the public reason of no award.
    pub reasons: String,
    pub decided_at: String,
    /// 0 means no standstill period.
    pub standstill_days: i32,
    pub standstill_ends_at: String,
    pub challenges: Vec<ChallengeJson>,
}

/// An objective's award (or its declaration of no award): public once decided.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/award", tag = "award",
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 200, body = AwardJson), (status = 404, body = crate::web::error::ErrorBody, description = "Unknown objective, or nothing decided yet")))]
pub async fn award(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let full = crate::web::operations::objectives::visible(&state, &identity, id.into_inner()).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    let status = full.objective.status_at(state.clock.now_naive());
    let after = ops::after_results(&state, &identity, full.objective.id).await?;
    let a = after.award.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(AwardJson {
        objective_id: full.objective.id.0,
        status: Status::as_str(status).to_owned(),
        awarded: a.awarded,
        winners: after.winner_names,
        reasons: a.reasons,
        decided_at: utc(a.decided_at),
        standstill_days: a.standstill_days,
        standstill_ends_at: utc(a.standstill_ends_at),
        challenges: after
            .challenges
            .iter()
            .map(|c| ChallengeJson {
                lodged_on: c.lodged_on.to_string(),
                outcome: c.outcome.map(|o| o.as_str().to_owned()),
            })
            .collect(),
    }))
}

#[derive(Serialize, ToSchema)]
pub struct LetterJson {
    pub id: i64,
    pub objective_id: i64,
    /// `award`, `rejection`, `not_opened` or `not_awarded`.
    pub kind: String,
    pub sent_at: String,
    pub first_opened_at: Option<String>,
    /// What the letter says, frozen when it was sent: objective, addressee, winners, reasons,
    /// standstill, court, the addressee's own scores and rank (rejections), why a proposal did
    /// not stand (`late`, `withdrawn`, `not_reconfirmed`).
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
}

fn letter_json(l: &Letter) -> LetterJson {
    LetterJson {
        id: l.id.0,
        objective_id: l.objective.0,
        kind: l.kind.as_str().to_owned(),
        sent_at: utc(l.sent_at),
        first_opened_at: l.first_opened_at.map(utc),
        facts: serde_json::to_value(&l.facts).unwrap_or_default(),
    }
}

/// The letters of the caller's organisation, newest first (listing marks nothing opened).
#[utoipa::path(get, path = "/api/v1/organisation/letters", tag = "award", security(("bearer" = [])),
    responses((status = 200, body = [LetterJson]), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn letters(state: web::Data<AppState>, identity: Identity) -> Resp {
    let letters = ops::organisation_letters(&state, &identity).await?;
    Ok(private_json(actix_web::http::StatusCode::OK, letters.iter().map(letter_json).collect::<Vec<_>>()))
}

/// One letter of the caller's organisation; the first reading by a member is recorded as the
/// acknowledgement of receipt. Another organisation's letter is not found.
#[utoipa::path(get, path = "/api/v1/organisation/letters/{id}", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The letter's id")),
    responses((status = 200, body = LetterJson), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn letter(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let letter = ops::read_letter(&state, &identity, id.into_inner()).await?;
    Ok(private_json(actix_web::http::StatusCode::OK, letter_json(&letter)))
}

#[derive(Serialize, ToSchema)]
pub struct HolderOrganisationJson {
    pub name: String,
    /// `siret`, `vat` or `other`.
    pub identifier_type: String,
    pub identifier: String,
}

#[derive(Serialize, ToSchema)]
pub struct HolderJson {
    /// The lead organisation first, then the consortium's members.
    pub members: Vec<HolderOrganisationJson>,
    /// `conjoint` (joint) or `solidaire` (joint and several) for a consortium, null alone.
    pub kind: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContractValuesJson {
    pub object: String,
    /// Euros, excluding VAT.
    pub amount_excluding_vat: f64,
    pub duration_months: i32,
    pub holders: Vec<HolderJson>,
}

#[derive(Serialize, ToSchema)]
pub struct ModificationJson {
    /// 1, 2, … in order.
    pub number: i32,
    pub notified_on: String,
    pub reason: String,
    /// What it changed (null: unchanged).
    pub object: Option<String>,
    pub amount_excluding_vat: Option<f64>,
    pub duration_months: Option<i32>,
    pub holders: Option<Vec<HolderJson>>,
    /// The values once this modification applies.
    pub resulting: ContractValuesJson,
}

#[derive(Serialize, ToSchema)]
pub struct PlaceJson {
    pub code: String,
    /// `commune`, `department`, `region` (INSEE codes) or `country` (ISO 3166-1 alpha-2).
    pub kind: String,
}

#[derive(Serialize, ToSchema)]
pub struct ConsiderationsJson {
    /// `criterion` (from the objective's criteria) and/or `clause`; empty: none.
    pub social: Vec<String>,
    pub environmental: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ContractJson {
    pub objective_id: i64,
    /// The values as signed.
    pub signed: ContractValuesJson,
    pub signed_on: String,
    pub notified_on: String,
    pub currency: String,
    pub cpv: String,
    pub place: PlaceJson,
    /// `firm`, `revisable` or `updatable`.
    pub price_form: String,
    /// `lump_sum`, `unit` or `mixed`.
    pub price_basis: String,
    pub subcontracting: bool,
    pub considerations: ConsiderationsJson,
    pub modifications: Vec<ModificationJson>,
    /// The values after every modification.
    pub current: ContractValuesJson,
}

fn holders_json(hs: &[contracts::Holder]) -> Vec<HolderJson> {
    hs.iter()
        .map(|h| HolderJson {
            members: h
                .members
                .iter()
                .map(|m| HolderOrganisationJson {
                    name: m.name.clone(),
                    identifier_type: m.identifier_type.clone(),
                    identifier: m.identifier.clone(),
                })
                .collect(),
            kind: h.kind.clone(),
        })
        .collect()
}

fn euros(cents: i64) -> f64 {
    cents as f64 / 100.0
}

fn values_json(c: &contracts::Current) -> ContractValuesJson {
    ContractValuesJson {
        object: c.object.clone(),
        amount_excluding_vat: euros(c.amount_cents),
        duration_months: c.duration_months,
        holders: holders_json(&c.holders),
    }
}

fn contract_json(c: &contracts::Contract) -> ContractJson {
    ContractJson {
        objective_id: c.objective.0,
        signed: values_json(&c.initial()),
        signed_on: c.signed_on.to_string(),
        notified_on: c.notified_on.to_string(),
        currency: "EUR".into(),
        cpv: c.cpv.clone(),
        place: PlaceJson { code: c.place_code.clone(), kind: c.place_kind.as_str().to_owned() },
        price_form: c.price_form.as_str().to_owned(),
        price_basis: c.price_basis.as_str().to_owned(),
        subcontracting: c.subcontracting,
        considerations: ConsiderationsJson {
            social: c.considerations.social.clone(),
            environmental: c.considerations.environmental.clone(),
        },
        modifications: c
            .steps()
            .into_iter()
            .map(|(m, after)| ModificationJson {
                number: m.number,
                notified_on: m.notified_on.to_string(),
                reason: m.reason.clone(),
                object: m.object.clone(),
                amount_excluding_vat: m.amount_cents.map(euros),
                duration_months: m.duration_months,
                holders: m.holders.as_deref().map(holders_json),
                resulting: values_json(&after),
            })
            .collect(),
        current: values_json(&c.current()),
    }
}

/// An objective's signed contract: its essential data and its modifications in order, each with
/// the values that result. Public once signed.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/contract", tag = "award",
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 200, body = ContractJson), (status = 404, body = crate::web::error::ErrorBody, description = "Unknown objective, or no contract signed")))]
pub async fn contract(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let c = ops::public_contract(&state, &identity, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(contract_json(&c)))
}

/// The contract as the API takes it: the same fields as the page's form, as text.
#[derive(Deserialize, ToSchema, Default)]
pub struct ContractInput {
    pub object: Option<String>,
    /// `YYYY-MM-DD`.
    pub signed_on: Option<String>,
    /// `YYYY-MM-DD`, not before the signature.
    pub notified_on: Option<String>,
    /// Euros excluding VAT, e.g. `125000` or `125000.50`.
    pub amount: Option<String>,
    pub duration_months: Option<String>,
    /// 8 digits, optionally `-` and the check digit.
    pub cpv: Option<String>,
    pub place_code: Option<String>,
    /// `commune`, `department`, `region` or `country`.
    pub place_kind: Option<String>,
    /// `firm`, `revisable` or `updatable`.
    pub price_form: Option<String>,
    /// `lump_sum`, `unit` or `mixed`.
    pub price_basis: Option<String>,
    /// `yes` or `no`.
    pub subcontracting: Option<String>,
    pub social_clause: Option<bool>,
    pub environmental_clause: Option<bool>,
}

impl ContractInput {
    fn pairs(&self) -> Vec<(String, String)> {
        let text = [
            ("object", &self.object),
            ("signed_on", &self.signed_on),
            ("notified_on", &self.notified_on),
            ("amount", &self.amount),
            ("duration_months", &self.duration_months),
            ("cpv", &self.cpv),
            ("place_code", &self.place_code),
            ("place_kind", &self.place_kind),
            ("price_form", &self.price_form),
            ("price_basis", &self.price_basis),
            ("subcontracting", &self.subcontracting),
        ];
        let mut out: Vec<(String, String)> =
            text.iter().filter_map(|(k, v)| v.as_ref().map(|v| ((*k).to_owned(), v.clone()))).collect();
        for (k, v) in [("social_clause", self.social_clause), ("environmental_clause", self.environmental_clause)] {
            if v == Some(true) {
                out.push((k.to_owned(), "true".to_owned()));
            }
        }
        out
    }
}

/// Field problems as one 422 listing them, field by field (`field: problem`).
fn invalid_fields(problems: Vec<Problem>) -> AppError {
    let mut fields: BTreeMap<&str, Vec<Message>> = BTreeMap::new();
    for p in problems {
        fields.entry(p.field).or_default().push(Message { key: p.key, args: p.args, ..Default::default() });
    }
    let parts = fields.into_iter().map(|(field, said)| Message::plain(format!("{field}:")).with_parts(said)).collect();
    AppError::refused(Kind::Invalid, "invalid_fields", Message::list(parts))
}

/// Records the signed contract of an awarded objective (agents): the objective goes into
/// execution. Refused during the standstill (409 `standstill`), while a challenge is pending
/// (409 `challenge_pending`), at another stage (409 `wrong_stage`), with bad fields (422
/// `invalid_fields`, naming them). Cannot be undone.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/contract", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = ContractInput,
    responses((status = 201, body = ContractJson), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn sign(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ContractInput>,
) -> Resp {
    let id = id.into_inner();
    identity.authorize(crate::domain::authz::Action::Award)?;
    let terms = contracts::parse(&input.pairs()).map_err(invalid_fields)?;
    ops::sign_contract(&state, &identity, id, terms).await?.map_err(invalid_fields)?;
    let c = ops::public_contract(&state, &identity, id).await?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, contract_json(&c)))
}
