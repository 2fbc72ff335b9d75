//! `GET /health`: liveness and readiness in one, after a real query to the database.

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};

use crate::db;
use crate::web::AppState;
use crate::web::error::AppError;

/// How long the health check waits for a connection before declaring the database unreachable.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(2);

#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` while the database cannot be reached.
    pub status: String,
    /// `sqlite` or `postgresql`.
    pub database: String,
}

/// Reports whether the service can reach its database.
#[utoipa::path(
    get,
    path = "/health",
    tag = "operations",
    responses(
        (status = 200, description = "The service and its database answer", body = Health),
        (status = 503, description = "The database cannot be reached", body = Health),
    )
)]
pub async fn health(state: web::Data<AppState>) -> HttpResponse {
    let database = state.db.backend().as_str().to_owned();
    let result: Result<(), AppError> =
        state.db.run_with_timeout(HEALTH_TIMEOUT, |conn| db::ping(conn).map_err(AppError::from)).await;
    match result {
        Ok(()) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(Health { status: "ok".into(), database }),
        Err(e) => {
            tracing::warn!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .insert_header(("Cache-Control", "no-store"))
                .insert_header(("Retry-After", "5"))
                .json(Health { status: "unavailable".into(), database })
        }
    }
}

/// `GET /ping`: a plain-text answer that touches nothing, the benchmarks' calibration endpoint
/// (what the server, its middleware and the network cost on their own).
pub async fn ping() -> HttpResponse {
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body("pong")
}
