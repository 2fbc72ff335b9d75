//! Objectives: drafting, publishing, amending, closing, cancelling; who may do what.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with};

/// The catalogue's criteria ids by code.
async fn criterion(app: &TestApp, code: &'static str) -> i64 {
    app.with_db(move |conn| {
        achat_ouvert::domain::criteria::list(conn, false).unwrap().into_iter().find(|c| c.code == code).unwrap().id.0
    })
    .await
}

/// A complete objective form, weights 60 climate + 40 change support, deadline in `days` days.
async fn complete_form(app: &TestApp, title: &str, deadline: &str) -> Vec<(String, String)> {
    let climate = criterion(app, "env-climate").await;
    let support = criterion(app, "change-support").await;
    let pairs: Vec<(&str, String)> = vec![
        ("title", title.to_owned()),
        ("need", "Réduire de moitié l’énergie des lycées.\n\n<script>alert(1)</script>\n\nVoir [le plan](https://region.example/plan).".into()),
        ("political_objective", "Neutralité carbone des bâtiments régionaux en 2050.".into()),
        ("deliberation_ref", "CP-2026-03-114".into()),
        ("deliberation_date", "2026-03-14".into()),
        ("themes", "energie".into()),
        ("themes", "batiment".into()),
        ("horizon", "20".into()),
        ("budget_euros", "1 500 000".into()),
        ("place", "Lycées de la Région".into()),
        ("contact", "achats@region.example".into()),
        ("deadline", deadline.to_owned()),
        ("shortlist_rule", "top".into()),
        ("shortlist_value", "3".into()),
        (Box::leak(format!("w_{climate}").into_boxed_str()), "60".into()),
        (Box::leak(format!("elim_{climate}").into_boxed_str()), "true".into()),
        (Box::leak(format!("min_{climate}").into_boxed_str()), "2".into()),
        (Box::leak(format!("w_{support}").into_boxed_str()), "40".into()),
        ("m_date_0", "2030-01-01".into()),
        ("m_label_0", "Premier bilan énergétique".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

fn paris_in(app: &TestApp, days: i64) -> String {
    use achat_ouvert::clock::Clock;
    let at = app.clock.now() + chrono::Duration::days(days);
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at.naive_utc()).format("%Y-%m-%dT%H:%M").to_string()
}

async fn post_pairs(browser: &Browser, page: &str, action: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.submit(page, action, &refs).await
}

fn id_from(location: &str) -> i64 {
    location.trim_start_matches("/objectives/").split('?').next().unwrap().parse().unwrap()
}

both_backends! {
    async fn an_agent_drafts_publishes_and_everyone_reads_the_objective(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Rénovation énergétique des lycées", &paris_in(&app, 30)).await;
        let created = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        assert_eq!(created.status(), 303);
        let location = created.headers()["location"].to_str().unwrap().to_owned();
        let id = id_from(&location);

        // A draft is for agents only.
        let visitor = app.browser();
        assert_eq!(visitor.get(&format!("/objectives/{id}")).await.status(), 404);
        let supplier = app.supplier_owner("owner@alpha.example", 91).await;
        assert_eq!(supplier.get(&format!("/objectives/{id}")).await.status(), 404);
        assert!(!visitor.text("/objectives").await.contains("Rénovation énergétique"));
        assert!(agent.text("/objectives?status=draft").await.contains("Rénovation énergétique"));

        let published = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;
        assert_eq!(published.status(), 303);

        let page = visitor.text(&format!("/objectives/{id}")).await;
        for expected in ["Rénovation énergétique des lycées", "Ouvert aux propositions", "CP-2026-03-114", "Premier bilan énergétique", "60 %", "éliminatoire sous 2/5", "clôture dans", "1\u{202f}500\u{202f}000 €", "Énergie et climat"] {
            assert!(page.contains(expected), "{expected} missing");
        }
        // The need is Markdown, sanitised.
        assert!(!page.contains("<script>alert(1)</script>"));
        assert!(page.contains("rel=\"nofollow noopener\""));
        assert!(visitor.text("/objectives?status=open&theme=energie").await.contains("Rénovation énergétique"));
        assert!(!visitor.text("/objectives?theme=mobilite").await.contains("Rénovation énergétique"));
        assert!(visitor.text("/").await.contains("Rénovation énergétique"));

        let actions = app.with_db(|conn| achat_ouvert::domain::audit::list(conn, &Default::default(), 100).unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        assert!(actions.contains(&"objective.created".to_owned()) && actions.contains(&"objective.published".to_owned()));
        app.stop().await;
    }
}

both_backends! {
    async fn bad_objectives_are_refused_with_clear_messages_and_nothing_saved(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let mut form = complete_form(&app, "Mobilité douce", &paris_in(&app, 30)).await;
        form.retain(|(k, _)| k != "need");
        form.push(("need".into(), "x".repeat(3001)));
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        assert_eq!(r.status(), 422);
        let body = r.text().await.unwrap();
        assert!(body.contains("3001 caractères"), "need over the limit");
        assert!(body.contains("value=\"Mobilité douce\""), "values kept");

        // Weights under 100 and no environmental criterion: saved as a draft, but not publishable.
        let support = criterion(&app, "change-support").await;
        let mut form = complete_form(&app, "Mobilité douce", &paris_in(&app, 30)).await;
        form.retain(|(k, _)| !k.starts_with("w_") && !k.starts_with("elim_") && !k.starts_with("min_"));
        form.push((format!("w_{support}"), "95".into()));
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        assert_eq!(r.status(), 303);
        let id = id_from(r.headers()["location"].to_str().unwrap());
        let page = agent.text(&format!("/objectives/{id}")).await;
        assert!(page.contains("il manque 5 points"), "weights message");
        assert!(page.contains("au moins un critère environnemental"));
        let refused = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("il manque 5 points"));

        // A deadline closer than the minimum response period.
        let form = complete_form(&app, "Trop court", &paris_in(&app, 3)).await;
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let id = id_from(r.headers()["location"].to_str().unwrap());
        let refused = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("au moins 7 j"));
        let statuses = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::objectives::table.select(achat_ouvert::db::schema::objectives::status).load::<String>(conn).unwrap()
        }).await;
        assert!(statuses.iter().all(|s| s == "draft"));
        app.stop().await;
    }
}

both_backends! {
    async fn amendments_are_public_essential_ones_flagged_and_deadlines_only_move_later(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Cantines bio", &paris_in(&app, 20)).await;
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let id = id_from(r.headers()["location"].to_str().unwrap());
        agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;
        let edit = format!("/objectives/{id}/edit");
        let action = format!("/objectives/{id}");

        // No reason: refused.
        let mut later = complete_form(&app, "Cantines bio", &paris_in(&app, 40)).await;
        let r = post_pairs(&agent, &edit, &action, &later).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Indiquez le motif"));
        // Brought forward: refused.
        let mut earlier = complete_form(&app, "Cantines bio", &paris_in(&app, 10)).await;
        earlier.push(("reason".into(), "Calendrier".into()));
        let r = post_pairs(&agent, &edit, &action, &earlier).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("jamais avancée"));
        // Extended with a reason: an essential amendment, shown publicly.
        later.push(("reason".into(), "Laisser plus de temps aux groupements".into()));
        let r = post_pairs(&agent, &edit, &action, &later).await;
        assert_eq!(r.status(), 303);
        // A title change alone is not essential.
        let mut retitled = complete_form(&app, "Cantines bio et locales", &paris_in(&app, 40)).await;
        retitled.push(("reason".into(), "Titre plus précis".into()));
        assert_eq!(post_pairs(&agent, &edit, &action, &retitled).await.status(), 303);

        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains("Laisser plus de temps aux groupements") && page.contains("date limite"));
        assert_eq!(page.matches("avenant substantiel").count(), 1);
        let essential = app.with_db(move |conn| {
            achat_ouvert::domain::objectives::load(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap().unwrap().amendments.iter().map(|a| a.essential).collect::<Vec<_>>()
        }).await;
        assert_eq!(essential, vec![true, false]);
        app.stop().await;
    }
}

both_backends! {
    async fn the_deadline_closes_the_objective_without_any_job(backend) {
        let app = spawn_app_with(backend, &[("MIN_RESPONSE_PERIOD", "60")]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Vélos de service", &paris_in(&app, 1)).await;
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let id = id_from(r.headers()["location"].to_str().unwrap());
        assert_eq!(agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await.status(), 303);
        app.clock.advance(chrono::Duration::days(2));
        // (The agent's session has timed out meanwhile.)
        assert_eq!(agent.sign_in("agent@region.example", crate::helpers::PASSWORD).await.status(), 303);
        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains(">Clos<"));
        assert!(app.browser().text("/objectives?status=closed").await.contains("Vélos de service"));
        assert!(!app.browser().text("/objectives?status=open").await.contains("Vélos de service"));
        // Closed: no more amendments, no cancellation.
        assert_eq!(agent.get(&format!("/objectives/{id}/edit")).await.status(), 409);
        let cancel = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/cancel"), &[("reason", "trop tard")]).await;
        assert_eq!(cancel.status(), 409);
        app.stop().await;
    }
}

both_backends! {
    async fn an_agent_cancels_with_a_public_reason_and_others_cannot(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Navettes fluviales", &paris_in(&app, 30)).await;
        let r = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let id = id_from(r.headers()["location"].to_str().unwrap());
        agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await;

        let committee = app.staff("committee@region.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        let supplier = app.supplier_owner("owner@alpha.example", 92).await;
        for (who, browser) in [("committee", &committee), ("admin", &admin), ("supplier", &supplier)] {
            let r = browser.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/cancel"), &[("reason", "non")]).await;
            assert_eq!(r.status(), 403, "{who} cancelled");
            let r = browser.submit("/objectives", "/objectives", &[("title", "x")]).await;
            assert_eq!(r.status(), 403, "{who} created");
            assert_eq!(browser.get("/objectives/new").await.status(), 403, "{who} opened the form");
        }
        assert_eq!(app.browser().get("/objectives/new").await.status(), 303, "anonymous goes to sign-in");

        let empty = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/cancel"), &[("reason", "  ")]).await;
        assert_eq!(empty.status(), 409);
        let done = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/cancel"), &[("reason", "Le besoin est couvert par un marché national.")]).await;
        assert_eq!(done.status(), 303);
        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains("Annulé") && page.contains("Le besoin est couvert par un marché national."));
        app.stop().await;
    }
}
