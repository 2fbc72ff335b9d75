//! `GET /api/v1/openapi.json`: the OpenAPI 3 description, generated from the handlers.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use crate::web::error::{ErrorBody, ErrorDetail};
use crate::web::handlers::health::{self, Health};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Achat Ouvert",
        description = "Open data and programmatic access to the Region's open purchasing platform. \
                       Errors under /api/ are JSON: {\"error\":{\"code\":\"…\",\"message\":\"…\"}}."
    ),
    paths(health::health, openapi),
    components(schemas(Health, ErrorBody, ErrorDetail)),
    tags((name = "operations", description = "Service health and this description"))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json")))]
pub async fn openapi() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
