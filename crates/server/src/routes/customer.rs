//! Single-customer reads: the customer, its company profile, its billing profile.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use partnerd_model::Customer;
use partnerd_store::{PartnerStore, StoredCustomer};

use crate::auth::VerifiedPartner;
use crate::ids::CustomerId;
use crate::reply::{Json, Reply};
use crate::{ApiError, AppState};

/// GET /v1/customers/{id}: the full customer, kept between requests as pages are
/// (`page_cache.rs`).
pub(crate) async fn get_customer(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let kept = state.pages.customer(partner.store(), &id).await?.ok_or_else(ApiError::customer_not_found)?;
    conditional(&headers, &kept.etag, || Ok(Reply::ok_json_pieces("Customer", Json::Pieces(vec![kept.doc.clone()]))))
}

/// GET /v1/customers/{id}/profiles/company.
pub(crate) async fn company_profile(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let stored = fetch(partner.store(), &id).await?;
    conditional(&headers, &stored.etag, || {
        Ok(Reply::ok("CustomerCompanyProfile", &parse_doc(&stored)?.company_profile.unwrap_or_default()))
    })
}

/// GET /v1/customers/{id}/profiles/billing.
pub(crate) async fn billing_profile(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
    headers: HeaderMap,
) -> Result<Reply, ApiError> {
    let stored = fetch(partner.store(), &id).await?;
    conditional(&headers, &stored.etag, || {
        Ok(Reply::ok("CustomerBillingProfile", &parse_doc(&stored)?.billing_profile.unwrap_or_default()))
    })
}

/// A conditional read of one customer's resource: 304 when `If-None-Match` names the current
/// etag (or is `*`), otherwise the body `answer` builds (only then); the `ETag` header either way.
fn conditional(
    headers: &HeaderMap,
    etag: &str,
    answer: impl FnOnce() -> Result<Reply, ApiError>,
) -> Result<Reply, ApiError> {
    let unchanged = headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).is_some_and(|value| {
        value.split(',').map(|t| t.trim().trim_start_matches("W/").trim_matches('"')).any(|t| t == "*" || t == etag)
    });
    let reply = if unchanged { Reply::empty(StatusCode::NOT_MODIFIED) } else { answer()? };
    Ok(reply.etag(etag))
}

pub(crate) async fn fetch(store: &PartnerStore, id: &str) -> Result<StoredCustomer, ApiError> {
    store.get(id).await?.ok_or_else(ApiError::customer_not_found)
}

/// The stored document as a customer; a document that does not parse is a server fault.
pub(crate) fn parse_doc(stored: &StoredCustomer) -> Result<Customer, ApiError> {
    serde_json::from_str(&stored.doc).map_err(|e| {
        tracing::error!(error = %e, "a stored customer document does not parse");
        ApiError::internal()
    })
}
