//! Good practices: short notes organisations share (title, Markdown text, themes, an optional
//! picture), reviewed by agents before anyone else reads them: submitted → published, or refused
//! with a reason. Agents may feature published practices on the home page.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Acting;
use crate::db::ids::{OrganisationId, PracticeId, UserId};
use crate::db::schema::{organisation_profiles, organisations, practices, users};
use crate::db::{DbConnection, write_tx};
use crate::domain::audit::{self, AuditActor, Event, Subject};
use crate::domain::error::{Kind, Message, Refusal};
use crate::domain::following::MailLinks;
use crate::domain::themes;
use crate::i18n::Lang;
use crate::mail::{outbox, templates};
use crate::uploads::{FileKind, StoredFile};

pub const TITLE_MAX_CHARS: usize = 120;
pub const BODY_MAX_CHARS: usize = 5000;
pub const REASON_MIN_CHARS: usize = 10;
/// Pictures are PNG or JPEG, at most this size.
pub const PICTURE_MAX_BYTES: u64 = 2 * 1024 * 1024;
/// A page of the published practices (pages and API alike).
pub const PAGE_SIZE: i64 = 20;
/// At most this many practices are featured on the home page.
pub const FEATURED_MAX: i64 = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Submitted,
    Published,
    Refused,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Submitted => "submitted",
            Status::Published => "published",
            Status::Refused => "refused",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        [Status::Submitted, Status::Published, Status::Refused].into_iter().find(|v| v.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = practices)]
pub struct Practice {
    pub id: PracticeId,
    pub organisation_id: OrganisationId,
    pub title: String,
    pub body: String,
    pub themes: String,
    pub picture_key: Option<String>,
    pub picture_type: Option<String>,
    pub picture_size: Option<i64>,
    pub status: String,
    pub refusal_reason: Option<String>,
    pub featured: bool,
    pub submitted_by: UserId,
    pub submitted_at: NaiveDateTime,
    pub reviewed_by: Option<UserId>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub published_at: Option<NaiveDateTime>,
}

impl Practice {
    pub fn theme_list(&self) -> Vec<String> {
        serde_json::from_str(&self.themes).unwrap_or_default()
    }
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Submitted)
    }
}

/// A practice with its organisation's name and whether that organisation has a listed profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithOrganisation {
    pub practice: Practice,
    pub organisation: String,
    pub listed: bool,
}

/// A valid submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPractice {
    pub title: String,
    pub body: String,
    pub themes: Vec<String>,
}

/// Parses a submission; problems as (field, message key).
pub fn parse(
    title: &str,
    body: &str,
    theme_codes: &[String],
) -> Result<NewPractice, Vec<(&'static str, &'static str)>> {
    let mut problems = Vec::new();
    let title = title.trim().to_owned();
    if title.is_empty() || title.chars().count() > TITLE_MAX_CHARS {
        problems.push(("title", "practice-error-title"));
    }
    let body = body.trim().replace("\r\n", "\n").replace(['\r', '\0'], "");
    if body.chars().count() < 50 || body.chars().count() > BODY_MAX_CHARS {
        problems.push(("body", "practice-error-body"));
    }
    let mut codes: Vec<String> = theme_codes.iter().map(|t| t.trim().to_owned()).collect();
    codes.sort();
    codes.dedup();
    if codes.is_empty() || codes.iter().any(|t| !themes::is_theme(t)) {
        problems.push(("themes", "practice-error-themes"));
    }
    if problems.is_empty() { Ok(NewPractice { title, body, themes: codes }) } else { Err(problems) }
}

pub fn picture_kind_allowed(kind: FileKind) -> bool {
    matches!(kind, FileKind::Png | FileKind::Jpeg)
}

pub fn submit(
    conn: &mut DbConnection,
    org: OrganisationId,
    new: &NewPractice,
    picture: Option<&StoredFile>,
    by: UserId,
    now: NaiveDateTime,
) -> QueryResult<PracticeId> {
    diesel::insert_into(practices::table)
        .values((
            practices::organisation_id.eq(org),
            practices::title.eq(&new.title),
            practices::body.eq(&new.body),
            practices::themes.eq(serde_json::to_string(&new.themes).unwrap_or_else(|_| "[]".into())),
            practices::picture_key.eq(picture.map(|f| f.storage_key.clone())),
            practices::picture_type.eq(picture.map(|f| f.kind.content_type())),
            practices::picture_size.eq(picture.map(|f| f.size as i64)),
            practices::status.eq(Status::Submitted.as_str()),
            practices::submitted_by.eq(by),
            practices::submitted_at.eq(now),
        ))
        .returning(practices::id)
        .get_result(conn)
}

/// Submits an organisation's practice for review (see [`submit`]), with its audit entry. The
/// picture, if any, is already stored; on failure it is the caller's to discard.
pub fn submit_for_review(
    conn: &mut DbConnection,
    org: OrganisationId,
    new: &NewPractice,
    picture: Option<&StoredFile>,
    by: Acting<'_>,
    now: NaiveDateTime,
) -> QueryResult<PracticeId> {
    write_tx(conn, |conn| {
        let id = submit(conn, org, new, picture, by.user, now)?;
        audit::record(
            conn,
            by.actor,
            Event::PracticeSubmitted,
            Subject::Practice(id),
            serde_json::json!({ "organisation": org.0 }),
            now,
        )?;
        Ok(id)
    })
}

pub fn find(conn: &mut DbConnection, id: PracticeId) -> QueryResult<Option<WithOrganisation>> {
    Ok(with_organisation(conn, &[id])?.into_iter().next())
}

/// The practices `ids`, in that order, with their organisations.
fn with_organisation(conn: &mut DbConnection, ids: &[PracticeId]) -> QueryResult<Vec<WithOrganisation>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Practice, String, Option<bool>)> = practices::table
        .inner_join(organisations::table)
        .left_join(
            organisation_profiles::table.on(organisation_profiles::organisation_id.eq(practices::organisation_id)),
        )
        .filter(practices::id.eq_any(ids))
        .select((Practice::as_select(), organisations::legal_name, organisation_profiles::listed.nullable()))
        .load(conn)?;
    let mut by_id: std::collections::HashMap<PracticeId, WithOrganisation> = rows
        .into_iter()
        .map(|(practice, organisation, listed)| {
            (practice.id, WithOrganisation { practice, organisation, listed: listed.unwrap_or(false) })
        })
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// Published practices, newest first, optionally under one theme; and whether more follow.
pub fn published(
    conn: &mut DbConnection,
    theme: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<WithOrganisation>, bool)> {
    let mut q =
        practices::table.filter(practices::status.eq(Status::Published.as_str())).select(practices::id).into_boxed();
    if let Some(t) = theme.filter(|t| themes::is_theme(t)) {
        // Theme codes are plain words: the quoted code matches one element of the JSON array.
        q = q.filter(practices::themes.like(format!("%\"{t}\"%")));
    }
    let mut ids: Vec<PracticeId> =
        q.order((practices::published_at.desc(), practices::id.desc())).limit(limit + 1).offset(offset).load(conn)?;
    let more = ids.len() as i64 > limit;
    ids.truncate(limit as usize);
    Ok((with_organisation(conn, &ids)?, more))
}

/// The featured practices for the home page (the newest published ones when none is featured).
pub fn featured(conn: &mut DbConnection) -> QueryResult<Vec<WithOrganisation>> {
    let ids: Vec<PracticeId> = practices::table
        .filter(practices::status.eq(Status::Published.as_str()))
        .filter(practices::featured.eq(true))
        .order((practices::published_at.desc(), practices::id.desc()))
        .limit(FEATURED_MAX)
        .select(practices::id)
        .load(conn)?;
    let list = with_organisation(conn, &ids)?;
    if !list.is_empty() {
        return Ok(list);
    }
    Ok(published(conn, None, FEATURED_MAX, 0)?.0)
}

/// Practices waiting for review, oldest first.
pub fn submitted(conn: &mut DbConnection) -> QueryResult<Vec<WithOrganisation>> {
    let ids: Vec<PracticeId> = practices::table
        .filter(practices::status.eq(Status::Submitted.as_str()))
        .order(practices::id.asc())
        .select(practices::id)
        .load(conn)?;
    with_organisation(conn, &ids)
}

/// An organisation's own practices, in every state, newest first.
pub fn of_organisation(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Vec<WithOrganisation>> {
    let ids: Vec<PracticeId> = practices::table
        .filter(practices::organisation_id.eq(org))
        .order(practices::id.desc())
        .select(practices::id)
        .load(conn)?;
    with_organisation(conn, &ids)
}

/// An organisation's published practices (its profile shows them).
pub fn published_by(conn: &mut DbConnection, org: OrganisationId) -> QueryResult<Vec<Practice>> {
    practices::table
        .filter(practices::organisation_id.eq(org))
        .filter(practices::status.eq(Status::Published.as_str()))
        .order((practices::published_at.desc(), practices::id.desc()))
        .select(Practice::as_select())
        .load(conn)
}

/// A review decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Review {
    Publish,
    Refuse(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReviewError {
    #[error("no such practice")]
    NotFound,
    /// Reviewed already.
    #[error("the practice is reviewed already")]
    NotSubmitted,
    /// A refusal needs a reason of 10 characters or more.
    #[error("a refusal needs a reason")]
    Reason,
}

impl Refusal for ReviewError {
    fn kind(&self) -> Kind {
        match self {
            ReviewError::NotFound => Kind::NotFound,
            ReviewError::NotSubmitted => Kind::Conflict,
            ReviewError::Reason => Kind::Invalid,
        }
    }
    fn code(&self) -> &'static str {
        match self {
            ReviewError::NotFound => "not_found",
            ReviewError::NotSubmitted => "already_reviewed",
            ReviewError::Reason => "invalid_reason",
        }
    }
    fn message(&self) -> Message {
        Message::new(match self {
            ReviewError::NotFound => "error-404-text",
            ReviewError::NotSubmitted => "practice-error-reviewed",
            ReviewError::Reason => "practice-error-reason",
        })
    }
}

/// Publishes or refuses a submitted practice, and tells its author by mail.
pub fn review(
    conn: &mut DbConnection,
    id: PracticeId,
    decision: &Review,
    by: UserId,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<(), ReviewError>> {
    let Some(found) = find(conn, id)? else { return Ok(Err(ReviewError::NotFound)) };
    if found.practice.status() != Status::Submitted {
        return Ok(Err(ReviewError::NotSubmitted));
    }
    // Conditional on the state: of two agents reviewing at once, one decides.
    let submitted = practices::table.find(id).filter(practices::status.eq(Status::Submitted.as_str()));
    let changed = match decision {
        Review::Publish => diesel::update(submitted)
            .set((
                practices::status.eq(Status::Published.as_str()),
                practices::reviewed_by.eq(Some(by)),
                practices::reviewed_at.eq(Some(now)),
                practices::published_at.eq(Some(now)),
            ))
            .execute(conn)?,
        Review::Refuse(reason) => {
            let reason = reason.trim().replace(['\r', '\0'], "");
            if reason.chars().count() < REASON_MIN_CHARS || reason.chars().count() > 2000 {
                return Ok(Err(ReviewError::Reason));
            }
            diesel::update(submitted)
                .set((
                    practices::status.eq(Status::Refused.as_str()),
                    practices::refusal_reason.eq(Some(reason)),
                    practices::reviewed_by.eq(Some(by)),
                    practices::reviewed_at.eq(Some(now)),
                ))
                .execute(conn)?
        }
    };
    if changed == 0 {
        return Ok(Err(ReviewError::NotSubmitted));
    }
    let author: Option<(String, String, Option<NaiveDateTime>)> = users::table
        .find(found.practice.submitted_by)
        .select((users::email, users::locale, users::disabled_at))
        .first(conn)
        .optional()?;
    if let Some((email, locale, None)) = author {
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let link = links.path(&format!("practices/{}", id.0));
        let mail = match decision {
            Review::Publish => templates::practice_published(lang, &email, &found.practice.title, &link),
            Review::Refuse(reason) => templates::practice_refused(
                lang,
                &email,
                &found.practice.title,
                &reason.trim().replace(['\r', '\0'], ""),
                &link,
            ),
        };
        outbox::enqueue(conn, &mail, now)?;
    }
    Ok(Ok(()))
}

/// Features a published practice on the home page, or stops featuring it; false when it is not
/// published.
pub fn set_featured(conn: &mut DbConnection, id: PracticeId, featured: bool) -> QueryResult<bool> {
    let n = diesel::update(practices::table.find(id).filter(practices::status.eq(Status::Published.as_str())))
        .set(practices::featured.eq(featured))
        .execute(conn)?;
    Ok(n == 1)
}

/// An agent's review (see [`review`]): the decision, the mail to the author and the audit entry
/// commit together.
pub fn decide(
    conn: &mut DbConnection,
    id: PracticeId,
    decision: &Review,
    by: Acting<'_>,
    links: MailLinks<'_>,
    now: NaiveDateTime,
) -> QueryResult<Result<(), ReviewError>> {
    write_tx(conn, |conn| {
        let outcome = review(conn, id, decision, by.user, links, now)?;
        if outcome.is_ok() {
            let (event, details) = match decision {
                Review::Publish => (Event::PracticePublished, serde_json::json!({})),
                Review::Refuse(reason) => (Event::PracticeRefused, serde_json::json!({ "reason": reason.trim() })),
            };
            audit::record(conn, by.actor, event, Subject::Practice(id), details, now)?;
        }
        Ok(outcome)
    })
}

/// Features a published practice on the home page, or stops featuring it, with its audit entry;
/// false when it is not published.
pub fn feature(
    conn: &mut DbConnection,
    id: PracticeId,
    featured: bool,
    by: &AuditActor,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    write_tx(conn, |conn| {
        if !set_featured(conn, id, featured)? {
            return Ok(false);
        }
        let event = if featured { Event::PracticeFeatured } else { Event::PracticeUnfeatured };
        audit::record(conn, by, event, Subject::Practice(id), serde_json::json!({}), now)?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_practice_needs_a_title_a_text_and_known_themes() {
        let body = "Nous réparons les vélos de service dans nos ateliers, avec des pièces de réemploi.";
        let ok = parse(" Ateliers vélo ", body, &["mobilite".into(), "mobilite".into()]).unwrap();
        assert_eq!((ok.title.as_str(), ok.themes), ("Ateliers vélo", vec!["mobilite".to_owned()]));
        assert_eq!(parse("", body, &["mobilite".into()]), Err(vec![("title", "practice-error-title")]));
        assert_eq!(parse("T", "court", &["mobilite".into()]), Err(vec![("body", "practice-error-body")]));
        assert_eq!(parse("T", body, &[]), Err(vec![("themes", "practice-error-themes")]));
        assert_eq!(parse("T", body, &["astrologie".into()]), Err(vec![("themes", "practice-error-themes")]));
    }
}
