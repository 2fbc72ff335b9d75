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

impl Backend {
    /// A short name for files a test writes per backend (screenshots).
    #[allow(dead_code)]
    pub fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
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
    /// What the background outbox worker delivered.
    pub sent_mail: Arc<std::sync::Mutex<Vec<achat_ouvert::mail::OutgoingMail>>>,
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
    let overrides = Overrides { clock: Some(Arc::new(clock.clone())), mailer: Some(Mailer::Memory(sent_mail.clone())) };
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
    TestApp { address: format!("http://127.0.0.1:{port}"), client, clock, state, sent_mail, handle, database }
}

/// Another app server on the same database and data directory, as a second machine behind a
/// load balancer would be: its own pool, worker threads, outbox worker and memory. Only the
/// test's clock is shared (servers keep their clocks synchronised).
pub struct Peer {
    pub address: String,
    /// What this server's outbox worker delivered.
    pub sent_mail: Arc<std::sync::Mutex<Vec<achat_ouvert::mail::OutgoingMail>>>,
    /// This server's own state (its pool, its settings).
    pub state: Data<AppState>,
    handle: ServerHandle,
}

impl Peer {
    /// The same person (the same cookies) reaching this server.
    pub fn same_person(&self, browser: &Browser) -> Browser {
        Browser { client: browser.client.clone(), address: self.address.clone() }
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

impl TestApp {
    /// Starts a second app server on this app's database and data directory, with `extra`
    /// variables on top of the test settings.
    pub async fn peer(&self, extra: &[(&str, &str)]) -> Peer {
        let settings = self.database.settings(extra);
        let sent_mail = Arc::new(std::sync::Mutex::new(Vec::new()));
        let overrides =
            Overrides { clock: Some(Arc::new(self.clock.clone())), mailer: Some(Mailer::Memory(sent_mail.clone())) };
        let app = Application::build(settings, overrides).await.expect("the second server starts");
        let address = format!("http://127.0.0.1:{}", app.port());
        let handle = app.handle();
        let state = app.state();
        actix_web::rt::spawn(app.run_until_stopped());
        Peer { address, sent_mail, state, handle }
    }

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

    pub fn db(&self) -> &Db {
        &self.state.db
    }

    pub async fn stop(self) {
        self.handle.stop(true).await;
    }
}

/// A browser with its own cookie jar: one per person in a test.
#[derive(Clone)]
pub struct Browser {
    pub client: reqwest::Client,
    pub address: String,
}

impl Browser {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn text(&self, path: &str) -> String {
        self.get(path).await.text().await.expect("body")
    }

    /// The CSRF token of the forms on `page`.
    pub async fn csrf(&self, page: &str) -> String {
        csrf_in(&self.text(page).await)
    }

    /// Opens `page` (as a person would) and posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(&self, page: &str, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf(page).await;
        let mut form: Vec<(&str, &str)> = fields.to_vec();
        form.push(("csrf_token", &token));
        self.client.post(self.url(action)).form(&form).send().await.expect("request sent")
    }

    /// Posts without any CSRF token.
    pub async fn post_raw(&self, action: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        self.client.post(self.url(action)).form(fields).send().await.expect("request sent")
    }

    pub async fn sign_in(&self, email: &str, password: &str) -> reqwest::Response {
        self.submit("/login", "/login", &[("email", email), ("password", password)]).await
    }
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"csrf_token\" value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no CSRF field in:\n{html}")) + marker.len();
    html[start..].chars().take_while(|c| *c != '"').collect()
}

/// A valid SIRET (Luhn) built from a number.
pub fn siret(n: u64) -> String {
    let base = format!("{:013}", 4_000_000_000_000u64 + n);
    for check in 0..10 {
        let candidate = format!("{base}{check}");
        let sum: u32 = candidate
            .chars()
            .rev()
            .enumerate()
            .map(|(i, c)| {
                let d = c.to_digit(10).unwrap();
                if i % 2 == 1 {
                    let x = d * 2;
                    if x > 9 { x - 9 } else { x }
                } else {
                    d
                }
            })
            .sum();
        if sum.is_multiple_of(10) {
            return candidate;
        }
    }
    unreachable!()
}

/// The path and query of the first link in `text` that goes to `path`.
pub fn link_to(text: &str, path: &str) -> String {
    let start = text.find(&format!("{path}?")).unwrap_or_else(|| panic!("no link to {path} in:\n{text}"));
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect::<String>()
        .replace("&amp;", "&")
}

pub const PASSWORD: &str = "une longue phrase de passe";

impl TestApp {
    pub fn browser(&self) -> Browser {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("http client");
        Browser { client, address: self.address.clone() }
    }

    /// Every mail queued so far, oldest first.
    pub async fn outbox(&self) -> Vec<achat_ouvert::mail::outbox::OutboxRow> {
        let db = self.db().clone();
        actix_web::web::block(move || achat_ouvert::mail::outbox::all(&mut db.get().unwrap()).unwrap()).await.unwrap()
    }

    /// The newest mail to `to`.
    pub async fn last_mail_to(&self, to: &str) -> achat_ouvert::mail::outbox::OutboxRow {
        self.outbox().await.into_iter().rev().find(|m| m.to_address == to).unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// Runs a closure on a database connection.
    pub async fn with_db<T: Send + 'static>(&self, f: impl FnOnce(&mut DbConnection) -> T + Send + 'static) -> T {
        let db = self.db().clone();
        actix_web::web::block(move || f(&mut db.get().unwrap())).await.unwrap()
    }

    /// Registers a supplier organisation (SIRET built from `n`) and verifies its owner's address;
    /// returns a browser signed in as the owner.
    pub async fn supplier_owner(&self, email: &str, n: u64) -> Browser {
        let browser = self.browser();
        let response = browser
            .submit("/register", "/register", &registration(&format!("Entreprise {n}"), &siret(n), "Owner", email))
            .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
        self.verify_latest_link(&browser, email).await;
        let signed = browser.sign_in(email, PASSWORD).await;
        assert_eq!(signed.status(), 303);
        browser
    }

    /// Follows the verification link last mailed to `email`.
    pub async fn verify_latest_link(&self, browser: &Browser, email: &str) {
        let mail = self.last_mail_to(email).await;
        let link = link_to(&mail.body_text, "/verify");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let token = url::form_urlencoded::parse(format!("token={token}").as_bytes()).next().unwrap().1.into_owned();
        let done = browser.submit(&link, "/verify", &[("token", &token)]).await;
        assert_eq!(done.status(), 200);
    }

    /// An administrator made by the command line, with a password, signed in.
    pub async fn admin(&self, email: &str) -> Browser {
        self.staff(email, &[achat_ouvert::domain::users::Role::Admin]).await
    }

    /// A staff account with `roles`, its password set directly, signed in.
    pub async fn staff(&self, email: &str, roles: &[achat_ouvert::domain::users::Role]) -> Browser {
        self.create_staff(email, roles).await;
        let browser = self.browser();
        assert_eq!(browser.sign_in(email, PASSWORD).await.status(), 303);
        browser
    }

    /// A staff account with `roles` and the password `PASSWORD`, not signed in.
    pub async fn create_staff(&self, email: &str, roles: &[achat_ouvert::domain::users::Role]) {
        use achat_ouvert::domain::{email::Email, password, users};
        let roles = roles.to_vec();
        let address = Email::parse(email).unwrap();
        let hash = password::hash(&password::NewPassword::parse(PASSWORD, PASSWORD).unwrap()).unwrap();
        let now = chrono::Utc::now().naive_utc();
        self.with_db(move |conn| {
            let user = users::create_admin(conn, &address, now).unwrap().user().clone();
            users::set_roles(conn, user.id, &roles, now).unwrap();
            let expected = achat_ouvert::domain::signed_link::password_state(None);
            assert!(users::set_password_if_unchanged(conn, user.id, &expected, &hash, now).unwrap());
        })
        .await;
    }
}

/// Registration form fields for a supplier.
pub fn registration<'a>(legal_name: &'a str, siret: &'a str, name: &'a str, email: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("legal_name", legal_name),
        ("identifier_type", "siret"),
        ("identifier", siret),
        ("address", "1 rue de la République"),
        ("postcode", "69001"),
        ("country", "FR"),
        ("size", "sme"),
        ("social_economy", "true"),
        ("sectors", "bâtiment, énergie"),
        ("name", name),
        ("email", email),
        ("password", PASSWORD),
        ("password_confirm", PASSWORD),
    ]
}

/// The catalogue's criteria ids by code.
pub async fn criterion(app: &TestApp, code: &'static str) -> i64 {
    app.with_db(move |conn| {
        achat_ouvert::domain::criteria::list(conn, false).unwrap().into_iter().find(|c| c.code == code).unwrap().id.0
    })
    .await
}

/// A complete objective form, weights 60 climate + 40 change support, deadline in `days` days.
pub async fn complete_form(app: &TestApp, title: &str, deadline: &str) -> Vec<(String, String)> {
    let climate = criterion(app, "env-climate").await;
    let support = criterion(app, "change-support").await;
    let pairs: Vec<(&str, String)> = vec![
        ("title", title.to_owned()),
        ("need", "Réduire de moitié l’énergie des lycées.\n\n<script>alert(1)</script>\n\nVoir [le plan](https://region.example/plan).".into()),
        ("political_objective", "Neutralité carbone des bâtiments régionaux en 2050.".into()),
        ("deliberation_ref", "CP-2026-03-114".into()),
        ("deliberation_date", "2026-03-14".into()),
        ("themes", "energie".into()),
        ("themes", "batiment".into()),
        ("horizon", "20".into()),
        ("budget_euros", "1 500 000".into()),
        ("place", "Lycées de la Région".into()),
        ("contact", "achats@region.example".into()),
        ("deadline", deadline.to_owned()),
        ("shortlist_rule", "top".into()),
        ("shortlist_value", "3".into()),
        (Box::leak(format!("w_{climate}").into_boxed_str()), "60".into()),
        (Box::leak(format!("elim_{climate}").into_boxed_str()), "true".into()),
        (Box::leak(format!("min_{climate}").into_boxed_str()), "2".into()),
        (Box::leak(format!("w_{support}").into_boxed_str()), "40".into()),
        ("m_date_0", "2030-01-01".into()),
        ("m_label_0", "Premier bilan énergétique".into()),
    ];
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

pub fn paris_in(app: &TestApp, days: i64) -> String {
    use achat_ouvert::clock::Clock;
    let at = app.clock.now() + chrono::Duration::days(days);
    chrono::TimeZone::from_utc_datetime(&chrono_tz::Europe::Paris, &at.naive_utc()).format("%Y-%m-%dT%H:%M").to_string()
}

pub async fn post_pairs(browser: &Browser, page: &str, action: &str, pairs: &[(String, String)]) -> reqwest::Response {
    let refs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.submit(page, action, &refs).await
}

pub fn id_from(location: &str) -> i64 {
    location.trim_start_matches("/objectives/").split('?').next().unwrap().parse().unwrap()
}

/// Creates and publishes an objective; returns its id.
pub async fn published(app: &TestApp, agent: &Browser, title: &str) -> i64 {
    let form = complete_form(app, title, &paris_in(app, 30)).await;
    let r = post_pairs(agent, "/objectives/new", "/objectives", &form).await;
    let id = id_from(r.headers()["location"].to_str().unwrap());
    assert_eq!(
        agent.submit(&format!("/objectives/{id}"), &format!("/objectives/{id}/publish"), &[]).await.status(),
        303
    );
    id
}

/// Creates a personal API token on the tokens page; returns its secret.
pub async fn api_token(browser: &Browser) -> String {
    let page = browser.submit("/account/tokens", "/account/tokens", &[("name", "tests")]).await;
    assert_eq!(page.status(), 200);
    let body = page.text().await.unwrap();
    let start = body.find("<code class=\"token\">").expect("the new token") + "<code class=\"token\">".len();
    body[start..].chars().take_while(|c| *c != '<').collect()
}

/// A verified member of `owner`'s organisation, through the owner's invitation; signed in.
pub async fn org_member(app: &TestApp, owner: &Browser, email: &str) -> Browser {
    owner.submit("/organisation", "/organisation/invitations", &[("email", email)]).await;
    let link = link_to(&app.last_mail_to(email).await.body_text, "/invitations/accept");
    let token = url::Url::parse(&format!("http://x{link}"))
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "token")
        .unwrap()
        .1
        .into_owned();
    let member = app.browser();
    member
        .submit(
            &link,
            "/invitations/accept",
            &[("token", &token), ("name", "M"), ("password", PASSWORD), ("password_confirm", PASSWORD)],
        )
        .await;
    assert_eq!(member.sign_in(email, PASSWORD).await.status(), 303);
    member
}
