//! Single-customer reads: the customer, its company profile, its billing profile.

use axum::http::{header, HeaderMap, StatusCode};
use partnerd_model::Customer;
use partnerd_store::StoredCustomer;

use crate::auth::Authed;
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::ApiError;

/// GET /v1/customers/{id}: the full customer.
pub(crate) async fn get_customer(auth: Authed, CustomerId(id): CustomerId, headers: HeaderMap) -> Result<Reply, ApiError> {
    let stored = fetch(&auth, &id).await?;
    Ok(conditional(&headers, &stored.etag).unwrap_or_else(|| Reply::ok_json("Customer", stored.doc.clone())).header(header::ETAG, &quoted(&stored.etag)))
}

/// GET /v1/customers/{id}/profiles/company.
pub(crate) async fn company_profile(auth: Authed, CustomerId(id): CustomerId, headers: HeaderMap) -> Result<Reply, ApiError> {
    let (stored, customer) = fetch_parsed(&auth, &id).await?;
    let profile = customer.company_profile.unwrap_or_default();
    Ok(conditional(&headers, &stored.etag)
        .unwrap_or_else(|| Reply::ok("CustomerCompanyProfile", &profile))
        .header(header::ETAG, &quoted(&stored.etag)))
}

/// GET /v1/customers/{id}/profiles/billing.
pub(crate) async fn billing_profile(auth: Authed, CustomerId(id): CustomerId, headers: HeaderMap) -> Result<Reply, ApiError> {
    let (stored, customer) = fetch_parsed(&auth, &id).await?;
    let profile = customer.billing_profile.unwrap_or_default();
    Ok(conditional(&headers, &stored.etag)
        .unwrap_or_else(|| Reply::ok("CustomerBillingProfile", &profile))
        .header(header::ETAG, &quoted(&stored.etag)))
}

pub(crate) async fn fetch(auth: &Authed, id: &str) -> Result<StoredCustomer, ApiError> {
    auth.store.get(id).await?.ok_or_else(ApiError::customer_not_found)
}

async fn fetch_parsed(auth: &Authed, id: &str) -> Result<(StoredCustomer, Customer), ApiError> {
    let stored = fetch(auth, id).await?;
    let customer = parse_doc(&stored, id)?;
    Ok((stored, customer))
}

/// The stored document as a customer; a document that does not parse is a server fault.
pub(crate) fn parse_doc(stored: &StoredCustomer, id: &str) -> Result<Customer, ApiError> {
    serde_json::from_str(&stored.doc).map_err(|e| {
        tracing::error!(%id, error = %e, "stored customer document does not parse");
        ApiError::internal()
    })
}

pub(crate) fn quoted(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// 304 when `If-None-Match` names the current etag (or is `*`).
fn conditional(headers: &HeaderMap, etag: &str) -> Option<Reply> {
    let value = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    let matches = value.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t == etag);
    matches.then(|| Reply::empty(StatusCode::NOT_MODIFIED))
}
