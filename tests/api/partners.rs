//! The network of suppliers, step 2: partner finding on open objectives, messages between
//! organisations (mail, rate limit), the one-step consortium invitation, abuse reports and
//! suspensions; every refusal on the way.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, published, spawn_app};
use crate::proposals::{COMPLETE, start};

async fn org_id(app: &TestApp, email: &'static str) -> i64 {
    crate::evaluation::organisation_of(app, email).await
}

async fn message_count(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use diesel::prelude::*;
        achat_ouvert::db::schema::messages::table.count().get_result(conn).unwrap()
    })
    .await
}

/// Posts a message to organisation `to` (the CSRF token from the account page, which every
/// signed-in user can open).
async fn write(who: &Browser, to: i64, body: &str) -> reqwest::Response {
    who.submit("/account", &format!("/messages/{to}"), &[("body", body)]).await
}

both_backends! {
    async fn suppliers_find_partners_write_to_each_other_and_invite_them_into_a_consortium(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Rénovation des gymnases").await;
        let page = format!("/objectives/{objective}");
        let alpha = app.supplier_owner("owner@alpha.example", 301).await;
        let colleague = crate::helpers::org_member(&app, &alpha, "member@alpha.example").await;
        let beta = app.supplier_owner("owner@beta.example", 302).await;
        let (a, b) = (org_id(&app, "owner@alpha.example").await, org_id(&app, "owner@beta.example").await);

        // Alpha says it looks for partners; too short a description is refused, nothing published.
        let seek = format!("{page}/partners");
        let r = alpha.submit(&page, &seek, &[("skills", "Bois")]).await;
        assert_eq!(r.status(), 422);
        let again = r.text().await.unwrap();
        assert!(again.contains("10 caractères au moins") && again.contains(">Bois</textarea>"), "the objective's page again, the text kept");
        assert!(app.browser().text(&page).await.contains("Personne ne cherche de partenaire"));
        let skills = "Charpente bois et isolation biosourcée, en Savoie.";
        assert_eq!(alpha.submit(&page, &seek, &[("skills", skills)]).await.status(), 303);
        let public = app.browser().text(&page).await;
        assert!(public.contains("Entreprise 301") && public.contains("Charpente bois"), "{public}");
        assert!(!public.contains("owner@alpha.example") && !public.contains("member@alpha.example"), "no address shown");
        assert!(!public.contains(&format!("/messages/{a}")), "visitors are asked to sign in, not offered contact");
        // Beta sees the contact link; staff do not seek partners.
        assert!(beta.text(&page).await.contains(&format!("/messages/{a}?objective={objective}")));
        assert_eq!(agent.submit(&page, &seek, &[("skills", skills)]).await.status(), 403);

        // Beta writes; nothing is stored for an empty message; Alpha's members are told by mail.
        let thread = format!("/messages/{a}?objective={objective}");
        let empty = beta.submit(&thread, &format!("/messages/{a}"), &[("body", "   "), ("objective", &objective.to_string())]).await;
        assert_eq!(empty.status(), 422);
        assert!(empty.text().await.unwrap().contains("de 1 à 2 000 caractères"));
        assert_eq!(message_count(&app).await, 0);
        let hello = "Bonjour, nous posons des menuiseries bois : répondons ensemble ?";
        let r = beta.submit(&thread, &format!("/messages/{a}"), &[("body", hello), ("objective", &objective.to_string())]).await;
        assert_eq!(r.status(), 303);
        for to in ["owner@alpha.example", "member@alpha.example"] {
            let mail = app.last_mail_to(to).await;
            assert!(mail.subject.contains("Entreprise 302") && mail.body_text.contains(&format!("/messages/{b}")), "{}", mail.subject);
            assert!(!mail.body_text.contains(hello), "the message itself is read on the platform");
        }
        assert!(colleague.text("/messages").await.contains("Entreprise 302"));
        let read = colleague.text(&format!("/messages/{b}")).await;
        assert!(read.contains(hello) && read.contains("Rénovation des gymnases"), "{read}");
        // Refused: to oneself, to nobody, to an organisation that is neither listed, nor looking
        // for partners, nor in a conversation (its name stays private).
        let gamma = app.supplier_owner("owner@gamma.example", 303).await;
        let g = org_id(&app, "owner@gamma.example").await;
        assert_eq!(write(&beta, g, "Bonjour").await.status(), 404);
        let hidden = beta.get(&format!("/messages/{g}")).await;
        assert_eq!(hidden.status(), 404);
        assert!(!hidden.text().await.unwrap().contains("Entreprise 303"));
        assert_eq!(write(&gamma, b, "Bonjour").await.status(), 404);
        assert_eq!(write(&beta, b, "Moi-même").await.status(), 404);
        assert_eq!(beta.get(&format!("/messages/{b}")).await.status(), 404);
        assert_eq!(write(&beta, 999_999, "Personne").await.status(), 404);

        // Alpha leads a proposal on the objective: one step invites Beta into its consortium.
        let p = start(&alpha, objective, &COMPLETE).await;
        let conversation = alpha.text(&format!("/messages/{b}")).await;
        assert!(conversation.contains("Inviter dans le consortium") && conversation.contains("Chaufferies bois en circuit court"));
        let invite = format!("/messages/{b}/invite");
        let r = alpha.submit(&format!("/messages/{b}"), &invite, &[("proposal", &p.to_string()), ("role", ""), ("consortium_type", "conjoint")]).await;
        assert_eq!(r.status(), 409, "a role is needed");
        let r = alpha.submit(&format!("/messages/{b}"), &invite, &[("proposal", &p.to_string()), ("role", "Menuiseries bois"), ("consortium_type", "conjoint")]).await;
        assert_eq!(r.status(), 303);
        assert!(app.last_mail_to("owner@beta.example").await.subject.contains("consortium"));
        let proposal = alpha.text(&format!("/proposals/{p}")).await;
        assert!(proposal.contains("Entreprise 302") && proposal.contains("Menuiseries bois"), "{proposal}");
        // Beta cannot invite into Alpha's proposal: not its lead (sealed: 404).
        let r = beta.submit(&format!("/messages/{a}"), &format!("/messages/{a}/invite"), &[("proposal", &p.to_string()), ("role", "X"), ("consortium_type", "conjoint")]).await;
        assert_eq!(r.status(), 403);

        // The rate limit: 20 messages an hour per organisation.
        let before = message_count(&app).await;
        for i in 1..=20 {
            assert_eq!(write(&alpha, b, &format!("Message {i}")).await.status(), 303, "message {i}");
        }
        let over = write(&alpha, b, "Un de trop").await;
        assert_eq!(over.status(), 429);
        assert_eq!(message_count(&app).await, before + 20, "nothing stored over the limit");

        // The organisation's export holds its messages and partner requests.
        let export: serde_json::Value = alpha.get("/organisation/export.json").await.json().await.unwrap();
        assert!(export["messages"].as_array().unwrap().iter().any(|m| m["direction"] == "received" && m["body"] == hello));
        assert_eq!(export["partner_requests"][0]["skills"], skills);

        // The partner search is withdrawn, and closes with the objective.
        assert_eq!(alpha.submit(&page, &format!("{page}/partners/withdraw"), &[]).await.status(), 303);
        assert!(!app.browser().text(&page).await.contains("Charpente bois"));
        assert_eq!(alpha.submit(&page, &format!("{page}/partners/withdraw"), &[]).await.status(), 404);
        app.clock.advance(chrono::Duration::days(31));
        assert_eq!(beta.sign_in("owner@beta.example", PASSWORD).await.status(), 303);
        let late = beta.submit(&page, &seek, &[("skills", skills)]).await;
        assert_eq!(late.status(), 409);
        assert!(late.text().await.unwrap().contains("la recherche de partenaires est close"));
        app.stop().await;
    }
}

both_backends! {
    async fn a_reported_sender_is_suspended_by_an_administrator_and_restored(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let spammer = app.supplier_owner("owner@spam.example", 311).await;
        let target = app.supplier_owner("owner@target.example", 312).await;
        let bystander = app.supplier_owner("owner@bystander.example", 313).await;
        let (s, t) = (org_id(&app, "owner@spam.example").await, org_id(&app, "owner@target.example").await);
        // The target and the bystander are in the directory: anyone may write to them.
        for who in [&target, &bystander] {
            assert_eq!(who.submit("/organisation/profile", "/organisation/profile/listing", &[("listed", "true")]).await.status(), 303);
        }
        assert_eq!(write(&spammer, t, "Achetez nos montres, prix imbattables !!!").await.status(), 303);
        let thread = target.text(&format!("/messages/{s}")).await;
        let m: i64 = thread.split("/messages/report/").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let report = format!("/messages/report/{m}");

        // Only the recipient reports, with a reason.
        assert_eq!(bystander.submit("/messages", &report, &[("reason", "Je le vois aussi")]).await.status(), 404);
        assert_eq!(spammer.submit("/messages", &report, &[("reason", "Auto-signalement")]).await.status(), 404);
        assert_eq!(target.submit("/messages", &report, &[("reason", "ok")]).await.status(), 422);
        assert_eq!(target.submit("/messages", &report, &[("reason", "Publicité sans rapport avec les achats publics")]).await.status(), 303);
        assert_eq!(target.submit("/messages", &report, &[("reason", "Encore une fois")]).await.status(), 409);
        assert!(target.text(&format!("/messages/{s}")).await.contains("Message signalé"));

        // Administrators, and only they, read reports and suspend.
        assert_eq!(agent.get("/admin/reports").await.status(), 403);
        assert_eq!(target.get("/admin/reports").await.status(), 403);
        let reports = admin.text("/admin/reports").await;
        assert!(reports.contains("Achetez nos montres") && reports.contains("Publicité sans rapport"), "{reports}");
        let rid: i64 = reports.split("action=\"/admin/reports/").nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert_eq!(agent.submit("/account", &format!("/admin/reports/{rid}"), &[("resolution", "suspend")]).await.status(), 403);
        assert_eq!(admin.submit("/admin/reports", &format!("/admin/reports/{rid}"), &[("resolution", "ban")]).await.status(), 400);
        assert_eq!(admin.submit("/admin/reports", &format!("/admin/reports/{rid}"), &[("resolution", "suspend")]).await.status(), 303);
        assert_eq!(admin.submit("/admin/reports", &format!("/admin/reports/{rid}"), &[("resolution", "dismiss")]).await.status(), 404, "resolved already");

        // Suspended: the sender writes to nobody, and is told why; nothing is stored.
        let before = message_count(&app).await;
        let refused = write(&spammer, t, "Dernière offre !").await;
        assert_eq!(refused.status(), 409);
        assert!(refused.text().await.unwrap().contains("suspendue"));
        assert_eq!(write(&spammer, org_id(&app, "owner@bystander.example").await, "Bonjour").await.status(), 409);
        assert_eq!(message_count(&app).await, before);
        assert!(spammer.text("/messages").await.contains("suspendue"));
        // Nor does it invite anyone from a conversation.
        let agent_objective = crate::helpers::published(&app, &agent, "Objectif ouvert").await;
        let p = start(&spammer, agent_objective, &COMPLETE).await;
        let invite = spammer.submit("/account", &format!("/messages/{t}/invite"), &[("proposal", &p.to_string()), ("role", "Pose"), ("consortium_type", "conjoint")]).await;
        assert_eq!(invite.status(), 409);
        // The target can still answer; a restored sender writes again.
        assert_eq!(write(&target, s, "Merci de ne plus nous écrire.").await.status(), 303);
        assert_eq!(admin.submit("/admin/reports", &format!("/admin/suspensions/{s}/lift"), &[]).await.status(), 303);
        assert_eq!(admin.submit("/admin/reports", &format!("/admin/suspensions/{s}/lift"), &[]).await.status(), 404);
        assert_eq!(write(&spammer, t, "Toutes nos excuses.").await.status(), 303);
        let audit: Vec<String> = app
            .with_db(|conn| {
                use diesel::prelude::*;
                achat_ouvert::db::schema::audit_log::table.select(achat_ouvert::db::schema::audit_log::action).load(conn).unwrap()
            })
            .await;
        for action in ["message.sent", "message.reported", "message.report_resolved", "organisation.messaging_suspended", "organisation.messaging_restored"] {
            assert!(audit.iter().any(|a| a == action), "{action} audited");
        }

        // Unverified users do not write; staff neither.
        let fresh = app.browser();
        let siret = crate::helpers::siret(314);
        fresh.submit("/register", "/register", &crate::helpers::registration("Delta", &siret, "D", "owner@delta.example")).await;
        assert_eq!(fresh.sign_in("owner@delta.example", PASSWORD).await.status(), 303);
        assert_eq!(fresh.get(&format!("/messages/{t}")).await.status(), 403);
        assert_eq!(write(&fresh, t, "Bonjour").await.status(), 403);
        assert_eq!(write(&agent, t, "Bonjour").await.status(), 403);
        app.stop().await;
    }
}
