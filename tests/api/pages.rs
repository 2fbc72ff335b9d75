use crate::both_backends;
use crate::helpers::{spawn_app, spawn_app_with};

both_backends! {
    async fn home_is_french_by_default_with_landmarks_and_a_skip_link(backend) {
        let app = spawn_app(backend).await;
        let response = app.get("/").await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/html; charset=utf-8");
        let body = response.text().await.unwrap();
        assert!(body.starts_with("<!DOCTYPE html><html lang=\"fr\">"), "{body}");
        assert!(body.contains("href=\"#main\""));
        let main_tag: String = body[body.find("<main").unwrap()..].chars().take_while(|c| *c != '>').collect();
        assert!(main_tag.contains("id=\"main\""), "{main_tag}");
        assert!(body.contains("Les achats de la Région"));
        assert!(body.contains("href=\"/lang/en?next=%2F\""));
        app.stop().await;
    }
}

both_backends! {
    async fn language_follows_accept_language_then_the_switch_cookie(backend) {
        let app = spawn_app(backend).await;
        let english = app.get_with("/", &[("Accept-Language", "en-GB,en;q=0.9")]).await.text().await.unwrap();
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains("The Region's purchases") || english.contains("The Region&#39;s purchases"));

        // The switch sets a cookie that wins over Accept-Language, and returns to the page.
        let switched = app.get("/lang/en?next=%2Fsome%2Fpage").await;
        assert_eq!(switched.status(), 303);
        assert_eq!(switched.headers()["location"], "/some/page");
        let cookie = switched.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("lang=en") && cookie.contains("SameSite=Lax"), "{cookie}");
        let page = app.get_with("/", &[("Accept-Language", "fr")]).await.text().await.unwrap();
        assert!(page.contains("<html lang=\"en\">"));

        let back = app.get("/lang/fr?next=/").await;
        assert_eq!(back.status(), 303);
        let page = app.get_with("/", &[("Accept-Language", "en")]).await.text().await.unwrap();
        assert!(page.contains("<html lang=\"fr\">"));
        app.stop().await;
    }
}

both_backends! {
    async fn the_language_switch_never_redirects_off_site(backend) {
        let app = spawn_app(backend).await;
        for next in ["https://evil.example/", "//evil.example/", "/\\evil.example"] {
            let encoded: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
            let response = app.get(&format!("/lang/en?next={encoded}")).await;
            assert_eq!(response.status(), 303);
            assert_eq!(response.headers()["location"], "/", "{next}");
        }
        assert_eq!(app.get("/lang/de").await.status(), 404);
        app.stop().await;
    }
}

both_backends! {
    async fn unknown_pages_get_a_404_page_in_the_users_language(backend) {
        let app = spawn_app(backend).await;
        let fr = app.get("/nowhere").await;
        assert_eq!(fr.status(), 404);
        assert_eq!(fr.headers()["content-type"], "text/html; charset=utf-8");
        let body = fr.text().await.unwrap();
        assert!(body.contains("lang=\"fr\"") && body.contains("Page introuvable"));

        let en = app.get_with("/nowhere", &[("Accept-Language", "en")]).await.text().await.unwrap();
        assert!(en.contains("lang=\"en\"") && en.contains("Page not found"));
        app.stop().await;
    }
}

both_backends! {
    async fn api_errors_are_json(backend) {
        let app = spawn_app(backend).await;
        let response = app.get("/api/v1/nothing-here").await;
        assert_eq!(response.status(), 404);
        assert_eq!(response.headers()["content-type"], "application/json");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        assert!(!body["error"]["message"].as_str().unwrap().is_empty());

        let wrong_method = app.client.delete(app.url("/api/v1/openapi.json")).send().await.unwrap();
        assert_eq!(wrong_method.status(), 404, "unknown method+path falls to the default service");
        let body: serde_json::Value = wrong_method.json().await.unwrap();
        assert_eq!(body["error"]["code"], "not_found");
        app.stop().await;
    }
}

both_backends! {
    async fn a_wrong_method_on_a_page_gets_a_page(backend) {
        // (Unsafe methods meet the CSRF check first; OPTIONS reaches the router.)
        let app = spawn_app(backend).await;
        let response = app.client.request(reqwest::Method::OPTIONS, app.url("/account/set-password")).send().await.unwrap();
        assert_eq!(response.status(), 405);
        let body = response.text().await.unwrap();
        assert!(body.contains("<html lang=\"fr\">") && body.contains("Méthode non autorisée"));
        app.stop().await;
    }
}

both_backends! {
    async fn every_response_carries_security_headers_and_a_request_id(backend) {
        let app = spawn_app(backend).await;
        for path in ["/", "/health", "/nowhere", "/api/v1/openapi.json", "/api/v1/missing"] {
            let response = app.get(path).await;
            let h = response.headers();
            let csp = h["content-security-policy"].to_str().unwrap();
            assert_eq!(csp, achat_ouvert::web::middleware::CONTENT_SECURITY_POLICY, "{path}");
            assert!(csp.starts_with("default-src 'none';") && csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe"), "{path}: {csp}");
            assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
            assert!(h.contains_key("referrer-policy"), "{path}");
            assert!(!h.contains_key("strict-transport-security"), "{path}: no HSTS over plain http");
            assert_eq!(h["x-request-id"].len(), 16, "{path}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn hsts_is_sent_when_the_public_url_is_https(backend) {
        let app = spawn_app_with(backend, &[("PUBLIC_URL", "https://achats.example.fr")]).await;
        let response = app.get("/").await;
        assert!(response.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age="));
        app.stop().await;
    }
}

both_backends! {
    async fn stylesheet_is_embedded_and_cached(backend) {
        let app = spawn_app(backend).await;
        let home = app.get("/").await.text().await.unwrap();
        let start = home.find("/static/style.css?v=").expect("stylesheet link");
        let href: String = home[start..].chars().take_while(|c| *c != '"').collect();
        let response = app.get(&href).await;
        assert_eq!(response.status(), 200);
        assert_eq!(response.headers()["content-type"], "text/css; charset=utf-8");
        assert!(response.headers()["cache-control"].to_str().unwrap().contains("immutable"));
        let etag = response.headers()["etag"].to_str().unwrap().to_owned();
        assert!(response.text().await.unwrap().contains(":focus-visible"));
        let again = app.get_with(&href, &[("If-None-Match", &etag)]).await;
        assert_eq!(again.status(), 304);
        assert_eq!(app.get("/static/missing.js").await.status(), 404);
        app.stop().await;
    }
}

both_backends! {
    async fn a_refused_action_says_why_in_words_and_leads_back_to_its_page(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[achat_ouvert::domain::users::Role::Agent]).await;
        let o = crate::helpers::published(&app, &agent, "Chaleur des lycées").await;
        // Publishing results before any decision: refused, in words, with the way back.
        let page = format!("/objectives/{o}/proposals");
        let token = agent.csrf(&page).await;
        let r = agent
            .client
            .post(agent.url(&format!("/objectives/{o}/results")))
            .header("Referer", agent.url(&page))
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let body = r.text().await.unwrap();
        assert!(body.contains("Cette action n’est pas possible pour l’instant"), "{body}");
        assert!(body.contains(&format!("href=\"{page}\"")) && body.contains("Revenir à la page précédente"), "{body}");
        assert!(!body.contains(">409<") && !body.contains("Requête incorrecte"), "no status code shown");
        // A referer from elsewhere is not offered as the way back.
        let r = agent
            .client
            .post(agent.url(&format!("/objectives/{o}/results")))
            .header("Referer", "https://elsewhere.example/objectives")
            .form(&[("csrf_token", token.as_str())])
            .send()
            .await
            .unwrap();
        assert!(!r.text().await.unwrap().contains("Revenir à la page précédente"));
        app.stop().await;
    }
}
