//! Open data: the objectives' JSON API, OCDS release packages and Atom feeds. Drafts never
//! appear here.

use actix_web::{HttpResponse, web};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use diesel::prelude::*;

use crate::db::ids::ObjectiveId;
use crate::domain::award::contracts::Contract;
use crate::domain::award::{self, contracts};
use crate::domain::decp;
use crate::domain::error::{Kind as DomainKind, Message};
use crate::domain::objectives::{self, ListFilter, ObjectiveFull, Status};
use crate::domain::ocds::{self, Publisher};
use crate::domain::{criteria, markdown, questions, themes};
use crate::web::AppState;
use crate::web::error::AppError;

use crate::views::feeds::{when, xml};

const PAGE_SIZE: i64 = 50;

#[derive(Serialize, ToSchema)]
pub struct ObjectiveSummary {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// `published`, `closed`, `under_evaluation`, `results_published`, `awarded`, `not_awarded`, `in_execution`, `completed`, `archived` or `cancelled`.
    pub status: String,
    pub themes: Vec<String>,
    /// `5`, `10`, `20` or `20+` years.
    pub horizon: String,
    /// UTC, RFC 3339.
    pub deadline: Option<String>,
    pub summary: String,
    pub url: String,
}

#[derive(Serialize, ToSchema)]
pub struct ObjectivePage {
    pub items: Vec<ObjectiveSummary>,
    pub page: i64,
    pub has_more: bool,
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListParams {
    /// `open`, `closed`, `under_evaluation`, `results_published`, `awarded`, `not_awarded`, `in_execution`, `completed`, `archived`, `cancelled`.
    #[serde(default)]
    pub status: String,
    /// A theme code, e.g. `energie`.
    #[serde(default)]
    pub theme: String,
    /// `5`, `10`, `20` or `20+`.
    #[serde(default)]
    pub horizon: String,
    /// Words to search for (accents and French plurals ignored).
    #[serde(default)]
    pub q: String,
    /// From 1; 50 objectives a page.
    pub page: Option<i64>,
}

fn summary(state: &AppState, o: &objectives::Objective, now: NaiveDateTime) -> ObjectiveSummary {
    ObjectiveSummary {
        id: o.id.0,
        reference: o.reference.clone(),
        title: o.title.clone(),
        status: o.status_at(now).as_str().to_owned(),
        themes: o.theme_list(),
        horizon: o.horizon.clone(),
        deadline: o.deadline_at.map(when),
        summary: markdown::plain(&o.need, 300),
        url: state
            .settings
            .public_url
            .join(&format!("objectives/{}", o.id.0))
            .map(|u| u.to_string())
            .unwrap_or_default(),
    }
}

/// Published objectives, with filters and pagination.
#[utoipa::path(get, path = "/api/v1/objectives", tag = "objectives", params(ListParams),
    responses((status = 200, body = ObjectivePage)))]
pub async fn list(state: web::Data<AppState>, query: web::Query<ListParams>) -> Result<HttpResponse, AppError> {
    let page = query.page.unwrap_or(1).clamp(1, 10_000);
    let filter = ListFilter {
        status: Some(query.status.clone()).filter(|s| !s.is_empty()),
        theme: Some(query.theme.clone()).filter(|s| !s.is_empty()),
        horizon: Some(query.horizon.clone()).filter(|s| !s.is_empty()),
        deadline_before: None,
        text: Some(query.q.clone()).filter(|s| !s.trim().is_empty()),
        include_drafts: false,
        order: objectives::ListOrder::Deadline,
    };
    let now = state.clock.now_naive();
    let (rows, has_more) = state
        .db
        .run(move |conn| {
            objectives::list(conn, &filter, now, PAGE_SIZE, (page - 1) * PAGE_SIZE).map_err(AppError::from)
        })
        .await?;
    let items = rows.iter().map(|o| summary(&state, o, now)).collect();
    Ok(HttpResponse::Ok().json(ObjectivePage { items, page, has_more }))
}

#[derive(Serialize, ToSchema)]
pub struct CriterionWeightInfo {
    pub code: String,
    pub name_fr: String,
    pub name_en: String,
    /// environmental, social, economic, change_support, innovation, feasibility
    pub category: String,
    /// OCDS sustainability goal code.
    pub goal: String,
    pub weight: i32,
    pub eliminatory: bool,
    pub min_score: Option<i32>,
}

#[derive(Serialize, ToSchema)]
pub struct QuestionInfo {
    pub question: String,
    pub answer: String,
    pub answered_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct AmendmentInfo {
    pub date: String,
    pub reason: String,
    pub essential: bool,
    pub fields: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ObjectiveDetail {
    #[serde(flatten)]
    pub summary: ObjectiveSummary,
    /// Markdown.
    pub need: String,
    pub political_objective: String,
    pub deliberation_ref: String,
    pub deliberation_date: Option<String>,
    pub deliberation_url: Option<String>,
    pub budget_euros: Option<i64>,
    pub place: String,
    pub contact: String,
    pub published_at: Option<String>,
    pub cancel_reason: Option<String>,
    /// `top` (the N best) or `min` (every proposal scoring at least this total).
    pub shortlist_rule: String,
    pub shortlist_value: i32,
    pub criteria: Vec<CriterionWeightInfo>,
    /// (date, label)
    pub milestones: Vec<(String, String)>,
    pub questions: Vec<QuestionInfo>,
    pub amendments: Vec<AmendmentInfo>,
}

async fn public_objective(
    state: &AppState,
    id: i64,
) -> Result<(ObjectiveFull, Vec<questions::Question>, Vec<criteria::Criterion>), AppError> {
    let id = ObjectiveId(id);
    let found = state
        .db
        .run(move |conn| {
            let Some(full) = objectives::load(conn, id)? else { return Ok::<_, AppError>(None) };
            let answered = questions::answered(conn, id)?;
            let catalogue = criteria::list(conn, true)?;
            Ok(Some((full, answered, catalogue)))
        })
        .await?;
    match found {
        Some((full, _, _)) if full.objective.status == Status::Draft.as_str() || full.objective.practice => {
            Err(AppError::NotFound)
        }
        Some(found) => Ok(found),
        None => Err(AppError::NotFound),
    }
}

/// One published objective.
#[utoipa::path(get, path = "/api/v1/objectives/{id}", tag = "objectives", params(("id" = i64, Path, description = "Objective id")),
    responses((status = 200, body = ObjectiveDetail), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn detail(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let (full, answered, catalogue) = public_objective(&state, id.into_inner()).await?;
    let now = state.clock.now_naive();
    let o = &full.objective;
    let body = ObjectiveDetail {
        summary: summary(&state, o, now),
        need: o.need.clone(),
        political_objective: o.political_objective.clone(),
        deliberation_ref: o.deliberation_ref.clone(),
        deliberation_date: o.deliberation_date.map(|d| d.to_string()),
        deliberation_url: o.deliberation_url.clone(),
        budget_euros: o.budget_euros,
        place: o.place.clone(),
        contact: o.contact.clone(),
        published_at: o.published_at.map(when),
        cancel_reason: o.cancel_reason.clone(),
        shortlist_rule: o.shortlist_rule.clone(),
        shortlist_value: o.shortlist_value,
        criteria: full
            .criteria
            .iter()
            .filter_map(|w| {
                let c = catalogue.iter().find(|c| c.id == w.criterion_id)?;
                Some(CriterionWeightInfo {
                    code: c.code.clone(),
                    name_fr: c.name_fr.clone(),
                    name_en: c.name_en.clone(),
                    category: c.category.clone(),
                    goal: c.goal.clone(),
                    weight: w.weight,
                    eliminatory: w.eliminatory,
                    min_score: w.min_score,
                })
            })
            .collect(),
        milestones: full.milestones.iter().map(|m| (m.due_on.to_string(), m.label.clone())).collect(),
        questions: answered
            .into_iter()
            .filter_map(|q| {
                Some(QuestionInfo { question: q.question, answer: q.answer?, answered_at: when(q.answered_at?) })
            })
            .collect(),
        amendments: full
            .amendments
            .iter()
            .map(|a| AmendmentInfo {
                date: when(a.occurred_at),
                reason: a.reason.clone(),
                essential: a.essential,
                fields: a.change_list().into_iter().map(|c| c.field).collect(),
            })
            .collect(),
    };
    Ok(HttpResponse::Ok().json(body))
}

/// The bid extension's data of an objective past its deadline: the number of proposals standing
/// at the deadline, then each one's status and rank once the results are published (organisations
/// named for shortlisted proposals only).
fn bids_of(
    conn: &mut crate::db::DbConnection,
    full: &objectives::ObjectiveFull,
    now: chrono::NaiveDateTime,
) -> Result<Option<ocds::Bids>, AppError> {
    use crate::domain::proposals::opening::{self, NotOpened};
    let o = &full.objective;
    let Some(deadline) = o.deadline_at else { return Ok(None) };
    if o.practice || !opening::openable(o, now) {
        return Ok(None);
    }
    let outcomes = opening::proposals_of(conn, o.id)?;
    // Only the deposits standing at the deadline: not the late, the withdrawn or those not
    // reconfirmed after an essential amendment (the ones the opening opens).
    let received = outcomes.iter().filter(|x| x.outcome.is_ok()).count();
    let details = if o.results_published_at.is_some() {
        let board = crate::domain::evaluation::board::load(conn, o.id)?.ok_or(AppError::NotFound)?;
        let results = board.results();
        let shortlist = board.shortlist(&results);
        Some(
            outcomes
                .iter()
                .map(|x| {
                    let result = results.iter().find(|r| r.proposal == x.proposal);
                    let shortlisted = shortlist.contains(&x.proposal);
                    let status = match (&x.outcome, result) {
                        (Err(NotOpened::Withdrawn), _) => "withdrawn",
                        (Ok(_), Some(r)) if r.excluded.is_none() => "valid",
                        _ => "disqualified",
                    };
                    let tenderers = if shortlisted {
                        board
                            .proposal(x.proposal)
                            .map(|p| {
                                p.organisations.iter().map(|(id, name)| (format!("org-{id}"), name.clone())).collect()
                            })
                            .unwrap_or_default()
                    } else {
                        Vec::new()
                    };
                    ocds::BidDetail {
                        id: format!("proposal-{}", x.proposal),
                        date: x.deposit.as_ref().map(|d| d.deposited_at),
                        status,
                        rank: result.and_then(|r| r.rank),
                        shortlisted,
                        tenderers,
                    }
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Some(ocds::Bids { date: deadline, received, details }))
}

/// The award and the contract of an objective, for its release (owned; see [`ocds::Awarded`]).
pub struct AwardedData {
    date: NaiveDateTime,
    suppliers: Vec<(String, String)>,
    reasons: String,
    contract: Option<Contract>,
}

impl AwardedData {
    fn borrowed(&self) -> ocds::Awarded<'_> {
        ocds::Awarded {
            date: self.date,
            suppliers: self.suppliers.clone(),
            reasons: &self.reasons,
            contract: self.contract.as_ref(),
        }
    }
}

fn awarded_of(conn: &mut crate::db::DbConnection, full: &ObjectiveFull) -> Result<Option<AwardedData>, AppError> {
    let Some(a) = award::load(conn, full.objective.id)?.filter(|a| a.awarded) else { return Ok(None) };
    let mut suppliers = Vec::new();
    for w in &a.winners {
        use crate::db::schema::{organisations, proposals};
        let (id, name): (i64, String) = proposals::table
            .inner_join(organisations::table)
            .filter(proposals::id.eq(*w))
            .select((organisations::id, organisations::legal_name))
            .first(conn)?;
        suppliers.push((format!("org-{id}"), name));
    }
    let contract = contracts::load(conn, full.objective.id)?;
    Ok(Some(AwardedData { date: a.decided_at, suppliers, reasons: a.reasons, contract }))
}

/// The DECP essential data of one signed contract, or none.
fn marche_of(
    conn: &mut crate::db::DbConnection,
    objective: ObjectiveId,
    siret: &str,
) -> Result<Option<serde_json::Value>, AppError> {
    use crate::db::schema::{criteria as criteria_table, letters, objective_criteria, objectives as objectives_table};
    let Some(contract) = contracts::load(conn, objective)? else { return Ok(None) };
    let (reference, practice): (String, bool) = objectives_table::table
        .find(objective)
        .select((objectives_table::reference, objectives_table::practice))
        .first(conn)?;
    if practice {
        return Ok(None);
    }
    // Every opened proposal got an award or a rejection letter.
    let offers: i64 = letters::table
        .filter(letters::objective_id.eq(objective))
        .filter(letters::kind.eq_any(["award", "rejection"]))
        .count()
        .get_result(conn)?;
    let winners: i64 = crate::db::schema::award_winners::table
        .filter(crate::db::schema::award_winners::objective_id.eq(objective))
        .count()
        .get_result(conn)?;
    let goals: Vec<String> = objective_criteria::table
        .inner_join(criteria_table::table)
        .filter(objective_criteria::objective_id.eq(objective))
        .select(criteria_table::goal)
        .load(conn)?;
    let ctx = decp::Context {
        reference: &reference,
        buyer_siret: siret,
        offers: usize::try_from(offers).unwrap_or(1),
        framework: winners > 1,
        innovative: goals.iter().any(|g| g.starts_with("innovation")),
    };
    Ok(Some(decp::marche(&contract, &ctx)))
}

/// The buyer's SIRET; without it the DECP are not published (404 saying why).
fn buyer_siret(state: &AppState) -> Result<String, AppError> {
    state.settings.buyer_siret.clone().ok_or_else(|| {
        AppError::refused(DomainKind::NotFound, "decp_not_configured", Message::new("decp-not-configured"))
    })
}

/// The DECP 2.0.3 essential data of one objective's signed contract.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/decp.json", tag = "award", params(("id" = i64, Path, description = "Objective id")),
    responses((status = 200, description = "A DECP 2.0.3 document (`marches.marche`) with this contract", content_type = "application/json"),
        (status = 404, body = crate::web::error::ErrorBody, description = "Unknown objective, no signed contract, or BUYER_SIRET not configured")))]
pub async fn decp_one(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let siret = buyer_siret(&state)?;
    let oid = ObjectiveId(id.into_inner());
    let marche = state.db.run(move |conn| marche_of(conn, oid, &siret)).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(decp::document(vec![marche])))
}

/// The DECP 2.0.3 essential data of every signed contract, in one document.
#[utoipa::path(get, path = "/api/v1/decp/marches.json", tag = "award",
    responses((status = 200, description = "A DECP 2.0.3 document (`marches.marche`), one per signed contract", content_type = "application/json"),
        (status = 404, body = crate::web::error::ErrorBody, description = "BUYER_SIRET not configured")))]
pub async fn decp_all(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let siret = buyer_siret(&state)?;
    let marches = state
        .db
        .run(move |conn| {
            let mut out = Vec::new();
            for oid in contracts::signed_objectives(conn)? {
                out.extend(marche_of(conn, oid, &siret)?);
            }
            Ok::<_, AppError>(out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(decp::document(marches)))
}

fn publisher(state: &AppState) -> Publisher<'_> {
    Publisher { buyer_name: &state.settings.buyer_name, ocid_prefix: &state.settings.ocid_prefix }
}

/// The OCDS 1.1 release package of one published objective.
#[utoipa::path(get, path = "/api/v1/objectives/{id}/ocds.json", tag = "objectives", params(("id" = i64, Path, description = "Objective id")),
    responses((status = 200, description = "An OCDS 1.1 release package", content_type = "application/json"), (status = 404, body = crate::web::error::ErrorBody)))]
pub async fn ocds_one(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (full, answered, catalogue) = public_objective(&state, id).await?;
    let now = state.clock.now_naive();
    let loaded = full.clone();
    // The published results' board is loaded under a board permit, as on every page.
    let _permit = if full.objective.results_published_at.is_some() { Some(state.board_permit().await?) } else { None };
    let (bids, awarded) =
        state.db.run(move |conn| Ok::<_, AppError>((bids_of(conn, &loaded, now)?, awarded_of(conn, &loaded)?))).await?;
    let awarded = awarded.as_ref().map(AwardedData::borrowed);
    let release = ocds::release(&full, &answered, &catalogue, bids.as_ref(), awarded.as_ref(), &publisher(&state), now);
    let uri = state
        .settings
        .public_url
        .join(&format!("api/v1/objectives/{id}/ocds.json"))
        .map(|u| u.to_string())
        .unwrap_or_default();
    Ok(HttpResponse::Ok().json(ocds::package(&uri, vec![release], &publisher(&state), now)))
}

/// The OCDS 1.1 release package of every published objective.
#[utoipa::path(get, path = "/api/v1/ocds/objectives.json", tag = "objectives",
    responses((status = 200, description = "An OCDS 1.1 release package", content_type = "application/json"),
        (status = 404, description = "No objective is published yet (a release package needs at least one release)", body = crate::web::error::ErrorBody)))]
pub async fn ocds_all(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    // Every published result's board is loaded, one at a time, under one board permit.
    let _permit = state.board_permit().await?;
    let all = state
        .db
        .run(move |conn| {
            let catalogue = criteria::list(conn, true)?;
            let filter = ListFilter::default();
            let mut releases = Vec::new();
            let mut offset = 0;
            loop {
                let (rows, more) = objectives::list(conn, &filter, now, 500, offset)?;
                for o in &rows {
                    if let Some(full) = objectives::load(conn, o.id)? {
                        let answered = questions::answered(conn, o.id)?;
                        let bids = bids_of(conn, &full, now)?;
                        let awarded = awarded_of(conn, &full)?;
                        releases.push((full, answered, bids, awarded));
                    }
                }
                if !more {
                    break;
                }
                offset += 500;
            }
            Ok::<_, AppError>((releases, catalogue))
        })
        .await?;
    let (rows, catalogue) = all;
    // The OCDS release package schema requires at least one release (`minItems: 1`): with no
    // objective published there is no valid package to give, so a clear 404 with its JSON error
    // body rather than an invalid document.
    if rows.is_empty() {
        return Err(AppError::refused(
            crate::domain::error::Kind::NotFound,
            "no_published_objective",
            crate::domain::error::Message::new("ocds-none-published"),
        ));
    }
    let releases = rows
        .iter()
        .map(|(full, answered, bids, awarded)| {
            let awarded = awarded.as_ref().map(AwardedData::borrowed);
            ocds::release(full, answered, &catalogue, bids.as_ref(), awarded.as_ref(), &publisher(&state), now)
        })
        .collect();
    let uri = state.settings.public_url.join("api/v1/ocds/objectives.json").map(|u| u.to_string()).unwrap_or_default();
    Ok(HttpResponse::Ok().json(ocds::package(&uri, releases, &publisher(&state), now)))
}

async fn feed(state: &AppState, theme: Option<String>) -> Result<HttpResponse, AppError> {
    let now = state.clock.now_naive();
    let filter = ListFilter { theme: theme.clone(), ..ListFilter::default() };
    let (mut rows, _) =
        state.db.run(move |conn| objectives::list(conn, &filter, now, PAGE_SIZE, 0).map_err(AppError::from)).await?;
    rows.sort_by_key(|o| std::cmp::Reverse(o.published_at));
    let base = &state.settings.public_url;
    let (path, title) = match &theme {
        Some(t) => {
            (format!("feeds/themes/{t}.atom"), format!("Achat Ouvert — {}", themes::name(t, crate::i18n::Lang::Fr)))
        }
        None => ("feeds/objectives.atom".to_owned(), "Achat Ouvert — objectifs publiés".to_owned()),
    };
    let self_url = base.join(&path).map(|u| u.to_string()).unwrap_or_default();
    let updated = rows.iter().map(|o| o.updated_at).max().unwrap_or(now);
    let mut body = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"fr\">\n",
    );
    body.push_str(&format!(
        "  <title>{}</title>\n  <id>{}</id>\n  <link rel=\"self\" href=\"{}\"/>\n",
        xml(&title),
        xml(&self_url),
        xml(&self_url)
    ));
    body.push_str(&format!(
        "  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml(&base.join("objectives").map(|u| u.to_string()).unwrap_or_default())
    ));
    body.push_str(&format!(
        "  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        when(updated),
        xml(&state.settings.buyer_name)
    ));
    for o in &rows {
        let url = base.join(&format!("objectives/{}", o.id.0)).map(|u| u.to_string()).unwrap_or_default();
        let status = o.status_at(now);
        body.push_str("  <entry>\n");
        body.push_str(&format!(
            "    <title>{}</title>\n    <id>{}</id>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml(&o.title),
            xml(&url),
            xml(&url)
        ));
        body.push_str(&format!(
            "    <published>{}</published>\n    <updated>{}</updated>\n",
            when(o.published_at.unwrap_or(o.created_at)),
            when(o.updated_at)
        ));
        for t in o.theme_list() {
            body.push_str(&format!(
                "    <category term=\"{}\" label=\"{}\"/>\n",
                xml(&t),
                xml(&themes::name(&t, crate::i18n::Lang::Fr))
            ));
        }
        let deadline = o.deadline_at.map(|d| format!(" Date limite : {}.", when(d))).unwrap_or_default();
        body.push_str(&format!(
            "    <summary>{}</summary>\n",
            xml(&format!("[{}] {}{}", status.as_str(), markdown::plain(&o.need, 400), deadline))
        ));
        body.push_str("  </entry>\n");
    }
    body.push_str("</feed>\n");
    Ok(HttpResponse::Ok().content_type("application/atom+xml; charset=utf-8").body(body))
}

/// `GET /feeds/objectives.atom`
pub async fn feed_all(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    feed(&state, None).await
}

/// `GET /feeds/themes/{theme}.atom`
pub async fn feed_theme(state: web::Data<AppState>, theme: web::Path<String>) -> Result<HttpResponse, AppError> {
    let theme = theme.into_inner();
    let code = theme.strip_suffix(".atom").unwrap_or(&theme).to_owned();
    if !themes::is_theme(&code) {
        return Err(AppError::NotFound);
    }
    feed(&state, Some(code)).await
}
