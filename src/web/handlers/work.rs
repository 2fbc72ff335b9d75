//! `GET /work`: each person's home after sign-in — what waits for them, by role, each item
//! linking to the place where the work is done.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use crate::domain::authz::Action;
use crate::domain::worklist;
use crate::views;
use crate::views::layout::Ctx;
use crate::views::work::WorkPage;
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::html;
use crate::web::error::AppError;

pub async fn home(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    let Some(current) = identity.0.clone() else { return Err(AppError::SignInRequired) };
    let supplier =
        identity.authorize(Action::StartProposal).is_ok().then(|| identity.own_organisation().ok()).flatten();
    let agent = identity.authorize(Action::EditObjective).is_ok();
    let committee = identity.authorize(Action::SitOnCommittee { member: true }).is_ok();
    let admin = identity.authorize(Action::ListUsers).is_ok();
    let (user, now) = (current.user.id, state.clock.now_naive());
    let page = state
        .db
        .run(move |conn| {
            Ok::<_, AppError>(WorkPage {
                supplier: supplier.map(|org| worklist::supplier(conn, org, now)).transpose()?,
                agent: if agent { Some(worklist::agent(conn, now)?) } else { None },
                committee: if committee { Some(worklist::committee(conn, user)?) } else { None },
                admin: if admin { Some(worklist::admin(conn)?) } else { None },
                purchase_user: worklist::purchase_user(conn, user)?,
                now,
            })
        })
        .await?;
    Ok(html(StatusCode::OK, views::work::work(&ctx, &current.user.display_name, &page)))
}
