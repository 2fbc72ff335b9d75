//! The hash-chained audit log and `achat-ouvert audit verify`.

use std::process::Command;

use crate::both_backends;
use crate::helpers::spawn_app;

fn verify(database_url: &str, data_dir: &str) -> (Option<i32>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_achat-ouvert"))
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("DATA_DIR", data_dir)
        .args(["audit", "verify"])
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
}

both_backends! {
    async fn the_chain_verifies_and_a_tampered_entry_is_named(backend) {
        let app = spawn_app(backend).await;
        let _owner = app.supplier_owner("owner@alpha.example", 71).await;
        let _other = app.supplier_owner("owner@beta.example", 72).await;
        let url = app.database.url.clone();
        let dir = app.database.data_dir.path().to_str().unwrap().to_owned();
        let (code, out) = verify(&url, &dir);
        assert_eq!(code, Some(0), "{out}");
        assert!(out.contains("audit log intact"), "{out}");

        // Change one entry's details behind the application's back.
        let tampered = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::audit_log;
            let id: achat_ouvert::db::ids::AuditEntryId = audit_log::table.order(audit_log::id.asc()).select(audit_log::id).offset(2).first(conn).unwrap();
            diesel::update(audit_log::table.find(id)).set(audit_log::details.eq("{\"forged\":true}")).execute(conn).unwrap();
            id
        }).await;
        let (code, out) = verify(&url, &dir);
        assert_eq!(code, Some(1));
        assert!(out.contains(&format!("broken at entry {tampered}")), "{out}");
        app.stop().await;
    }
}

both_backends! {
    async fn concurrent_appends_never_fork_the_chain(backend) {
        let app = spawn_app(backend).await;
        let db = app.db().clone();
        let mut handles = Vec::new();
        for worker in 0..4 {
            let db = db.clone();
            handles.push(std::thread::spawn(move || {
                for n in 0..10 {
                    let mut conn = db.get().unwrap();
                    let actor = achat_ouvert::domain::audit::AuditActor::System(format!("worker-{worker}"));
                    achat_ouvert::db::write_tx(&mut conn, |conn| {
                        let event = achat_ouvert::domain::audit::AuditEvent { actor: &actor, action: "test.append", object_type: "test", object_id: n.to_string(), details: serde_json::json!({}) };
                        achat_ouvert::domain::audit::append(conn, &event, chrono::Utc::now().naive_utc())
                    }).unwrap();
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        let verdict = app.with_db(|conn| achat_ouvert::domain::audit::verify(conn).unwrap()).await;
        assert_eq!(verdict, Ok(40));
        app.stop().await;
    }
}
