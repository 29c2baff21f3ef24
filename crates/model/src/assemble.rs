//! The server-owned members of a customer (ids, links, attributes): generated or derived
//! here and nowhere else, so a request body can never choose them.

use crate::customer::Customer;
use crate::ids::CustomerId;
use crate::links::{Attributes, ResourceLinks};
use crate::validate::{required, Report, Violations};

/// The identifiers a customer receives when it is created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewIds {
    pub id: CustomerId,
    pub commerce_id: String,
    pub billing_id: String,
    pub etag: String,
}

impl NewIds {
    /// Fresh random identifiers.
    pub fn random() -> NewIds {
        let v4 = || uuid::Uuid::new_v4().to_string();
        NewIds { id: CustomerId::random(), commerce_id: v4(), billing_id: v4(), etag: new_etag() }
    }

    /// The identifiers a complete customer (one read back from a snapshot or the store) was
    /// given, so that it can be rebuilt from its content and them.
    pub fn of(customer: &Customer) -> Result<NewIds, Violations> {
        let mut report = Report::default();
        let billing = customer.billing_profile.as_ref();
        let etag = billing.and_then(|b| b.attributes.as_ref()).and_then(|a| a.etag.clone());
        let id = report.take("id", crate::validate::parsed(required(&customer.id), CustomerId::try_from));
        let commerce_id = report.take("commerceId", opaque_id(&customer.commerce_id));
        let billing_id = report.take("billingProfile.id", opaque_id(&billing.and_then(|b| b.id.clone())));
        let etag = report.take("billingProfile.attributes.etag", opaque_id(&etag));
        report.finish()?;
        match (id, commerce_id, billing_id, etag) {
            (Some(id), Some(commerce_id), Some(billing_id), Some(etag)) => {
                Ok(NewIds { id, commerce_id, billing_id, etag })
            }
            _ => unreachable!("every missing identifier is reported"),
        }
    }
}

/// The longest server-made identifier a restored customer may carry (the ones partnerd makes
/// are GUIDs and 32 hex digits; Partner Center's are no longer).
const MAX_OPAQUE_ID: usize = 128;

/// A server-made identifier read back from a snapshot: required, at most [`MAX_OPAQUE_ID`]
/// characters, visible ASCII only, because the etag goes out as an `ETag` header and none of
/// them may grow what a restore stores past what a create could.
fn opaque_id(value: &Option<String>) -> Result<String, String> {
    let value = required(value)?;
    if value.len() > MAX_OPAQUE_ID || !value.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(format!("must be at most {MAX_OPAQUE_ID} visible ASCII characters"));
    }
    Ok(value.to_string())
}

/// A fresh opaque etag.
pub fn new_etag() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Sets the links and attributes of a customer and its profiles, with `etag` as the billing
/// profile's etag: everything derived from the id that the server owns.
pub fn set_resource_members(customer: &mut Customer, etag: &str) {
    let id = customer.id.clone().unwrap_or_default();
    customer.links = Some(ResourceLinks::self_only(format!("/customers/{id}")));
    customer.attributes = Some(Attributes::object("Customer"));
    if let Some(company) = customer.company_profile.as_mut() {
        company.tenant_id = Some(id.clone());
        company.links = Some(ResourceLinks::self_only(format!("/customers/{id}/profiles/company")));
        company.attributes = Some(Attributes::object("CustomerCompanyProfile"));
    }
    if let Some(billing) = customer.billing_profile.as_mut() {
        billing.links = Some(ResourceLinks::self_only(format!("/customers/{id}/profiles/billing")));
        billing.attributes =
            Some(Attributes { etag: Some(etag.to_string()), object_type: Some("CustomerBillingProfile".into()) });
    }
}
