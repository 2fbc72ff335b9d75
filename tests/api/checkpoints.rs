//! Audit checkpoints: `audit keygen`, the checkpoint published at start and on demand, the public
//! page (FR/EN), the file and the feed; `audit verify --checkpoint` holds on the intact log and
//! fails on a rewritten or truncated one, with another key, or with a forged signature.

use achat_ouvert::domain::audit::{AuditEntry, Canonical};
use diesel::prelude::*;

use crate::both_backends;
use crate::cli::command;
use crate::helpers::{TestApp, spawn_app, spawn_app_with};

fn ao(app: &TestApp, extra: &[(&str, &str)], args: &[&str]) -> (Option<i32>, String, String) {
    let data = app.database.data_dir.path().to_str().unwrap().to_owned();
    let mut vars = vec![("DATABASE_URL", app.database.url.as_str()), ("DATA_DIR", data.as_str())];
    vars.extend_from_slice(extra);
    let out = command(&vars).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn keygen(path: &std::path::Path) -> String {
    let out = command(&[]).args(["audit", "keygen", "--to", path.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    stdout.lines().find_map(|l| l.strip_prefix("public key: ")).expect("the public key").to_owned()
}

/// Rewrites entry `index`'s details and every hash after it, as an insider would to hide an
/// action: the chain is consistent again, plain `audit verify` passes.
fn rewrite_from(conn: &mut achat_ouvert::db::DbConnection, index: usize) {
    use achat_ouvert::db::schema::audit_log;
    let entries: Vec<AuditEntry> =
        audit_log::table.order(audit_log::id.asc()).select(AuditEntry::as_select()).load(conn).unwrap();
    let mut prev = entries[index].prev_hash.clone();
    for (i, entry) in entries.iter().enumerate().skip(index) {
        let mut entry = entry.clone();
        if i == index {
            entry.details = "{\"forged\":true}".to_owned();
        }
        entry.prev_hash = prev.clone();
        let hash = Canonical::of(&entry).hash();
        diesel::update(audit_log::table.find(entry.id))
            .set((
                audit_log::details.eq(&entry.details),
                audit_log::prev_hash.eq(&entry.prev_hash),
                audit_log::hash.eq(&hash),
            ))
            .execute(conn)
            .unwrap();
        prev = hash;
    }
}

both_backends! {
    async fn a_kept_checkpoint_proves_the_log_was_neither_rewritten_nor_truncated(backend) {
        let keys = tempfile::tempdir().unwrap();
        let key_path = keys.path().join("audit.key");
        let public = keygen(&key_path);
        assert_eq!(public.len(), 64);
        // keygen never overwrites a key.
        let again = command(&[]).args(["audit", "keygen", "--to", key_path.to_str().unwrap()]).output().unwrap();
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
        let key = key_path.to_str().unwrap().to_owned();
        let app = spawn_app_with(backend, &[("AUDIT_SIGNING_KEY_FILE", key.as_str())]).await;
        let with_key = [("AUDIT_SIGNING_KEY_FILE", key.as_str())];

        // The server published the day's checkpoint at start.
        let at_start = app.get("/audit/checkpoints").await.text().await.unwrap();
        assert!(at_start.contains(&public) && at_start.contains("/audit/checkpoints/1.json"), "{at_start}");
        for n in 0..3u64 {
            app.supplier_owner(&format!("owner{n}@alpha.example"), 700 + n).await;
        }

        // On demand: the checkpoint file on stdout; the page, the download and the feed show it.
        let (code, file, stderr) = ao(&app, &with_key, &["audit", "checkpoint"]);
        assert_eq!(code, Some(0), "{stderr}");
        let checkpoint: serde_json::Value = serde_json::from_str(&file).unwrap();
        let sequence = checkpoint["sequence"].as_i64().unwrap();
        let head = checkpoint["head_hash"].as_str().unwrap().to_owned();
        assert!(sequence >= 6, "{checkpoint}");
        for field in ["format", "sequence", "head_hash", "created_at", "key_id", "signature"] {
            assert!(!checkpoint[field].is_null(), "{field} in {checkpoint}");
        }
        let page = app.get("/audit/checkpoints").await.text().await.unwrap();
        assert!(page.contains(&head) && page.contains("Points de contrôle du journal d’audit") && page.contains("audit verify --checkpoint"), "{page}");
        let english = app.get_with("/audit/checkpoints", &[("Accept-Language", "en")]).await.text().await.unwrap();
        assert!(english.contains("Audit log checkpoints") && english.contains(&head));
        let download = app.get("/audit/checkpoints/2.json").await;
        assert_eq!(download.status(), 200);
        assert!(download.headers()["content-disposition"].to_str().unwrap().contains(&format!("audit-checkpoint-{sequence}.json")));
        let downloaded: serde_json::Value = download.json().await.unwrap();
        assert_eq!(downloaded, checkpoint);
        assert_eq!(app.get("/audit/checkpoints/99.json").await.status(), 404);
        assert_eq!(app.get("/audit/checkpoints/public-key.txt").await.text().await.unwrap().trim(), public);
        let feed = app.get("/feeds/audit-checkpoints.atom").await;
        assert!(feed.headers()["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        let feed = feed.text().await.unwrap();
        assert!(feed.contains(&head) && feed.contains("/audit/checkpoints/2.json"), "{feed}");
        assert!(page.contains("href=\"/feeds/audit-checkpoints.atom\""));

        // The same head again: nothing new is published.
        let (_, again, _) = ao(&app, &with_key, &["audit", "checkpoint"]);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&again).unwrap(), checkpoint);

        let kept = keys.path().join("kept.json");
        std::fs::write(&kept, &file).unwrap();
        let kept = kept.to_str().unwrap().to_owned();
        // It holds, with the configured key or the published one, and after more entries.
        app.supplier_owner("later@beta.example", 710).await;
        let (code, out, err) = ao(&app, &with_key, &["audit", "verify", "--checkpoint", &kept]);
        assert_eq!(code, Some(0), "{out}{err}");
        assert!(out.contains("checkpoint holds"), "{out}");
        let (code, out, _) = ao(&app, &[], &["audit", "verify", "--checkpoint", &kept, "--public-key", &public]);
        assert_eq!(code, Some(0), "{out}");

        // Another key: refused.
        let other = keygen(&keys.path().join("other.key"));
        let (code, out, _) = ao(&app, &[], &["audit", "verify", "--checkpoint", &kept, "--public-key", &other]);
        assert_eq!(code, Some(1));
        assert!(out.contains("signed by key"), "{out}");
        // A forged file (another head, same signature): refused.
        let forged_path = keys.path().join("forged.json");
        let mut forged = checkpoint.clone();
        forged["head_hash"] = serde_json::Value::String("0".repeat(64));
        std::fs::write(&forged_path, forged.to_string()).unwrap();
        let (code, out, _) = ao(&app, &with_key, &["audit", "verify", "--checkpoint", forged_path.to_str().unwrap()]);
        assert_eq!(code, Some(1));
        assert!(out.contains("signature is wrong"), "{out}");

        // An insider rewrites an early entry and every hash after it: the chain alone looks intact,
        // the checkpoint proves the rewrite.
        app.with_db(|conn| rewrite_from(conn, 1)).await;
        let (code, out, _) = ao(&app, &[], &["audit", "verify"]);
        assert_eq!(code, Some(0), "the rewritten chain is consistent: {out}");
        let (code, out, _) = ao(&app, &with_key, &["audit", "verify", "--checkpoint", &kept]);
        assert_eq!(code, Some(1));
        assert!(out.contains(&format!("rewritten: entry #{sequence}")), "{out}");

        // Truncated: the checkpoint's entry and what follows are gone.
        app.with_db(move |conn| {
            use achat_ouvert::db::schema::audit_log;
            let ids: Vec<achat_ouvert::db::ids::AuditEntryId> = audit_log::table.order(audit_log::id.asc()).select(audit_log::id).offset(sequence - 1).load(conn).unwrap();
            diesel::delete(audit_log::table.filter(audit_log::id.eq_any(ids))).execute(conn).unwrap();
        }).await;
        let (code, out, _) = ao(&app, &[], &["audit", "verify"]);
        assert_eq!(code, Some(0), "{out}");
        let (code, out, _) = ao(&app, &with_key, &["audit", "verify", "--checkpoint", &kept]);
        assert_eq!(code, Some(1));
        assert!(out.contains("truncated"), "{out}");
        app.stop().await;
    }
}

both_backends! {
    async fn without_a_key_no_checkpoint_is_published_and_the_page_says_so(backend) {
        let app = spawn_app(backend).await;
        let page = app.get("/audit/checkpoints").await;
        assert_eq!(page.status(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains("aucune clé de signature n’est configurée") && page.contains("Aucun point de contrôle n’a encore été publié"), "{page}");
        assert_eq!(app.get("/audit/checkpoints/public-key.txt").await.status(), 404);
        let (code, _, stderr) = ao(&app, &[], &["audit", "checkpoint"]);
        assert_eq!(code, Some(1));
        assert!(stderr.contains("AUDIT_SIGNING_KEY_FILE is not set"), "{stderr}");
        let count = app.with_db(|conn| {
            use achat_ouvert::db::schema::audit_checkpoints;
            audit_checkpoints::table.count().get_result::<i64>(conn).unwrap()
        }).await;
        assert_eq!(count, 0);
        app.stop().await;
    }
}

both_backends! {
    async fn the_daily_checkpoint_is_due_once_a_day(backend) {
        let app = spawn_app(backend).await;
        app.supplier_owner("owner@alpha.example", 720).await;
        let key = ed25519_dalek::SigningKey::from_bytes(&[9u8; 32]);
        let now = chrono::Utc::now().naive_utc();
        let (first, second, tomorrow) = app.with_db(move |conn| {
            use achat_ouvert::domain::checkpoints::checkpoint_if_due;
            (
                checkpoint_if_due(conn, now, &key).unwrap(),
                checkpoint_if_due(conn, now + chrono::Duration::minutes(1), &key).unwrap(),
                checkpoint_if_due(conn, now + chrono::Duration::days(1), &key).unwrap(),
            )
        }).await;
        let first = first.expect("the day's first checkpoint");
        assert!(first.sequence >= 2);
        assert!(second.is_none(), "one a day");
        // The next day, the same head is already signed: nothing new either.
        assert!(tomorrow.is_none());
        app.supplier_owner("owner@beta.example", 721).await;
        let later = app.with_db(move |conn| {
            achat_ouvert::domain::checkpoints::checkpoint_if_due(conn, now + chrono::Duration::days(2), &ed25519_dalek::SigningKey::from_bytes(&[9u8; 32])).unwrap()
        }).await;
        assert!(later.expect("a new head, a new day").sequence > first.sequence);
        app.stop().await;
    }
}

both_backends! {
    async fn the_scheduler_publishes_each_day_s_checkpoint_once(backend) {
        let keys = tempfile::tempdir().unwrap();
        let key_path = keys.path().join("audit.key");
        keygen(&key_path);
        let key = key_path.to_str().unwrap().to_owned();
        let app = spawn_app_with(backend, &[("AUDIT_SIGNING_KEY_FILE", key.as_str())]).await;
        app.supplier_owner("owner@alpha.example", 725).await;
        let state = app.state.clone();
        let now = chrono::Utc::now().naive_utc();
        let runs = actix_web::web::block(move || {
            use achat_ouvert::scheduler::{JOBS, tick};
            let checkpoint = |ran: achat_ouvert::scheduler::Ran| {
                ran.into_iter().find(|(name, _)| *name == "audit-checkpoint").map(|(_, r)| r.unwrap())
            };
            // Today's was published at start; tomorrow's once, by whichever server takes the lease.
            let today = checkpoint(tick(&state.db, JOBS, &state.settings, "server-a", now).unwrap());
            let tomorrow = now + chrono::Duration::days(1);
            let first = checkpoint(tick(&state.db, JOBS, &state.settings, "server-a", tomorrow).unwrap());
            let again = checkpoint(tick(&state.db, JOBS, &state.settings, "server-b", tomorrow + chrono::Duration::hours(2)).unwrap());
            (today, first, again)
        })
        .await
        .unwrap();
        assert_eq!(runs, (Some(0), Some(1), Some(0)), "(today, tomorrow, tomorrow again)");
        let page = app.get("/audit/checkpoints").await.text().await.unwrap();
        assert!(page.contains("/audit/checkpoints/2.json"), "{page}");
        app.stop().await;
    }
}
