//! Supporting documents of objectives: content-checked types, limits, nothing left behind,
//! downloads only as attachments.

use achat_ouvert::domain::users::Role;

use crate::both_backends;
use crate::helpers::{Browser, TestApp, spawn_app_with};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

pub async fn upload(browser: &Browser, id: i64, files: &[(&str, Vec<u8>)], reason: Option<&str>) -> reqwest::Response {
    let token = browser.csrf(&format!("/objectives/{id}")).await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    if let Some(r) = reason {
        form = form.text("reason", r.to_owned());
    }
    for (name, bytes) in files {
        form = form.part("file", reqwest::multipart::Part::bytes(bytes.clone()).file_name((*name).to_owned()));
    }
    browser.client.post(browser.url(&format!("/objectives/{id}/documents"))).multipart(form).send().await.unwrap()
}

/// Every file under the uploads directory (temporary ones included).
fn stored_files(app: &TestApp) -> Vec<std::path::PathBuf> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() { walk(&p, out) } else { out.push(p) }
            }
        }
    }
    let mut out = Vec::new();
    walk(&app.database.data_dir.path().join("uploads"), &mut out);
    out
}

async fn draft(app: &TestApp, agent: &Browser) -> i64 {
    let r = agent.submit("/objectives/new", "/objectives", &[("title", "Objectif avec documents")]).await;
    let _ = app;
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/objectives/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

both_backends! {
    async fn agents_attach_checked_documents_that_download_as_attachments(backend) {
        let app = spawn_app_with(backend, &[("MAX_FILE_SIZE", "4096"), ("MAX_TOTAL_SIZE", "8192")]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let id = draft(&app, &agent).await;

        let ok = upload(&agent, id, &[("Cahier d’intentions.pdf", PDF.to_vec())], None).await;
        assert_eq!(ok.status(), 303);
        let page = agent.text(&format!("/objectives/{id}")).await;
        assert!(page.contains("Cahier d’intentions.pdf"));
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(PDF));
        assert!(page.contains(&sha), "the SHA-256 is shown");
        assert_eq!(stored_files(&app).len(), 1);

        let doc: i64 = page.split(&format!("/objectives/{id}/documents/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        let download = agent.get(&format!("/objectives/{id}/documents/{doc}")).await;
        assert_eq!(download.status(), 200);
        assert_eq!(download.headers()["content-type"], "application/pdf");
        assert!(download.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(download.headers()["x-content-type-options"], "nosniff");
        assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
        // A draft's documents are the agents' only.
        assert_eq!(app.browser().get(&format!("/objectives/{id}/documents/{doc}")).await.status(), 404);

        // Refusals leave nothing behind: a program named .pdf, a file over the limit, an empty part.
        let exe = upload(&agent, id, &[("offre.pdf", b"MZ\x90\x00\x03\x00\x00\x00".to_vec())], None).await;
        assert_eq!(exe.status(), 415);
        let page = exe.text().await.unwrap();
        assert!(page.contains("Ce type de fichier n’est pas accepté"));
        assert!(page.contains("aria-describedby=\"file-hint file-error\""), "the objective's page again, the reason by the file field");
        let mut big = PDF.to_vec();
        big.extend(std::iter::repeat_n(b' ', 5000));
        let too_big = upload(&agent, id, &[("gros.pdf", big)], None).await;
        assert_eq!(too_big.status(), 413);
        // Two files, the second over the total: neither is kept.
        let mut medium = PDF.to_vec();
        medium.extend(std::iter::repeat_n(b' ', 4000));
        let total = upload(&agent, id, &[("a.pdf", medium.clone()), ("b.pdf", medium)], None).await;
        assert_eq!(total.status(), 413);
        assert_eq!(stored_files(&app).len(), 1, "no orphan or temporary file");
        let count = app.with_db(move |conn| achat_ouvert::domain::documents::list(conn, achat_ouvert::db::ids::ObjectiveId(id)).unwrap().len()).await;
        assert_eq!(count, 1);

        // Others may not upload; a draft's document can be removed, file and all.
        let supplier = app.supplier_owner("owner@alpha.example", 96).await;
        assert_eq!(upload(&supplier, id, &[("x.pdf", PDF.to_vec())], None).await.status(), 403);
        assert_eq!(agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/documents/{doc}/delete"), &[]).await.status(), 303);
        assert!(stored_files(&app).is_empty());
        app.stop().await;
    }
}

both_backends! {
    async fn documents_added_after_publication_are_a_public_amendment(backend) {
        let app = spawn_app_with(backend, &[]).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        use achat_ouvert::clock::Clock;
        let climate = app.with_db(|conn| achat_ouvert::domain::criteria::list(conn, false).unwrap().into_iter().find(|c| c.code == "env-climate").unwrap().id.0).await;
        let deadline = chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &(app.clock.now() + chrono::Duration::days(30)).naive_utc()).format("%Y-%m-%dT%H:%M").to_string();
        let w = format!("w_{climate}");
        let form = [("title", "Objectif publié"), ("need", "Besoin."), ("political_objective", "Politique."), ("deliberation_ref", "CP-1"), ("deliberation_date", "2026-01-15"), ("themes", "energie"), ("place", "Ici"), ("contact", "c@region.example"), ("deadline", deadline.as_str()), (w.as_str(), "100")];
        let r = agent.submit("/objectives/new", "/objectives", &form).await;
        let id: i64 = r.headers()["location"].to_str().unwrap().trim_start_matches("/objectives/").split('?').next().unwrap().parse().unwrap();
        assert_eq!(agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await.status(), 303);

        assert_eq!(upload(&agent, id, &[("plan.pdf", PDF.to_vec())], None).await.status(), 409, "a reason is needed");
        assert!(stored_files(&app).is_empty());
        assert_eq!(upload(&agent, id, &[("plan.pdf", PDF.to_vec())], Some("Plan des sites")).await.status(), 303);
        let page = app.browser().text(&format!("/objectives/{id}")).await;
        assert!(page.contains("plan.pdf") && page.contains("Plan des sites"));
        let doc: i64 = page.split(&format!("/objectives/{id}/documents/")).nth(1).unwrap().split('"').next().unwrap().parse().unwrap();
        assert_eq!(app.browser().get(&format!("/objectives/{id}/documents/{doc}")).await.status(), 200, "public once published");
        assert_eq!(agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/documents/{doc}/delete"), &[]).await.status(), 409);
        app.stop().await;
    }
}
