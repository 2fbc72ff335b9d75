//! The award steps through the JSON API (issue 17; API parity, issue 18 item 6): award, no award,
//! challenges and their outcomes, later stages, modifications, indicators, the validation or
//! send-back of a report, the invitation of a user of the purchase. Each shares the page's
//! operation; each is refused for the roles that must be refused (supplier, committee member,
//! administrator, anonymous) and for bad input, with nothing written.

use diesel::prelude::*;
use serde_json::{Value, json};

use crate::award::{REASONS, results_published};
use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, paris_in, spawn_app};

/// What these operations write: (awards, letters, challenges settled, modifications, indicators,
/// reports validated or sent back, users of purchases, stages).
async fn written(app: &TestApp) -> [i64; 8] {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::*;
        [
            awards::table.count().get_result(conn).unwrap(),
            letters::table.count().get_result(conn).unwrap(),
            challenges::table.filter(challenges::outcome.is_not_null()).count().get_result(conn).unwrap(),
            contract_modifications::table.count().get_result(conn).unwrap(),
            indicators::table.count().get_result(conn).unwrap(),
            indicator_reports::table.filter(indicator_reports::state.ne("submitted")).count().get_result(conn).unwrap(),
            purchase_users::table.count().get_result(conn).unwrap(),
            objective_stages::table.count().get_result(conn).unwrap(),
        ]
    })
    .await
}

async fn call(app: &TestApp, method: reqwest::Method, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    let mut r = app.client.request(method, app.url(path)).json(&body);
    if let Some(t) = token {
        r = r.bearer_auth(t);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> (u16, Value) {
    call(app, reqwest::Method::POST, path, token, body).await
}

/// The refusal's code.
fn code(answer: &(u16, Value)) -> &str {
    answer.1["error"]["code"].as_str().unwrap_or_default()
}

/// Asserts that each of the refused (tokens, or None for anonymous) gets 401 or 403 on `path`.
async fn refused_to(app: &TestApp, method: reqwest::Method, path: &str, refused: &[Option<&str>], body: Value) {
    for token in refused {
        let (status, json) = call(app, method.clone(), path, *token, body.clone()).await;
        let expected = if token.is_some() { 403 } else { 401 };
        assert_eq!(status, expected, "{path} with {token:?}: {json}");
        assert!(json["error"]["code"].is_string(), "a JSON error: {json}");
    }
}

/// A report of the holder through the page's multipart form; returns its id.
async fn reported(app: &TestApp, holder: &Browser, objective: i64, indicator: i64, value: &str) -> i64 {
    let page = format!("/objectives/{objective}/indicators");
    let form = reqwest::multipart::Form::new()
        .text("csrf_token", holder.csrf(&page).await)
        .text("period", "1")
        .text("value", value.to_owned())
        .text("comment", "Relevé");
    let r = holder
        .client
        .post(holder.url(&format!("/indicators/{indicator}/reports")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    app.with_db(|conn| {
        use achat_ouvert::db::schema::indicator_reports::dsl::*;
        indicator_reports.order(id.desc()).select(id).first::<i64>(conn).unwrap()
    })
    .await
}

both_backends! {
    async fn an_agent_takes_an_objective_from_its_results_to_its_archive_through_the_api(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées par l’API").await;
        let o = s.objective;
        let (agent, supplier, chair, admin) = (
            api_token(&s.agent).await,
            api_token(&s.suppliers[0]).await,
            api_token(&s.chair).await,
            api_token(&s.admin).await,
        );
        let others = [Some(supplier.as_str()), Some(chair.as_str()), Some(admin.as_str()), None];
        let a = Some(agent.as_str());
        let award = format!("/api/v1/objectives/{o}/award");
        let good = json!({"winners": [s.proposals[0]], "reasons": REASONS, "standstill_days": 11});

        // The award: refused for every other role and for bad input, nothing written.
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &award, &others, good.clone()).await;
        for (body, expected) in [
            (json!({"winners": [s.proposals[2]], "reasons": REASONS}), "not_shortlisted"),
            (json!({"winners": [], "reasons": REASONS}), "no_winner"),
            (json!({"winners": [s.proposals[0]], "reasons": "Trop court"}), "invalid_reasons"),
            (json!({"winners": [s.proposals[0]], "reasons": REASONS, "standstill_days": 400}), "invalid_standstill"),
        ] {
            let answer = post(&app, &award, a, body).await;
            assert_eq!((answer.0, code(&answer)), (422, expected), "{}", answer.1);
        }
        assert_eq!(written(&app).await, before, "nothing written");
        let (status, json) = post(&app, &award, a, good.clone()).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["awarded"], true);
        assert_eq!(json["winners"][0], "Entreprise 701");
        assert_eq!(json["standstill_days"], 11);
        let after = written(&app).await;
        assert_eq!(after[0], 1);
        assert!(after[1] >= 3, "a letter to every depositor: {after:?}");
        let again = post(&app, &award, a, good).await;
        assert_eq!((again.0, code(&again)), (409, "wrong_stage"));
        let none = post(&app, &format!("/api/v1/objectives/{o}/not-awarded"), a, json!({"reason": "Aucune proposition ne répond au besoin exprimé."})).await;
        assert_eq!((none.0, code(&none)), (409, "wrong_stage"), "already awarded");

        // A challenge suspends the signature until its outcome.
        let challenges = format!("/api/v1/objectives/{o}/challenges");
        let lodged = json!({"lodged_on": paris_in(&app, 0)[..10].to_owned(), "lodged_by": "Entreprise 702", "summary": "Contestation de la notation du critère climat."});
        refused_to(&app, reqwest::Method::POST, &challenges, &others, lodged.clone()).await;
        for (body, expected) in [
            (json!({"lodged_on": "hier", "lodged_by": "X", "summary": "Y"}), "invalid_field"),
            (json!({"lodged_on": "2026-01-01", "lodged_by": "X", "summary": " "}), "invalid_field"),
        ] {
            let answer = post(&app, &challenges, a, body).await;
            assert_eq!((answer.0, code(&answer)), (422, expected), "{}", answer.1);
        }
        let (status, json) = post(&app, &challenges, a, lodged).await;
        assert_eq!(status, 201, "{json}");
        let challenge = json["id"].as_i64().unwrap();
        let public: Value = app.get(&award.clone()).await.json().await.unwrap();
        assert_eq!(public["challenges"][0]["id"], challenge);
        assert_eq!(public["challenges"][0]["outcome"], Value::Null);
        app.clock.advance(chrono::Duration::days(12));
        assert_eq!(s.suppliers[0].sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        let day = paris_in(&app, 0)[..10].to_owned();
        let terms = json!({"object": "Chaleur renouvelable", "signed_on": day, "notified_on": day, "amount": "125000",
            "duration_months": "48", "cpv": "09323000", "place_kind": "region", "place_code": "84",
            "price_form": "firm", "price_basis": "lump_sum", "subcontracting": "no"});
        let contract = format!("/api/v1/objectives/{o}/contract");
        let pending = post(&app, &contract, a, terms.clone()).await;
        assert_eq!((pending.0, code(&pending)), (409, "challenge_pending"), "{}", pending.1);
        let outcome = format!("{challenges}/{challenge}/outcome");
        let settled = json!({"outcome": "rejected", "note": "Ordonnance de rejet du juge des référés."});
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::PUT, &outcome, &others, settled.clone()).await;
        let bad = call(&app, reqwest::Method::PUT, &outcome, a, json!({"outcome": "peut-être"})).await;
        assert_eq!((bad.0, code(&bad)), (422, "invalid_field"));
        assert_eq!(written(&app).await, before, "nothing written");
        assert_eq!(call(&app, reqwest::Method::PUT, &outcome, a, settled.clone()).await.0, 204);
        let twice = call(&app, reqwest::Method::PUT, &outcome, a, settled).await;
        assert_eq!((twice.0, code(&twice)), (409, "challenge_settled"));
        assert_eq!(post(&app, &contract, a, terms).await.0, 201);

        // A modification: only what changes, never a rewrite.
        let modifications = format!("{contract}/modifications");
        let change = json!({"notified_on": day, "reason": "Avenant n° 1 : deux lycées de plus.", "amount": "140000"});
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &modifications, &others, change.clone()).await;
        let empty = post(&app, &modifications, a, json!({})).await;
        assert_eq!((empty.0, code(&empty)), (422, "invalid_fields"), "{}", empty.1);
        let message = empty.1["error"]["message"].as_str().unwrap_or_default().to_owned();
        assert!(message.contains("notified_on") && message.contains("reason") && !message.contains("mod_"), "{message}");
        let same = post(&app, &modifications, a, json!({"notified_on": day, "reason": "Le même montant qu’avant.", "amount": "125000"})).await;
        assert_eq!((same.0, code(&same)), (422, "invalid_fields"), "{}", same.1);
        let history = post(&app, &modifications, a, json!({"notified_on": "2020-01-01", "reason": "Avant la signature.", "amount": "140000"})).await;
        assert_eq!((history.0, code(&history)), (422, "invalid_fields"), "{}", history.1);
        assert_eq!(written(&app).await, before, "nothing written");
        let (status, json) = post(&app, &modifications, a, change).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["modifications"].as_array().map(Vec::len), Some(1), "{json}");

        // Indicators, then a report validated and another sent back.
        let indicators = format!("/api/v1/objectives/{o}/indicators");
        let indicator = json!({"name": "Part de chaleur renouvelable", "unit": "%", "baseline": "12,5", "target_5": "40"});
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &indicators, &others, indicator.clone()).await;
        let bad = post(&app, &indicators, a, json!({"name": "Part", "unit": "%", "baseline": "beaucoup", "target_5": "40"})).await;
        assert_eq!((bad.0, code(&bad)), (422, "invalid_fields"), "{}", bad.1);
        assert!(bad.1["error"]["message"].as_str().unwrap_or_default().contains("baseline"), "{}", bad.1);
        assert_eq!(written(&app).await, before, "nothing written");
        let (status, json) = post(&app, &indicators, a, indicator).await;
        assert_eq!(status, 201, "{json}");
        let first = json["id"].as_i64().unwrap();
        let (status, json) = post(&app, &indicators, a, json!({"name": "Élèves formés", "unit": "élèves", "baseline": "0", "target_5": "500"})).await;
        assert_eq!(status, 201, "{json}");
        let second = json["id"].as_i64().unwrap();
        let r1 = reported(&app, &s.suppliers[0], o, first, "18,5").await;
        let r2 = reported(&app, &s.suppliers[0], o, second, "40").await;
        let validation = format!("/api/v1/indicator-reports/{r1}/validation");
        let send_back = format!("/api/v1/indicator-reports/{r2}/send-back");
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &validation, &others, json!({})).await;
        refused_to(&app, reqwest::Method::POST, &send_back, &others, json!({"reason": "Justificatif illisible, merci de le redéposer."})).await;
        let short = post(&app, &send_back, a, json!({"reason": "Non"})).await;
        assert_eq!((short.0, code(&short)), (422, "invalid_fields"), "{}", short.1);
        assert_eq!(written(&app).await, before, "nothing written");
        assert!(!app.browser().text(&format!("/objectives/{o}/follow-up")).await.contains("18,5"), "not public before validation");
        assert_eq!(post(&app, &validation, a, json!({})).await.0, 204);
        let twice = post(&app, &validation, a, json!({})).await;
        assert_eq!((twice.0, code(&twice)), (409, "already_decided"));
        assert_eq!(post(&app, &send_back, a, json!({"reason": "Justificatif illisible, merci de le redéposer."})).await.0, 204);
        let follow_up: Value = app.get(&indicators).await.json().await.unwrap();
        assert_eq!(follow_up["indicators"][0]["values"][0]["value"], 18.5, "{follow_up}");
        assert_eq!(follow_up["indicators"][1]["values"].as_array().map(Vec::len), Some(0), "sent back: not public");

        // A user of the purchase is invited.
        let users = format!("/api/v1/objectives/{o}/change-support/users");
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &users, &others, json!({"email": "usager@lycee.example"})).await;
        let bad = post(&app, &users, a, json!({"email": "pas une adresse"})).await;
        assert_eq!((bad.0, code(&bad)), (422, "invalid_fields"), "{}", bad.1);
        assert_eq!(written(&app).await, before, "nothing written");
        assert_eq!(post(&app, &users, a, json!({"email": "usager@lycee.example"})).await.0, 202);
        assert_eq!(written(&app).await[6], before[6] + 1);
        assert!(app.last_mail_to("usager@lycee.example").await.body_text.contains("/account/set-password"));

        // Their access is withdrawn: on the page by an agent, refused for the others; the API's
        // DELETE answers 404 for someone who is not (or no longer) a user of this purchase.
        let invited = crate::evaluation::user_id(&app, "usager@lycee.example").await;
        let page = format!("/objectives/{o}/change-support");
        let withdrawal = format!("{page}/users/{invited}/withdrawal");
        let api_user = format!("{users}/{invited}");
        let before = written(&app).await;
        assert_eq!(s.suppliers[0].submit(&page, &withdrawal, &[]).await.status(), 403, "the holder may not");
        refused_to(&app, reqwest::Method::DELETE, &api_user, &others, json!({})).await;
        let unknown = call(&app, reqwest::Method::DELETE, &format!("{users}/999999"), a, json!({})).await;
        assert_eq!(unknown.0, 404, "{}", unknown.1);
        assert_eq!(written(&app).await, before, "nothing written");
        assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert!(s.agent.text(&page).await.contains(&format!("action=\"{withdrawal}\"")));
        assert_eq!(s.agent.submit(&page, &withdrawal, &[]).await.status(), 303);
        assert_eq!(written(&app).await[6], before[6] - 1);
        let again = call(&app, reqwest::Method::DELETE, &api_user, a, json!({})).await;
        assert_eq!(again.0, 404, "{}", again.1);
        let withdrawn = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_log;
            audit_log::table.filter(audit_log::action.eq("support.user_withdrawn")).count().get_result::<i64>(conn).unwrap()
        }).await;
        assert_eq!(withdrawn, 1);

        // A planned action is changed, then cancelled on its confirmation page; a delivered one
        // can be neither.
        let holder_token = supplier.as_str();
        let plan = format!("/api/v1/objectives/{o}/change-support/actions");
        let action = json!({"kind": "training", "description": "Prise en main des chaufferies.", "audience": "Agents de maintenance", "planned_on": day, "planned_hours": "3"});
        let (status, json) = post(&app, &plan, a, action.clone()).await;
        assert_eq!(status, 201, "{json}");
        let planned = json["id"].as_i64().unwrap();
        let (status, json) = post(&app, &plan, a, action.clone()).await;
        assert_eq!(status, 201, "{json}");
        let delivered = json["id"].as_i64().unwrap();
        let (status, _) = post(&app, &format!("/api/v1/support-actions/{delivered}/delivery"), Some(holder_token), json!({"delivered_on": day, "participants": "4"})).await;
        assert_eq!(status, 204);
        let one = format!("/api/v1/support-actions/{planned}");
        let stored = |id: i64| {
            let app = &app;
            async move {
                app.with_db(move |conn| {
                    use achat_ouvert::db::schema::support_actions;
                    support_actions::table.find(id).select((support_actions::audience, support_actions::planned_hours)).first::<(String, f64)>(conn).optional().unwrap()
                }).await
            }
        };
        let changed = json!({"kind": "coaching", "description": "Suivi des réglages sur site.", "audience": "Gestionnaires", "planned_on": day, "planned_hours": "2,5"});
        refused_to(&app, reqwest::Method::PUT, &one, &others, changed.clone()).await;
        let bad = call(&app, reqwest::Method::PUT, &one, a, json!({"kind": "coaching", "description": "Suivi", "audience": "Gestionnaires", "planned_on": "2020-01-01", "planned_hours": "0"})).await;
        assert_eq!((bad.0, code(&bad)), (422, "invalid_fields"), "{}", bad.1);
        assert_eq!(s.suppliers[0].submit(&page, &format!("/support-actions/{planned}"), &[("kind", "coaching"), ("description", "x"), ("audience", "y"), ("planned_on", &day), ("planned_hours", "1")]).await.status(), 403);
        assert_eq!(stored(planned).await, Some(("Agents de maintenance".to_owned(), 3.0)), "nothing written");
        assert_eq!(call(&app, reqwest::Method::PUT, &one, a, changed.clone()).await.0, 204);
        assert_eq!(stored(planned).await, Some(("Gestionnaires".to_owned(), 2.5)));
        let late = call(&app, reqwest::Method::PUT, &format!("/api/v1/support-actions/{delivered}"), a, changed).await;
        assert_eq!((late.0, code(&late)), (409, "already_delivered"), "{}", late.1);
        let late = call(&app, reqwest::Method::DELETE, &format!("/api/v1/support-actions/{delivered}"), a, json!({})).await;
        assert_eq!((late.0, code(&late)), (409, "already_delivered"), "{}", late.1);
        refused_to(&app, reqwest::Method::DELETE, &one, &others, json!({})).await;
        assert_eq!(s.suppliers[0].submit(&page, &format!("/support-actions/{planned}/cancellation"), &[]).await.status(), 403);
        let agent_page = s.agent.text(&page).await;
        assert!(agent_page.contains(&format!("action=\"/support-actions/{planned}/cancellation/confirm\"")), "a form to cancel it");
        assert!(!agent_page.contains(&format!("action=\"/support-actions/{delivered}/cancellation/confirm\"")), "none once delivered");
        let confirm = s.agent.submit(&page, &format!("/support-actions/{planned}/cancellation/confirm"), &[]).await;
        assert_eq!(confirm.status(), 200);
        let confirm = confirm.text().await.unwrap();
        assert!(confirm.contains("Annuler une action du plan") && confirm.contains(&format!("action=\"/support-actions/{planned}/cancellation\"")), "{confirm}");
        assert_eq!(stored(planned).await.map(|s| s.0), Some("Gestionnaires".to_owned()), "the confirmation writes nothing");
        assert_eq!(s.agent.submit(&page, &format!("/support-actions/{planned}/cancellation"), &[]).await.status(), 303);
        assert_eq!(stored(planned).await, None, "cancelled");
        let logged = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_log;
            audit_log::table.filter(audit_log::action.like("support.action_%ed")).filter(audit_log::action.ne("support.action_planned")).filter(audit_log::action.ne("support.action_delivered")).order(audit_log::id.asc()).select(audit_log::action).load::<String>(conn).unwrap()
        }).await;
        assert_eq!(logged, ["support.action_edited", "support.action_cancelled"]);

        // Completed, then archived.
        let stage = format!("/api/v1/objectives/{o}/stage");
        refused_to(&app, reqwest::Method::POST, &stage, &others, json!({"to": "completed"})).await;
        let bad = post(&app, &stage, a, json!({"to": "fini"})).await;
        assert_eq!((bad.0, code(&bad)), (422, "invalid_stage"), "{}", bad.1);
        let early = post(&app, &stage, a, json!({"to": "archived"})).await;
        assert_eq!((early.0, code(&early)), (409, "wrong_stage"), "{}", early.1);
        assert_eq!(post(&app, &stage, a, json!({"to": "completed"})).await.0, 204);
        assert_eq!(post(&app, &stage, a, json!({"to": "archived"})).await.0, 204);
        let public: Value = app.get(&award).await.json().await.unwrap();
        assert_eq!(public["status"], "archived", "{public}");
        app.stop().await;
    }
}

both_backends! {
    async fn an_agent_declares_an_objective_not_awarded_through_the_api(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Mobilier des internats par l’API").await;
        let o = s.objective;
        let (agent, supplier, chair) = (api_token(&s.agent).await, api_token(&s.suppliers[0]).await, api_token(&s.chair).await);
        let others = [Some(supplier.as_str()), Some(chair.as_str()), None];
        let path = format!("/api/v1/objectives/{o}/not-awarded");
        let reason = json!({"reason": "Aucune proposition ne tient dans le budget voté par l’assemblée."});
        let before = written(&app).await;
        refused_to(&app, reqwest::Method::POST, &path, &others, reason.clone()).await;
        let short = post(&app, &path, Some(&agent), json!({"reason": "Trop cher."})).await;
        assert_eq!((short.0, code(&short)), (422, "invalid_reasons"), "{}", short.1);
        assert_eq!(written(&app).await, before, "nothing written");
        let (status, json) = post(&app, &path, Some(&agent), reason).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!((json["awarded"].as_bool(), json["status"].as_str()), (Some(false), Some("not_awarded")), "{json}");
        let stage = format!("/api/v1/objectives/{o}/stage");
        let wrong = post(&app, &stage, Some(&agent), json!({"to": "completed"})).await;
        assert_eq!((wrong.0, code(&wrong)), (409, "wrong_stage"), "{}", wrong.1);
        assert_eq!(post(&app, &stage, Some(&agent), json!({"to": "archived"})).await.0, 204);
        app.stop().await;
    }
}
