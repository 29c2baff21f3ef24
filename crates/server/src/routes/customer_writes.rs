//! Changes to one customer: leaving the partner (PATCH), deletion, billing profile update.

use axum::extract::State;
use axum::http::{header, HeaderMap, Method, StatusCode};
use partnerd_model::assemble::{new_etag, NewIds};
use partnerd_model::validate::validate_billing_profile;
use partnerd_model::{BillingProfile, Customer, NewCustomer, Relationship};
use partnerd_store::{CustomerRecord, Mutation};

use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::config::Mode;
use crate::idempotency::{self, Outcome};
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::routes::customer::{fetch, parse_doc};
use crate::{ApiError, AppState};

/// PATCH /v1/customers/{id} with `relationshipToPartner: none`: the customer leaves.
pub(crate) async fn update_customer(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
    body: Body,
) -> Result<Reply, ApiError> {
    let patch: Customer = body.read()?;
    match patch.relationship_to_partner {
        Some(Relationship::None) => {}
        Some(other) => {
            return Err(ApiError::invalid(format!(
                "relationshipToPartner can only be changed to none, not {}.",
                other.as_str()
            ))
            .with_data("relationshipToPartner"))
        }
        None => return Err(ApiError::invalid("relationshipToPartner is required.").with_data("relationshipToPartner")),
    }
    // A retry after success finds the customer gone; the store then replays the kept answer,
    // and nothing is ever kept for a customer that was not found.
    let store = partner.store();
    let json = match store.get(&id).await? {
        Some(stored) => {
            let mut customer = parse_doc(&stored)?;
            customer.relationship_to_partner = Some(Relationship::None);
            Some(serde_json::to_string(&customer).expect("customers serialise"))
        }
        None => None,
    };
    let outcome = Outcome { status: StatusCode::OK, root: "Customer", json, location: None, etag: None };
    let path = format!("/v1/customers/{id}");
    let identity = [path.as_str(), &body.fingerprint_text()];
    idempotency::apply(&state, store, &ids, Method::PATCH, &identity, Mutation::RemoveRelationship { id }, outcome)
        .await
}

/// DELETE /v1/customers/{id}: sandbox deployments only.
pub(crate) async fn delete_customer(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
) -> Result<Reply, ApiError> {
    if state.config.mode == Mode::Production {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            900127,
            "Deleting customers is only available in sandbox deployments.",
        ));
    }
    let outcome = Outcome { status: StatusCode::NO_CONTENT, root: "Customer", json: None, location: None, etag: None };
    let path = format!("/v1/customers/{id}");
    idempotency::apply(&state, partner.store(), &ids, Method::DELETE, &[&path], Mutation::Delete { id }, outcome).await
}

/// PUT /v1/customers/{id}/profiles/billing: full replacement, conditional on the etag from
/// `If-Match` or the body's `attributes.etag` when either is given.
pub(crate) async fn replace_billing(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    ids: RequestIds,
    CustomerId(id): CustomerId,
    headers: HeaderMap,
    body: Body,
) -> Result<Reply, ApiError> {
    let (profile, unreadable) = body.read_partly::<BillingProfile>()?;
    match validate_billing_profile(&profile, "") {
        Ok(()) if unreadable.is_empty() => {}
        checked => return Err(ApiError::refused(unreadable, checked.err())),
    }
    let expected = if_match(&headers).or_else(|| profile.attributes.as_ref().and_then(|a| a.etag.clone()));
    let store = partner.store();
    let stored = fetch(store, &id).await?;
    let mut customer = parse_doc(&stored)?;
    let kept = NewIds::of(&customer).map_err(|e| {
        tracing::error!(%e, customer = %id, "a stored customer lacks its ids");
        ApiError::internal()
    })?;
    customer.billing_profile = Some(profile);
    // The updated customer is checked whole, as a create would be, before it can be stored.
    let (record, customer) = CustomerRecord::new(NewCustomer::try_from(customer)?, NewIds { etag: new_etag(), ..kept });
    let etag = record.etag().to_string();
    let outcome = Outcome {
        status: StatusCode::OK,
        root: "CustomerBillingProfile",
        json: Some(serde_json::to_string(&customer.billing_profile).expect("profiles serialise")),
        location: None,
        etag: Some(etag),
    };
    let path = format!("/v1/customers/{id}/profiles/billing");
    let precondition = expected.clone().unwrap_or_default();
    let identity = [path.as_str(), &precondition, &body.fingerprint_text()];
    let mutation = Mutation::Replace { record, expected_etag: expected };
    idempotency::apply(&state, store, &ids, Method::PUT, &identity, mutation, outcome).await
}

fn if_match(headers: &HeaderMap) -> Option<String> {
    let v = headers.get(header::IF_MATCH)?.to_str().ok()?.trim();
    let v = v.trim_start_matches("W/").trim_matches('"');
    (!v.is_empty() && v != "*").then(|| v.to_string())
}
