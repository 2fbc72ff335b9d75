//! API parity (issue 18, item 6): the agents' and administrators' page actions through
//! `/api/v1` with a token — objectives, documents, answers, practices' review, the criteria and
//! credentials catalogues, moderation, consultation and meetings. Each group: the grant for the
//! right role, the refusals (supplier, committee member, anonymous, an agent where an
//! administrator is required), bad input refused with nothing written.

use achat_ouvert::domain::users::Role;
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::both_backends;
use crate::helpers::{TestApp, api_token, criterion, paris_in, spawn_app, spawn_app_with};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// The tokens of each role: agent, administrator, supplier (an organisation's owner), committee
/// member.
struct Tokens {
    agent: String,
    admin: String,
    supplier: String,
    committee: String,
}

async fn tokens(app: &TestApp) -> Tokens {
    let agent = app.staff("agent@region.example", &[Role::Agent]).await;
    let admin = app.admin("admin@region.example").await;
    let committee = app.staff("jury@region.example", &[Role::Committee]).await;
    let supplier = app.supplier_owner("owner@alpha.example", 901).await;
    Tokens {
        agent: api_token(&agent).await,
        admin: api_token(&admin).await,
        supplier: api_token(&supplier).await,
        committee: api_token(&committee).await,
    }
}

/// A JSON call: the status and the body (`null` when empty).
async fn call(app: &TestApp, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> (u16, Value) {
    let url = app.url(path);
    let mut req = match method {
        "POST" => app.client.post(url),
        "PUT" => app.client.put(url),
        "DELETE" => app.client.delete(url),
        _ => app.client.get(url),
    };
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let r = req.send().await.unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// The refusals every agent's (or administrator's) operation gives: 403 to the roles named, 401
/// to an anonymous caller.
async fn refused(app: &TestApp, method: &str, path: &str, body: Value, who: &[&str]) {
    for token in who {
        let (status, json) = call(app, method, path, Some(token), Some(body.clone())).await;
        assert_eq!(status, 403, "{method} {path}: {json}");
        assert_eq!(json["error"]["code"], "forbidden");
    }
    let (status, json) = call(app, method, path, None, Some(body)).await;
    assert_eq!(status, 401, "{method} {path} anonymous: {json}");
}

async fn count(app: &TestApp, table: &'static str) -> i64 {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::*;
        match table {
            "objectives" => objectives::table.count().get_result(conn).unwrap(),
            "documents" => objective_documents::table.count().get_result(conn).unwrap(),
            "questions" => questions::table.count().get_result(conn).unwrap(),
            "criteria" => criteria::table.count().get_result(conn).unwrap(),
            "credentials" => credentials::table.count().get_result(conn).unwrap(),
            "meetings" => consultation_meetings::table.count().get_result(conn).unwrap(),
            "consultations" => consultations::table.count().get_result(conn).unwrap(),
            "amendments" => amendments::table.count().get_result(conn).unwrap(),
            _ => unreachable!(),
        }
    })
    .await
}

/// A complete objective as the API takes it.
async fn complete(app: &TestApp, title: &str, days: i64) -> Value {
    let climate = criterion(app, "env-climate").await;
    let support = criterion(app, "change-support").await;
    json!({
        "title": title,
        "need": "Réduire de moitié l’énergie des lycées.",
        "political_objective": "Neutralité carbone des bâtiments régionaux en 2050.",
        "deliberation_ref": "CP-2026-03-114",
        "deliberation_date": "2026-03-14",
        "themes": ["energie", "batiment"],
        "horizon": "20",
        "budget_euros": 1_500_000,
        "place": "Lycées de la Région",
        "contact": "achats@region.example",
        "deadline": paris_in(app, days),
        "shortlist_rule": "top",
        "shortlist_value": 3,
        "criteria": [
            {"criterion_id": climate, "weight": 60, "eliminatory": true, "min_score": 2},
            {"criterion_id": support, "weight": 40}
        ],
        "milestones": [{"due_on": "2030-01-01", "label": "Premier bilan énergétique"}]
    })
}

async fn upload(app: &TestApp, token: &str, id: i64, reason: Option<&str>) -> (u16, Value) {
    let mut form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("Cahier.pdf"));
    if let Some(r) = reason {
        form = form.text("reason", r.to_owned());
    }
    let r = app
        .client
        .post(app.url(&format!("/api/v1/objectives/{id}/documents")))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

both_backends! {
    async fn agents_draft_publish_amend_cancel_and_delete_objectives_through_the_api(backend) {
        let app = spawn_app(backend).await;
        let t = tokens(&app).await;
        let not_agents = [t.supplier.as_str(), t.committee.as_str(), t.admin.as_str()];

        // A draft needs its title; bad values are refused field by field, nothing written.
        refused(&app, "POST", "/api/v1/objectives", json!({"title": "Essai"}), &not_agents).await;
        let before = count(&app, "objectives").await;
        let (status, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(json!({"title": " "}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("title_required")), "{json}");
        let bad = json!({"title": "Essai", "deadline": "demain", "budget_euros": -5, "criteria": [{"criterion_id": 999_999, "weight": 50}]});
        let (status, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(bad)).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_fields")), "{json}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains("deadline:") && message.contains("budget_euros:") && message.contains("criteria:"), "{message}");
        assert_eq!(count(&app, "objectives").await, before, "nothing written");

        let (status, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(json!({"title": "Rénovation par l’API"}))).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["status"], "draft");
        assert!(json["reference"].as_str().unwrap().starts_with("AO-"));
        let id = json["id"].as_i64().unwrap();
        let path = format!("/api/v1/objectives/{id}");

        // Incomplete: publication refused, saying so.
        let publication = format!("{path}/publication");
        let (status, json) = call(&app, "POST", &publication, Some(&t.agent), None).await;
        assert_eq!((status, json["error"]["code"].as_str()), (409, Some("incomplete")), "{json}");

        // The whole content, then the publication.
        let content = complete(&app, "Rénovation par l’API", 30).await;
        refused(&app, "PUT", &path, content.clone(), &not_agents).await;
        let (status, json) = call(&app, "PUT", &path, Some(&t.agent), Some(content.clone())).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["criteria"].as_array().unwrap().len(), 2);
        assert_eq!(json["themes"], json!(["energie", "batiment"]));
        refused(&app, "POST", &publication, json!({}), &not_agents).await;
        let (status, json) = call(&app, "POST", &publication, Some(&t.agent), None).await;
        assert_eq!((status, json["status"].as_str()), (200, Some("published")), "{json}");
        let (status, _) = call(&app, "POST", &publication, Some(&t.agent), None).await;
        assert_eq!(status, 409, "published already");
        assert_eq!(app.get(&path).await.status(), 200, "in the open data now");

        // An amendment needs its reason; the deadline only moves later.
        let mut later = complete(&app, "Rénovation par l’API", 40).await;
        let amendments = count(&app, "amendments").await;
        let (status, json) = call(&app, "PUT", &path, Some(&t.agent), Some(later.clone())).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("reason_required")), "{json}");
        let mut earlier = complete(&app, "Rénovation par l’API", 20).await;
        earlier["reason"] = json!("Avancer la date");
        let (status, json) = call(&app, "PUT", &path, Some(&t.agent), Some(earlier)).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("deadline_brought_forward")), "{json}");
        assert_eq!(count(&app, "amendments").await, amendments, "nothing recorded");
        later["reason"] = json!("Dix jours de plus pour les groupements");
        let (status, json) = call(&app, "PUT", &path, Some(&t.agent), Some(later)).await;
        assert_eq!(status, 200, "{json}");
        assert!(json["changes"].as_array().unwrap().iter().any(|c| c["field"].as_str().unwrap().contains("deadline")), "{json}");
        assert_eq!(count(&app, "amendments").await, amendments + 1);

        // Cancellation: the API acts without the confirmation page, with its public reason.
        let cancellation = format!("{path}/cancellation");
        refused(&app, "POST", &cancellation, json!({"reason": "Besoin couvert autrement"}), &not_agents).await;
        let (status, json) = call(&app, "POST", &cancellation, Some(&t.agent), Some(json!({"reason": "  "}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("reason_required")), "{json}");
        let (status, json) = call(&app, "POST", &cancellation, Some(&t.agent), Some(json!({"reason": "Besoin couvert autrement"}))).await;
        assert_eq!((status, json["status"].as_str()), (200, Some("cancelled")), "{json}");
        let (status, _) = call(&app, "POST", &cancellation, Some(&t.agent), Some(json!({"reason": "Encore"}))).await;
        assert_eq!(status, 409);
        let (status, _) = call(&app, "PUT", &path, Some(&t.agent), Some(content)).await;
        assert_eq!(status, 409, "a cancelled objective takes no changes");

        // Deletion: a draft only.
        let (status, _) = call(&app, "DELETE", &path, Some(&t.agent), None).await;
        assert_eq!(status, 409, "never a published objective");
        let (_, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(json!({"title": "Brouillon à jeter"}))).await;
        let draft = format!("/api/v1/objectives/{}", json["id"]);
        for token in not_agents {
            assert_eq!(call(&app, "DELETE", &draft, Some(token), None).await.0, 403);
        }
        assert_eq!(call(&app, "DELETE", &draft, None, None).await.0, 401);
        let before = count(&app, "objectives").await;
        assert_eq!(call(&app, "DELETE", &draft, Some(&t.agent), None).await.0, 204);
        assert_eq!(count(&app, "objectives").await, before - 1);
        assert_eq!(call(&app, "DELETE", &draft, Some(&t.agent), None).await.0, 404);

        // Everything is in the OpenAPI document.
        let doc: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for (p, m) in [("/api/v1/objectives", "post"), ("/api/v1/objectives/{id}", "put"), ("/api/v1/objectives/{id}", "delete"),
                       ("/api/v1/objectives/{id}/publication", "post"), ("/api/v1/objectives/{id}/cancellation", "post")] {
            assert!(doc["paths"][p][m]["security"].is_array(), "{m} {p}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn agents_add_and_remove_documents_and_answer_questions_through_the_api(backend) {
        let app = spawn_app_with(backend, &[("MAX_FILE_SIZE", "4096"), ("MAX_TOTAL_SIZE", "8192")]).await;
        let t = tokens(&app).await;
        let not_agents = [t.supplier.as_str(), t.committee.as_str(), t.admin.as_str()];
        let (_, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(json!({"title": "Objectif documenté"}))).await;
        let id = json["id"].as_i64().unwrap();

        // Documents of a draft: added (multipart), listed, removed.
        for token in not_agents {
            assert_eq!(upload(&app, token, id, None).await.0, 403);
        }
        let (status, json) = upload(&app, &t.agent, id, None).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json[0]["name"], "Cahier.pdf");
        assert_eq!(json[0]["content_type"], "application/pdf");
        let doc = json[0]["id"].as_i64().unwrap();
        // A refused file: nothing kept.
        let before = count(&app, "documents").await;
        let exe = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(b"MZ\x90\x00\x03\x00\x00\x00".to_vec()).file_name("offre.pdf"));
        let r = app.client.post(app.url(&format!("/api/v1/objectives/{id}/documents"))).bearer_auth(&t.agent).multipart(exe).send().await.unwrap();
        assert_eq!(r.status(), 415);
        let body: Value = r.json().await.unwrap();
        assert!(body["error"]["code"].is_string(), "{body}");
        assert_eq!(count(&app, "documents").await, before);
        let doc_path = format!("/api/v1/objectives/{id}/documents/{doc}");
        for token in not_agents {
            assert_eq!(call(&app, "DELETE", &doc_path, Some(token), None).await.0, 403);
        }
        assert_eq!(call(&app, "DELETE", &doc_path, None, None).await.0, 401);
        assert_eq!(call(&app, "DELETE", &doc_path, Some(&t.agent), None).await.0, 204);
        assert_eq!(count(&app, "documents").await, before - 1);
        assert_eq!(call(&app, "DELETE", &doc_path, Some(&t.agent), None).await.0, 404);

        // Published: a document is an amendment, with its reason.
        let content = complete(&app, "Objectif documenté", 30).await;
        assert_eq!(call(&app, "PUT", &format!("/api/v1/objectives/{id}"), Some(&t.agent), Some(content)).await.0, 200);
        assert_eq!(call(&app, "POST", &format!("/api/v1/objectives/{id}/publication"), Some(&t.agent), None).await.0, 200);
        let before = count(&app, "documents").await;
        let (status, json) = upload(&app, &t.agent, id, None).await;
        assert_eq!((status, json["error"]["code"].as_str()), (409, Some("reason_required")), "{json}");
        assert_eq!(count(&app, "documents").await, before, "nothing kept");
        let (status, json) = upload(&app, &t.agent, id, Some("Ajout du cahier")).await;
        assert_eq!(status, 201, "{json}");
        let doc = json[0]["id"].as_i64().unwrap();
        let (status, _) = call(&app, "DELETE", &format!("/api/v1/objectives/{id}/documents/{doc}"), Some(&t.agent), None).await;
        assert_eq!(status, 409, "a published objective's documents stay");

        // A supplier's question, answered by an agent.
        let supplier = app.browser();
        assert_eq!(supplier.sign_in("owner@alpha.example", crate::helpers::PASSWORD).await.status(), 303);
        let page = format!("/objectives/{id}");
        let asked = supplier.submit(&page, &format!("/objectives/{id}/questions"), &[("question", "Un groupement conjoint peut-il répondre ?")]).await;
        assert_eq!(asked.status(), 303);
        let qid = app.with_db(move |conn| achat_ouvert::domain::questions::pending(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap()[0].id.0).await;
        let answer = format!("/api/v1/objectives/{id}/questions/{qid}/answer");
        let good = json!({"answer": "Oui, avec un mandataire solidaire."});
        refused(&app, "PUT", &answer, good.clone(), &not_agents).await;
        let (status, json) = call(&app, "PUT", &answer, Some(&t.agent), Some(json!({"answer": "Oui"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (409, Some("invalid_length")), "{json}");
        let (status, json) = call(&app, "PUT", &answer, Some(&t.agent), Some(good.clone())).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["answer"], "Oui, avec un mandataire solidaire.");
        assert_eq!(call(&app, "PUT", &answer, Some(&t.agent), Some(good)).await.0, 404, "answered already");
        let (status, _) = call(&app, "PUT", &format!("/api/v1/objectives/{id}/questions/999999/answer"), Some(&t.agent), Some(json!({"answer": "Réponse assez longue"}))).await;
        assert_eq!(status, 404);

        // A question received elsewhere, published with its answer.
        let answers = format!("/api/v1/objectives/{id}/answers");
        let own = json!({"question": "Quelle est la surface des lycées ?", "answer": "Environ 120 000 m² en tout."});
        refused(&app, "POST", &answers, own.clone(), &not_agents).await;
        let before = count(&app, "questions").await;
        let (status, json) = call(&app, "POST", &answers, Some(&t.agent), Some(json!({"question": "Court", "answer": "Réponse assez longue"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (409, Some("invalid_length")), "{json}");
        assert_eq!(count(&app, "questions").await, before);
        let (status, json) = call(&app, "POST", &answers, Some(&t.agent), Some(own)).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["question"], "Quelle est la surface des lycées ?");
        let public: Value = app.get(&format!("/api/v1/objectives/{id}")).await.json().await.unwrap();
        assert!(public.to_string().contains("Environ 120 000 m²"), "public: {public}");
        app.stop().await;
    }
}

both_backends! {
    async fn agents_review_practices_and_administrators_keep_catalogues_and_moderate_through_the_api(backend) {
        let app = spawn_app(backend).await;
        let t = tokens(&app).await;
        let not_agents = [t.supplier.as_str(), t.committee.as_str(), t.admin.as_str()];
        let not_admins = [t.supplier.as_str(), t.committee.as_str(), t.agent.as_str()];

        // A submitted practice, published through the API, then featured.
        let supplier = app.browser();
        assert_eq!(supplier.sign_in("owner@alpha.example", crate::helpers::PASSWORD).await.status(), 303);
        let token = supplier.csrf("/practices/new").await;
        let form = reqwest::multipart::Form::new()
            .text("csrf_token", token)
            .text("title", "Ateliers vélo solidaires")
            .text("body", crate::practices::BODY)
            .text("themes", "mobilite");
        let r = supplier.client.post(supplier.url("/practices")).multipart(form).send().await.unwrap();
        assert_eq!(r.status(), 303);
        let pid: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/practices/").split('?').next().unwrap().parse().unwrap();
        let review = format!("/api/v1/practices/{pid}/review");
        refused(&app, "PUT", &review, json!({"decision": "publish"}), &not_agents).await;
        let (status, json) = call(&app, "PUT", &review, Some(&t.agent), Some(json!({"decision": "maybe"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_decision")), "{json}");
        let (status, json) = call(&app, "PUT", &review, Some(&t.agent), Some(json!({"decision": "refuse", "reason": "Non"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_reason")), "{json}");
        assert_eq!(app.get(&format!("/api/v1/practices/{pid}")).await.status(), 404, "still not published");
        assert_eq!(call(&app, "PUT", &review, Some(&t.agent), Some(json!({"decision": "publish"}))).await.0, 204);
        assert_eq!(app.get(&format!("/api/v1/practices/{pid}")).await.status(), 200);
        assert_eq!(call(&app, "PUT", &review, Some(&t.agent), Some(json!({"decision": "publish"}))).await.0, 409);
        let featured = format!("/api/v1/practices/{pid}/featured");
        refused(&app, "PUT", &featured, json!({"featured": true}), &not_agents).await;
        assert_eq!(call(&app, "PUT", &featured, Some(&t.agent), Some(json!({"featured": true}))).await.0, 204);
        assert_eq!(call(&app, "PUT", "/api/v1/practices/999999/featured", Some(&t.agent), Some(json!({"featured": true}))).await.0, 404);

        // The criteria catalogue.
        let levels: Vec<String> = (0..6).map(|i| format!("Niveau {i}")).collect();
        let levels_en: Vec<String> = (0..6).map(|i| format!("Level {i}")).collect();
        let new = json!({"code": "eau-pluie", "category": "environmental", "goal": "environmental.water",
            "name_fr": "Récupération de l’eau de pluie", "name_en": "Rainwater harvesting",
            "description_fr": "Part de l’eau de pluie utilisée.", "description_en": "Share of rainwater used.",
            "levels_fr": levels, "levels_en": levels_en});
        refused(&app, "POST", "/api/v1/admin/criteria", new.clone(), &not_admins).await;
        let before = count(&app, "criteria").await;
        let mut bad = new.clone();
        bad["code"] = json!("X");
        bad["levels_fr"] = json!(["un"]);
        let (status, json) = call(&app, "POST", "/api/v1/admin/criteria", Some(&t.admin), Some(bad)).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_fields")), "{json}");
        let mut bad = new.clone();
        bad["code"] = json!("X");
        bad["category"] = json!("nothing");
        let (status, json) = call(&app, "POST", "/api/v1/admin/criteria", Some(&t.admin), Some(bad)).await;
        assert_eq!(status, 422, "{json}");
        let message = json["error"]["message"].as_str().unwrap();
        assert!(message.contains("code:") && message.contains("category:"), "{message}");
        assert_eq!(count(&app, "criteria").await, before, "nothing written");
        let (status, json) = call(&app, "POST", "/api/v1/admin/criteria", Some(&t.admin), Some(new.clone())).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["levels_fr"].as_array().unwrap().len(), 6);
        let cid = json["id"].as_i64().unwrap();
        let (status, json) = call(&app, "POST", "/api/v1/admin/criteria", Some(&t.admin), Some(new.clone())).await;
        assert_eq!((status, json["error"]["code"].as_str()), (409, Some("code_taken")), "{json}");
        assert_eq!(count(&app, "criteria").await, before + 1);
        let one = format!("/api/v1/admin/criteria/{cid}");
        let mut edited = new.clone();
        edited["name_en"] = json!("Rainwater reuse");
        refused(&app, "PUT", &one, edited.clone(), &not_admins).await;
        let (status, json) = call(&app, "PUT", &one, Some(&t.admin), Some(edited)).await;
        assert_eq!((status, json["name_en"].as_str()), (200, Some("Rainwater reuse")), "{json}");
        assert_eq!(call(&app, "PUT", "/api/v1/admin/criteria/999999", Some(&t.admin), Some(new.clone())).await.0, 404);
        // A criterion a published objective uses is retired, not deleted, and restored.
        let climate = criterion(&app, "env-climate").await;
        let content = complete(&app, "Objectif publié", 30).await;
        let (_, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(content)).await;
        assert_eq!(call(&app, "POST", &format!("/api/v1/objectives/{}/publication", json["id"]), Some(&t.agent), None).await.0, 200);
        let used = format!("/api/v1/admin/criteria/{climate}");
        for token in not_admins {
            assert_eq!(call(&app, "DELETE", &used, Some(token), None).await.0, 403);
        }
        let (status, json) = call(&app, "DELETE", &used, Some(&t.admin), None).await;
        assert_eq!((status, json["outcome"].as_str()), (200, Some("retired")), "{json}");
        let restoration = format!("{used}/restoration");
        refused(&app, "POST", &restoration, json!({}), &not_admins).await;
        let (status, json) = call(&app, "POST", &restoration, Some(&t.admin), None).await;
        assert_eq!((status, json["retired"].as_bool()), (200, Some(false)), "{json}");
        let (status, json) = call(&app, "DELETE", &one, Some(&t.admin), None).await;
        assert_eq!((status, json["outcome"].as_str()), (200, Some("deleted")), "{json}");
        assert_eq!(call(&app, "DELETE", &one, Some(&t.admin), None).await.0, 404);

        // The credentials catalogue.
        let credential = json!({"code": "label-parite-api", "name_fr": "Label de test", "name_en": "Test label",
            "description_fr": "Management environnemental", "description_en": "Environmental management"});
        refused(&app, "POST", "/api/v1/admin/credentials", credential.clone(), &not_admins).await;
        let before = count(&app, "credentials").await;
        let (status, json) = call(&app, "POST", "/api/v1/admin/credentials", Some(&t.admin), Some(json!({"code": "!", "name_fr": ""}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_fields")), "{json}");
        let (status, json) = call(&app, "POST", "/api/v1/admin/credentials", Some(&t.admin), Some(credential.clone())).await;
        assert_eq!(status, 201, "{json}");
        let credential_id = json["id"].as_i64().unwrap();
        let (status, json) = call(&app, "POST", "/api/v1/admin/credentials", Some(&t.admin), Some(credential)).await;
        assert_eq!(status, 422, "code taken: {json}");
        assert_eq!(count(&app, "credentials").await, before + 1);
        let retirement = format!("/api/v1/admin/credentials/{credential_id}/retirement");
        refused(&app, "POST", &retirement, json!({}), &not_admins).await;
        assert_eq!(call(&app, "POST", &retirement, Some(&t.admin), None).await.0, 204);
        let catalogue: Value = app.get("/api/v1/credentials").await.json().await.unwrap();
        assert!(!catalogue.to_string().contains("label-parite-api"), "retired: {catalogue}");
        let restoration = format!("/api/v1/admin/credentials/{credential_id}/restoration");
        refused(&app, "POST", &restoration, json!({}), &not_admins).await;
        assert_eq!(call(&app, "POST", &restoration, Some(&t.admin), None).await.0, 204);
        assert_eq!(call(&app, "POST", "/api/v1/admin/credentials/999999/restoration", Some(&t.admin), None).await.0, 404);

        // Moderation: a reported message, the sender suspended, then restored.
        let target = app.supplier_owner("owner@target.example", 902).await;
        assert_eq!(target.submit("/organisation/profile", "/organisation/profile/listing", &[("listed", "true")]).await.status(), 303);
        let (s, tg) = (crate::evaluation::organisation_of(&app, "owner@alpha.example").await, crate::evaluation::organisation_of(&app, "owner@target.example").await);
        assert_eq!(supplier.submit("/account", &format!("/messages/{tg}"), &[("body", "Achetez nos montres, prix imbattables !!!")]).await.status(), 303);
        let thread = target.text(&format!("/messages/{s}")).await;
        let m: i64 = thread.split("/messages/report/").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert_eq!(target.submit("/messages", &format!("/messages/report/{m}"), &[("reason", "Publicité sans rapport avec les achats publics")]).await.status(), 303);
        let rid: i64 = app.with_db(|conn| achat_ouvert::db::schema::message_reports::table.select(achat_ouvert::db::schema::message_reports::id).first::<achat_ouvert::db::ids::ReportId>(conn).unwrap().0).await;
        let report = format!("/api/v1/admin/reports/{rid}");
        refused(&app, "PUT", &report, json!({"resolution": "suspend"}), &not_admins).await;
        let (status, json) = call(&app, "PUT", &report, Some(&t.admin), Some(json!({"resolution": "ban"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid_resolution")), "{json}");
        assert_eq!(call(&app, "PUT", &report, Some(&t.admin), Some(json!({"resolution": "suspend"}))).await.0, 204);
        assert_eq!(call(&app, "PUT", &report, Some(&t.admin), Some(json!({"resolution": "dismiss"}))).await.0, 404, "resolved already");
        assert_eq!(supplier.submit("/account", &format!("/messages/{tg}"), &[("body", "Dernière offre !")]).await.status(), 409, "suspended");
        let suspension = format!("/api/v1/admin/suspensions/{s}");
        for token in not_admins {
            assert_eq!(call(&app, "DELETE", &suspension, Some(token), None).await.0, 403);
        }
        assert_eq!(call(&app, "DELETE", &suspension, None, None).await.0, 401);
        assert_eq!(call(&app, "DELETE", &suspension, Some(&t.admin), None).await.0, 204);
        assert_eq!(call(&app, "DELETE", &suspension, Some(&t.admin), None).await.0, 404);
        assert_eq!(supplier.submit("/account", &format!("/messages/{tg}"), &[("body", "Toutes nos excuses.")]).await.status(), 303);
        app.stop().await;
    }
}

both_backends! {
    async fn agents_open_a_consultation_schedule_meetings_and_publish_minutes_through_the_api(backend) {
        let app = spawn_app(backend).await;
        let t = tokens(&app).await;
        let not_agents = [t.supplier.as_str(), t.committee.as_str(), t.admin.as_str()];
        let (_, json) = call(&app, "POST", "/api/v1/objectives", Some(&t.agent), Some(json!({"title": "Besoin à consulter"}))).await;
        let objective = json["id"].as_i64().unwrap();
        let create = format!("/api/v1/objectives/{objective}/consultation");
        let input = json!({"need": "Rénover les lycées sans les fermer.", "questions": ["Quels délais ?", "Quelles contraintes de site ?"], "closes_at": paris_in(&app, 10)});
        refused(&app, "POST", &create, input.clone(), &not_agents).await;
        let (status, json) = call(&app, "POST", &create, Some(&t.agent), Some(json!({"need": "Le besoin", "questions": [], "closes_at": "2020-01-01T10:00"}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid")), "{json}");
        assert_eq!(count(&app, "consultations").await, 0, "nothing written");
        let (status, json) = call(&app, "POST", &create, Some(&t.agent), Some(input.clone())).await;
        assert_eq!(status, 201, "{json}");
        assert_eq!(json["questions"].as_array().unwrap().len(), 2);
        let id = json["id"].as_i64().unwrap();
        assert_eq!(call(&app, "POST", &create, Some(&t.agent), Some(input)).await.0, 409, "consulted already");

        let meetings = format!("/api/v1/consultations/{id}/meetings");
        let meeting = json!({"starts_at": paris_in(&app, 5), "place": "Hôtel de Région, Lyon", "capacity": 2});
        refused(&app, "POST", &meetings, meeting.clone(), &not_agents).await;
        let (status, json) = call(&app, "POST", &meetings, Some(&t.agent), Some(json!({"starts_at": "demain", "place": "", "capacity": 0}))).await;
        assert_eq!((status, json["error"]["code"].as_str()), (422, Some("invalid")), "{json}");
        assert_eq!(count(&app, "meetings").await, 0, "nothing written");
        let (status, json) = call(&app, "POST", &meetings, Some(&t.agent), Some(meeting)).await;
        assert_eq!(status, 201, "{json}");
        let mid = json["meetings"][0]["id"].as_i64().unwrap();
        assert_eq!(json["meetings"][0]["capacity"], 2);

        let minutes = format!("/api/v1/consultations/{id}/meetings/{mid}/minutes");
        let text = json!({"minutes": "Les entreprises demandent un phasage par lycée."});
        refused(&app, "PUT", &minutes, text.clone(), &not_agents).await;
        let (status, json) = call(&app, "PUT", &minutes, Some(&t.agent), Some(text.clone())).await;
        assert!(status == 409 || status == 422, "before the meeting: {status} {json}");
        app.clock.advance(chrono::Duration::days(6));
        let (status, json) = call(&app, "PUT", &minutes, Some(&t.agent), Some(json!({"minutes": ""}))).await;
        assert!(status == 422 || status == 409, "empty minutes: {status} {json}");
        let (status, json) = call(&app, "PUT", &minutes, Some(&t.agent), Some(text)).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["meetings"][0]["minutes"], "Les entreprises demandent un phasage par lycée.");
        app.stop().await;
    }
}
