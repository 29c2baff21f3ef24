//! The partnerd HTTP service: Partner Center's Customers API (as `docs/api.md` describes it) on axum.
//!
//! [`build_app`] assembles the router from an [`AppState`] and is all the tests need;
//! [`serve`] runs it on a listener until a shutdown signal, letting in-flight requests finish.

pub mod auth;
mod body;
mod clock;
mod config;
mod continuation;
mod control;
mod credentials;
mod error;
mod health;
mod idempotency;
mod ids;
mod list_query;
mod maintenance;
mod negotiate;
mod observe;
pub mod openapi;
mod rate_limit;
mod reply;
mod request_ids;
mod routes;
mod serve;
mod shared;
mod state;
pub mod tls;
mod vault;

pub use auth::{mint_dev_token, mint_dev_token_at, AuthConfig, KeyConfig, DEV_AUDIENCE, DEV_ISSUER, DEV_SECRET};
pub use clock::Clock;
pub use config::{Config, Mode};
pub use control::FaultRule;
pub use error::ApiError;
pub use maintenance::spawn_purger;
pub use routes::PARTNER_CENTER_ROUTES;
pub use serve::{serve, serve_with, Limits, ServeConfig};
pub use state::AppState;

use axum::Router;

/// The complete application: every route, the fallbacks, and the layers that give every
/// response its headers and negotiated body.
pub fn build_app(state: AppState) -> Router {
    // The reference is public and outside every Partner Center layer.
    routes::router(state).merge(openapi::router())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
