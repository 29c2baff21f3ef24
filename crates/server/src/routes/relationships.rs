//! Indirect resellers: the partner's own (`GET /v1/relationships`, set through the control plane
//! and the seed) and a customer's (`GET /v1/customers/{id}/relationships`, which follows the
//! customer's `associatedPartnerId`); and a customer's managed services.

use axum::extract::RawQuery;
use partnerd_model::partner_relationship::{self, managed_services, PartnerRelationship, Reseller};
use partnerd_store::{ItemKind, PartnerStore};
use serde_json::Value;

use crate::auth::VerifiedPartner;
use crate::ids::CustomerId;
use crate::reply::Reply;
use crate::routes::account_common::{collection, parse_items, query_value};
use crate::routes::customer::{fetch, parse_doc};
use crate::ApiError;

/// The partner's indirect resellers, in the order they were added.
pub(crate) async fn resellers(store: &PartnerStore) -> Result<Vec<Reseller>, ApiError> {
    parse_items(store.items("", ItemKind::Reseller).await?)
}

/// GET /v1/relationships?relationship_type=…[&filter=]: the partner's resellers (it is their
/// indirect provider); as a reseller of nobody, `IsIndirectResellerOf` is empty.
pub(crate) async fn partner_relationships(
    partner: VerifiedPartner,
    RawQuery(query): RawQuery,
) -> Result<Reply, ApiError> {
    let kind = partner_relationship::relationship_type(query_value(query.as_deref(), "relationship_type").as_deref())
        .map_err(|e| ApiError::invalid_enum(format!("{e}.")).with_data("relationship_type"))?;
    let matches = name_filter(query_value(query.as_deref(), "filter").as_deref())?;
    let items: Vec<PartnerRelationship> = if kind == partner_relationship::PROVIDER_OF {
        resellers(partner.store()).await?.iter().filter(|r| matches(&r.name)).map(Reseller::relationship).collect()
    } else {
        Vec::new()
    };
    Ok(Reply::ok("Collection:PartnerRelationship", &collection(items, None)))
}

type NameFilter = Box<dyn Fn(&str) -> bool + Send + Sync>;

/// The `filter` of the relationships list: `{"Field":"Name","Value":…,"Operator":"starts_with"|"substring"}`,
/// member names and the comparison case-insensitive; absent, everything matches.
fn name_filter(filter: Option<&str>) -> Result<NameFilter, ApiError> {
    let refuse = |why: &str| ApiError::invalid(format!("filter {why}.")).with_data("filter");
    let Some(text) = filter.filter(|f| !f.trim().is_empty()) else {
        return Ok(Box::new(|_: &str| true) as NameFilter);
    };
    let value: Value = serde_json::from_str(text).map_err(|_| refuse("must be JSON"))?;
    let member = |name: &str| {
        value
            .as_object()
            .and_then(|o| o.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
            .and_then(|(_, v)| v.as_str())
    };
    if !member("Field").is_some_and(|f| f.eq_ignore_ascii_case("Name")) {
        return Err(refuse("can only filter on Field Name"));
    }
    let wanted = member("Value").ok_or_else(|| refuse("needs a Value"))?.to_lowercase();
    Ok(match member("Operator").map(str::to_ascii_lowercase).as_deref() {
        Some("starts_with") => Box::new(move |name: &str| name.to_lowercase().starts_with(&wanted)) as NameFilter,
        Some("substring") => Box::new(move |name: &str| name.to_lowercase().contains(&wanted)),
        _ => return Err(refuse("Operator must be starts_with or substring")),
    })
}

/// GET /v1/customers/{id}/relationships: the customer's indirect reseller (the one its
/// `associatedPartnerId` names), or none for a customer the partner serves directly.
pub(crate) async fn customer_relationships(
    partner: VerifiedPartner,
    CustomerId(id): CustomerId,
) -> Result<Reply, ApiError> {
    let store = partner.store();
    let customer = parse_doc(&fetch(store, &id).await?)?;
    let items = match customer.associated_partner_id.filter(|a| !a.is_empty()) {
        Some(reseller) => {
            let known = resellers(store).await?.into_iter().find(|r| r.id.eq_ignore_ascii_case(&reseller));
            // A reseller the partner never registered is still the customer's: its id is all
            // partnerd knows of it.
            let known = known.unwrap_or(Reseller { id: reseller, name: String::new(), mpn_id: None, location: None });
            vec![known.customer_relationship()]
        }
        None => Vec::new(),
    };
    Ok(Reply::ok("Collection:PartnerRelationship", &collection(items, None)))
}

/// GET /v1/customers/{id}/managedservices: the services the partner administers for the
/// customer, with admin-on-behalf-of links for its initial domain.
pub(crate) async fn managed(partner: VerifiedPartner, CustomerId(id): CustomerId) -> Result<Reply, ApiError> {
    let customer = parse_doc(&fetch(partner.store(), &id).await?)?;
    let domain = customer.company_profile.and_then(|c| c.domain).unwrap_or_default();
    Ok(Reply::ok("Collection:ManagedService", &collection(managed_services(&id, &domain), None)))
}
