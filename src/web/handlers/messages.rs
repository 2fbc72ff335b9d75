//! Partner finding on objectives, messages between organisations (with the one-step consortium
//! invitation), and the administrators' abuse reports.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::{MessageId, ObjectiveId, OrganisationId, ProposalId};
use crate::domain::authz::Action;
use crate::domain::error::{Kind, Message as ErrorMessage};
use crate::domain::following::MailLinks;
use crate::domain::network::messages::{self, Message, NewMessage, Resolution};
use crate::domain::network::{Acting, partners};
use crate::domain::organisations::{IdentifierType, LegalIdentifier};
use crate::domain::proposals::consortium;
use crate::views;
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::messages::{ConversationRow, InviteChoice, MessageRow, ReportRow, ThreadView};
use crate::web::AppState;
use crate::web::auth::{CurrentUser, Identity};
use crate::web::ctx::{NoticeQuery, html, rate_limit, redirect};
use crate::web::error::AppError;
use crate::web::operations;

/// The signed-in user's organisation, if they may use the network's exchanges.
fn supplier(identity: &Identity, action: Action) -> Result<(OrganisationId, std::rc::Rc<CurrentUser>), AppError> {
    let current = identity.authorize(action)?;
    let org = current.user.organisation_id.ok_or(AppError::Forbidden)?;
    Ok((org, current))
}

// ---- partner finding ----

#[derive(Deserialize)]
pub struct SkillsForm {
    #[serde(default)]
    skills: String,
}

pub async fn seek(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<SkillsForm>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = supplier(&identity, Action::SeekPartners)?;
    let oid = ObjectiveId(id.into_inner());
    let skills = match partners::parse_skills(&form.skills) {
        Ok(s) => s,
        // The objective's page again, the text kept, the error by its field.
        Err(key) => {
            let mut errors = Errors::default();
            errors.add("skills", ctx.t(key));
            let typed = Some(form.skills.clone());
            let refused = views::objectives::Refused { errors, question: String::new(), skills: typed };
            let page = operations::objectives::page(&state, &identity, oid.0).await?;
            return Ok(html(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::objectives::page_markup(&ctx, page, None, &refused),
            ));
        }
    };
    let (who, user, now) = (current.audit_actor(), current.user.id, state.clock.now_naive());
    let published = state
        .db
        .run(move |conn| {
            partners::seek(conn, oid, org, &skills, Acting { user, actor: &who }, now).map_err(AppError::from)
        })
        .await?;
    if published.is_none() {
        return Err(AppError::refused(Kind::Conflict, "objective_closed", ErrorMessage::new("partners-error-closed")));
    }
    Ok(redirect(&format!("/objectives/{}?done=partners#partners", oid.0)))
}

pub async fn stop_seeking(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = supplier(&identity, Action::SeekPartners)?;
    let oid = ObjectiveId(id.into_inner());
    let (who, now) = (current.audit_actor(), state.clock.now_naive());
    let removed =
        state.db.run(move |conn| partners::withdraw(conn, oid, org, &who, now).map_err(AppError::from)).await?;
    if !removed {
        return Err(AppError::NotFound);
    }
    Ok(redirect(&format!("/objectives/{}?done=partnerswithdrawn#partners", oid.0)))
}

// ---- messages ----

pub async fn inbox(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let (org, _) = supplier(&identity, Action::SendMessages)?;
    let (list, suspended) = state
        .db
        .run(move |conn| Ok::<_, AppError>((messages::conversations(conn, org)?, messages::suspended(conn, org)?)))
        .await?;
    let rows: Vec<ConversationRow> = list
        .into_iter()
        .map(|c| ConversationRow { other: c.other.0, name: c.other_name, last_at: c.last_at, unread: c.unread })
        .collect();
    Ok(html(StatusCode::OK, views::messages::inbox(&ctx, &rows, suspended)))
}

#[derive(Deserialize, Default)]
pub struct ThreadQuery {
    #[serde(default)]
    objective: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

#[allow(clippy::too_many_arguments)]
async fn render_thread(
    state: &AppState,
    ctx: &Ctx,
    org: OrganisationId,
    other: OrganisationId,
    objective: Option<i64>,
    notice: Option<String>,
    body: &str,
    errors: &Errors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let loaded = state
        .db
        .run(move |conn| {
            messages::open_thread(conn, org, other, objective.map(ObjectiveId), now).map_err(AppError::from)
        })
        .await?;
    let Some(page) = loaded else { return Err(AppError::NotFound) };
    let (titles, reported) = (&page.titles, &page.reported);
    let title_of = |id: ObjectiveId| titles.iter().find(|(i, _)| *i == id).map(|(i, t)| (i.0, t.clone()));
    let view = ThreadView {
        other: other.0,
        other_name: page.other.legal_name.clone(),
        other_listed: page.other_listed,
        messages: page
            .messages
            .iter()
            .map(|m: &Message| MessageRow {
                id: m.id.0,
                mine: m.sender_organisation_id == org,
                body: m.body.clone(),
                sent_at: m.sent_at,
                objective: m.objective_id.and_then(title_of),
                reported: reported.contains(&m.id),
            })
            .collect(),
        objective: objective.map(ObjectiveId).and_then(title_of),
        invites: page
            .invites
            .iter()
            .map(|(p, title, objective_title)| InviteChoice {
                proposal: p.0,
                title: title.clone(),
                objective_title: objective_title.clone(),
            })
            .collect(),
        suspended: page.suspended,
        notice,
    };
    Ok(html(status, views::messages::thread(ctx, &view, body, errors)))
}

pub async fn thread(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    other: web::Path<i64>,
    query: web::Query<ThreadQuery>,
) -> Result<HttpResponse, AppError> {
    let (org, _) = supplier(&identity, Action::SendMessages)?;
    let other = OrganisationId(other.into_inner());
    if other == org {
        return Err(AppError::NotFound);
    }
    let notice = NoticeQuery { done: query.done.clone() }.notice(&ctx, "messages");
    render_thread(&state, &ctx, org, other, query.objective, notice, "", &Errors::default(), StatusCode::OK).await
}

#[derive(Deserialize)]
pub struct MessageForm {
    #[serde(default)]
    body: String,
    #[serde(default)]
    objective: Option<i64>,
}

pub async fn send(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    other: web::Path<i64>,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = supplier(&identity, Action::SendMessages)?;
    let other = OrganisationId(other.into_inner());
    if other == org {
        return Err(AppError::NotFound);
    }
    let body = match messages::parse_body(&form.body) {
        Ok(b) => b,
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("body", ctx.t(e.message_key()));
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            return render_thread(&state, &ctx, org, other, form.objective, None, &form.body, &errors, status).await;
        }
    };
    // Who may be written to and a suspension are checked before the message counts against the
    // hourly limit.
    may_send(&state, org, other).await?;
    rate_limit(&state, format!("messages:{}", org.0), messages::PER_ORGANISATION).await?;
    let (who, user, now) = (current.audit_actor(), current.user.id, state.clock.now_naive());
    let public_url = state.settings.public_url.clone();
    let objective = form.objective.map(ObjectiveId);
    let sent = state
        .db
        .run(move |conn| {
            let message = NewMessage { from: org, to: other, objective, body: &body };
            let links = MailLinks { public_url: &public_url };
            messages::post(conn, &message, Acting { user, actor: &who }, links, now).map_err(AppError::from)
        })
        .await?;
    sent?;
    Ok(redirect(&format!("/messages/{}?done=sent", other.0)))
}

/// Refuses, before anything else, a message or an invitation from `org` to `other`: 404 when it
/// may not contact it (its existence stays private), 409 when its messaging is suspended.
async fn may_send(state: &AppState, org: OrganisationId, other: OrganisationId) -> Result<(), AppError> {
    let allowed = state.db.run(move |conn| messages::can_send(conn, org, other).map_err(AppError::from)).await?;
    Ok(allowed?)
}

#[derive(Deserialize)]
pub struct ReportForm {
    #[serde(default)]
    reason: String,
}

pub async fn report(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ReportForm>,
) -> Result<HttpResponse, AppError> {
    let (org, current) = supplier(&identity, Action::SendMessages)?;
    let mid = MessageId(id.into_inner());
    let (who, user, now) = (current.audit_actor(), current.user.id, state.clock.now_naive());
    let reason = form.reason.clone();
    let outcome = state
        .db
        .run(move |conn| {
            messages::report(conn, mid, org, &reason, Acting { user, actor: &who }, now).map_err(AppError::from)
        })
        .await?;
    let sender = outcome?.map_or(0, |o| o.0);
    Ok(redirect(&format!("/messages/{sender}?done=reported")))
}

#[derive(Deserialize)]
pub struct InviteForm {
    proposal: i64,
    #[serde(default)]
    role: String,
    #[serde(default)]
    consortium_type: String,
}

/// From a conversation, invites the other organisation into one of the proposals the viewer's
/// organisation leads, in one step (the same rule as the proposal page's consortium form).
pub async fn invite(
    state: web::Data<AppState>,
    identity: Identity,
    other: web::Path<i64>,
    form: web::Form<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let (org, _) = supplier(&identity, Action::SendMessages)?;
    let other = OrganisationId(other.into_inner());
    let (full, current) = operations::proposals::writable(&state, &identity, form.proposal).await?;
    // The invitation reaches the other organisation like a message: not from a suspended one,
    // nor to an organisation one may not contact.
    may_send(&state, org, other).await?;
    let found =
        state.db.run(move |conn| crate::domain::organisations::find(conn, other).map_err(AppError::from)).await?;
    let o = found.ok_or(AppError::NotFound)?;
    let kind = IdentifierType::parse(&o.identifier_type).ok_or(AppError::NotFound)?;
    let identifier = LegalIdentifier { kind, value: o.identifier.clone() };
    let bad = |key: &'static str| AppError::refused(Kind::Conflict, "invalid_member", ErrorMessage::new(key));
    let ctype = consortium::Kind::parse(&form.consortium_type).ok_or_else(|| bad("consortium-error-invalid"))?;
    let role = form.role.trim().replace(['\r', '\0'], "");
    if role.is_empty() || role.chars().count() > consortium::ROLE_MAX {
        return Err(bad("consortium-error-role"));
    }
    let (pid, user, now): (ProposalId, _, _) = (full.proposal.id, current.user.id, state.clock.now_naive());
    let link = MailLinks { public_url: &state.settings.public_url }.path(&format!("proposals/{pid}"));
    state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(consortium::add_member(conn, pid, &identifier, &role, ctype, user, &link, now))
        })
        .await?
        .map_err(AppError::from)?;
    Ok(redirect(&format!("/proposals/{}?done=invited#consortium", pid.0)))
}

// ---- abuse reports (administrators) ----

pub async fn reports(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ModerateMessages)?;
    let list = state.db.run(|conn| messages::reports(conn).map_err(AppError::from)).await?;
    let rows: Vec<ReportRow> = list
        .into_iter()
        .map(|r| ReportRow {
            id: r.id.0,
            sender: r.message.sender_organisation_id.0,
            sender_name: r.sender,
            recipient_name: r.recipient,
            body: r.message.body,
            sent_at: r.message.sent_at,
            reason: r.reason,
            reported_at: r.reported_at,
            resolution: r.resolution,
            sender_suspended: r.sender_suspended,
        })
        .collect();
    let notice = query.notice(&ctx, "reports");
    Ok(html(StatusCode::OK, views::messages::reports(&ctx, &rows, notice.as_deref())))
}

#[derive(Deserialize)]
pub struct ResolveForm {
    #[serde(default)]
    resolution: String,
}

pub async fn resolve(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ResolveForm>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ModerateMessages)?;
    let resolution = Resolution::parse(&form.resolution).ok_or(AppError::BadRequest {
        code: "invalid_resolution",
        message: "resolution is suspend or dismiss".into(),
    })?;
    operations::network::resolve_report(&state, &identity, id.into_inner(), resolution).await?;
    Ok(redirect(&format!(
        "/admin/reports?done={}",
        if resolution == Resolution::Suspend { "suspended" } else { "dismissed" }
    )))
}

pub async fn lift(
    state: web::Data<AppState>,
    identity: Identity,
    org: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    operations::network::lift_suspension(&state, &identity, org.into_inner()).await?;
    Ok(redirect("/admin/reports?done=lifted"))
}
