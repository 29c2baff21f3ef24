//! Licenses (users-api L1–L3): a customer's subscribed SKUs, a user's licenses, and license
//! updates. SKUs come from the built-in catalogue (set through the control plane); unit counts
//! are enforced by the store, in the transaction that assigns.

use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use partnerd_model::license::{catalogue_sku, CatalogueSku, License, LicenseAssignment, LicenseUpdate, SubscribedSku};
use partnerd_model::{Attributes, UserProfile};
use partnerd_store::{SkuUnits, UserChange};

use super::directory_roles::plain_collection;
use super::user_writes::write;
use super::users::{fetch_user, UserPath};
use crate::auth::VerifiedPartner;
use crate::body::Body;
use crate::idempotency::Outcome;
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::request_ids::RequestIds;
use crate::{ApiError, AppState};

/// The license groups a query asks for (`licenseGroupIds`, repeatable, comma lists, and the
/// Python client's `['Group1', 'Group2']`); Group1 when it names none.
fn license_groups(raw: &str) -> Result<Vec<&'static str>, ApiError> {
    let mut groups = Vec::new();
    for (name, value) in form_urlencoded::parse(raw.as_bytes()) {
        if !name.eq_ignore_ascii_case("licenseGroupIds") {
            continue;
        }
        for part in value.split(',') {
            let part = part.trim().trim_matches(['[', ']', '\'', '"', ' ']);
            let group = match part.to_ascii_lowercase().as_str() {
                "" => continue,
                "group1" => "group1",
                "group2" => "group2",
                _ => {
                    return Err(ApiError::invalid_enum(format!("licenseGroupIds '{part}' is not Group1 or Group2."))
                        .with_data("licenseGroupIds"))
                }
            };
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
    }
    if groups.is_empty() {
        groups.push("group1");
    }
    Ok(groups)
}

/// A subscribed SKU as served: `totalUnits = activeUnits + warningUnits`,
/// `availableUnits = totalUnits − consumedUnits` (never below zero).
pub(crate) fn subscribed(sku: &CatalogueSku, units: &SkuUnits) -> SubscribedSku {
    let total = units.active + units.warning;
    SubscribedSku {
        available_units: (total - units.consumed).max(0),
        active_units: units.active,
        consumed_units: units.consumed,
        suspended_units: units.suspended,
        total_units: total,
        warning_units: units.warning,
        product_sku: sku.product(true),
        service_plans: sku.plans("Enabled", &[]),
        capability_status: "Enabled".into(),
        attributes: Attributes::object("SubscribedSku"),
    }
}

/// GET /v1/customers/{id}/subscribedskus.
pub(crate) async fn subscribed_skus(
    partner: VerifiedPartner,
    CustomerId(customer): CustomerId,
    RawQuery(raw): RawQuery,
) -> Result<Reply, ApiError> {
    let groups = license_groups(&raw.unwrap_or_default())?;
    let units = partner.store().customer_skus(&customer).await?.ok_or_else(ApiError::customer_not_found)?;
    let items: Vec<SubscribedSku> = units
        .iter()
        .filter_map(|u| catalogue_sku(&u.sku_id).map(|sku| (sku, u)))
        .filter(|(sku, _)| groups.contains(&sku.group))
        .map(|(sku, u)| subscribed(sku, u))
        .collect();
    Ok(Reply::ok_json("Collection", plain_collection(&items)))
}

/// GET /v1/customers/{id}/users/{user_id}/licenses.
pub(crate) async fn user_licenses(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
    RawQuery(raw): RawQuery,
) -> Result<Reply, ApiError> {
    let groups = license_groups(&raw.unwrap_or_default())?;
    let user = fetch_user(&state, partner.store(), &path, false).await?;
    let items: Vec<License> = user
        .licenses
        .iter()
        .filter_map(|(sku, excluded)| catalogue_sku(sku).map(|s| (s, excluded)))
        .filter(|(sku, _)| groups.contains(&sku.group))
        .map(|(sku, excluded)| License {
            service_plans: sku.plans("Assigned", &serde_json::from_str::<Vec<String>>(excluded).unwrap_or_default()),
            product_sku: sku.product(false),
            attributes: Attributes::object("License"),
        })
        .collect();
    Ok(Reply::ok_json("Collection", plain_collection(&items)))
}

/// POST /v1/customers/{id}/users/{user_id}/licenseupdates: 201 with the update as applied.
/// Every check that needs no unit count is made here, before the store is asked; the store
/// checks the units, in the transaction that assigns them.
pub(crate) async fn license_updates(
    State(state): State<AppState>,
    partner: VerifiedPartner,
    path: UserPath,
    ids: RequestIds,
    body: Body,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let update: LicenseUpdate = body.read()?;
    let user = fetch_user(&state, store, &path, false).await?;
    let profile = UserProfile::from_doc(&user.doc).ok_or_else(ApiError::internal)?;
    let subscribed = store.customer_skus(&path.customer).await?.ok_or_else(ApiError::customer_not_found)?;
    let known = |id: &str| -> Result<&'static CatalogueSku, ApiError> {
        let sku = partnerd_model::parse_guid(id)
            .ok_or_else(|| ApiError::invalid(format!("skuId '{id}' is not a GUID.")).with_data("skuId"))?;
        subscribed.iter().find(|u| u.sku_id == sku).and_then(|u| catalogue_sku(&u.sku_id)).ok_or_else(|| {
            ApiError::invalid(format!("The customer does not subscribe to the SKU {id}.")).with_data(id.to_string())
        })
    };
    let to_assign = update.licenses_to_assign.clone().unwrap_or_default();
    let to_remove = update.licenses_to_remove.clone().unwrap_or_default();
    if to_assign.is_empty() && to_remove.is_empty() {
        return Err(
            ApiError::invalid("licensesToAssign or licensesToRemove must name a SKU.").with_data("licensesToAssign")
        );
    }
    if !to_assign.is_empty() && profile.user().usage_location.is_none() {
        return Err(ApiError::invalid("License assignment cannot be done for user with invalid usage location.")
            .with_data("usageLocation"));
    }
    let mut assign: Vec<(String, String)> = Vec::new();
    let mut applied = Vec::new();
    for a in &to_assign {
        let id = a.sku_id.as_deref().ok_or_else(|| ApiError::invalid("skuId is required.").with_data("skuId"))?;
        let sku = known(id)?;
        let excluded: Vec<String> =
            a.excluded_plans.iter().flatten().filter_map(|p| partnerd_model::parse_guid(p)).collect();
        if excluded.len() != a.excluded_plans.as_ref().map_or(0, Vec::len)
            || excluded.iter().any(|p| !sku.plans.iter().any(|(plan, ..)| plan == p))
        {
            return Err(ApiError::invalid(format!("excludedPlans names a plan the SKU {} does not have.", sku.id))
                .with_data("excludedPlans"));
        }
        if assign.iter().any(|(s, _)| s == sku.id) || to_remove.iter().any(|r| r.eq_ignore_ascii_case(sku.id)) {
            return Err(ApiError::invalid(format!("The SKU {} is named twice.", sku.id)).with_data(sku.id));
        }
        if let Some((first, _)) = assign.first() {
            if catalogue_sku(first.as_str()).map(|s| s.group) != Some(sku.group) {
                return Err(ApiError::invalid("The licenses assigned at once must be of one license group.")
                    .with_data("licensesToAssign"));
            }
        }
        assign.push((sku.id.to_string(), serde_json::to_string(&excluded).expect("ids serialise")));
        applied.push(LicenseAssignment {
            sku_id: Some(sku.id.to_string()),
            excluded_plans: (!excluded.is_empty()).then_some(excluded),
        });
    }
    let remove = to_remove.iter().map(|r| known(r).map(|s| s.id.to_string())).collect::<Result<Vec<_>, _>>()?;
    let answer = LicenseUpdate {
        licenses_to_assign: (!applied.is_empty()).then_some(applied),
        licenses_to_remove: (!remove.is_empty()).then(|| remove.clone()),
        license_warnings: Some(Vec::new()),
        attributes: Some(Attributes::object("LicenseUpdate")),
    };
    let outcome = Outcome {
        status: StatusCode::CREATED,
        root: "LicenseUpdate",
        json: Some(serde_json::to_string(&answer).expect("updates serialise")),
        location: None,
        etag: None,
    };
    let uri = format!("/v1/customers/{}/users/{}/licenseupdates", path.customer, path.user);
    let change = UserChange::Licenses { user: path.user.clone(), assign, remove };
    write(&state, store, &ids, Method::POST, &[&uri, &body.fingerprint_text()], &path.customer, change, outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_group_spellings() {
        assert_eq!(license_groups("").unwrap(), ["group1"]);
        assert_eq!(license_groups("licenseGroupIds=Group1&licenseGroupIds=GROUP2").unwrap(), ["group1", "group2"]);
        assert_eq!(license_groups("licenseGroupIds=%5B%27Group1%27%2C+%27Group2%27%5D").unwrap(), ["group1", "group2"]);
        assert_eq!(license_groups("licenseGroupIds=Group3").unwrap_err().body().code, 900126);
    }
}
