//! Indirect-reseller relationships (`/v1/relationships`, `/v1/customers/{id}/relationships`) and
//! a customer's managed services (`/v1/customers/{id}/managedservices`).

use serde::{Deserialize, Serialize};

use crate::links::{Attributes, Header, Link};

pub const PROVIDER_OF: &str = "is_indirect_cloud_solution_provider_of";
pub const RESELLER_OF: &str = "is_indirect_reseller_of";

/// Another partner this one sells through (or for).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PartnerRelationship {
    /// The other partner's tenant GUID.
    pub id: String,
    pub name: String,
    pub relationship_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpn_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default)]
    pub attributes: Attributes,
}

/// The `relationship_type` query of `GET /v1/relationships`, read in the spellings the SDKs
/// send (.NET PascalCase, Java snake_case, the Python client camelCase).
pub fn relationship_type(query: Option<&str>) -> Result<&'static str, String> {
    let q = query.map(str::trim).filter(|q| !q.is_empty()).ok_or("relationship_type is required")?;
    let folded = q.replace('_', "").to_ascii_lowercase();
    match folded.as_str() {
        "isindirectcloudsolutionproviderof" => Ok(PROVIDER_OF),
        "isindirectresellerof" => Ok(RESELLER_OF),
        _ => {
            Err(format!("relationship_type must be IsIndirectCloudSolutionProviderOf or IsIndirectResellerOf, not {q}"))
        }
    }
}

/// A reseller as the control plane and the seed set it: the partner's indirect reseller.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Reseller {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub mpn_id: Option<String>,
    #[serde(default)]
    pub location: Option<String>,
}

impl Reseller {
    /// As the partner's own list shows it (`GET /v1/relationships`).
    pub fn relationship(&self) -> PartnerRelationship {
        PartnerRelationship {
            id: self.id.clone(),
            name: self.name.clone(),
            relationship_type: PROVIDER_OF.into(),
            state: Some("Active".into()),
            mpn_id: self.mpn_id.clone(),
            location: self.location.clone(),
            attributes: Attributes::object("PartnerRelationship"),
        }
    }

    /// As a customer's list shows it (`GET /v1/customers/{id}/relationships`): fewer members.
    pub fn customer_relationship(&self) -> PartnerRelationship {
        PartnerRelationship { state: None, location: None, ..self.relationship() }
    }
}

/// One service the partner administers on behalf of the customer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ManagedService {
    pub id: String,
    pub name: String,
    pub group_name: String,
    pub links: ManagedServiceLinks,
    pub attributes: Attributes,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ManagedServiceLinks {
    pub admin_service: Link,
    pub service_health: Link,
    pub service_ticket: Link,
}

/// The services every customer has (the documented examples), with their admin-on-behalf-of
/// links into the Office portal for this customer and domain.
pub fn managed_services(customer_id: &str, domain: &str) -> Vec<ManagedService> {
    const BASE: &str = "https://portal.office.com/Partner/BeginClientSession.aspx";
    let link = |dest: &str| Link {
        uri: format!("{BASE}?CTID={customer_id}&CSDEST={dest}&InitialDomain={domain}&PrimaryDomain={domain}"),
        method: "GET".into(),
        headers: Vec::<Header>::new(),
        body: None,
    };
    [("Exchange", "Exchange", "Office"), ("MicrosoftCommunicationsOnline", "SkypeforBusiness", "Office")]
        .into_iter()
        .map(|(id, name, group)| ManagedService {
            id: id.into(),
            name: name.into(),
            group_name: group.into(),
            links: ManagedServiceLinks {
                admin_service: link(id),
                service_health: link("ServiceStatus"),
                service_ticket: link("Support"),
            },
            attributes: Attributes::object("ManagedService"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_sdk_spelling_of_the_relationship_type_is_read() {
        for q in [
            "IsIndirectCloudSolutionProviderOf",
            "is_indirect_cloud_solution_provider_of",
            "isIndirectCloudSolutionProviderOf",
        ] {
            assert_eq!(relationship_type(Some(q)).unwrap(), PROVIDER_OF);
        }
        assert_eq!(relationship_type(Some("IsIndirectResellerOf")).unwrap(), RESELLER_OF);
        assert!(relationship_type(None).is_err() && relationship_type(Some("friends")).is_err());
    }

    #[test]
    fn managed_service_links_name_the_customer_and_its_domain() {
        let services = managed_services("c1", "contoso.onmicrosoft.com");
        assert_eq!(services.len(), 2);
        let admin = &services[0].links.admin_service.uri;
        assert!(admin.contains("CTID=c1&CSDEST=Exchange&InitialDomain=contoso.onmicrosoft.com"), "{admin}");
        assert!(services[1].links.service_ticket.uri.contains("CSDEST=Support"));
    }
}
