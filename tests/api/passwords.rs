//! Forgotten, reset and changed passwords.

use crate::both_backends;
use crate::helpers::{PASSWORD, link_to, spawn_app};

const NEW: &str = "un tout autre mot de passe";

both_backends! {
    async fn a_reset_is_answered_the_same_for_any_address_and_its_link_ends_every_session(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 11).await;
        let other_device = app.browser();
        assert_eq!(other_device.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);

        // A token made before the reset stops working after it.
        let tokens = owner.submit("/account/tokens", "/account/tokens", &[("name", "before reset")]).await.text().await.unwrap();
        let start = tokens.find("<code class=\"token\">").unwrap() + 20;
        let secret: String = tokens[start..].chars().take_while(|c| *c != '<').collect();
        let api = reqwest::Client::new();
        assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap().status(), 200);

        let visitor = app.browser();
        let known = visitor.submit("/forgot-password", "/forgot-password", &[("email", "owner@alpha.example")]).await;
        let unknown = visitor.submit("/forgot-password", "/forgot-password", &[("email", "ghost@alpha.example")]).await;
        assert_eq!((known.status().as_u16(), unknown.status().as_u16()), (200, 200));
        let strip = |s: String| s.split("name=\"csrf_token\"").next().unwrap().to_owned();
        assert_eq!(strip(known.text().await.unwrap()), strip(unknown.text().await.unwrap()));
        assert!(app.outbox().await.iter().all(|m| m.to_address != "ghost@alpha.example"));

        let mail = app.last_mail_to("owner@alpha.example").await;
        assert_eq!(mail.subject, "Réinitialisation de votre mot de passe");
        let link = link_to(&mail.body_text, "/account/set-password");
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let done = visitor.submit(&link, "/account/set-password", &[("token", &token), ("password", NEW), ("password_confirm", NEW)]).await;
        assert_eq!(done.status(), 200);

        // Every session ended; the old password no longer works, the new one does.
        assert_eq!(owner.get("/account").await.status(), 303);
        assert_eq!(other_device.get("/account").await.status(), 303);
        assert_eq!(api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap().status(), 401, "the reset revoked the token");
        assert_eq!(visitor.sign_in("owner@alpha.example", PASSWORD).await.status(), 401);
        assert_eq!(visitor.sign_in("owner@alpha.example", NEW).await.status(), 303);
        // Single use.
        assert_eq!(app.browser().get(&link).await.status(), 410);
        assert_eq!(app.last_mail_to("owner@alpha.example").await.subject, "Votre mot de passe a été modifié");
        app.stop().await;
    }
}

both_backends! {
    async fn a_reset_link_expires_after_an_hour(backend) {
        let app = spawn_app(backend).await;
        let _owner = app.supplier_owner("owner@alpha.example", 12).await;
        let visitor = app.browser();
        visitor.submit("/forgot-password", "/forgot-password", &[("email", "owner@alpha.example")]).await;
        let link = link_to(&app.last_mail_to("owner@alpha.example").await.body_text, "/account/set-password");
        app.clock.advance(chrono::Duration::minutes(61));
        let expired = visitor.get(&link).await;
        assert_eq!(expired.status(), 410);
        assert!(expired.text().await.unwrap().contains("Lien expiré"));
        app.stop().await;
    }
}

both_backends! {
    async fn reset_requests_are_rate_limited_per_address(backend) {
        let app = spawn_app(backend).await;
        let visitor = app.browser();
        for _ in 0..3 {
            let r = visitor.submit("/forgot-password", "/forgot-password", &[("email", "target@alpha.example")]).await;
            assert_eq!(r.status(), 200);
        }
        let limited = visitor.submit("/forgot-password", "/forgot-password", &[("email", "target@alpha.example")]).await;
        assert_eq!(limited.status(), 429);
        assert!(limited.headers().contains_key("retry-after"));
        app.stop().await;
    }
}

both_backends! {
    async fn changing_the_password_needs_the_current_one_and_ends_other_sessions_only(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 13).await;
        let laptop = app.browser();
        assert_eq!(laptop.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);

        let wrong = owner.submit("/account/password", "/account/password", &[("current_password", "not it at all"), ("password", NEW), ("password_confirm", NEW)]).await;
        assert_eq!(wrong.status(), 422);
        assert!(wrong.text().await.unwrap().contains("Le mot de passe actuel est incorrect"));
        let common = owner.submit("/account/password", "/account/password", &[("current_password", PASSWORD), ("password", "password12345"), ("password_confirm", "password12345")]).await;
        assert_eq!(common.status(), 422);

        let ok = owner.submit("/account/password", "/account/password", &[("current_password", PASSWORD), ("password", NEW), ("password_confirm", NEW)]).await;
        assert_eq!(ok.status(), 303);
        assert_eq!(owner.get("/account").await.status(), 200, "this session stays");
        assert_eq!(laptop.get("/account").await.status(), 303, "the other one ended");
        app.stop().await;
    }
}

both_backends! {
    async fn sign_out_everywhere_ends_all_sessions_and_one_can_end_another(backend) {
        let app = spawn_app(backend).await;
        let phone = app.supplier_owner("owner@alpha.example", 14).await;
        let laptop = app.browser();
        assert_eq!(laptop.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        let tablet = app.browser();
        assert_eq!(tablet.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);

        // End the tablet's session from the phone's list.
        let list = phone.text("/account/sessions").await;
        let ends: Vec<String> = list.match_indices("/account/sessions/").map(|(i, _)| list[i..].chars().take_while(|c| *c != '"').collect()).collect();
        assert_eq!(ends.len(), 2, "two other sessions can be ended");
        for end in &ends {
            assert_eq!(phone.submit("/account/sessions", end, &[]).await.status(), 303);
        }
        assert_eq!(tablet.get("/account").await.status(), 303);
        assert_eq!(laptop.get("/account").await.status(), 303);
        assert_eq!(phone.get("/account").await.status(), 200);

        assert_eq!(laptop.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        assert_eq!(phone.submit("/account/sessions", "/logout-everywhere", &[]).await.status(), 303);
        assert_eq!(phone.get("/account").await.status(), 303);
        assert_eq!(laptop.get("/account").await.status(), 303);
        app.stop().await;
    }
}
