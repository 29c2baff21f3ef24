//! A create request, parsed (spec §10): [`NewCustomer`] is built only by `TryFrom<Customer>`,
//! which checks the whole body and reports every refused member at once; holding one means
//! the request is valid, and assembling it is the only way a new customer is made.

use crate::assemble::{set_resource_members, NewIds};
use crate::customer::{CompanyProfile, Customer, Relationship};
use crate::ids::PartnerId;
use crate::parts::{CountryCode, EmailAddress, InitialDomain};
use crate::validate::{
    address, billing_profile, optional_text, parsed, registration_number, required, Report, Violations, MAX_TEXT,
};

/// A valid create request: its typed parts, and the rest of the body with every member
/// checked.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCustomer {
    domain: InitialDomain,
    /// `None` only for a customer known by its list item alone ([`NewCustomer::listed`]).
    billing: Option<BillingParts>,
    associated_partner: Option<PartnerId>,
    /// The body as sent; the typed parts are written over their members on assembly, as are
    /// the members the server owns.
    body: Customer,
}

/// The typed parts of a billing profile.
#[derive(Clone, Debug, PartialEq)]
struct BillingParts {
    email: EmailAddress,
    country: CountryCode,
}

impl NewCustomer {
    /// A customer known only by its list item (what `customers export` writes: id, company
    /// profile, associated partner): its members checked as a create's, and any billing
    /// profile left out. It is stored with an empty billing profile (its id and etag) until a
    /// billing update fills it.
    pub fn listed(mut body: Customer) -> Result<NewCustomer, Violations> {
        body.billing_profile = None;
        let mut report = Report::default();
        let (domain, associated_partner) = company_members(&mut report, &body, None);
        report.finish()?;
        let Some(domain) = domain else { unreachable!("a missing domain is a reported refusal") };
        Ok(NewCustomer { domain, billing: None, associated_partner, body }.canonical())
    }

    /// `companyProfile.domain`.
    pub fn domain(&self) -> &InitialDomain {
        &self.domain
    }

    /// `billingProfile.email` (`None`: a [listed](NewCustomer::listed) customer).
    pub fn email(&self) -> Option<&EmailAddress> {
        self.billing.as_ref().map(|b| &b.email)
    }

    /// `billingProfile.defaultAddress.country` (`None`: a [listed](NewCustomer::listed) customer).
    pub fn country(&self) -> Option<CountryCode> {
        self.billing.as_ref().map(|b| b.country)
    }

    /// The company address's country, checked as two ASCII letters, in the standard's upper
    /// case like the billing country.
    fn canonical(mut self) -> NewCustomer {
        let address = self.body.company_profile.as_mut().and_then(|p| p.address.as_mut());
        if let Some(c) = address.and_then(|a| a.country.as_mut()) {
            c.make_ascii_uppercase();
        }
        self
    }

    /// The complete customer with these ids: the typed parts in their canonical form, and every
    /// server-owned member (ids, relationship, custom domains, links, attributes) set here
    /// whatever the body said.
    pub fn assemble(self, ids: NewIds) -> Customer {
        let NewCustomer { domain, billing: parts, associated_partner, body } = self;
        let mut company = body.company_profile.unwrap_or_default();
        let mut billing = body.billing_profile.unwrap_or_default();
        company.domain = Some(domain.as_str().to_string());
        company.company_name = company.company_name.or_else(|| billing.company_name.clone());
        billing.id = Some(ids.billing_id);
        if let Some(BillingParts { email, country }) = parts {
            billing.email = Some(email.as_str().to_string());
            billing.default_address.get_or_insert_with(Default::default).country = Some(country.as_str().to_string());
        }
        let mut customer = Customer {
            id: Some(ids.id.as_str().to_string()),
            commerce_id: Some(ids.commerce_id),
            company_profile: Some(company),
            billing_profile: Some(billing),
            relationship_to_partner: Some(Relationship::Reseller),
            allow_delegated_access: Some(body.allow_delegated_access.unwrap_or(true)),
            user_credentials: None,
            associated_partner_id: associated_partner.map(|p| p.as_str().to_string()),
            custom_domains: Some(vec![domain.as_str().to_string()]),
            links: None,
            attributes: None,
        };
        set_resource_members(&mut customer, &ids.etag);
        customer
    }
}

impl TryFrom<Customer> for NewCustomer {
    type Error = Violations;

    /// Checks every member; the refusals come in member order (company profile, billing
    /// profile, `associatedPartnerId`), one per member.
    fn try_from(body: Customer) -> Result<Self, Violations> {
        let mut billing = Report::default();
        let (email, country) = match &body.billing_profile {
            Some(b) => billing_profile(&mut billing, b, "billingProfile"),
            None => {
                billing.take::<()>("billingProfile", Err("is required".into()));
                (None, None)
            }
        };
        let mut report = Report::default();
        let (domain, associated_partner) = company_members(&mut report, &body, Some((billing, country)));
        report.finish()?;
        let (Some(domain), Some(email), Some(country)) = (domain, email, country) else {
            unreachable!("a missing part is a reported refusal")
        };
        let billing = Some(BillingParts { email, country });
        Ok(NewCustomer { domain, billing, associated_partner, body }.canonical())
    }
}

/// Notes the refusals of the company profile and `associatedPartnerId`, with `billing`'s (its
/// report and country, for a create) between them, so that they come in member order.
/// Without a billing country, the registration number is only checked for its length.
fn company_members(
    report: &mut Report,
    body: &Customer,
    billing: Option<(Report, Option<CountryCode>)>,
) -> (Option<InitialDomain>, Option<PartnerId>) {
    let no_company = CompanyProfile::default();
    let company = body.company_profile.as_ref().unwrap_or(&no_company);
    let domain = report.take("companyProfile.domain", parsed(required(&company.domain), InitialDomain::try_from));
    report.take("companyProfile.companyName", optional_text(&company.company_name, 1, MAX_TEXT));
    if let Some(a) = &company.address {
        address(report, a, "companyProfile.address", false);
    }
    report.take("companyProfile.email", optional_text(&company.email, 0, MAX_TEXT));
    let (billing, country) = billing.map_or((None, None), |(r, c)| (Some(r), c));
    let number = &company.organization_registration_number;
    let number_rule = match country {
        Some(country) => registration_number(number, country),
        None => optional_text(number, 0, 50).map(drop),
    };
    report.take("companyProfile.organizationRegistrationNumber", number_rule);
    if let Some(billing) = billing {
        report.append(billing);
    }
    let associated_partner = body.associated_partner_id.as_deref().and_then(|p| {
        report.take("associatedPartnerId", PartnerId::parse(p).ok_or_else(|| "must be a GUID".to_string()))
    });
    (domain, associated_partner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::read_lenient;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    fn valid() -> Value {
        json!({
            "companyProfile": {"domain": "contoso42.onmicrosoft.com"},
            "billingProfile": {
                "email": "a@contoso.com", "culture": "en-US", "language": "en", "companyName": "Contoso",
                "defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": "1 Way", "postalCode": "98052"}
            }
        })
    }

    fn parse(v: Value) -> Result<NewCustomer, Violations> {
        NewCustomer::try_from(read_lenient::<Customer>(v).unwrap())
    }

    fn refused(v: Value) -> Vec<String> {
        parse(v).unwrap_err().members().map(str::to_string).collect()
    }

    fn ids() -> NewIds {
        let id = crate::ids::CustomerId::try_from("3f2504e0-4f89-11d3-9a0c-0305e82c3301").unwrap();
        NewIds { id, commerce_id: "c".into(), billing_id: "b".into(), etag: "e".into() }
    }

    #[test]
    fn the_minimal_body_is_valid_and_typed() {
        let mut body = valid();
        body["companyProfile"]["domain"] = json!("Contoso42.OnMicrosoft.COM");
        body["billingProfile"]["defaultAddress"]["country"] = json!("us");
        let new = parse(body).unwrap();
        assert_eq!(new.domain().as_str(), "contoso42.onmicrosoft.com");
        assert_eq!(new.email().map(EmailAddress::as_str), Some("a@contoso.com"));
        assert_eq!(new.country().map(|c| c.as_str().to_string()).as_deref(), Some("US"));
    }

    #[test]
    fn each_rule_names_its_member() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("/companyProfile/domain", json!("contoso.com"), "companyProfile.domain"),
            ("/companyProfile/domain", json!("a-b.onmicrosoft.com"), "companyProfile.domain"),
            ("/companyProfile/domain", json!(format!("{}.onmicrosoft.com", "a".repeat(28))), "companyProfile.domain"),
            ("/billingProfile/email", Value::Null, "billingProfile.email"),
            ("/billingProfile/email", json!("not an address"), "billingProfile.email"),
            ("/billingProfile/culture", json!("english please"), "billingProfile.culture"),
            ("/billingProfile/defaultAddress/country", json!("USA"), "billingProfile.defaultAddress.country"),
            ("/billingProfile/defaultAddress/postalCode", json!(""), "billingProfile.defaultAddress.postalCode"),
            (
                "/billingProfile/defaultAddress/addressLine1",
                json!("x".repeat(201)),
                "billingProfile.defaultAddress.addressLine1",
            ),
            ("/billingProfile/companyName", json!("Contoso\u{0}"), "billingProfile.companyName"),
            ("/billingProfile/defaultAddress/city", json!("Red\nmond"), "billingProfile.defaultAddress.city"),
            ("/billingProfile/defaultAddress", Value::Null, "billingProfile.defaultAddress"),
            ("/billingProfile", Value::Null, "billingProfile"),
        ];
        for (pointer, value, member) in cases {
            let mut body = valid();
            *body.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = value;
            assert_eq!(refused(body), vec![member], "{pointer}");
        }
    }

    #[test]
    fn every_refused_member_is_reported_once_in_member_order() {
        let mut body = valid();
        body["associatedPartnerId"] = json!("reseller");
        body["billingProfile"]["defaultAddress"]["city"] = Value::Null;
        body["billingProfile"]["email"] = json!("nobody");
        body["companyProfile"]["domain"] = json!("contoso.com");
        body["companyProfile"]["address"] = json!({"country": "Narnia", "addressLine1": ""});
        let err = parse(body).unwrap_err();
        let members: Vec<&str> = err.members().collect();
        assert_eq!(
            members,
            [
                "companyProfile.domain",
                "companyProfile.address.country",
                "companyProfile.address.addressLine1",
                "billingProfile.email",
                "billingProfile.defaultAddress.city",
                "associatedPartnerId",
            ]
        );
        let text = err.to_string();
        assert!(text.starts_with("companyProfile.domain must be <prefix>.onmicrosoft.com"), "{text}");
        assert!(text.ends_with("associatedPartnerId must be a GUID."), "{text}");
    }

    #[test]
    fn registration_countries_need_number_and_phone() {
        let mut body = valid();
        body["billingProfile"]["defaultAddress"]["country"] = json!("ua");
        assert_eq!(
            refused(body.clone()),
            ["companyProfile.organizationRegistrationNumber", "billingProfile.defaultAddress.phoneNumber"]
        );
        body["billingProfile"]["defaultAddress"]["phoneNumber"] = json!("+380 44 123 4567");
        body["companyProfile"]["organizationRegistrationNumber"] = json!("12345678");
        parse(body.clone()).unwrap();
        body["billingProfile"]["defaultAddress"]["country"] = json!("US");
        assert_eq!(refused(body.clone()), ["companyProfile.organizationRegistrationNumber"]);
        // An unreadable country cannot decide the number's rule: only the country is refused.
        body["billingProfile"]["defaultAddress"]["country"] = json!("Ukraine");
        assert_eq!(refused(body), ["billingProfile.defaultAddress.country"]);
    }

    #[test]
    fn server_owned_members_come_from_the_server() {
        let body = json!({
            "id": "evil", "commerceId": "evil", "relationshipToPartner": "advisor",
            "companyProfile": {"domain": "Contoso.onmicrosoft.com", "tenantId": "evil", "address": {"country": "de"}},
            "billingProfile": {"companyName": "Contoso Ltd", "id": "evil", "attributes": {"etag": "evil"},
                "email": "a@contoso.com", "culture": "en-US", "language": "en",
                "defaultAddress": {"country": "us", "city": "Redmond", "addressLine1": "1 Way", "postalCode": "98052"}},
            "userCredentials": {"userName": "x", "password": "y"},
            "customDomains": ["evil.com"], "links": {"self": {"uri": "/evil"}},
            "associatedPartnerId": "{3F2504E0-4F89-11D3-9A0C-0305E82C3302}"
        });
        let c = parse(body).unwrap().assemble(ids());
        let id = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
        assert_eq!(c.id.as_deref(), Some(id));
        assert_eq!(c.commerce_id.as_deref(), Some("c"));
        assert_eq!(c.relationship_to_partner, Some(Relationship::Reseller));
        assert_eq!(c.associated_partner_id.as_deref(), Some("3f2504e0-4f89-11d3-9a0c-0305e82c3302"));
        let company = c.company_profile.as_ref().unwrap();
        assert_eq!(company.tenant_id.as_deref(), Some(id));
        assert_eq!(company.domain.as_deref(), Some("contoso.onmicrosoft.com"));
        assert_eq!(company.company_name.as_deref(), Some("Contoso Ltd"));
        assert_eq!(company.address.as_ref().unwrap().country.as_deref(), Some("DE"));
        let billing = c.billing_profile.as_ref().unwrap();
        assert_eq!(billing.id.as_deref(), Some("b"));
        assert_eq!(billing.default_address.as_ref().unwrap().country.as_deref(), Some("US"));
        assert_eq!(billing.attributes.as_ref().unwrap().etag.as_deref(), Some("e"));
        assert_eq!(c.custom_domains, Some(vec!["contoso.onmicrosoft.com".to_string()]));
        assert_eq!(c.user_credentials, None);
        assert_eq!(c.links.clone().unwrap().self_link.unwrap().uri, format!("/customers/{id}"));
        // A complete customer rebuilt from its content and its own ids is itself.
        let again = NewCustomer::try_from(c.clone()).unwrap().assemble(NewIds::of(&c).unwrap());
        assert_eq!(again, c);
    }

    #[test]
    fn a_listed_customer_has_its_company_checked_and_an_empty_billing_profile() {
        let item = json!({"companyProfile": {"domain": "Fabrikam.onmicrosoft.com", "companyName": "Fabrikam"},
            "billingProfile": {"email": "ignored@fabrikam.com"}});
        let listed = NewCustomer::listed(read_lenient(item).unwrap()).unwrap();
        assert_eq!((listed.email(), listed.country()), (None, None));
        let c = listed.assemble(ids());
        assert_eq!(c.domain(), "fabrikam.onmicrosoft.com");
        let billing = c.billing_profile.unwrap();
        assert_eq!((billing.id.as_deref(), billing.email), (Some("b"), None));
        let bad = json!({"companyProfile": {"domain": "fabrikam.com", "companyName": ""}, "associatedPartnerId": "x"});
        let err = NewCustomer::listed(read_lenient(bad).unwrap()).unwrap_err();
        let members: Vec<&str> = err.members().collect();
        assert_eq!(members, ["companyProfile.domain", "companyProfile.companyName", "associatedPartnerId"]);
    }

    #[test]
    fn ids_of_a_complete_customer_are_all_required() {
        let err = NewIds::of(&Customer { id: Some("x".into()), ..Default::default() }).unwrap_err();
        let members: Vec<&str> = err.members().collect();
        assert_eq!(members, ["id", "commerceId", "billingProfile.id", "billingProfile.attributes.etag"]);
    }

    /// Members the property test breaks: where each is in the body, and the path it is reported as.
    const BREAKABLE: &[(&str, &str)] = &[
        ("/companyProfile/domain", "companyProfile.domain"),
        ("/billingProfile/email", "billingProfile.email"),
        ("/billingProfile/culture", "billingProfile.culture"),
        ("/billingProfile/language", "billingProfile.language"),
        ("/billingProfile/companyName", "billingProfile.companyName"),
        ("/billingProfile/defaultAddress/city", "billingProfile.defaultAddress.city"),
        ("/billingProfile/defaultAddress/addressLine1", "billingProfile.defaultAddress.addressLine1"),
        ("/billingProfile/defaultAddress/postalCode", "billingProfile.defaultAddress.postalCode"),
    ];

    proptest! {
        /// Whichever members are broken, and however (missing, blank, control characters),
        /// exactly those are reported, each once, in member order.
        #[test]
        fn exactly_the_broken_members_are_reported(
            picks in proptest::collection::vec(any::<bool>(), BREAKABLE.len()),
            how in 0..3usize,
        ) {
            let mut body = valid();
            let mut expected = Vec::new();
            for ((pointer, member), broken) in BREAKABLE.iter().zip(&picks) {
                if *broken {
                    *body.pointer_mut(pointer).unwrap() = [Value::Null, json!("  "), json!("a\u{7}b")][how].clone();
                    expected.push(member.to_string());
                }
            }
            match parse(body) {
                Ok(_) => prop_assert!(expected.is_empty()),
                Err(e) => prop_assert_eq!(e.members().map(str::to_string).collect::<Vec<_>>(), expected),
            }
        }
    }
}
