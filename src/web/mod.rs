//! The web application: shared state, routes, middleware, and the server's start and stop.

pub mod assets;
pub mod error;
pub mod handlers;
pub mod middleware;

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App, HttpServer, web};

use crate::clock::{SharedClock, SystemClock};
use crate::config::{Secret, Settings};
use crate::db::{Db, migrations};
use crate::mail::Mailer;

/// What every handler can reach. Cheap to clone; one per application instance.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub secret: Secret,
    pub clock: SharedClock,
    pub mailer: Mailer,
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
        let (db, applied) = open_database(&settings).await?;
        if !applied.is_empty() {
            tracing::info!(migrations = ?applied, "database migrated");
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
        });
        let https = state.settings.is_https();
        let app_state = state.clone();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(app_state.clone())
                .app_data(web::FormConfig::default().limit(64 * 1024))
                .app_data(web::JsonConfig::default().limit(1024 * 1024))
                .wrap(from_fn(middleware::render_errors))
                .wrap(middleware::security_headers(https))
                .wrap(Compress::default())
                .wrap(from_fn(middleware::request_log))
                .configure(routes)
        })
        // Requests in flight get this long to finish after SIGINT or SIGTERM.
        .shutdown_timeout(30)
        .listen(listener)
        .map_err(|source| StartError::Bind { bind: state.settings.bind.to_string(), source })?;
        if let Some(n) = workers {
            server = server.workers(n);
        }
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

/// Every route of the platform.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.route("/", web::get().to(home::home))
        .route("/health", web::get().to(health::health))
        .route("/lang/{code}", web::get().to(lang::switch))
        .route("/static/{name}", web::get().to(assets::serve))
        .service(
            web::resource("/account/set-password")
                .route(web::get().to(account::form))
                .route(web::post().to(account::submit)),
        )
        .route("/api/v1/openapi.json", web::get().to(openapi::openapi))
        .default_service(web::to(home::not_found));
}
