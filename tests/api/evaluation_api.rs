//! The evaluation API: the same rules as the pages, in JSON, with bearer tokens.

use achat_ouvert::domain::users::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{PASSWORD, api_token, criterion, published, spawn_app};
use crate::proposals::{COMPLETE, deposited, start};

async fn call(
    app: &crate::helpers::TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut r = client.request(method, app.url(path));
    if !token.is_empty() {
        r = r.bearer_auth(token);
    }
    if let Some(b) = body {
        r = r.json(&b);
    }
    let r = r.send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

const WHY: &str = "Une justification détaillée et suffisamment longue.";

both_backends! {
    async fn the_api_runs_a_whole_evaluation(backend) {
        use reqwest::Method;
        let app = spawn_app(backend).await;
        let agent_b = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent_b, "Évaluation par l’API").await;
        let (climate, support) = (criterion(&app, "env-climate").await, criterion(&app, "change-support").await);
        let s1 = app.supplier_owner("owner@alpha.example", 801).await;
        let p1 = start(&s1, objective, &COMPLETE).await;
        deposited(&s1, p1).await;
        let chair_b = app.staff("chair@region.example", &[Role::Committee]).await;
        let (agent, chair) = (api_token(&agent_b).await, api_token(&chair_b).await);
        let chair_id = app.with_db(|conn| achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("chair@region.example").unwrap()).unwrap().unwrap().id.0).await;

        let base = format!("/api/v1/objectives/{objective}");
        assert_eq!(call(&app, &agent, Method::PUT, &format!("{base}/evaluation-settings"), Some(json!({ "blind": false, "aggregation": "average" }))).await.0, 400);
        assert_eq!(call(&app, &agent, Method::PUT, &format!("{base}/evaluation-settings"), Some(json!({ "blind": false, "aggregation": "median" }))).await.0, 204);
        assert_eq!(call(&app, &chair, Method::POST, &format!("{base}/committee"), Some(json!({ "user_id": chair_id, "chair": true }))).await.0, 403);
        assert_eq!(call(&app, &agent, Method::POST, &format!("{base}/committee"), Some(json!({ "user_id": chair_id, "chair": true }))).await.0, 204);
        let (_, committee) = call(&app, &agent, Method::GET, &format!("{base}/committee"), None).await;
        assert_eq!((committee["members"][0]["chair"].as_bool(), committee["aggregation"].as_str()), (Some(true), Some("median")));

        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(agent_b.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert_eq!(call(&app, &agent, Method::POST, &format!("{base}/opening"), Some(json!({}))).await.0, 200);

        let (status, ws) = call(&app, &chair, Method::GET, &format!("{base}/evaluation"), None).await;
        assert_eq!(status, 200);
        assert_eq!(ws["proposals"], json!([]), "nothing before declaring");
        let org = ws["organisations"][0]["organisation_id"].as_i64().unwrap();
        let (status, body) = call(&app, &chair, Method::PUT, &format!("{base}/evaluation/declarations"), Some(json!({ "declarations": [{ "organisation_id": org, "conflict": true }] }))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_declarations")));
        assert_eq!(call(&app, &chair, Method::PUT, &format!("{base}/evaluation/declarations"), Some(json!({ "declarations": [{ "organisation_id": org, "conflict": false }] }))).await.0, 204);

        let proposal = format!("{base}/evaluation/proposals/{p1}");
        let (status, read) = call(&app, &chair, Method::GET, &proposal, None).await;
        assert_eq!(status, 200);
        assert_eq!(read["content"]["title"], "Chaufferies bois en circuit court");
        let bad = json!({ "submit": true, "scores": [{ "criterion_id": climate, "score": 9, "justification": WHY }, { "criterion_id": support, "score": 3, "justification": WHY }] });
        let (status, body) = call(&app, &chair, Method::PUT, &proposal, Some(bad)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (422, Some("invalid_scores")));
        let good = json!({ "submit": true, "scores": [{ "criterion_id": climate, "score": 4, "justification": WHY }, { "criterion_id": support, "score": 3, "justification": WHY }] });
        assert_eq!(call(&app, &chair, Method::PUT, &proposal, Some(good.clone())).await.0, 204);
        let (status, body) = call(&app, &chair, Method::PUT, &proposal, Some(good)).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("submitted")));

        // 60 × 4/5 + 40 × 3/5 = 72.
        let (_, ranking) = call(&app, &chair, Method::GET, &format!("{base}/evaluation/ranking"), None).await;
        assert!((ranking["rows"][0]["total"].as_f64().unwrap() - 72.0).abs() < 1e-9);
        assert_eq!(ranking["rows"][0]["shortlisted"], true);
        assert_eq!(call(&app, &agent, Method::GET, &format!("{base}/evaluation/ranking"), None).await.0, 403, "not decided yet");
        assert_eq!(call(&app, &agent, Method::POST, &format!("{base}/results"), Some(json!({}))).await.0, 409);
        let (status, body) = call(&app, &chair, Method::POST, &format!("{base}/evaluation/decision"), Some(json!("décidé"))).await;
        assert_eq!((status, body["error"]["code"].as_str()), (400, Some("invalid_json")), "a body that is not the documented object");
        assert_eq!(call(&app, &chair, Method::POST, &format!("{base}/evaluation/decision"), None).await.0, 204);
        let csv = reqwest::Client::new().get(app.url(&format!("{base}/evaluation/report.csv"))).bearer_auth(&chair).send().await.unwrap();
        assert_eq!(csv.status(), 200);
        assert!(csv.text().await.unwrap().contains("\"72.00\""));
        assert_eq!(call(&app, "", Method::GET, &format!("{base}/results"), None).await.0, 404, "not published yet");
        assert_eq!(call(&app, &agent, Method::POST, &format!("{base}/results"), Some(json!({ "per_criterion": true }))).await.0, 204);
        let (status, results) = call(&app, "", Method::GET, &format!("{base}/results"), None).await;
        assert_eq!(status, 200);
        assert_eq!(results["shortlisted"][0]["organisations"], "Entreprise 801");
        assert_eq!(results["shortlisted"][0]["values"], json!([4.0, 3.0]));

        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for (path, method) in [("/api/v1/objectives/{id}/evaluation/proposals/{proposal}", "put"), ("/api/v1/objectives/{id}/evaluation/ranking", "get"), ("/api/v1/objectives/{id}/results", "get"), ("/api/v1/objectives/{id}/committee", "post")] {
            assert!(doc["paths"][path][method].is_object(), "{path} missing from the OpenAPI document");
        }
        app.stop().await;
    }
}
