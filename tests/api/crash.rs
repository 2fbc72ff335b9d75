//! What a server killed in the middle of an upload leaves behind is swept (issue 16, item 6;
//! docs/RELIABILITY.md, section 6): the crash harness found `uploads/tmp/*.part` files and files
//! under their final name that no row references after SIGKILLs.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use achat_ouvert::domain::users::Role;
use serde_json::{Value, json};

use crate::both_backends;
use crate::cli::command;
use crate::helpers::{api_token, published, spawn_app};
use crate::proposals::PDF;

const HOUR: Duration = Duration::from_secs(3600);

/// Writes a file last modified `age` ago.
fn plant(path: &Path, age: Duration) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, b"%PDF-1.4\ncut short").unwrap();
    age_file(path, age);
}

fn age_file(path: &Path, age: Duration) {
    let file = std::fs::File::options().write(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - age).unwrap();
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

both_backends! {
    async fn the_leftovers_of_uploads_cut_short_are_swept_and_no_referenced_file_goes(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Ruée avant l'échéance").await;
        let token = api_token(&app.supplier_owner("owner@alpha.example", 611).await).await;
        let client = reqwest::Client::new();
        let draft: Value = client
            .post(app.url(&format!("/api/v1/objectives/{objective}/proposals")))
            .bearer_auth(&token)
            .json(&json!({ "title": "Toits solaires" }))
            .send().await.unwrap().json().await.unwrap();
        let id = draft["id"].as_i64().unwrap();
        let form = reqwest::multipart::Form::new()
            .part("file", reqwest::multipart::Part::bytes(PDF.to_vec()).file_name("offre.pdf"));
        let uploaded = client
            .post(app.url(&format!("/api/v1/proposals/{id}/attachments")))
            .bearer_auth(&token)
            .multipart(form)
            .send().await.unwrap();
        assert_eq!(uploaded.status(), 201);
        let attachment = uploaded.json::<Value>().await.unwrap()["attachments"][0]["id"].as_i64().unwrap();

        let uploads = app.database.data_dir.path().join("uploads");
        let referenced = files(&uploads);
        assert_eq!(referenced.len(), 1, "the attachment's file, nothing in tmp/: {referenced:?}");
        let referenced = referenced[0].clone();
        age_file(&referenced, 2 * HOUR);
        // What SIGKILL leaves: a half-written temporary file, and a file renamed to its final name
        // whose row never committed; old ones, and recent ones (maybe an upload in flight elsewhere).
        let old_part = uploads.join("tmp/0123456789abcdef0123456789abcdef.part");
        let new_part = uploads.join("tmp/fedcba9876543210fedcba9876543210.part");
        let old_orphan = uploads.join("ab/ab0000000000000000000000000000aa");
        let new_orphan = uploads.join("cd/cd0000000000000000000000000000cc");
        plant(&old_part, 2 * HOUR);
        plant(&new_part, Duration::from_secs(5));
        plant(&old_orphan, HOUR + Duration::from_secs(60));
        plant(&new_orphan, Duration::ZERO);

        // The scheduler's job (also run at every start): only what is an hour old goes.
        let job = achat_ouvert::scheduler::JOBS.iter().find(|j| j.name == "uploads-sweep").copied().unwrap();
        let settings = app.state.settings.clone();
        let removed = app.with_db(move |conn| (job.run)(conn, &settings, chrono::Utc::now().naive_utc())).await.unwrap();
        assert_eq!(removed, 2);
        assert_eq!(files(&uploads), {
            let mut kept = vec![referenced.clone(), new_part.clone(), new_orphan.clone()];
            kept.sort();
            kept
        });

        // The command: a dry run changes nothing; with every server stopped, --min-age 0 takes the rest.
        let url = app.database.url.clone();
        let data = app.database.data_dir.path().to_str().unwrap().to_owned();
        let run = |args: &[&str]| {
            let out = command(&[("DATABASE_URL", url.as_str()), ("DATA_DIR", data.as_str())]).args(args).output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let dry = run(&["uploads", "sweep", "--min-age", "0", "--dry-run"]);
        assert!(dry.contains("would remove 1 temporary file(s) and 1 unreferenced file(s)"), "{dry}");
        assert_eq!(files(&uploads).len(), 3);
        let default = run(&["uploads", "sweep"]);
        assert!(default.contains("removed 0 temporary file(s) and 0 unreferenced file(s) older than 3600 s; 2 more recent"), "{default}");
        let all = run(&["uploads", "sweep", "--min-age", "0"]);
        assert!(all.contains("removed 1 temporary file(s) and 1 unreferenced file(s)"), "{all}");
        assert_eq!(files(&uploads), vec![referenced.clone()]);

        // The attachment is whole and still served.
        let download = client
            .get(app.url(&format!("/api/v1/proposals/{id}/attachments/{attachment}")))
            .bearer_auth(&token)
            .send().await.unwrap();
        assert_eq!(download.status(), 200);
        assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
        app.stop().await;
    }
}
