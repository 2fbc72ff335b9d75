//! Good practices: the public list and feed, one practice, the submission (multipart, with an
//! optional picture), the agents' review and featuring. Their JSON API is in `api_network`.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use crate::db::ids::PracticeId;
use crate::domain::authz::Action;
use crate::domain::error::Refusal;
use crate::domain::network::Acting;
use crate::domain::network::practices::{self, Review, Status, WithOrganisation};
use crate::domain::{markdown, themes};
use crate::uploads::{Store, UploadError};
use crate::views;
use crate::views::feeds::{when, xml};
use crate::views::forms::Errors;
use crate::views::layout::Ctx;
use crate::views::practices::{Card, DetailView, ListView};
use crate::web::AppState;
use crate::web::auth::Identity;
use crate::web::ctx::{NoticeQuery, html, redirect};
use crate::web::error::{AppError, status_of, translate};
use crate::web::operations;

fn cards(list: &[WithOrganisation]) -> Vec<Card> {
    list.iter().map(views::practices::card).collect()
}

#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    theme: String,
    #[serde(default)]
    page: Option<i64>,
    #[serde(default)]
    done: Option<String>,
}

pub async fn list(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let page_no = query.page.unwrap_or(1).clamp(1, 10_000);
    let theme = Some(query.theme.clone()).filter(|t| themes::is_theme(t));
    let can_submit = identity.authorize(Action::SubmitPractice).is_ok();
    let org = identity.user().and_then(|u| u.user.organisation_id).filter(|_| can_submit);
    let t = theme.clone();
    let ((items, more), own) = state
        .db
        .run(move |conn| {
            let page =
                practices::published(conn, t.as_deref(), practices::PAGE_SIZE, (page_no - 1) * practices::PAGE_SIZE)?;
            let own = match org {
                Some(o) => practices::of_organisation(conn, o)?,
                None => Vec::new(),
            };
            Ok::<_, AppError>((page, own))
        })
        .await?;
    let view = ListView {
        items: cards(&items),
        theme: theme.unwrap_or_default(),
        page_no,
        has_more: more,
        own: cards(&own),
        can_submit,
        can_review: identity.authorize(Action::ReviewPractices).is_ok(),
        notice: NoticeQuery { done: query.done.clone() }.notice(&ctx, "practices"),
    };
    Ok(html(StatusCode::OK, views::practices::list(&ctx, &view)))
}

/// A practice the viewer may read: published ones for everyone; others for the organisation's
/// members and agents. Anyone else gets 404, as if it did not exist.
async fn readable(state: &AppState, identity: &Identity, id: i64) -> Result<WithOrganisation, AppError> {
    let id = PracticeId(id);
    let found = state.db.run(move |conn| practices::find(conn, id).map_err(AppError::from)).await?;
    let p = found.ok_or(AppError::NotFound)?;
    let own = identity.user().is_some_and(|u| u.user.organisation_id == Some(p.practice.organisation_id));
    let reviewer = identity.authorize(Action::ReviewPractices).is_ok();
    if p.practice.status() == Status::Published || own || reviewer { Ok(p) } else { Err(AppError::NotFound) }
}

async fn render_detail(
    state: &AppState,
    ctx: &Ctx,
    identity: &Identity,
    id: i64,
    notice: Option<String>,
    errors: &Errors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let p = readable(state, identity, id).await?;
    let can_review = identity.authorize(Action::ReviewPractices).is_ok();
    let view = DetailView {
        id: p.practice.id.0,
        title: p.practice.title.clone(),
        body_html: markdown::render(&p.practice.body),
        themes: p.practice.theme_list(),
        organisation: p.practice.organisation_id.0,
        organisation_name: p.organisation.clone(),
        organisation_listed: p.listed,
        status: p.practice.status.clone(),
        refusal_reason: p.practice.refusal_reason.clone(),
        published_at: p.practice.published_at,
        has_picture: p.practice.picture_key.is_some(),
        featured: p.practice.featured,
        can_review,
        notice,
    };
    Ok(html(status, views::practices::detail(ctx, &view, errors)))
}

pub async fn show(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = query.notice(&ctx, "practice");
    render_detail(&state, &ctx, &identity, id.into_inner(), notice, &Errors::default(), StatusCode::OK).await
}

pub async fn picture(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let p = readable(&state, &identity, id.into_inner()).await?;
    let (Some(key), Some(kind)) = (&p.practice.picture_key, &p.practice.picture_type) else {
        return Err(AppError::NotFound);
    };
    let path = Store::new(&state.settings.data_dir).path_of(key).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(|_| AppError::NotFound)?;
    let cache = if p.practice.status() == Status::Published { "public, max-age=3600" } else { "private, no-store" };
    Ok(HttpResponse::Ok()
        .content_type(kind.as_str())
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::CONTENT_DISPOSITION, "inline"))
        .body(bytes))
}

pub async fn new_form(ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::SubmitPractice)?;
    Ok(html(StatusCode::OK, views::practices::form(&ctx, "", "", &[], &Errors::default())))
}

pub async fn submit(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    mut payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let current = identity.authorize(Action::SubmitPractice)?;
    let org = current.user.organisation_id.ok_or(AppError::Forbidden)?;
    let store = Store::new(&state.settings.data_dir);
    let per_file = practices::PICTURE_MAX_BYTES.min(state.settings.max_file_size);
    let received = match store.receive_form(&mut payload, per_file, per_file, 1).await {
        Ok(r) => r,
        Err(UploadError::Io(e)) => return Err(AppError::internal(e)),
        Err(e) => {
            let mut errors = Errors::default();
            errors.add("file", translate(ctx.lang, &e.message(), &[]));
            let status = status_of(e.kind());
            return Ok(html(status, views::practices::form(&ctx, "", "", &[], &errors)));
        }
    };
    let (title, body) = (received.field("title"), received.field("body"));
    let chosen: Vec<String> = received.fields.iter().filter(|(k, _)| k == "themes").map(|(_, v)| v.clone()).collect();
    let files = received.files.clone();
    let mut errors = Errors::default();
    if files.iter().any(|f| !practices::picture_kind_allowed(f.kind)) {
        errors.add("file", ctx.t("practice-error-picture"));
    }
    let parsed = practices::parse(&title, &body, &chosen);
    if let Err(problems) = &parsed {
        for (field, key) in problems {
            errors.add(*field, ctx.t(key));
        }
    }
    let new = match parsed {
        Ok(n) if errors.is_empty() => n,
        _ => {
            store.discard(&files).await;
            let status = if errors.get("file").is_some() && errors.0.len() == 1 {
                StatusCode::UNSUPPORTED_MEDIA_TYPE
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            return Ok(html(status, views::practices::form(&ctx, &title, &body, &chosen, &errors)));
        }
    };
    let now = state.clock.now_naive();
    let picture = files.first().cloned();
    let (who, user) = (current.audit_actor(), current.user.id);
    let saved = state
        .db
        .run(move |conn| {
            let by = Acting { user, actor: &who };
            practices::submit_for_review(conn, org, &new, picture.as_ref(), by, now).map_err(AppError::from)
        })
        .await;
    match saved {
        Ok(id) => Ok(redirect(&format!("/practices/{}?done=submitted", id.0))),
        Err(e) => {
            store.discard(&files).await;
            Err(e)
        }
    }
}

pub async fn review_queue(state: web::Data<AppState>, ctx: Ctx, identity: Identity) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ReviewPractices)?;
    let list = state.db.run(|conn| practices::submitted(conn).map_err(AppError::from)).await?;
    Ok(html(StatusCode::OK, views::practices::review_queue(&ctx, &cards(&list))))
}

#[derive(Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn review(
    state: web::Data<AppState>,
    ctx: Ctx,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<ReviewForm>,
) -> Result<HttpResponse, AppError> {
    identity.authorize(Action::ReviewPractices)?;
    let decision = match form.decision.as_str() {
        "publish" => Review::Publish,
        "refuse" => Review::Refuse(form.reason.clone()),
        _ => {
            return Err(AppError::BadRequest {
                code: "invalid_decision",
                message: "decision is publish or refuse".into(),
            });
        }
    };
    let raw = id.into_inner();
    let published = decision == Review::Publish;
    match operations::network::review_practice(&state, &identity, raw, decision).await {
        Ok(()) => {
            let done = if published { "published" } else { "refused" };
            Ok(redirect(&format!("/practices/{raw}?done={done}")))
        }
        Err(e) if e.is_invalid() => {
            let mut errors = Errors::default();
            errors.add("reason", ctx.t("practice-error-reason"));
            render_detail(&state, &ctx, &identity, raw, None, &errors, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct FeatureForm {
    #[serde(default)]
    featured: String,
}

pub async fn feature(
    state: web::Data<AppState>,
    identity: Identity,
    id: web::Path<i64>,
    form: web::Form<FeatureForm>,
) -> Result<HttpResponse, AppError> {
    let featured = form.featured == "true";
    let raw = id.into_inner();
    operations::network::feature_practice(&state, &identity, raw, featured).await?;
    Ok(redirect(&format!("/practices/{raw}?done={}", if featured { "featured" } else { "unfeatured" })))
}

/// `GET /feeds/practices.atom`: the 50 newest published practices.
pub async fn feed(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let (list, _) = state.db.run(|conn| practices::published(conn, None, 50, 0).map_err(AppError::from)).await?;
    let base = &state.settings.public_url;
    let url = |path: &str| base.join(path).map(|u| u.to_string()).unwrap_or_default();
    let self_url = url("feeds/practices.atom");
    let updated = list.iter().filter_map(|p| p.practice.published_at).max().unwrap_or(now);
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    body.push_str(&format!(
        "  <title>Achat Ouvert — bonnes pratiques</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n",
        xml(&self_url),
        xml(&self_url)
    ));
    body.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&url("practices"))));
    body.push_str(&format!(
        "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        when(updated),
        xml(&state.settings.buyer_name)
    ));
    for p in &list {
        let link = url(&format!("practices/{}", p.practice.id.0));
        body.push_str("  <entry>\n");
        body.push_str(&format!(
            "    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&p.practice.title),
            xml(&link),
            xml(&link)
        ));
        body.push_str(&format!(
            "    <updated>{}</updated>\n    <author><name>{}</name></author>\n",
            when(p.practice.published_at.unwrap_or(now)),
            xml(&p.organisation)
        ));
        for t in p.practice.theme_list() {
            body.push_str(&format!("    <category term=\"{}\"/>\n", xml(&t)));
        }
        body.push_str(&format!("    <summary>{}</summary>\n", xml(&markdown::plain(&p.practice.body, 400))));
        body.push_str("  </entry>\n");
    }
    body.push_str("</feed>\n");
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}
