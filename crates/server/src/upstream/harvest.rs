//! `--record-into-store`: the customers a forwarded answer carries (a customer, or a
//! collection's `items`) are stored under the caller's partner, so that a later run serves the
//! real sandbox's customers offline. Each goes through the checks a create does and keeps its
//! ids; one already stored (same id or domain) is left as it is. Only successful JSON answers
//! are read; nothing here can change what the client receives.

use axum::http::{header, HeaderMap};
use partnerd_model::PartnerId;
use serde_json::Value;

use super::forward::Exchange;
use crate::AppState;

/// Stores what `exchange`'s answer carries; failures are logged, never the client's.
pub(super) async fn store_customers(state: &AppState, request_headers: &HeaderMap, exchange: &Exchange) {
    if !exchange.status.is_success() || !is_json(&exchange.response_headers) {
        return;
    }
    let Some(partner) = caller(state, request_headers) else { return };
    let Ok(answer) = serde_json::from_slice::<Value>(&exchange.response_body) else { return };
    let records: Vec<_> = customers(answer)
        .filter_map(|customer| match partnerd_store::record_from_wire(customer) {
            Ok(record) => Some(record),
            Err(why) => {
                tracing::info!(why, "a customer in the upstream's answer was not stored");
                None
            }
        })
        .collect();
    if records.is_empty() {
        return;
    }
    let count = records.len();
    match crate::auth::vouched_by_upstream(&state.partners, &partner).insert_many(records, false).await {
        Ok(skipped) => tracing::info!(
            partner = partner.as_str(),
            stored = count - skipped.len(),
            already = skipped.len(),
            "customers from the upstream stored"
        ),
        Err(e) => tracing::error!(error = %e, "storing customers from the upstream failed"),
    }
}

/// The partner the request spoke for: its verified token's, else its token's `tid` claim
/// (the upstream, which answered successfully, verified that token; an upstream that answers
/// anyone is the operator's choice, as `--record-into-store` is).
fn caller(state: &AppState, headers: &HeaderMap) -> Option<PartnerId> {
    crate::control::bearer_partner(state, headers).or_else(|| super::throttle::claimed_partner(headers))
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase().ends_with("json"))
}

/// The customers in an answer: the items of a collection of customers, or the answer itself
/// when it is one (an object with an `id` and a `companyProfile`).
fn customers(answer: Value) -> impl Iterator<Item = Value> {
    let is_customer = |v: &Value| v.get("id").is_some() && v.get("companyProfile").is_some_and(Value::is_object);
    let found: Vec<Value> = match answer {
        Value::Object(mut map) if map.get("items").is_some_and(Value::is_array) => match map.remove("items") {
            Some(Value::Array(items)) => items.into_iter().filter(is_customer).collect(),
            _ => Vec::new(),
        },
        one if is_customer(&one) => vec![one],
        _ => Vec::new(),
    };
    found.into_iter()
}
