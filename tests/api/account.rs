use achat_ouvert::clock::Clock;
use achat_ouvert::domain::email::Email;
use achat_ouvert::domain::signed_link;
use achat_ouvert::domain::users;

use crate::both_backends;
use crate::helpers::{TestApp, spawn_app};

/// Creates an administrator without a password and returns the path of their set-password link.
async fn admin_with_link(app: &TestApp, email: &str) -> (String, String) {
    let db = app.db().clone();
    let email = Email::parse(email).unwrap();
    let now = app.clock.now_naive();
    let user = actix_web::web::block(move || {
        let mut conn = db.get().unwrap();
        users::create_admin(&mut conn, &email, now).unwrap().user().clone()
    })
    .await
    .unwrap();
    let state = signed_link::password_state(user.password_hash.as_deref());
    let expires = app.clock.now() + chrono::Duration::hours(24);
    let token = signed_link::issue(
        app.state.secret.expose().as_bytes(),
        signed_link::Purpose::SetPassword,
        user.id,
        expires,
        &state,
    )
    .unwrap();
    let query: String = url::form_urlencoded::Serializer::new(String::new()).append_pair("token", &token).finish();
    (format!("/account/set-password?{query}"), token)
}

both_backends! {
    async fn an_administrator_sets_their_password_once_from_the_link(backend) {
        let app = spawn_app(backend).await;
        let (path, token) = admin_with_link(&app, "Admin@Region.example").await;

        let form = app.get(&path).await;
        assert_eq!(form.status(), 200);
        let body = form.text().await.unwrap();
        assert!(body.contains("admin@region.example"));
        assert!(body.contains("name=\"password\""));

        let password = "une phrase de passe assez longue";
        let browser = app.browser();
        let done = browser.submit(&path, "/account/set-password", &[("token", &token), ("password", password), ("password_confirm", password)]).await;
        assert_eq!(done.status(), 200);
        assert!(done.text().await.unwrap().contains("Mot de passe enregistré"));

        let db = app.db().clone();
        let user = actix_web::web::block(move || {
            let mut conn = db.get().unwrap();
            users::find_by_email(&mut conn, &Email::parse("admin@region.example").unwrap()).unwrap().unwrap()
        })
        .await
        .unwrap();
        assert!(achat_ouvert::domain::password::verify(password, user.password_hash.as_deref().unwrap()));

        // Single use: the same link is refused afterwards, for viewing and for posting.
        assert_eq!(app.get(&path).await.status(), 410);
        let csrf = browser.csrf("/login").await;
        let reuse = browser.post_raw("/account/set-password", &[("token", &token), ("password", "another long passphrase"), ("password_confirm", "another long passphrase"), ("csrf_token", &csrf)]).await;
        assert_eq!(reuse.status(), 410);
        assert!(reuse.text().await.unwrap().contains("déjà servi"));
        app.stop().await;
    }
}

both_backends! {
    async fn a_short_or_mismatched_password_is_refused_next_to_its_field(backend) {
        let app = spawn_app(backend).await;
        let (path, token) = admin_with_link(&app, "admin@region.example").await;
        let browser = app.browser();
        let short = browser.submit(&path, "/account/set-password", &[("token", &token), ("password", "short"), ("password_confirm", "short")]).await;
        assert_eq!(short.status(), 422);
        let body = short.text().await.unwrap();
        assert!(body.contains("aria-invalid=\"true\""));
        assert!(body.contains("id=\"password-error\"") && body.contains("au moins 12 caractères"));

        let csrf = browser.csrf(&path).await;
        let en = browser.client.post(browser.url("/account/set-password")).header("Accept-Language", "en")
            .form(&[("token", token.as_str()), ("password", "long enough password"), ("password_confirm", "long enough passw0rd"), ("csrf_token", csrf.as_str())])
            .send().await.unwrap();
        assert_eq!(en.status(), 422);
        assert!(en.text().await.unwrap().contains("The two passwords differ."));

        // Nothing was stored: the link still works.
        let valid = "a valid passphrase at last";
        let ok = browser.submit(&path, "/account/set-password", &[("token", &token), ("password", valid), ("password_confirm", valid)]).await;
        assert_eq!(ok.status(), 200);
        app.stop().await;
    }
}

both_backends! {
    async fn expired_or_forged_links_are_refused_with_a_way_forward(backend) {
        let app = spawn_app(backend).await;
        let (path, token) = admin_with_link(&app, "admin@region.example").await;

        let forged = token.replacen('.', "9.", 1);
        let response = app.get(&format!("/account/set-password?token={forged}")).await;
        assert_eq!(response.status(), 410);
        assert!(response.text().await.unwrap().contains("Mot de passe oublié"));
        assert_eq!(app.get("/account/set-password").await.status(), 410);
        assert_eq!(app.get("/account/set-password?token=garbage").await.status(), 410);

        app.clock.advance(chrono::Duration::hours(25));
        let expired = app.get(&path).await;
        assert_eq!(expired.status(), 410);
        assert!(expired.text().await.unwrap().contains("Lien expiré"));
        app.stop().await;
    }
}
