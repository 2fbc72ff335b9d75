//! The test harness: `spawn_app` starts the real server on port 0 against a fresh database, on
//! SQLite or on PostgreSQL, and `both_backends!` writes each test once for both.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use achat_ouvert::clock::ManualClock;
use achat_ouvert::config::Settings;
use achat_ouvert::db::{Db, DbConnection};
use achat_ouvert::mail::Mailer;
use achat_ouvert::web::{AppState, Application, Overrides};
use actix_web::dev::ServerHandle;
use actix_web::web::Data;
use diesel::{Connection, RunQueryDsl};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Writes one test that runs on SQLite, and on PostgreSQL when `TEST_POSTGRES_URL` is set
/// (otherwise the PostgreSQL variant is reported as ignored).
#[macro_export]
macro_rules! both_backends {
    ($(#[doc = $doc:literal])* async fn $name:ident($backend:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;
            $(#[doc = $doc])*
            async fn run($backend: $crate::helpers::Backend) $body

            #[actix_web::test]
            async fn sqlite() {
                run($crate::helpers::Backend::Sqlite).await
            }

            #[actix_web::test]
            #[cfg_attr(not(postgres_tests), ignore = "TEST_POSTGRES_URL is not set")]
            async fn postgres() {
                run($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

/// The server behind `TEST_POSTGRES_URL`, or a failure if it is needed and missing.
pub fn postgres_server_url() -> String {
    match std::env::var("TEST_POSTGRES_URL") {
        Ok(url) if !url.trim().is_empty() => url,
        _ => panic!("TEST_POSTGRES_URL must point at a PostgreSQL server for the PostgreSQL runs"),
    }
}

/// A database made for one test, dropped when the test ends.
pub struct TestDatabase {
    /// The value for `DATABASE_URL`.
    pub url: String,
    pub data_dir: tempfile::TempDir,
    pg_name: Option<String>,
}

impl TestDatabase {
    pub fn new(backend: Backend) -> TestDatabase {
        let data_dir = tempfile::tempdir().expect("temporary directory");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", data_dir.path().join("test.sqlite3").display());
                TestDatabase { url, data_dir, pg_name: None }
            }
            Backend::Postgres => {
                let server = postgres_server_url();
                let name = format!(
                    "ao_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    hex::encode(rand::random::<[u8; 4]>())
                );
                let mut admin = diesel::PgConnection::establish(&server).expect("connect to TEST_POSTGRES_URL");
                diesel::sql_query(format!("CREATE DATABASE {name}")).execute(&mut admin).expect("create test database");
                let mut url = url::Url::parse(&server).expect("TEST_POSTGRES_URL is a URL");
                url.set_path(&name);
                TestDatabase { url: url.to_string(), data_dir, pg_name: Some(name) }
            }
        }
    }

    /// Settings for an app on this database, with `extra` variables on top.
    pub fn settings(&self, extra: &[(&str, &str)]) -> Settings {
        let mut vars: HashMap<String, String> = HashMap::new();
        vars.insert("DATABASE_URL".into(), self.url.clone());
        vars.insert("DATA_DIR".into(), self.data_dir.path().display().to_string());
        vars.insert("BIND".into(), "127.0.0.1:0".into());
        vars.insert("WORKERS".into(), "1".into());
        vars.insert("POOL_SIZE".into(), "4".into());
        vars.insert("DB_CONNECT_TIMEOUT".into(), "5".into());
        vars.insert("DB_ACQUIRE_TIMEOUT".into(), "2".into());
        for (k, v) in extra {
            vars.insert((*k).into(), (*v).into());
        }
        Settings::from_map(&vars).expect("test settings are valid")
    }

    /// A direct connection, outside any app.
    pub fn connect(&self) -> DbConnection {
        let settings = self.settings(&[]);
        achat_ouvert::db::Manager::new(settings.database_url).connect_once().expect("connect to the test database")
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name
            && let Ok(mut admin) = diesel::PgConnection::establish(&postgres_server_url())
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut admin);
        }
    }
}

/// A running app, its database, its clock and the mails it sent.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub state: Data<AppState>,
    handle: ServerHandle,
    // Dropped last: the database outlives the server.
    pub database: TestDatabase,
}

pub async fn spawn_app(backend: Backend) -> TestApp {
    spawn_app_with(backend, &[]).await
}

pub async fn spawn_app_with(backend: Backend, extra: &[(&str, &str)]) -> TestApp {
    let database = TestDatabase::new(backend);
    spawn_app_on(database, extra).await
}

pub async fn spawn_app_on(database: TestDatabase, extra: &[(&str, &str)]) -> TestApp {
    let settings = database.settings(extra);
    let clock = ManualClock::new(chrono::Utc::now());
    let sent_mail = Arc::new(std::sync::Mutex::new(Vec::new()));
    let overrides = Overrides { clock: Some(Arc::new(clock.clone())), mailer: Some(Mailer::Memory(sent_mail)) };
    let app = Application::build(settings, overrides).await.expect("the app starts");
    let port = app.port();
    let handle = app.handle();
    let state = app.state();
    actix_web::rt::spawn(app.run_until_stopped());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .cookie_store(true)
        .build()
        .expect("http client");
    TestApp { address: format!("http://127.0.0.1:{port}"), client, clock, state, handle, database }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (k, v) in headers {
            request = request.header(*k, *v);
        }
        request.send().await.expect("request sent")
    }

    pub async fn post_form(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(path)).form(form).send().await.expect("request sent")
    }

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}
