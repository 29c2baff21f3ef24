//! What load balancers and Prometheus ask, beside the Partner Center routes and without a
//! partner token: `/healthz` (the process answers), `/readyz` (the store answers too) and
//! `/metrics` (Prometheus text; behind the admin token when one is configured, absent in
//! production without one unless `public_metrics` opens it deliberately). In sandbox
//! mode, `/` too: a redirect to the console, so the address the banner prints leads somewhere.

use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use crate::reply::Reply;
use crate::{ApiError, AppState, Mode};

/// How long `/readyz` waits for the store before calling it not ready.
const READY_TIMEOUT: Duration = Duration::from_secs(3);

/// The routes, full paths, to merge beside the Partner Center ones.
pub(crate) fn router(state: AppState) -> Router {
    let metrics = match state.config.metrics_open() {
        Some(true) => Router::new().route("/metrics", get(metrics)),
        Some(false) => Router::new()
            .route("/metrics", get(metrics))
            .layer(middleware::from_fn_with_state(state.clone(), crate::control::guard::guard)),
        None => Router::new(),
    };
    let sandbox = state.config.mode == Mode::Sandbox;
    let health = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(metrics)
        .layer(middleware::from_fn(crate::negotiate::json_only))
        .with_state(state);
    match sandbox {
        true => health.route("/", get(|| async { Redirect::temporary("/_partnerd/console") })),
        false => health,
    }
}

async fn healthz() -> Reply {
    Reply::ok_json("Health", r#"{"status":"ok"}"#.to_string())
}

/// Ready when the store answers a trivial query in time; 503 with the contract's body if not.
async fn readyz(State(state): State<AppState>) -> Result<Reply, ApiError> {
    match tokio::time::timeout(READY_TIMEOUT, state.service.is_empty()).await {
        Ok(Ok(_)) => Ok(Reply::ok_json("Health", r#"{"status":"ok"}"#.to_string())),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "not ready: the store failed");
            Err(ApiError::unavailable(1).with_data("store"))
        }
        Err(_) => {
            tracing::warn!("not ready: the store did not answer in time");
            Err(ApiError::unavailable(1).with_data("store"))
        }
    }
}

async fn metrics() -> Response {
    let Some(handle) = crate::observe::metrics::handle() else {
        return ApiError::route_not_found().into_response();
    };
    let mut res = (StatusCode::OK, handle.render()).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"));
    res
}
