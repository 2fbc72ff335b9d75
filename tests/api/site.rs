//! The public statements (accessibility, legal notice, personal data), the site map, the help for
//! suppliers and its links from the forms, `robots.txt`, `sitemap.xml`, the feeds' autodiscovery,
//! and the cookies the platform sets.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{
    Browser, PASSWORD, complete_form, id_from, paris_in, post_pairs, published, spawn_app, spawn_app_with,
};
use crate::proposals::start;

/// The footer's statement and help pages.
const FOOTER: [&str; 6] = [
    "/accessibilite",
    "/mentions-legales",
    "/donnees-personnelles",
    "/plan-du-site",
    "/aide/repondre",
    "/aide/glossaire",
];

/// The only cookies the privacy notice documents (over http, as in the tests).
const DOCUMENTED_COOKIES: [&str; 3] = ["ao_session", "ao_csrf", "lang"];

fn assert_footer(path: &str, body: &str) {
    let footer = &body[body.find("<footer").unwrap_or_else(|| panic!("no footer on {path}"))..];
    for link in FOOTER {
        assert!(footer.contains(&format!("href=\"{link}\"")), "{path}: no footer link to {link}");
    }
}

/// Fails if `response` sets a cookie the privacy notice does not document.
fn assert_only_documented_cookies(what: &str, response: &reqwest::Response) {
    for value in response.headers().get_all("set-cookie") {
        let name = value.to_str().unwrap().split('=').next().unwrap().trim().to_owned();
        assert!(DOCUMENTED_COOKIES.contains(&name.as_str()), "{what} set the undocumented cookie {name}");
    }
}

both_backends! {
    async fn every_statement_and_help_page_answers_in_both_languages_and_names_the_configured_people(backend) {
        let app = spawn_app_with(backend, &[
            ("SITE_PUBLISHER", "Région Exemple & Co"),
            ("SITE_PUBLICATION_DIRECTOR", "Mme Camille Martin, présidente"),
            ("SITE_HOST", "Hébergeur Exemple SAS, 2 rue du Serveur, 59000 Lille, 03 20 00 00 00"),
            ("SITE_DPO_CONTACT", "dpo@region-exemple.fr"),
            ("SITE_CONTACT_EMAIL", "accessibilite@region-exemple.fr"),
        ]).await;
        for path in FOOTER {
            for (lang, marker) in [("fr", "<html lang=\"fr\">"), ("en", "<html lang=\"en\">")] {
                let response = app.get_with(path, &[("Accept-Language", lang)]).await;
                assert_eq!(response.status(), 200, "{path} in {lang}");
                let body = response.text().await.unwrap();
                assert!(body.contains(marker), "{path} in {lang}");
                assert!(body.contains("<h1>"), "{path} in {lang}");
                assert!(!body.contains("{publisher}") && !body.contains("%7B"), "{path} in {lang}: a placeholder left");
                assert_footer(path, &body);
            }
        }
        let fr = |path: &'static str| {
            let app = &app;
            async move { app.get_with(path, &[("Accept-Language", "fr")]).await.text().await.unwrap() }
        };
        let legal = fr("/mentions-legales").await;
        assert!(legal.contains("Région Exemple &amp; Co"), "the publisher, escaped: {legal}");
        assert!(legal.contains("Mme Camille Martin, présidente"));
        assert!(legal.contains("Hébergeur Exemple SAS, 2 rue du Serveur"));
        let accessibility = fr("/accessibilite").await;
        assert!(accessibility.contains("partiellement conforme"));
        assert!(accessibility.contains("RGAA"));
        assert!(accessibility.contains("axe-core"));
        assert!(accessibility.contains("Défenseur des droits"));
        assert!(accessibility.contains("accessibilite@region-exemple.fr"));
        let privacy = fr("/donnees-personnelles").await;
        assert!(privacy.contains("dpo@region-exemple.fr"));
        for cookie in DOCUMENTED_COOKIES {
            assert!(privacy.contains(&format!("<code>{cookie}</code>")), "{cookie} is not documented");
        }
        let english = app.get_with("/accessibilite", &[("Accept-Language", "en")]).await.text().await.unwrap();
        assert!(english.contains("partially compliant") && english.contains("Défenseur des droits"));
        // Every public page is on the site map.
        let map = fr("/plan-du-site").await;
        for path in ["/", "/objectives", "/directory", "/practices", "/consultations", "/chiffres", "/receipts/verify", "/register", "/sitemap.xml", "/audit/checkpoints", "/feeds/audit-checkpoints.atom"]
            .into_iter()
            .chain(FOOTER)
        {
            assert!(map.contains(&format!("href=\"{path}\"")), "the site map lacks {path}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn the_statements_are_linked_from_the_footer_of_every_page_signed_in_or_not(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Chaufferies des lycées").await;
        let supplier = app.supplier_owner("owner@entreprise.example", 1).await;
        let proposal = start(&supplier, objective, &[("title", "Bois local")]).await;
        let anonymous = app.browser();
        let public = ["/", "/objectives", "/directory", "/practices", "/login", "/register", "/receipts/verify",
            "/no-such-page"];
        for path in public.iter().map(|p| p.to_string()).chain([format!("/objectives/{objective}")]) {
            assert_footer(&path, &anonymous.text(&path).await);
        }
        let own = ["/work".to_owned(), "/account".to_owned(), "/proposals".to_owned(), "/organisation".to_owned(),
            format!("/proposals/{proposal}"), format!("/proposals/{proposal}/edit")];
        for path in own {
            assert_footer(&path, &supplier.text(&path).await);
        }
        for path in ["/objectives/new", "/work"] {
            assert_footer(path, &agent.text(path).await);
        }
        // The footer states the declared conformity, and follows the setting.
        assert!(anonymous.text("/").await.contains("Accessibilité : partiellement conforme"));
        app.stop().await;
        let full = spawn_app_with(backend, &[("ACCESSIBILITY_STATUS", "full")]).await;
        assert!(full.get("/").await.text().await.unwrap().contains("Accessibilité : totalement conforme"));
        full.stop().await;
    }
}

both_backends! {
    async fn the_sitemap_lists_published_objectives_and_never_drafts_and_robots_names_it(backend) {
        let app = spawn_app_with(backend, &[("PUBLIC_URL", "https://achats.region.example/")]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let public = published(&app, &agent, "Objectif publié").await;
        let form = complete_form(&app, "Objectif en brouillon", &paris_in(&app, 30)).await;
        let created = post_pairs(&agent, "/objectives/new", "/objectives", &form).await;
        let draft = id_from(created.headers()["location"].to_str().unwrap());

        let response = app.get("/sitemap.xml").await;
        assert_eq!(response.status(), 200);
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
        let xml = response.text().await.unwrap();
        assert!(xml.starts_with("<?xml"), "{xml}");
        assert!(xml.contains("<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"));
        assert!(xml.contains(&format!("<loc>https://achats.region.example/objectives/{public}</loc>")), "{xml}");
        assert!(!xml.contains(&format!("/objectives/{draft}<")), "a draft in the sitemap: {xml}");
        assert!(xml.contains("<loc>https://achats.region.example/accessibilite</loc>"));
        assert!(xml.contains("<loc>https://achats.region.example/aide/repondre</loc>"));
        for fixed in ["/chiffres", "/consultations", "/audit/checkpoints"] {
            assert!(xml.contains(&format!("<loc>https://achats.region.example{fixed}</loc>")), "{fixed}: {xml}");
        }
        assert!(!xml.contains("AO-PRACTICE") && !xml.contains("/proposals"), "{xml}");
        // The entries are kept between requests; the draft's publication (audited) shows at once.
        assert_eq!(agent.submit(&format!("/objectives/{draft}"), &format!("/objectives/{draft}/publish"), &[]).await.status(), 303);
        let xml = app.get("/sitemap.xml").await.text().await.unwrap();
        assert!(xml.contains(&format!("<loc>https://achats.region.example/objectives/{draft}</loc>")), "{xml}");

        let robots = app.get("/robots.txt").await;
        assert_eq!(robots.status(), 200);
        assert!(robots.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
        let robots = robots.text().await.unwrap();
        assert!(robots.contains("Sitemap: https://achats.region.example/sitemap.xml"), "{robots}");
        assert!(robots.contains("User-agent: *") && robots.contains("Disallow: /account"), "{robots}");
        assert!(robots.contains("Allow: /receipts/verify"), "the public receipt check stays open: {robots}");
        app.stop().await;
    }
}

both_backends! {
    async fn pages_with_a_feed_announce_it_in_their_head(backend) {
        let app = spawn_app(backend).await;
        let head = |body: &str| body[..body.find("</head>").unwrap()].to_owned();
        let list = head(&app.get("/objectives").await.text().await.unwrap());
        assert!(list.contains("<link rel=\"alternate\" type=\"application/atom+xml\""), "{list}");
        assert!(list.contains("href=\"/feeds/objectives.atom\""), "{list}");
        let theme = &achat_ouvert::domain::themes::THEMES[0].0;
        let filtered = head(&app.get(&format!("/objectives?theme={theme}")).await.text().await.unwrap());
        assert!(filtered.contains(&format!("href=\"/feeds/themes/{theme}.atom\"")), "{filtered}");
        assert_eq!(app.get(&format!("/feeds/themes/{theme}.atom")).await.status(), 200);
        let practices = head(&app.get("/practices").await.text().await.unwrap());
        assert!(practices.contains("href=\"/feeds/practices.atom\""), "{practices}");
        assert!(head(&app.get("/").await.text().await.unwrap()).contains("href=\"/feeds/objectives.atom\""));
        // A page without a feed announces none.
        assert!(!head(&app.get("/login").await.text().await.unwrap()).contains("application/atom+xml"));
        app.stop().await;
    }
}

both_backends! {
    async fn no_cookie_but_session_csrf_and_language_is_ever_set(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Objectif pour les cookies").await;
        let owner = app.supplier_owner("owner@entreprise.example", 2).await;
        let proposal = start(&owner, objective, &[("title", "Proposition")]).await;
        let mut seen = std::collections::BTreeSet::new();
        let mut check = |what: &str, response: &reqwest::Response| {
            assert_only_documented_cookies(what, response);
            for value in response.headers().get_all("set-cookie") {
                seen.insert(value.to_str().unwrap().split('=').next().unwrap().to_owned());
            }
        };

        // Anonymous: the public pages, the feeds, the language switch, a 404, a refused form.
        let anonymous = app.browser();
        let objective_page = format!("/objectives/{objective}");
        let anonymous_paths = ["/", "/objectives", objective_page.as_str(), "/directory", "/practices", "/login",
            "/register", "/receipts/verify", "/forgot-password", "/feeds/objectives.atom", "/feeds/practices.atom",
            "/sitemap.xml", "/robots.txt", "/api/v1/objectives", "/no-such-page", "/lang/en?next=/", "/proposals"];
        for path in anonymous_paths.into_iter().chain(FOOTER) {
            check(path, &anonymous.get(path).await);
        }
        check("a refused sign-in", &anonymous.submit("/login", "/login", &[("email", "x@y.example"), ("password", "no")]).await);

        // Signed in: the sign-in itself, one's own pages, a saved draft, the sign-out.
        let person: Browser = app.browser();
        check("the sign-in page", &person.get("/login").await);
        check("signing in", &person.sign_in("owner@entreprise.example", PASSWORD).await);
        let own = ["/work".to_owned(), "/account".to_owned(), "/account/sessions".to_owned(), "/proposals".to_owned(),
            "/organisation".to_owned(), format!("/proposals/{proposal}"), format!("/proposals/{proposal}/edit"),
            format!("/proposals/{proposal}/deposit"), "/organisation/profile".to_owned(), "/messages".to_owned(),
            "/practice".to_owned(), objective_page.clone()];
        for path in own.iter().chain(FOOTER.iter().map(|p| p.to_string()).collect::<Vec<_>>().iter()) {
            check(path, &person.get(path).await);
        }
        check("a question", &person.submit(&objective_page, &format!("/objectives/{objective}/questions"), &[("question", "Quel calendrier pour les travaux ?")]).await);
        check("the agent's pages", &agent.get("/objectives/new").await);
        check("signing out", &person.submit("/work", "/logout", &[]).await);
        check("after signing out", &person.get("/work").await);
        // The walk did meet the documented cookies (the test would pass vacuously otherwise).
        for name in DOCUMENTED_COOKIES {
            assert!(seen.contains(name), "{name} never set during the walk: {seen:?}");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn the_forms_link_to_the_right_section_of_the_guide_and_the_glossary(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Objectif pour l’aide").await;
        let supplier = app.supplier_owner("owner@entreprise.example", 3).await;
        let proposal = start(&supplier, objective, &[("title", "Aidée")]).await;
        let pages = [
            (app.browser().text("/register").await, vec!["/aide/glossaire#siret"]),
            (
                supplier.text(&format!("/proposals/{proposal}/edit")).await,
                vec!["/aide/repondre#proposition", "/aide/repondre#accompagnement"],
            ),
            (supplier.text(&format!("/proposals/{proposal}")).await, vec!["/aide/repondre#groupement"]),
            (supplier.text(&format!("/proposals/{proposal}/deposit")).await, vec!["/aide/repondre#depot"]),
        ];
        for (body, links) in pages {
            for link in links {
                assert!(body.contains(&format!("href=\"{link}\"")), "no help link to {link}");
                // The section exists in both languages.
                let (page, anchor) = link.split_once('#').unwrap();
                for lang in ["fr", "en"] {
                    let target = app.get_with(page, &[("Accept-Language", lang)]).await.text().await.unwrap();
                    assert!(target.contains(&format!("id=\"{anchor}\"")), "{page} in {lang} has no #{anchor}");
                }
            }
        }
        // Every glossary anchor a page of the guide links to exists.
        let guide = app.get("/aide/repondre").await.text().await.unwrap();
        let glossary = app.get("/aide/glossaire").await.text().await.unwrap();
        for part in guide.split("href=\"/aide/glossaire#").skip(1) {
            let anchor: String = part.chars().take_while(|c| *c != '"').collect();
            assert!(glossary.contains(&format!("id=\"{anchor}\"")), "the glossary has no #{anchor}");
        }
        app.stop().await;
    }
}
