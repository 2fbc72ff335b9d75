//! Market consultation before the call: a draft in consultation, contributions (public and
//! confidential, read by each role), a meeting with its waiting list, reminder and minutes, the
//! synthesis, and the open call with every refusal on the way (nothing written when refused).

use achat_ouvert::db::ids::ConsultationId;
use achat_ouvert::db::schema::{consultation_contributions, consultations, mail_outbox, meeting_registrations};
use achat_ouvert::domain::consultation;
use achat_ouvert::domain::users::Role;
use diesel::prelude::*;

use crate::both_backends;
use crate::helpers::{
    Browser, TestApp, api_token, complete_form, id_from, org_member, paris_in, post_pairs, spawn_app_with,
};

async fn count_contributions(app: &TestApp) -> i64 {
    app.with_db(|conn| consultation_contributions::table.count().get_result::<i64>(conn).unwrap()).await
}

/// A verified user with neither role nor organisation, signed in.
async fn person(app: &TestApp, email: &str) -> Browser {
    app.staff(email, &[]).await
}

fn after(location: &str, prefix: &str) -> i64 {
    location.trim_start_matches(prefix).split(['/', '?']).next().unwrap().parse().unwrap()
}

async fn contribute(b: &Browser, id: i64, body: &str, confidential: bool) -> reqwest::Response {
    let page = format!("/consultations/{id}");
    let action = format!("/consultations/{id}/contributions");
    let mut fields = vec![("body", body)];
    if confidential {
        fields.push(("confidential", "true"));
    }
    b.submit(&page, &action, &fields).await
}

both_backends! {
    async fn a_need_goes_from_consultation_to_the_open_call_with_every_refusal(backend) {
        // Sessions outlive the week the test skips.
        let app = spawn_app_with(backend, &[("SESSION_IDLE_TIMEOUT", "2592000"), ("SESSION_MAX_AGE", "2592000")]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let form = complete_form(&app, "Rénovation des lycées", &paris_in(&app, 30)).await;
        let created = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let objective = id_from(created.headers()["location"].to_str().unwrap());
        let new_page = format!("/objectives/{objective}/consultation");
        assert!(agent.text(&format!("/objectives/{objective}")).await.contains(&new_page), "the draft offers a consultation");

        // A bad form: 422, its errors by their fields, values kept, nothing written.
        let bad = agent.submit(&new_page, &new_page, &[("need", "Le besoin"), ("questions", ""), ("closes_at", "2020-01-01T10:00")]).await;
        assert_eq!(bad.status(), 422);
        let body = bad.text().await.unwrap();
        assert!(body.contains("error-summary") && body.contains("href=\"#questions\"") && body.contains("href=\"#closes_at\""), "{body}");
        assert!(body.contains("Le besoin"), "values kept");
        assert_eq!(app.with_db(|conn| consultations::table.count().get_result::<i64>(conn).unwrap()).await, 0);
        // Only agents put a draft in consultation.
        let owner = app.supplier_owner("owner@alpha.example", 11).await;
        assert_eq!(owner.get(&new_page).await.status(), 403);

        let opened = agent
            .submit(&new_page, &new_page, &[
                ("need", "Réduire de moitié l’énergie des lycées, **sans fermer** les classes."),
                ("questions", "Quelle durée de chantier ?\nQuels matériaux biosourcés ?"),
                ("closes_at", &paris_in(&app, 5)),
            ])
            .await;
        assert_eq!(opened.status(), 303);
        let id = after(opened.headers()["location"].to_str().unwrap(), "/consultations/");
        let page = format!("/consultations/{id}");
        // A second consultation of the same objective is refused.
        let again = agent.submit(&new_page, &new_page, &[("need", "x"), ("questions", "Q ?"), ("closes_at", &paris_in(&app, 5))]).await;
        assert_eq!(again.status(), 409);

        // Public at once, for everyone, while the objective stays a draft.
        let visitor = app.browser();
        let public = visitor.text(&page).await;
        for expected in ["Rénovation des lycées", "Quelle durée de chantier ?", "Quels matériaux biosourcés ?", "<strong>sans fermer</strong>", "Consultation ouverte"] {
            assert!(public.contains(expected), "{expected} missing");
        }
        assert_eq!(visitor.get(&format!("/objectives/{objective}")).await.status(), 404);
        assert!(visitor.text("/consultations").await.contains("Rénovation des lycées"));
        assert!(visitor.text("/objectives").await.contains("href=\"/consultations\""));

        // A meeting of one seat in three days; a bad one is refused and nothing added.
        let manage = format!("/consultations/{id}/manage");
        let meetings = format!("/consultations/{id}/meetings");
        let refused = agent.submit(&manage, &meetings, &[("starts_at", &paris_in(&app, 3)), ("place", ""), ("online_url", "ftp://x"), ("capacity", "0")]).await;
        assert_eq!(refused.status(), 422);
        let body = refused.text().await.unwrap();
        assert!(body.contains("href=\"#capacity\"") && body.contains("href=\"#online_url\"") && body.contains("href=\"#place\""), "{body}");
        assert_eq!(owner.get(&manage).await.status(), 403);
        assert_eq!(agent.submit(&manage, &meetings, &[("starts_at", &paris_in(&app, 3)), ("place", "Hôtel de Région, salle 2"), ("online_url", ""), ("capacity", "1")]).await.status(), 303);
        let meeting = app.with_db(move |conn| consultation::meetings::list(conn, ConsultationId(id)).unwrap()[0].meeting.id.0).await;
        assert_eq!(app.with_db(move |conn| consultation::meetings::list(conn, ConsultationId(id)).unwrap().len()).await, 1);

        // Contributions from each kind of registered user.
        let member = org_member(&app, &owner, "member@alpha.example").await;
        let other = app.supplier_owner("owner@beta.example", 12).await;
        let citizen = person(&app, "person@example.org").await;
        let committee = app.staff("member@committee.example", &[Role::Committee]).await;
        let admin = app.admin("admin@region.example").await;
        assert_eq!(contribute(&owner, id, "Huit mois de chantier, en deux étés.", false).await.status(), 303);
        assert_eq!(contribute(&member, id, "Notre prix de revient du chanvre : 12 € le m².", true).await.status(), 303);
        assert_eq!(contribute(&other, id, "La paille est disponible dans la région.", false).await.status(), 303);
        assert_eq!(contribute(&citizen, id, "Pensez aux élèves pendant les travaux.", false).await.status(), 303);
        assert_eq!(contribute(&committee, id, "Un avis de membre de comité, public.", false).await.status(), 303);
        // The region's own staff does not contribute; a too short text is refused, kept, nothing written.
        assert_eq!(contribute(&admin, id, "Un avis de l’administrateur.", false).await.status(), 403);
        assert_eq!(contribute(&agent, id, "Un avis de l’agent lui-même.", false).await.status(), 403);
        let short = contribute(&owner, id, "court", true).await;
        assert_eq!(short.status(), 422);
        let body = short.text().await.unwrap();
        assert!(body.contains("href=\"#body\"") && body.contains(">court</textarea>") && body.contains("checked"), "{body}");
        // Anonymous: refused, nothing written.
        visitor.post_raw(&format!("/consultations/{id}/contributions"), &[("body", "anonyme, refusé")]).await;
        assert_eq!(count_contributions(&app).await, 5);

        // The confidential contribution: agents and its own organisation read it, nobody else.
        let all = app.with_db(move |conn| consultation::contributions(conn, ConsultationId(id), true).unwrap()).await;
        let secret = all.iter().find(|s| s.contribution.confidential).unwrap().contribution.id.0;
        let public_one = all.iter().find(|s| !s.contribution.confidential).unwrap().contribution.id.0;
        let secret_page = format!("/consultations/{id}/contributions/{secret}");
        for (who, b) in [("agent", &agent), ("its author", &member), ("its organisation's owner", &owner)] {
            let r = b.get(&secret_page).await;
            assert_eq!(r.status(), 200, "{who}");
            assert!(r.text().await.unwrap().contains("12 € le m²"), "{who}");
        }
        for (who, b) in [("another supplier", &other), ("a registered person", &citizen), ("a committee member", &committee), ("an administrator", &admin)] {
            let r = b.get(&secret_page).await;
            assert_eq!(r.status(), 403, "{who}");
            assert!(!r.text().await.unwrap().contains("12 € le m²"), "{who}");
        }
        assert_eq!(visitor.get(&secret_page).await.status(), 303, "anonymous: sign in first");
        assert_eq!(visitor.get(&format!("/consultations/{id}/contributions/{public_one}")).await.status(), 200);
        let seen_by_other = other.text(&page).await;
        assert!(!seen_by_other.contains("12 € le m²") && seen_by_other.contains("La paille est disponible") && seen_by_other.contains("Une contribution confidentielle"));
        assert!(agent.text(&manage).await.contains("12 € le m²"));
        assert!(member.text(&page).await.contains("12 € le m²"), "its organisation sees it on the page");
        // The API: public without the secret; 401 anonymous and 403 for another supplier on the secret.
        let api = visitor.get(&format!("/api/v1/consultations/{id}")).await;
        assert_eq!(api.status(), 200);
        let json: serde_json::Value = api.json().await.unwrap();
        assert_eq!(json["stage"], "open");
        assert_eq!(json["contributions"].as_array().unwrap().len(), 4);
        assert_eq!(json["confidential_hidden"], 1);
        assert_eq!(json["questions"].as_array().unwrap().len(), 2);
        assert_eq!(json["meetings"][0]["seats_left"], 1);
        assert_eq!(visitor.get(&format!("/api/v1/consultations/{id}/contributions/{secret}")).await.status(), 401);
        let other_token = api_token(&other).await;
        let r = app.client.get(app.url(&format!("/api/v1/consultations/{id}/contributions/{secret}"))).bearer_auth(&other_token).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let agent_token = api_token(&agent).await;
        let r = app.client.get(app.url(&format!("/api/v1/consultations/{id}/contributions/{secret}"))).bearer_auth(&agent_token).send().await.unwrap();
        assert_eq!(r.status(), 200);

        // The meeting: the owner takes the only seat (a reminder queued for the day before), the
        // other supplier goes to the waiting list and is told so.
        let register = format!("/consultations/{id}/meetings/{meeting}/register");
        let cancel = format!("/consultations/{id}/meetings/{meeting}/cancel");
        assert_eq!(owner.submit(&page, &register, &[]).await.headers()["location"].to_str().unwrap(), format!("/consultations/{id}?done=registered#meetings").as_str());
        assert_eq!(owner.submit(&page, &register, &[]).await.status(), 409, "twice");
        let reminder: (i64, chrono::NaiveDateTime) = app
            .with_db(|conn| {
                let mail: i64 = meeting_registrations::table.select(meeting_registrations::reminder_mail_id.assume_not_null()).first(conn).unwrap();
                let at = mail_outbox::table.find(mail).select(mail_outbox::next_attempt_at).first(conn).unwrap();
                (mail, at)
            })
            .await;
        let starts = app.with_db(move |conn| consultation::meetings::list(conn, ConsultationId(id)).unwrap()[0].meeting.starts_at).await;
        assert_eq!(reminder.1, starts - chrono::Duration::hours(24), "the reminder leaves the day before");
        let waiting = other.submit(&page, &register, &[]).await;
        assert_eq!(waiting.headers()["location"].to_str().unwrap(), format!("/consultations/{id}?done=waiting#meetings").as_str());
        let shown = other.text(&format!("/consultations/{id}?done=waiting")).await;
        assert!(shown.contains("vous êtes en liste d’attente") && shown.contains("en position 1"), "said so");
        let json: serde_json::Value = visitor.get(&format!("/api/v1/consultations/{id}")).await.json().await.unwrap();
        assert_eq!((json["meetings"][0]["seats_left"].clone(), json["meetings"][0]["waiting"].clone()), (serde_json::json!(0), serde_json::json!(1)));
        assert!(citizen.text(&page).await.contains("La réunion est complète"), "the full meeting says where a registration goes");
        // The owner cancels: the unsent reminder is withdrawn, the first waiting takes the seat and is mailed.
        assert_eq!(owner.submit(&page, &cancel, &[]).await.status(), 303);
        let reminder_id = reminder.0;
        assert_eq!(app.with_db(move |conn| mail_outbox::table.find(reminder_id).count().get_result::<i64>(conn).unwrap()).await, 0);
        assert!(app.last_mail_to("owner@beta.example").await.subject.contains("Une place s’est libérée"));
        assert!(other.text(&page).await.contains("Vous êtes inscrit à cette réunion"));
        assert_eq!(owner.submit(&page, &cancel, &[]).await.status(), 409, "not registered any more");
        // The citizen registers through the API: waiting.
        let citizen_token = api_token(&citizen).await;
        let r = app.client.post(app.url(&format!("/api/v1/consultations/{id}/meetings/{meeting}/registration"))).bearer_auth(&citizen_token).send().await.unwrap();
        assert_eq!(r.status(), 201);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["standing"], "waiting");

        // Before the closing date: no synthesis, no call.
        let synthesis = format!("/consultations/{id}/synthesis");
        let early = agent.submit(&manage, &synthesis, &[("synthesis", "Trop tôt.")]).await;
        assert_eq!(early.status(), 409);
        assert!(early.text().await.unwrap().contains("encore ouverte"));
        let call = format!("/consultations/{id}/open-call");
        let refused = agent.submit(&call, &call, &[("note", "Rien.")]).await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("avant la publication de la synthèse"), "said so");

        // After the closing date: contributions refused on the page and through the API, nothing written.
        app.clock.advance(chrono::Duration::days(6));
        let late = contribute(&other, id, "Une contribution en retard.", false).await;
        assert_eq!(late.status(), 409);
        assert!(late.text().await.unwrap().contains("La consultation est close"));
        let r = app.client.post(app.url(&format!("/api/v1/consultations/{id}/contributions"))).bearer_auth(&other_token)
            .json(&serde_json::json!({ "body": "Une contribution en retard.", "confidential": false })).send().await.unwrap();
        assert_eq!(r.status(), 409);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "consultation_closed");
        assert_eq!(count_contributions(&app).await, 5);

        // Opening the call before the synthesis: refused, said so, the objective still a draft.
        let r = app.client.post(app.url(&format!("/api/v1/consultations/{id}/call"))).bearer_auth(&agent_token)
            .json(&serde_json::json!({ "note": "Rien." })).send().await.unwrap();
        assert_eq!(r.status(), 409);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["error"]["code"], "synthesis_missing");
        // The synthesis through the API (a supplier may not).
        let r = app.client.post(app.url(&format!("/api/v1/consultations/{id}/synthesis"))).bearer_auth(&other_token)
            .json(&serde_json::json!({ "synthesis": "Non." })).send().await.unwrap();
        assert_eq!(r.status(), 403);
        let r = app.client.post(app.url(&format!("/api/v1/consultations/{id}/synthesis"))).bearer_auth(&agent_token)
            .json(&serde_json::json!({ "synthesis": "Le marché propose des chantiers d’été et des isolants biosourcés." })).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<serde_json::Value>().await.unwrap()["stage"], "synthesis_published");

        // Minutes missing: refused for equal treatment, nothing published.
        let refused = agent.submit(&call, &call, &[("note", "Durée ramenée à huit mois.")]).await;
        assert_eq!(refused.status(), 409);
        let body = refused.text().await.unwrap();
        assert!(body.contains("compte rendu") && body.contains("égalité de traitement") && body.contains("Durée ramenée à huit mois."), "said so, note kept");
        assert_eq!(visitor.get(&format!("/objectives/{objective}")).await.status(), 404);
        // The minutes, then the call (a note is required).
        let minutes = format!("/consultations/{id}/meetings/{meeting}/minutes");
        let empty = agent.submit(&manage, &minutes, &[("minutes", "")]).await;
        assert_eq!(empty.status(), 422);
        assert!(empty.text().await.unwrap().contains(&format!("href=\"#minutes-{meeting}\"")));
        assert_eq!(agent.submit(&manage, &minutes, &[("minutes", "Les entreprises demandent un chantier en deux étés.")]).await.status(), 303);
        assert_eq!(agent.submit(&call, &call, &[("note", "")]).await.status(), 422);
        let before = app.outbox().await.len();
        let done = agent.submit(&call, &call, &[("note", "Durée ramenée à huit mois, en deux étés.")]).await;
        assert_eq!(done.status(), 303);
        assert_eq!(done.headers()["location"].to_str().unwrap(), format!("/objectives/{objective}?done=published").as_str());

        // The call's public page carries what was said: synthesis, minutes, the note; its timeline the consultation.
        let call_page = visitor.text(&format!("/objectives/{objective}")).await;
        for expected in ["Ouvert aux propositions", "Consultation du marché avant l’appel", "Les entreprises demandent un chantier en deux étés.", "isolants biosourcés", "Durée ramenée à huit mois", "ouverture de la consultation", "ouverture de l’appel"] {
            assert!(call_page.contains(expected), "{expected} missing");
        }
        // Everyone who took part is told, once each.
        let mails: Vec<String> = app.outbox().await.into_iter().skip(before).filter(|m| m.subject.contains("L’appel est ouvert")).map(|m| m.to_address).collect();
        let mut expected = vec!["owner@alpha.example", "member@alpha.example", "owner@beta.example", "person@example.org", "member@committee.example"];
        let mut got: Vec<&str> = mails.iter().map(String::as_str).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
        // Nothing more once the call is open.
        assert_eq!(agent.submit(&call, &call, &[("note", "Encore")]).await.status(), 409);
        let actions = app.with_db(|conn| achat_ouvert::domain::audit::list(conn, &Default::default(), 200).unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        for a in ["consultation.opened", "consultation.contributed", "meeting.registered", "meeting.cancelled", "meeting.minutes_published", "consultation.synthesis_published", "consultation.call_opened", "objective.published"] {
            assert!(actions.contains(&a.to_owned()), "{a} not audited");
        }
        app.stop().await;
    }
}
