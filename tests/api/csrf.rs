//! Cross-site request forgery: every state-changing request a browser could send on its own
//! carries the token of the session (or of the anonymous visitor).

use crate::both_backends;
use crate::helpers::{PASSWORD, spawn_app};

both_backends! {
    async fn state_changes_without_the_sessions_token_are_refused_and_change_nothing(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 61).await;

        let forged = owner.post_raw("/logout", &[]).await;
        assert_eq!(forged.status(), 403);
        assert!(forged.text().await.unwrap().contains("Ce formulaire a expiré"));
        assert_eq!(owner.get("/account").await.status(), 200, "still signed in");

        // Another person's token is no good either.
        let other = app.supplier_owner("owner@beta.example", 62).await;
        let foreign = other.csrf("/account").await;
        let r = owner.post_raw("/account", &[("name", "Hacked"), ("locale", "fr"), ("csrf_token", &foreign)]).await;
        assert_eq!(r.status(), 403);
        assert!(!owner.text("/account").await.contains("Hacked"));

        // A right token sent from another site (as the browser says) is refused too.
        let token = owner.csrf("/account").await;
        let cross = owner.client.post(owner.url("/account")).header("Sec-Fetch-Site", "cross-site")
            .form(&[("name", "Hacked"), ("locale", "fr"), ("csrf_token", token.as_str())]).send().await.unwrap();
        assert_eq!(cross.status(), 403);

        // The JSON API with the session cookie needs the header; a bearer token needs nothing.
        let json = owner.client.put(owner.url("/api/v1/me")).json(&serde_json::json!({"display_name": "Hacked", "locale": "fr"})).send().await.unwrap();
        assert_eq!(json.status(), 403);
        let with_header = owner.client.put(owner.url("/api/v1/me")).header("X-CSRF-Token", token.as_str())
            .json(&serde_json::json!({"display_name": "Renamed", "locale": "fr"})).send().await.unwrap();
        assert_eq!(with_header.status(), 204);
        app.stop().await;
    }
}

both_backends! {
    async fn anonymous_forms_need_the_visitors_token(backend) {
        let app = spawn_app(backend).await;
        app.create_staff("agent@region.example", &[achat_ouvert::domain::users::Role::Agent]).await;
        let visitor = app.browser();
        let forged = visitor.post_raw("/login", &[("email", "agent@region.example"), ("password", PASSWORD)]).await;
        assert_eq!(forged.status(), 403);
        assert_eq!(visitor.sign_in("agent@region.example", PASSWORD).await.status(), 303);
        // No GET changes anything: following a logout link does not sign out.
        assert_eq!(visitor.get("/logout").await.status(), 404);
        assert_eq!(visitor.get("/account").await.status(), 200);
        app.stop().await;
    }
}

both_backends! {
    async fn an_upload_carries_its_token_first_in_the_body_never_in_the_address(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 63).await;
        let page = owner.text("/practices/new").await;
        assert!(page.contains("action=\"/practices\"") && !page.contains("?csrf_token="), "the form's address has no token");
        let token = crate::helpers::csrf_in(&page);
        let post = |form: reqwest::multipart::Form| owner.client.post(owner.url("/practices")).multipart(form).send();
        let fields = |form: reqwest::multipart::Form| {
            form.text("title", "Une pratique").text("body", crate::practices::BODY).text("themes", "mobilite")
        };
        // No token, a wrong one, or the token after another part: refused, nothing created.
        assert_eq!(post(fields(reqwest::multipart::Form::new())).await.unwrap().status(), 403);
        let wrong = reqwest::multipart::Form::new().text("csrf_token", "forged");
        assert_eq!(post(fields(wrong)).await.unwrap().status(), 403);
        let late = fields(reqwest::multipart::Form::new()).text("csrf_token", token.clone());
        assert_eq!(post(late).await.unwrap().status(), 403);
        assert_eq!(crate::practices::practice_count(&app).await, 0, "nothing created");
        // First in the body, as the page sends it: accepted.
        let first = fields(reqwest::multipart::Form::new().text("csrf_token", token));
        let r = post(first).await.unwrap();
        assert!(r.status().is_redirection(), "{}", r.status());
        assert_eq!(crate::practices::practice_count(&app).await, 1);
        app.stop().await;
    }
}
