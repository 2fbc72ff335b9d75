//! The mail outbox: written with the action, delivered by the worker with retries, over a real
//! SMTP server on loopback.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use achat_ouvert::mail::Mailer;
use achat_ouvert::mail::outbox;

use crate::both_backends;
use crate::helpers::spawn_app;

both_backends! {
    async fn the_worker_delivers_queued_mail_once(backend) {
        let app = spawn_app(backend).await;
        let _owner = app.supplier_owner("owner@alpha.example", 81).await;
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let delivered = app.sent_mail.lock().unwrap().iter().any(|m| m.to == "owner@alpha.example");
            let pending = app.outbox().await.iter().filter(|m| m.sent_at.is_none()).count();
            if delivered && pending == 0 {
                break;
            }
            assert!(Instant::now() < deadline, "the worker did not deliver");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        // A second pass sends nothing again.
        let db = app.db().clone();
        let now = chrono::Utc::now().naive_utc() + chrono::Duration::hours(2);
        let again = actix_web::web::block(move || outbox::deliver_due(&db, &Mailer::Memory(Default::default()), "a@b.example", now, 50).unwrap()).await.unwrap();
        assert_eq!(again, outbox::Delivery::default());
        let count = app.sent_mail.lock().unwrap().iter().filter(|m| m.to == "owner@alpha.example").count();
        assert_eq!(count, 1);
        app.stop().await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// Debian's aiosmtpd, or `None` when it is not installed (and not required).
fn smtp_server(port: u16) -> Option<std::process::Child> {
    let available =
        Command::new("/usr/bin/python3").args(["-c", "import aiosmtpd"]).status().is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var("REQUIRE_SMTP_TEST").is_err(),
            "REQUIRE_SMTP_TEST is set but python3-aiosmtpd is missing"
        );
        eprintln!("skipped: python3-aiosmtpd is not installed");
        return None;
    }
    Some(
        Command::new("/usr/bin/python3")
            .args(["-u", "-m", "aiosmtpd", "-n", "-l", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

both_backends! {
    async fn an_smtp_outage_loses_nothing_and_delivery_resumes_with_backoff(backend) {
        let app = spawn_app(backend).await;
        let port = free_port();
        let smtp = Mailer::from_settings(&app.database.settings(&[("SMTP_URL", &format!("smtp://127.0.0.1:{port}"))])).unwrap();
        let mail = achat_ouvert::mail::templates::reset_password(achat_ouvert::i18n::Lang::En, "someone@alpha.example", "http://localhost/account/set-password?token=x");
        let now = chrono::Utc::now().naive_utc();
        // The app's own worker delivers to memory; queue far in the future so it leaves the row alone.
        let later = now + chrono::Duration::days(365);
        app.with_db(move |conn| outbox::enqueue(conn, &mail, later).unwrap()).await;

        // Nothing listens: the attempt fails, the row stays, the next try waits.
        let (db, m) = (app.db().clone(), smtp.clone());
        let failed = actix_web::web::block(move || outbox::deliver_due(&db, &m, "Achat Ouvert <no-reply@localhost>", later, 10).unwrap()).await.unwrap();
        assert_eq!(failed, outbox::Delivery { sent: 0, failed: 1 });
        let row = app.outbox().await.into_iter().next().unwrap();
        assert_eq!((row.attempts, row.sent_at.is_none()), (1, true));
        assert!(row.last_error.is_some());
        let (db, m) = (app.db().clone(), smtp.clone());
        let too_soon = actix_web::web::block(move || outbox::deliver_due(&db, &m, "Achat Ouvert <no-reply@localhost>", later + chrono::Duration::seconds(10), 10).unwrap()).await.unwrap();
        assert_eq!(too_soon, outbox::Delivery::default(), "backoff respected");

        let Some(mut server) = smtp_server(port) else { return app.stop().await };
        let stdout = server.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            let mut text = String::new();
            for line in BufReader::new(stdout).lines() {
                let line = line.unwrap();
                let end = line.contains("END MESSAGE");
                text.push_str(&line);
                text.push('\n');
                if end {
                    break;
                }
            }
            text
        });
        // Wait for the server to listen.
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "aiosmtpd did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let (db, m) = (app.db().clone(), smtp.clone());
        let sent = actix_web::web::block(move || outbox::deliver_due(&db, &m, "Achat Ouvert <no-reply@localhost>", later + chrono::Duration::minutes(5), 10).unwrap()).await.unwrap();
        assert_eq!(sent, outbox::Delivery { sent: 1, failed: 0 });
        let received = reader.join().unwrap();
        let _ = server.kill();
        let _ = server.wait();
        assert!(received.contains("To: someone@alpha.example"), "{received}");
        assert!(received.contains("Subject: Resetting your password"), "{received}");
        assert!(received.contains("multipart/alternative"), "{received}");
        let row = app.outbox().await.into_iter().next().unwrap();
        assert_eq!((row.attempts, row.sent_at.is_some()), (2, true));
        app.stop().await;
    }
}
