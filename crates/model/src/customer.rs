//! Customer and its profiles (spec §3.2–3.5).
//!
//! Every member is optional so that one type both reads lenient request bodies (after
//! [`crate::canonical`] has matched their keys) and writes canonical responses, which leave
//! out null members.

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::links::{Attributes, ResourceLinks};

macro_rules! wire_struct {
    ($(#[$meta:meta])* $name:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "camelCase")]
        pub struct $name {
            $(
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
        }
    };
}

wire_struct!(
    /// A postal address with its contact (spec §3.5).
    Address {
        id: String,
        country: String,
        region: String,
        city: String,
        state: String,
        district: String,
        address_line1: String,
        address_line2: String,
        address_line3: String,
        postal_code: String,
        first_name: String,
        last_name: String,
        middle_name: String,
        email_address: String,
        phone_number: String,
    }
);

wire_struct!(
    /// CustomerCompanyProfile (spec §3.3).
    CompanyProfile {
        tenant_id: String,
        domain: String,
        company_name: String,
        address: Address,
        email: String,
        organization_registration_number: String,
        links: ResourceLinks,
        attributes: Attributes,
    }
);

wire_struct!(
    /// CustomerBillingProfile (spec §3.4).
    BillingProfile {
        id: String,
        first_name: String,
        last_name: String,
        email: String,
        culture: String,
        language: String,
        company_name: String,
        default_address: Address,
        links: ResourceLinks,
        attributes: Attributes,
    }
);

wire_struct!(
    /// The admin account created with a customer; only ever in the create response.
    UserCredentials {
        user_name: String,
        password: String,
    }
);

wire_struct!(
    /// Customer, members in the order the spec gives (§3.2).
    Customer {
        id: String,
        commerce_id: String,
        company_profile: CompanyProfile,
        billing_profile: BillingProfile,
        relationship_to_partner: Relationship,
        allow_delegated_access: bool,
        user_credentials: UserCredentials,
        associated_partner_id: String,
        custom_domains: Vec<String>,
        links: ResourceLinks,
        attributes: Attributes,
    }
);

/// The customer's relationship to the calling partner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relationship {
    Unknown,
    Reseller,
    Advisor,
    Syndication,
    MicrosoftSupport,
    None,
}

impl Relationship {
    const ALL: [Relationship; 6] = [
        Relationship::Unknown,
        Relationship::Reseller,
        Relationship::Advisor,
        Relationship::Syndication,
        Relationship::MicrosoftSupport,
        Relationship::None,
    ];

    /// The canonical spelling that the server emits.
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Unknown => "unknown",
            Relationship::Reseller => "reseller",
            Relationship::Advisor => "advisor",
            Relationship::Syndication => "syndication",
            Relationship::MicrosoftSupport => "microsoft_support",
            Relationship::None => "none",
        }
    }

    /// Reads any client spelling: snake, Pascal or camel case, or the enum's integer (as a
    /// number or a string of digits).
    pub fn parse(s: &str) -> Option<Self> {
        let folded: String = s.trim().chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect();
        if let Ok(n) = folded.parse::<u64>() {
            return Self::from_index(n);
        }
        Self::ALL.into_iter().find(|r| r.as_str().replace('_', "") == folded)
    }

    fn from_index(n: u64) -> Option<Self> {
        Self::ALL.get(usize::try_from(n).ok()?).copied()
    }
}

impl Serialize for Relationship {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Relationship {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Relationship;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("one of unknown, reseller, advisor, syndication, microsoft_support, none (or 0-5)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Relationship, E> {
                Relationship::parse(v).ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Relationship, E> {
                Relationship::from_index(v).ok_or_else(|| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Relationship, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(Relationship::from_index)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
        }
        d.deserialize_any(V)
    }
}

impl Customer {
    /// The list item form (spec §3.2): only what a list shows, so that lists never carry
    /// billing details, commerce ids or custom domains.
    pub fn list_projection(&self) -> Customer {
        let company_profile = self.company_profile.as_ref().map(|p| CompanyProfile {
            tenant_id: p.tenant_id.clone(),
            domain: p.domain.clone(),
            company_name: p.company_name.clone(),
            links: p.links.clone(),
            attributes: p.attributes.clone(),
            ..Default::default()
        });
        Customer {
            id: self.id.clone(),
            company_profile,
            relationship_to_partner: self.relationship_to_partner,
            associated_partner_id: self.associated_partner_id.clone(),
            links: self.links.clone(),
            attributes: self.attributes.clone(),
            ..Default::default()
        }
    }

    /// The company name lists are ordered and filtered by.
    pub fn company_name(&self) -> &str {
        self.company_profile.as_ref().and_then(|p| p.company_name.as_deref()).unwrap_or_default()
    }

    /// The customer's initial domain.
    pub fn domain(&self) -> &str {
        self.company_profile.as_ref().and_then(|p| p.domain.as_deref()).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationship_reads_every_client_spelling() {
        for s in ["microsoft_support", "MicrosoftSupport", "microsoftSupport", "4", "MICROSOFT_SUPPORT"] {
            assert_eq!(Relationship::parse(s), Some(Relationship::MicrosoftSupport), "{s}");
        }
        let r: Relationship = serde_json::from_str("5").unwrap();
        assert_eq!(r, Relationship::None);
        assert!(serde_json::from_str::<Relationship>("6").is_err());
        assert!(serde_json::from_str::<Relationship>("\"partner\"").is_err());
    }

    #[test]
    fn nulls_are_left_out_and_empties_kept() {
        let c = Customer {
            id: Some("x".into()),
            custom_domains: Some(vec![]),
            company_profile: Some(CompanyProfile { email: Some(String::new()), ..Default::default() }),
            ..Default::default()
        };
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            r#"{"id":"x","companyProfile":{"email":""},"customDomains":[]}"#
        );
    }
}
