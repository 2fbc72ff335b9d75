//! The agents' JSON API for objectives, under `/api/v1`: drafting, publication, amendment,
//! cancellation and deletion; the supporting documents (multipart); the answers to questions.
//! The same operations as the pages (`web::operations::objectives`, `documents`): a handler
//! parses the JSON into the form's pairs (so one parser checks both), calls, and answers JSON.
//! The pages' confirmation steps (cancelling, deleting) are the page's: the API acts directly.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::criteria::Criterion;
use crate::domain::error::{Kind, Message};
use crate::domain::forms::{FormPairs, Problem};
use crate::domain::objectives::{self, Change, MAX_MILESTONES, ObjectiveDraft, ObjectiveError, ObjectiveFull};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::private_json;
use crate::web::error::AppError;
use crate::web::operations::documents as docs;
use crate::web::operations::objectives as ops;

type Resp = Result<HttpResponse, AppError>;

fn utc(t: NaiveDateTime) -> String {
    format!("{}Z", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// Field problems as one 422 `invalid_fields` listing them, field by field (`field: problem`),
/// criteria named as the form names them.
pub fn invalid_fields(problems: Vec<Problem>, catalogue: &[Criterion]) -> AppError {
    let mut fields: BTreeMap<&str, Vec<Message>> = BTreeMap::new();
    for p in problems {
        fields.entry(p.field).or_default().push(Message { key: p.key, args: p.args, ..Default::default() });
    }
    let parts = fields.into_iter().map(|(field, said)| Message::plain(format!("{field}:")).with_parts(said)).collect();
    AppError::refused(Kind::Invalid, "invalid_fields", Message::list(parts)).naming_criteria(catalogue)
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct WeightInput {
    pub criterion_id: i64,
    /// 1 to 100; the weights of a publishable objective add up to 100.
    pub weight: i32,
    #[serde(default)]
    pub eliminatory: bool,
    /// 1 to 5; required when eliminatory.
    pub min_score: Option<i32>,
}

#[derive(Deserialize, Serialize, ToSchema, Clone)]
pub struct MilestoneInput {
    /// `YYYY-MM-DD`.
    pub due_on: String,
    pub label: String,
}

/// An objective's content, as the agents' form takes it. Every field may be empty in a draft
/// but the title; publishing needs the rest. A `PUT` replaces the whole content.
#[derive(Deserialize, ToSchema, Default)]
pub struct ObjectiveInput {
    /// At most 200 characters.
    #[serde(default)]
    pub title: String,
    /// Markdown, at most 3,000 characters.
    #[serde(default)]
    pub need: String,
    #[serde(default)]
    pub political_objective: String,
    #[serde(default)]
    pub deliberation_ref: String,
    /// `YYYY-MM-DD`.
    pub deliberation_date: Option<String>,
    pub deliberation_url: Option<String>,
    /// Theme codes (`energie`, `batiment`, …).
    #[serde(default)]
    pub themes: Vec<String>,
    /// `5`, `10` (default), `20` or `20+` years.
    pub horizon: Option<String>,
    pub budget_euros: Option<i64>,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub contact: String,
    /// Europe/Paris wall-clock time, `YYYY-MM-DDTHH:MM`, as the form takes it.
    pub deadline: Option<String>,
    /// `top` (the best N) or `min` (every proposal at or above a score).
    pub shortlist_rule: Option<String>,
    pub shortlist_value: Option<i32>,
    #[serde(default)]
    pub criteria: Vec<WeightInput>,
    /// At most 8.
    #[serde(default)]
    pub milestones: Vec<MilestoneInput>,
    /// For an amendment of a published objective: the public reason (required).
    pub reason: Option<String>,
}

impl ObjectiveInput {
    /// The same pairs the form posts.
    fn pairs(&self) -> FormPairs {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let mut pairs: FormPairs = vec![
            ("title".into(), self.title.clone()),
            ("need".into(), self.need.clone()),
            ("political_objective".into(), self.political_objective.clone()),
            ("deliberation_ref".into(), self.deliberation_ref.clone()),
            ("deliberation_date".into(), text(&self.deliberation_date)),
            ("deliberation_url".into(), text(&self.deliberation_url)),
            ("horizon".into(), text(&self.horizon)),
            ("budget_euros".into(), self.budget_euros.map(|b| b.to_string()).unwrap_or_default()),
            ("place".into(), self.place.clone()),
            ("contact".into(), self.contact.clone()),
            ("deadline".into(), text(&self.deadline)),
            ("shortlist_rule".into(), text(&self.shortlist_rule)),
            ("shortlist_value".into(), self.shortlist_value.map(|v| v.to_string()).unwrap_or_default()),
        ];
        pairs.extend(self.themes.iter().map(|t| ("themes".to_owned(), t.clone())));
        for w in &self.criteria {
            pairs.push((format!("w_{}", w.criterion_id), w.weight.to_string()));
            if w.eliminatory {
                pairs.push((format!("elim_{}", w.criterion_id), "true".into()));
            }
            if let Some(m) = w.min_score {
                pairs.push((format!("min_{}", w.criterion_id), m.to_string()));
            }
        }
        for (i, m) in self.milestones.iter().enumerate() {
            pairs.push((format!("m_date_{i}"), m.due_on.clone()));
            pairs.push((format!("m_label_{i}"), m.label.clone()));
        }
        pairs
    }

    /// Parses with the form's parser; what the form cannot say (an unknown criterion, too many
    /// milestones, a weight of 0) is refused too, never silently dropped.
    fn parse(&self, catalogue: &[Criterion]) -> Result<ObjectiveDraft, AppError> {
        let mut problems = Vec::new();
        for w in &self.criteria {
            if w.weight == 0 || !catalogue.iter().any(|c| c.id.0 == w.criterion_id) {
                problems.push(Problem::new("criteria", "objective-error-weight").with("criterion", w.criterion_id));
            }
        }
        if self.milestones.len() > MAX_MILESTONES {
            problems.push(Problem::new("milestones", "objective-error-milestone").with("n", MAX_MILESTONES + 1));
        }
        match objectives::parse_form(&self.pairs(), catalogue) {
            Ok(draft) if problems.is_empty() => Ok(draft),
            Ok(_) => Err(invalid_fields(problems, catalogue)),
            Err(more) => {
                problems.extend(more);
                Err(invalid_fields(problems, catalogue))
            }
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct ChangeJson {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// An objective as its agents see it (drafts included).
#[derive(Serialize, ToSchema)]
pub struct ObjectiveJson {
    pub id: i64,
    /// `AO-<year>-<number>`.
    pub reference: String,
    /// `draft`, `published`, `closed`, `cancelled`, …
    pub status: String,
    pub title: String,
    pub need: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<String>,
    pub deliberation_url: Option<String>,
    pub themes: Vec<String>,
    pub horizon: String,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    /// UTC.
    pub deadline: Option<String>,
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub criteria: Vec<WeightInput>,
    pub milestones: Vec<MilestoneInput>,
    /// UTC.
    pub published_at: Option<String>,
    pub cancel_reason: Option<String>,
    /// The number of recorded amendments.
    pub amendments: usize,
    /// After an amendment: what it changed.
    pub changes: Option<Vec<ChangeJson>>,
}

fn objective_json(full: &ObjectiveFull, now: NaiveDateTime, changes: Option<Vec<Change>>) -> ObjectiveJson {
    let o = &full.objective;
    ObjectiveJson {
        id: o.id.0,
        reference: o.reference.clone(),
        status: o.status_at(now).as_str().to_owned(),
        title: o.title.clone(),
        need: o.need.clone(),
        political_objective: o.political_objective.clone(),
        deliberation_ref: o.deliberation_ref.clone(),
        deliberation_date: o.deliberation_date.map(|d| d.to_string()),
        deliberation_url: o.deliberation_url.clone(),
        themes: o.theme_list(),
        horizon: o.horizon.clone(),
        budget_euros: o.budget_euros,
        place: o.place.clone(),
        contact: o.contact.clone(),
        deadline: o.deadline_at.map(utc),
        shortlist_rule: o.shortlist_rule.clone(),
        shortlist_value: o.shortlist_value,
        criteria: full
            .criteria
            .iter()
            .map(|w| WeightInput {
                criterion_id: w.criterion_id.0,
                weight: w.weight,
                eliminatory: w.eliminatory,
                min_score: w.min_score,
            })
            .collect(),
        milestones: full
            .milestones
            .iter()
            .map(|m| MilestoneInput { due_on: m.due_on.to_string(), label: m.label.clone() })
            .collect(),
        published_at: o.published_at.map(utc),
        cancel_reason: o.cancel_reason.clone(),
        amendments: full.amendments.len(),
        changes: changes.map(|list| {
            list.into_iter().map(|c| ChangeJson { field: c.field, before: c.before, after: c.after }).collect()
        }),
    }
}

async fn reply(
    state: &AppState,
    identity: &Identity,
    id: i64,
    status: StatusCode,
    changes: Option<Vec<Change>>,
) -> Resp {
    let full = ops::visible(state, identity, id).await?;
    Ok(private_json(status, objective_json(&full, state.clock.now_naive(), changes)))
}

/// Creates a draft objective (agents). Only the title is required in a draft; bad values are
/// refused with 422 `invalid_fields`, naming the fields, nothing written.
#[utoipa::path(post, path = "/api/v1/objectives", tag = "objectives", security(("bearer" = [])),
    request_body = ObjectiveInput,
    responses((status = 201, body = ObjectiveJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create(state: web::Data<AppState>, identity: Identity, input: web::Json<ObjectiveInput>) -> Resp {
    identity.authorize(crate::domain::authz::Action::CreateObjective)?;
    let catalogue = ops::active_catalogue(&state).await?;
    let draft = input.parse(&catalogue)?;
    let id = ops::create(&state, &identity, draft).await?;
    reply(&state, &identity, id.0, StatusCode::CREATED, None).await
}

/// Saves a draft, or amends a published objective before its deadline (agents): then `reason`
/// is required (422 `reason_required`), every change is recorded publicly, the deadline may only
/// move later (422 `deadline_brought_forward`), an essential change asks the depositors to
/// reconfirm. An objective past its deadline or cancelled: 409 `wrong_status`.
#[utoipa::path(put, path = "/api/v1/objectives/{id}", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = ObjectiveInput,
    responses((status = 200, body = ObjectiveJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<ObjectiveInput>,
) -> Resp {
    let id = id.into_inner();
    let (_, _, catalogue) = ops::editable(&state, &identity, id).await?;
    let draft = input.parse(&catalogue)?;
    let reason = input.reason.clone().unwrap_or_default();
    let changes = match ops::save(&state, &identity, id, draft, reason, catalogue.clone()).await? {
        Ok(changes) => changes,
        Err(ObjectiveError::Incomplete(problems)) => return Err(invalid_fields(problems, &catalogue)),
        Err(ObjectiveError::WrongStatus(_)) => return Err(ops::not_editable()),
        Err(e) => return Err(e.into()),
    };
    reply(&state, &identity, id, StatusCode::OK, changes).await
}

/// Publishes a complete draft (agents); followers of its themes are mailed. An incomplete one:
/// 409 `incomplete`, saying what is missing; not a draft: 409 `wrong_status`.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/publication", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 200, body = ObjectiveJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn publish(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let id = id.into_inner();
    ops::publish(&state, &identity, id).await?;
    reply(&state, &identity, id, StatusCode::OK, None).await
}

#[derive(Deserialize, ToSchema)]
pub struct CancellationInput {
    /// The public reason, 1 to 2,000 characters.
    #[serde(default)]
    pub reason: String,
}

/// Cancels a published objective before its deadline (agents), with its public reason; the
/// followers and depositors are mailed. Cannot be undone: the page asks for a confirmation, the
/// API acts at once. No reason: 422 `reason_required`; not published: 409 `wrong_status`.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/cancellation", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = CancellationInput,
    responses((status = 200, body = ObjectiveJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn cancel(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<CancellationInput>,
) -> Resp {
    let id = id.into_inner();
    ops::cancel(&state, &identity, id, input.into_inner().reason).await??;
    reply(&state, &identity, id, StatusCode::OK, None).await
}

/// Deletes a draft (agents); a published objective is never deleted (409 `wrong_status`).
/// Cannot be undone: the page asks for a confirmation, the API acts at once.
#[utoipa::path(delete, path = "/api/v1/objectives/{id}", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")),
    responses((status = 204, description = "Deleted"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn delete(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    ops::delete(&state, &identity, id.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize, ToSchema)]
pub struct DocumentJson {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    /// UTC.
    pub uploaded_at: String,
}

/// Adds supporting documents to a draft or published objective (agents): a `multipart/form-data`
/// body with one or more `file` parts, and for a published objective a `reason` part (the change
/// is a public amendment; without it 409 `reason_required`). A refused file (type, size, none):
/// 413, 415 or 422, nothing kept. Answers the objective's documents.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/documents", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")),
    request_body(content_type = "multipart/form-data", description = "One or more `file` parts: PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG, recognised by content; a `reason` part once published"),
    responses((status = 201, body = [DocumentJson]), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody), (status = 413, body = crate::web::error::ErrorBody),
        (status = 415, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn upload(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>, payload: Multipart) -> Resp {
    let id = id.into_inner();
    docs::receive(&state, &identity, id, payload).await?;
    let list = docs::of_objective(&state, &identity, id).await?;
    let body: Vec<DocumentJson> = list
        .into_iter()
        .map(|d| DocumentJson {
            id: d.id.0,
            name: d.file_name,
            content_type: d.content_type,
            size_bytes: d.size_bytes,
            sha256: d.sha256,
            uploaded_at: utc(d.uploaded_at),
        })
        .collect();
    Ok(private_json(StatusCode::CREATED, body))
}

/// Removes a document of a draft objective (agents); once published, documents stay (409).
#[utoipa::path(delete, path = "/api/v1/objectives/{id}/documents/{doc}", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id"), ("doc" = i64, Path, description = "The document's id")),
    responses((status = 204, description = "Removed"), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn remove_document(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, doc) = path.into_inner();
    docs::remove(&state, &identity, id, doc).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct AnswerInput {
    /// 10 to 2,000 characters.
    #[serde(default)]
    pub answer: String,
}

#[derive(Serialize, ToSchema)]
pub struct AnswerJson {
    pub id: i64,
    pub question: String,
    pub answer: String,
}

/// Answers a supplier's pending question (agents): the answer is public, the asker and the
/// followers are mailed. Unknown or already answered: 404; a text of the wrong length: 409
/// `invalid_length`; the objective no longer open: 409 `not_open`.
#[utoipa::path(put, path = "/api/v1/objectives/{id}/questions/{qid}/answer", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id"), ("qid" = i64, Path, description = "The question's id")),
    request_body = AnswerInput,
    responses((status = 200, body = AnswerJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn answer(
    state: web::Data<AppState>,
    identity: Identity,
    path: web::Path<(i64, i64)>,
    input: web::Json<AnswerInput>,
) -> Resp {
    let (id, qid) = path.into_inner();
    let text = input.into_inner().answer;
    ops::answer(&state, &identity, id, qid, text).await?;
    let q = ops::answered(&state, &identity, id, qid).await?;
    Ok(private_json(
        StatusCode::OK,
        AnswerJson { id: q.id.0, question: q.question, answer: q.answer.unwrap_or_default() },
    ))
}

#[derive(Deserialize, ToSchema)]
pub struct OwnAnswerInput {
    /// The question as received elsewhere (telephone, meeting), 10 to 2,000 characters.
    #[serde(default)]
    pub question: String,
    /// 10 to 2,000 characters.
    #[serde(default)]
    pub answer: String,
}

/// Publishes a question received elsewhere with its answer (agents), so every supplier reads
/// it; the followers are mailed. Same refusals as answering.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/answers", tag = "objectives", security(("bearer" = [])),
    params(("id" = i64, Path, description = "The objective's id")), request_body = OwnAnswerInput,
    responses((status = 201, body = AnswerJson), (status = 401, body = crate::web::error::ErrorBody),
        (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn publish_answer(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    input: web::Json<OwnAnswerInput>,
) -> Resp {
    let id = id.into_inner();
    let input = input.into_inner();
    let qid = ops::publish_answer(&state, &identity, id, input.question, input.answer).await?;
    let q = ops::answered(&state, &identity, id, qid.0).await?;
    Ok(private_json(
        StatusCode::CREATED,
        AnswerJson { id: q.id.0, question: q.question, answer: q.answer.unwrap_or_default() },
    ))
}
