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
    /// Its id, for recording its outcome.
    pub id: i64,
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
    Ok(HttpResponse::Ok().json(award_json(&state, &identity, id.into_inner()).await?))
}

/// An objective's award as the API shows it; 404 until something is decided.
async fn award_json(state: &AppState, identity: &Identity, id: i64) -> Result<AwardJson, AppError> {
    let full = crate::web::operations::objectives::visible(state, identity, id).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    let status = full.objective.status_at(state.clock.now_naive());
    let after = ops::after_results(state, identity, full.objective.id).await?;
    let a = after.award.ok_or(AppError::NotFound)?;
    Ok(AwardJson {
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
                id: c.id.0,
                lodged_on: c.lodged_on.to_string(),
                outcome: c.outcome.map(|o| o.as_str().to_owned()),
            })
            .collect(),
    })
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

// ---------------------------------------------------------------------------------------------
// The award steps' writes (issue 17): each takes the page's fields, calls the same operation as
// the page (`web::operations::award`, `::indicators`, `::change_support`), and answers JSON.
// ---------------------------------------------------------------------------------------------

/// Field problems as `invalid_fields`, each field named as the API names it (the modification's
/// page fields carry a `mod_` prefix that the API's do not).
fn invalid_api_fields(problems: Vec<Problem>) -> AppError {
    invalid_fields(
        problems
            .into_iter()
            .map(|mut p| {
                p.field = p.field.strip_prefix("mod_").unwrap_or(p.field);
                p
            })
            .collect(),
    )
}

/// Pairs of the fields given, as the page's form would send them.
fn pairs_of(fields: Vec<(&str, Option<String>)>) -> crate::domain::forms::FormPairs {
    fields.into_iter().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v))).collect()
}

/// The award as the API takes it.
#[derive(Deserialize, ToSchema, Default)]
pub struct AwardInput {
    /// The winning proposals' ids: shortlisted proposals only, at least one (a framework may
    /// have several holders).
    #[serde(default)]
    pub winners: Vec<i64>,
    /// The characteristics and relative advantages of the retained proposals (30 to 10,000
    /// characters).
    pub reasons: Option<String>,
    /// The standstill period in days, 0 to 90 (0: no standstill period); 11 when absent.
    pub standstill_days: Option<i32>,
}

/// Awards an objective whose results are published (agents): writes the letters, queues their
/// mails, starts the standstill period. Cannot be undone. 409 `wrong_stage` at another stage;
/// 422 `no_winner`, `not_shortlisted`, `invalid_reasons`, `invalid_standstill`.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/award", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = AwardInput,
    responses((status = 201, body = AwardJson), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn award_create(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<AwardInput>,
) -> Resp {
    let (id, input) = (id.into_inner(), input.into_inner());
    let award = crate::domain::award::AwardInput {
        winners: input.winners.into_iter().map(crate::db::ids::ProposalId).collect(),
        reasons: input.reasons.unwrap_or_default(),
        standstill_days: input.standstill_days.unwrap_or(crate::domain::award::standstill::DEFAULT_DAYS),
    };
    ops::award(&state, &identity, id, award).await?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, award_json(&state, &identity, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct NotAwardedInput {
    /// The public reason (30 characters at least).
    pub reason: Option<String>,
}

/// Declares an objective whose results are published not awarded (agents), with a public
/// reason; every organisation that deposited gets a letter. Cannot be undone.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/not-awarded", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = NotAwardedInput,
    responses((status = 201, body = AwardJson), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn not_awarded(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<NotAwardedInput>,
) -> Resp {
    let id = id.into_inner();
    ops::not_awarded(&state, &identity, id, input.into_inner().reason.unwrap_or_default()).await?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, award_json(&state, &identity, id).await?))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct ChallengeInput {
    /// `YYYY-MM-DD`, the day it was lodged.
    pub lodged_on: Option<String>,
    /// Who lodged it (at most 300 characters).
    pub lodged_by: Option<String>,
    pub summary: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct CreatedId {
    pub id: i64,
}

/// Records a challenge (pre-contractual appeal) lodged against an awarded objective (agents):
/// signing is suspended until its outcome is recorded. 422 `invalid_field` names the field.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/challenges", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = ChallengeInput,
    responses((status = 201, body = CreatedId), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn challenge(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ChallengeInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::Award)?;
    let input = input.into_inner();
    let lodged_on = chrono::NaiveDate::parse_from_str(input.lodged_on.as_deref().unwrap_or("").trim(), "%Y-%m-%d")
        .map_err(|_| AppError::from(crate::domain::award::AwardError::Invalid("lodged_on")))?;
    let new = crate::domain::award::challenges::NewChallenge {
        lodged_on,
        lodged_by: input.lodged_by.unwrap_or_default(),
        summary: input.summary.unwrap_or_default(),
    };
    let created = ops::lodge_challenge(&state, &identity, id.into_inner(), new).await?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, CreatedId { id: created.0 }))
}

#[derive(Deserialize, ToSchema, Default)]
pub struct OutcomeInput {
    /// `rejected`, `upheld` or `withdrawn`.
    pub outcome: Option<String>,
    pub note: Option<String>,
}

/// Records a challenge's outcome, once (agents). 409 `challenge_settled` the second time.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/challenges/{challenge}/outcome", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id"), ("challenge" = i64, Path, description = "The challenge's id")),
    request_body = OutcomeInput,
    responses((status = 204, description = "Recorded"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn challenge_outcome(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    input: web::Json<OutcomeInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::Award)?;
    let (id, challenge) = path.into_inner();
    let input = input.into_inner();
    let outcome = crate::domain::award::challenges::Outcome::parse(input.outcome.as_deref().unwrap_or("").trim())
        .ok_or_else(|| AppError::from(crate::domain::award::AwardError::Invalid("outcome")))?;
    ops::settle_challenge(&state, &identity, id, challenge, outcome, input.note.unwrap_or_default()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema, Default)]
pub struct StageInput {
    /// `completed` (from in execution) or `archived` (from completed or not awarded).
    pub to: Option<String>,
}

/// Moves an objective to a later stage (agents): completed, then archived. 409 `wrong_stage`
/// from any other state; 422 `invalid_stage` for another value.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/stage", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = StageInput,
    responses((status = 204, description = "Moved"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn stage(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<StageInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::Award)?;
    let to = match input.into_inner().to.as_deref().map(str::trim) {
        Some("completed") => crate::domain::objectives::Transition::Complete,
        Some("archived") => crate::domain::objectives::Transition::Archive,
        _ => {
            return Err(AppError::refused(
                Kind::Invalid,
                "invalid_stage",
                Message::plain("to: completed or archived".to_owned()),
            ));
        }
    };
    ops::advance(&state, &identity, id.into_inner(), to).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A modification as the API takes it: only what changes, with its date and reason.
#[derive(Deserialize, ToSchema, Default)]
pub struct ModificationInput {
    /// `YYYY-MM-DD`: not before the contract's or the previous modification's, not in the future.
    pub notified_on: Option<String>,
    /// Why (10 characters at least).
    pub reason: Option<String>,
    pub object: Option<String>,
    /// Euros excluding VAT, e.g. `130000.50`.
    pub amount: Option<String>,
    pub duration_months: Option<String>,
    /// The holders' legal identifiers (registered organisations), the lead first.
    #[serde(default)]
    pub holders: Vec<String>,
    /// `conjoint` or `solidaire`, required with several holders.
    pub holders_kind: Option<String>,
}

/// Records a modification of the signed contract (agents), as a new entry: the contract as
/// signed is never rewritten. 422 `invalid_fields` names each refused field (a modification that
/// changes nothing, a value equal to the one in force, an unknown identifier, a date that would
/// rewrite history); 409 `wrong_stage` outside execution.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/contract/modifications", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = ModificationInput,
    responses((status = 201, body = ContractJson), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn modify(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ModificationInput>,
) -> Resp {
    let id = id.into_inner();
    identity.authorize(crate::domain::authz::Action::Award)?;
    let i = input.into_inner();
    let holders = (!i.holders.is_empty()).then(|| i.holders.join("\n"));
    let pairs = pairs_of(vec![
        ("mod_notified_on", i.notified_on),
        ("mod_reason", i.reason),
        ("mod_object", i.object),
        ("mod_amount", i.amount),
        ("mod_duration_months", i.duration_months),
        ("mod_holders", holders),
        ("mod_holders_kind", i.holders_kind),
    ]);
    let change = contracts::parse_change(&pairs).map_err(invalid_api_fields)?;
    ops::modify_contract(&state, &identity, id, change).await?.map_err(invalid_api_fields)?;
    let c = ops::public_contract(&state, &identity, id).await?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, contract_json(&c)))
}

/// An indicator as the API takes it: the page's fields, as text.
#[derive(Deserialize, ToSchema, Default)]
pub struct IndicatorInput {
    pub name: Option<String>,
    pub unit: Option<String>,
    /// The id of one of the objective's criteria, or absent.
    pub criterion: Option<String>,
    /// A number, French or English notation.
    pub baseline: Option<String>,
    /// The targets at 5, 10 and 20 years after signature (the objective's horizon's milestones;
    /// at least one).
    pub target_5: Option<String>,
    pub target_10: Option<String>,
    pub target_20: Option<String>,
    /// The reporting schedule in months (12 when absent).
    pub period_months: Option<String>,
}

/// Sets an indicator of a contract in execution (agents). 422 `invalid_fields` names each
/// refused field; 409 `wrong_stage` outside execution.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/indicators", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = IndicatorInput,
    responses((status = 201, body = CreatedId), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn set_indicator(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<IndicatorInput>,
) -> Resp {
    let i = input.into_inner();
    let pairs = pairs_of(vec![
        ("name", i.name),
        ("unit", i.unit),
        ("criterion", i.criterion),
        ("baseline", i.baseline),
        ("target_5", i.target_5),
        ("target_10", i.target_10),
        ("target_20", i.target_20),
        ("period_months", i.period_months),
    ]);
    let created = crate::web::operations::indicators::set(&state, &identity, id.into_inner(), pairs)
        .await?
        .map_err(invalid_fields)?;
    Ok(private_json(actix_web::http::StatusCode::CREATED, CreatedId { id: created }))
}

/// Validates a report waiting for a decision (agents): its value becomes public and cannot be
/// sent back afterwards. 409 `already_decided` when it is no longer waiting.
#[utoipa::path(post, path = "/api/v1/indicator-reports/{id}/validation", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The report's id")),
    responses((status = 204, description = "Validated"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn validate_report(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    use crate::domain::award::indicators::Decision;
    crate::web::operations::indicators::decide(&state, &identity, id.into_inner(), Decision::Validate)
        .await?
        .map_err(|(_, problems)| invalid_fields(problems))?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema, Default)]
pub struct SendBackInput {
    /// Why (10 characters at least); the holder reads it and reports that period again.
    pub reason: Option<String>,
}

/// Sends a report waiting for a decision back to its holder with a reason (agents). 422
/// `invalid_fields` without a reason; 409 `already_decided`.
#[utoipa::path(post, path = "/api/v1/indicator-reports/{id}/send-back", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The report's id")), request_body = SendBackInput,
    responses((status = 204, description = "Sent back"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn send_back_report(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<SendBackInput>,
) -> Resp {
    use crate::domain::award::indicators::Decision;
    let reason = input.into_inner().reason.unwrap_or_default();
    crate::web::operations::indicators::decide(&state, &identity, id.into_inner(), Decision::SendBack(reason))
        .await?
        .map_err(|(_, problems)| invalid_fields(problems))?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema, Default)]
pub struct PurchaseUserInput {
    /// The address to invite.
    pub email: Option<String>,
    /// The language of the invitation mail for a new account: `fr` (default) or `en`.
    pub locale: Option<String>,
}

/// Invites a user of the purchase to a contract in execution (agents): a new address gets an
/// account and a set-password link, a known one gets access to this contract; the answer is the
/// same either way (202), so it never reveals who has an account. Rate limited (429).
#[utoipa::path(post, path = "/api/v1/objectives/{id}/change-support/users", tag = "award", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = PurchaseUserInput,
    responses((status = 202, description = "Invited"), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody),
        (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody),
        (status = 429, body = crate::web::error::ErrorBody)))]
pub async fn invite_user(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<PurchaseUserInput>,
) -> Resp {
    let i = input.into_inner();
    let lang = match i.locale.as_deref() {
        Some("en") => crate::i18n::Lang::En,
        _ => crate::i18n::Lang::Fr,
    };
    let pairs = pairs_of(vec![("email", i.email)]);
    crate::web::operations::change_support::invite(&state, &identity, id.into_inner(), pairs, lang).await?;
    Ok(HttpResponse::Accepted().finish())
}
