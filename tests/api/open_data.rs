//! Open data: JSON API, OCDS release packages validated against the official schemas, Atom feeds.

use std::path::PathBuf;

use achat_ouvert::domain::users::Role;
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Browser, TestApp, spawn_app};

/// The official schemas: `OCDS_STANDARDS_DIR`, or `../shared/standards/ocds-1.1` beside the repository.
fn standards() -> PathBuf {
    std::env::var_os("OCDS_STANDARDS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/standards/ocds-1.1"))
}

fn read(path: &str) -> Value {
    let file = standards().join(path);
    serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))).unwrap()
}

/// RFC 7396 JSON Merge Patch: how OCDS extensions apply to the release schema.
fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                if v.is_null() {
                    t.remove(k);
                } else {
                    merge(t.entry(k.clone()).or_insert(Value::Null), v);
                }
            }
        }
        (t, p) => *t = p.clone(),
    }
}

fn codes(csv: &str) -> Vec<String> {
    std::fs::read_to_string(standards().join("codelists").join(csv))
        .unwrap()
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next().map(str::to_owned))
        .collect()
}

/// Validates a release package against the package schema, with the release schema extended by
/// awardCriteriaBreakdown and bid; and each lot's award criteria against that extension's
/// definition.
pub fn validate_package(package: &Value) {
    let mut release_schema = read("release-schema.json");
    merge(&mut release_schema, &read("extensions/awardCriteriaBreakdown/release-schema.json"));
    merge(&mut release_schema, &read("extensions/bid/release-schema.json"));
    let release_id = release_schema["id"].as_str().unwrap().to_owned();
    let resource = jsonschema::Resource::from_contents(release_schema.clone()).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft4)
        .with_resource(release_id.clone(), resource)
        .build(&read("release-package-schema.json"))
        .unwrap();
    let errors: Vec<String> = validator.iter_errors(package).map(|e| format!("{} at {}", e, e.instance_path)).collect();
    assert!(errors.is_empty(), "OCDS package invalid:\n{}\n{package:#}", errors.join("\n"));

    let mut criteria_schema = release_schema.clone();
    criteria_schema["$ref"] = Value::String("#/definitions/AwardCriteria".into());
    let criteria_validator =
        jsonschema::options().with_draft(jsonschema::Draft::Draft4).build(&criteria_schema).unwrap();
    let tags = codes("releaseTag.csv");
    let statuses = codes("tenderStatus.csv");
    for release in package["releases"].as_array().unwrap() {
        for tag in release["tag"].as_array().unwrap() {
            assert!(tags.contains(&tag.as_str().unwrap().to_owned()), "{tag}");
        }
        assert!(statuses.contains(&release["tender"]["status"].as_str().unwrap().to_owned()));
        for lot in release["tender"]["lots"].as_array().unwrap() {
            if let Some(criteria) = lot.get("awardCriteria") {
                let errors: Vec<String> = criteria_validator.iter_errors(criteria).map(|e| e.to_string()).collect();
                assert!(errors.is_empty(), "award criteria invalid: {errors:?}");
                let weights: f64 = criteria["criteria"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .flat_map(|c| c["numbers"].as_array().unwrap().clone())
                    .filter(|n| n["weight"] == "percentageExact")
                    .map(|n| n["number"].as_f64().unwrap())
                    .sum();
                assert_eq!(weights, 100.0);
            }
        }
        for goal in release["tender"]["sustainability"].as_array().unwrap() {
            let goal = goal["goal"].as_str().unwrap();
            assert!(
                ["environmental", "social", "economic", "innovation"].contains(&goal.split('.').next().unwrap()),
                "{goal}"
            );
        }
    }
}

async fn objective_with_history(app: &TestApp, agent: &Browser) -> i64 {
    use achat_ouvert::clock::Clock;
    let climate = app
        .with_db(|conn| {
            achat_ouvert::domain::criteria::list(conn, false)
                .unwrap()
                .into_iter()
                .find(|c| c.code == "env-climate")
                .unwrap()
                .id
                .0
        })
        .await;
    let local = app
        .with_db(|conn| {
            achat_ouvert::domain::criteria::list(conn, false)
                .unwrap()
                .into_iter()
                .find(|c| c.code == "eco-local")
                .unwrap()
                .id
                .0
        })
        .await;
    let deadline = |days: i64| {
        chrono::TimeZone::from_utc_datetime(
            &chrono_tz::Europe::Paris,
            &(app.clock.now() + chrono::Duration::days(days)).naive_utc(),
        )
        .format("%Y-%m-%dT%H:%M")
        .to_string()
    };
    let fields = |deadline: String| -> Vec<(String, String)> {
        vec![
            ("title".into(), "Covoiturage des agents".into()),
            ("need".into(), "Réduire les trajets en voiture individuelle des agents.".into()),
            ("political_objective".into(), "Plan de mobilité employeur.".into()),
            ("deliberation_ref".into(), "CP-2026-05-001".into()),
            ("deliberation_date".into(), "2026-05-12".into()),
            ("themes".into(), "mobilite".into()),
            ("horizon".into(), "5".into()),
            ("budget_euros".into(), "250000".into()),
            ("place".into(), "Sites de la Région".into()),
            ("contact".into(), "mobilite@region.example".into()),
            ("deadline".into(), deadline),
            (format!("w_{climate}"), "70".into()),
            (format!("elim_{climate}"), "true".into()),
            (format!("min_{climate}"), "2".into()),
            (format!("w_{local}"), "30".into()),
            ("m_date_0".into(), "2028-09-01".into()),
            ("m_label_0".into(), "Bilan à mi-parcours".into()),
        ]
    };
    let refs = |p: &Vec<(String, String)>| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
    let form = refs(&fields(deadline(30)));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = agent.submit("/objectives/new", "/objectives", &pairs).await;
    let id: i64 = r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/objectives/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;
    agent
        .submit(
            &format!("/objectives/{id}"),
            &format!("/objectives/{id}/questions/publish"),
            &[("question", "Les vélos comptent-ils ?"), ("answer", "Oui, toute alternative à la voiture seule.")],
        )
        .await;
    let mut amended = fields(deadline(40));
    amended.push(("reason".into(), "Plus de temps".into()));
    let pairs: Vec<(&str, &str)> = amended.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = agent.submit(&format!("/objectives/{id}/edit"), &format!("/objectives/{id}"), &pairs).await;
    assert_eq!(r.status(), 303);
    id
}

both_backends! {
    async fn the_json_api_lists_and_describes_published_objectives_only(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let id = objective_with_history(&app, &agent).await;
        // A draft stays private.
        let r = agent.submit("/objectives/new", "/objectives", &[("title", "Brouillon secret")]).await;
        let draft: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/objectives/").split('?').next().unwrap().parse().unwrap();

        let api = reqwest::Client::new();
        let list: Value = api.get(app.url("/api/v1/objectives")).send().await.unwrap().json().await.unwrap();
        let items = list["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["status"], "published");
        assert_eq!(items[0]["themes"][0], "mobilite");
        let searched: Value = api.get(app.url("/api/v1/objectives?q=COVOITURAGES")).send().await.unwrap().json().await.unwrap();
        assert_eq!(searched["items"].as_array().unwrap().len(), 1, "accents, case and plural ignored");
        let none: Value = api.get(app.url("/api/v1/objectives?q=piscine")).send().await.unwrap().json().await.unwrap();
        assert!(none["items"].as_array().unwrap().is_empty());
        let none: Value = api.get(app.url("/api/v1/objectives?theme=energie")).send().await.unwrap().json().await.unwrap();
        assert!(none["items"].as_array().unwrap().is_empty());

        let detail: Value = api.get(app.url(&format!("/api/v1/objectives/{id}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(detail["criteria"].as_array().unwrap().len(), 2);
        assert_eq!(detail["questions"][0]["question"], "Les vélos comptent-ils ?");
        assert_eq!(detail["amendments"][0]["essential"], true);
        let hidden = api.get(app.url(&format!("/api/v1/objectives/{draft}"))).send().await.unwrap();
        assert_eq!(hidden.status(), 404);
        assert_eq!(api.get(app.url(&format!("/api/v1/objectives/{draft}/ocds.json"))).send().await.unwrap().status(), 404);
        app.stop().await;
    }
}

both_backends! {
    async fn ocds_packages_validate_against_the_official_schemas(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let id = objective_with_history(&app, &agent).await;
        let api = reqwest::Client::new();
        let one: Value = api.get(app.url(&format!("/api/v1/objectives/{id}/ocds.json"))).send().await.unwrap().json().await.unwrap();
        validate_package(&one);
        let release = &one["releases"][0];
        assert_eq!(release["tag"][0], "tenderAmendment");
        assert!(release["ocid"].as_str().unwrap().starts_with("ocds-ao0000-AO-"));
        assert_eq!(release["tender"]["enquiries"][0]["answer"], "Oui, toute alternative à la voiture seule.");
        assert_eq!(release["tender"]["amendments"][0]["rationale"], "Plus de temps");
        assert_eq!(release["tender"]["value"]["amount"], 250000);
        assert!(release["tender"]["tenderPeriod"]["endDate"].as_str().unwrap().ends_with('Z'));
        let goals: Vec<&str> = release["tender"]["sustainability"].as_array().unwrap().iter().map(|g| g["goal"].as_str().unwrap()).collect();
        assert!(goals.contains(&"environmental.carbonEmissionsReduction") && goals.contains(&"economic.localEconomyPromotion"));
        let thresholds = release["tender"]["lots"][0]["awardCriteria"]["criteria"][0]["numbers"][1].clone();
        assert_eq!(thresholds["threshold"], "minimumScore");

        // A second, cancelled objective: the whole package validates too.
        let second = objective_with_history(&app, &agent).await;
        agent.submit(&format!("/objectives/{second}"), &format!("/objectives/{second}/cancel"), &[("reason", "Doublon")]).await;
        let all: Value = api.get(app.url("/api/v1/ocds/objectives.json")).send().await.unwrap().json().await.unwrap();
        validate_package(&all);
        assert_eq!(all["releases"].as_array().unwrap().len(), 2);
        assert!(all["releases"].as_array().unwrap().iter().any(|r| r["tag"][0] == "tenderCancellation" && r["tender"]["status"] == "cancelled"));
        app.stop().await;
    }
}

both_backends! {
    async fn atom_feeds_list_published_objectives_overall_and_per_theme(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        objective_with_history(&app, &agent).await;
        let feed = app.get("/feeds/objectives.atom").await;
        assert_eq!(feed.headers()["content-type"], "application/atom+xml; charset=utf-8");
        let body = feed.text().await.unwrap();
        assert!(body.starts_with("<?xml") && body.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\""));
        assert_eq!(body.matches("<entry>").count(), 1);
        assert!(body.contains("<title>Covoiturage des agents</title>") && body.contains("term=\"mobilite\""));
        assert_eq!(app.get("/feeds/themes/mobilite.atom").await.text().await.unwrap().matches("<entry>").count(), 1);
        assert_eq!(app.get("/feeds/themes/energie.atom").await.text().await.unwrap().matches("<entry>").count(), 0);
        assert_eq!(app.get("/feeds/themes/nope.atom").await.status(), 404);
        app.stop().await;
    }
}
