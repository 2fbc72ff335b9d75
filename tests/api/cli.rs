//! The binary itself: its commands, its refusals and its exit codes.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::both_backends;
use crate::helpers::TestDatabase;

const BIN: &str = env!("CARGO_BIN_EXE_achat-ouvert");

/// The binary with a clean environment: only what the test gives it.
pub fn command(vars: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default()).env("RUST_LOG", "info");
    for (k, v) in vars {
        cmd.env(k, v);
    }
    cmd.stdin(Stdio::null());
    cmd
}

#[test]
fn every_command_has_help() {
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["migrate", "--help"],
        vec!["create-admin", "--help"],
        vec!["check-config", "--help"],
        vec!["demo", "--help"],
        vec!["seed", "--help"],
        vec!["backup", "--help"],
        vec!["restore", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "keygen", "--help"],
        vec!["audit", "checkpoint", "--help"],
        vec!["retention", "list", "--help"],
        vec!["retention", "purge", "--help"],
        vec!["uploads", "sweep", "--help"],
        vec!["rush-setup", "--help"],
    ] {
        let out = command(&[]).args(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn check_config_prints_the_effective_configuration_with_secrets_masked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = command(&[
        ("DATA_DIR", data.to_str().unwrap()),
        ("DATABASE_URL", "postgres://app:db-password-1234@db.internal:5432/achat"),
        ("SECRET_KEY", "a-secret-key-that-is-long-enough-0123456789"),
        ("SMTP_URL", "smtp://mailer:smtp-password-5678@relay.internal:587"),
    ])
    .arg("check-config")
    .output()
    .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("BIND=127.0.0.1:8080"));
    assert!(text.contains("database backend=postgresql"));
    assert!(text.contains("db.internal"));
    for secret in ["db-password-1234", "a-secret-key-that", "smtp-password-5678"] {
        assert!(!text.contains(secret), "{secret} printed:\n{text}");
    }
    assert!(!data.exists(), "check-config must create nothing");
}

#[test]
fn a_bad_value_stops_start_up_with_exit_code_2_naming_the_variable_and_creating_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    for (var, value) in [
        ("BIND", "not-an-address"),
        ("DATABASE_URL", "mysql://db/achat"),
        ("DATABASE_URL", "postgres://"),
        ("POOL_SIZE", "-3"),
    ] {
        let out = command(&[("DATA_DIR", data.to_str().unwrap()), (var, value)]).arg("serve").output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{var}={value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(var), "{var}={value}: {stderr}");
        assert!(stderr.contains("expected"), "{stderr}");
        assert!(!data.exists(), "{var}={value} created the data directory");
    }
}

#[test]
fn an_unreachable_database_is_retried_for_a_bounded_time_then_reported() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens on port 1.
    let started = Instant::now();
    let out = command(&[
        ("DATA_DIR", dir.path().to_str().unwrap()),
        ("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none"),
        ("DB_CONNECT_TIMEOUT", "1"),
    ])
    .arg("migrate")
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cannot reach the database"), "{stderr}");
    assert!(stderr.contains("retrying"), "it should have retried: {stderr}");
    assert!(started.elapsed() < Duration::from_secs(30));
}

both_backends! {
    async fn migrate_applies_then_reports_up_to_date(backend) {
        let database = TestDatabase::new(backend);
        let vars = [("DATABASE_URL", database.url.as_str()), ("DATA_DIR", database.data_dir.path().to_str().unwrap())];
        let first = command(&vars).arg("migrate").output().unwrap();
        assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
        assert!(String::from_utf8_lossy(&first.stdout).contains("applied"));
        let second = command(&vars).arg("migrate").output().unwrap();
        assert!(second.status.success());
        assert!(String::from_utf8_lossy(&second.stdout).contains("up to date"));
    }
}

both_backends! {
    async fn create_admin_without_a_terminal_prints_a_working_set_password_link(backend) {
        let database = TestDatabase::new(backend);
        let data = database.data_dir.path().to_str().unwrap().to_owned();
        let vars = [("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data.as_str()), ("PUBLIC_URL", "https://achats.example.fr")];
        let out = command(&vars).args(["create-admin", "--email", "Chef@Region.example"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(stdout.contains("created administrator chef@region.example"), "{stdout}");
        let link = stdout.split_whitespace().find(|w| w.starts_with("https://achats.example.fr/account/set-password?token=")).expect("a link");

        // The link opens the form on a server sharing the database and the generated secret.
        let app = crate::helpers::spawn_app_on(database, &[]).await;
        let path = link.trim_start_matches("https://achats.example.fr");
        let form = app.get(path).await;
        assert_eq!(form.status(), 200);
        assert!(form.text().await.unwrap().contains("chef@region.example"));

        // Running it again promotes instead of duplicating.
        let again = command(&[("DATABASE_URL", app.database.url.as_str()), ("DATA_DIR", data.as_str())])
            .args(["create-admin", "--email", "chef@region.example"]).output().unwrap();
        assert!(again.status.success());
        assert!(String::from_utf8_lossy(&again.stdout).contains("already had an account"));

        let bad = command(&[("DATA_DIR", data.as_str())]).args(["create-admin", "--email", "not-an-address"]).output().unwrap();
        assert_eq!(bad.status.code(), Some(2));
        app.stop().await;
    }
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = command(&[("DATA_DIR", dir.path().to_str().unwrap()), ("BIND", "127.0.0.1:0"), ("WORKERS", "1")])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let mut port = None;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("listening") && line.contains("port=") {
            port = line.split("port=").nth(1).and_then(|rest| rest.split_whitespace().next()).map(str::to_owned);
            break;
        }
    }
    let port = port.expect("the server logs its port");
    // The server answers before it is asked to stop.
    let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    std::io::Write::write_all(&mut stream, b"GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status}");
            break;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(100));
    }
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped gracefully")), "{rest:?}");
}

both_backends! {
    async fn the_demo_fills_an_empty_database_and_prints_working_accounts(backend) {
        let database = TestDatabase::new(backend);
        let data = database.data_dir.path().to_str().unwrap().to_owned();
        let vars = [("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data.as_str())];
        let out = command(&vars).arg("demo").output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(stdout.contains("demo loaded: 7 objectives, 8 accounts"), "{stdout}");
        let agent_line = stdout.lines().find(|l| l.contains("agent@demo.achat-ouvert.fr")).expect("the agent's credentials");
        let agent_password = agent_line.split_whitespace().last().unwrap().to_owned();

        // Loading twice is refused, and changes nothing.
        let again = command(&vars).arg("demo").output().unwrap();
        assert_eq!(again.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

        let app = crate::helpers::spawn_app_on(database, &[]).await;
        let visitor = app.browser();
        let open = visitor.text("/objectives?status=open").await;
        assert_eq!(open.matches("class=\"objective-card\"").count(), 5, "five open objectives");
        assert_eq!(visitor.text("/objectives?status=under_evaluation").await.matches("class=\"objective-card\"").count(), 1);
        assert!(visitor.text("/").await.contains("lycées"));
        let agent = app.browser();
        assert_eq!(agent.sign_in("agent@demo.achat-ouvert.fr", &agent_password).await.status(), 303);
        assert_eq!(agent.get("/objectives/new").await.status(), 200);
        // Proposals: a consortium's deposit and a draft on open objectives; two deposits on
        // the closed one, which the agent opens.
        let supplier_line = stdout.lines().find(|l| l.contains("fournisseur@demo.achat-ouvert.fr")).expect("a supplier");
        let supplier = app.browser();
        assert_eq!(supplier.sign_in("fournisseur@demo.achat-ouvert.fr", supplier_line.split_whitespace().last().unwrap()).await.status(), 303);
        let dashboard = supplier.text("/proposals").await;
        assert_eq!(dashboard.matches("Déposée").count(), 2, "{dashboard}");
        let closed = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::objectives;
            objectives::table.filter(objectives::deadline_at.lt(chrono::Utc::now().naive_utc())).filter(objectives::status.ne("in_execution")).order(objectives::id.asc()).select(objectives::id).first::<i64>(conn).unwrap()
        }).await;
        let opened = agent.submit(&format!("/objectives/{closed}/proposals"), &format!("/objectives/{closed}/proposals/open"), &[]).await;
        assert_eq!(opened.status(), 303);
        let list = agent.text(&format!("/objectives/{closed}/proposals")).await;
        assert_eq!(list.matches("Lire la proposition").count(), 2, "{list}");
        // Its committee is at work: the chair sees one evaluation submitted and one draft.
        let chair_line = stdout.lines().find(|l| l.contains("comite1@demo.achat-ouvert.fr")).expect("the chair");
        let chair = app.browser();
        assert_eq!(chair.sign_in("comite1@demo.achat-ouvert.fr", chair_line.split_whitespace().last().unwrap()).await.status(), 303);
        let progress = chair.text(&format!("/objectives/{closed}/evaluation/progress")).await;
        assert!(progress.contains("Soumise") && progress.contains("Brouillon"), "{progress}");
        // The network: a dozen listed profiles (one credential expired), partner requests,
        // published practices with one featured on the home page, a conversation.
        let directory = visitor.text("/directory").await;
        assert_eq!(directory.matches("class=\"objective-card\"").count(), 12, "{directory}");
        assert!(visitor.text("/directory?department=63").await.contains("Entreprise Adaptée des Volcans"));
        let home = visitor.text("/").await;
        assert!(home.contains("Des chantiers bois qui suivent leurs émissions"), "the featured practice");
        assert_eq!(visitor.text("/practices").await.matches("class=\"objective-card\"").count(), 4);
        assert!(agent.text("/practices/review").await.contains("Allonger la vie des ordinateurs"));
        let first_open = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::partner_requests;
            partner_requests::table.select(partner_requests::objective_id).first::<i64>(conn).unwrap()
        }).await;
        assert!(visitor.text(&format!("/objectives/{first_open}")).await.contains("Recherche de partenaires"));
        let found = visitor.text("/directory?q=maraichers").await;
        let href = found.split("href=\"/directory/").nth(1).expect("the Maraîchers' profile").split('"').next().unwrap().to_owned();
        assert!(visitor.text(&format!("/directory/{href}")).await.contains("Expiré le"), "an expired credential shows as expired");
        let mailbox_line = stdout.lines().find(|l| l.contains("fournisseur3@demo.achat-ouvert.fr")).expect("the third supplier");
        let third = app.browser();
        assert_eq!(third.sign_in("fournisseur3@demo.achat-ouvert.fr", mailbox_line.split_whitespace().last().unwrap()).await.status(), 303);
        assert!(third.text("/messages").await.contains("Maraîchers Réunis du Val"));
        // One objective in execution for two years: two indicators with two validated yearly
        // reports each, charted on the public follow-up; three actions delivered and rated.
        let executed = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::objectives;
            objectives::table.filter(objectives::status.eq("in_execution")).select(objectives::id).first::<i64>(conn).unwrap()
        }).await;
        let follow_up: serde_json::Value = app.get(&format!("/api/v1/objectives/{executed}/indicators")).await.json().await.unwrap();
        let indicators = follow_up["indicators"].as_array().unwrap();
        assert_eq!(indicators.len(), 2, "{follow_up}");
        assert!(indicators.iter().all(|i| i["values"].as_array().map(Vec::len) == Some(2)), "{follow_up}");
        let page = visitor.text(&format!("/objectives/{executed}/follow-up")).await;
        assert!(page.contains("<svg") && page.contains("1180") && page.contains("12,8"), "{page}");
        let support: serde_json::Value = app.get(&format!("/api/v1/objectives/{executed}/change-support")).await.json().await.unwrap();
        assert_eq!(support["summary"]["delivered"], 3, "{support}");
        assert_eq!(support["summary"]["ratings"], 5, "{support}");
        // The holder's home lists its contract and the third period's reports, due.
        let home = third.text("/work").await;
        assert!(home.contains("Contrat en cours d’exécution") && home.contains("Rapport à déposer"), "{home}");
        let usager_line = stdout.lines().find(|l| l.contains("usager@demo.achat-ouvert.fr")).expect("a user of the purchase");
        let usager = app.browser();
        assert_eq!(usager.sign_in("usager@demo.achat-ouvert.fr", usager_line.split_whitespace().last().unwrap()).await.status(), 303);
        assert!(usager.text(&format!("/objectives/{executed}/change-support")).await.contains("Surveiller une centrale"));
        app.stop().await;
    }
}

both_backends! {
    async fn the_seed_fills_an_empty_database_at_scale_s_and_its_evaluations_rank(backend) {
        let database = TestDatabase::new(backend);
        let data = database.data_dir.path().to_str().unwrap().to_owned();
        let vars = [("DATABASE_URL", database.url.as_str()), ("DATA_DIR", data.as_str())];
        let out = command(&vars).args(["seed", "--scale", "s"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(stdout.contains("10 objectives, 100 proposals, 100 deposits, 350 evaluations, 2800 scores"), "{stdout}");
        // Twice is refused.
        assert_eq!(command(&vars).args(["seed", "--scale", "s"]).output().unwrap().status.code(), Some(1));
        // The seeded evaluations are complete: the committee's ranking is there, receipts check.
        let app = crate::helpers::spawn_app_on(database, &[]).await;
        let chair = app.browser();
        assert_eq!(chair.sign_in("committee1@seed.achat-ouvert.fr", achat_ouvert::seed::PASSWORD).await.status(), 303);
        let ranking = chair.text("/objectives/2/evaluation/ranking").await;
        assert!(ranking.contains("Robuste") || ranking.contains("Fragile"), "{ranking}");
        let receipt: (String, String) = app.with_db(|conn| {
            use diesel::prelude::*;
            use achat_ouvert::db::schema::deposits;
            deposits::table.select((deposits::receipt_number, deposits::deposit_hash)).first(conn).unwrap()
        }).await;
        let check = app.browser().text(&format!("/receipts/verify?number={}&hash={}", receipt.0, receipt.1)).await;
        assert!(check.contains("Authentique"));
        // The last objective is awarded, its contract signed and modified once.
        let contract: serde_json::Value = app.get("/api/v1/objectives/10/contract").await.json().await.unwrap();
        assert_eq!(contract["modifications"].as_array().map(Vec::len), Some(1), "{contract}");
        assert!(app.browser().text("/objectives/10").await.contains("Modification n° 1"));
        // Its indicator has a validated report, public on the follow-up.
        let follow_up: serde_json::Value = app.get("/api/v1/objectives/10/indicators").await.json().await.unwrap();
        assert_eq!(follow_up["indicators"][0]["values"][0]["value"], 18.5, "{follow_up}");
        assert!(app.browser().text("/objectives/10/follow-up").await.contains("18,5 %"));
        app.stop().await;
    }
}
