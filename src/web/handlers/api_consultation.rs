//! The JSON API of market consultations, under `/api/v1`: the consultation with its public
//! contributions and meetings (open data), one contribution (a confidential one only for agents
//! and its own organisation), contributing and registering to meetings (registered users), and
//! the agents' consultation, meetings, minutes, synthesis and opening of the call. The same operations as the pages
//! (`web::operations::consultation`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::consultation::{self, ConsultationError, Registration, Shown, meetings};
use crate::views::consultation::ConsultationPage;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::private_json;
use crate::web::error::AppError;
use crate::web::operations::consultation as ops;

type Resp = Result<HttpResponse, AppError>;

fn utc(t: NaiveDateTime) -> String {
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

#[derive(Serialize, ToSchema)]
pub struct ContributionJson {
    pub id: i64,
    /// The contributing organisation's name; none for a person contributing in their own name.
    pub organisation: Option<String>,
    /// Markdown.
    pub body: String,
    pub confidential: bool,
    /// UTC.
    pub created_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct MeetingJson {
    pub id: i64,
    /// UTC.
    pub starts_at: String,
    pub place: String,
    pub online_url: Option<String>,
    pub capacity: i32,
    pub seats_left: i64,
    pub waiting: i64,
    /// Markdown, once published after the meeting.
    pub minutes: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ConsultationJson {
    pub id: i64,
    pub objective_id: i64,
    pub reference: String,
    pub title: String,
    /// `open`, `closed`, `synthesis_published` or `call_opened`.
    pub stage: String,
    /// The need as drafted (Markdown).
    pub need: String,
    pub questions: Vec<String>,
    /// UTC.
    pub closes_at: String,
    pub synthesis: Option<String>,
    pub synthesis_at: Option<String>,
    /// The public note of what changed, once the call is open.
    pub change_note: Option<String>,
    pub call_opened_at: Option<String>,
    /// The public contributions, and the confidential ones the caller may read.
    pub contributions: Vec<ContributionJson>,
    /// Confidential contributions the caller does not see.
    pub confidential_hidden: i64,
    pub meetings: Vec<MeetingJson>,
}

fn contribution_json(s: &Shown) -> ContributionJson {
    let c = &s.contribution;
    ContributionJson {
        id: c.id.0,
        organisation: s.organisation.clone(),
        body: c.body.clone(),
        confidential: c.confidential,
        created_at: utc(c.created_at),
    }
}

fn consultation_json(p: &ConsultationPage) -> ConsultationJson {
    let c = &p.summary.consultation;
    ConsultationJson {
        id: c.id.0,
        objective_id: c.objective_id.0,
        reference: p.summary.reference.clone(),
        title: p.summary.title.clone(),
        stage: p.stage.as_str().to_owned(),
        need: c.need.clone(),
        questions: c.question_list(),
        closes_at: utc(c.closes_at),
        synthesis: c.synthesis.clone(),
        synthesis_at: c.synthesis_at.map(utc),
        change_note: c.change_note.clone(),
        call_opened_at: c.call_opened_at.map(utc),
        contributions: p.contributions.iter().map(contribution_json).collect(),
        confidential_hidden: p.confidential_hidden,
        meetings: p
            .meetings
            .iter()
            .map(|l| MeetingJson {
                id: l.meeting.id.0,
                starts_at: utc(l.meeting.starts_at),
                place: l.meeting.place.clone(),
                online_url: l.meeting.online_url.clone(),
                capacity: l.meeting.capacity,
                seats_left: l.seats_left(),
                waiting: l.waiting,
                minutes: l.meeting.minutes.clone(),
            })
            .collect(),
    }
}

/// Private when the caller may see confidential contributions; public otherwise.
fn respond(status: StatusCode, p: &ConsultationPage) -> HttpResponse {
    if p.contributions.iter().any(|s| s.contribution.confidential) {
        private_json(status, consultation_json(p))
    } else {
        HttpResponse::build(status).json(consultation_json(p))
    }
}

/// A consultation: the need as drafted, the questions, the public contributions (plus the
/// confidential ones the caller may read: agents all, a contributor its organisation's), the
/// meetings with their seats left and minutes, the synthesis and the note of what changed.
#[utoipa::path(get, path = "/api/v1/consultations/{id}", tag = "consultation",
    params(("id" = i64, Path, description = "The consultation's id")),
    responses((status = 200, body = ConsultationJson), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn show(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let page = ops::page(&state, &identity, id.into_inner()).await?;
    Ok(respond(StatusCode::OK, &page))
}

/// One contribution. A confidential one is refused (403 `forbidden`) to everyone but agents and
/// the contributor's own organisation, and asks to sign in (401) when anonymous.
#[utoipa::path(get, path = "/api/v1/consultations/{id}/contributions/{contribution}", tag = "consultation",
    params(("id" = i64, Path, description = "The consultation's id"), ("contribution" = i64, Path, description = "The contribution's id")),
    responses((status = 200, body = ContributionJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn contribution(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, cid) = path.into_inner();
    let shown = ops::contribution(&state, &identity, id, cid).await?;
    Ok(private_json(StatusCode::OK, contribution_json(&shown)))
}

#[derive(Deserialize, ToSchema)]
pub struct ContributionInput {
    /// 10 to 10,000 characters (Markdown).
    pub body: String,
    /// Business secrets: then only agents (and the contributor's organisation) read it.
    #[serde(default)]
    pub confidential: bool,
}

/// Contributes to an open consultation (verified registered users, not the region's staff).
/// After the closing date: 409 `consultation_closed`, nothing written.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/contributions", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id")), request_body = ContributionInput,
    responses((status = 201, body = ContributionJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn contribute(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ContributionInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::TakePartInConsultation)?;
    let id = id.into_inner();
    let input = consultation::parse_contribution(&input.body, input.confidential)
        .map_err(|p| AppError::from(ConsultationError::Invalid(p)))?;
    let cid = ops::contribute(&state, &identity, id, input).await??;
    let shown = ops::contribution(&state, &identity, id, cid.0).await?;
    Ok(private_json(StatusCode::CREATED, contribution_json(&shown)))
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationJson {
    /// `seated` or `waiting`.
    pub standing: String,
    /// On the waiting list: the position (1 is next).
    pub position: Option<i64>,
}

/// Registers the caller to a meeting: a seat, or the waiting list when it is full (said in
/// `standing`). A reminder mail is queued for the day before.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/meetings/{meeting}/registration", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id"), ("meeting" = i64, Path, description = "The meeting's id")),
    responses((status = 201, body = RegistrationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn register(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, meeting) = path.into_inner();
    let standing = ops::register(&state, &identity, id, meeting).await??;
    let body = match standing {
        Registration::Seated => RegistrationJson { standing: "seated".into(), position: None },
        Registration::Waiting(n) => RegistrationJson { standing: "waiting".into(), position: Some(n) },
    };
    Ok(private_json(StatusCode::CREATED, body))
}

/// Cancels the caller's registration: the unsent reminder is withdrawn, the first person waiting
/// takes the seat and is mailed.
#[utoipa::path(delete, path = "/api/v1/consultations/{id}/meetings/{meeting}/registration", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id"), ("meeting" = i64, Path, description = "The meeting's id")),
    responses((status = 204, description = "Cancelled"), (status = 401, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn cancel(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, meeting) = path.into_inner();
    ops::cancel(&state, &identity, id, meeting).await??;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct SynthesisInput {
    /// Markdown, at most 20,000 characters.
    pub synthesis: String,
}

/// Publishes the synthesis (agents), once the consultation closed: 409 `consultation_open`
/// before.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/synthesis", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id")), request_body = SynthesisInput,
    responses((status = 200, body = ConsultationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn synthesis(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<SynthesisInput>,
) -> Resp {
    let id = id.into_inner();
    ops::synthesis(&state, &identity, id, input.into_inner().synthesis).await??;
    let page = ops::page(&state, &identity, id).await?;
    Ok(respond(StatusCode::OK, &page))
}

#[derive(Deserialize, ToSchema)]
pub struct CallInput {
    /// The public note of what changed since the consultation (Markdown, at most 5,000 characters).
    pub note: String,
}

/// Opens the call (agents): the objective is published and every participant mailed. Refused
/// before the synthesis (409 `synthesis_missing`), while a meeting's minutes are missing (409
/// `minutes_missing`, equal treatment), or when the objective is incomplete (409 `incomplete`).
#[utoipa::path(post, path = "/api/v1/consultations/{id}/call", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id")), request_body = CallInput,
    responses((status = 200, body = ConsultationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody),
        (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn open_call(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<CallInput>,
) -> Resp {
    let id = id.into_inner();
    ops::open_call(&state, &identity, id, input.into_inner().note).await??;
    let page = ops::page(&state, &identity, id).await?;
    Ok(respond(StatusCode::OK, &page))
}

#[derive(Deserialize, ToSchema)]
pub struct ConsultationInput {
    /// The need as drafted (Markdown).
    #[serde(default)]
    pub need: String,
    /// The questions put to the market, one line each.
    #[serde(default)]
    pub questions: Vec<String>,
    /// Europe/Paris wall-clock time, `YYYY-MM-DDTHH:MM`, as the form takes it; in the future.
    #[serde(default)]
    pub closes_at: String,
}

/// Puts a draft objective in market consultation before its call (agents). Bad fields: 422
/// `invalid`, naming them, nothing written; not a draft, or consulted already: 409.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/consultation", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The draft objective's id")), request_body = ConsultationInput,
    responses((status = 201, body = ConsultationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ConsultationInput>,
) -> Resp {
    let id = id.into_inner();
    ops::draft_need(&state, &identity, id).await?;
    let input = input.into_inner();
    let pairs: Vec<(String, String)> = vec![
        ("need".into(), input.need),
        ("questions".into(), input.questions.join("\n")),
        ("closes_at".into(), input.closes_at),
    ];
    let parsed = consultation::parse_input(&pairs, state.clock.now_naive())
        .map_err(|p| AppError::from(ConsultationError::Invalid(p)))?;
    let cid = ops::create(&state, &identity, id, parsed).await??;
    let page = ops::page(&state, &identity, cid.0).await?;
    Ok(respond(StatusCode::CREATED, &page))
}

#[derive(Deserialize, ToSchema)]
pub struct MeetingInput {
    /// Europe/Paris wall-clock time, `YYYY-MM-DDTHH:MM`; in the future.
    #[serde(default)]
    pub starts_at: String,
    /// Where it takes place (a place or an online link, or both).
    #[serde(default)]
    pub place: String,
    pub online_url: Option<String>,
    /// Seats; beyond them, a waiting list.
    pub capacity: Option<i32>,
}

/// Schedules a sourcing meeting of a consultation (agents). Bad fields: 422 `invalid`; the
/// consultation closed: 409.
#[utoipa::path(post, path = "/api/v1/consultations/{id}/meetings", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id")), request_body = MeetingInput,
    responses((status = 201, body = ConsultationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn add_meeting(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<MeetingInput>,
) -> Resp {
    identity.authorize(crate::domain::authz::Action::ManageConsultation)?;
    let id = id.into_inner();
    let input = input.into_inner();
    let pairs: Vec<(String, String)> = vec![
        ("starts_at".into(), input.starts_at),
        ("place".into(), input.place),
        ("online_url".into(), input.online_url.unwrap_or_default()),
        ("capacity".into(), input.capacity.map(|c| c.to_string()).unwrap_or_default()),
    ];
    let parsed = meetings::parse_input(&pairs, state.clock.now_naive())
        .map_err(|p| AppError::from(ConsultationError::Invalid(p)))?;
    ops::add_meeting(&state, &identity, id, parsed).await??;
    let page = ops::page(&state, &identity, id).await?;
    Ok(respond(StatusCode::CREATED, &page))
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesInput {
    /// Markdown: what was said, published for everyone (equal treatment).
    #[serde(default)]
    pub minutes: String,
}

/// Publishes a meeting's minutes once it took place (agents); the call cannot open while a
/// past meeting has none.
#[utoipa::path(put, path = "/api/v1/consultations/{id}/meetings/{meeting}/minutes", tag = "consultation", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The consultation's id"), ("meeting" = i64, Path, description = "The meeting's id")),
    request_body = MinutesInput,
    responses((status = 200, body = ConsultationJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn minutes(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    input: web::Json<MinutesInput>,
) -> Resp {
    let (id, meeting) = path.into_inner();
    ops::minutes(&state, &identity, id, meeting, input.into_inner().minutes).await??;
    let page = ops::page(&state, &identity, id).await?;
    Ok(respond(StatusCode::OK, &page))
}
