//! Completing a customer from what a client sent: the server-owned members (ids, links,
//! attributes, relationship, custom domains) are set here and nowhere else, so a request
//! body can never choose them.

use crate::customer::{BillingProfile, CompanyProfile, Customer, Relationship};
use crate::filter::fold_key;
use crate::links::{Attributes, ResourceLinks};

/// The identifiers a new customer receives; the caller generates them.
#[derive(Clone, Debug)]
pub struct NewIds {
    pub id: String,
    pub commerce_id: String,
    pub billing_id: String,
    pub etag: String,
}

impl NewIds {
    /// Fresh random identifiers.
    pub fn random() -> NewIds {
        let v4 = || uuid::Uuid::new_v4().to_string();
        NewIds { id: v4(), commerce_id: v4(), billing_id: v4(), etag: new_etag() }
    }
}

/// A fresh opaque etag.
pub fn new_etag() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// The stored customer made from a create request's body and fresh ids.
pub fn assemble(input: &Customer, ids: NewIds) -> Customer {
    let id = ids.id;
    let input_company = input.company_profile.clone().unwrap_or_default();
    let billing_in = input.billing_profile.clone().unwrap_or_default();
    let domain = input_company.domain.as_deref().map(fold_key);
    let company = CompanyProfile {
        tenant_id: Some(id.clone()),
        domain: domain.clone(),
        company_name: input_company.company_name.clone().or_else(|| billing_in.company_name.clone()),
        ..input_company
    };
    let billing = BillingProfile { id: Some(ids.billing_id), ..billing_in };
    let mut customer = Customer {
        id: Some(id),
        commerce_id: Some(ids.commerce_id),
        company_profile: Some(company),
        billing_profile: Some(billing),
        relationship_to_partner: Some(Relationship::Reseller),
        allow_delegated_access: Some(input.allow_delegated_access.unwrap_or(true)),
        user_credentials: None,
        associated_partner_id: input
            .associated_partner_id
            .as_deref()
            .map(|p| crate::parse_guid(p).unwrap_or_else(|| p.to_string())),
        custom_domains: Some(domain.into_iter().collect()),
        links: None,
        attributes: None,
    };
    set_resource_members(&mut customer, &ids.etag);
    customer
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::read_lenient;
    use serde_json::json;

    #[test]
    fn server_owned_members_come_from_the_server() {
        let body = json!({
            "id": "evil", "commerceId": "evil", "relationshipToPartner": "advisor",
            "companyProfile": {"domain": "Contoso.onmicrosoft.com", "tenantId": "evil"},
            "billingProfile": {"companyName": "Contoso Ltd", "id": "evil", "attributes": {"etag": "evil"}},
            "userCredentials": {"userName": "x", "password": "y"},
            "customDomains": ["evil.com"], "links": {"self": {"uri": "/evil"}}
        });
        let input: Customer = read_lenient(body).unwrap();
        let ids = NewIds { id: "i".into(), commerce_id: "c".into(), billing_id: "b".into(), etag: "e".into() };
        let c = assemble(&input, ids);
        assert_eq!(c.id.as_deref(), Some("i"));
        assert_eq!(c.commerce_id.as_deref(), Some("c"));
        assert_eq!(c.relationship_to_partner, Some(Relationship::Reseller));
        let company = c.company_profile.as_ref().unwrap();
        assert_eq!(company.tenant_id.as_deref(), Some("i"));
        assert_eq!(company.domain.as_deref(), Some("contoso.onmicrosoft.com"));
        assert_eq!(company.company_name.as_deref(), Some("Contoso Ltd"));
        let billing = c.billing_profile.as_ref().unwrap();
        assert_eq!(billing.id.as_deref(), Some("b"));
        assert_eq!(billing.attributes.as_ref().unwrap().etag.as_deref(), Some("e"));
        assert_eq!(c.custom_domains, Some(vec!["contoso.onmicrosoft.com".to_string()]));
        assert_eq!(c.user_credentials, None);
        assert_eq!(c.links.unwrap().self_link.unwrap().uri, "/customers/i");
    }
}
