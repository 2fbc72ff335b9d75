//! More than one app server on one database (docs/DEPLOYMENT.md): a burst of deposits spread over
//! two servers loses nothing, every receipt checks, the audit chain holds, and each receipt mail
//! leaves once.

use std::collections::HashSet;

use achat_ouvert::seed::{PASSWORD, Scale};
use serde_json::Value;

use crate::both_backends;
use crate::helpers::{Browser, api_token};

/// Deposits per supplier; the ten suppliers of the seed's first objective deposit at once.
const ROUNDS: usize = 4;

async fn deposit(browser: &Browser, token: &str, proposal: i64) -> (u16, Value) {
    let response = browser
        .client
        .post(browser.url(&format!("/api/v1/proposals/{proposal}/deposits")))
        .bearer_auth(token)
        .json(&serde_json::json!({}))
        .send()
        .await
        .expect("request sent");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

both_backends! {
    async fn two_servers_on_one_database_take_a_burst_of_deposits_and_lose_nothing(backend) {
        // 40 deposits at once on 4 connections per server: they queue for a connection longer
        // than the tests' usual 2 s on a slow disk.
        let patient = [("DB_ACQUIRE_TIMEOUT", "60")];
        let app = crate::helpers::spawn_app_with(backend, &patient).await;
        let now = chrono::Utc::now().naive_utc();
        app.with_db(move |conn| achat_ouvert::seed::run(conn, Scale::S, now, &mut |_, _, _| {}).unwrap()).await;
        let other = app.peer(&patient).await;

        // Ten suppliers sign in on the first server; their sessions work on the second (sessions
        // live in the database), where they make their API tokens.
        let mut suppliers = Vec::new();
        for i in 0..10 {
            let on_first = app.browser();
            let email = format!("owner{i}@entreprise.seed.achat-ouvert.fr");
            assert_eq!(on_first.sign_in(&email, PASSWORD).await.status(), 303);
            let on_second = other.same_person(&on_first);
            let token = api_token(&on_second).await;
            let mine: Value = on_second.client.get(on_second.url("/api/v1/proposals")).bearer_auth(&token)
                .send().await.unwrap().json().await.unwrap();
            let proposal = mine.as_array().unwrap().iter().find(|p| p["objective_id"] == 1).expect("a proposal on objective 1")["id"]
                .as_i64().unwrap();
            suppliers.push((on_first, on_second, token, proposal));
        }
        let before: i64 = app.with_db(|conn| {
            use achat_ouvert::db::schema::deposits;
            use diesel::prelude::*;
            deposits::table.count().get_result(conn).unwrap()
        }).await;

        // The burst: every deposit at once, alternating servers.
        let mut running = Vec::new();
        for round in 0..ROUNDS {
            for (k, (first, second, token, proposal)) in suppliers.iter().enumerate() {
                let browser = if (round + k) % 2 == 0 { first.clone() } else { second.clone() };
                let (token, proposal) = (token.clone(), *proposal);
                running.push(actix_web::rt::spawn(async move { deposit(&browser, &token, proposal).await }));
            }
        }
        let mut receipts = Vec::new();
        for task in running {
            let (status, receipt) = task.await.unwrap();
            assert_eq!(status, 201, "{receipt}");
            receipts.push((receipt["receipt_number"].as_str().unwrap().to_owned(), receipt["deposit_hash"].as_str().unwrap().to_owned()));
        }

        // Nothing lost, nothing doubled: one row per receipt, numbers unique.
        let after: i64 = app.with_db(|conn| {
            use achat_ouvert::db::schema::deposits;
            use diesel::prelude::*;
            deposits::table.count().get_result(conn).unwrap()
        }).await;
        assert_eq!(after - before, (ROUNDS * suppliers.len()) as i64);
        let numbers: HashSet<&String> = receipts.iter().map(|(n, _)| n).collect();
        assert_eq!(numbers.len(), receipts.len(), "receipt numbers are unique");
        // Every receipt checks as genuine, on either server.
        for (i, (number, hash)) in receipts.iter().enumerate() {
            let server = if i % 2 == 0 { app.browser() } else { other.same_person(&app.browser()) };
            let check: Value = server.client.get(server.url(&format!("/api/v1/receipts/verify?number={number}&hash={hash}")))
                .send().await.unwrap().json().await.unwrap();
            assert_eq!(check["valid"], true, "{number}");
        }
        // The hash-chained audit log has no fork although both servers appended to it.
        let database = &app.database;
        let data = database.data_dir.path().to_str().unwrap().to_owned();
        let out = crate::cli::command(&[("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data.as_str())])
            .args(["audit", "verify"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));

        // Each receipt mail is sent once, by one server or the other.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
        loop {
            let pending = app.outbox().await.iter().filter(|m| m.sent_at.is_none()).count();
            if pending == 0 {
                break;
            }
            assert!(std::time::Instant::now() < deadline, "{pending} mails still queued");
            actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        let mut delivered: Vec<String> = app.sent_mail.lock().unwrap().iter().chain(other.sent_mail.lock().unwrap().iter())
            .filter(|m| receipts.iter().any(|(n, _)| m.text.contains(n.as_str())))
            .map(|m| m.text.clone())
            .collect();
        assert_eq!(delivered.len(), receipts.len(), "one mail per receipt");
        delivered.sort();
        delivered.dedup();
        assert_eq!(delivered.len(), receipts.len(), "no mail sent twice");
        other.stop().await;
        app.stop().await;
    }
}
