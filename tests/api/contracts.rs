//! The contract (issue 17, step 2): signing after the standstill and the challenges, every
//! refusal (standstill, pending challenge, wrong stage, bad fields, roles), modifications as new
//! rows, the public page and API, and the open data (OCDS and DECP) validated against the
//! official schemas in `../shared/standards`.

use std::path::PathBuf;

use diesel::prelude::*;
use serde_json::Value;

use crate::award::{REASONS, results_published};
use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, paris_in, siret, spawn_app, spawn_app_with};

const BUYER_SIRET: &str = "23690001200014";

/// The DECP schema: `DECP_STANDARDS_DIR`, or `../shared/standards/decp-2.0.3` beside the repository.
fn decp_schema() -> Value {
    let dir = std::env::var_os("DECP_STANDARDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/standards/decp-2.0.3"));
    let file = dir.join("schema_decp_v2.0.3.json");
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))).unwrap()
}

fn validate_decp(document: &Value) {
    let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&decp_schema()).unwrap();
    let errors: Vec<String> =
        validator.iter_errors(document).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "DECP document invalid:\n{}\n{document:#}", errors.join("\n"));
}

/// Today in Paris, as the date fields take it.
fn today(app: &TestApp) -> String {
    paris_in(app, 0)[..10].to_owned()
}

fn fields(day: &str) -> Vec<(&'static str, String)> {
    vec![
        ("object", "Chaleur renouvelable des lycées".to_owned()),
        ("signed_on", day.to_owned()),
        ("notified_on", day.to_owned()),
        ("amount", "125 000,50".to_owned()),
        ("duration_months", "48".to_owned()),
        ("cpv", "09323000-9".to_owned()),
        ("place_kind", "region".to_owned()),
        ("place_code", "84".to_owned()),
        ("price_form", "revisable".to_owned()),
        ("price_basis", "lump_sum".to_owned()),
        ("subcontracting", "no".to_owned()),
        ("social_clause", "true".to_owned()),
    ]
}

fn refs<'a>(v: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    v.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

async fn contracts_count(app: &TestApp) -> i64 {
    app.with_db(|conn| achat_ouvert::db::schema::contracts::table.count().get_result::<i64>(conn).unwrap()).await
}

async fn status_of(app: &TestApp, o: i64) -> String {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::objectives;
        objectives::table.find(o).select(objectives::status).first::<String>(conn).unwrap()
    })
    .await
}

async fn sign_in_again(app: &TestApp, who: &[(&Browser, &str)]) {
    let _ = app;
    for (b, email) in who {
        assert_eq!(b.sign_in(email, PASSWORD).await.status(), 303);
    }
}

both_backends! {
    async fn an_agent_signs_the_contract_after_the_standstill_and_records_its_modifications(backend) {
        let app = spawn_app_with(backend, &[("BUYER_SIRET", BUYER_SIRET)]).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let contract = format!("/objectives/{o}/contract");
        let confirm = format!("{contract}/confirm");
        let modifications = format!("{contract}/modifications");

        // Before the award there is no contract page, and nothing to sign.
        assert_eq!(s.agent.get(&contract).await.status(), 404);
        assert_eq!(s.agent.submit(&award, &contract, &refs(&fields(&today(&app)))).await.status(), 409, "wrong stage: not awarded");
        let r = s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await;
        assert_eq!(r.status(), 303);
        assert_eq!(app.get(&format!("/api/v1/objectives/{o}/contract")).await.status(), 404, "nothing signed yet");
        assert!(s.agent.text(&award).await.contains(&format!("href=\"{contract}\"")), "the award page links to the contract page");

        // Only agents: suppliers, committee members and administrators are refused; visitors are
        // sent to sign in; the API answers 401 without a token.
        for who in [&s.suppliers[0], &s.suppliers[1], &s.chair, &s.admin] {
            assert_eq!(who.get(&contract).await.status(), 403);
            // With a valid CSRF token (from the home page): refused by the authorization itself.
            assert_eq!(who.submit("/", &confirm, &refs(&fields(&today(&app)))).await.status(), 403);
            assert_eq!(who.submit("/", &contract, &refs(&fields(&today(&app)))).await.status(), 403);
            assert_eq!(who.submit("/", &modifications, &[("mod_notified_on", "2027-01-01")]).await.status(), 403);
        }
        assert_eq!(app.browser().get(&contract).await.status(), 303);
        let anonymous = app.browser().post_raw(&contract, &refs(&fields(&today(&app)))).await.status();
        assert!(anonymous == 303 || anonymous == 403, "{anonymous}");
        let api = format!("/api/v1/objectives/{o}/contract");
        assert_eq!(app.client.post(app.url(&api)).json(&serde_json::json!({})).send().await.unwrap().status(), 401);
        let supplier_token = api_token(&s.suppliers[0]).await;
        let r = app.client.post(app.url(&api)).bearer_auth(&supplier_token).json(&serde_json::json!({})).send().await.unwrap();
        assert_eq!(r.status(), 403);

        // The page: the holders from the award, the considerations from the criteria; signing
        // is refused during the standstill, on the page and through the API; nothing written.
        let page = s.agent.text(&contract).await;
        for expected in ["Entreprise 701", "Critère environnemental", "Critère social", "Signature impossible avant la fin du délai de suspension"] {
            assert!(page.contains(expected), "{expected}: {page}");
        }
        let r = s.agent.submit(&contract, &confirm, &refs(&fields(&today(&app)))).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("le délai de suspension court jusqu"));
        let r = s.agent.submit(&contract, &contract, &refs(&fields(&today(&app)))).await;
        assert_eq!(r.status(), 409);
        let agent_token = api_token(&s.agent).await;
        let body: serde_json::Map<String, Value> = fields(&today(&app)).into_iter().map(|(k, v)| (k.to_owned(), Value::String(v))).collect();
        let mut body = Value::Object(body);
        body["social_clause"] = Value::Bool(true);
        let r = app.client.post(app.url(&api)).bearer_auth(&agent_token).json(&body).send().await.unwrap();
        assert_eq!(r.status(), 409);
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "standstill");
        assert_eq!(contracts_count(&app).await, 0);

        // A challenge suspends the signature, even after the period.
        let r = s.agent.submit(&award, &format!("/objectives/{o}/challenges"), &[("lodged_on", &today(&app)), ("lodged_by", "Entreprise 702"), ("summary", "Notation contestée")]).await;
        assert_eq!(r.status(), 303);
        app.clock.advance(chrono::Duration::days(12));
        sign_in_again(&app, &[(&s.agent, "agent@region.example")]).await;
        let day = today(&app);
        let r = s.agent.submit(&contract, &confirm, &refs(&fields(&day))).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("recours sans issue"), "pending challenge");
        let r = app.client.post(app.url(&api)).bearer_auth(&agent_token).json(&body).send().await.unwrap();
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "challenge_pending");
        let challenge = app.with_db(|conn| achat_ouvert::db::schema::challenges::table.select(achat_ouvert::db::schema::challenges::id).first::<i64>(conn).unwrap()).await;
        let outcome = format!("/objectives/{o}/challenges/{challenge}/outcome");
        assert_eq!(s.agent.submit(&award, &outcome, &[("outcome", "rejected"), ("note", "Ordonnance de rejet")]).await.status(), 303);
        assert_eq!(contracts_count(&app).await, 0);

        // Bad fields: every one named in the summary, linked to its field, the values kept; nothing written.
        let mut bad = fields(&day);
        bad[3].1 = "beaucoup".into();
        bad[5].1 = "0932".into();
        bad[7].1 = "8".into();
        bad[10].1 = String::new();
        let r = s.agent.submit(&contract, &confirm, &refs(&bad)).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        for expected in ["Montant hors taxes : ", "Code CPV : ", "Code du lieu d’exécution : ", "Sous-traitance déclarée : ", "href=\"#amount\"", "href=\"#cpv\"", "value=\"beaucoup\""] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        let mut early = fields(&day);
        early[1].1 = "2020-01-01".into();
        early[2].1 = "2020-01-02".into();
        let r = s.agent.submit(&contract, &confirm, &refs(&early)).await;
        assert_eq!(r.status(), 422, "signed before the standstill's end");
        assert!(r.text().await.unwrap().contains("Date de signature : "));
        let mut notified_first = fields(&day);
        notified_first[1].1 = day.clone();
        notified_first[2].1 = "2020-01-01".into();
        assert_eq!(s.agent.submit(&contract, &contract, &refs(&notified_first)).await.status(), 422);
        let mut invalid = body.clone();
        invalid["cpv"] = Value::String("nope".into());
        let r = app.client.post(app.url(&api)).bearer_auth(&agent_token).json(&invalid).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let json: Value = r.json().await.unwrap();
        assert_eq!(json["error"]["code"], "invalid_fields");
        assert!(json["error"]["message"].as_str().unwrap().contains("cpv:"), "{json}");
        assert_eq!(contracts_count(&app).await, 0);
        assert_eq!(status_of(&app, o).await, "awarded");

        // The confirmation page writes nothing; the signature moves the objective into execution.
        let r = s.agent.submit(&contract, &confirm, &refs(&fields(&day))).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        assert!(text.contains("ne peut pas être annulée") && text.contains("Entreprise 701") && text.contains("125"), "{text}");
        assert_eq!(contracts_count(&app).await, 0);
        let r = s.agent.submit(&contract, &contract, &refs(&fields(&day))).await;
        assert_eq!(r.status(), 303);
        assert_eq!(status_of(&app, o).await, "in_execution");
        assert_eq!(s.agent.submit(&contract, &contract, &refs(&fields(&day))).await.status(), 409, "signed once");

        // Modifications: new rows, in order; the original stays; history is not rewritten.
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", &day), ("mod_reason", "Avenant n° 1 : extension à deux lycées"), ("mod_amount", "150000")]).await;
        assert_eq!(r.status(), 303);
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", "2020-01-01"), ("mod_reason", "Avenant antidaté au contrat"), ("mod_duration_months", "60")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("ne se réécrit pas"));
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", &day), ("mod_reason", "Même montant qu’avant"), ("mod_amount", "150 000")]).await;
        assert_eq!(r.status(), 422, "a modification that changes nothing");
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", &day), ("mod_reason", "Sans rien changer du tout")]).await;
        assert_eq!(r.status(), 422);
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", &day), ("mod_reason", "Cession à un repreneur"), ("mod_holders", "00000000000000")]).await;
        assert_eq!(r.status(), 422, "an unknown holder");
        let beta = siret(702);
        let r = s.agent.submit(&contract, &modifications, &[("mod_notified_on", &day), ("mod_reason", "Avenant n° 2 : durée et cession"), ("mod_duration_months", "60"), ("mod_holders", &beta), ("mod_holders_kind", "none")]).await;
        assert_eq!(r.status(), 303);
        let original: i64 = app.with_db(move |conn| {
            use achat_ouvert::db::schema::contracts;
            contracts::table.find(o).select(contracts::amount_cents).first(conn).unwrap()
        }).await;
        assert_eq!(original, 12_500_050, "the contract as signed is never rewritten");

        // The API: the contract as signed, each modification with its resulting values, the current values.
        let json: Value = app.get(&api).await.json().await.unwrap();
        assert_eq!(json["signed"]["amount_excluding_vat"], 125000.5);
        assert_eq!(json["signed"]["holders"][0]["members"][0]["name"], "Entreprise 701");
        assert_eq!(json["modifications"][0]["number"], 1);
        assert_eq!(json["modifications"][0]["resulting"]["amount_excluding_vat"], 150000.0);
        assert_eq!(json["modifications"][0]["resulting"]["duration_months"], 48);
        assert_eq!(json["modifications"][1]["resulting"]["duration_months"], 60);
        assert_eq!(json["current"]["holders"][0]["members"][0]["name"], "Entreprise 702");
        assert_eq!(json["considerations"]["social"], serde_json::json!(["criterion", "clause"]));
        assert_eq!(json["considerations"]["environmental"], serde_json::json!(["criterion"]));

        // The public page shows the essential data and the modifications, in both languages.
        let public = app.browser().text(&format!("/objectives/{o}")).await;
        for expected in ["Contrat", "09323000-9", "Modification n° 1", "Modification n° 2", "Avenant n° 2", "En exécution"] {
            assert!(public.contains(expected), "{expected}: {public}");
        }
        let english = app.browser();
        english.get("/lang/en").await;
        let text = english.text(&format!("/objectives/{o}")).await;
        assert!(text.contains("Amount excluding VAT") && text.contains("Modification no. 2"), "{text}");

        // OCDS: awards, contracts and amendments, valid against the official schema.
        let package: Value = app.get(&format!("/api/v1/objectives/{o}/ocds.json")).await.json().await.unwrap();
        crate::open_data::validate_package(&package);
        let release = &package["releases"][0];
        assert_eq!(release["tag"], serde_json::json!(["contractAmendment"]));
        assert_eq!(release["awards"][0]["suppliers"][0]["name"], "Entreprise 701");
        assert_eq!(release["contracts"][0]["value"]["amount"], 150000);
        assert_eq!(release["contracts"][0]["amendments"].as_array().unwrap().len(), 2);
        assert!(release["parties"].as_array().unwrap().iter().any(|p| p["roles"].as_array().unwrap().contains(&Value::from("supplier"))));
        let all: Value = app.get("/api/v1/ocds/objectives.json").await.json().await.unwrap();
        crate::open_data::validate_package(&all);

        // DECP: per contract and in bulk, valid against the 2.0.3 schema.
        let decp: Value = app.get(&format!("/api/v1/objectives/{o}/decp.json")).await.json().await.unwrap();
        validate_decp(&decp);
        let marche = &decp["marches"]["marche"][0];
        assert_eq!(marche["acheteur"]["id"], BUYER_SIRET);
        assert_eq!(marche["montant"], 125000.5);
        assert_eq!(marche["titulaires"][0]["titulaire"]["id"], siret(701));
        assert_eq!(marche["considerationsSociales"]["considerationSociale"], serde_json::json!(["Critère social", "Clause sociale"]));
        assert_eq!(marche["modifications"][1]["modification"]["titulaires"][0]["titulaire"]["id"], beta);
        let bulk: Value = app.get("/api/v1/decp/marches.json").await.json().await.unwrap();
        validate_decp(&bulk);
        assert_eq!(bulk["marches"]["marche"].as_array().unwrap().len(), 1);

        // The audit log.
        let actions: Vec<String> = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_log;
            audit_log::table.select(audit_log::action).load(conn).unwrap()
        }).await;
        assert!(actions.iter().any(|a| a == "award.contract_signed"));
        assert_eq!(actions.iter().filter(|a| *a == "award.contract_modified").count(), 2);
        app.stop().await;
    }
}

both_backends! {
    async fn without_a_buyer_siret_the_essential_data_are_not_published(backend) {
        let app = spawn_app(backend).await;
        let r = app.get("/api/v1/decp/marches.json").await;
        assert_eq!(r.status(), 404);
        let json: Value = r.json().await.unwrap();
        assert_eq!(json["error"]["code"], "decp_not_configured");
        assert_eq!(app.get("/api/v1/objectives/1/decp.json").await.status(), 404);
        app.stop().await;
    }
}

both_backends! {
    async fn the_bulk_essential_data_are_an_empty_valid_document_before_any_contract(backend) {
        let app = spawn_app_with(backend, &[("BUYER_SIRET", BUYER_SIRET)]).await;
        let bulk: Value = app.get("/api/v1/decp/marches.json").await.json().await.unwrap();
        validate_decp(&bulk);
        assert_eq!(bulk["marches"]["marche"], serde_json::json!([]));
        // The schema is really applied: a marche without its required fields is refused.
        let validator = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(&decp_schema()).unwrap();
        assert!(!validator.is_valid(&serde_json::json!({ "marches": { "marche": [{ "id": "AO-1" }] } })));
        app.stop().await;
    }
}
