//! The network of suppliers, good practices: submitted by organisations, reviewed by agents
//! (published or refused with a reason), listed by theme, in an Atom feed and the API, featured on
//! the home page, shown on the organisation's profile; every refusal on the way.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app};

pub const BODY: &str = "Nous réparons les vélos de service des collectivités dans nos ateliers d’insertion, \
                    avec des pièces de réemploi : 300 vélos remis en selle en 2025.";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00";

async fn submit(
    who: &Browser,
    title: &str,
    body: &str,
    themes: &[&str],
    picture: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let token = who.csrf("/practices/new").await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("title", title.to_owned())
        .text("body", body.to_owned());
    for t in themes {
        form = form.text("themes", (*t).to_owned());
    }
    if let Some((name, bytes)) = picture {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    }
    who.client.post(who.url("/practices")).multipart(form).send().await.unwrap()
}

fn id_after(r: &reqwest::Response) -> i64 {
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/practices/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

pub async fn practice_count(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use diesel::prelude::*;
        achat_ouvert::db::schema::practices::table.count().get_result(conn).unwrap()
    })
    .await
}

both_backends! {
    async fn organisations_share_practices_that_agents_review_before_anyone_reads_them(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let admin = app.admin("admin@region.example").await;
        let owner = app.supplier_owner("owner@velo.example", 401).await;
        let other = app.supplier_owner("owner@autre.example", 402).await;
        let visitor = app.browser();

        // Bad submissions are refused with their reasons, nothing stored, no file left behind.
        let files = crate::proposals::stored_files(&app);
        let r = submit(&owner, "", "court", &["astrologie"], None).await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("Un titre de 1 à 120") && page.contains("50 à 5 000") && page.contains("au moins un thème"), "{page}");
        let r = submit(&owner, "Ateliers vélo", BODY, &["mobilite"], Some(("photo.png", b"%PDF-1.4 not an image"))).await;
        assert_eq!(r.status(), 415);
        assert!(r.text().await.unwrap().contains("PNG ou JPEG"));
        let mut big = PNG.to_vec();
        big.resize(3 * 1024 * 1024, 0);
        assert_eq!(submit(&owner, "Ateliers vélo", BODY, &["mobilite"], Some(("grande.png", &big))).await.status(), 413);
        assert_eq!((practice_count(&app).await, crate::proposals::stored_files(&app)), (0, files));
        assert_eq!(submit(&agent, "Ateliers vélo", BODY, &["mobilite"], None).await.status(), 403, "staff do not submit");

        // Submitted: the organisation and agents read it; nobody else.
        let r = submit(&owner, "Ateliers vélo solidaires", BODY, &["mobilite", "economie"], Some(("atelier.png", PNG))).await;
        assert_eq!(r.status(), 303);
        let p = id_after(&r);
        let url = format!("/practices/{p}");
        assert!(owner.text(&url).await.contains("En relecture"));
        for who in [&visitor, &other, &admin] {
            assert_eq!(who.get(&url).await.status(), 404);
            assert_eq!(who.get(&format!("{url}/picture")).await.status(), 404);
        }
        assert!(!visitor.text("/practices").await.contains("Ateliers vélo"));
        assert!(owner.text("/practices").await.contains("Les fiches de votre organisation"));
        assert!(agent.text("/practices/review").await.contains("Ateliers vélo solidaires"));
        assert_eq!(owner.get("/practices/review").await.status(), 403);
        assert_eq!(admin.get("/practices/review").await.status(), 403, "moderation is the agents'");

        // Only agents review; a refusal needs a reason.
        let review = format!("{url}/review");
        assert_eq!(owner.submit(&url, &review, &[("decision", "publish")]).await.status(), 403, "one's own practice neither");
        assert_eq!(admin.submit("/account", &review, &[("decision", "publish")]).await.status(), 403);
        let r = agent.submit(&url, &review, &[("decision", "refuse"), ("reason", "Non")]).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("10 caractères au moins"));
        assert_eq!(agent.submit(&url, &review, &[("decision", "publish")]).await.status(), 303);
        assert_eq!(agent.submit(&url, &review, &[("decision", "refuse"), ("reason", "Trop tard pour refuser")]).await.status(), 409);
        assert!(app.last_mail_to("owner@velo.example").await.subject.contains("publiée"));

        // Published: the public list (by theme), the page with its picture, the feed, the API.
        let public = visitor.text(&url).await;
        assert!(public.contains("Ateliers vélo solidaires") && public.contains("Entreprise 401") && public.contains("300 vélos"));
        let picture = visitor.get(&format!("{url}/picture")).await;
        assert_eq!(picture.status(), 200);
        assert_eq!(picture.headers()["content-type"], "image/png");
        assert!(visitor.text("/practices?theme=mobilite").await.contains("Ateliers vélo solidaires"));
        assert!(!visitor.text("/practices?theme=energie").await.contains("Ateliers vélo solidaires"));
        let feed = visitor.text("/feeds/practices.atom").await;
        assert!(feed.contains("<title>Ateliers vélo solidaires</title>") && feed.contains("<category term=\"mobilite\"/>"), "{feed}");
        let api: serde_json::Value = visitor.get("/api/v1/practices?theme=economie").await.json().await.unwrap();
        assert_eq!(api["items"][0]["title"], "Ateliers vélo solidaires");
        assert!(api["items"][0]["organisation_url"].is_null(), "the organisation is not listed in the directory");
        assert_eq!(visitor.get(&format!("/api/v1/practices/{p}")).await.status(), 200);
        // The home page shows the newest; an agent features one.
        assert!(visitor.text("/").await.contains("Ateliers vélo solidaires"));
        let r = submit(&other, "Cantine sans plastique", &BODY.replace("vélos", "repas"), &["alimentation"], None).await;
        let second = id_after(&r);
        assert_eq!(agent.submit(&format!("/practices/{second}"), &format!("/practices/{second}/review"), &[("decision", "refuse"), ("reason", "Ce texte reprend une autre fiche mot pour mot.")]).await.status(), 303);
        assert!(app.last_mail_to("owner@autre.example").await.body_text.contains("mot pour mot"));
        assert!(other.text(&format!("/practices/{second}")).await.contains("Refusée"));
        assert_eq!(visitor.get(&format!("/practices/{second}")).await.status(), 404);
        assert_eq!(visitor.get(&format!("/api/v1/practices/{second}")).await.status(), 404);
        assert_eq!(agent.submit(&format!("/practices/{second}"), &format!("/practices/{second}/feature"), &[("featured", "true")]).await.status(), 404, "only published practices are featured");
        assert_eq!(agent.submit(&url, &format!("{url}/feature"), &[("featured", "true")]).await.status(), 303);
        assert_eq!(owner.submit(&url, &format!("{url}/feature"), &[("featured", "false")]).await.status(), 403);

        // The organisation's profile shows its practices once it is listed; the practice links it.
        assert_eq!(owner.submit("/organisation/profile", "/organisation/profile/listing", &[("listed", "true")]).await.status(), 303);
        let org = crate::evaluation::organisation_of(&app, "owner@velo.example").await;
        assert!(visitor.text(&format!("/directory/{org}")).await.contains(&format!("/practices/{p}")));
        assert!(visitor.text(&url).await.contains(&format!("/directory/{org}")));
        let audit: Vec<String> = app
            .with_db(|conn| {
                use diesel::prelude::*;
                achat_ouvert::db::schema::audit_log::table.select(achat_ouvert::db::schema::audit_log::action).load(conn).unwrap()
            })
            .await;
        for action in ["practice.submitted", "practice.published", "practice.refused", "practice.featured"] {
            assert!(audit.iter().any(|a| a == action), "{action} audited");
        }
        // An unverified supplier does not submit.
        let fresh = app.browser();
        let siret = crate::helpers::siret(403);
        fresh.submit("/register", "/register", &crate::helpers::registration("Neuve", &siret, "N", "owner@neuve.example")).await;
        assert_eq!(fresh.sign_in("owner@neuve.example", PASSWORD).await.status(), 303);
        assert_eq!(fresh.get("/practices/new").await.status(), 403);
        app.stop().await;
    }
}
