//! Supplier registration, e-mail verification, sign-in and out.

use crate::both_backends;
use crate::helpers::{PASSWORD, link_to, registration, siret, spawn_app};

both_backends! {
    /// The whole first journey of a supplier, with the mail really written to the outbox.
    async fn a_supplier_registers_verifies_and_signs_in(backend) {
        let app = spawn_app(backend).await;
        let browser = app.browser();
        let number = siret(1);
        let form = registration("Menuiserie Durable", &number, "Camille Martin", "Camille@Menuiserie.example");
        let done = browser.submit("/register", "/register", &form).await;
        assert_eq!(done.status(), 200);
        assert!(done.text().await.unwrap().contains("Vérifiez votre messagerie"));

        let mail = app.last_mail_to("camille@menuiserie.example").await;
        assert_eq!(mail.subject, "Confirmez votre adresse e-mail");
        assert!(mail.body_html.contains("<html lang=\"fr\">"));
        let link = link_to(&mail.body_text, "/verify");

        // Unverified, the owner may sign in but not act for the organisation.
        assert_eq!(browser.sign_in("camille@menuiserie.example", PASSWORD).await.status(), 303);
        let account = browser.text("/account").await;
        assert!(account.contains("Camille Martin") && account.contains("pas encore confirmée"));
        let refused = browser.submit("/organisation", "/organisation/invitations", &[("email", "colleague@menuiserie.example")]).await;
        assert_eq!(refused.status(), 403);
        assert!(refused.text().await.unwrap().contains("Confirmez d’abord votre adresse"));

        // Opening the link changes nothing; confirming does.
        let page = browser.text(&link).await;
        assert!(page.contains("Confirmer mon adresse"));
        let token = url::Url::parse(&format!("http://x{link}")).unwrap().query_pairs().find(|(k, _)| k == "token").unwrap().1.into_owned();
        let confirmed = browser.submit(&link, "/verify", &[("token", &token)]).await;
        assert_eq!(confirmed.status(), 200);
        assert!(confirmed.text().await.unwrap().contains("Adresse confirmée"));
        let again = browser.submit(&link, "/verify", &[("token", &token)]).await;
        assert!(again.text().await.unwrap().contains("déjà confirmée"));

        let invited = browser.submit("/organisation", "/organisation/invitations", &[("email", "colleague@menuiserie.example")]).await;
        assert_eq!(invited.status(), 303);

        let org = browser.text("/organisation").await;
        assert!(org.contains("Menuiserie Durable") && org.contains(&siret(1)) && org.contains("bâtiment, énergie"));

        let actions = app.with_db(|conn| {
            achat_ouvert::domain::audit::list(conn, &Default::default(), 50).unwrap().into_iter().map(|e| e.action).collect::<Vec<_>>()
        }).await;
        for expected in ["organisation.registered", "auth.sign_in", "auth.email_verified", "organisation.member_invited"] {
            assert!(actions.iter().any(|a| a == expected), "{expected} missing from {actions:?}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn registration_errors_appear_next_to_their_fields_and_nothing_is_saved(backend) {
        let app = spawn_app(backend).await;
        let browser = app.browser();
        let mut form = registration("", "73282932000075", "", "not-an-address");
        form.retain(|(k, _)| *k != "password" && *k != "password_confirm" && *k != "postcode");
        form.push(("password", "azertyuiop123"));
        form.push(("password_confirm", "azertyuiop123"));
        form.push(("postcode", "123"));
        let response = browser.submit("/register", "/register", &form).await;
        assert_eq!(response.status(), 422);
        let body = response.text().await.unwrap();
        for (field, message) in [
            ("legal_name", "Saisissez la raison sociale"),
            ("identifier", "Ce SIRET n’est pas valide"),
            ("postcode", "code postal valide"),
            ("name", "Saisissez un nom"),
            ("email", "adresse e-mail valide"),
            ("password", "fait partie des plus courants"),
        ] {
            assert!(body.contains(&format!("id=\"{field}-error\"")), "{field}");
            assert!(body.contains(message), "{message}");
        }
        // Values typed are kept (passwords are not).
        assert!(body.contains("value=\"73282932000075\""));
        assert!(!body.contains("azertyuiop123"));
        let (users, orgs, mails) = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::{mail_outbox, organisations, users};
            (
                users::table.count().get_result::<i64>(conn).unwrap(),
                organisations::table.count().get_result::<i64>(conn).unwrap(),
                mail_outbox::table.count().get_result::<i64>(conn).unwrap(),
            )
        }).await;
        assert_eq!((users, orgs, mails), (0, 0, 0));
        app.stop().await;
    }
}

both_backends! {
    async fn a_known_address_gets_the_same_answer_and_a_mail_a_known_identifier_a_way_forward(backend) {
        let app = spawn_app(backend).await;
        let first = app.browser();
        let r = first.submit("/register", "/register", &registration("Alpha", &siret(2), "A", "a@alpha.example")).await;
        let first_body = r.text().await.unwrap();

        // Same address, other organisation: same page, but the address's owner is told by mail.
        let second = app.browser();
        let r = second.submit("/register", "/register", &registration("Beta", &siret(3), "B", "a@alpha.example")).await;
        assert_eq!(r.status(), 200);
        let body = r.text().await.unwrap();
        let strip = |s: &str| s.split("name=\"csrf_token\"").next().unwrap().to_owned();
        assert_eq!(strip(&body), strip(&first_body));
        let mail = app.last_mail_to("a@alpha.example").await;
        assert_eq!(mail.subject, "Tentative d’inscription avec votre adresse");

        // Same identifier: refused next to the field, with the way forward.
        let third = app.browser();
        let r = third.submit("/register", "/register", &registration("Alpha bis", &siret(2), "C", "c@alpha.example")).await;
        assert_eq!(r.status(), 409);
        assert!(r.text().await.unwrap().contains("Demandez à son responsable de vous inviter"));
        let users = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::users::table.count().get_result::<i64>(conn).unwrap()
        }).await;
        assert_eq!(users, 1);
        app.stop().await;
    }
}

both_backends! {
    async fn sign_in_fails_the_same_way_for_unknown_and_known_addresses_and_is_rate_limited(backend) {
        let app = spawn_app(backend).await;
        let _owner = app.supplier_owner("owner@alpha.example", 4).await;
        let browser = app.browser();
        let unknown = browser.sign_in("nobody@alpha.example", PASSWORD).await;
        let wrong = browser.sign_in("owner@alpha.example", "not the password at all").await;
        assert_eq!(unknown.status(), 401);
        assert_eq!(wrong.status(), 401);
        let (u, w) = (unknown.text().await.unwrap(), wrong.text().await.unwrap());
        assert!(u.contains("Adresse e-mail ou mot de passe incorrect") && w.contains("Adresse e-mail ou mot de passe incorrect"));

        // Nine more failures fill the account's bucket: then even the right password waits.
        for _ in 0..9 {
            assert_eq!(browser.sign_in("owner@alpha.example", "still not the password").await.status(), 401);
        }
        let limited = browser.sign_in("owner@alpha.example", PASSWORD).await;
        assert_eq!(limited.status(), 429);
        let retry: i64 = limited.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        assert!(retry > 0 && retry <= 15 * 60, "{retry}");
        assert!(limited.text().await.unwrap().contains("Trop de tentatives"));

        // Not for long: after the window the real user gets in.
        app.clock.advance(chrono::Duration::minutes(16));
        assert_eq!(browser.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);

        let failures = app.with_db(|conn| {
            let filter = achat_ouvert::domain::audit::AuditFilter { action: Some("auth.sign_in_failed".into()), ..Default::default() };
            achat_ouvert::domain::audit::list(conn, &filter, 100).unwrap().len()
        }).await;
        assert_eq!(failures, 11);
        app.stop().await;
    }
}

both_backends! {
    async fn signing_out_really_ends_the_session(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 5).await;
        assert_eq!(owner.get("/account").await.status(), 200);
        // Keep a copy of the cookie to replay after logout.
        let cookie_jar_copy = owner.client.get(owner.url("/account")).send().await.unwrap();
        assert_eq!(cookie_jar_copy.status(), 200);
        let session_cookie = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::sessions::table.count().get_result::<i64>(conn).unwrap()
        }).await;
        assert_eq!(session_cookie, 1);

        let out = owner.submit("/account", "/logout", &[]).await;
        assert_eq!(out.status(), 303);
        let after = owner.get("/account").await;
        assert_eq!(after.status(), 303);
        assert_eq!(after.headers()["location"], "/login?next=%2Faccount");
        let left = app.with_db(|conn| {
            use diesel::prelude::*;
            achat_ouvert::db::schema::sessions::table.count().get_result::<i64>(conn).unwrap()
        }).await;
        assert_eq!(left, 0);
        app.stop().await;
    }
}

both_backends! {
    async fn sessions_expire_when_idle_and_at_their_absolute_lifetime(backend) {
        let app = crate::helpers::spawn_app_with(backend, &[("SESSION_IDLE_TIMEOUT", "600"), ("SESSION_MAX_AGE", "3600")]).await;
        let owner = app.supplier_owner("owner@alpha.example", 6).await;
        app.clock.advance(chrono::Duration::minutes(9));
        assert_eq!(owner.get("/account").await.status(), 200);
        app.clock.advance(chrono::Duration::minutes(11));
        assert_eq!(owner.get("/account").await.status(), 303, "idle for 11 minutes");

        assert_eq!(owner.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        for _ in 0..6 {
            app.clock.advance(chrono::Duration::minutes(9));
            assert_eq!(owner.get("/account").await.status(), 200);
        }
        app.clock.advance(chrono::Duration::minutes(9));
        assert_eq!(owner.get("/account").await.status(), 303, "past the absolute lifetime");
        app.stop().await;
    }
}

both_backends! {
    async fn session_cookies_are_httponly_lax_and_host_prefixed_over_https(backend) {
        let app = crate::helpers::spawn_app_with(backend, &[("PUBLIC_URL", "https://achats.example.fr")]).await;
        let browser = app.browser();
        let csrf_page = browser.get("/login").await;
        let anon = csrf_page.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
        assert!(anon.iter().any(|c| c.starts_with("__Host-ao_csrf=") && c.contains("Secure") && c.contains("HttpOnly")), "{anon:?}");
        // reqwest keeps Secure cookies only for https, so replay the anonymous cookie by hand.
        let anon_cookie = anon.iter().find(|c| c.starts_with("__Host-ao_csrf=")).unwrap().split(';').next().unwrap().to_owned();
        let token = crate::helpers::csrf_in(&csrf_page.text().await.unwrap());
        app.create_staff("agent@region.example", &[achat_ouvert::domain::users::Role::Agent]).await;
        let response = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
            .post(browser.url("/login"))
            .header("cookie", anon_cookie)
            .form(&[("email", "agent@region.example"), ("password", PASSWORD), ("csrf_token", token.as_str())])
            .send().await.unwrap();
        assert_eq!(response.status(), 303);
        let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.starts_with("__Host-ao_session="), "{cookie}");
        for attribute in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
            assert!(cookie.contains(attribute), "{attribute} missing: {cookie}");
        }
        // At least 128 bits: 43 base64 characters are 256.
        let value = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
        assert!(value.len() >= 22, "{value}");
        app.stop().await;
    }
}
