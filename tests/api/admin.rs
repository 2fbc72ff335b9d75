//! Administration of users: staff invitations, roles, disabling; the audit log page.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{PASSWORD, link_to, spawn_app};

both_backends! {
    async fn an_administrator_invites_staff_who_set_their_password_from_the_mail(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let r = admin.submit("/admin/users", "/admin/users", &[("email", "agent@region.example"), ("name", "Agnès Agent"), ("agent", "true"), ("committee", "true")]).await;
        assert_eq!(r.status(), 303);
        let mail = app.last_mail_to("agent@region.example").await;
        assert_eq!(mail.subject, "Votre compte sur Achat Ouvert");
        assert!(mail.body_text.contains("Agent, Membre de comité"));
        let link = link_to(&mail.body_text, "/account/set-password");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let agent = app.browser();
        assert_eq!(agent.submit(&link, "/account/set-password", &[("token", &token), ("password", PASSWORD), ("password_confirm", PASSWORD)]).await.status(), 200);
        assert_eq!(agent.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        let account = agent.text("/account").await;
        assert!(account.contains("Agent, Membre de comité") && !account.contains("pas encore confirmée"));

        // Invalid invitations are refused next to their fields.
        let bad = admin.submit("/admin/users", "/admin/users", &[("email", "nope"), ("name", "")]).await;
        assert_eq!(bad.status(), 422);
        let body = bad.text().await.unwrap();
        assert!(body.contains("id=\"email-error\"") && body.contains("Choisissez au moins un rôle"));
        let taken = admin.submit("/admin/users", "/admin/users", &[("email", "agent@region.example"), ("name", "Dup"), ("agent", "true")]).await;
        assert_eq!(taken.status(), 409);

        // Search finds by address and by name, case-insensitively.
        assert!(admin.text("/admin/users?q=AGNÈS").await.contains("agent@region.example") || admin.text("/admin/users?q=agnès").await.contains("agent@region.example"));
        assert!(admin.text("/admin/users?q=region.example").await.contains("agent@region.example"));
        assert!(!admin.text("/admin/users?q=nobody-at-all").await.contains("agent@region.example"));
        app.stop().await;
    }
}

both_backends! {
    async fn role_changes_and_disabling_take_effect_on_the_next_request(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let other_admin = app.staff("second@region.example", &[Role::Admin, Role::Agent]).await;
        assert_eq!(other_admin.get("/admin/users").await.status(), 200);
        let id = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("second@region.example").unwrap()).unwrap().unwrap().id.0
        }).await;

        // Remove the admin role: the very next request is refused.
        assert_eq!(admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/roles"), &[("agent", "true")]).await.status(), 303);
        assert_eq!(other_admin.get("/admin/users").await.status(), 403);
        assert_eq!(other_admin.get("/account").await.status(), 200);

        // Disable, after a confirmation page of its own: the session ends at once and signing in fails.
        let page = admin.text(&format!("/admin/users/{id}")).await;
        assert!(page.contains(&format!("href=\"/admin/users/{id}/disable\"")) && !page.contains(&format!("action=\"/admin/users/{id}/disable\"")), "{page}");
        let confirm = admin.text(&format!("/admin/users/{id}/disable")).await;
        assert!(confirm.contains("Désactiver ce compte ?") && confirm.contains("second@region.example") && confirm.contains("button-danger"));
        assert_eq!(other_admin.get(&format!("/admin/users/{id}/disable")).await.status(), 403, "no longer an administrator");
        assert_eq!(other_admin.get("/account").await.status(), 200, "seeing the page changed nothing");
        assert_eq!(admin.submit(&format!("/admin/users/{id}/disable"), &format!("/admin/users/{id}/disable"), &[]).await.status(), 303);
        assert_eq!(other_admin.get("/account").await.status(), 303);
        assert_eq!(other_admin.sign_in("second@region.example", PASSWORD).await.status(), 401);
        assert_eq!(admin.submit(&format!("/admin/users/{id}"), &format!("/admin/users/{id}/enable"), &[]).await.status(), 303);
        assert_eq!(other_admin.sign_in("second@region.example", PASSWORD).await.status(), 303);

        // The last administrator can neither drop the role nor be disabled, nor disable themself.
        let me = app.with_db(|conn| {
            achat_ouvert::domain::users::find_by_email(conn, &achat_ouvert::domain::email::Email::parse("admin@region.example").unwrap()).unwrap().unwrap().id.0
        }).await;
        let r = admin.submit(&format!("/admin/users/{me}"), &format!("/admin/users/{me}/roles"), &[("agent", "true")]).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("au moins un administrateur actif"));
        assert_eq!(admin.submit(&format!("/admin/users/{me}"), &format!("/admin/users/{me}/disable"), &[]).await.status(), 409);

        let actions = app.with_db(|conn| achat_ouvert::domain::audit::list(conn, &Default::default(), 100).unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>()).await;
        for expected in ["user.roles_changed", "user.disabled", "user.enabled"] {
            assert!(actions.iter().any(|a| a == expected), "{expected}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn administrators_read_and_filter_the_audit_log(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let _owner = app.supplier_owner("owner@alpha.example", 41).await;
        let page = admin.text("/admin/audit").await;
        // In words: the action's label, the person's name, the details named; never a stored key.
        assert!(page.contains("<td>Organisation inscrite</td>") && page.contains("<td>Connexion</td>"), "{page}");
        assert!(page.contains("raison sociale\u{a0}: ") && page.contains("Le serveur (create-admin)"), "{page}");
        assert!(!page.contains("organisation.registered</") && !page.contains("system:") && !page.contains("{}"), "{page}");
        let filtered = admin.text("/admin/audit?action=organisation.registered").await;
        assert!(filtered.contains("<td>Organisation inscrite</td>") && !filtered.contains("<td>Connexion</td>"));
        assert!(filtered.contains("<option value=\"organisation.registered\" selected>"), "the filter shows the action chosen");
        let by_actor = admin.text("/admin/audit?actor=owner%40alpha").await;
        assert!(by_actor.contains("owner@alpha.example") && !by_actor.contains("create-admin"));
        let english = admin.client.get(admin.url("/admin/audit")).header("Accept-Language", "en").send().await.unwrap().text().await.unwrap();
        assert!(english.contains("<td>Organisation registered</td>") && english.contains("legal name: "), "{english}");
        let json: serde_json::Value = {
            let page = admin.submit("/account/tokens", "/account/tokens", &[("name", "audit")]).await.text().await.unwrap();
            let start = page.find("<code class=\"token\">").unwrap() + 20;
            let secret: String = page[start..].chars().take_while(|c| *c != '<').collect();
            reqwest::Client::new().get(app.url("/api/v1/admin/audit?action=auth.")).bearer_auth(secret).send().await.unwrap().json().await.unwrap()
        };
        let entries = json.as_array().unwrap();
        assert!(!entries.is_empty());
        assert!(entries.iter().all(|e| e["action"].as_str().unwrap().starts_with("auth.")));
        assert_eq!(entries[0]["hash"].as_str().unwrap().len(), 64);
        app.stop().await;
    }
}
