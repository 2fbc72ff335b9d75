//! Deposit receipts: the one a viewer's organisation may read, and the receipt with its hash as
//! it is downloaded.

use serde::Serialize;
use utoipa::ToSchema;

use crate::db::ids::DepositId;
use crate::domain::authz::Action;
use crate::domain::proposals::deposits::{self, Deposit, Receipt};
use crate::domain::proposals::{self, Relation};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// A receipt the viewer's organisation may read (lead or consortium member); 404 otherwise.
pub async fn readable_receipt(state: &AppState, identity: &Identity, id: i64) -> Result<(Deposit, Receipt), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let did = DepositId(id);
    let (deposit, full) = state
        .db
        .run(move |conn| {
            let Some(d) = deposits::find(conn, did)? else { return Ok::<_, AppError>(None) };
            let full = proposals::load(conn, d.proposal_id)?.ok_or(AppError::NotFound)?;
            Ok(Some((d, full)))
        })
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = full.relation(current.user.organisation_id);
    if relation == Relation::Outsider {
        return Err(AppError::NotFound);
    }
    identity.authorize(Action::ReadProposal { relation, opened: false })?;
    let receipt = deposit.receipt().ok_or_else(|| AppError::internal("unreadable receipt"))?;
    Ok((deposit, receipt))
}

/// A receipt with its hash, as downloaded.
#[derive(Serialize, ToSchema)]
pub struct SignedReceipt {
    #[serde(flatten)]
    pub receipt: Receipt,
    /// SHA-256 of the canonical JSON of every other field.
    pub deposit_hash: String,
}

pub fn signed(deposit: &Deposit, receipt: Receipt) -> SignedReceipt {
    SignedReceipt { receipt, deposit_hash: deposit.deposit_hash.clone() }
}
