//! Proposals, for the pages and the API alike: the proposal a viewer may read or write, the
//! objective one may answer, attachments received and removed, consortium members, deposits, the
//! agents' opened deposits, and downloads (each one in the audit log).
//!
//! Outsiders get a 404 everywhere: before the deadline nothing of a proposal shows, not even that
//! it exists.

use std::rc::Rc;

use actix_multipart::Multipart;
use serde::Deserialize;

use crate::db::ids::{AttachmentId, DepositId, ObjectiveId, OrganisationId, ProposalId};
use crate::domain::authz::Action;
use crate::domain::criteria::{self, Criterion};
use crate::domain::error::{self, Message};
use crate::domain::following::MailLinks;
use crate::domain::objectives;
use crate::domain::organisations::{IdentifierType, LegalIdentifier};
use crate::domain::proposals::deposits::{self, Depositor, Kind};
use crate::domain::proposals::opening;
use crate::domain::proposals::{self, Download as Downloaded, ProposalError, ProposalFull, Relation, consortium};
use crate::uploads::{Store, UploadError};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::error::AppError;
use crate::web::operations::documents::{Check, Download};

const MAX_FILES_PER_UPLOAD: usize = 10;

/// A proposal the signed-in user's organisation leads or is a member of, with that relation.
/// Others get a 404: before the deadline nothing of a proposal shows, not even that it exists.
pub async fn readable(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ProposalFull, Relation, Rc<CurrentUser>), AppError> {
    let (full, relation, current) = related(state, identity, id).await?;
    identity.authorize(Action::ReadProposal { relation, opened: false })?;
    Ok((full, relation, current))
}

/// A proposal the signed-in user's organisation leads, is a member of or is invited into, with
/// that relation, authorized to see no more than the invitation (`SeeInvitation`). Others get a
/// 404. Callers that show more ask `authz` for it (see [`readable`]).
async fn related(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ProposalFull, Relation, Rc<CurrentUser>), AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let pid = ProposalId(id);
    let full = state
        .db
        .run(move |conn| proposals::load(conn, pid).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    let relation = full.relation(current.user.organisation_id);
    if relation == Relation::Outsider {
        return Err(AppError::NotFound);
    }
    identity.authorize(Action::SeeInvitation(relation))?;
    Ok((full, relation, current))
}

/// The same, for the lead organisation's users, who write.
pub async fn writable(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<(ProposalFull, Rc<CurrentUser>), AppError> {
    let (full, relation, current) = readable(state, identity, id).await?;
    identity.authorize(Action::WriteProposal(relation))?;
    Ok((full, current))
}

/// The proposal again, after a change.
pub async fn reload(state: &AppState, id: ProposalId) -> Result<ProposalFull, AppError> {
    state.db.run(move |conn| proposals::load(conn, id).map_err(AppError::from)).await?.ok_or(AppError::NotFound)
}

/// When the objective was last amended essentially (deposits before it must be reconfirmed).
pub async fn last_essential(
    state: &AppState,
    objective: ObjectiveId,
) -> Result<Option<chrono::NaiveDateTime>, AppError> {
    state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(opening::last_essential_amendments(conn, &[objective])?.get(&objective).copied())
        })
        .await
}

/// The whole criteria catalogue, retired criteria included (proposals keep naming them).
pub async fn catalogue(state: &AppState) -> Result<Vec<Criterion>, AppError> {
    state.db.run(|conn| criteria::list(conn, true).map_err(AppError::from)).await
}

/// An objective one may answer or has answered: anything but a draft.
pub async fn open_objective(state: &AppState, id: i64) -> Result<objectives::ObjectiveFull, AppError> {
    let oid = ObjectiveId(id);
    let full = state
        .db
        .run(move |conn| objectives::load(conn, oid).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if full.objective.status == objectives::Status::Draft.as_str() {
        return Err(AppError::NotFound);
    }
    Ok(full)
}

/// The objective a proposal answers, with its criteria.
pub async fn objective_of(state: &AppState, full: &ProposalFull) -> Result<objectives::ObjectiveFull, AppError> {
    let oid = full.objective.id;
    state.db.run(move |conn| objectives::load(conn, oid).map_err(AppError::from)).await?.ok_or(AppError::NotFound)
}

/// An objective the agent may count and open proposals of.
pub async fn agent_objective(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<objectives::Objective, AppError> {
    identity.authorize(Action::OpenProposals)?;
    let full = open_objective(state, id).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    Ok(full.objective)
}

/// The opened deposit of a proposal, for agents; anything else is a 404.
pub async fn opened_deposit(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    proposal: i64,
) -> Result<(objectives::Objective, opening::Opened, deposits::Deposit), AppError> {
    let o = agent_objective(state, identity, objective).await?;
    let oid = o.id;
    let rows = state.db.run(move |conn| opening::proposals_of(conn, oid).map_err(AppError::from)).await?;
    let row = rows.into_iter().find(|r| r.proposal == ProposalId(proposal)).ok_or(AppError::NotFound)?;
    let deposit = row.deposit.clone().ok_or(AppError::NotFound)?;
    identity.authorize(Action::ReadProposal { relation: Relation::Outsider, opened: true })?;
    Ok((o, row, deposit))
}

/// Receives attachments (multipart, the CSRF token in the query string) and records them.
pub async fn receive_attachments(
    state: &AppState,
    full: &ProposalFull,
    current: &CurrentUser,
    payload: &mut Multipart,
) -> Result<usize, AppError> {
    let now = state.clock.now_naive();
    if !proposals::accepts_proposals(&full.objective, now) {
        return Err(ProposalError::Closed.into());
    }
    let store = Store::new(&state.settings.data_dir);
    let remaining = state.settings.max_total_size.saturating_sub(full.attachments_size());
    let received = store
        .receive_form(payload, state.settings.max_file_size, remaining, MAX_FILES_PER_UPLOAD)
        .await
        .map_err(|e| AppError::from(e).on_field("file"))?;
    let files = received.files;
    if files.is_empty() {
        return Err(AppError::from(UploadError::Empty).on_field("file"));
    }
    let (pid, user, max_total, count) = (full.proposal.id, current.user.id, state.settings.max_total_size, files.len());
    let to_store = files.clone();
    // Checked again at the end of the upload: the deadline may have passed meanwhile.
    let ended = state.clock.now_naive();
    let saved = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(proposals::add_attachments(conn, pid, &to_store, max_total, user, now, ended))
        })
        .await;
    let refusal = match saved {
        Ok(Ok(())) => return Ok(count),
        // Refused like a file over a limit: the page shows the reason by the file field.
        Ok(Err(e @ (ProposalError::AttachmentsTooLarge | ProposalError::TooManyAttachments))) => {
            AppError::from(e).on_field("file")
        }
        Ok(Err(e)) => e.into(),
        Err(e) => e,
    };
    // Nothing half-written: the files go with the refused or failed transaction.
    store.discard(&files).await;
    Err(refusal)
}

/// Removes an attachment; its file goes too unless a deposit holds it.
pub async fn remove_attachment(
    state: &AppState,
    full: &ProposalFull,
    current: &CurrentUser,
    aid: i64,
) -> Result<(), AppError> {
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let removed = state
        .db
        .run(move |conn| Ok::<_, AppError>(proposals::remove_attachment(conn, pid, AttachmentId(aid), user, now)))
        .await?
        .map_err(AppError::from)?;
    if let Some(key) = removed
        && let Some(path) = Store::new(&state.settings.data_dir).path_of(&key)
    {
        let _ = tokio::fs::remove_file(path).await;
    }
    Ok(())
}

/// Records a download in the audit log (ids only), before the file goes out.
async fn log_download(
    state: &AppState,
    current: &CurrentUser,
    proposal: ProposalId,
    what: Downloaded,
) -> Result<(), AppError> {
    let (user, now) = (current.user.id, state.clock.now_naive());
    state.db.run(move |conn| proposals::record_download(conn, user, proposal, what, now).map_err(AppError::from)).await
}

/// An attachment of a proposal the viewer may read; the download is in the audit log.
pub async fn attachment(state: &AppState, identity: &Identity, id: i64, aid: i64) -> Result<Download, AppError> {
    let (full, _, current) = readable(state, identity, id).await?;
    let a = full.attachments.iter().find(|a| a.id == AttachmentId(aid)).ok_or(AppError::NotFound)?;
    log_download(state, &current, full.proposal.id, Downloaded::Attachment(AttachmentId(aid))).await?;
    Ok(Download {
        storage_key: a.storage_key.clone(),
        name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        check: Some(Check {
            sha256: a.sha256.clone(),
            objective: full.proposal.objective_id,
            deposit: None,
            sealed: true,
            by: Some(current.user.id),
        }),
    })
}

/// A document of a deposit: for its organisation and consortium always, for agents once the
/// deposit was opened, for the committee's members who may read it. The download is in the
/// audit log.
pub async fn deposit_document(
    state: &AppState,
    identity: &Identity,
    deposit: i64,
    position: i32,
) -> Result<Download, AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let did = DepositId(deposit);
    let found = state
        .db
        .run(move |conn| {
            let Some(d) = deposits::find(conn, did)? else { return Ok::<_, AppError>(None) };
            let full = proposals::load(conn, d.proposal_id)?.ok_or(AppError::NotFound)?;
            let doc = deposits::documents(conn, did)?.into_iter().find(|x| x.position == position);
            Ok(doc.map(|doc| (d, full, doc)))
        })
        .await?;
    let (d, full, doc) = found.ok_or(AppError::NotFound)?;
    let relation = full.relation(current.user.organisation_id);
    let action = Action::ReadProposal { relation, opened: d.opened_at.is_some() };
    let mut name = doc.file_name.clone();
    if crate::domain::authz::decide(&identity.actor(), action).is_err() {
        // The committee reads the opened deposit once it declared, unless conflicted; in blind
        // mode the file's name says nothing of its author.
        let (objective, user) = (d.objective_id, current.user.id);
        let _permit = if d.opened_at.is_some() { Some(state.board_permit().await?) } else { None };
        let board = if d.opened_at.is_some() {
            state
                .db
                .run(move |conn| crate::domain::evaluation::board::load(conn, objective).map_err(AppError::from))
                .await?
        } else {
            None
        };
        let member = board.as_ref().is_some_and(|b| b.member(user).is_some());
        let readable = board.as_ref().is_some_and(|b| {
            b.proposal(d.proposal_id).is_some_and(|p| p.deposit.id == d.id)
                && b.declared_all(user)
                && !b.conflicted(user, d.proposal_id)
        });
        if identity.authorize(Action::SitOnCommittee { member }).is_err() || !readable {
            return Err(AppError::NotFound);
        }
        if board.as_ref().is_some_and(|b| b.objective.blind) {
            // The extension of the recognised type, never a fragment of the original name.
            let extension =
                crate::uploads::FileKind::from_content_type(&doc.content_type).map_or("bin", |k| k.extension());
            name = format!("document-{}.{extension}", position + 1);
        }
    }
    log_download(state, &current, full.proposal.id, Downloaded::DepositDocument { deposit: did, position }).await?;
    Ok(Download {
        storage_key: doc.storage_key,
        name,
        content_type: doc.content_type,
        check: Some(Check {
            sha256: doc.sha256,
            objective: d.objective_id,
            deposit: Some((did, position)),
            sealed: true,
            by: Some(current.user.id),
        }),
    })
}

/// A member organisation as the consortium form and the API give it.
#[derive(Deserialize)]
pub struct NewMember {
    #[serde(default)]
    pub identifier_type: String,
    #[serde(default)]
    pub identifier: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub consortium_type: String,
}

/// Parses a member's identifier and the consortium type, or says what is wrong.
pub fn parse_member(f: &NewMember) -> Result<(LegalIdentifier, consortium::Kind), AppError> {
    let bad = |key: &'static str| AppError::refused(error::Kind::Conflict, "invalid_member", Message::new(key));
    let kind = IdentifierType::parse(&f.identifier_type).ok_or_else(|| bad("consortium-error-unknown"))?;
    let identifier = LegalIdentifier::parse(kind, &f.identifier).map_err(|e| bad(e.message_key()))?;
    let ctype = consortium::Kind::parse(&f.consortium_type).ok_or_else(|| bad("consortium-error-invalid"))?;
    if f.role.trim().is_empty() || f.role.chars().count() > consortium::ROLE_MAX {
        return Err(bad("consortium-error-role"));
    }
    Ok((identifier, ctype))
}

/// Invites a registered organisation into the consortium (its owner is told by mail).
pub async fn add_member(
    state: &AppState,
    full: &ProposalFull,
    current: &CurrentUser,
    member: &NewMember,
) -> Result<(), AppError> {
    let (identifier, kind) = parse_member(member)?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let link = MailLinks { public_url: &state.settings.public_url }.path(&format!("proposals/{pid}"));
    let role = member.role.clone();
    state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(consortium::add_member(conn, pid, &identifier, &role, kind, user, &link, now))
        })
        .await?
        .map(|_| ())
        .map_err(AppError::from)
}

/// Removes a member organisation from the consortium.
pub async fn remove_member(
    state: &AppState,
    full: &ProposalFull,
    current: &CurrentUser,
    org: i64,
) -> Result<(), AppError> {
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(consortium::remove_member(conn, pid, OrganisationId(org), user, now)))
        .await?
        .map_err(AppError::from)
}

/// The invited organisation's owner confirms or declines.
/// `confirm` names the version of the terms confirmed; `None` declines.
pub async fn answer_invitation(
    state: &AppState,
    identity: &Identity,
    id: i64,
    confirm: Option<i32>,
) -> Result<(), AppError> {
    let (full, relation, current) = related(state, identity, id).await?;
    let org = current.user.organisation_id.ok_or(AppError::Forbidden)?;
    if !matches!(relation, Relation::Member | Relation::Invited) {
        return Err(AppError::Forbidden);
    }
    identity.authorize(Action::AnswerConsortium(org))?;
    let (pid, user, now) = (full.proposal.id, current.user.id, state.clock.now_naive());
    state
        .db
        .run(move |conn| Ok::<_, AppError>(consortium::answer(conn, pid, org, confirm, user, now)))
        .await?
        .map_err(AppError::from)
}

/// Runs a deposit, reconfirmation or withdrawal and returns its receipt's id.
pub async fn record_deposit(
    state: &AppState,
    full: &ProposalFull,
    current: &CurrentUser,
    kind: Kind,
    started_at: chrono::NaiveDateTime,
    reviewed: Option<deposits::Reviewed>,
) -> Result<DepositId, AppError> {
    let pid = full.proposal.id;
    let user = current.user.id;
    let buyer = state.settings.buyer_name.clone();
    let public_url = state.settings.public_url.clone();
    let clock = state.clock.clone();
    state
        .db
        .run(move |conn| {
            let link =
                |d: DepositId| public_url.join(&format!("receipts/{d}")).map(|u| u.to_string()).unwrap_or_default();
            let depositor = Depositor { user, buyer: &buyer, receipt_link: &link, reviewed };
            Ok::<_, AppError>(deposits::deposit(conn, pid, kind, &depositor, started_at, &|| clock.now_naive()))
        })
        .await?
        .map_err(AppError::from)
}

/// Loads the proposal's page for a reader of the proposal: the proposal, the catalogue, the last
/// essential amendment, and the published evaluation for the supplier's feedback.
pub async fn page(
    state: &AppState,
    identity: &Identity,
    id: i64,
) -> Result<crate::views::proposals::ProposalPage, AppError> {
    // An invited organisation sees the invitation only (`page_markup` draws nothing else).
    let (full, relation, current) = related(state, identity, id).await?;
    if relation != Relation::Invited {
        identity.authorize(Action::ReadProposal { relation, opened: false })?;
    }
    let catalogue = catalogue(state).await?;
    let essential = last_essential(state, full.objective.id).await?;
    let _permit = if full.objective.results_published_at.is_some() { Some(state.board_permit().await?) } else { None };
    let board = if full.objective.results_published_at.is_some() {
        let oid = full.objective.id;
        state.db.run(move |conn| crate::domain::evaluation::board::load(conn, oid).map_err(AppError::from)).await?
    } else {
        None
    };
    let viewer_org = current.user.organisation_id;
    Ok(crate::views::proposals::ProposalPage {
        may_answer: viewer_org.is_some_and(|o| identity.authorize(Action::AnswerConsortium(o)).is_ok()),
        may_write: identity.authorize(Action::WriteProposal(relation)).is_ok(),
        full,
        relation,
        catalogue,
        essential,
        now: state.clock.now_naive(),
        board,
        viewer_org,
        max_file_mb: state.settings.max_file_size / (1024 * 1024),
    })
}

/// What an opening did: how many proposals it opened, and the deposited files that no longer match
/// the hashes their receipts name (recorded in the audit log; never served).
pub struct Opening {
    pub opened: usize,
    pub altered: Vec<crate::domain::integrity::Mismatch>,
}

/// Agents, after the deadline: opens every proposal's standing deposit, then checks each opened
/// deposit's files against its receipt (off the database's connections and the server's threads).
pub async fn open_proposals(
    state: &AppState,
    identity: &Identity,
    objective: ObjectiveId,
) -> Result<Opening, AppError> {
    use crate::domain::integrity::{self, During};
    let current = identity.authorize(Action::OpenProposals)?;
    let (user, now) = (current.user.id, state.clock.now_naive());
    let (opened, files) = state
        .db
        .run(move |conn| {
            let opened = opening::open(conn, objective, user, now)?;
            let files = integrity::deposited_documents(conn, &opened)?;
            Ok::<_, AppError>((opened.len(), files))
        })
        .await?;
    let store = Store::new(&state.settings.data_dir);
    let altered: Vec<integrity::Mismatch> =
        actix_web::web::block(move || files.iter().filter_map(|f| integrity::check(&store, f)).collect())
            .await
            .map_err(AppError::internal)?;
    if !altered.is_empty() {
        let found = altered.clone();
        state
            .db
            .run(move |conn| {
                integrity::record_all(conn, Some(user), objective, During::Opening, &found, now).map_err(AppError::from)
            })
            .await?;
    }
    Ok(Opening { opened, altered })
}
