//! Change support, delivered and heard (issue 17, step 5): the agent's plan prefilled from the
//! winning proposal, the holder's delivery with a material, the invited user of the purchase's
//! attendance and rating, what each role sees (the agent the names, the holder the ratings
//! without names, the public the counts and the average), the JSON API; every refusal (each
//! role, each bad input), nothing written.

use diesel::prelude::*;
use serde_json::Value;

use crate::award::{Published, REASONS, results_published};
use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, api_token, link_to, paris_in, published, spawn_app};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A delivery as the page's multipart form sends it: the CSRF token first, the fields, a file.
async fn deliver(
    b: &Browser,
    page: &str,
    action: i64,
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
    b.client.post(b.url(&format!("/support-actions/{action}/delivery"))).multipart(form).send().await.unwrap()
}

/// (actions, deliveries, materials, users of purchases, ratings) as stored.
async fn counts(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::*;
        (
            support_actions::table.count().get_result(conn).unwrap(),
            support_deliveries::table.count().get_result(conn).unwrap(),
            support_materials::table.count().get_result(conn).unwrap(),
            purchase_users::table.count().get_result(conn).unwrap(),
            support_ratings::table.count().get_result(conn).unwrap(),
        )
    })
    .await
}

/// The actions of an objective, in id order.
async fn actions_of(app: &TestApp, objective: i64) -> Vec<i64> {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::support_actions::dsl::*;
        support_actions.filter(objective_id.eq(objective)).order(id.asc()).select(id).load::<i64>(conn).unwrap()
    })
    .await
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::audit_log;
        audit_log::table
            .filter(audit_log::action.like("support.%"))
            .order(audit_log::id.asc())
            .select(audit_log::action)
            .load::<String>(conn)
            .unwrap()
    })
    .await
}

/// The objective of `s` awarded to its first proposal and its contract signed today; every
/// browser signed in again after the standstill.
async fn signed(app: &TestApp, s: &Published) -> String {
    let o = s.objective;
    let award = format!("/objectives/{o}/award");
    let contract = format!("/objectives/{o}/contract");
    let winner = s.proposals[0].to_string();
    let r =
        s.agent.submit(&award, &award, &[("winner", &winner), ("reasons", REASONS), ("standstill_days", "11")]).await;
    assert_eq!(r.status(), 303);
    app.clock.advance(chrono::Duration::days(12));
    assert_eq!(s.agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
    assert_eq!(s.suppliers[0].sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
    assert_eq!(s.suppliers[1].sign_in("owner@beta.example", PASSWORD).await.status(), 303);
    assert_eq!(s.chair.sign_in("chair@region.example", PASSWORD).await.status(), 303);
    assert_eq!(s.admin.sign_in("admin@region.example", PASSWORD).await.status(), 303);
    let day = paris_in(app, 0)[..10].to_owned();
    let signature = [
        ("object", "Chaleur renouvelable des lycées"),
        ("signed_on", day.as_str()),
        ("notified_on", day.as_str()),
        ("amount", "125000"),
        ("duration_months", "48"),
        ("cpv", "09323000"),
        ("place_kind", "region"),
        ("place_code", "84"),
        ("price_form", "firm"),
        ("price_basis", "lump_sum"),
        ("subcontracting", "no"),
    ];
    assert_eq!(s.agent.submit(&contract, &contract, &signature).await.status(), 303);
    day
}

/// A second objective put in execution straight in the database (a copy of `from`'s contract),
/// with one delivered action: what a user of another purchase must not rate.
async fn other_contract_action(app: &TestApp, agent: &Browser, from: i64) -> i64 {
    let other = published(app, agent, "Mobilier des internats").await;
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::*;
        diesel::update(objectives::table.find(other)).set(objectives::status.eq("in_execution")).execute(conn).unwrap();
        #[allow(clippy::type_complexity)]
        let c: (
            String,
            String,
            chrono::NaiveDate,
            chrono::NaiveDate,
            i64,
            i32,
            String,
            String,
            String,
            String,
            String,
            bool,
            String,
            i64,
            chrono::NaiveDateTime,
        ) = contracts::table
            .find(from)
            .select((
                contracts::object,
                contracts::holders,
                contracts::signed_on,
                contracts::notified_on,
                contracts::amount_cents,
                contracts::duration_months,
                contracts::cpv,
                contracts::place_code,
                contracts::place_kind,
                contracts::price_form,
                contracts::price_basis,
                contracts::subcontracting,
                contracts::considerations,
                contracts::recorded_by,
                contracts::recorded_at,
            ))
            .first(conn)
            .unwrap();
        diesel::insert_into(contracts::table)
            .values((
                contracts::objective_id.eq(other),
                contracts::object.eq(c.0),
                contracts::holders.eq(c.1),
                contracts::signed_on.eq(c.2),
                contracts::notified_on.eq(c.3),
                contracts::amount_cents.eq(c.4),
                contracts::duration_months.eq(c.5),
                contracts::cpv.eq(c.6),
                contracts::place_code.eq(c.7),
                contracts::place_kind.eq(c.8),
                contracts::price_form.eq(c.9),
                contracts::price_basis.eq(c.10),
                contracts::subcontracting.eq(c.11),
                contracts::considerations.eq(c.12),
                contracts::recorded_by.eq(c.13),
                contracts::recorded_at.eq(c.14),
            ))
            .execute(conn)
            .unwrap();
        let action: i64 = diesel::insert_into(support_actions::table)
            .values((
                support_actions::objective_id.eq(other),
                support_actions::kind.eq("awareness"),
                support_actions::description.eq("Sensibilisation"),
                support_actions::audience.eq("Internes"),
                support_actions::planned_on.eq(c.2),
                support_actions::planned_hours.eq(1.0),
                support_actions::created_by.eq(c.13),
                support_actions::created_at.eq(c.14),
            ))
            .returning(support_actions::id)
            .get_result(conn)
            .unwrap();
        diesel::insert_into(support_deliveries::table)
            .values((
                support_deliveries::action_id.eq(action),
                support_deliveries::delivered_on.eq(c.2),
                support_deliveries::participants.eq(5),
                support_deliveries::notes.eq(""),
                support_deliveries::recorded_by.eq(c.13),
                support_deliveries::recorded_at.eq(c.14),
            ))
            .execute(conn)
            .unwrap();
        action
    })
    .await
}

both_backends! {
    async fn an_agent_plans_the_holder_delivers_an_invited_user_rates_and_each_sees_their_part(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Chaleur des lycées").await;
        let o = s.objective;
        let page = format!("/objectives/{o}/change-support");
        let plan = format!("{page}/actions");
        let invite = format!("{page}/users");
        let api = format!("/api/v1/objectives/{o}/change-support");
        let (holder, other) = (&s.suppliers[0], &s.suppliers[1]);

        // Before the signature: nothing may be planned, nothing is public.
        let action = [("kind", "training"), ("description", "Prise en main"), ("audience", "Agents de maintenance"), ("planned_on", "2030-01-01"), ("planned_hours", "3")];
        assert_eq!(app.get(&api).await.status(), 404);
        let day = signed(&app, &s).await;

        // The agent's page shows the winning proposal's change-support section beside the form,
        // and prefills the first action's description with it.
        let text = s.agent.text(&page).await;
        assert!(text.contains("Formation des agents de maintenance, six demi-journées.") && text.contains(">Formation des agents de maintenance, six demi-journées.</textarea>"), "{text}");

        // Bad actions: each field named, nothing written.
        let r = s.agent.submit(&page, &plan, &[("kind", "fête"), ("planned_on", "demain"), ("planned_hours", "0")]).await;
        assert_eq!(r.status(), 422);
        let text = r.text().await.unwrap();
        for expected in ["Type d’action", "Description : obligatoire", "Public visé : obligatoire", "Date prévue : saisissez une date", "Heures prévues : saisissez un nombre positif"] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        for hours in ["-2", "trois", ""] {
            let mut bad = action.to_vec();
            bad[4] = ("planned_hours", hours);
            bad[3] = ("planned_on", day.as_str());
            let r = s.agent.submit(&page, &plan, &bad).await;
            assert_eq!(r.status(), 422, "{hours}");
            assert!(r.text().await.unwrap().contains("Heures prévues"));
        }
        let r = s.agent.submit(&page, &plan, &[("kind", "training"), ("description", "Prise en main"), ("audience", "Agents"), ("planned_on", "2001-01-01"), ("planned_hours", "3")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("ne peut pas précéder la signature"));
        // Only agents plan: the holder, another supplier, a committee member, an administrator are refused.
        let today_action = [("kind", "training"), ("description", "Prise en main des chaufferies"), ("audience", "Agents de maintenance"), ("planned_on", day.as_str()), ("planned_hours", "3,5")];
        for who in [holder, other, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &plan, &today_action).await.status(), 403);
        }
        let anonymous = app.browser().post_raw(&plan, &today_action).await.status();
        assert!(anonymous == 303 || anonymous == 403, "{anonymous}");
        assert_eq!(counts(&app).await, (0, 0, 0, 0, 0));

        // Three actions: two due today, one later (planned, not delivered).
        assert_eq!(s.agent.submit(&page, &plan, &today_action).await.status(), 303);
        assert_eq!(s.agent.submit(&page, &plan, &[("kind", "coaching"), ("description", "Suivi des réglages"), ("audience", "Gestionnaires"), ("planned_on", day.as_str()), ("planned_hours", "2")]).await.status(), 303);
        let agent_token = api_token(&s.agent).await;
        let api_plan = format!("/api/v1/objectives/{o}/change-support/actions");
        let r = app.client.post(app.url(&api_plan)).bearer_auth(&agent_token).json(&serde_json::json!({"kind": "advice", "description": "Conseil", "audience": "Direction", "planned_on": "2030-06-01", "planned_hours": "0"})).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let json: Value = r.json().await.unwrap();
        assert_eq!(json["error"]["code"], "invalid_fields");
        let holder_token = api_token(holder).await;
        let r = app.client.post(app.url(&api_plan)).bearer_auth(&holder_token).json(&serde_json::json!({"kind": "advice", "description": "Conseil", "audience": "Direction", "planned_on": "2030-06-01", "planned_hours": "1"})).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = app.client.post(app.url(&api_plan)).bearer_auth(&agent_token).json(&serde_json::json!({"kind": "advice", "description": "Conseil budgétaire aux intendances", "audience": "Direction", "planned_on": "2030-06-01", "planned_hours": "1"})).send().await.unwrap();
        assert_eq!(r.status(), 201);
        let ids = actions_of(&app, o).await;
        assert_eq!(ids.len(), 3);
        let (training, coaching, later) = (ids[0], ids[1], ids[2]);
        assert_eq!(r.json::<Value>().await.unwrap()["id"], later);

        // The holder's home lists the actions to record; the other supplier's does not.
        let home = holder.text("/work").await;
        assert!(home.contains("Action à enregistrer : Formation — Agents de maintenance") && home.contains(&format!("/objectives/{o}/change-support#a{training}")), "{home}");
        assert!(!home.contains("Action à enregistrer : Conseil"), "planned later: not due yet");
        assert!(!other.text("/work").await.contains("Action à enregistrer"));

        // The page: agents, the holder; nobody else (not yet a user of the purchase).
        for who in [other, &s.chair, &s.admin] {
            assert_eq!(who.get(&page).await.status(), 403);
        }
        assert_eq!(app.browser().get(&page).await.status(), 303, "visitors are sent to sign in");

        // Bad deliveries, nothing written: participants not a positive number, a date in the
        // future or not a date; a delivery by anyone but the holder.
        let tomorrow = paris_in(&app, 1)[..10].to_owned();
        let r = deliver(holder, &page, training, &[("delivered_on", day.as_str()), ("participants", "0")], Some(("Guide.pdf", PDF))).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Participants : saisissez un nombre entier positif"));
        let r = deliver(holder, &page, training, &[("delivered_on", tomorrow.as_str()), ("participants", "12")], None).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Date de réalisation : elle ne peut pas être dans le futur"));
        assert_eq!(deliver(holder, &page, training, &[("delivered_on", "hier"), ("participants", "12")], None).await.status(), 422);
        for who in [other, &s.agent, &s.chair, &s.admin] {
            assert_eq!(deliver(who, "/", training, &[("delivered_on", day.as_str()), ("participants", "12")], Some(("Guide.pdf", PDF))).await.status(), 403);
        }
        let r = app.client.post(app.url(&format!("/api/v1/support-actions/{training}/delivery"))).bearer_auth(&agent_token).json(&serde_json::json!({"delivered_on": day, "participants": "12"})).send().await.unwrap();
        assert_eq!(r.status(), 403);
        assert_eq!(counts(&app).await, (3, 0, 0, 0, 0));

        // The holder records the training with its material, then the coaching through the API.
        assert_eq!(deliver(holder, &page, training, &[("delivered_on", day.as_str()), ("participants", "12"), ("notes", "Deux groupes")], Some(("Guide d’usage.pdf", PDF))).await.status(), 303);
        let r = deliver(holder, &page, training, &[("delivered_on", day.as_str()), ("participants", "3")], None).await;
        assert_eq!(r.status(), 409, "delivered once");
        let r = app.client.post(app.url(&format!("/api/v1/support-actions/{coaching}/delivery"))).bearer_auth(&holder_token).json(&serde_json::json!({"delivered_on": day, "participants": "-1"})).send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = app.client.post(app.url(&format!("/api/v1/support-actions/{coaching}/delivery"))).bearer_auth(&holder_token).json(&serde_json::json!({"delivered_on": day, "participants": "4"})).send().await.unwrap();
        assert_eq!(r.status(), 204);
        assert_eq!(counts(&app).await, (3, 2, 1, 0, 0));
        assert!(!holder.text("/work").await.contains("Action à enregistrer"), "recorded: no longer due");
        let material = app.with_db(|conn| achat_ouvert::db::schema::support_materials::table.select(achat_ouvert::db::schema::support_materials::id).first::<i64>(conn).unwrap()).await;
        let material = format!("/support-materials/{material}");
        assert!(s.agent.text(&page).await.contains(&format!("href=\"{material}\"")));

        // Inviting: only agents; a bad address is named; a new address gets a set-password link.
        for who in [holder, other, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &invite, &[("email", "camille.martin@lycee.example")]).await.status(), 403);
        }
        let r = s.agent.submit(&page, &invite, &[("email", "pas une adresse")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Adresse électronique de l’usager"));
        assert_eq!(counts(&app).await.3, 0);
        let invited = s.agent.submit(&page, &invite, &[("email", "camille.martin@lycee.example")]).await;
        assert_eq!(invited.status(), 303);
        let mail = app.last_mail_to("camille.martin@lycee.example").await;
        assert!(mail.subject.contains("Chaleur des lycées"), "{}", mail.subject);
        let link = link_to(&mail.body_text, "/account/set-password");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let user = app.browser();
        let done = user.submit(&link, "/account/set-password", &[("token", &token), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await;
        assert_eq!(done.status(), 200);
        assert_eq!(user.sign_in("camille.martin@lycee.example", PASSWORD).await.status(), 303);

        // An address that has an account is answered the same, and told to sign in (no link).
        app.create_staff("existing@lycee.example", &[]).await;
        let again = s.agent.submit(&page, &invite, &[("email", "existing@lycee.example")]).await;
        assert_eq!(again.status(), invited.status());
        assert_eq!(again.headers()["location"], invited.headers()["location"]);
        let mail = app.last_mail_to("existing@lycee.example").await;
        assert!(!mail.body_text.contains("set-password") && mail.body_text.contains(&format!("/objectives/{o}/change-support")), "{}", mail.body_text);
        assert_eq!(counts(&app).await.3, 2);

        // The user of the purchase: no supplier or staff right; their home lists what to rate.
        for path in ["/proposals", "/organisation", "/admin/users", &format!("/objectives/{o}/indicators"), &format!("/objectives/{o}/award")] {
            let status = user.get(path).await.status();
            assert_ne!(status, 200, "{path}");
        }
        let home = user.text("/work").await;
        assert!(home.contains("Action à évaluer : Formation") && home.contains("Action à évaluer : Accompagnement individuel"), "{home}");
        let text = user.text(&page).await;
        assert!(text.contains("Prise en main des chaufferies") && !text.contains("Conseil budgétaire aux intendances"), "only the delivered actions: {text}");
        let r = user.get(&material).await;
        assert_eq!(r.status(), 200, "the material is for the users too");
        assert_eq!(r.bytes().await.unwrap().as_ref(), PDF);

        // Bad ratings, nothing written: outside 1–5, attendance not confirmed, not delivered,
        // an action of another contract, by anyone who is not a user of this purchase.
        let rating = |a: i64| format!("/support-actions/{a}/rating");
        for bad in ["0", "6", "quatre", ""] {
            let r = user.submit(&page, &rating(training), &[("attended", "true"), ("rating", bad)]).await;
            assert_eq!(r.status(), 422, "{bad}");
            assert!(r.text().await.unwrap().contains("Utilité : choisissez une note de 1 à 5"));
        }
        let r = user.submit(&page, &rating(training), &[("rating", "4")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Participation : cochez la case"));
        let r = user.submit(&page, &rating(later), &[("attended", "true"), ("rating", "4")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("pas encore réalisée"));
        let elsewhere = other_contract_action(&app, &s.agent, o).await;
        assert_eq!(user.submit(&page, &rating(elsewhere), &[("attended", "true"), ("rating", "4")]).await.status(), 403, "an action of another contract");
        assert_eq!(user.get(&format!("/objectives/{}/change-support", elsewhere_objective(&app, elsewhere).await)).await.status(), 403);
        for who in [holder, other, &s.agent, &s.chair, &s.admin] {
            assert_eq!(who.submit("/", &rating(training), &[("attended", "true"), ("rating", "4")]).await.status(), 403);
        }
        let anonymous = app.browser().post_raw(&rating(training), &[("attended", "true"), ("rating", "4")]).await.status();
        assert!(anonymous == 303 || anonymous == 403, "{anonymous}");
        assert_eq!(counts(&app).await.4, 0);

        // The user rates; twice is refused.
        assert_eq!(user.submit(&page, &rating(training), &[("attended", "true"), ("rating", "4"), ("comment", "Très clair, merci")]).await.status(), 303);
        let r = user.submit(&page, &rating(training), &[("attended", "true"), ("rating", "5")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("déjà évalué"));
        assert_eq!(counts(&app).await.4, 1);
        let home = user.text("/work").await;
        assert!(!home.contains("Action à évaluer : Formation") && home.contains("Action à évaluer : Accompagnement individuel"));
        assert!(user.text(&page).await.contains("Vous avez évalué cette action : 4 sur 5"));

        // The agent sees planned against delivered, the ratings and who gave them.
        let text = s.agent.text(&page).await;
        for expected in ["Prévu et réalisé", "camille.martin", "Très clair, merci", "4 sur 5", "Réalisée le", "12 participants", "Pas encore réalisée"] {
            assert!(text.contains(expected), "{expected}: {text}");
        }
        // The holder sees the ratings and comments, without the names.
        let text = holder.text(&page).await;
        assert!(text.contains("Très clair, merci") && text.contains("4 sur 5"), "{text}");
        assert!(!text.contains("camille.martin") && !text.contains("existing@lycee.example"), "no names for the holder: {text}");
        // The public sees the counts and the average, no comment.
        let text = app.get(&format!("/objectives/{o}")).await.text().await.unwrap();
        assert!(text.contains("Accompagnement au changement") && text.contains("4 sur 5"), "{text}");
        assert!(!text.contains("Très clair") && !text.contains("camille.martin"));
        let json: Value = app.get(&api).await.json().await.unwrap();
        let summary = &json["summary"];
        assert_eq!((summary["planned"].as_i64(), summary["delivered"].as_i64(), summary["participants"].as_i64(), summary["ratings"].as_i64()), (Some(3), Some(2), Some(16), Some(1)));
        assert_eq!(summary["average_rating"], 4.0);
        assert_eq!(summary["planned_hours"], 6.5);
        assert_eq!(json["actions"][0]["kind"], "training");
        assert_eq!(json["actions"][0]["delivered_on"], day.as_str());
        assert!(!json.to_string().contains("Très clair"), "no comment in the public JSON");
        let openapi: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
        for (path, method) in [("/api/v1/objectives/{id}/change-support", "get"), ("/api/v1/objectives/{id}/change-support/actions", "post"), ("/api/v1/support-actions/{id}/delivery", "post")] {
            assert!(openapi["paths"][path][method].is_object(), "{path}");
        }

        assert_eq!(
            audit_actions(&app).await,
            ["support.action_planned", "support.action_planned", "support.action_planned", "support.action_delivered", "support.action_delivered", "support.user_invited", "support.user_invited", "support.action_rated"]
        );
    }
}

/// The objective of an action.
async fn elsewhere_objective(app: &TestApp, action: i64) -> i64 {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::support_actions::dsl::*;
        support_actions.find(action).select(objective_id).first::<i64>(conn).unwrap()
    })
    .await
}
