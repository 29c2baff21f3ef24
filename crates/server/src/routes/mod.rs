//! The route table and the layers every route shares.

mod create;
mod customer;
mod customer_writes;
mod list;
mod misc;

use axum::middleware;
use axum::routing::{get, head};
use axum::Router;

use crate::negotiate::negotiate;
use crate::rate_limit;
use crate::request_ids::request_ids;
use crate::{ApiError, AppState};

pub(crate) fn router(state: AppState) -> Router {
    let stats = crate::control::stats::Recorder::default();
    let api = Router::new()
        .route("/customers", get(list::list).post(create::create))
        .route("/customers/relationshiprequests", get(misc::relationship_request))
        .route(
            "/customers/{id}",
            get(customer::get_customer)
                .patch(customer_writes::update_customer)
                .delete(customer_writes::delete_customer),
        )
        .route("/customers/{id}/profiles/company", get(customer::company_profile))
        .route("/customers/{id}/profiles/billing", get(customer::billing_profile).put(customer_writes::replace_billing))
        .route("/domains/{domain}", head(misc::domain_exists))
        .method_not_allowed_fallback(method_not_allowed);
    let partner_center = Router::new()
        // The generated Python client may use API version 1.0 (spec §1).
        .nest("/v1.0", api.clone())
        .nest("/v1", api)
        .fallback(route_not_found)
        .layer(middleware::from_fn(rate_limit::report))
        .layer(middleware::from_fn(negotiate))
        .layer(middleware::from_fn(request_ids))
        .layer(middleware::from_fn_with_state(stats.clone(), crate::control::stats::record))
        .with_state(state.clone());
    // Merged after the Partner Center layers, so none of them applies to the control plane.
    match crate::control::router(state, stats) {
        Some(control) => partner_center.merge(control),
        None => partner_center,
    }
}

async fn route_not_found() -> ApiError {
    ApiError::route_not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
