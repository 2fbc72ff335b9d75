//! The proposals API: the same rules as the pages, in JSON, with bearer tokens.

use achat_ouvert::domain::users::Role;
use serde_json::{Value, json};
use sha2::Digest;

use crate::both_backends;
use crate::helpers::{api_token, criterion, published, siret, spawn_app};
use crate::proposals::PDF;

struct Api {
    client: reqwest::Client,
    address: String,
    token: String,
}

impl Api {
    fn new(address: &str, token: String) -> Api {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Api { client, address: address.to_owned(), token }
    }
    async fn send(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self.client.request(method, format!("{}{path}", self.address)).bearer_auth(&self.token);
        if let Some(b) = body {
            request = request.json(&b);
        }
        let r = request.send().await.unwrap();
        let status = r.status().as_u16();
        let text = r.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }
    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(reqwest::Method::GET, path, None).await
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }
    async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }
    async fn upload(&self, path: &str, name: &str, bytes: &[u8]) -> (u16, Value) {
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
        let r = self
            .client
            .post(format!("{}{path}", self.address))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
}

both_backends! {
    async fn the_api_drafts_attaches_deposits_and_agents_open_after_the_deadline(backend) {
        let app = spawn_app(backend).await;
        let agent_browser = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent_browser, "Toitures solaires").await;
        let climate = criterion(&app, "env-climate").await;
        let supplier = Api::new(&app.address, api_token(&app.supplier_owner("owner@alpha.example", 601).await).await);
        let member = Api::new(&app.address, api_token(&app.supplier_owner("owner@beta.example", 602).await).await);
        let agent = Api::new(&app.address, api_token(&agent_browser).await);

        let (status, draft) = supplier.post(&format!("/api/v1/objectives/{objective}/proposals"), json!({ "title": "Par l’API" })).await;
        assert_eq!(status, 201, "{draft}");
        let id = draft["id"].as_i64().unwrap();
        assert_eq!((draft["version"].as_i64(), draft["standing"].as_str()), (Some(1), Some("draft")));
        let (status, again) = supplier.post(&format!("/api/v1/objectives/{objective}/proposals"), json!({})).await;
        assert_eq!((status, again["error"]["code"].as_str()), (409, Some("already_exists")));

        let (status, bad) = supplier.put(&format!("/api/v1/proposals/{id}"), json!({ "summary": "x".repeat(601), "version": 1 })).await;
        assert_eq!((status, bad["error"]["code"].as_str()), (422, Some("invalid_fields")));
        let full = json!({
            "title": "Toits solaires citoyens", "summary": "Des centrales sur les toits des lycées.",
            "solution": "Une **coopérative** locale.", "change_support": "Ateliers avec les élèves.",
            "statements": [{ "criterion_id": climate, "statement": "Bilan carbone certifié." }],
            "cost_euros": 90000, "duration_months": 12, "version": 1,
        });
        let (status, saved) = supplier.put(&format!("/api/v1/proposals/{id}"), full.clone()).await;
        assert_eq!(status, 200, "{saved}");
        assert_eq!(saved["version"], 2);
        assert_eq!(saved["statements"][0]["statement"], "Bilan carbone certifié.");
        let (status, stale) = supplier.put(&format!("/api/v1/proposals/{id}"), full).await;
        assert_eq!((status, stale["error"]["code"].as_str()), (409, Some("version_conflict")));

        let (status, with_file) = supplier.upload(&format!("/api/v1/proposals/{id}/attachments"), "étude.pdf", PDF).await;
        assert_eq!(status, 201);
        assert_eq!(with_file["attachments"][0]["sha256"], hex::encode(sha2::Sha256::digest(PDF)));
        let (status, refused) = supplier.upload(&format!("/api/v1/proposals/{id}/attachments"), "étude.pdf", b"<html>").await;
        assert_eq!((status, refused["error"]["code"].as_str()), (415, Some("unsupported_type")));

        let (status, _) = supplier.post(&format!("/api/v1/proposals/{id}/consortium"), json!({ "identifier_type": "siret", "identifier": siret(602), "role": "Pose", "consortium_type": "conjoint" })).await;
        assert_eq!(status, 201);
        let (status, blocked) = supplier.post(&format!("/api/v1/proposals/{id}/deposits"), json!({})).await;
        assert_eq!((status, blocked["error"]["code"].as_str()), (409, Some("unconfirmed_members")));
        assert_eq!(member.put(&format!("/api/v1/proposals/{id}/consortium/membership"), json!({ "confirm": true })).await.0, 400, "the terms read are required");
        // Until its organisation confirms, the invitee sees the invitation, not the proposal.
        assert_eq!(member.get(&format!("/api/v1/proposals/{id}")).await.0, 403);
        let listed = member.get("/api/v1/proposals").await.1;
        let invitation = listed.as_array().unwrap().iter().find(|p| p["id"] == id).unwrap().clone();
        assert_eq!((invitation["title"].as_str(), invitation["confirmed"].as_bool()), (Some(""), Some(false)));
        let terms = invitation["terms_version"].clone();
        assert_eq!(member.put(&format!("/api/v1/proposals/{id}/consortium/membership"), json!({ "confirm": true, "terms_version": terms })).await.0, 204);
        assert_eq!(member.put(&format!("/api/v1/proposals/{id}"), json!({ "version": 2 })).await.0, 403, "members do not write");

        let (status, receipt) = supplier.post(&format!("/api/v1/proposals/{id}/deposits"), json!({})).await;
        assert_eq!(status, 201, "{receipt}");
        assert_eq!(receipt["kind"], "deposit");
        assert_eq!(receipt["consortium"]["members"][0]["identifier"], siret(602));
        let deposit_id = supplier.get(&format!("/api/v1/proposals/{id}")).await.1["deposits"][0]["id"].as_i64().unwrap();
        let (status, same) = member.get(&format!("/api/v1/receipts/{deposit_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(same["deposit_hash"], receipt["deposit_hash"]);
        let (_, mine) = supplier.get("/api/v1/proposals").await;
        assert_eq!((mine[0]["standing"].as_str(), mine[0]["relation"].as_str()), (Some("deposited"), Some("lead")));
        let (_, theirs) = member.get("/api/v1/proposals").await;
        assert_eq!((theirs[0]["relation"].as_str(), theirs[0]["confirmed"].as_bool()), (Some("member"), Some(true)));

        // Sealed: agents get a number; suppliers get no count.
        assert_eq!(agent.get(&format!("/api/v1/proposals/{id}")).await.0, 404);
        assert_eq!(agent.get(&format!("/api/v1/receipts/{deposit_id}")).await.0, 404);
        let (_, received) = agent.get(&format!("/api/v1/objectives/{objective}/proposals")).await;
        assert_eq!(received, json!({ "deposited": 1, "closed": false, "proposals": [] }));
        assert_eq!(agent.post(&format!("/api/v1/objectives/{objective}/opening"), json!({})).await.0, 409);
        assert_eq!(supplier.get(&format!("/api/v1/objectives/{objective}/proposals")).await.0, 403);

        // Withdraw, nothing to reconfirm, deposit again.
        let (status, withdrawal) = supplier.post(&format!("/api/v1/proposals/{id}/withdrawal"), json!({})).await;
        assert_eq!((status, withdrawal["kind"].as_str()), (201, Some("withdrawal")));
        let (status, nothing) = supplier.post(&format!("/api/v1/proposals/{id}/reconfirmation"), json!({})).await;
        assert_eq!((status, nothing["error"]["code"].as_str()), (409, Some("nothing_deposited")));
        assert_eq!(supplier.post(&format!("/api/v1/proposals/{id}/deposits"), json!({})).await.0, 201);

        // After the deadline: the agent opens and reads.
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(supplier.post(&format!("/api/v1/proposals/{id}/deposits"), json!({})).await.0, 409, "too late");
        let (status, opened) = agent.post(&format!("/api/v1/objectives/{objective}/opening"), json!({})).await;
        assert_eq!((status, opened["opened"].as_i64()), (200, Some(1)));
        let (_, received) = agent.get(&format!("/api/v1/objectives/{objective}/proposals")).await;
        assert_eq!(received["proposals"][0]["outcome"], "opened");
        assert_eq!(received["proposals"][0]["organisation"], "Entreprise 601");
        let (status, content) = agent.get(&format!("/api/v1/objectives/{objective}/proposals/{id}")).await;
        assert_eq!(status, 200);
        assert_eq!(content["content"]["title"], "Toits solaires citoyens");
        assert_eq!(supplier.get(&format!("/api/v1/objectives/{objective}/proposals/{id}")).await.0, 403);

        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for (path, method) in [("/api/v1/proposals/{id}/deposits", "post"), ("/api/v1/proposals/{id}/attachments", "post"), ("/api/v1/receipts/verify", "get"), ("/api/v1/objectives/{id}/opening", "post")] {
            assert!(doc["paths"][path][method].is_object(), "{path} missing from the OpenAPI document");
        }
        app.stop().await;
    }
}
