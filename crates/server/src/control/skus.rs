//! `PUT /_partnerd/partners/{partner}/customers/{customer}/subscribedskus`: sets a customer's
//! subscribed SKUs and unit counts from the built-in catalogue of real product SKUs (partnerd
//! sells no subscriptions, so this is where a customer's licenses come from).
//!
//! Body: `{"skus": [{"sku": "<SKU id or part number>", "activeUnits": 10, "suspendedUnits": 0,
//! "warningUnits": 0}]}`. It replaces the customer's SKUs (licenses of SKUs left out go);
//! the answer is the customer's subscribed SKUs as Partner Center lists them.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use partnerd_model::license::{catalogue_sku, CATALOGUE};
use partnerd_store::SkuUnits;
use serde::Deserialize;

use super::params::{json_command, parse_partner};
use super::ControlState;
use crate::ApiError;

/// The most units one SKU may be given.
const MAX_UNITS: i64 = 1_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetSkus {
    skus: Vec<SkuCount>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct SkuCount {
    sku: String,
    active_units: i64,
    #[serde(default)]
    suspended_units: i64,
    #[serde(default)]
    warning_units: i64,
}

pub(super) async fn set(
    State(state): State<ControlState>,
    Path((partner, customer)): Path<(String, String)>,
    body: Body,
) -> Result<(StatusCode, axum::Json<serde_json::Value>), ApiError> {
    let partner = parse_partner(&partner)?;
    let customer = partnerd_model::parse_guid(&customer).ok_or_else(|| ApiError::bad_customer_id(&customer))?;
    let SetSkus { skus } = json_command(body).await?;
    let mut units: Vec<SkuUnits> = Vec::new();
    for s in skus {
        let sku = catalogue_sku(s.sku.trim()).ok_or_else(|| {
            let known: Vec<&str> = CATALOGUE.iter().map(|c| c.part_number).collect();
            ApiError::invalid(format!("'{}' is not in the catalogue: {}.", s.sku, known.join(", ")))
                .with_data(s.sku.clone())
        })?;
        if [s.active_units, s.suspended_units, s.warning_units].iter().any(|n| !(0..=MAX_UNITS).contains(n)) {
            return Err(ApiError::invalid(format!("Unit counts must be between 0 and {MAX_UNITS}.")).with_data(s.sku));
        }
        if units.iter().any(|u| u.sku_id == sku.id) {
            return Err(ApiError::invalid(format!("{} is named twice.", sku.part_number)).with_data(s.sku));
        }
        units.push(SkuUnits {
            sku_id: sku.id.to_string(),
            active: s.active_units,
            suspended: s.suspended_units,
            warning: s.warning_units,
            consumed: 0,
        });
    }
    let now =
        state.store.set_customer_skus(&partner, &customer, units).await?.ok_or_else(ApiError::customer_not_found)?;
    let items: Vec<_> =
        now.iter().filter_map(|u| catalogue_sku(&u.sku_id).map(|sku| crate::routes::subscribed_sku(sku, u))).collect();
    Ok((
        StatusCode::OK,
        axum::Json(
            serde_json::json!({"totalCount": items.len(), "items": items, "attributes": {"objectType": "Collection"}}),
        ),
    ))
}
