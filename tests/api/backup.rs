//! `achat-ouvert backup` while deposits are being written, and `achat-ouvert restore` into a new
//! database: every receipt verifies, every deposited file is there with its hash, `audit verify`
//! passes; a changed backup and a non-empty target are refused before anything is touched.

use std::path::Path;

use achat_ouvert::domain::users::Role;
use diesel::prelude::*;
use sha2::Digest;

use crate::both_backends;
use crate::cli::command;
use crate::helpers::{Backend, TestDatabase, published, spawn_app, spawn_app_on};
use crate::proposals::{COMPLETE, attach, deposited, save, start};

/// (receipt number, hash) or (storage key, SHA-256) rows.
type Pairs = Vec<(String, String)>;

/// A small PDF whose content differs with `n`.
fn pdf(n: usize) -> Vec<u8> {
    format!("%PDF-1.4\n% document {n}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
        .into_bytes()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to.join(entry.file_name()));
        } else {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

fn ao(database: &TestDatabase, args: &[&str]) -> (Option<i32>, String, String) {
    let data = database.data_dir.path().to_str().unwrap();
    let out = command(&[("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data)]).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The tables of a database (none in a new one).
fn tables(database: &TestDatabase, backend: Backend) -> i64 {
    if backend == Backend::Sqlite {
        let path = database.url.trim_start_matches("sqlite://");
        if !Path::new(path).exists() {
            return 0;
        }
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    let sql = match backend {
        Backend::Sqlite => "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'",
        Backend::Postgres => {
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        }
    };
    diesel::sql_query(sql).get_result::<Count>(&mut database.connect()).unwrap().n
}

both_backends! {
    async fn a_backup_taken_while_deposits_are_written_restores_with_every_receipt_and_file(backend) {
        let app = spawn_app(backend).await;
        let agent = app.staff("agent@region.example", &[Role::Agent]).await;
        let objective = published(&app, &agent, "Chaleur renouvelable des lycées").await;
        let mut drafts = Vec::new();
        for n in 0..5 {
            let supplier = app.supplier_owner(&format!("owner{n}@backup.example"), 610 + n as u64).await;
            let proposal = start(&supplier, objective, &[("title", "Brouillon")]).await;
            assert_eq!(save(&supplier, proposal, &COMPLETE).await.status(), 303);
            assert_eq!(attach(&supplier, proposal, &[("mémoire.pdf", pdf(n))]).await.status(), 303);
            drafts.push((supplier, proposal));
        }
        deposited(&drafts[0].0, drafts[0].1).await;

        // The backup runs while the other suppliers attach a second file and deposit.
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("backup");
        let backup = {
            let url = app.database.url.clone();
            let data = app.database.data_dir.path().to_str().unwrap().to_owned();
            let target = target.to_str().unwrap().to_owned();
            actix_web::rt::task::spawn_blocking(move || {
                command(&[("DATABASE_URL", url.as_str()), ("DATA_DIR", data.as_str())]).args(["backup", "--to", &target]).output().unwrap()
            })
        };
        for (n, (supplier, proposal)) in drafts.iter().enumerate().skip(1) {
            assert_eq!(attach(supplier, *proposal, &[("annexe.pdf", pdf(100 + n))]).await.status(), 303);
            deposited(supplier, *proposal).await;
        }
        let out = backup.await.unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
        assert!(stdout.contains("backed up"), "{stdout}");
        // The manifest names the database, backup.json and the files, in `sha256sum -c` form.
        let manifest = std::fs::read_to_string(target.join("SHA256SUMS")).unwrap();
        let description: serde_json::Value = serde_json::from_slice(&std::fs::read(target.join("backup.json")).unwrap()).unwrap();
        assert_eq!(manifest.lines().count(), 2 + description["files"].as_u64().unwrap() as usize, "{manifest}");
        for line in manifest.lines() {
            let (sum, path) = line.split_once("  ").unwrap();
            assert_eq!(hex::encode(sha2::Sha256::digest(std::fs::read(target.join(path)).unwrap())), sum, "{path}");
        }
        assert!(description["files"].as_u64().unwrap() >= 5, "the five first files at least: {description}");
        // A second backup into a directory that is not empty is refused.
        let (code, _, stderr) = ao(&app.database, &["backup", "--to", target.to_str().unwrap()]);
        assert_eq!(code, Some(1));
        assert!(stderr.contains("not empty"), "{stderr}");

        // A changed file: refused, naming it, and nothing touched.
        let fresh = TestDatabase::new(backend);
        let changed = dir.path().join("changed");
        copy_dir(&target, &changed);
        let victim = manifest.lines().map(|l| l.split_once("  ").unwrap().1).find(|p| p.starts_with("uploads/")).unwrap().to_owned();
        std::fs::write(changed.join(&victim), b"%PDF-1.4 forged").unwrap();
        let (code, _, stderr) = ao(&fresh, &["restore", "--from", changed.to_str().unwrap()]);
        assert_eq!(code, Some(1));
        assert!(stderr.contains(&victim) && stderr.contains("does not match"), "{stderr}");
        assert_eq!(tables(&fresh, backend), 0, "nothing restored");
        assert!(!fresh.data_dir.path().join("uploads").exists(), "no file restored");
        // An unlisted file: refused too.
        std::fs::copy(target.join(&victim), changed.join(&victim)).unwrap();
        std::fs::write(changed.join("uploads/extra.pdf"), b"%PDF-1.4").unwrap();
        let (code, _, stderr) = ao(&fresh, &["restore", "--from", changed.to_str().unwrap()]);
        assert_eq!(code, Some(1));
        assert!(stderr.contains("uploads/extra.pdf") && stderr.contains("not listed"), "{stderr}");
        assert_eq!(tables(&fresh, backend), 0);

        // Restore into the new database.
        let (code, stdout, stderr) = ao(&fresh, &["restore", "--from", target.to_str().unwrap()]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert!(stdout.contains("restored"), "{stdout}");
        // Into a database that is not empty any more: refused.
        let (code, _, stderr) = ao(&fresh, &["restore", "--from", target.to_str().unwrap()]);
        assert_eq!(code, Some(1));
        assert!(stderr.contains("not empty"), "{stderr}");
        let (code, stdout, _) = ao(&fresh, &["audit", "verify"]);
        assert_eq!(code, Some(0), "{stdout}");
        assert!(stdout.contains("audit log intact"), "{stdout}");

        let restored = spawn_app_on(fresh, &[]).await;
        let (deposits, documents, head): (Pairs, Pairs, String) = restored.with_db(|conn| {
            use achat_ouvert::db::schema::{audit_log, deposit_documents, deposits};
            (
                deposits::table.select((deposits::receipt_number, deposits::deposit_hash)).load(conn).unwrap(),
                deposit_documents::table.select((deposit_documents::storage_key, deposit_documents::sha256)).load(conn).unwrap(),
                audit_log::table.order(audit_log::id.desc()).select(audit_log::hash).first(conn).unwrap(),
            )
        }).await;
        assert!(!deposits.is_empty() && deposits.len() <= 5, "{deposits:?}");
        assert_eq!(head, description["audit_head"].as_str().unwrap(), "the restored chain ends where the snapshot did");
        let visitor = restored.browser();
        for (number, hash) in &deposits {
            let check = visitor.text(&format!("/receipts/verify?number={number}&hash={hash}")).await;
            assert!(check.contains("Authentique"), "receipt {number} does not verify");
        }
        // Every deposited file is back, with the content its receipt names.
        assert!(documents.len() >= deposits.len());
        let uploads = restored.database.data_dir.path().join("uploads");
        for (key, sha256) in &documents {
            let bytes = std::fs::read(uploads.join(key)).unwrap_or_else(|e| panic!("{key}: {e}"));
            assert_eq!(&hex::encode(sha2::Sha256::digest(&bytes)), sha256, "{key}");
        }
        eprintln!(
            "backup: {} files, {} orphans left out; restored {} deposits, {} deposited files, {} audit entries",
            description["files"], description["orphans_left_out"], deposits.len(), documents.len(), description["audit_entries"]
        );
        restored.stop().await;
        app.stop().await;
    }
}
