//! The web application: shared state, routes, middleware, and the server's start and stop.

pub mod assets;
pub mod auth;
pub mod ctx;
pub mod error;
pub mod handlers;
pub mod middleware;
pub mod operations;

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
            boards: Arc::new(tokio::sync::Semaphore::new(
                workers.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            )),
        });
        crate::mail::outbox::spawn_worker(
            state.db.clone(),
            state.mailer.clone(),
            state.settings.mail_from.clone(),
            state.clock.clone(),
            std::time::Duration::from_millis(500),
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

/// Every route of the platform.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.route("/", web::get().to(home::home))
        .route("/health", web::get().to(health::health))
        .route("/ping", web::get().to(health::ping))
        .route("/lang/{code}", web::get().to(lang::switch))
        .route("/static/{name}", web::get().to(assets::serve))
        // Registration, verification, sign-in.
        .service(web::resource("/register").get(auth::register_form).post(auth::register))
        .service(web::resource("/verify").get(auth::verify_page).post(auth::verify))
        .route("/verify/resend", web::post().to(auth::resend_verification))
        .service(web::resource("/login").get(auth::login_form).post(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/logout-everywhere", web::post().to(auth::logout_everywhere))
        .service(web::resource("/forgot-password").get(auth::forgot_form).post(auth::forgot))
        .service(web::resource("/account/set-password").get(account::set_password_form).post(account::set_password))
        // One's own account.
        .service(web::resource("/account").get(account::profile).post(account::update_profile))
        .service(web::resource("/account/password").get(account::password_form).post(account::change_password))
        .route("/account/sessions", web::get().to(account::sessions_page))
        .route("/account/sessions/{id}/end", web::post().to(account::end_session))
        .service(web::resource("/account/tokens").get(account::tokens_page).post(account::create_token))
        .route("/account/tokens/{id}/revoke", web::post().to(account::revoke_token))
        // The supplier organisation.
        .route("/organisation", web::get().to(organisation::show))
        .route("/organisation/invitations", web::post().to(organisation::invite))
        .route("/organisation/invitations/{id}/revoke", web::post().to(organisation::revoke_invitation))
        .route("/organisation/members/{id}/remove", web::post().to(organisation::remove))
        .route("/organisation/owner", web::post().to(organisation::transfer))
        .service(web::resource("/organisation/profile").get(network::edit_form).post(network::save))
        .route("/organisation/profile/listing", web::post().to(network::listing))
        .route("/organisation/profile/credentials", web::post().to(network::add_credential))
        .route("/organisation/profile/credentials/{id}/remove", web::post().to(network::remove_credential))
        .route("/organisation/export.json", web::get().to(network::export))
        .service(web::resource("/practices").get(practices::list).post(practices::submit))
        .route("/practices/new", web::get().to(practices::new_form))
        .route("/practices/review", web::get().to(practices::review_queue))
        .route("/practices/{id}", web::get().to(practices::show))
        .route("/practices/{id}/picture", web::get().to(practices::picture))
        .route("/practices/{id}/review", web::post().to(practices::review))
        .route("/practices/{id}/feature", web::post().to(practices::feature))
        .route("/feeds/practices.atom", web::get().to(practices::feed))
        .route("/api/v1/practices", web::get().to(practices::api_list))
        .route("/api/v1/practices/{id}", web::get().to(practices::api_show))
        .route("/directory", web::get().to(network::directory))
        .route("/directory/{id}", web::get().to(network::show))
        .route("/directory/{id}/credentials/{cid}/evidence", web::get().to(network::evidence))
        .service(web::resource("/invitations/accept").get(organisation::accept_form).post(organisation::accept))
        // Objectives.
        .service(web::resource("/objectives").get(objectives::list).post(objectives::create))
        .route("/objectives/new", web::get().to(objectives::new_form))
        .service(web::resource("/objectives/{id}").get(objectives::show).post(objectives::update))
        .route("/objectives/{id}/edit", web::get().to(objectives::edit_form))
        .route("/objectives/{id}/publish", web::post().to(objectives::publish))
        .route("/objectives/{id}/cancel", web::post().to(objectives::cancel))
        .route("/objectives/{id}/delete", web::post().to(objectives::delete))
        .route("/objectives/{id}/questions", web::post().to(objectives::ask))
        .route("/objectives/{id}/questions/publish", web::post().to(objectives::publish_question))
        .route("/objectives/{id}/questions/{qid}/answer", web::post().to(objectives::answer))
        .route("/objectives/{id}/documents", web::post().to(documents::upload))
        .route("/objectives/{id}/documents/{doc}", web::get().to(documents::download))
        .route("/objectives/{id}/documents/{doc}/delete", web::post().to(documents::delete))
        .route("/objectives/{id}/partners", web::post().to(messages::seek))
        .route("/objectives/{id}/partners/withdraw", web::post().to(messages::stop_seeking))
        .route("/messages", web::get().to(messages::inbox))
        .route("/messages/report/{id}", web::post().to(messages::report))
        .service(web::resource("/messages/{org}").get(messages::thread).post(messages::send))
        .route("/messages/{org}/invite", web::post().to(messages::invite))
        .route("/admin/reports", web::get().to(messages::reports))
        .route("/admin/reports/{id}", web::post().to(messages::resolve))
        .route("/admin/suspensions/{org}/lift", web::post().to(messages::lift))
        .route("/objectives/{id}/follow", web::post().to(objectives::follow))
        .route("/objectives/{id}/unfollow", web::post().to(objectives::unfollow))
        // Proposals (suppliers) and their opening (agents).
        .route("/proposals", web::get().to(proposals::dashboard))
        .route("/practice", web::get().to(proposals::practice))
        .service(web::resource("/objectives/{id}/proposal").get(proposals::start_form).post(proposals::create))
        .route("/objectives/{id}/proposals", web::get().to(proposals::agent_list))
        .route("/objectives/{id}/proposals/open", web::post().to(proposals::open))
        .route("/objectives/{id}/proposals/{pid}", web::get().to(proposals::opened))
        .service(web::resource("/proposals/{id}").get(proposals::show).post(proposals::update))
        .route("/proposals/{id}/edit", web::get().to(proposals::edit_form))
        .route("/proposals/{id}/attachments", web::post().to(proposals::upload))
        .route("/proposals/{id}/attachments/{aid}", web::get().to(proposals::download))
        .route("/proposals/{id}/attachments/{aid}/delete", web::post().to(proposals::remove_attachment))
        .route("/proposals/{id}/consortium", web::post().to(proposals::add_member))
        .route("/proposals/{id}/consortium/confirm", web::post().to(proposals::confirm_membership))
        .route("/proposals/{id}/consortium/decline", web::post().to(proposals::decline_membership))
        .route("/proposals/{id}/consortium/{org}/remove", web::post().to(proposals::remove_member))
        .service(web::resource("/proposals/{id}/deposit").get(proposals::deposit_form).post(proposals::deposit))
        .route("/proposals/{id}/withdraw", web::post().to(proposals::withdraw))
        .route("/proposals/{id}/reconfirm", web::post().to(proposals::reconfirm))
        .route("/deposits/{id}/documents/{pos}", web::get().to(proposals::deposit_document))
        // Evaluation.
        .service(web::resource("/objectives/{id}/committee").get(evaluation::committee_page).post(evaluation::appoint))
        .route("/objectives/{id}/committee/settings", web::post().to(evaluation::settings))
        .route("/objectives/{id}/committee/{user}/remove", web::post().to(evaluation::remove_member))
        .route("/objectives/{id}/results", web::post().to(evaluation::publish_results))
        .route("/evaluations", web::get().to(evaluation::my_evaluations))
        .route("/objectives/{id}/evaluation", web::get().to(evaluation::workspace))
        .route("/objectives/{id}/evaluation/declarations", web::post().to(evaluation::declare))
        .route("/objectives/{id}/evaluation/progress", web::get().to(evaluation::progress))
        .route("/objectives/{id}/evaluation/ranking", web::get().to(evaluation::ranking))
        .route("/objectives/{id}/evaluation/report", web::get().to(evaluation::report))
        .route("/objectives/{id}/evaluation/report.csv", web::get().to(evaluation::report_csv))
        .route("/objectives/{id}/evaluation/scores.csv", web::get().to(evaluation::scores_csv))
        .route("/objectives/{id}/evaluation/consensus", web::post().to(evaluation::consensus))
        .route("/objectives/{id}/evaluation/shortlist", web::post().to(evaluation::change_shortlist))
        .route("/objectives/{id}/evaluation/decision", web::post().to(evaluation::decide))
        .service(
            web::resource("/objectives/{id}/evaluation/{pid}")
                .get(evaluation::score_page)
                .post(evaluation::save_scores),
        )
        .route("/objectives/{id}/evaluation/{pid}/reopen/{user}", web::post().to(evaluation::reopen))
        .route("/receipts/verify", web::get().to(receipts::verify_page))
        .route("/receipts/{id}", web::get().to(receipts::page))
        .route("/receipts/{id}/json", web::get().to(receipts::json))
        .service(
            web::resource("/account/subscriptions")
                .get(objectives::subscriptions_page)
                .post(objectives::save_subscriptions),
        )
        // Administration.
        .service(web::resource("/admin/users").get(admin::users_page).post(admin::invite_staff))
        .route("/admin/users/{id}", web::get().to(admin::user_page))
        .route("/admin/users/{id}/roles", web::post().to(admin::set_roles))
        .route("/admin/users/{id}/disable", web::post().to(admin::disable))
        .route("/admin/users/{id}/enable", web::post().to(admin::enable))
        .route("/admin/audit", web::get().to(admin::audit_page))
        .service(web::resource("/admin/criteria").get(criteria::list).post(criteria::create))
        .route("/admin/criteria/new", web::get().to(criteria::new_form))
        .service(web::resource("/admin/criteria/{id}").get(criteria::edit_form).post(criteria::update))
        .route("/admin/criteria/{id}/remove", web::post().to(criteria::remove))
        .route("/admin/criteria/{id}/restore", web::post().to(criteria::restore))
        .service(web::resource("/admin/credentials").get(network::catalogue).post(network::create_credential))
        .route("/admin/credentials/{id}/retire", web::post().to(network::retire))
        .route("/admin/credentials/{id}/restore", web::post().to(network::restore))
        // The JSON API.
        .route("/api/v1/openapi.json", web::get().to(openapi::openapi))
        .route("/api/v1/objectives", web::get().to(open_data::list))
        .route("/api/v1/objectives/{id}", web::get().to(open_data::detail))
        .route("/api/v1/objectives/{id}/ocds.json", web::get().to(open_data::ocds_one))
        .route("/api/v1/ocds/objectives.json", web::get().to(open_data::ocds_all))
        .route("/feeds/objectives.atom", web::get().to(open_data::feed_all))
        .route("/feeds/themes/{theme}", web::get().to(open_data::feed_theme))
        .service(web::resource("/api/v1/me").get(api::me).put(api::update_me))
        .service(web::resource("/api/v1/me/tokens").get(api::list_tokens).post(api::create_token))
        .route("/api/v1/me/tokens/{id}", web::delete().to(api::revoke_token))
        .route("/api/v1/organisation", web::get().to(api::my_organisation))
        .route("/api/v1/organisation/export", web::get().to(api_network::export))
        .route("/api/v1/directory", web::get().to(api_network::directory))
        .route("/api/v1/directory/{id}", web::get().to(api_network::profile))
        .route("/api/v1/credentials", web::get().to(api_network::catalogue))
        .route("/api/v1/organisation/invitations", web::post().to(api::invite_member))
        .route("/api/v1/organisation/members/{id}", web::delete().to(api::remove_member))
        .route("/api/v1/organisation/owner", web::put().to(api::transfer_ownership))
        .service(web::resource("/api/v1/admin/users").get(api::list_users).post(api::invite_staff))
        .route("/api/v1/admin/users/{id}/roles", web::put().to(api::set_roles))
        .route("/api/v1/admin/users/{id}/disabled", web::put().to(api::set_disabled))
        .route("/api/v1/admin/audit", web::get().to(api::audit))
        .route("/api/v1/receipts/verify", web::get().to(receipts::verify_api))
        .service(
            web::resource("/api/v1/objectives/{id}/committee")
                .get(api_evaluation::committee_get)
                .post(api_evaluation::committee_appoint),
        )
        .route("/api/v1/objectives/{id}/committee/{user}", web::delete().to(api_evaluation::committee_remove))
        .route("/api/v1/objectives/{id}/evaluation-settings", web::put().to(api_evaluation::settings))
        .route("/api/v1/objectives/{id}/evaluation", web::get().to(api_evaluation::workspace))
        .route("/api/v1/objectives/{id}/evaluation/declarations", web::put().to(api_evaluation::declare))
        .route("/api/v1/objectives/{id}/evaluation/ranking", web::get().to(api_evaluation::ranking))
        .route("/api/v1/objectives/{id}/evaluation/report.csv", web::get().to(api_evaluation::report_csv))
        .route("/api/v1/objectives/{id}/evaluation/scores.csv", web::get().to(api_evaluation::scores_csv))
        .route("/api/v1/objectives/{id}/evaluation/consensus", web::put().to(api_evaluation::consensus))
        .route("/api/v1/objectives/{id}/evaluation/shortlist", web::put().to(api_evaluation::shortlist))
        .route("/api/v1/objectives/{id}/evaluation/decision", web::post().to(api_evaluation::decide))
        .service(
            web::resource("/api/v1/objectives/{id}/evaluation/proposals/{proposal}")
                .get(api_evaluation::proposal)
                .put(api_evaluation::score),
        )
        .route(
            "/api/v1/objectives/{id}/evaluation/proposals/{proposal}/reopen/{user}",
            web::post().to(api_evaluation::reopen),
        )
        .service(
            web::resource("/api/v1/objectives/{id}/results").get(api_evaluation::results).post(api_evaluation::publish),
        )
        .route("/api/v1/receipts/{id}", web::get().to(api_proposals::receipt))
        .route("/api/v1/proposals", web::get().to(api_proposals::list))
        .service(
            web::resource("/api/v1/objectives/{id}/proposals").post(api_proposals::create).get(api_proposals::received),
        )
        .route("/api/v1/objectives/{id}/opening", web::post().to(api_proposals::open))
        .route("/api/v1/objectives/{id}/proposals/{proposal}", web::get().to(api_proposals::opened))
        .service(web::resource("/api/v1/proposals/{id}").get(api_proposals::show).put(api_proposals::update))
        .route("/api/v1/proposals/{id}/attachments", web::post().to(api_proposals::upload))
        .service(
            web::resource("/api/v1/proposals/{id}/attachments/{attachment}")
                .get(api_proposals::download)
                .delete(api_proposals::remove_attachment),
        )
        .route("/api/v1/proposals/{id}/consortium", web::post().to(api_proposals::add_member))
        .route("/api/v1/proposals/{id}/consortium/membership", web::put().to(api_proposals::answer))
        .route("/api/v1/proposals/{id}/consortium/{organisation}", web::delete().to(api_proposals::remove_member))
        .route("/api/v1/proposals/{id}/deposits", web::post().to(api_proposals::deposit))
        .route("/api/v1/proposals/{id}/withdrawal", web::post().to(api_proposals::withdraw))
        .route("/api/v1/proposals/{id}/reconfirmation", web::post().to(api_proposals::reconfirm))
        .default_service(web::to(home::not_found));
}

/// Malformed JSON bodies become a 400 with the parser's explanation.
fn json_config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(1024 * 1024)
        .error_handler(|err, _| error::AppError::BadRequest { code: "invalid_json", message: err.to_string() }.into())
}
