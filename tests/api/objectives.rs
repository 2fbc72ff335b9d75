//! Objectives: drafting, publishing, amending, closing, cancelling; who may do what.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{complete_form, criterion, id_from, paris_in, post_pairs, published, spawn_app, spawn_app_with};

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

        // The objective's page leads to a confirmation page of its own, which says what cannot be undone.
        let page = agent.text(&format!("/objectives/{id}")).await;
        assert!(page.contains(&format!("href=\"/objectives/{id}/cancel\"")) && !page.contains(&format!("action=\"/objectives/{id}/cancel\"")));
        for (who, browser) in [("committee", &committee), ("supplier", &supplier)] {
            assert_eq!(browser.get(&format!("/objectives/{id}/cancel")).await.status(), 403, "{who} saw the confirmation");
        }
        let confirm = agent.text(&format!("/objectives/{id}/cancel")).await;
        assert!(confirm.contains("Annuler l’objectif ?") && confirm.contains("ne peut pas être reprise") && confirm.contains("button-danger"));
        let empty = agent.submit(&format!("/objectives/{id}/cancel"), &format!("/objectives/{id}/cancel"), &[("reason", "  ")]).await;
        assert_eq!(empty.status(), 422);
        let empty = empty.text().await.unwrap();
        assert!(empty.contains("id=\"error-summary\"") && empty.contains("href=\"#reason\"") && empty.contains("Annuler l’objectif ?"), "{empty}");
        assert!(app.browser().text(&format!("/objectives/{id}")).await.contains("Ouvert aux propositions"), "nothing changed");
        let done = agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/cancel"), &[("reason", "Le besoin est couvert par un marché national.")]).await;
        assert_eq!(done.status(), 303);
        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains("Annulé") && page.contains("Le besoin est couvert par un marché national."));
        app.stop().await;
    }
}

both_backends! {
    async fn suppliers_ask_agents_answer_publicly_and_the_asker_is_told(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let id = published(&app, &agent, "Éclairage public sobre").await;
        let supplier = app.supplier_owner("owner@alpha.example", 93).await;
        let page = format!("/objectives/{id}");

        let short = supplier.submit(&page, &format!("/objectives/{id}/questions"), &[("question", "Quoi ?")]).await;
        assert_eq!(short.status(), 422);
        let again = short.text().await.unwrap();
        assert!(again.contains("aria-describedby=\"question-hint question-error\"") && again.contains(">Quoi ?</textarea>"), "the page again, the text kept, the error tied to the field");
        let asked = supplier.submit(&page, &format!("/objectives/{id}/questions"), &[("question", "Un groupement conjoint peut-il répondre ?")]).await;
        assert_eq!(asked.status(), 303);
        // Not public until answered; the asker sees it waiting.
        assert!(!app.browser().text(&page).await.contains("groupement conjoint"));
        assert!(supplier.text(&page).await.contains("Vos questions en attente"));
        // Only agents answer; an agent cannot ask as a supplier.
        let qid = app.with_db(move |conn| achat_ouvert::domain::questions::pending(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap()[0].id.0).await;
        let answer_path = format!("/objectives/{id}/questions/{qid}/answer");
        assert_eq!(supplier.submit(&page, &answer_path, &[("answer", "Oui, bien sûr que oui.")]).await.status(), 403);
        assert_eq!(agent.submit(&page, &format!("/objectives/{id}/questions"), &[("question", "Une question d’agent ?")]).await.status(), 403);

        let answered = agent.submit(&page, &answer_path, &[("answer", "Oui : conjoint ou solidaire, avec un mandataire.")]).await;
        assert_eq!(answered.status(), 303);
        let public = app.browser().text(&page).await;
        assert!(public.contains("Un groupement conjoint peut-il répondre ?") && public.contains("avec un mandataire"));
        assert!(!public.contains("owner@alpha.example") && !public.contains("Entreprise 93"), "the asker stays anonymous");
        let mail = app.last_mail_to("owner@alpha.example").await;
        assert_eq!(mail.subject, "Nouvelle réponse : Éclairage public sobre");
        assert_eq!(agent.submit(&page, &answer_path, &[("answer", "Une deuxième réponse.")]).await.status(), 404);

        // An agent publishes a question of their own.
        let own = agent.submit(&page, &format!("/objectives/{id}/questions/publish"), &[("question", "Une visite des sites est-elle prévue ?"), ("answer", "Oui, le 15 du mois prochain.")]).await;
        assert_eq!(own.status(), 303);
        assert!(app.browser().text(&page).await.contains("Une visite des sites est-elle prévue ?"));

        // Past the deadline, no more questions.
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(supplier.sign_in("owner@alpha.example", crate::helpers::PASSWORD).await.status(), 303);
        let late = supplier.submit(&page, &format!("/objectives/{id}/questions"), &[("question", "Est-il encore temps de demander ?")]).await;
        assert_eq!(late.status(), 409);
        app.stop().await;
    }
}

both_backends! {
    async fn followers_hear_of_publications_essential_amendments_and_answers(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let supplier = app.supplier_owner("owner@alpha.example", 94).await;
        let other = app.supplier_owner("owner@beta.example", 95).await;
        assert_eq!(supplier.submit("/account/subscriptions", "/account/subscriptions", &[("themes", "energie")]).await.status(), 303);
        assert_eq!(other.submit("/account/subscriptions", "/account/subscriptions", &[("themes", "mobilite")]).await.status(), 303);
        assert!(supplier.text("/account/subscriptions").await.contains("value=\"energie\" checked"));

        let id = published(&app, &agent, "Chaufferies bois").await;
        assert_eq!(app.last_mail_to("owner@alpha.example").await.subject, "Nouvel objectif : Chaufferies bois");
        assert!(app.outbox().await.iter().all(|m| !(m.to_address == "owner@beta.example" && m.subject.contains("Chaufferies"))));

        // The other supplier follows the objective itself, then an essential amendment is published.
        assert_eq!(other.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/follow"), &[]).await.status(), 303);
        assert!(other.text("/account/subscriptions").await.contains("Chaufferies bois"));
        let mut later = complete_form(&app, "Chaufferies bois", &paris_in(&app, 45)).await;
        later.push(("reason".into(), "Délai supplémentaire".into()));
        assert_eq!(post_pairs(&agent, &format!("/objectives/{id}/edit"), &format!("/objectives/{id}"), &later).await.status(), 303);
        for who in ["owner@alpha.example", "owner@beta.example"] {
            let mail = app.last_mail_to(who).await;
            assert_eq!(mail.subject, "Avenant substantiel : Chaufferies bois", "{who}");
            assert!(mail.body_text.contains("Délai supplémentaire"));
        }
        // Unfollowing stops the mails.
        assert_eq!(other.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/unfollow"), &[]).await.status(), 303);
        agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/questions/publish"), &[("question", "Le bois doit-il être local ?"), ("answer", "Il est attendu dans un rayon de 150 km.")]).await;
        assert!(app.outbox().await.iter().all(|m| !(m.to_address == "owner@beta.example" && m.subject.starts_with("Nouvelle réponse"))));
        app.stop().await;
    }
}

both_backends! {
    async fn browser_line_endings_do_not_make_an_amendment_essential(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let id = published(&app, &agent, "Toitures végétalisées").await;
        // Resubmit everything as a browser does (CRLF line ends), changing only the title.
        let mut form = complete_form(&app, "Toitures végétalisées et pluviales", &paris_in(&app, 30)).await;
        let stored = app.with_db(move |conn| achat_ouvert::domain::objectives::load(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap().unwrap().objective).await;
        for (k, v) in form.iter_mut() {
            if k == "need" {
                *v = stored.need.replace('\n', "\r\n");
            }
            if k == "deadline" {
                *v = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &stored.deadline_at.unwrap()).format("%Y-%m-%dT%H:%M").to_string();
            }
        }
        form.push(("reason".into(), "Titre plus clair".into()));
        assert_eq!(post_pairs(&agent, &format!("/objectives/{id}/edit"), &format!("/objectives/{id}"), &form).await.status(), 303);
        let amendments = app.with_db(move |conn| achat_ouvert::domain::objectives::load(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap().unwrap().amendments).await;
        assert_eq!(amendments.len(), 1);
        assert!(!amendments[0].essential, "{:?}", amendments[0].changes);
        assert_eq!(amendments[0].change_list().iter().map(|c| c.field.as_str()).collect::<Vec<_>>(), vec!["title"]);
        // The before/after values are public.
        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains("Toitures végétalisées et pluviales") && page.contains("Avant et après"));
        app.stop().await;
    }
}

both_backends! {
    async fn a_search_keeps_its_words_from_page_to_page(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        // 21 matches (one more than a page holds) and one objective the search must never list.
        for n in 1..=21 {
            published(&app, &agent, &format!("Vélos de service {n}")).await;
        }
        published(&app, &agent, "Chaufferie bois du lycée").await;

        let visitor = app.browser();
        let first = visitor.text("/objectives?q=velos").await;
        assert_eq!(first.matches("class=\"objective-card\"").count(), 20);
        assert!(first.contains("href=\"/objectives?q=velos&amp;page=2\""), "the next page keeps the search");
        let second = visitor.text("/objectives?q=velos&page=2").await;
        assert_eq!(second.matches("class=\"objective-card\"").count(), 1);
        assert!(!second.contains("Chaufferie bois"), "page 2 of a search lists only matches");
        app.stop().await;
    }
}

both_backends! {
    async fn a_draft_is_deleted_only_after_its_confirmation_page(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let r = agent.submit("/objectives/new", "/objectives", &[("title", "Brouillon à jeter")]).await;
        let id = id_from(r.headers()["location"].to_str().unwrap());
        let page = agent.text(&format!("/objectives/{id}")).await;
        assert!(page.contains(&format!("href=\"/objectives/{id}/delete\"")), "a link to the confirmation, not a button that deletes");
        assert!(!page.contains(&format!("action=\"/objectives/{id}/delete\"")));
        let confirm = agent.text(&format!("/objectives/{id}/delete")).await;
        assert!(confirm.contains("Supprimer ce brouillon ?") && confirm.contains("ne peut pas être récupéré"));
        assert!(confirm.contains(&format!("action=\"/objectives/{id}/delete\"")));

        let supplier = app.supplier_owner("owner@alpha.example", 93).await;
        assert_eq!(supplier.get(&format!("/objectives/{id}/delete")).await.status(), 403);
        assert_eq!(supplier.submit("/proposals", &format!("/objectives/{id}/delete"), &[]).await.status(), 403);
        assert_eq!(agent.get(&format!("/objectives/{id}")).await.status(), 200, "still there");

        let done = agent.submit(&format!("/objectives/{id}/delete"), &format!("/objectives/{id}/delete"), &[]).await;
        assert_eq!(done.status(), 303);
        assert_eq!(agent.get(&format!("/objectives/{id}")).await.status(), 404);

        // A published objective is never deleted: its confirmation page is refused too.
        let published_id = published(&app, &agent, "Objectif publié").await;
        let refused = agent.get(&format!("/objectives/{published_id}/delete")).await;
        assert_eq!(refused.status(), 409);
        app.stop().await;
    }
}
