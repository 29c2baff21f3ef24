//! The control plane under `/_partnerd/`: what a test suite or an operator needs beside the
//! Partner Center API (reset, seed, snapshots, the request journal, faults, the clock).
//!
//! It lives on the same listener, under a prefix Partner Center never uses, and outside the
//! Partner Center layers (no content negotiation, no partner tokens). What it offers is the
//! deployment's [`ControlPlane`], decided once when the router is built: everything in sandbox
//! mode; in production only with an admin token, and then only its observing part (reads)
//! unless the test controls are asked for by name. Who may use it is decided by [`guard`]:
//! with an admin token, the requests that carry it; a partner's bearer token never opens it.

mod accounts;
mod capture;
mod clock;
mod console;
mod entry;
mod faults;
pub(crate) mod guard;
mod guidance;
mod info;
mod inject;
mod journal;
mod params;
pub(crate) mod redact;
mod requests;
mod reset;
mod seed;
mod seed_directory;
mod skus;
mod snapshot;
pub(crate) mod stats;
mod tap;
mod text;
mod tokens;
mod traffic;

pub(crate) use capture::{bearer_partner, capture, PartnerSlot};
pub(crate) use entry::rfc3339;
pub(crate) use inject::inject;
pub(crate) use traffic::Traffic;

use axum::extract::{FromRef, Request};
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post, put};
use axum::Router;

use partnerd_store::ControlStore;

use crate::{ApiError, AppState, ControlPlane};

/// The control plane's store handle as the application state carries it to [`router`]:
/// sealed, its field private to this module, so the Partner Center handlers that share the
/// application state cannot reset, restore or seed with it.
#[derive(Clone)]
pub(crate) struct SealedControl(ControlStore);

impl SealedControl {
    pub fn new(store: ControlStore) -> SealedControl {
        SealedControl(store)
    }
}

/// What the control plane's handlers get: the application state and, opened, the control
/// plane's store handle. It derefs to the application state (so `state.clock` reads as in any
/// handler), and handlers that need no store take `State<AppState>` as before.
#[derive(Clone)]
pub(crate) struct ControlState {
    app: AppState,
    pub(crate) store: ControlStore,
}

impl std::ops::Deref for ControlState {
    type Target = AppState;

    fn deref(&self) -> &AppState {
        &self.app
    }
}

impl FromRef<ControlState> for AppState {
    fn from_ref(state: &ControlState) -> AppState {
        state.app.clone()
    }
}

/// Where the control plane lives; Partner Center's own routes are all under `/v1`.
pub(crate) const PREFIX: &str = "/_partnerd";

/// The control plane's routes (full paths, to be merged beside Partner Center's), or `None` where the configuration turns it off.
pub(crate) fn router(state: AppState) -> Option<Router> {
    let plane = state.config.control_plane();
    if plane == ControlPlane::Off {
        return None;
    }
    let routes = Router::new()
        .route(PREFIX, get(info::info))
        .route(&format!("{PREFIX}/"), get(info::info))
        .route(&format!("{PREFIX}/stats"), get(stats::stats).with_state(state.traffic.stats.clone()))
        .route(&format!("{PREFIX}/tokens"), post(tokens::issue))
        .route(&format!("{PREFIX}/clock"), get(clock::show).post(clock::set))
        .route(&format!("{PREFIX}/reset"), post(reset::reset))
        .route(&format!("{PREFIX}/partners/{{partner}}/seed"), post(seed::seed))
        .route(&format!("{PREFIX}/partners/{{partner}}/resellers"), post(accounts::add_reseller))
        .route(&format!("{PREFIX}/partners/{{partner}}/validationcodes"), post(accounts::add_validation_code))
        .route(&format!("{PREFIX}/partners/{{partner}}/addressfixtures"), post(accounts::add_address_fixture))
        .route(
            &format!("{PREFIX}/partners/{{partner}}/customers/{{id}}/qualifications/{{qualification}}"),
            post(accounts::review),
        )
        .route(&format!("{PREFIX}/partners/{{partner}}/customers/{{id}}/status"), post(accounts::set_status))
        .route(&format!("{PREFIX}/partners/{{partner}}/customers/{{customer}}/subscribedskus"), put(skus::set))
        .route(&format!("{PREFIX}/snapshot"), get(snapshot::export).put(snapshot::import))
        .route(&format!("{PREFIX}/requests"), get(requests::list).delete(requests::clear))
        .route(&format!("{PREFIX}/requests/stream"), get(requests::stream))
        .route(&format!("{PREFIX}/requests/{{id}}"), get(requests::get))
        .route(&format!("{PREFIX}/faults"), get(faults::list).post(faults::add).delete(faults::clear))
        .route(&format!("{PREFIX}/faults/{{id}}"), delete(faults::remove))
        .route(&format!("{PREFIX}/guidance"), get(guidance::summary).delete(guidance::clear))
        .route(&format!("{PREFIX}/{{*rest}}"), any(not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(plane, observe_only))
        .layer(middleware::from_fn_with_state(state.clone(), guard::guard))
        .layer(middleware::from_fn(crate::negotiate::json_only))
        .with_state(ControlState { store: state.control.0.clone(), app: state });
    Some(routes.merge(console_routes()))
}

/// The console's page and files: outside the guard, since they hold no data and a browser
/// must load the login form before it has the admin token (see `console`).
fn console_routes() -> Router {
    Router::new()
        .route(&format!("{PREFIX}/console"), get(console::page))
        .route(&format!("{PREFIX}/console/"), get(console::page))
        .route(&format!("{PREFIX}/console/{{file}}"), get(console::asset))
        .layer(middleware::from_fn(crate::negotiate::json_only))
}

/// Seeding and snapshots: requests that may rightly take minutes (a million customers), so
/// the server's request timeout does not end them and their bodies may take as long as they
/// need while bytes keep arriving (see `serve::deadline_body`). The guard still applies.
pub(crate) fn is_bulk(method: &Method, path: &str) -> bool {
    let seed = path.strip_prefix("/_partnerd/partners/").is_some_and(|rest| rest.ends_with("/seed"));
    (path == "/_partnerd/snapshot" && (method == Method::GET || method == Method::PUT))
        || (seed && method == Method::POST)
}

/// An observing control plane answers reads only: every request that could change data, time
/// or what is observed gets 403, naming the setting that allows it.
async fn observe_only(
    axum::extract::State(plane): axum::extract::State<ControlPlane>,
    req: Request,
    next: Next,
) -> Response {
    let reads = req.method() == Method::GET || req.method() == Method::HEAD;
    if plane == ControlPlane::Observe && !reads {
        let why = "This deployment's control plane only observes: the test controls (reset, seed, snapshot restore, \
                   faults, the clock, tokens) need `--control-plane full`.";
        return ApiError::new(StatusCode::FORBIDDEN, 900127, why).into_response();
    }
    next.run(req).await
}

async fn not_found() -> ApiError {
    ApiError::route_not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
