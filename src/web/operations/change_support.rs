//! Change-support operations shared by the pages (`handlers::change_support`) and the API: find
//! the viewer's role on a contract's change support (agent, holder, user of the purchase) through
//! `domain::authz`, load what that role may see (the raters' names for agents only; a user of the
//! purchase sees the delivered actions and their own ratings), call
//! `domain::award::change_support`.

use crate::db::ids::{ObjectiveId, UserId};
use crate::domain::accounts::Links;
use crate::domain::authz::Action;
use crate::domain::award::change_support::{
    self as support, DeliveryInput, Material, RatingInput, Summary, SupportError,
};
use crate::domain::award::{contracts, indicators};
use crate::domain::email::Email;
use crate::domain::forms::{FormPairs, Problem, first};
use crate::domain::objectives::Status;
use crate::i18n::Lang;
use crate::uploads::{Store, UploadError};
pub use crate::views::change_support::{Role, SupportPage};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::error::AppError;

/// Whether the signed-in viewer's organisation holds the objective's contract.
async fn holder(state: &AppState, identity: &Identity, oid: ObjectiveId) -> Result<bool, AppError> {
    match identity.user().and_then(|u| u.user.organisation_id) {
        Some(org) => state.db.run(move |conn| indicators::is_holder(conn, oid, org).map_err(AppError::from)).await,
        None => Ok(false),
    }
}

/// Whether the signed-in viewer is a user of the objective's purchase.
async fn user_of(state: &AppState, identity: &Identity, oid: ObjectiveId) -> Result<bool, AppError> {
    match identity.user().map(|u| u.user.id) {
        Some(user) => state.db.run(move |conn| support::is_user_of(conn, oid, user).map_err(AppError::from)).await,
        None => Ok(false),
    }
}

/// The viewer's role on the objective's change support; anyone else is refused (visitors are
/// asked to sign in).
async fn role(state: &AppState, identity: &Identity, oid: ObjectiveId) -> Result<Role, AppError> {
    if identity.authorize(Action::PlanChangeSupport).is_ok() {
        return Ok(Role::Agent);
    }
    if holder(state, identity, oid).await? {
        identity.authorize(Action::RecordSupport { holder: true })?;
        return Ok(Role::Holder);
    }
    let user_of_purchase = user_of(state, identity, oid).await?;
    identity.authorize(Action::RateSupport { user_of_purchase })?;
    Ok(Role::User)
}

pub async fn page(state: &AppState, identity: &Identity, objective: i64) -> Result<SupportPage, AppError> {
    let oid = ObjectiveId(objective);
    let role = role(state, identity, oid).await?;
    let viewer = identity.user().map(|u| u.user.id).unwrap_or(UserId(0));
    let now = state.clock.now_naive();
    let today = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &now).date_naive();
    state
        .db
        .run(move |conn| {
            let full = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let contract = contracts::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let mut actions = support::plan(conn, oid)?;
            let summary = support::summarize(&actions);
            match role {
                Role::Agent => {}
                Role::Holder => actions.iter_mut().flat_map(|a| a.ratings.iter_mut()).for_each(|r| r.rater = None),
                Role::User => {
                    actions.retain(|a| a.delivery.is_some());
                    for a in &mut actions {
                        a.ratings.retain(|r| r.user == viewer);
                        a.ratings.iter_mut().for_each(|r| r.rater = None);
                    }
                }
            }
            let agent = role == Role::Agent;
            Ok::<_, AppError>(SupportPage {
                objective_id: objective,
                title: full.objective.title.clone(),
                role,
                open: full.objective.status_at(now) == Status::InExecution,
                signed_on: contract.signed_on,
                proposed: if agent { support::winning_sections(conn, oid)? } else { Vec::new() },
                actions,
                summary,
                users: if agent { support::users_of(conn, oid)? } else { Vec::new() },
                today,
            })
        })
        .await
}

/// An agent adds an action to the plan; returns its id. The form's problems name their fields.
pub async fn add_action(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    form: FormPairs,
) -> Result<i64, AppError> {
    let agent = identity.authorize(Action::PlanChangeSupport)?.user.id;
    let (oid, now) = (ObjectiveId(objective), state.clock.now_naive());
    let input = support::parse_action(&form).map_err(SupportError::Fields)?;
    state.db.run(move |conn| support::add_action(conn, oid, &input, agent, now).map_err(AppError::from)).await
}

/// The objective of an action, once the viewer is authorized to record its delivery: a verified
/// member of an organisation holding the contract.
async fn recorder(state: &AppState, identity: &Identity, action: i64) -> Result<UserId, AppError> {
    let oid = state
        .db
        .run(move |conn| support::objective_of_action(conn, action).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if identity.user().is_none() {
        return Err(AppError::SignInRequired);
    }
    let holder = holder(state, identity, oid).await?;
    Ok(identity.authorize(Action::RecordSupport { holder })?.user.id)
}

/// A holder records an action delivered from a multipart form (`delivered_on`, `participants`,
/// `notes`, material `file`s); returns the objective's id. The files are stored only after the
/// authorization, and removed if the delivery is refused.
pub async fn record_delivery(
    state: &AppState,
    identity: &Identity,
    action: i64,
    payload: &mut actix_multipart::Multipart,
) -> Result<i64, AppError> {
    let member = recorder(state, identity, action).await?;
    let store = Store::new(&state.settings.data_dir);
    let per_file = state.settings.max_file_size;
    let max = support::MATERIALS_MAX as u64;
    let received = match store.receive_form(payload, per_file, per_file * max, support::MATERIALS_MAX).await {
        Ok(r) => r,
        Err(UploadError::Io(e)) => return Err(AppError::internal(e)),
        Err(e) => return Err(e.into()),
    };
    let files = received.files.clone();
    let input = DeliveryInput {
        delivered_on: received.field("delivered_on"),
        participants: received.field("participants"),
        notes: received.field("notes"),
        materials: files
            .iter()
            .map(|f| Material {
                key: f.storage_key.clone(),
                name: f.original_name.clone(),
                content_type: f.kind.content_type().to_owned(),
            })
            .collect(),
    };
    let outcome = deliver(state, action, input, member).await;
    if outcome.is_err() {
        store.discard(&files).await;
    }
    outcome
}

async fn deliver(state: &AppState, action: i64, input: DeliveryInput, member: UserId) -> Result<i64, AppError> {
    let now = state.clock.now_naive();
    let oid = state
        .db
        .run(move |conn| support::record_delivery(conn, action, &input, member, now).map_err(AppError::from))
        .await?;
    Ok(oid.0)
}

/// A holder records an action delivered without materials (the JSON API); returns the objective's id.
pub async fn record_delivery_fields(
    state: &AppState,
    identity: &Identity,
    action: i64,
    input: DeliveryInput,
) -> Result<i64, AppError> {
    let member = recorder(state, identity, action).await?;
    deliver(state, action, DeliveryInput { materials: Vec::new(), ..input }, member).await
}

/// An agent changes a planned action not delivered yet (the plan form's fields); returns the
/// objective's id.
pub async fn edit_action(state: &AppState, identity: &Identity, action: i64, form: FormPairs) -> Result<i64, AppError> {
    let agent = identity.authorize(Action::PlanChangeSupport)?.user.id;
    let now = state.clock.now_naive();
    let input = support::parse_action(&form).map_err(SupportError::Fields)?;
    let oid = state
        .db
        .run(move |conn| support::edit_action(conn, action, &input, agent, now).map_err(AppError::from))
        .await?;
    Ok(oid.0)
}

/// What the cancellation's confirmation page shows: the objective (id, title) and the action.
pub async fn to_cancel(
    state: &AppState,
    identity: &Identity,
    action: i64,
) -> Result<(i64, String, support::Action), AppError> {
    identity.authorize(Action::PlanChangeSupport)?;
    state
        .db
        .run(move |conn| {
            let oid = support::objective_of_action(conn, action)?.ok_or(AppError::NotFound)?;
            let title = crate::domain::objectives::load(conn, oid)?.ok_or(AppError::NotFound)?.objective.title;
            let found = support::plan(conn, oid)?.into_iter().find(|a| a.id == action).ok_or(AppError::NotFound)?;
            if found.delivery.is_some() {
                return Err(AppError::from(SupportError::AlreadyDelivered));
            }
            Ok((oid.0, title, found))
        })
        .await
}

/// An agent cancels a planned action not delivered yet; returns the objective's id.
pub async fn cancel_action(state: &AppState, identity: &Identity, action: i64) -> Result<i64, AppError> {
    let agent = identity.authorize(Action::PlanChangeSupport)?.user.id;
    let now = state.clock.now_naive();
    let oid =
        state.db.run(move |conn| support::cancel_action(conn, action, agent, now).map_err(AppError::from)).await?;
    Ok(oid.0)
}

/// An agent withdraws a user of the purchase's access to the contract (`PlanChangeSupport`).
pub async fn withdraw_user(state: &AppState, identity: &Identity, objective: i64, user: i64) -> Result<(), AppError> {
    let agent = identity.authorize(Action::PlanChangeSupport)?.user.id;
    let now = state.clock.now_naive();
    state
        .db
        .run(move |conn| {
            support::withdraw_user(conn, ObjectiveId(objective), UserId(user), agent, now).map_err(AppError::from)
        })
        .await
}

/// An agent invites a user of the purchase by e-mail (`email`). At most a few an hour per agent:
/// each sends a mail to an address of the agent's choosing.
pub async fn invite(
    state: &AppState,
    identity: &Identity,
    objective: i64,
    form: FormPairs,
    lang: Lang,
) -> Result<(), AppError> {
    let agent = identity.authorize(Action::PlanChangeSupport)?.user.id;
    let email = Email::parse(&first(&form, "email"))
        .map_err(|_| SupportError::Fields(vec![Problem::new("email", "support-error-email")]))?;
    crate::web::ctx::rate_limit(
        state,
        format!("invite:support:{}", agent.0),
        crate::domain::rate_limit::INVITATIONS_PER_ORGANISATION,
    )
    .await?;
    let (oid, now) = (ObjectiveId(objective), state.clock.now());
    let secret = state.secret.clone();
    let public_url = state.settings.public_url.clone();
    state
        .db
        .run(move |conn| {
            let links = Links { secret: secret.expose().as_bytes(), public_url: &public_url };
            support::invite_user(conn, oid, &email, lang, agent, links, now).map_err(AppError::from)
        })
        .await
}

/// A user of the purchase confirms attending a delivered action and rates it (`attended`,
/// `rating`, `comment`); returns the objective's id.
pub async fn rate(state: &AppState, identity: &Identity, action: i64, form: FormPairs) -> Result<i64, AppError> {
    let oid = state
        .db
        .run(move |conn| support::objective_of_action(conn, action).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    if identity.user().is_none() {
        return Err(AppError::SignInRequired);
    }
    let user_of_purchase = user_of(state, identity, oid).await?;
    let user = identity.authorize(Action::RateSupport { user_of_purchase })?.user.id;
    let input = RatingInput {
        attended: matches!(first(&form, "attended").as_str(), "true" | "on" | "yes"),
        rating: first(&form, "rating"),
        comment: first(&form, "comment"),
    };
    let now = state.clock.now_naive();
    let oid = state.db.run(move |conn| support::rate(conn, action, &input, user, now).map_err(AppError::from)).await?;
    Ok(oid.0)
}

/// A delivery's material file: for agents, the holder's members and the users of the purchase.
pub async fn material(state: &AppState, identity: &Identity, id: i64) -> Result<Material, AppError> {
    let (oid, m) = state
        .db
        .run(move |conn| support::material(conn, id).map_err(AppError::from))
        .await?
        .ok_or(AppError::NotFound)?;
    role(state, identity, oid).await?;
    Ok(m)
}

/// What everyone sees of an objective's change support: the plan (without the ratings'
/// comments or authors) and its figures. 404 until the contract is signed.
pub async fn public(
    state: &AppState,
    identity: &Identity,
    objective: i64,
) -> Result<(Vec<support::Action>, Summary), AppError> {
    let full = crate::web::operations::objectives::visible(state, identity, objective).await?;
    if full.objective.practice {
        return Err(AppError::NotFound);
    }
    let oid = full.objective.id;
    state
        .db
        .run(move |conn| {
            contracts::load(conn, oid)?.ok_or(AppError::NotFound)?;
            let mut actions = support::plan(conn, oid)?;
            let summary = support::summarize(&actions);
            actions.iter_mut().for_each(|a| a.ratings.clear());
            Ok((actions, summary))
        })
        .await
}
