//! Receipts: the printable page, the PDF and the JSON of a deposit's receipt (for the depositing
//! organisation and its consortium), and the public check of a number and hash, which says
//! valid or not and nothing else.

use actix_web::http::StatusCode;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::domain::authz::Action;
use crate::domain::proposals::deposits;
use crate::views;
use crate::views::layout::Ctx;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, pdf_download, rate_limit};
use crate::web::error::AppError;
use crate::web::operations::receipts::{readable_receipt, signed};

pub async fn page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let (deposit, receipt) = readable_receipt(&state, &identity, id.into_inner()).await?;
    let notice = query.notice(&ctx, "proposal");
    let view = views::proposals::ReceiptPage {
        deposit: deposit.id.0,
        hash: &deposit.deposit_hash,
        deposited_at: deposit.deposited_at,
        proposal: Some(deposit.proposal_id.0),
        notice,
    };
    Ok(html(StatusCode::OK, views::proposals::receipt(&ctx, &receipt, &view)))
}

/// The receipt as a JSON download.
pub async fn json(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (deposit, receipt) = readable_receipt(&state, &identity, id.into_inner()).await?;
    let name = format!("{}.json", receipt.receipt_number);
    Ok(HttpResponse::Ok()
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(name)],
        })
        .insert_header(("Cache-Control", "private, no-store"))
        .json(signed(&deposit, receipt)))
}

/// The receipt as a PDF, in the reader's language, with the public address that checks it.
pub async fn pdf(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (deposit, receipt) = readable_receipt(&state, &identity, id.into_inner()).await?;
    let mut verify = state.settings.public_url.join("receipts/verify").map_err(AppError::internal)?;
    verify.query_pairs_mut().append_pair("number", &receipt.receipt_number).append_pair("hash", &deposit.deposit_hash);
    let document =
        views::proposals::receipt_pdf(ctx.lang, &receipt, &deposit.deposit_hash, deposit.deposited_at, verify.as_str());
    pdf_download(format!("{}.pdf", receipt.receipt_number), document).await
}

#[derive(Deserialize, IntoParams)]
pub struct VerifyQuery {
    /// The receipt number, e.g. `AO-7K2M-Q9XD-4RTA`.
    #[serde(default)]
    pub number: String,
    /// The receipt's SHA-256 (64 hexadecimal characters).
    #[serde(default)]
    pub hash: String,
}

#[derive(Serialize, Deserialize, ToSchema)]
pub struct Verification {
    /// Whether a receipt with this number carries this hash.
    pub valid: bool,
}

/// Checks are rate-limited per address: the number space is large, but guessing is not free.
async fn check(state: &AppState, identity: &Identity, client: String, q: &VerifyQuery) -> Result<bool, AppError> {
    identity
        .authorize_anonymous(Action::VerifyReceipt)
        .or_else(|_| identity.authorize(Action::VerifyReceipt).map(|_| ()))?;
    rate_limit(state, format!("receipt-check:{client}"), crate::domain::rate_limit::RECEIPT_CHECKS_PER_ADDRESS).await?;
    let (number, hash) = (q.number.clone(), q.hash.clone());
    state.db.run(move |conn| deposits::verify(conn, &number, &hash).map_err(AppError::from)).await
}

pub async fn verify_page(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    req: actix_web::HttpRequest,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let result = if q.number.trim().is_empty() && q.hash.trim().is_empty() {
        None
    } else {
        let client = crate::web::auth::client_address(&req, state.settings.trust_proxy);
        Some(check(&state, &identity, client, &q).await?)
    };
    Ok(html(StatusCode::OK, views::proposals::verify(&ctx, &q.number, &q.hash, result)))
}

/// Checks a receipt: valid or not, and nothing else.
#[utoipa::path(get, path = "/api/v1/receipts/verify", tag = "proposals", params(VerifyQuery),
    responses((status = 200, body = Verification), (status = 429, body = crate::web::error::ErrorBody)))]
pub async fn verify_api(
    state: web::Data<AppState>,
    identity: Identity,
    req: actix_web::HttpRequest,
    query: web::Query<VerifyQuery>,
) -> Result<HttpResponse, AppError> {
    let client = crate::web::auth::client_address(&req, state.settings.trust_proxy);
    let valid = check(&state, &identity, client, &query).await?;
    Ok(HttpResponse::Ok().json(Verification { valid }))
}
