//! The network of suppliers, step 1: the directory (opt-in profiles, search and filters), the
//! credentials catalogue and the credentials organisations hold (expiry, evidence), the data
//! export, their API, and every refusal on the way.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app};
use crate::proposals::PDF;

const PROFILE: &str = "/organisation/profile";

/// Saves a profile: `extra` pairs added to a valid base (sectors, size).
async fn save_profile(who: &Browser, extra: &[(&str, &str)]) -> reqwest::Response {
    let mut fields = vec![("sectors", "Énergie, Bâtiment"), ("size", "sme")];
    fields.extend_from_slice(extra);
    who.submit(PROFILE, PROFILE, &fields).await
}

async fn list(who: &Browser, listed: bool) -> reqwest::Response {
    who.submit(PROFILE, "/organisation/profile/listing", &[("listed", if listed { "true" } else { "false" })]).await
}

/// Adds a credential through the multipart form; `file` as (name, bytes).
async fn add_credential(
    who: &Browser,
    credential: &str,
    expires: &str,
    file: Option<(&str, &[u8])>,
) -> reqwest::Response {
    let token = who.csrf(PROFILE).await;
    let mut form = reqwest::multipart::Form::new()
        .text("csrf_token", token)
        .text("credential", credential.to_owned())
        .text("expires_on", expires.to_owned());
    if let Some((name, bytes)) = file {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_owned()));
    }
    who.client.post(who.url("/organisation/profile/credentials")).multipart(form).send().await.unwrap()
}

pub async fn catalogue_id(app: &TestApp, code: &'static str) -> String {
    let id = app
        .with_db(move |conn| {
            achat_ouvert::domain::network::credentials::catalogue(conn, true)
                .unwrap()
                .into_iter()
                .find(|c| c.code == code)
                .unwrap()
                .id
                .0
        })
        .await;
    id.to_string()
}

async fn org_id(app: &TestApp, email: &'static str) -> i64 {
    crate::evaluation::organisation_of(app, email).await
}

async fn held_count(app: &TestApp) -> i64 {
    app.with_db(|conn| {
        use diesel::prelude::*;
        achat_ouvert::db::schema::organisation_credentials::table.count().get_result(conn).unwrap()
    })
    .await
}

pub fn today_plus(app: &TestApp, days: i64) -> String {
    use achat_ouvert::clock::Clock;
    achat_ouvert::domain::network::today(app.clock.now_naive() + chrono::Duration::days(days)).to_string()
}

both_backends! {
    async fn an_organisation_appears_in_the_directory_by_choice_with_its_profile_and_credentials(backend) {
        let app = spawn_app(backend).await;
        let owner = app.supplier_owner("owner@alpha.example", 81).await;
        let member = crate::helpers::org_member(&app, &owner, "member@alpha.example").await;
        let alpha = org_id(&app, "owner@alpha.example").await;
        let visitor = app.browser();
        let public = format!("/directory/{alpha}");

        // Nothing is public before the organisation chooses to appear; its members see a preview.
        assert_eq!(visitor.get(&public).await.status(), 404);
        assert!(member.text(&public).await.contains("Aperçu"), "a preview before the first save");
        assert!(!visitor.text("/directory").await.contains("Entreprise 81"));

        // A member writes the profile; bad input is refused with the error by its field, nothing saved.
        let long = "x".repeat(1001);
        let r = save_profile(&member, &[("presentation", "Chaleur"), ("departments", "75"), ("commit_climate", &long)]).await;
        assert_eq!(r.status(), 422);
        let page = r.text().await.unwrap();
        assert!(page.contains("Choisissez des départements de la région") && page.contains("1 000 caractères au plus"), "{page}");
        assert!(page.contains("aria-describedby=\"commit_climate-error\""));
        let unchanged = app
            .with_db(move |conn| {
                achat_ouvert::domain::network::profiles::find(conn, achat_ouvert::db::ids::OrganisationId(alpha)).unwrap()
            })
            .await;
        assert!(unchanged.is_none(), "a refused edit stores nothing");
        let presentation = "## Qui sommes-nous\n\nChauffagistes des **lycées** depuis 1990.<script>alert(1)</script>";
        let r = save_profile(&member, &[("presentation", presentation), ("departments", "69"), ("departments", "38"),
            ("commit_climate", "Flotte électrique d’ici 2027."), ("commit_inclusion", "Deux apprentis par an."), ("social_economy", "true")]).await;
        assert_eq!(r.status(), 303);
        // Still unlisted: the members preview it; the public does not see it.
        let preview = member.text(&public).await;
        assert!(preview.contains("Aperçu") && preview.contains("Flotte électrique"), "{preview}");
        assert_eq!(visitor.get(&public).await.status(), 404);

        // Credentials: from the catalogue, with an optional future expiry and evidence.
        let iso = catalogue_id(&app, "iso-14001").await;
        let before = crate::proposals::stored_files(&app);
        let r = add_credential(&owner, &iso, &today_plus(&app, -1), None).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("La date d’expiration est déjà passée"));
        let r = add_credential(&owner, "99999", "", Some(("certificat.pdf", PDF))).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("Choisissez un label du catalogue"));
        let r = add_credential(&owner, &iso, "", Some(("certificat.pdf", b"MZ\x90\x00 a program".as_slice()))).await;
        assert_eq!(r.status(), 415, "a program named .pdf");
        let png_named_docx = b"\x89PNG\r\n\x1a\n".to_vec();
        assert_eq!(add_credential(&owner, &iso, "", Some(("photo.docx", &png_named_docx))).await.status(), 303, "types come from content");
        let edit = owner.text(PROFILE).await;
        let remove = edit
            .split("action=\"")
            .find(|s| s.starts_with("/organisation/profile/credentials/"))
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        assert_eq!(owner.submit(PROFILE, &remove, &[]).await.status(), 303);
        // A real OpenDocument header: accepted elsewhere on the platform, not as evidence.
        let mut odt = b"PK\x03\x04".to_vec();
        odt.extend_from_slice(&[0u8; 26]);
        odt.extend_from_slice(b"mimetypeapplication/vnd.oasis.opendocument.text");
        assert_eq!(add_credential(&owner, &iso, "", Some(("attestation.odt", &odt))).await.status(), 415, "evidence is a PDF or an image");
        let mut big = PDF.to_vec();
        big.resize(6 * 1024 * 1024, b' ');
        assert_eq!(add_credential(&owner, &iso, "", Some(("gros.pdf", &big))).await.status(), 413);
        assert_eq!((held_count(&app).await, crate::proposals::stored_files(&app)), (0, before), "refusals store nothing, leave no file");
        let r = add_credential(&owner, &iso, &today_plus(&app, 10), Some(("certificat ISO.pdf", PDF))).await;
        assert_eq!(r.status(), 303);
        assert_eq!(crate::proposals::stored_files(&app), before + 1);
        let b_corp = catalogue_id(&app, "b-corp").await;
        assert_eq!(add_credential(&member, &b_corp, "", None).await.status(), 303);
        let r = add_credential(&member, &b_corp, "", None).await;
        assert_eq!(r.status(), 422, "held already");

        // The organisation lists itself: the public sees the profile, sanitised, no person named.
        assert_eq!(list(&owner, true).await.status(), 303);
        let page = visitor.text(&public).await;
        assert!(page.contains("Chauffagistes des <strong>lycées</strong>") && !page.contains("<script>alert"), "{page}");
        assert!(page.contains("ISO 14001") && page.contains("B Corp") && page.contains("Valide jusqu’au"));
        assert!(page.contains("Rhône") && page.contains("Isère") && page.contains("Deux apprentis"));
        for private in ["owner@alpha.example", "member@alpha.example", "Owner", &crate::helpers::siret(81)] {
            assert!(!page.contains(private), "{private} is not public");
        }
        // The evidence is downloadable with the profile.
        let href = page.split("href=\"").find(|s| s.contains("/evidence")).unwrap().split('"').next().unwrap().to_owned();
        let doc = visitor.get(&href).await;
        assert_eq!(doc.status(), 200);
        assert!(doc.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        assert_eq!(doc.bytes().await.unwrap().as_ref(), PDF);

        // Expired credentials show as expired and leave the credential filter.
        let filter = format!("/directory?credential={iso}");
        assert!(visitor.text(&filter).await.contains("Entreprise 81"));
        app.clock.advance(chrono::Duration::days(12));
        let page = visitor.text(&public).await;
        assert!(page.contains("Expiré le"), "{page}");
        assert!(!visitor.text(&filter).await.contains("Entreprise 81"), "an expired credential does not count");
        assert!(visitor.text(&format!("/directory?credential={b_corp}")).await.contains("Entreprise 81"));

        // Removing a credential removes its evidence file.
        assert_eq!(owner.sign_in("owner@alpha.example", PASSWORD).await.status(), 303);
        let edit = owner.text(PROFILE).await;
        let remove = edit
            .split("action=\"")
            .filter(|s| s.starts_with("/organisation/profile/credentials/"))
            .map(|s| s.split('"').next().unwrap().to_owned())
            .find(|action| {
                let before = edit.split(action.as_str()).next().unwrap();
                before.rfind("ISO 14001") > before.rfind("B Corp")
            })
            .expect("the ISO 14001 remove button");
        assert_eq!(owner.submit(PROFILE, &remove, &[]).await.status(), 303);
        assert_eq!(crate::proposals::stored_files(&app), before);
        assert_eq!(visitor.get(&href).await.status(), 404);
        assert_eq!(owner.submit(PROFILE, &remove, &[]).await.status(), 404, "already removed");

        // Withdrawn at any time: gone from the directory and its API.
        assert_eq!(list(&owner, false).await.status(), 303);
        assert_eq!(visitor.get(&public).await.status(), 404);
        assert_eq!(visitor.get(&format!("/api/v1/directory/{alpha}")).await.status(), 404);
        assert!(!visitor.text("/directory").await.contains("Entreprise 81"));
        let audit: Vec<String> = app
            .with_db(|conn| {
                use diesel::prelude::*;
                achat_ouvert::db::schema::audit_log::table.select(achat_ouvert::db::schema::audit_log::action).load(conn).unwrap()
            })
            .await;
        for action in ["profile.updated", "profile.credential_added", "profile.listed", "profile.credential_removed", "profile.withdrawn"] {
            assert!(audit.iter().any(|a| a == action), "{action} audited");
        }
        app.stop().await;
    }
}

both_backends! {
    async fn the_directory_searches_and_filters_like_the_objectives(backend) {
        let app = spawn_app(backend).await;
        let iso = catalogue_id(&app, "iso-14001").await;
        let people = [
            ("owner@a.example", 91u64, "Restauration collective", "micro", false, "69", "Cuisines centrales pour les cantines scolaires.", true),
            ("owner@b.example", 92, "Énergie", "sme", true, "38", "Réseaux de chaleur et chaufferies bois.", false),
            ("owner@c.example", 93, "Énergie, Transport", "large", false, "69", "Bornes de recharge et panneaux solaires.", true),
            ("owner@d.example", 94, "Énergie", "sme", true, "38", "Jamais listée.", false),
        ];
        for (email, n, sectors, size, ess, dep, text, credential) in people {
            let who = app.supplier_owner(email, n).await;
            let mut fields = vec![("sectors", sectors), ("size", size), ("departments", dep), ("presentation", text)];
            if ess {
                fields.push(("social_economy", "true"));
            }
            assert_eq!(who.submit(PROFILE, PROFILE, &fields).await.status(), 303);
            if credential {
                assert_eq!(add_credential(&who, &iso, "", None).await.status(), 303);
            }
            if n != 94 {
                assert_eq!(list(&who, true).await.status(), 303);
            }
        }
        let visitor = app.browser();
        let names = |body: &str| -> Vec<u64> {
            [91, 92, 93, 94].into_iter().filter(|n| body.contains(&format!("Entreprise {n}"))).collect()
        };
        let by_credential = format!("credential={iso}");
        for (query, expected) in [
            ("", vec![91, 92, 93]),
            ("q=cantine", vec![91]), // plural and accents folded: « cantines »
            ("q=CHAUFFERIE", vec![92]),
            ("q=energie", vec![92, 93]), // sectors count in the search
            ("sector=%C3%89nergie", vec![92, 93]),
            ("sector=Transport", vec![93]),
            ("sector=energie", vec![92, 93]), // case and accents do not matter, on either backend
            ("department=38", vec![92]),
            ("department=69&size=large", vec![93]),
            ("size=micro", vec![91]),
            ("social_economy=true", vec![92]),
            (by_credential.as_str(), vec![91, 93]),
            ("q=iso", vec![91, 93]), // credentials' names are searched too
            ("q=zzz", vec![]),
        ] {
            assert_eq!(names(&visitor.text(&format!("/directory?{query}")).await), expected, "page: {query}");
            let api: serde_json::Value = visitor.get(&format!("/api/v1/directory?{query}")).await.json().await.unwrap();
            let got: Vec<u64> = api["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["name"].as_str().unwrap().trim_start_matches("Entreprise ").parse().unwrap())
                .collect();
            assert_eq!(got, expected, "API: {query}");
        }
        assert!(visitor.text("/directory?q=zzz").await.contains("Aucune organisation ne correspond"));
        // Unknown filter values filter nothing out rather than failing.
        assert_eq!(visitor.get("/directory?department=75&size=huge&credential=abc&page=-3").await.status(), 200);
        // The API's profile and catalogue.
        let c = org_id(&app, "owner@c.example").await;
        let profile: serde_json::Value = visitor.get(&format!("/api/v1/directory/{c}")).await.json().await.unwrap();
        assert_eq!(profile["departments"][0]["code"], "69");
        assert_eq!(profile["credentials"][0]["code"], "iso-14001");
        assert_eq!(profile["credentials"][0]["expired"], false);
        assert!(!profile.to_string().contains("owner@c.example"), "no address is public");
        let d = org_id(&app, "owner@d.example").await;
        let unlisted = visitor.get(&format!("/api/v1/directory/{d}")).await;
        assert_eq!(unlisted.status(), 404);
        assert_eq!(unlisted.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found");
        let catalogue: serde_json::Value = visitor.get("/api/v1/credentials").await.json().await.unwrap();
        assert!(catalogue.as_array().unwrap().iter().any(|c| c["code"] == "emas"));
        app.stop().await;
    }
}

both_backends! {
    async fn an_edited_profile_is_found_by_its_new_words_at_once_and_the_sector_filter_follows(backend) {
        let app = spawn_app(backend).await;
        let who = app.supplier_owner("owner@a.example", 91).await;
        let visitor = app.browser();
        let option = |sector: &str| format!("<option value=\"{sector}\"");
        let found = async |query: &str| {
            let page = visitor.text(&format!("/directory?{query}")).await.contains("Entreprise 91");
            let api: serde_json::Value = visitor.get(&format!("/api/v1/directory?{query}")).await.json().await.unwrap();
            let in_api = api["items"].as_array().unwrap().iter().any(|i| i["name"] == "Entreprise 91");
            assert_eq!(page, in_api, "page and API differ: {query}");
            page
        };
        let first = [("sectors", "Menuiserie"), ("size", "sme"), ("presentation", "Escaliers en chêne massif.")];
        assert_eq!(who.submit(PROFILE, PROFILE, &first).await.status(), 303);
        // Not listed yet: neither found nor offered as a sector.
        assert!(!found("q=escalier").await);
        assert!(!visitor.text("/directory").await.contains(&option("Menuiserie")));
        assert_eq!(list(&who, true).await.status(), 303);
        assert!(found("q=escaliers").await);
        assert!(found("sector=menuiserie").await);
        assert!(visitor.text("/directory").await.contains(&option("Menuiserie")));
        // Edited: found by its new words and sector at once, no longer by the old ones.
        let edit = [
            ("sectors", "Ébénisterie, Ébénisterie"),
            ("size", "sme"),
            ("presentation", "Tables en **noyer** et bibliothèques sur mesure."),
        ];
        assert_eq!(who.submit(PROFILE, PROFILE, &edit).await.status(), 303);
        for query in ["q=noyer", "q=BIBLIOTHEQUE", "q=ebenisteries", "q=table+noyer", "sector=%C3%A9b%C3%A9nisterie"] {
            assert!(found(query).await, "{query}");
        }
        for query in ["q=escalier", "q=chene", "sector=Menuiserie"] {
            assert!(!found(query).await, "{query}");
        }
        let page = visitor.text("/directory").await;
        assert!(page.contains(&option("Ébénisterie")));
        assert!(!page.contains(&option("Menuiserie")), "a sector nobody listed holds is not offered");
        // Withdrawn: out of the search and of the sector filter at once.
        assert_eq!(list(&who, false).await.status(), 303);
        assert!(!found("q=noyer").await);
        assert!(!visitor.text("/directory").await.contains(&option("Ébénisterie")));
        app.stop().await;
    }
}

both_backends! {
    async fn profiles_listed_before_the_sector_rows_existed_get_them_at_start_up(backend) {
        let app = spawn_app(backend).await;
        let who = app.supplier_owner("owner@a.example", 91).await;
        assert_eq!(save_profile(&who, &[]).await.status(), 303);
        assert_eq!(list(&who, true).await.status(), 303);
        let visitor = app.browser();
        assert!(visitor.text("/directory").await.contains("<option value=\"Bâtiment\""));
        // As the database was before the migration: profiles listed, no sector rows.
        let filled = app
            .with_db(|conn| {
                use achat_ouvert::db::schema::{directory_sector_names, directory_sectors};
                use diesel::prelude::*;
                diesel::delete(directory_sectors::table).execute(conn).unwrap();
                diesel::delete(directory_sector_names::table).execute(conn).unwrap();
                achat_ouvert::domain::network::profiles::backfill_sectors(conn).unwrap()
            })
            .await;
        assert_eq!(filled, 1);
        let page = visitor.text("/directory").await;
        assert!(page.contains("<option value=\"Bâtiment\"") && page.contains("<option value=\"Énergie\""));
        assert!(visitor.text("/directory?sector=batiment").await.contains("Entreprise 91"));
        // Filled once: a later start changes nothing.
        let again = app.with_db(|conn| achat_ouvert::domain::network::profiles::backfill_sectors(conn).unwrap()).await;
        assert_eq!(again, 0);
        app.stop().await;
    }
}

/// The directory's word index, every row.
async fn words(app: &TestApp) -> Vec<(i64, String)> {
    app.with_db(|conn| {
        use achat_ouvert::db::schema::directory_terms as t;
        use diesel::prelude::*;
        t::table
            .order((t::organisation_id, t::term))
            .select((t::organisation_id, t::term))
            .load::<(i64, String)>(conn)
            .unwrap()
    })
    .await
}

both_backends! {
    async fn the_directory_word_index_holds_each_profile_s_words_and_the_migration_fills_it_for_older_ones(backend) {
        let app = spawn_app(backend).await;
        let who = app.supplier_owner("owner@a.example", 93).await;
        assert_eq!(save_profile(&who, &[]).await.status(), 303);
        assert_eq!(list(&who, true).await.status(), 303);
        let visitor = app.browser();
        // A word's start finds it, a word's middle does not (as the objectives' search).
        assert!(visitor.text("/directory?q=entrepr").await.contains("Entreprise 93"));
        assert!(!visitor.text("/directory?q=treprise").await.contains("Entreprise 93"));
        let written = words(&app).await;
        assert!(written.iter().any(|(_, w)| w == "entreprise"), "{written:?}");
        // As the database was before the migration: no word rows. The migration's own statement
        // fills them with the words the application writes.
        let up = std::fs::read_to_string(format!(
            "{}/migrations/{}/2026-12-07-000026_directory_terms/up.sql",
            env!("CARGO_MANIFEST_DIR"),
            backend.label()
        ))
        .unwrap();
        let fill = up.split("-- The profiles written before: their search text split at spaces.").nth(1).unwrap().to_owned();
        app.with_db(move |conn| {
            use diesel::prelude::*;
            diesel::delete(achat_ouvert::db::schema::directory_terms::table).execute(conn).unwrap();
            diesel::sql_query(fill).execute(conn).unwrap();
        })
        .await;
        assert_eq!(words(&app).await, written);
        app.stop().await;
    }
}

both_backends! {
    async fn administrators_keep_the_catalogue_and_organisations_export_their_data(backend) {
        let app = spawn_app(backend).await;
        let admin = app.admin("admin@region.example").await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let owner = app.supplier_owner("owner@alpha.example", 85).await;
        let catalogue = "/admin/credentials";
        // New entries: a bad code and a duplicate are refused.
        let bad = [("code", "Label Bas Carbone"), ("name_fr", "Label bas-carbone"), ("name_en", "Low-carbon label")];
        let r = admin.submit(catalogue, catalogue, &bad).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("minuscules, chiffres et tirets"));
        let fields = [("code", "bas-carbone"), ("name_fr", "Label bas-carbone"), ("name_en", "Low-carbon label"), ("description_fr", ""), ("description_en", "")];
        assert_eq!(admin.submit(catalogue, catalogue, &fields).await.status(), 303);
        let r = admin.submit(catalogue, catalogue, &fields).await;
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("déjà utilisé"));
        assert!(owner.text(PROFILE).await.contains("Label bas-carbone"));
        // Retired: no longer offered nor accepted; restored: back.
        let id = catalogue_id(&app, "bas-carbone").await;
        assert_eq!(admin.submit(catalogue, &format!("{catalogue}/{id}/retire"), &[]).await.status(), 303);
        assert!(!owner.text(PROFILE).await.contains("Label bas-carbone"));
        assert_eq!(add_credential(&owner, &id, "", None).await.status(), 422);
        assert!(!app.get("/api/v1/credentials").await.text().await.unwrap().contains("bas-carbone"));
        assert_eq!(admin.submit(catalogue, &format!("{catalogue}/{id}/restore"), &[]).await.status(), 303);
        assert_eq!(add_credential(&owner, &id, "", None).await.status(), 303);
        assert!(admin.text(catalogue).await.contains("Label bas-carbone"));
        // Only administrators.
        assert_eq!(agent.get(catalogue).await.status(), 403);
        assert_eq!(owner.submit(PROFILE, &format!("{catalogue}/{id}/retire"), &[]).await.status(), 403);
        assert_eq!(app.browser().get(catalogue).await.status(), 303, "to the sign-in page");
        assert_eq!(admin.submit(catalogue, &format!("{catalogue}/999999/retire"), &[]).await.status(), 404);

        // The export: everything about the organisation, for its own members.
        assert_eq!(save_profile(&owner, &[("presentation", "Présentation"), ("departments", "01")]).await.status(), 303);
        let export = owner.get("/organisation/export.json").await;
        assert_eq!(export.status(), 200);
        assert!(export.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
        let data: serde_json::Value = export.json().await.unwrap();
        assert_eq!(data["organisation"]["legal_name"], "Entreprise 85");
        assert_eq!(data["members"][0]["email"], "owner@alpha.example");
        assert_eq!(data["profile"]["departments"][0], "01");
        assert_eq!(data["credentials"][0]["code"], "bas-carbone");
        let token = crate::helpers::api_token(&owner).await;
        let api: serde_json::Value =
            app.client.get(app.url("/api/v1/organisation/export")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(api["organisation"], data["organisation"]);
        for who in [&agent, &admin] {
            assert_eq!(who.get("/organisation/export.json").await.status(), 403);
            assert_eq!(who.get(PROFILE).await.status(), 403, "staff have no profile to edit");
        }
        let anonymous = app.get("/api/v1/organisation/export").await;
        assert_eq!(anonymous.status(), 401);
        assert_eq!(anonymous.json::<serde_json::Value>().await.unwrap()["error"]["code"], "unauthorized");
        app.stop().await;
    }
}

both_backends! {
    async fn nobody_edits_another_organisation_s_profile(backend) {
        let app = spawn_app(backend).await;
        let alpha = app.supplier_owner("owner@alpha.example", 86).await;
        let beta = app.supplier_owner("owner@beta.example", 87).await;
        let iso = catalogue_id(&app, "iso-14001").await;
        assert_eq!(add_credential(&alpha, &iso, "", Some(("c.pdf", PDF))).await.status(), 303);
        assert_eq!(list(&alpha, true).await.status(), 303);
        let a = org_id(&app, "owner@alpha.example").await;
        let held: i64 = app
            .with_db(|conn| {
                use diesel::prelude::*;
                use achat_ouvert::db::schema::organisation_credentials;
                organisation_credentials::table.select(organisation_credentials::id).first::<achat_ouvert::db::ids::HeldCredentialId>(conn).unwrap().0
            })
            .await;
        // Beta's owner cannot remove Alpha's credential: the route only reaches one's own profile.
        assert_eq!(beta.submit(PROFILE, &format!("/organisation/profile/credentials/{held}/remove"), &[]).await.status(), 404);
        assert_eq!(held_count(&app).await, 1);
        // Nor withdraw or edit it: these act on Beta's own profile.
        assert_eq!(list(&beta, false).await.status(), 303);
        assert_eq!(save_profile(&beta, &[("presentation", "Beta écrit ici")]).await.status(), 303);
        let page = app.browser().text(&format!("/directory/{a}")).await;
        assert!(page.contains("ISO 14001") && !page.contains("Beta écrit ici"));

        // An unverified owner is asked to verify first; a signed-out visitor to sign in.
        let fresh = app.browser();
        let siret = crate::helpers::siret(88);
        fresh.submit("/register", "/register", &crate::helpers::registration("Gamma", &siret, "G", "owner@gamma.example")).await;
        assert_eq!(fresh.sign_in("owner@gamma.example", PASSWORD).await.status(), 303);
        assert_eq!(fresh.get(PROFILE).await.status(), 403);
        assert_eq!(save_profile(&fresh, &[]).await.status(), 403);
        let anonymous = app.browser();
        let r = anonymous.get(PROFILE).await;
        assert_eq!(r.status(), 303);
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login"));
        assert_eq!(anonymous.post_raw("/organisation/profile/listing", &[("listed", "true")]).await.status(), 403, "no CSRF token");
        app.stop().await;
    }
}
