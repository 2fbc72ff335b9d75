//! The JSON API for proposals, under `/api/v1`: drafts, attachments (multipart), consortium,
//! deposits, withdrawals, reconfirmations and receipts for suppliers; the count, the opening and
//! the opened proposals for agents. The same rules as the pages: each handler calls the same
//! shared operations (`web::operations::proposals`, `receipts`) and the domain's.

use std::collections::BTreeMap;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::ids::{CriterionId, ObjectiveId};
use crate::domain::authz::Action;
use crate::domain::criteria::Criterion;
use crate::domain::error::{Kind as DomainKind, Message as ErrorMessage};
use crate::domain::forms::FormPairs;
use crate::domain::proposals::deposits::{self, Kind};
use crate::domain::proposals::opening;
use crate::domain::proposals::{self, ProposalFull, Relation};
use crate::views::proposals::{Standing, standing};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;
use crate::web::middleware::Arrival;
use crate::web::operations::documents;
use crate::web::operations::proposals::{
    self as operations, NewMember, catalogue, last_essential, readable, reload, writable,
};
use crate::web::operations::receipts::{SignedReceipt, readable_receipt, signed};

type Resp = Result<HttpResponse, AppError>;

use crate::web::ctx::private_json as private;

#[derive(Deserialize, Serialize, ToSchema, Default)]
pub struct StatementJson {
    pub criterion_id: i64,
    pub statement: String,
}

/// A draft's content. Every field may be empty in a draft; a deposit needs the title, summary,
/// solution and change support.
#[derive(Deserialize, ToSchema, Default)]
pub struct ProposalInput {
    #[serde(default)]
    pub title: String,
    /// At most 600 characters.
    #[serde(default)]
    pub summary: String,
    /// Markdown, at most 30,000 characters; rendered sanitised.
    #[serde(default)]
    pub solution: String,
    /// The support, training, advice or awareness the users will get.
    #[serde(default)]
    pub change_support: String,
    /// One statement of evidence and commitments per criterion of the objective.
    #[serde(default)]
    pub statements: Vec<StatementJson>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    /// For updates: the version read; a stale one is refused with 409 `version_conflict`.
    pub version: Option<i32>,
}

impl ProposalInput {
    /// The same pairs the form posts, so one parser checks both.
    fn pairs(&self) -> FormPairs {
        let mut pairs: FormPairs = vec![
            ("title".into(), self.title.clone()),
            ("summary".into(), self.summary.clone()),
            ("solution".into(), self.solution.clone()),
            ("change_support".into(), self.change_support.clone()),
            ("cost_euros".into(), self.cost_euros.map(|c| c.to_string()).unwrap_or_default()),
            ("duration_months".into(), self.duration_months.map(|d| d.to_string()).unwrap_or_default()),
        ];
        for s in &self.statements {
            pairs.push((format!("s_{}", s.criterion_id), s.statement.clone()));
        }
        pairs
    }
}

#[derive(Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: i64,
    pub name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct MemberJson {
    pub organisation_id: i64,
    pub name: String,
    pub identifier_type: String,
    pub identifier: String,
    pub role: String,
    pub confirmed: bool,
    /// The version of this member's terms (role, kind of consortium): a confirmation names it.
    pub terms_version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct DepositJson {
    pub id: i64,
    pub receipt_number: String,
    /// `deposit`, `reconfirmation` or `withdrawal`.
    pub kind: String,
    /// UTC, RFC 3339 with microseconds, as on the receipt.
    pub deposited_at: String,
    pub late: bool,
}

#[derive(Serialize, ToSchema)]
pub struct ProposalJson {
    pub id: i64,
    pub objective_id: i64,
    pub organisation_id: i64,
    pub lead_name: String,
    pub version: i32,
    pub title: String,
    pub summary: String,
    pub solution: String,
    pub change_support: String,
    pub statements: Vec<StatementJson>,
    pub cost_euros: Option<i64>,
    pub duration_months: Option<i32>,
    /// `conjoint` or `solidaire`, when there are members.
    pub consortium_type: Option<String>,
    pub members: Vec<MemberJson>,
    pub attachments: Vec<AttachmentJson>,
    pub deposits: Vec<DepositJson>,
    /// `draft`, `deposited`, `to_reconfirm`, `withdrawn` or `late`.
    pub standing: String,
}

fn standing_code(s: Standing) -> &'static str {
    match s {
        Standing::Draft => "draft",
        Standing::Deposited => "deposited",
        Standing::ToReconfirm => "to_reconfirm",
        Standing::Withdrawn => "withdrawn",
        Standing::Late => "late",
    }
}

fn deposit_json(d: &deposits::Deposit) -> DepositJson {
    DepositJson {
        id: d.id.0,
        receipt_number: d.receipt_number.clone(),
        kind: d.kind.clone(),
        deposited_at: d.deposited_at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string(),
        late: d.late,
    }
}

async fn proposal_json(state: &AppState, full: &ProposalFull) -> Result<ProposalJson, AppError> {
    let essential = last_essential(state, full.objective.id).await?;
    let p = &full.proposal;
    Ok(ProposalJson {
        id: p.id.0,
        objective_id: p.objective_id.0,
        organisation_id: p.organisation_id.0,
        lead_name: full.lead_name.clone(),
        version: p.version,
        title: p.title.clone(),
        summary: p.summary.clone(),
        solution: p.solution.clone(),
        change_support: p.change_support.clone(),
        statements: full
            .statements
            .iter()
            .map(|(c, s)| StatementJson { criterion_id: c.0, statement: s.clone() })
            .collect(),
        cost_euros: p.cost_euros,
        duration_months: p.duration_months,
        consortium_type: p.consortium_type.clone(),
        members: full
            .members
            .iter()
            .map(|m| MemberJson {
                organisation_id: m.organisation_id.0,
                name: m.legal_name.clone(),
                identifier_type: m.identifier_type.clone(),
                identifier: m.identifier.clone(),
                role: m.role.clone(),
                confirmed: m.confirmed_at.is_some(),
                terms_version: m.terms_version,
            })
            .collect(),
        attachments: full
            .attachments
            .iter()
            .map(|a| AttachmentJson {
                id: a.id.0,
                name: a.file_name.clone(),
                content_type: a.content_type.clone(),
                size_bytes: a.size_bytes,
                sha256: a.sha256.clone(),
            })
            .collect(),
        deposits: full.deposits.iter().map(deposit_json).collect(),
        standing: standing_code(standing(full, essential)).into(),
    })
}

/// Parses the input with the page's parser; problems become one 422 listing them, field by
/// field (`field: problem problem`), in the order of the fields' names.
fn parse(
    input: &ProposalInput,
    criteria: &[CriterionId],
    catalogue: &[Criterion],
) -> Result<proposals::Content, AppError> {
    proposals::parse_form(&input.pairs(), criteria).map_err(|problems| {
        let mut fields: BTreeMap<&str, Vec<ErrorMessage>> = BTreeMap::new();
        for p in problems {
            fields.entry(p.field).or_default().push(ErrorMessage { key: p.key, args: p.args, ..Default::default() });
        }
        let parts =
            fields.into_iter().map(|(field, said)| ErrorMessage::plain(format!("{field}:")).with_parts(said)).collect();
        AppError::refused(DomainKind::Invalid, "invalid_fields", ErrorMessage::list(parts)).naming_criteria(catalogue)
    })
}

#[derive(Serialize, ToSchema)]
pub struct ProposalSummary {
    pub id: i64,
    pub objective_id: i64,
    pub objective_reference: String,
    pub objective_title: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub deadline: Option<NaiveDateTime>,
    pub practice: bool,
    pub title: String,
    /// `lead` or `member`.
    pub relation: String,
    /// For members: whether their organisation confirmed. Until it does, `title` is empty,
    /// `deposits` too, and the proposal itself answers 403: an invitee sees only the invitation.
    pub confirmed: bool,
    /// For members not confirmed yet: the version of the terms (role, kind of consortium) to
    /// name when confirming (`PUT /api/v1/proposals/{id}/consortium/membership`).
    pub terms_version: Option<i32>,
    pub standing: String,
    pub deposits: Vec<DepositJson>,
}

/// The proposals one's organisation leads or is invited into.
#[utoipa::path(get, path = "/api/v1/proposals", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = [ProposalSummary]), (status = 401, body = crate::web::error::ErrorBody), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn list(state: web::Data<AppState>, identity: Identity) -> Resp {
    identity.authorize(Action::StartProposal)?;
    let org = identity.own_organisation()?;
    let rows = state.db.run(move |conn| proposals::dashboard(conn, org).map_err(AppError::from)).await?;
    let out: Vec<ProposalSummary> = rows
        .into_iter()
        .map(|r| {
            let standing = Standing::of(opening::outcome(&r.deposits, r.last_essential_amendment));
            let invited = r.relation != Relation::Lead && !r.confirmed;
            ProposalSummary {
                id: r.proposal.0,
                objective_id: r.objective.id.0,
                objective_reference: r.objective.reference.clone(),
                objective_title: r.objective.title.clone(),
                deadline: r.objective.deadline_at,
                practice: r.objective.practice,
                title: if invited { String::new() } else { r.title },
                relation: if r.relation == Relation::Lead { "lead" } else { "member" }.into(),
                confirmed: r.confirmed,
                terms_version: if invited { r.terms } else { None },
                standing: standing_code(standing).into(),
                deposits: if invited { Vec::new() } else { r.deposits.iter().map(deposit_json).collect() },
            }
        })
        .collect();
    Ok(private(StatusCode::OK, out))
}

/// Starts a draft for one's organisation on a published objective before its deadline.
#[utoipa::path(post, path = "/api/v1/objectives/{id}/proposals", tag = "proposals", security(("bearer" = [])),
    request_body = ProposalInput,
    responses((status = 201, body = ProposalJson), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn create(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<ProposalInput>,
) -> Resp {
    let current = identity.authorize(Action::StartProposal)?;
    let org = identity.own_organisation()?;
    let objective = operations::open_objective(&state, id.into_inner()).await?;
    let oid = objective.objective.id;
    let catalogue = catalogue(&state).await?;
    let ids: Vec<CriterionId> = objective.criteria.iter().map(|w| w.criterion_id).collect();
    let content = parse(&body, &ids, &catalogue)?;
    let (user, now) = (current.user.id, state.clock.now_naive());
    let pid = state
        .db
        .run(move |conn| Ok::<_, AppError>(proposals::create(conn, oid, org, &content, user, now)))
        .await?
        .map_err(|e| AppError::from(e).naming_criteria(&catalogue))?;
    let full = reload(&state, pid).await?;
    Ok(private(StatusCode::CREATED, proposal_json(&state, &full).await?))
}

/// A proposal of one's organisation (or consortium). An organisation invited into the consortium
/// and not confirmed yet gets 403: it sees the invitation in `GET /api/v1/proposals`.
#[utoipa::path(get, path = "/api/v1/proposals/{id}", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = ProposalJson), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn show(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let (full, _, _) = readable(&state, &identity, id.into_inner()).await?;
    Ok(private(StatusCode::OK, proposal_json(&state, &full).await?))
}

/// Saves a draft. `version` must be the one read, or 409 `version_conflict`.
#[utoipa::path(put, path = "/api/v1/proposals/{id}", tag = "proposals", security(("bearer" = [])),
    request_body = ProposalInput,
    responses((status = 200, body = ProposalJson), (status = 409, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn update(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<ProposalInput>,
) -> Resp {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let objective = operations::objective_of(&state, &full).await?;
    let catalogue = catalogue(&state).await?;
    let ids: Vec<CriterionId> = objective.criteria.iter().map(|w| w.criterion_id).collect();
    let content = parse(&body, &ids, &catalogue)?;
    let version = body
        .version
        .ok_or_else(|| AppError::BadRequest { code: "invalid_field", message: "version: required".into() })?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(proposals::save(conn, pid, version, &content, user, now)))
        .await?
        .map_err(|e| AppError::from(e).naming_criteria(&catalogue))?;
    let full = reload(&state, pid).await?;
    Ok(private(StatusCode::OK, proposal_json(&state, &full).await?))
}

/// Adds attachments: a `multipart/form-data` body with one or more `file` parts.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/attachments", tag = "proposals", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "One or more `file` parts: PDF, ODT, ODS, DOCX, XLSX, PNG or JPEG, recognised by content"),
    responses((status = 201, body = ProposalJson),
        (status = 409, description = "The objective takes no proposals now (`closed`)", body = crate::web::error::ErrorBody),
        (status = 413, body = crate::web::error::ErrorBody), (status = 415, body = crate::web::error::ErrorBody), (status = 422, body = crate::web::error::ErrorBody)))]
pub async fn upload(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    mut payload: Multipart,
) -> Resp {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    operations::receive_attachments(&state, &full, &current, &mut payload).await?;
    let full = reload(&state, full.proposal.id).await?;
    Ok(private(StatusCode::CREATED, proposal_json(&state, &full).await?))
}

/// Downloads an attachment (as `Content-Disposition: attachment`); every download is audited.
#[utoipa::path(get, path = "/api/v1/proposals/{id}/attachments/{attachment}", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, description = "The file", content_type = "application/octet-stream"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn download(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, aid) = path.into_inner();
    let file = operations::attachment(&state, &identity, id, aid).await?;
    documents::serve(&state, &file).await
}

/// Removes an attachment from a draft.
#[utoipa::path(delete, path = "/api/v1/proposals/{id}/attachments/{attachment}", tag = "proposals", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn remove_attachment(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, aid) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    operations::remove_attachment(&state, &full, &current, aid).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct MemberInput {
    /// `siret`, `eu_vat` or `other`.
    pub identifier_type: String,
    pub identifier: String,
    pub role: String,
    /// `conjoint` or `solidaire`.
    pub consortium_type: String,
}

/// Invites a registered organisation into the consortium (its owner is told and confirms).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/consortium", tag = "proposals", security(("bearer" = [])),
    request_body = MemberInput,
    responses((status = 201, body = ProposalJson), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn add_member(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<MemberInput>,
) -> Resp {
    let (full, current) = writable(&state, &identity, id.into_inner()).await?;
    let body = body.into_inner();
    let member = NewMember {
        identifier_type: body.identifier_type,
        identifier: body.identifier,
        role: body.role,
        consortium_type: body.consortium_type,
    };
    operations::add_member(&state, &full, &current, &member).await?;
    let pid = full.proposal.id;
    let full = reload(&state, pid).await?;
    Ok(private(StatusCode::CREATED, proposal_json(&state, &full).await?))
}

/// Removes a member organisation from the consortium.
#[utoipa::path(delete, path = "/api/v1/proposals/{id}/consortium/{organisation}", tag = "proposals", security(("bearer" = [])),
    responses((status = 204), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, description = "The objective takes no proposals now (`closed`)", body = crate::web::error::ErrorBody)))]
pub async fn remove_member(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (id, org) = path.into_inner();
    let (full, current) = writable(&state, &identity, id).await?;
    operations::remove_member(&state, &full, &current, org).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Deserialize, ToSchema)]
pub struct MembershipAnswer {
    /// `true` to confirm, `false` to decline (which leaves the consortium).
    pub confirm: bool,
    /// Required to confirm: the member's `terms_version` read from `GET /api/v1/proposals`; if the role or
    /// the kind of consortium changed since, 409 `terms_changed`.
    pub terms_version: Option<i32>,
}

/// The invited organisation's owner confirms or declines.
#[utoipa::path(put, path = "/api/v1/proposals/{id}/consortium/membership", tag = "proposals", security(("bearer" = [])),
    request_body = MembershipAnswer,
    responses((status = 204), (status = 403, body = crate::web::error::ErrorBody), (status = 404, body = crate::web::error::ErrorBody),
        (status = 409, description = "The terms changed (`terms_changed`), or the objective takes no proposals now (`closed`)", body = crate::web::error::ErrorBody)))]
pub async fn answer(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    body: web::Json<MembershipAnswer>,
) -> Resp {
    let answer = if body.confirm {
        Some(body.terms_version.ok_or_else(|| AppError::BadRequest {
            code: "invalid_field",
            message: "terms_version: required to confirm".into(),
        })?)
    } else {
        None
    };
    operations::answer_invitation(&state, &identity, id.into_inner(), answer).await?;
    Ok(HttpResponse::NoContent().finish())
}

async fn deposit_kind(state: &AppState, identity: &Identity, arrival: Arrival, id: i64, kind: Kind) -> Resp {
    let started_at = arrival.0;
    let (full, current) = writable(state, identity, id).await?;
    let did = operations::record_deposit(state, &full, &current, kind, started_at, None).await?;
    let (deposit, receipt) = readable_receipt(state, identity, did.0).await?;
    Ok(private(StatusCode::CREATED, signed(&deposit, receipt)))
}

/// Deposits the draft as it is: an immutable snapshot with its receipt.
#[utoipa::path(post, path = "/api/v1/proposals/{id}/deposits", tag = "proposals", security(("bearer" = [])),
    responses((status = 201, body = SignedReceipt), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn deposit(state: web::Data<AppState>, identity: Identity, arrival: Arrival, id: web::Path<i64>) -> Resp {
    deposit_kind(&state, &identity, arrival, id.into_inner(), Kind::Deposit).await
}

/// Withdraws the proposal before the deadline (a receipt too).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/withdrawal", tag = "proposals", security(("bearer" = [])),
    responses((status = 201, body = SignedReceipt), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn withdraw(state: web::Data<AppState>, identity: Identity, arrival: Arrival, id: web::Path<i64>) -> Resp {
    deposit_kind(&state, &identity, arrival, id.into_inner(), Kind::Withdrawal).await
}

/// Deposits the last deposit again, unchanged (after an essential amendment).
#[utoipa::path(post, path = "/api/v1/proposals/{id}/reconfirmation", tag = "proposals", security(("bearer" = [])),
    responses((status = 201, body = SignedReceipt), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn reconfirm(state: web::Data<AppState>, identity: Identity, arrival: Arrival, id: web::Path<i64>) -> Resp {
    deposit_kind(&state, &identity, arrival, id.into_inner(), Kind::Reconfirmation).await
}

/// A receipt, with its hash.
#[utoipa::path(get, path = "/api/v1/receipts/{id}", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = SignedReceipt), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn receipt(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let (deposit, receipt) = readable_receipt(&state, &identity, id.into_inner()).await?;
    Ok(private(StatusCode::OK, signed(&deposit, receipt)))
}

#[derive(Serialize, ToSchema)]
pub struct ReceivedProposal {
    pub proposal_id: i64,
    pub organisation: String,
    /// `opened`, `to_open`, `no_deposit`, `withdrawn`, `late` or `not_reconfirmed`.
    pub outcome: String,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub opened_at: Option<NaiveDateTime>,
}

#[derive(Serialize, ToSchema)]
pub struct ReceivedProposals {
    /// How many organisations deposited: all agents see before the deadline.
    pub deposited: i64,
    /// Past the deadline: the list below is filled.
    pub closed: bool,
    pub proposals: Vec<ReceivedProposal>,
}

/// Agents: the number of deposits; after the deadline, each proposal's outcome.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/proposals", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = ReceivedProposals), (status = 403, body = crate::web::error::ErrorBody)))]
pub async fn received(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let o = operations::agent_objective(&state, &identity, id.into_inner()).await?;
    let oid = o.id;
    let closed = opening::openable(&o, state.clock.now_naive());
    let (deposited, rows) = state
        .db
        .run(move |conn| {
            let count = opening::deposit_count(conn, oid)?;
            let rows = if closed { opening::proposals_of(conn, oid)? } else { Vec::new() };
            Ok::<_, AppError>((count, rows))
        })
        .await?;
    let proposals = rows
        .into_iter()
        .map(|r| ReceivedProposal {
            proposal_id: r.proposal.0,
            organisation: r.organisation_name,
            outcome: match (&r.outcome, &r.deposit) {
                (Ok(_), Some(_)) => "opened".into(),
                (Ok(_), None) => "to_open".into(),
                (Err(e), _) => e.code().into(),
            },
            opened_at: r.deposit.and_then(|d| d.opened_at),
        })
        .collect();
    Ok(private(StatusCode::OK, ReceivedProposals { deposited, closed, proposals }))
}

#[derive(Serialize, ToSchema)]
pub struct Opening {
    /// How many proposals this call opened.
    pub opened: usize,
    /// Deposited files of the proposals opened now that no longer match the SHA-256 their
    /// receipts name (or are missing): recorded in the audit log, never served.
    pub altered: Vec<crate::domain::integrity::Mismatch>,
}

/// Agents, after the deadline: opens every proposal's counted deposit (one audit entry each).
#[utoipa::path(post, path = "/api/v1/objectives/{id}/opening", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = Opening), (status = 409, body = crate::web::error::ErrorBody)))]
pub async fn open(state: web::Data<AppState>, identity: Identity, id: web::Path<i64>) -> Resp {
    let done = operations::open_proposals(&state, &identity, ObjectiveId(id.into_inner())).await?;
    Ok(private(StatusCode::OK, Opening { opened: done.opened, altered: done.altered }))
}

#[derive(Serialize, ToSchema)]
pub struct OpenedProposal {
    pub proposal_id: i64,
    pub organisation: String,
    pub receipt_number: String,
    #[schema(value_type = String, format = DateTime)]
    pub deposited_at: NaiveDateTime,
    /// The frozen content: title, summary, solution, change support, statements, cost,
    /// duration, consortium, documents.
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
}

/// Agents: an opened proposal's deposited content.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/proposals/{proposal}", tag = "proposals", security(("bearer" = [])),
    responses((status = 200, body = OpenedProposal), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn opened(state: web::Data<AppState>, identity: Identity, path: web::Path<(i64, i64)>) -> Resp {
    let (objective, proposal) = path.into_inner();
    let (_, row, deposit) = operations::opened_deposit(&state, &identity, objective, proposal).await?;
    let content: serde_json::Value = serde_json::from_str(&deposit.snapshot).map_err(AppError::internal)?;
    Ok(private(
        StatusCode::OK,
        OpenedProposal {
            proposal_id: row.proposal.0,
            organisation: row.organisation_name,
            receipt_number: deposit.receipt_number,
            deposited_at: deposit.deposited_at,
            content,
        },
    ))
}
