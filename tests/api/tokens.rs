//! Personal API tokens and the JSON API's authentication.

use crate::both_backends;
use crate::helpers::spawn_app;

both_backends! {
    async fn a_token_is_shown_once_stored_hashed_and_works_until_revoked(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 21).await;
        let page = owner.submit("/account/tokens", "/account/tokens", &[("name", "export")]).await;
        assert_eq!(page.status(), 200);
        let body = page.text().await.unwrap();
        let start = body.find("<code class=\"token\">").unwrap() + "<code class=\"token\">".len();
        let secret: String = body[start..].chars().take_while(|c| *c != '<').collect();
        assert!(secret.starts_with("ao_") && secret.len() > 40);
        // Never shown again, never stored in clear.
        assert!(!owner.text("/account/tokens").await.contains(&secret));
        let stored = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::api_tokens::table.select(achat_ouvert::db::schema::api_tokens::token_hash).load::<String>(conn).unwrap()
        }).await;
        assert!(!stored.contains(&secret));

        let api = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let me = api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(me.status(), 200);
        let me: serde_json::Value = me.json().await.unwrap();
        assert_eq!(me["email"], "owner@alpha.example");
        assert_eq!(me["owns_organisation"], true);

        // The token acts with the user's permissions, without cookies or CSRF.
        let invited = api.post(app.url("/api/v1/organisation/invitations")).bearer_auth(&secret)
            .json(&serde_json::json!({"email": "colleague@alpha.example"})).send().await.unwrap();
        assert_eq!(invited.status(), 201);
        let admin_only = api.get(app.url("/api/v1/admin/users")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(admin_only.status(), 403);
        let body: serde_json::Value = admin_only.json().await.unwrap();
        assert_eq!(body["error"]["code"], "forbidden");

        // Tokens open the API only, not the pages.
        let page = api.get(app.url("/account")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(page.status(), 303);

        let tokens: serde_json::Value = api.get(app.url("/api/v1/me/tokens")).bearer_auth(&secret).send().await.unwrap().json().await.unwrap();
        let id = tokens[0]["id"].as_i64().unwrap();
        assert_eq!(tokens[0]["name"], "export");
        assert!(tokens[0].get("token_hash").is_none());
        let revoked = api.delete(app.url(&format!("/api/v1/me/tokens/{id}"))).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(revoked.status(), 204);
        let after = api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap();
        assert_eq!(after.status(), 401);
        assert_eq!(after.headers()["www-authenticate"], "Bearer");
        let body: serde_json::Value = after.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_token");

        let audit = app.with_db(|conn| achat_ouvert::domain::audit::list(conn, &Default::default(), 100).unwrap()).await;
        assert!(audit.iter().any(|e| e.action == "token.created"));
        assert!(audit.iter().any(|e| e.action == "token.revoked"));
        app.stop().await;
    }
}

both_backends! {
    async fn the_api_refuses_anonymous_and_malformed_requests_in_json(backend) {
        let app = spawn_app(backend).await;
        let api = reqwest::Client::new();
        let anonymous = api.get(app.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(anonymous.status(), 401);
        let body: serde_json::Value = anonymous.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");

        let owner = app.supplier_owner("owner@alpha.example", 22).await;
        let page = owner.submit("/account/tokens", "/account/tokens", &[("name", "ci")]).await.text().await.unwrap();
        let start = page.find("<code class=\"token\">").unwrap() + 20;
        let secret: String = page[start..].chars().take_while(|c| *c != '<').collect();
        let malformed = api.put(app.url("/api/v1/me")).bearer_auth(&secret).header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(malformed.status(), 400);
        let body: serde_json::Value = malformed.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_json");
        let invalid = api.put(app.url("/api/v1/me")).bearer_auth(&secret).json(&serde_json::json!({"display_name": "", "locale": "de"})).send().await.unwrap();
        assert_eq!(invalid.status(), 400);
        let body: serde_json::Value = invalid.json().await.unwrap();
        assert_eq!(body["error"]["code"], "invalid_field");
        let ok = api.put(app.url("/api/v1/me")).bearer_auth(&secret).json(&serde_json::json!({"display_name": "Owner Renamed", "locale": "en"})).send().await.unwrap();
        assert_eq!(ok.status(), 204);
        let me: serde_json::Value = api.get(app.url("/api/v1/me")).bearer_auth(&secret).send().await.unwrap().json().await.unwrap();
        assert_eq!((me["display_name"].as_str(), me["locale"].as_str()), (Some("Owner Renamed"), Some("en")));
        app.stop().await;
    }
}

both_backends! {
    async fn unverified_users_cannot_create_tokens(backend) {
        let app = spawn_app(backend).await;
        let browser = app.browser();
        let number = crate::helpers::siret(23);
        let form = crate::helpers::registration("Gamma", &number, "G", "g@gamma.example");
        browser.submit("/register", "/register", &form).await;
        assert_eq!(browser.sign_in("g@gamma.example", crate::helpers::PASSWORD).await.status(), 303);
        assert_eq!(browser.get("/account/tokens").await.status(), 403);
        app.stop().await;
    }
}
