//! The partnerd HTTP service: Partner Center's Customers API (as `docs/api.md` describes it) on axum.
//!
//! [`build_app`] assembles the whole service from an [`AppState`]: every route with every
//! layer (request ids, tracing, metrics, compression, head limits, the request timeout), the
//! one stack the binary, the Rust mock, the tests and embedders all run. [`serve`] runs it on
//! a listener until a shutdown signal, letting in-flight requests finish.

pub mod auth;
mod bearer;
mod body;
mod clock;
mod config;
mod continuation;
mod control;
mod credentials;
mod directory_errors;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod health;
mod idempotency;
mod ids;
mod list_query;
mod maintenance;
mod negotiate;
pub mod observe;
pub mod openapi;
mod page_cache;
mod rate_limit;
mod reply;
mod request_ids;
mod routes;
mod serve;
mod shared;
mod state;
pub mod tls;
mod upstream;
mod vault;

pub use auth::{mint_dev_token, mint_dev_token_at, AuthConfig, KeyConfig, DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET};
pub use clock::Clock;
pub use config::{Config, ControlPlane, DeploymentError, Mode};
pub use error::ApiError;
pub use maintenance::spawn_purger;
pub use partnerd_model::routes::PARTNER_CENTER_ROUTES;
pub use partnerd_model::FaultRule;
pub use serve::{serve, serve_with, Limits, ServeConfig};
pub use state::AppState;
pub use upstream::{UpstreamConfig, CASSETTE_FILE};

use axum::Router;

/// The complete application: every route, the fallbacks, and the layers that give every
/// response its headers and negotiated body.
pub fn build_app(state: AppState) -> Router {
    build_app_with(state, &ServeConfig::default())
}

/// [`build_app`] with the limits and metrics setting of `serve` (what `partnerd serve`'s flags
/// set); serve it with the same `serve` so the connection limits agree with the head limits.
pub fn build_app_with(state: AppState, serve: &ServeConfig) -> Router {
    // Before routing, so that a path in another case finds its route (and its layers).
    let canonical =
        tower::ServiceBuilder::new().map_request(routes::path_case::canonical).service(routed(state, serve));
    Router::new().fallback_service(canonical)
}

/// The routes of [`build_app_with`] and their layers, without the rewrite of the path's case in
/// front: the router whose route table a test reads (the rewrite hides it).
pub fn routed(state: AppState, serve: &ServeConfig) -> Router {
    // The reference is public and outside every Partner Center layer.
    let reference = openapi::router(&state.config);
    let app = routes::router(state).merge(reference);
    serve::edge::wrap(app, &serve.limits, serve.metrics)
}

/// A future that resolves on SIGINT or SIGTERM. The signals are taken when this is called, not
/// when the future is first polled, so a signal that arrives in between (say, right after a
/// ready file announced the server) still means a graceful stop instead of the default death.
pub fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()> + Send> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
    })
}
