//! The route table and the layers every route shares.

mod create;
mod customer;
mod customer_writes;
mod list;
mod misc;

use axum::middleware;
use axum::routing::{delete, get, head, patch, post, put, MethodRouter};
use axum::Router;

use crate::auth::authenticate;
use crate::negotiate::negotiate;
use crate::{ApiError, AppState};

/// Every Partner Center route (under `/v1` and `/v1.0`) and its methods. The router is built
/// from this table and the authentication test walks it, so no route can be added that the
/// test does not check answers 401 without a token.
pub const PARTNER_CENTER_ROUTES: &[(&str, &[&str])] = &[
    ("/customers", &["GET", "POST"]),
    ("/customers/relationshiprequests", &["GET"]),
    ("/customers/{id}", &["GET", "PATCH", "DELETE"]),
    ("/customers/{id}/profiles/company", &["GET"]),
    ("/customers/{id}/profiles/billing", &["GET", "PUT"]),
    ("/domains/{domain}", &["HEAD"]),
];

/// The handler of one entry of [`PARTNER_CENTER_ROUTES`].
fn handler(path: &str, method: &str) -> MethodRouter<AppState> {
    match (path, method) {
        ("/customers", "GET") => get(list::list),
        ("/customers", "POST") => post(create::create),
        ("/customers/relationshiprequests", "GET") => get(misc::relationship_request),
        ("/customers/{id}", "GET") => get(customer::get_customer),
        ("/customers/{id}", "PATCH") => patch(customer_writes::update_customer),
        ("/customers/{id}", "DELETE") => delete(customer_writes::delete_customer),
        ("/customers/{id}/profiles/company", "GET") => get(customer::company_profile),
        ("/customers/{id}/profiles/billing", "GET") => get(customer::billing_profile),
        ("/customers/{id}/profiles/billing", "PUT") => put(customer_writes::replace_billing),
        ("/domains/{domain}", "HEAD") => head(misc::domain_exists),
        _ => unreachable!("{method} {path} is in the route table without a handler"),
    }
}

pub(crate) fn router(state: AppState) -> Router {
    let api = PARTNER_CENTER_ROUTES
        .iter()
        .fold(Router::new(), |api, (path, methods)| {
            let methods = methods.iter().fold(MethodRouter::new(), |m, method| m.merge(handler(path, method)));
            api.route(path, methods)
        })
        .method_not_allowed_fallback(method_not_allowed)
        // Authentication and throttling wrap every route above and nothing else: unknown paths
        // still get 404 and the control plane is outside by design.
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate));
    // The upstream's layers exist only with an upstream or a cassette: a server without one
    // pays nothing for them on each request.
    let upstream = state.upstream.is_some();
    let st = state.clone();
    let partner_center = Router::new()
        // The generated Python client may use API version 1.0 (spec §1).
        .nest("/v1.0", api.clone())
        .nest("/v1", api)
        .fallback(route_not_found);
    // Innermost, so forwarded requests meet faults, negotiation and the journal too.
    let partner_center = if upstream {
        partner_center.layer(middleware::from_fn_with_state(st.clone(), crate::upstream::pass_through))
    } else {
        partner_center
    };
    let partner_center = partner_center.layer(middleware::from_fn_with_state(state.clone(), negotiate));
    let partner_center = if upstream {
        partner_center.layer(middleware::from_fn_with_state(st.clone(), crate::upstream::mark))
    } else {
        partner_center
    };
    let partner_center = if upstream {
        partner_center.layer(middleware::from_fn_with_state(st, crate::upstream::record))
    } else {
        partner_center
    };
    let partner_center = partner_center
        // Outermost: the journal sees the request as sent and the answer as received.
        .layer(middleware::from_fn_with_state(state.clone(), crate::control::capture))
        .with_state(state.clone());
    // Merged after the Partner Center layers, so none of them applies to the control plane.
    match crate::control::router(state.clone()) {
        Some(control) => partner_center.merge(control),
        None => partner_center,
    }
    .merge(crate::health::router(state))
}

async fn route_not_found() -> ApiError {
    ApiError::route_not_found()
}

async fn method_not_allowed() -> ApiError {
    ApiError::method_not_allowed()
}
