//! The OpenAPI 3.1 document of everything the server routes, at `GET /openapi.json`, and an
//! interactive reference (Swagger UI, its assets compiled into the binary) at `GET /docs`.
//! Both are public in every mode: they describe the API, they hold no data.
//!
//! The document is built from `operations::OPERATIONS`, one entry per method and path, with
//! the wire types' schemas derived from `partnerd-model` itself. A test
//! (`crates/server/tests/openapi.rs`) compares it with the routes the router actually serves,
//! both ways, so a route added without its entry (or an entry without its route) fails the build.

mod account_operations;
mod build;
mod control_bodies;
mod operations;
mod schemas;
mod user_operations;

use axum::Router;
use utoipa_swagger_ui::SwaggerUi;

pub use build::{document, document_for};

/// Where the document is served.
pub const DOCUMENT_PATH: &str = "/openapi.json";
/// Where the interactive reference is served.
pub const REFERENCE_PATH: &str = "/docs";

/// `GET /openapi.json` (the document for this server's configuration) and the reference page
/// under `/docs`.
pub(crate) fn router(config: &crate::Config) -> Router {
    Router::new().merge(SwaggerUi::new(REFERENCE_PATH).url(DOCUMENT_PATH, document_for(config)))
}
