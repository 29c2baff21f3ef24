//! The route table and the layers every route shares.

mod account_common;
pub(crate) mod account_status;
mod agreements;
mod country_rules;
mod create;
mod customer;
mod customer_writes;
mod directory_roles;
mod legacy_qualification;
mod licenses;
mod list;
mod misc;
pub(crate) mod path_case;
mod qualifications;
mod relationships;
mod user_query;
mod user_writes;
mod users;

use axum::middleware;
use axum::routing::{delete, get, head, patch, post, put, MethodRouter};
use axum::Router;
use partnerd_model::routes::PARTNER_CENTER_ROUTES;

use crate::auth::authenticate;
use crate::negotiate::negotiate;
use crate::{ApiError, AppState};

pub(crate) use licenses::subscribed as subscribed_sku;
pub(crate) use users::rfc3339;

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
        ("/agreements", "GET") => get(agreements::metadata),
        ("/agreementtemplates/{template_id}/document", "GET") => get(agreements::document),
        ("/customers/{id}/agreements", "GET") => get(agreements::list),
        ("/customers/{id}/agreements", "POST") => post(agreements::attest),
        ("/countryvalidationrules/{country}", "GET") => get(country_rules::rules),
        ("/validations/address", "POST") => post(country_rules::validate_address),
        ("/customers/{id}/qualifications", "GET") => get(qualifications::list),
        ("/customers/{id}/qualifications", "POST") => post(qualifications::add),
        ("/customers/{id}/relationships", "GET") => get(relationships::customer_relationships),
        ("/relationships", "GET") => get(relationships::partner_relationships),
        ("/customers/{id}/managedservices", "GET") => get(relationships::managed),
        ("/customers/{id}/directSignedMicrosoftCustomerAgreementStatus", "GET") => get(account_status::direct_signed),
        ("/customers/{id}/validationStatus", "GET") => get(account_status::validation),
        ("/customers/{id}/qualification", "GET") => get(legacy_qualification::get),
        ("/customers/{id}/qualification", "PUT") => put(legacy_qualification::put),
        ("/customers/all/validations", "GET") => get(qualifications::validation_codes),
        ("/customers/{id}/validations", "GET") => get(qualifications::customer_validations),
        ("/customers/{id}/users", "GET") => get(users::list_users),
        ("/customers/{id}/users", "POST") => post(user_writes::create_user),
        ("/customers/{id}/users/{user_id}", "GET") => get(users::get_user),
        ("/customers/{id}/users/{user_id}", "PATCH") => patch(user_writes::update_user),
        ("/customers/{id}/users/{user_id}", "DELETE") => delete(user_writes::delete_user),
        ("/customers/{id}/users/{user_id}/resetpassword", "PATCH") => patch(user_writes::update_user),
        ("/customers/{id}/users/{user_id}/directoryroles", "GET") => get(directory_roles::user_roles),
        ("/customers/{id}/users/{user_id}/licenses", "GET") => get(licenses::user_licenses),
        ("/customers/{id}/users/{user_id}/licenseupdates", "POST") => post(licenses::license_updates),
        ("/customers/{id}/directoryroles", "GET") => get(directory_roles::list_roles),
        ("/customers/{id}/directoryroles/{role_id}/usermembers", "GET") => get(directory_roles::members),
        ("/customers/{id}/directoryroles/{role_id}/usermembers", "POST") => post(directory_roles::add_member),
        ("/customers/{id}/directoryroles/{role_id}/usermembers/{user_id}", "DELETE") => {
            delete(directory_roles::remove_member)
        }
        ("/customers/{id}/subscribedskus", "GET") => get(licenses::subscribed_skus),
        _ => unreachable!("{method} {path} is in the route table without a handler"),
    }
}

pub(crate) fn router(state: AppState) -> Router {
    // Each route under both API versions, by its full path: nesting would add a layer that
    // rewrites every request's URI. The generated Python client may use 1.0 (spec §1).
    let partner_center = ["/v1", "/v1.0"]
        .iter()
        .flat_map(|version| PARTNER_CENTER_ROUTES.iter().map(move |route| (version, route)))
        .fold(Router::new(), |api, (version, (path, methods))| {
            let methods = methods.iter().fold(MethodRouter::new(), |m, method| m.merge(handler(path, method)));
            api.route(&format!("{version}{path}"), methods)
        })
        .method_not_allowed_fallback(method_not_allowed)
        // Authentication and throttling wrap every route above and nothing else: unknown paths
        // still get 404 and the control plane is outside by design.
        .route_layer(middleware::from_fn_with_state(state.clone(), authenticate))
        .fallback(route_not_found);
    // The upstream's layers exist only with an upstream or a cassette: a server without one
    // pays nothing for them on each request.
    let upstream = state.upstream.is_some();
    let st = state.clone();
    // Innermost, so forwarded requests meet faults, negotiation and the journal too.
    let partner_center = if upstream {
        partner_center.layer(middleware::from_fn_with_state(st.clone(), crate::upstream::pass_through))
    } else {
        partner_center
    };
    // Without an upstream the journal's layer negotiates itself (one layer less on every
    // request); with one, the upstream's layers must sit between the two.
    let partner_center = if upstream {
        partner_center
            .layer(middleware::from_fn_with_state(state.clone(), negotiate))
            .layer(middleware::from_fn_with_state(st.clone(), crate::upstream::mark))
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
