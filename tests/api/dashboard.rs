//! The citizens' dashboard (issue 18, item 2): its figures match a hand count on a small data
//! set written straight into the database (two themes, two years, an SME, a social-economy
//! structure, a consortium, a withdrawal, a late deposit, a deposit before the deadline, a draft
//! and a cancelled objective, an award and a contract modified once, its change-support plan with
//! ratings and three indicators on, behind and off their trajectories); the year filter and a bad
//! year; the CSV, the JSON, the SVG's title and the table's numbers.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde_json::Value;

use achat_ouvert::db::DbConnection;
use achat_ouvert::db::schema::{
    award_winners, awards, contract_modifications, contracts, criteria, deposits, indicator_reports, indicators,
    objective_criteria, objectives, organisations, proposals, support_actions, support_deliveries, support_ratings,
    users,
};

use crate::both_backends;
use crate::helpers::{TestApp, spawn_app};

fn at(y: i32, m: u32, d: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d).unwrap().and_hms_opt(10, 0, 0).unwrap()
}

fn now_of(app: &TestApp) -> NaiveDateTime {
    use achat_ouvert::clock::Clock;
    app.clock.now().naive_utc()
}

/// The current year in Paris, as the dashboard counts it.
fn this_year(app: &TestApp) -> i32 {
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &now_of(app)).year()
}

fn user(conn: &mut DbConnection, now: NaiveDateTime) -> i64 {
    diesel::insert_into(users::table)
        .values((
            users::email.eq("agent@dashboard.test"),
            users::display_name.eq("Agent"),
            users::created_at.eq(now),
            users::updated_at.eq(now),
            users::locale.eq("fr"),
        ))
        .returning(users::id)
        .get_result(conn)
        .unwrap()
}

fn organisation(conn: &mut DbConnection, n: u64, postcode: &str, size: &str, social: bool, now: NaiveDateTime) -> i64 {
    diesel::insert_into(organisations::table)
        .values((
            organisations::legal_name.eq(format!("Organisation {n}")),
            organisations::identifier_type.eq("other"),
            organisations::identifier.eq(format!("DASH-{n}")),
            organisations::address.eq("1 rue de la Paix"),
            organisations::postcode.eq(postcode),
            organisations::country.eq("FR"),
            organisations::size.eq(size),
            organisations::social_economy.eq(social),
            organisations::sectors.eq("[]"),
            organisations::created_at.eq(now),
            organisations::updated_at.eq(now),
        ))
        .returning(organisations::id)
        .get_result(conn)
        .unwrap()
}

#[allow(clippy::too_many_arguments)]
fn objective(
    conn: &mut DbConnection,
    reference: &str,
    themes: &str,
    status: &str,
    published: Option<NaiveDateTime>,
    deadline: NaiveDateTime,
    weights: &[(&str, i32)],
    agent: i64,
) -> i64 {
    let id: i64 = diesel::insert_into(objectives::table)
        .values((
            (
                objectives::reference.eq(reference),
                objectives::title.eq(format!("Objectif {reference}")),
                objectives::need.eq("Besoin."),
                objectives::political_objective.eq("Politique."),
                objectives::deliberation_ref.eq("CP-1"),
                objectives::themes.eq(themes),
                objectives::horizon.eq("10"),
                objectives::place.eq("Région"),
                objectives::contact.eq("achats@region.example"),
            ),
            (
                objectives::deadline_at.eq(Some(deadline)),
                objectives::shortlist_rule.eq("top"),
                objectives::shortlist_value.eq(3),
                objectives::status.eq(status),
                objectives::published_at.eq(published),
                objectives::created_by.eq(agent),
                objectives::created_at.eq(deadline),
                objectives::updated_at.eq(deadline),
            ),
        ))
        .returning(objectives::id)
        .get_result(conn)
        .unwrap();
    for (i, (category, weight)) in weights.iter().enumerate() {
        let criterion: i64 = criteria::table
            .filter(criteria::category.eq(*category))
            .order(criteria::id.asc())
            .select(criteria::id)
            .first(conn)
            .unwrap();
        diesel::insert_into(objective_criteria::table)
            .values((
                objective_criteria::objective_id.eq(id),
                objective_criteria::criterion_id.eq(criterion),
                objective_criteria::weight.eq(*weight),
                objective_criteria::eliminatory.eq(false),
                objective_criteria::position.eq(i as i32),
            ))
            .execute(conn)
            .unwrap();
    }
    id
}

fn proposal(
    conn: &mut DbConnection,
    objective: i64,
    organisation: i64,
    consortium: bool,
    agent: i64,
    now: NaiveDateTime,
) -> i64 {
    diesel::insert_into(proposals::table)
        .values((
            proposals::objective_id.eq(objective),
            proposals::organisation_id.eq(organisation),
            proposals::title.eq("Proposition"),
            proposals::summary.eq("Résumé"),
            proposals::solution.eq("Solution"),
            proposals::change_support.eq("Accompagnement"),
            proposals::consortium_type.eq(consortium.then_some("conjoint")),
            proposals::version.eq(1),
            proposals::created_by.eq(agent),
            proposals::created_at.eq(now),
            proposals::updated_by.eq(agent),
            proposals::updated_at.eq(now),
        ))
        .returning(proposals::id)
        .get_result(conn)
        .unwrap()
}

fn deposit(conn: &mut DbConnection, proposal: i64, kind: &str, late: bool, when: NaiveDateTime, agent: i64) {
    let (objective, organisation): (i64, i64) = proposals::table
        .find(proposal)
        .select((proposals::objective_id, proposals::organisation_id))
        .first(conn)
        .unwrap();
    let number = format!("R-{proposal}-{kind}-{}", when.and_utc().timestamp());
    diesel::insert_into(deposits::table)
        .values((
            (
                deposits::proposal_id.eq(proposal),
                deposits::objective_id.eq(objective),
                deposits::organisation_id.eq(organisation),
                deposits::kind.eq(kind),
                deposits::receipt_number.eq(number.clone()),
                deposits::depositor_id.eq(agent),
                deposits::started_at.eq(when),
                deposits::deposited_at.eq(when),
            ),
            (
                deposits::late.eq(late),
                deposits::snapshot.eq("{}"),
                deposits::receipt.eq("{}"),
                deposits::deposit_hash.eq(number),
            ),
        ))
        .execute(conn)
        .unwrap();
}

/// The contract's change-support plan: two training sessions (one delivered to 12 people and rated
/// 4 and 5 by two users of the purchase, one planned), one advice session planned.
fn support_plan(conn: &mut DbConnection, objective: i64, agent: i64, signed: NaiveDate, now: NaiveDateTime) {
    let mut action = |kind: &str| -> i64 {
        diesel::insert_into(support_actions::table)
            .values((
                support_actions::objective_id.eq(objective),
                support_actions::kind.eq(kind),
                support_actions::description.eq("Séance"),
                support_actions::audience.eq("Agents des lycées"),
                support_actions::planned_on.eq(signed + chrono::Duration::days(30)),
                support_actions::planned_hours.eq(3.0),
                support_actions::created_by.eq(agent),
                support_actions::created_at.eq(now),
            ))
            .returning(support_actions::id)
            .get_result(conn)
            .unwrap()
    };
    let delivered = action("training");
    action("training");
    action("advice");
    diesel::insert_into(support_deliveries::table)
        .values((
            support_deliveries::action_id.eq(delivered),
            support_deliveries::delivered_on.eq(signed + chrono::Duration::days(31)),
            support_deliveries::participants.eq(12),
            support_deliveries::notes.eq("Bien passé."),
            support_deliveries::recorded_by.eq(agent),
            support_deliveries::recorded_at.eq(now),
        ))
        .execute(conn)
        .unwrap();
    for (n, rating) in [(1, 4), (2, 5)] {
        let user: i64 = diesel::insert_into(users::table)
            .values((
                users::email.eq(format!("usager{n}@dashboard.test")),
                users::display_name.eq(format!("Usager {n}")),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users::locale.eq("fr"),
            ))
            .returning(users::id)
            .get_result(conn)
            .unwrap();
        diesel::insert_into(support_ratings::table)
            .values((
                support_ratings::action_id.eq(delivered),
                support_ratings::user_id.eq(user),
                support_ratings::rating.eq(rating),
                support_ratings::comment.eq("Utile."),
                support_ratings::rated_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    }
}

/// Three indicators from 100 (or 0) to a target in five years, reported yearly: the first
/// validated at 85 after a year (on track: 30 % of the way in 20 % of the time), the second at 95
/// (behind: 10 %), with a later report sent back that does not count; the third has only a report
/// waiting for validation (no validated value).
fn indicators_of(conn: &mut DbConnection, objective: i64, agent: i64, signed: NaiveDate, now: NaiveDateTime) {
    let target = |value: f64| {
        serde_json::json!([{ "years": 5, "on": (signed + chrono::Months::new(60)).to_string(), "value": value }])
            .to_string()
    };
    let mut indicator = |name: &str, baseline: f64, targets: String| -> i64 {
        diesel::insert_into(indicators::table)
            .values((
                indicators::objective_id.eq(objective),
                indicators::name.eq(name),
                indicators::unit.eq("t"),
                indicators::baseline.eq(baseline),
                indicators::targets.eq(targets),
                indicators::period_months.eq(12),
                indicators::created_by.eq(agent),
                indicators::created_at.eq(now),
            ))
            .returning(indicators::id)
            .get_result(conn)
            .unwrap()
    };
    let on = indicator("Déchets", 100.0, target(50.0));
    let behind = indicator("Énergie", 100.0, target(50.0));
    let waiting = indicator("Emplois", 0.0, target(10.0));
    let mut report = |indicator: i64, period: i32, value: f64, state: &str| {
        diesel::insert_into(indicator_reports::table)
            .values((
                indicator_reports::indicator_id.eq(indicator),
                indicator_reports::period.eq(period),
                indicator_reports::value.eq(value),
                indicator_reports::comment.eq("Mesuré."),
                indicator_reports::state.eq(state),
                indicator_reports::reported_by.eq(agent),
                indicator_reports::reported_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    };
    report(on, 1, 85.0, "validated");
    report(behind, 1, 95.0, "validated");
    report(behind, 2, 10.0, "sent_back");
    report(waiting, 1, 9.0, "submitted");
}

/// The hand-counted data set; returns the energy objective that was awarded (O1).
async fn data_set(app: &TestApp) -> i64 {
    let now = now_of(app);
    let y = this_year(app);
    app.with_db(move |conn| {
        let agent = user(conn, now);
        let sme = organisation(conn, 1, "69001", "sme", false, now); // SME, in the region
        let ess = organisation(conn, 2, "75011", "large", true, now); // social economy, Paris
        let micro = organisation(conn, 3, "38000", "micro", false, now); // micro, in the region, consortium lead
        let large = organisation(conn, 4, "69100", "large", false, now); // large, in the region
        // O1, year y-1, energy, environment 30 %: three deposits stand (SME, ESS, consortium), one
        // proposal withdrawn; awarded to the SME 50 days after publication; a contract modified.
        let o1_pub = at(y - 1, 3, 10);
        let o1 = objective(
            conn,
            "D-1",
            "[\"energie\"]",
            "awarded",
            Some(o1_pub),
            at(y - 1, 4, 10),
            &[("environmental", 30), ("social", 70)],
            agent,
        );
        let p_sme = proposal(conn, o1, sme, false, agent, now);
        deposit(conn, p_sme, "deposit", false, at(y - 1, 4, 1), agent);
        let p_ess = proposal(conn, o1, ess, false, agent, now);
        deposit(conn, p_ess, "deposit", false, at(y - 1, 4, 2), agent);
        let p_micro = proposal(conn, o1, micro, true, agent, now);
        deposit(conn, p_micro, "deposit", false, at(y - 1, 4, 3), agent);
        let p_large = proposal(conn, o1, large, false, agent, now);
        deposit(conn, p_large, "deposit", false, at(y - 1, 4, 3), agent);
        deposit(conn, p_large, "withdrawal", false, at(y - 1, 4, 4), agent);
        let decided = o1_pub + chrono::Duration::days(50);
        diesel::insert_into(awards::table)
            .values((
                awards::objective_id.eq(o1),
                awards::outcome.eq("awarded"),
                awards::reasons.eq("La meilleure."),
                awards::standstill_days.eq(11),
                awards::standstill_ends_at.eq(decided + chrono::Duration::days(11)),
                awards::decided_by.eq(agent),
                awards::decided_at.eq(decided),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(award_winners::table)
            .values((award_winners::objective_id.eq(o1), award_winners::proposal_id.eq(p_sme)))
            .execute(conn)
            .unwrap();
        let signed = decided.date() + chrono::Duration::days(20);
        diesel::insert_into(contracts::table)
            .values((
                (
                    contracts::objective_id.eq(o1),
                    contracts::object.eq("Chaleur"),
                    contracts::holders.eq("[]"),
                    contracts::signed_on.eq(signed),
                    contracts::notified_on.eq(signed),
                    contracts::amount_cents.eq(10_000_000_i64),
                    contracts::duration_months.eq(24),
                    contracts::cpv.eq("09323000-9"),
                ),
                (
                    contracts::place_code.eq("84"),
                    contracts::place_kind.eq("region"),
                    contracts::price_form.eq("firm"),
                    contracts::price_basis.eq("lump_sum"),
                    contracts::subcontracting.eq(false),
                    contracts::considerations.eq("[]"),
                    contracts::recorded_by.eq(agent),
                    contracts::recorded_at.eq(decided),
                ),
            ))
            .execute(conn)
            .unwrap();
        diesel::insert_into(contract_modifications::table)
            .values((
                contract_modifications::objective_id.eq(o1),
                contract_modifications::number.eq(1),
                contract_modifications::notified_on.eq(signed),
                contract_modifications::reason.eq("Extension"),
                contract_modifications::amount_cents.eq(Some(12_000_000_i64)),
                contract_modifications::recorded_by.eq(agent),
                contract_modifications::recorded_at.eq(decided),
            ))
            .execute(conn)
            .unwrap();
        support_plan(conn, o1, agent, signed, now);
        indicators_of(conn, o1, agent, signed, now);
        // O2, year y, main theme mobility, environment 50 %, closed: one deposit stands (the
        // large company's); the SME's only deposit was late.
        let o2 = objective(
            conn,
            "D-2",
            "[\"mobilite\",\"energie\"]",
            "under_evaluation",
            Some(at(y, 1, 2)),
            now - chrono::Duration::days(1),
            &[("environmental", 50), ("economic", 50)],
            agent,
        );
        let p = proposal(conn, o2, large, false, agent, now);
        deposit(conn, p, "deposit", false, now - chrono::Duration::days(2), agent);
        let p = proposal(conn, o2, sme, false, agent, now);
        deposit(conn, p, "deposit", true, now - chrono::Duration::hours(1), agent);
        // O3, year y, mobility, still open: its deposit is not counted; environment 0 %.
        let o3 = objective(
            conn,
            "D-3",
            "[\"mobilite\"]",
            "published",
            Some(at(y, 1, 3)),
            now + chrono::Duration::days(10),
            &[("social", 100)],
            agent,
        );
        let p = proposal(conn, o3, ess, false, agent, now);
        deposit(conn, p, "deposit", false, now - chrono::Duration::days(1), agent);
        // A draft and a cancelled objective count nowhere.
        objective(
            conn,
            "D-4",
            "[\"energie\"]",
            "draft",
            None,
            now - chrono::Duration::days(1),
            &[("environmental", 100)],
            agent,
        );
        let o5 = objective(
            conn,
            "D-5",
            "[\"energie\"]",
            "cancelled",
            Some(at(y - 1, 2, 1)),
            at(y - 1, 3, 1),
            &[("environmental", 100)],
            agent,
        );
        let p = proposal(conn, o5, micro, false, agent, now);
        deposit(conn, p, "deposit", false, at(y - 1, 2, 15), agent);
        o1
    })
    .await
}

async fn json(app: &TestApp, query: &str) -> Value {
    let response = app.get(&format!("/api/v1/dashboard{query}")).await;
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn theme<'a>(d: &'a Value, code: &str) -> &'a Value {
    d["themes"].as_array().unwrap().iter().find(|t| t["theme"] == code).unwrap_or_else(|| panic!("{code}: {d:#}"))
}

both_backends! {
    /// Every figure against the hand count, for every year and for each year.
    async fn figures_match_a_hand_count(backend) {
        let app = spawn_app(backend).await;
        data_set(&app).await;
        let y = this_year(&app);

        let all = json(&app, "").await;
        assert_eq!(all["year"], Value::Null);
        assert_eq!(all["years"], serde_json::json!([y - 1, y]));
        let energy = theme(&all, "energie");
        assert_eq!(energy["objectives_by_year"], serde_json::json!({ (y - 1).to_string(): 1 }));
        let mobility = theme(&all, "mobilite");
        assert_eq!(mobility["objectives_by_year"], serde_json::json!({ y.to_string(): 2 }));
        assert_eq!(all["themes"].as_array().unwrap().len(), 2, "{all:#}");
        let p = &all["proposals"];
        assert_eq!(p["closed_objectives"], 2);
        assert_eq!(p["deposits"], 4);
        assert_eq!(p["consortia"], 1);
        assert_eq!(p["distribution"], serde_json::json!([{ "deposits": 1, "objectives": 1 }, { "deposits": 3, "objectives": 1 }]));
        assert_eq!(all["depositors"], serde_json::json!({ "total": 4, "sme": 2, "social_economy": 1, "regional": 3 }));
        assert_eq!(all["winners"], serde_json::json!({ "total": 1, "sme": 1, "social_economy": 0, "regional": 1 }));
        assert_eq!(energy["weighted_objectives"], 1);
        assert!((energy["environmental_share_sum"].as_f64().unwrap() - 0.3).abs() < 1e-9);
        assert_eq!(mobility["weighted_objectives"], 2);
        assert!((mobility["environmental_share_sum"].as_f64().unwrap() - 0.5).abs() < 1e-9);
        assert_eq!(energy["decisions"], 1);
        assert!((energy["decision_days_sum"].as_f64().unwrap() - 50.0).abs() < 1e-6);
        assert_eq!(mobility["decisions"], 0);
        assert_eq!(energy["contracts"], 1);
        assert_eq!(energy["amount_cents"], 12_000_000_i64);
        let kinds: Vec<&str> = all["support"].as_array().unwrap().iter().map(|k| k["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["training", "advice", "awareness", "recommendation", "coaching"]);
        assert_eq!(all["support"][0], serde_json::json!({ "kind": "training", "planned": 2, "delivered": 1, "participants": 12, "ratings": 2, "rating_sum": 9 }));
        assert_eq!(all["support"][1], serde_json::json!({ "kind": "advice", "planned": 1, "delivered": 0, "participants": 0, "ratings": 0, "rating_sum": 0 }));
        assert_eq!(all["support"][2]["planned"], 0);
        assert_eq!(all["indicators"], serde_json::json!({ "on_track": 1, "behind": 1, "not_reported": 1 }));

        let this = json(&app, &format!("?year={y}")).await;
        assert_eq!(this["year"], y);
        assert_eq!(this["themes"].as_array().unwrap().len(), 1, "{this:#}");
        assert_eq!(this["proposals"]["deposits"], 1);
        assert_eq!(this["proposals"]["closed_objectives"], 1);
        assert_eq!(this["depositors"], serde_json::json!({ "total": 1, "sme": 0, "social_economy": 0, "regional": 1 }));
        assert_eq!(this["winners"]["total"], 0);
        assert_eq!(this["support"][0]["planned"], 0);
        assert_eq!(this["indicators"], serde_json::json!({ "on_track": 0, "behind": 0, "not_reported": 0 }));
        let last = json(&app, &format!("?year={}", y - 1)).await;
        assert_eq!(last["proposals"]["deposits"], 3);
        assert_eq!(last["depositors"], serde_json::json!({ "total": 3, "sme": 2, "social_economy": 1, "regional": 2 }));
        assert_eq!(theme(&last, "energie")["amount_cents"], 12_000_000_i64);
        assert_eq!(last["support"][0]["ratings"], 2);
        assert_eq!(last["indicators"]["on_track"], 1);
        app.stop().await;
    }
}

both_backends! {
    /// The page: each figure's SVG with its title and description, the table with the same
    /// numbers, the CSV, the open-data links; English too; linked from the home page.
    async fn the_page_shows_charts_tables_and_csv(backend) {
        let app = spawn_app(backend).await;
        data_set(&app).await;
        let y = this_year(&app);

        let page = app.get("/chiffres").await;
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("<h1>Les achats de la Région en chiffres</h1>"), "{html}");
        for id in ["objectives", "proposals", "depositors", "winners", "consortia", "environment", "decision", "amounts", "support", "indicators"] {
            assert!(html.contains(&format!("aria-labelledby=\"fig-{id}-t\"")), "{id}");
            assert!(html.contains(&format!("href=\"/chiffres/{id}.csv\"")), "{id}");
        }
        assert!(html.contains("<title id=\"fig-depositors-t\">Qui dépose"), "{html}");
        // The chart's description and the table carry the same share: 2 SMEs of 4 depositors.
        assert!(html.contains("Petites et moyennes entreprises (PME) : 50,0 %"), "{html}");
        assert!(html.contains("<th scope=\"row\">Petites et moyennes entreprises (PME)</th><td>2</td><td>4</td><td>50,0 %</td>"), "{html}");
        // Contract amount, modification included; the decision time.
        assert!(html.contains("120\u{202f}000 €"), "{html}");
        assert!(html.contains("50,0 jours"), "{html}");
        assert!(html.contains("role=\"img\""));
        assert!(!html.contains("<script"));
        for link in ["/api/v1/dashboard", "/api/v1/ocds/objectives.json", "/api/v1/decp/marches.json", "/feeds/objectives.atom"] {
            assert!(html.contains(&format!("href=\"{link}\"")), "{link}");
        }
        // Change support: one of three delivered, 4.5 out of 5 from two ratings; the table by kind.
        assert!(html.contains("Actions réalisées : 1 sur 3 prévues"), "{html}");
        assert!(html.contains("utilité moyenne : 4,5 sur 5."), "{html}");
        assert!(html.contains("<th scope=\"row\">Formation</th><td>2</td><td>1</td><td>12</td><td>2</td><td>4,5 sur 5</td>"), "{html}");
        assert!(html.contains("<th scope=\"row\">Conseil</th><td>1</td><td>0</td><td>0</td><td>0</td><td>non mesuré</td>"), "{html}");
        assert!(!html.contains("<th scope=\"row\">Sensibilisation</th>"), "kinds with no action are left out of the table");
        // Indicators: one of the two measured on track; a third of all in each row.
        assert!(html.contains("Indicateurs en bonne voie : 1 sur 2 mesurés."), "{html}");
        assert!(html.contains("<th scope=\"row\">En bonne voie</th><td>1</td><td>33,3 %</td>"), "{html}");
        assert!(html.contains("<th scope=\"row\">Pas encore de valeur validée</th><td>1</td><td>33,3 %</td>"), "{html}");
        assert!(!html.contains("pas encore mesurés"));
        let support_csv = app.get("/chiffres/support.csv").await.text().await.unwrap();
        assert!(support_csv.contains("\"Formation\",\"2\",\"1\",\"12\",\"2\",\"4.5\"\r\n"), "{support_csv}");
        let indicators_csv = app.get("/chiffres/indicators.csv").await.text().await.unwrap();
        assert!(indicators_csv.contains("\"En retard sur la trajectoire\",\"1\",\"33.3\"\r\n"), "{indicators_csv}");

        let filtered = app.get(&format!("/chiffres?year={y}")).await.text().await.unwrap();
        assert!(filtered.contains(&format!("href=\"/chiffres/depositors.csv?year={y}\"")));
        assert!(filtered.contains(&format!("<option value=\"{y}\" selected>")), "{filtered}");
        assert!(filtered.contains("Aucun marché n’est encore signé pour cette période."));

        let csv = app.get("/chiffres/depositors.csv").await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
        let body = csv.text().await.unwrap();
        assert!(body.contains("\"Petites et moyennes entreprises (PME)\",\"2\",\"4\",\"50.0\"\r\n"), "{body}");
        assert!(body.contains("\"Entreprises de la région\",\"3\",\"4\",\"75.0\"\r\n"), "{body}");
        let amounts = app.get("/chiffres/amounts.csv").await.text().await.unwrap();
        assert!(amounts.contains("\"Énergie et climat\",\"1\",\"120000.00\""), "{amounts}");
        assert_eq!(app.get("/chiffres/nothing.csv").await.status(), 404);

        let english = app.get_with("/chiffres", &[("Accept-Language", "en")]).await.text().await.unwrap();
        assert!(english.contains("<h1>The region's purchases in figures</h1>") || english.contains("<h1>The region&#39;s purchases in figures</h1>") || english.contains("<h1>The region&#x27;s purchases in figures</h1>"), "{english}");
        assert!(english.contains("Small and medium-sized enterprises (SMEs) : 50.0%"), "{english}");

        let home = app.get("/").await.text().await.unwrap();
        assert!(home.contains("href=\"/chiffres\""));
        let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(openapi["paths"]["/api/v1/dashboard"]["get"].is_object());
        app.stop().await;
    }
}

both_backends! {
    /// A year out of range or not a number: said in the page (400) and in the API's error body;
    /// never a 500. A change to the data shows at once.
    async fn bad_years_are_refused_and_changes_show_at_once(backend) {
        let app = spawn_app(backend).await;
        let o1 = data_set(&app).await;
        let y = this_year(&app);

        for bad in ["1999", &(y + 1).to_string(), "deux-mille", "99999999999"] {
            let page = app.get(&format!("/chiffres?year={bad}")).await;
            assert_eq!(page.status(), 400, "{bad}");
            let html = page.text().await.unwrap();
            assert!(html.contains("id=\"error-summary\""), "{bad}");
            assert!(html.contains("href=\"#year\""), "{bad}");
            assert!(html.contains("L’année doit"), "{bad}");
            let api = app.get(&format!("/api/v1/dashboard?year={bad}")).await;
            assert_eq!(api.status(), 400, "{bad}");
            let body: Value = api.json().await.unwrap();
            assert_eq!(body["error"]["code"], "invalid_year", "{body}");
            assert_eq!(app.get(&format!("/chiffres/winners.csv?year={bad}")).await.status(), 400);
        }

        // A second modification of the contract's amount shows in the next answer, though the
        // figures were computed (and kept) just before: the write's audit entry moves the head.
        let before = json(&app, "").await;
        assert_ne!(theme(&before, "energie")["amount_cents"], 13_000_000_i64);
        let now = now_of(&app);
        app.with_db(move |conn| {
            let agent: i64 = users::table.select(users::id).first(conn).unwrap();
            diesel::insert_into(contract_modifications::table)
                .values((
                    contract_modifications::objective_id.eq(o1),
                    contract_modifications::number.eq(2),
                    contract_modifications::notified_on.eq(now.date()),
                    contract_modifications::reason.eq("Seconde extension"),
                    contract_modifications::amount_cents.eq(Some(13_000_000_i64)),
                    contract_modifications::recorded_by.eq(agent),
                    contract_modifications::recorded_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
            // As the domain does in the same transaction (contracts::modify).
            let actor = achat_ouvert::domain::audit::AuditActor::System("test".into());
            let subject = achat_ouvert::domain::audit::Subject::Objective(achat_ouvert::db::ids::ObjectiveId(o1));
            achat_ouvert::domain::audit::record(conn, &actor, achat_ouvert::domain::audit::Event::ContractModified, subject, serde_json::json!({}), now).unwrap();
        })
        .await;
        let all = json(&app, "").await;
        assert_eq!(theme(&all, "energie")["amount_cents"], 13_000_000_i64);
        let page = app.get(&format!("/chiffres?year={}", y - 1)).await.text().await.unwrap();
        assert!(page.contains("130\u{202f}000 €"), "{page}");
        app.stop().await;
    }
}
