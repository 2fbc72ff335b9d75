//! Indicators over the horizons (issue 17, step 6) and the public follow-up (step 7): the whole
//! path from the signed contract to a validated report shown as a chart, a table, an Atom entry
//! and JSON; every refusal (a period closed or not started, a value that is not a number, a
//! report by a non-holder, a decision by a non-agent), nothing written; the roles refused.

use diesel::prelude::*;
use serde_json::Value;

use crate::award::{REASONS, results_published};
use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, criterion, paris_in, spawn_app};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A report as the page's multipart form sends it: the CSRF token first, the fields, a file.
async fn report(
    b: &Browser,
    page: &str,
    action: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new().text("csrf_token", b.csrf(page).await);
    for (k, v) in fields {
        form = form.text((*k).to_owned(), (*v).to_owned());
    }
    if let Some((name, bytes)) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    }
    b.client.post(b.url(action)).multipart(form).send().await.unwrap()
}

fn today(app: &TestApp) -> String {
    paris_in(app, 0)[..10].to_owned()
}

async fn reports_count(app: &TestApp) -> i64 {
    app.with_db(|conn| achat_ouvert::db::schema::indicator_reports::table.count().get_result::<i64>(conn).unwrap())
        .await
}

async fn indicators_count(app: &TestApp) -> i64 {
    app.with_db(|conn| achat_ouvert::db::schema::indicators::table.count().get_result::<i64>(conn).unwrap()).await
}

/// The id of the latest report.
async fn last_report(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::indicator_reports::dsl::*;
        indicator_reports.order(id.desc()).select(id).first::<i64>(conn).unwrap()
    })
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.like("indicator.%"))
            .order(audit_log::id.asc())
            .select(audit_log::action)
            .load::<String>(conn)
            .unwrap()
    })
    .await
}

both_backends! {
    async fn a_holder_reports_an_agent_validates_and_everyone_sees_the_follow_up(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let (o, p1) = (s.objective, s.proposals[0]);
        let award = format!("/objectives/{o}/award");
        let contract = format!("/objectives/{o}/contract");
        let manage = format!("/objectives/{o}/indicators");
        let follow_up = format!("/objectives/{o}/follow-up");
        let feed = format!("/objectives/{o}/follow-up.atom");
        let api = format!("/api/v1/objectives/{o}/indicators");
        let (holder, other) = (&s.suppliers[0], &s.suppliers[1]);

        assert_eq!(s.agent.submit(&award, &award, &[("winner", &p1.to_string()), ("reasons", REASONS), ("standstill_days", "11")]).await.status(), 303);
        // Before the signature: no indicator may be set, no follow-up.
        assert_eq!(s.agent.submit("/", &manage, &[("name", "Chaleur"), ("unit", "%"), ("baseline", "1"), ("target_5", "2")]).await.status(), 409, "not in execution yet");
        assert_eq!(app.get(&api).await.status(), 404);
        app.clock.advance(chrono::Duration::days(12));
        assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert_eq!(holder.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(other.sign_in("owner@beta.example", PASSWORD).await.status(), 303);
        assert_eq!(s.chair.sign_in("chair@region.example", PASSWORD).await.status(), 303);
        assert_eq!(s.admin.sign_in("admin@region.example", PASSWORD).await.status(), 303);
        let day = today(&app);
        let signature = [
            ("object", "Chaleur renouvelable des lycées"), ("signed_on", day.as_str()), ("notified_on", day.as_str()),
            ("amount", "125000"), ("duration_months", "48"), ("cpv", "09323000"), ("place_kind", "region"),
            ("place_code", "84"), ("price_form", "firm"), ("price_basis", "lump_sum"), ("subcontracting", "no"),
        ];
        assert_eq!(s.agent.submit(&contract, &contract, &signature).await.status(), 303);

        // The public follow-up exists, empty.
        let r = app.get(&follow_up).await;
        assert_eq!(r.status(), 200);
        assert!(r.text().await.unwrap().contains("Aucun indicateur n’est encore fixé"));

        // The agent sets an indicator: bad fields are named, nothing written.
        let climate = criterion(&app, "env-climate").await.to_string();
        let r = s.agent.submit(&manage, &manage, &[("name", "Part de chaleur renouvelable"), ("unit", "%"), ("baseline", "beaucoup"), ("target_5", "quarante"), ("period_months", "7")]).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        for expected in ["Valeur de référence : saisissez un nombre", "Cible à 5 ans : saisissez un nombre", "Fréquence des rapports"] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        // The form again, the error summary at the top linking to the fields, the values kept.
        assert!(text.find("id=\"error-summary\"").unwrap() < text.find("<h1").unwrap(), "{text}");
        for expected in ["href=\"#baseline\"", "href=\"#target_5\"", "id=\"baseline-error\"", "value=\"Part de chaleur renouvelable\"", "value=\"beaucoup\"", "aria-invalid=\"true\""] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        let r = s.agent.submit(&manage, &manage, &[("name", "Part"), ("unit", "%"), ("baseline", "1"), ("target_5", "2"), ("criterion", "999999")]).await;
        assert_eq!(r.status(), 422, "a criterion of another objective");
        assert_eq!(indicators_count(&app).await, 0);
        let indicator = [("name", "Part de chaleur renouvelable"), ("unit", "%"), ("baseline", "12,5"), ("target_5", "40"), ("criterion", climate.as_str()), ("period_months", "12")];
        // Only agents set indicators: the holder, another supplier, a committee member, an administrator are refused.
        for who in [holder, other, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &manage, &indicator).await.status(), 403);
        }
        let anonymous = app.browser().post_raw(&manage, &indicator).await.status();
        assert!(anonymous == 303 || anonymous == 403, "{anonymous}");
        assert_eq!(indicators_count(&app).await, 0);
        assert_eq!(s.agent.submit(&manage, &manage, &indicator).await.status(), 303);
        let id = app.with_db(|conn| achat_ouvert::db::schema::indicators::table.select(achat_ouvert::db::schema::indicators::id).first::<i64>(conn).unwrap()).await;
        let reports = format!("/indicators/{id}/reports");

        // The holder's home lists the report due; the other supplier's does not.
        let home = holder.text("/work").await;
        assert!(home.contains("Rapport à déposer : « Part de chaleur renouvelable », période 1") && home.contains(&format!("href=\"{manage}\"")), "{home}");
        assert!(!other.text("/work").await.contains("Rapport à déposer"));

        // The page: agents and the holder; nobody else.
        assert_eq!(s.agent.get(&manage).await.status(), 200);
        let page = holder.text(&manage).await;
        assert!(page.contains("Déposer un rapport") && page.contains("Période 1"), "{page}");
        for who in [other, &s.chair, &s.admin] {
            assert_eq!(who.get(&manage).await.status(), 403);
        }
        assert_eq!(app.browser().get(&manage).await.status(), 303, "visitors are sent to sign in");

        // Refusals, nothing written: not a number, a period not started, outside the contract.
        let r = report(holder, &manage, &reports, &[("period", "1"), ("value", "douze"), ("comment", "Relevé")], None).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(text.contains("Valeur : saisissez un nombre"));
        for expected in [format!("href=\"#value-{id}\""), "value=\"douze\"".to_owned(), ">Relevé</textarea>".to_owned(), "id=\"error-summary\"".to_owned()] {
            assert!(text.contains(&expected), "{expected}: {text}");
        }
        let r = report(holder, &manage, &reports, &[("period", "2"), ("value", "20")], None).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("elle n’a pas commencé"));
        assert_eq!(report(holder, &manage, &reports, &[("period", "9"), ("value", "20")], None).await.status(), 422);
        // Only the holder reports.
        for who in [other, &s.agent, &s.chair, &s.admin] {
            assert_eq!(report(who, "/", &reports, &[("period", "1"), ("value", "20")], None).await.status(), 403);
        }
        let visitor = app.browser();
        let form = reqwest::multipart::Form::new().text("period", "1").text("value", "20");
        let anonymous = visitor.client.post(visitor.url(&reports)).multipart(form).send().await.unwrap().status();
        assert!(anonymous == 303 || anonymous == 403, "{anonymous}");
        assert_eq!(reports_count(&app).await, 0);

        // The holder reports; the period is then closed until a decision.
        assert_eq!(report(holder, &manage, &reports, &[("period", "1"), ("value", "20"), ("comment", "Relevé des compteurs")], None).await.status(), 303);
        let r = report(holder, &manage, &reports, &[("period", "1"), ("value", "21")], None).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("elle est close"));
        assert_eq!(reports_count(&app).await, 1);
        let first = last_report(&app).await;
        assert!(s.agent.text("/work").await.contains("Rapport à valider : « Part de chaleur renouvelable », période 1"));
        assert!(!holder.text("/work").await.contains("Rapport à déposer"), "reported: no longer due");
        let json: Value = app.get(&api).await.json().await.unwrap();
        assert_eq!(json["indicators"][0]["values"].as_array().unwrap().len(), 0, "not public before validation");

        // Only agents decide; a send-back needs a reason.
        let validation = format!("/indicator-reports/{first}/validation");
        let send_back = format!("/indicator-reports/{first}/send-back");
        for who in [holder, other, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &validation, &[]).await.status(), 403);
            assert_eq!(who.submit("/", &send_back, &[("reason", "Pièce justificative manquante")]).await.status(), 403);
        }
        let r = s.agent.submit(&manage, &send_back, &[("reason", "court")]).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        assert!(text.contains("Motif du renvoi") && text.contains(&format!("href=\"#reason-{first}\"")) && text.contains(">court</textarea>"), "{text}");
        assert_eq!(s.agent.submit(&manage, &send_back, &[("reason", "Pièce justificative manquante")]).await.status(), 303);
        assert_eq!(s.agent.submit(&manage, &validation, &[]).await.status(), 409, "already sent back");
        assert!(holder.text(&manage).await.contains("Pièce justificative manquante"), "the holder reads the reason");

        // Reported again, then validated.
        assert_eq!(report(holder, &manage, &reports, &[("period", "1"), ("value", "21,5"), ("comment", "Avec le relevé")], Some(("Relevé 2027.pdf", PDF))).await.status(), 303);
        let second = last_report(&app).await;
        // The evidence: the agent and the holder download it; nobody else.
        let evidence = format!("/indicator-reports/{second}/evidence");
        assert!(s.agent.text(&manage).await.contains(&format!("href=\"{evidence}\"")));
        for who in [&s.agent, holder] {
            let r = who.get(&evidence).await;
            assert_eq!(r.status(), 200);
            assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);
        }
        for who in [other, &s.chair, &s.admin] {
            assert_eq!(who.get(&evidence).await.status(), 403);
        }
        assert_eq!(app.browser().get(&evidence).await.status(), 303);
        assert_eq!(s.agent.get(&format!("/indicator-reports/{first}/evidence")).await.status(), 404, "no evidence with the first report");
        // Validating goes through a confirmation page (agents only), which changes nothing.
        let confirm = format!("/indicator-reports/{second}/validation/confirm");
        assert!(s.agent.text(&manage).await.contains(&format!("action=\"{confirm}\"")));
        for who in [holder, other, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &confirm, &[]).await.status(), 403);
        }
        let r = s.agent.submit(&manage, &confirm, &[]).await;
        assert_eq!(r.status(), 200);
        let text = r.text().await.unwrap();
        for expected in ["Valider ce rapport ?", "21,5 %", "ne peut plus être renvoyé", &format!("action=\"/indicator-reports/{second}/validation\"")] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        assert!(!app.get(&follow_up).await.text().await.unwrap().contains("21,5 %"), "not validated yet");
        assert_eq!(s.agent.submit(&manage, &format!("/indicator-reports/{second}/validation"), &[]).await.status(), 303);
        let r = s.agent.submit(&manage, &confirm, &[]).await;
        assert_eq!(r.status(), 409, "already validated: said on the page");
        assert!(r.text().await.unwrap().contains("Ce rapport n’attend plus de décision"));
        assert_eq!(report(holder, &manage, &reports, &[("period", "1"), ("value", "22")], None).await.status(), 422, "a validated period is closed");

        // The public follow-up: chart, table, Atom, JSON; only the validated value.
        let page = app.get(&follow_up).await.text().await.unwrap();
        for expected in ["role=\"img\"", "<title id=\"ind-", "<desc id=\"ind-", "Valeur validée au", "21,5 %", "Cible à 5 ans", "40 %", "12,5 %"] {
            assert!(page.contains(expected), "{expected}: {page}");
        }
        assert!(!page.contains("<script"), "no JavaScript");
        assert!(!page.contains(">20 %"), "the value sent back is not public");
        let objective_page = app.get(&format!("/objectives/{o}")).await.text().await.unwrap();
        assert!(objective_page.contains("Suivi des indicateurs") && objective_page.contains("21,5 %"));
        let r = app.get(&feed).await;
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let atom = r.text().await.unwrap();
        assert_eq!(atom.matches("<entry>").count(), 1, "{atom}");
        assert!(atom.contains("21,5 %") && atom.contains(&format!("#report-{second}")));
        let json: Value = app.get(&api).await.json().await.unwrap();
        let i = &json["indicators"][0];
        assert_eq!(i["name"], "Part de chaleur renouvelable");
        assert_eq!(i["baseline"], 12.5);
        assert_eq!(i["targets"][0]["years"], 5);
        assert_eq!(i["targets"][0]["value"], 40.0);
        assert_eq!(i["values"].as_array().unwrap().len(), 1);
        assert_eq!(i["values"][0]["value"], 21.5);
        assert_eq!(i["values"][0]["starts"], day.as_str());
        let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        assert!(openapi["paths"]["/api/v1/objectives/{id}/indicators"]["get"].is_object());

        // A year later the second period opens.
        app.clock.advance(chrono::Duration::days(366));
        assert_eq!(holder.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        assert_eq!(report(holder, &manage, &reports, &[("period", "2"), ("value", "27")], None).await.status(), 303);
        let third = last_report(&app).await;
        assert_eq!(s.agent.submit(&manage, &format!("/indicator-reports/{third}/validation"), &[]).await.status(), 303);
        let json: Value = app.get(&api).await.json().await.unwrap();
        let values: Vec<f64> = json["indicators"][0]["values"].as_array().unwrap().iter().map(|v| v["value"].as_f64().unwrap()).collect();
        assert_eq!(values, vec![21.5, 27.0]);
        assert_eq!(app.get(&feed).await.text().await.unwrap().matches("<entry>").count(), 2);

        assert_eq!(
            audit_actions(&app).await,
            ["indicator.set", "indicator.reported", "indicator.report_sent_back", "indicator.reported", "indicator.report_validated", "indicator.reported", "indicator.report_validated"]
        );
    }
}
