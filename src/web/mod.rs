//! The web application: shared state, routes, middleware, and the server's start and stop.

pub mod assets;
pub mod auth;
pub mod ctx;
pub mod error;
pub mod handlers;
pub mod middleware;
pub mod operations;
pub mod routes;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};

use crate::clock::{SharedClock, SystemClock};
use crate::config::{Secret, Settings};
use crate::db::{Db, migrations};
use crate::mail::Mailer;

/// The largest url-encoded form body accepted.
/// Enough for a proposal's longest texts, URL-encoded.
pub const FORM_LIMIT: usize = 1024 * 1024;

/// What every handler can reach. Cheap to clone; one per application instance.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub secret: Secret,
    pub clock: SharedClock,
    pub mailer: Mailer,
    /// Whole evaluation boards in memory at once: one per core (see [`Bounded`]).
    pub boards: Arc<tokio::sync::Semaphore>,
    /// The citizens' dashboard's figures, per year filter, with what they were computed from
    /// (see `operations::dashboard`).
    pub figures: operations::dashboard::FiguresCache,
    /// The sitemap's entries (see `operations::site`).
    pub sitemap: operations::site::SitemapCache,
    /// The key that signs the audit checkpoints (`AUDIT_SIGNING_KEY_FILE`); none, none published.
    pub audit_key: Option<Arc<ed25519_dalek::SigningKey>>,
}

/// A value that only so many requests may hold at once, with the permit that allows it. The
/// pages that load an objective's whole evaluation (20,000 scores at 500 proposals) and compute
/// on it take a permit *before* loading: past one per core, requests wait here, holding nothing,
/// instead of loading boards that would only wait for a core. That bounds the server's memory
/// under load whatever the number of clients.
pub struct Bounded<T> {
    value: T,
    _permit: tokio::sync::OwnedSemaphorePermit,
}

impl<T> Bounded<T> {
    /// Waits for a permit of `limit`, then makes the value.
    pub async fn load<E, F, Fut>(limit: &Arc<tokio::sync::Semaphore>, make: F) -> Result<Bounded<T>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, E>>,
        E: From<crate::db::DbError>,
    {
        let permit = limit.clone().acquire_owned().await.map_err(|_| E::from(crate::db::DbError::Cancelled))?;
        Ok(Bounded { value: make().await?, _permit: permit })
    }
}

impl AppState {
    /// One of the board permits of [`Bounded`], for a request that loads evaluation boards some
    /// other way (inside a larger read, one at a time while it holds the permit).
    pub async fn board_permit(&self) -> Result<tokio::sync::OwnedSemaphorePermit, error::AppError> {
        self.boards.clone().acquire_owned().await.map_err(|_| error::AppError::from(crate::db::DbError::Cancelled))
    }
}

impl<T> std::ops::Deref for Bounded<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Why the application could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot prepare the data directory {path}: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("cannot reach the database ({database}): {cause}")]
    Database { database: String, cause: String },
    #[error("cannot apply database migrations: {0}")]
    Migrations(String),
    #[error("cannot listen on {bind}: {source}")]
    Bind { bind: String, source: std::io::Error },
    #[error("cannot set up mail: {0}")]
    Mail(String),
    #[error("AUDIT_SIGNING_KEY_FILE: {0}")]
    AuditKey(#[from] crate::domain::checkpoints::KeyError),
}

/// Replaceable parts, for tests: a clock they move by hand, a mailer they read.
#[derive(Default)]
pub struct Overrides {
    pub clock: Option<SharedClock>,
    pub mailer: Option<Mailer>,
}

/// A started server, listening, not yet awaited.
pub struct Application {
    port: u16,
    server: Server,
    state: web::Data<AppState>,
}

/// Opens the database and applies pending migrations (used by `serve` and `migrate`).
pub async fn open_database(settings: &Settings) -> Result<(Db, Vec<String>), StartError> {
    let url = settings.database_url.clone();
    let (size, connect, acquire) = (settings.pool_size, settings.db_connect_timeout, settings.db_acquire_timeout);
    let masked = settings.database_url.masked();
    web::block(move || {
        let db = Db::connect(&url, size, connect, acquire)
            .map_err(|e| StartError::Database { database: masked.clone(), cause: e.to_string() })?;
        let mut conn = db.get().map_err(|e| StartError::Database { database: masked, cause: e.to_string() })?;
        let applied = migrations::run_pending(&mut conn).map_err(|e| StartError::Migrations(e.to_string()))?;
        crate::domain::criteria::seed_if_empty(&mut conn, chrono::Utc::now().naive_utc())
            .map_err(|e| StartError::Migrations(format!("seeding the criteria catalogue: {e}")))?;
        crate::domain::network::profiles::backfill_sectors(&mut conn)
            .map_err(|e| StartError::Migrations(format!("filling the directory's sectors: {e}")))?;
        drop(conn);
        Ok((db, applied))
    })
    .await
    .map_err(|e| StartError::Migrations(e.to_string()))?
}

impl Application {
    /// Prepares the data directory, opens and migrates the database, and binds the listener.
    pub async fn build(settings: Settings, overrides: Overrides) -> Result<Application, StartError> {
        let secret = settings
            .prepare()
            .map_err(|source| StartError::DataDir { path: settings.data_dir.display().to_string(), source })?;
        let audit_key = match &settings.audit_signing_key {
            Some(path) => Some(Arc::new(crate::domain::checkpoints::load_key(path)?)),
            None => None,
        };
        let (db, applied) = open_database(&settings).await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "database migrated");
        }
        // What a server killed in the middle of an upload left behind (an hour old at least: other
        // servers on the same data directory may be receiving files now). A failure is logged.
        {
            let (db, data_dir) = (db.clone(), settings.data_dir.clone());
            let swept = web::block(move || -> Result<_, String> {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                crate::uploads::sweep(&mut conn, &data_dir, crate::uploads::STALE_AFTER, false)
                    .map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
            match swept {
                Ok(s) if s.temporary + s.unreferenced > 0 => tracing::info!(
                    temporary = s.temporary,
                    unreferenced = s.unreferenced,
                    "removed the stale leftovers of interrupted uploads"
                ),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "uploads sweep failed"),
            }
        }
        let mailer = match overrides.mailer {
            Some(m) => m,
            None => Mailer::from_settings(&settings).map_err(|e| StartError::Mail(e.to_string()))?,
        };
        let listener = TcpListener::bind(settings.bind)
            .map_err(|source| StartError::Bind { bind: settings.bind.to_string(), source })?;
        let port = listener
            .local_addr()
            .map_err(|source| StartError::Bind { bind: settings.bind.to_string(), source })?
            .port();
        let workers = settings.workers;
        let state = web::Data::new(AppState {
            db,
            settings: Arc::new(settings),
            secret,
            clock: overrides.clock.unwrap_or_else(|| Arc::new(SystemClock)),
            mailer,
            boards: Arc::new(tokio::sync::Semaphore::new(
                workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            )),
            figures: operations::dashboard::FiguresCache::default(),
            sitemap: operations::site::SitemapCache::default(),
            audit_key,
        });
        // The day's audit checkpoint, if none was published yet (the daily scheduler publishes
        // the next ones); a failure is logged, never fatal.
        if let Some(key) = state.audit_key.clone() {
            let now = state.clock.now_naive();
            let db = state.db.clone();
            let published = web::block(move || -> Result<_, String> {
                let mut conn = db.get().map_err(|e| e.to_string())?;
                crate::domain::checkpoints::checkpoint_if_due(&mut conn, now, &key).map_err(|e| e.to_string())
            })
            .await
            .map_err(|e| e.to_string())
            .and_then(|r| r);
            match published {
                Ok(Some(c)) => tracing::info!(sequence = c.sequence, head = %c.head_hash, "audit checkpoint published"),
                Ok(None) => {}
                Err(e) => tracing::error!(error = %e, "audit checkpoint not published"),
            }
        }
        crate::mail::outbox::spawn_worker(
            state.db.clone(),
            state.mailer.clone(),
            state.settings.mail_from.clone(),
            state.clock.clone(),
            std::time::Duration::from_millis(500),
        );
        crate::scheduler::spawn(
            state.db.clone(),
            state.settings.clone(),
            state.clock.clone(),
            state.settings.scheduler_tick,
        );
        let https = state.settings.is_https();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(web::FormConfig::default().limit(FORM_LIMIT))
                .app_data(json_config())
                .wrap(from_fn(auth::authenticate))
                .wrap(from_fn(middleware::render_errors))
                .wrap(middleware::security_headers(https))
                .wrap(from_fn(middleware::head_as_get))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::request_log))
                // Outermost: the request's arrival is read before anything else happens to it.
                .wrap(from_fn(middleware::arrival))
                .configure(routes)
        })
        // Requests in flight get this long to finish after SIGINT or SIGTERM.
        .shutdown_timeout(30)
        .listen(listener)
        .map_err(|source| StartError::Bind { bind: state.settings.bind.to_string(), source })?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
        // Blocking tasks are database work (each waits for one of the pool's connections) and the
        // evaluation maths: more threads than connections would only wait, and every thread that
        // allocates may get its own malloc arena, which keeps its freed memory (the default, 512
        // threads, let memory under load grow to a gigabyte).
        server = server.worker_max_blocking_threads(state.settings.pool_size as usize + 2);
        Ok(Application { port, server: server.run(), state })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    /// Serves until SIGINT or SIGTERM; requests in flight finish first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Every route of the platform (see [`mod@routes`]): the pages, the feeds, the JSON API, and the
/// "not found" page for anything else.
pub fn routes(cfg: &mut web::ServiceConfig) {
    register(&mut routes::Routes::new(cfg, &mut Vec::new()));
    cfg.default_service(web::to(handlers::home::not_found));
}

fn register(r: &mut routes::Routes) {
    routes::pages(r);
    routes::feeds(r);
    routes::api(r);
}

/// Every (method, path pattern) the application registers, in registration order: the same
/// registration as [`routes`], run on an application that is never served.
pub fn route_table() -> Vec<routes::RouteEntry> {
    let mut list = Vec::new();
    let _ = App::new().configure(|cfg| register(&mut routes::Routes::new(cfg, &mut list)));
    list
}

/// Malformed JSON bodies become a 400 with the parser's explanation.
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(1024 * 1024)
        .error_handler(|err, _| error::AppError::BadRequest { code: "invalid_json", message: err.to_string() }.into())
}
