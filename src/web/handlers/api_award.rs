//! The JSON API after the shortlist, under `/api/v1`: an objective's award (public, once decided)
//! and the organisation's letters (its verified members, by bearer token; reading a letter marks
//! it opened like the page). The award itself is made on the pages only in this step. The same
//! rules as the pages, through `web::operations::award`.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::Serialize;
use utoipa::ToSchema;

use crate::domain::award::letters::Letter;
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
