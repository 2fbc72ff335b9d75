//! Retention (issue 17, step 9): `retention list` names only the archived objectives past their
//! period; `retention purge` without `--confirm` changes nothing; with it, the files and rows the
//! policy names go, one audited entry per objective, the audit chain still verifies, and an
//! objective within its period keeps everything. A period below the legal minimum stops start-up.

use achat_ouvert::cli::{retention_list, retention_purge};
use achat_ouvert::clock::Clock;
use diesel::prelude::*;

use crate::award::results_published;
use crate::both_backends;
use crate::evaluation::user_id;
use crate::helpers::{TestApp, published, spawn_app};

const REASON: &str = "Aucune offre ne respecte le budget voté par l’assemblée régionale.";

/// Counts of what the purge may touch for objective `o`: (attachments, evaluations, messages,
/// emptied proposals, consensus scores, deposits).
async fn counts(app: &TestApp, o: i64) -> (i64, i64, i64, i64, i64, i64) {
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::*;
        let ids: Vec<i64> =
            proposals::table.filter(proposals::objective_id.eq(o)).select(proposals::id).load(conn).unwrap();
        (
            proposal_attachments::table
                .filter(proposal_attachments::proposal_id.eq_any(&ids))
                .count()
                .get_result(conn)
                .unwrap(),
            evaluations::table.filter(evaluations::objective_id.eq(o)).count().get_result(conn).unwrap(),
            messages::table.filter(messages::objective_id.eq(o)).count().get_result(conn).unwrap(),
            proposals::table
                .filter(proposals::objective_id.eq(o))
                .filter(proposals::solution.eq(""))
                .count()
                .get_result(conn)
                .unwrap(),
            consensus_scores::table
                .filter(consensus_scores::proposal_id.eq_any(&ids))
                .count()
                .get_result(conn)
                .unwrap(),
            deposits::table.filter(deposits::objective_id.eq(o)).count().get_result(conn).unwrap(),
        )
    })
    .await
}

/// A message about objective `o` between the first two suppliers.
async fn message_about(app: &TestApp, o: i64) {
    let (from, to) = (user_id(app, "owner@alpha.example").await, user_id(app, "owner@beta.example").await);
    let now = app.clock.now_naive();
    app.with_db(move |conn| {
        use achat_ouvert::db::schema::{messages, users};
        let org = |conn: &mut achat_ouvert::db::DbConnection, u: i64| -> i64 {
            users::table.find(u).select(users::organisation_id).first::<Option<i64>>(conn).unwrap().unwrap()
        };
        let (a, b) = (org(conn, from), org(conn, to));
        diesel::insert_into(messages::table)
            .values((
                messages::sender_organisation_id.eq(a),
                messages::sender_user_id.eq(from),
                messages::recipient_organisation_id.eq(b),
                messages::objective_id.eq(Some(o)),
                messages::body.eq("Pouvons-nous répondre ensemble ?"),
                messages::sent_at.eq(now),
            ))
            .execute(conn)
            .unwrap();
    })
    .await;
}

/// `retention list` at `at`, through the command's function.
async fn list(app: &TestApp, at: chrono::NaiveDateTime) -> String {
    let (db, settings) = (app.db().clone(), app.state.settings.clone());
    actix_web::web::block(move || retention_list(&db, &settings, at)).await.unwrap().unwrap()
}

/// `retention purge [--confirm]` at `at`, through the command's function.
async fn purge(app: &TestApp, at: chrono::NaiveDateTime, confirm: bool) -> String {
    let (db, settings) = (app.db().clone(), app.state.settings.clone());
    actix_web::web::block(move || retention_purge(&db, &settings, at, confirm)).await.unwrap().unwrap()
}

both_backends! {
    async fn the_purge_removes_only_what_passed_its_retention_period_and_audits_it(backend) {
        let app = spawn_app(backend).await;
        let s = results_published(&app, "Cantines locales").await;
        let o = s.objective;
        let award = format!("/objectives/{o}/award");
        assert_eq!(s.agent.submit(&award, &format!("/objectives/{o}/not-awarded"), &[("reason", REASON)]).await.status(), 303);
        assert_eq!(s.agent.submit(&award, &format!("/objectives/{o}/stage"), &[("to", "archived")]).await.status(), 303);

        // A proposal's attachment, with its file, and a message about the objective.
        let key = "ab/0123456789abcdef0123456789abcdef".to_owned();
        let file = app.database.data_dir.path().join("uploads").join(&key);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, b"%PDF-1.4 offre").unwrap();
        let (p, owner, now) = (s.proposals[1], user_id(&app, "owner@beta.example").await, app.clock.now_naive());
        let stored = key.clone();
        app.with_db(move |conn| {
            use achat_ouvert::db::schema::proposal_attachments as a;
            diesel::insert_into(a::table)
                .values((
                    a::proposal_id.eq(p), a::storage_key.eq(stored), a::file_name.eq("offre.pdf"),
                    a::content_type.eq("application/pdf"), a::size_bytes.eq(14i64), a::sha256.eq("00"),
                    a::uploaded_by.eq(owner), a::uploaded_at.eq(now),
                ))
                .execute(conn)
                .unwrap();
        })
        .await;
        message_about(&app, o).await;
        let before = counts(&app, o).await;
        assert_eq!((before.0, before.2, before.3), (1, 1, 0));
        assert!(before.1 > 0 && before.5 > 0, "{before:?}");

        // Within the period: nothing listed, a confirmed purge touches nothing.
        let now = app.clock.now_naive();
        let text = list(&app, now).await;
        assert!(text.contains("nothing has passed its retention period") && text.contains(&format!("#{o} ")) && text.contains("still within"), "{text}");
        let almost = now + chrono::Duration::days(5 * 365);
        assert!(list(&app, almost).await.contains("nothing has passed"), "five years of 365 days are not five calendar years");
        assert!(purge(&app, almost, true).await.starts_with("purged 0"), "within the period");
        assert_eq!(counts(&app, o).await, before);
        assert!(file.exists());

        // Another objective archived three years later: within its own period when the first is past.
        let other = published(&app, &s.agent, "Mobilier scolaire").await;
        let agent = user_id(&app, "agent@region.example").await;
        let archived_at = now + chrono::Duration::days(3 * 365);
        app.with_db(move |conn| {
            use achat_ouvert::db::schema::{objective_stages, objectives};
            diesel::update(objectives::table.find(other)).set(objectives::status.eq("archived")).execute(conn).unwrap();
            diesel::insert_into(objective_stages::table)
                .values((
                    objective_stages::objective_id.eq(other), objective_stages::status.eq("archived"),
                    objective_stages::reached_at.eq(archived_at), objective_stages::reached_by.eq(agent),
                ))
                .execute(conn)
                .unwrap();
        })
        .await;
        message_about(&app, other).await;

        // Past the period: listed; a purge without --confirm changes nothing.
        let past = now + chrono::Duration::days(5 * 366 + 2);
        let text = list(&app, past).await;
        assert!(text.contains("1 archived objective(s) past their retention period") && text.contains(&format!("#{o} ")), "{text}");
        assert!(text.contains(&format!("#{other} ")) && text.contains("still within"), "{text}");
        let dry = purge(&app, past, false).await;
        assert!(dry.contains(&format!("#{o} ")) && dry.contains("nothing purged"), "{dry}");
        assert_eq!(counts(&app, o).await, before);
        assert!(file.exists());

        // Confirmed: the files and rows the policy names go; what must stay stays.
        let done = purge(&app, past, true).await;
        assert!(done.starts_with("purged 1") && done.contains("1 file(s)"), "{done}");
        assert!(!file.exists(), "the attachment's file is removed");
        let after = counts(&app, o).await;
        assert_eq!((after.0, after.1, after.2), (0, 0, 0), "attachments, evaluations and messages are gone");
        assert_eq!(after.3, 4, "every proposal's contents emptied (none won)");
        assert_eq!((after.4, after.5), (before.4, before.5), "consensus scores and receipts stay");
        assert_eq!(counts(&app, other).await.2, 1, "the objective within its period is untouched");
        // The receipts still show (their snapshots stay readable).
        let receipt = app.with_db(move |conn| {
            use achat_ouvert::db::schema::deposits;
            deposits::table.filter(deposits::objective_id.eq(o)).select((deposits::snapshot, deposits::deposit_hash)).first::<(String, String)>(conn).unwrap()
        }).await;
        let snapshot: achat_ouvert::domain::proposals::deposits::Snapshot = serde_json::from_str(&receipt.0).unwrap();
        assert!(snapshot.solution.is_empty() && !snapshot.title.is_empty() && !receipt.1.is_empty());
        // Audited, and the chain still verifies.
        let (entries, verdict) = app.with_db(move |conn| {
            use achat_ouvert::db::schema::audit_log;
            let entries: Vec<(String, String)> = audit_log::table
                .filter(audit_log::action.eq("retention.purged"))
                .select((audit_log::action, audit_log::object_id))
                .load(conn)
                .unwrap();
            (entries, achat_ouvert::domain::audit::verify(conn).unwrap())
        }).await;
        assert_eq!(entries, vec![("retention.purged".to_owned(), o.to_string())]);
        assert!(verdict.is_ok(), "{verdict:?}");
        // Purged once: no longer listed, a second purge does nothing.
        assert!(list(&app, past).await.contains("nothing has passed"));
        assert!(purge(&app, past, true).await.starts_with("purged 0"));
        app.stop().await;
    }
}

#[test]
fn a_retention_period_below_the_legal_minimum_stops_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (var, value, article) in [
        ("RETENTION_PROCEDURE_YEARS", "4", "R2184-12"),
        ("RETENTION_CONTRACT_YEARS", "2", "R2184-13"),
        ("RETENTION_WORKS_CONTRACT_YEARS", "9", "R2184-13"),
    ] {
        for command in [&["serve"][..], &["retention", "purge", "--confirm"][..]] {
            let out = crate::cli::command(&[("DATA_DIR", data.to_str().unwrap()), (var, value)])
                .args(command)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(2), "{var}={value}");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                stderr.contains(var) && stderr.contains("below the legal minimum") && stderr.contains(article),
                "{stderr}"
            );
            assert!(!data.exists());
        }
    }
}
