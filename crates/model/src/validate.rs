//! Create and update validation (spec §3.5 and §10). Each failure names the member, as a
//! dotted path, so a client can tell exactly what to fix.

use crate::customer::{Address, BillingProfile, Customer};

/// Countries whose customers need an organisation registration number and a phone number
/// (and the only ones where a registration number is accepted).
pub const REGISTRATION_COUNTRIES: &[&str] = &["AM", "AZ", "BY", "HU", "KZ", "KG", "MD", "RU", "TJ", "UZ", "UA"];

/// Longest text accepted in any member without a tighter limit of its own.
const MAX_TEXT: usize = 256;

/// One refused member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub member: String,
    pub message: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.member, self.message)
    }
}

fn invalid(member: &str, message: impl Into<String>) -> Invalid {
    Invalid { member: member.to_string(), message: message.into() }
}

type Check = Result<(), Invalid>;

/// Validates a create request's body.
pub fn validate_new_customer(c: &Customer) -> Check {
    validate_company_members(c)?;
    let company = c.company_profile.clone().unwrap_or_default();
    let billing = c.billing_profile.as_ref().ok_or_else(|| invalid("billingProfile", "is required"))?;
    validate_billing_profile(billing, "billingProfile")?;
    let country = billing.default_address.as_ref().and_then(|a| a.country.as_deref()).unwrap_or_default();
    registration_number(&company.organization_registration_number, country)
}

/// Validates what a create body and a list item have in common: the company profile (its
/// initial domain required) and the associated partner. `partnerd import` checks list items,
/// which carry no billing profile, with this alone.
pub fn validate_company_members(c: &Customer) -> Check {
    let company = c.company_profile.clone().unwrap_or_default();
    let domain = required(&company.domain, "companyProfile.domain")?;
    initial_domain(domain, "companyProfile.domain")?;
    optional_text(&company.company_name, "companyProfile.companyName", 1, MAX_TEXT)?;
    optional_text(&company.email, "companyProfile.email", 0, MAX_TEXT)?;
    if let Some(address) = &company.address {
        address_limits(address, "companyProfile.address")?;
    }
    if let Some(partner) = &c.associated_partner_id {
        if crate::parse_guid(partner).is_none() {
            return Err(invalid("associatedPartnerId", "must be a GUID"));
        }
    }
    Ok(())
}

/// Validates a billing profile (create, and the full replacement of PUT), `at` being its path.
/// An empty `at` validates a profile that is the whole body (PUT).
pub fn validate_billing_profile(b: &BillingProfile, at: &str) -> Check {
    let member = |m: &str| if at.is_empty() { m.to_string() } else { format!("{at}.{m}") };
    let email = required(&b.email, &member("email"))?;
    email_address(email, &member("email"))?;
    let culture = required(&b.culture, &member("culture"))?;
    language_tag(culture, &member("culture"))?;
    let language = required(&b.language, &member("language"))?;
    language_tag(language, &member("language"))?;
    let name = required(&b.company_name, &member("companyName"))?;
    length(name, &member("companyName"), 1, MAX_TEXT)?;
    optional_text(&b.first_name, &member("firstName"), 1, 50)?;
    optional_text(&b.last_name, &member("lastName"), 1, 50)?;
    let path = member("defaultAddress");
    let address = b.default_address.as_ref().ok_or_else(|| invalid(&path, "is required"))?;
    for (value, member) in [
        (&address.country, "country"),
        (&address.city, "city"),
        (&address.address_line1, "addressLine1"),
        (&address.postal_code, "postalCode"),
    ] {
        required(value, &format!("{path}.{member}"))?;
    }
    address_limits(address, &path)?;
    let country = address.country.as_deref().unwrap_or_default().to_ascii_uppercase();
    if REGISTRATION_COUNTRIES.contains(&country.as_str()) {
        required(&address.phone_number, &format!("{path}.phoneNumber"))?;
    }
    Ok(())
}

/// The §3.5 limits, and sane bounds on the other members.
fn address_limits(a: &Address, at: &str) -> Check {
    if let Some(country) = &a.country {
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(invalid(&format!("{at}.country"), "must be a two-letter ISO 3166-1 country code"));
        }
    }
    optional_text(&a.address_line1, &format!("{at}.addressLine1"), 1, 200)?;
    optional_text(&a.address_line2, &format!("{at}.addressLine2"), 0, 200)?;
    optional_text(&a.address_line3, &format!("{at}.addressLine3"), 0, 200)?;
    optional_text(&a.first_name, &format!("{at}.firstName"), 1, 50)?;
    optional_text(&a.last_name, &format!("{at}.lastName"), 1, 50)?;
    optional_text(&a.middle_name, &format!("{at}.middleName"), 1, 50)?;
    for (value, member) in [
        (&a.region, "region"),
        (&a.city, "city"),
        (&a.state, "state"),
        (&a.district, "district"),
        (&a.postal_code, "postalCode"),
        (&a.email_address, "emailAddress"),
        (&a.phone_number, "phoneNumber"),
    ] {
        optional_text(value, &format!("{at}.{member}"), 0, MAX_TEXT)?;
    }
    if let Some(phone) = a.phone_number.as_deref().filter(|p| !p.is_empty()) {
        if !phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c))
            || !phone.chars().any(|c| c.is_ascii_digit())
        {
            return Err(invalid(&format!("{at}.phoneNumber"), "must contain only digits, spaces and + - ( ) ."));
        }
    }
    Ok(())
}

/// Required for the registration countries, refused for every other country.
fn registration_number(number: &Option<String>, country: &str) -> Check {
    let member = "companyProfile.organizationRegistrationNumber";
    let given = number.as_deref().is_some_and(|n| !n.trim().is_empty());
    let needed = REGISTRATION_COUNTRIES.contains(&country.to_ascii_uppercase().as_str());
    match (needed, given) {
        (true, false) => Err(invalid(member, format!("is required for customers in {}", country.to_ascii_uppercase()))),
        (false, true) => {
            Err(invalid(member, format!("is not accepted for customers in {}", country.to_ascii_uppercase())))
        }
        _ => optional_text(number, member, 0, 50),
    }
}

/// `<prefix>.onmicrosoft.com` with a prefix of 1-27 ASCII letters and digits.
fn initial_domain(domain: &str, member: &str) -> Check {
    let lower = domain.to_ascii_lowercase();
    let ok = lower
        .strip_suffix(".onmicrosoft.com")
        .is_some_and(|p| (1..=27).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if ok {
        Ok(())
    } else {
        Err(invalid(member, "must be <prefix>.onmicrosoft.com with a prefix of 1 to 27 letters and digits"))
    }
}

fn email_address(email: &str, member: &str) -> Check {
    length(email, member, 3, 254)?;
    match email.split_once('@') {
        Some((local, host))
            if !local.is_empty()
                && host.contains('.')
                && !host.contains('@')
                && !email.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err(invalid(member, "must be an email address")),
    }
}

/// `en`, `en-US`, `zh-Hans-CN`: letters and digits in hyphenated parts.
fn language_tag(tag: &str, member: &str) -> Check {
    let ok = tag.len() <= 35
        && tag.split('-').enumerate().all(|(i, part)| {
            let n = part.len();
            (if i == 0 { (2..=3).contains(&n) } else { (1..=8).contains(&n) })
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if ok {
        Ok(())
    } else {
        Err(invalid(member, "must be a language tag such as en or en-US"))
    }
}

fn required<'a>(value: &'a Option<String>, member: &str) -> Result<&'a str, Invalid> {
    match value.as_deref() {
        Some(v) if !v.trim().is_empty() => {
            printable(v, member)?;
            Ok(v)
        }
        _ => Err(invalid(member, "is required")),
    }
}

/// Control characters (NUL, line breaks, escapes) belong in no member of a customer.
fn printable(value: &str, member: &str) -> Check {
    if value.chars().any(char::is_control) {
        Err(invalid(member, "must not contain control characters"))
    } else {
        Ok(())
    }
}

fn optional_text(value: &Option<String>, member: &str, min: usize, max: usize) -> Check {
    value.as_deref().map_or(Ok(()), |v| length(v, member, min, max))
}

fn length(value: &str, member: &str, min: usize, max: usize) -> Check {
    printable(value, member)?;
    let n = value.chars().count();
    if n < min || n > max {
        Err(invalid(member, format!("must be {min} to {max} characters long")))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::read_lenient;
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

    fn check(v: Value) -> Result<(), Invalid> {
        validate_new_customer(&read_lenient(v).unwrap())
    }

    #[test]
    fn the_minimal_body_is_valid() {
        check(valid()).unwrap();
    }

    #[test]
    fn each_rule_names_its_member() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("/companyProfile/domain", json!("contoso.com"), "companyProfile.domain"),
            ("/companyProfile/domain", json!("a-b.onmicrosoft.com"), "companyProfile.domain"),
            ("/companyProfile/domain", json!(format!("{}.onmicrosoft.com", "a".repeat(28))), "companyProfile.domain"),
            ("/billingProfile/email", Value::Null, "billingProfile.email"),
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
        ];
        for (pointer, value, member) in cases {
            let mut body = valid();
            *body.pointer_mut(pointer).unwrap_or_else(|| panic!("{pointer}")) = value;
            assert_eq!(check(body).unwrap_err().member, member, "{pointer}");
        }
    }

    #[test]
    fn registration_countries_need_number_and_phone() {
        let mut body = valid();
        body["billingProfile"]["defaultAddress"]["country"] = json!("ua");
        assert_eq!(check(body.clone()).unwrap_err().member, "billingProfile.defaultAddress.phoneNumber");
        body["billingProfile"]["defaultAddress"]["phoneNumber"] = json!("+380 44 123 4567");
        assert_eq!(check(body.clone()).unwrap_err().member, "companyProfile.organizationRegistrationNumber");
        body["companyProfile"]["organizationRegistrationNumber"] = json!("12345678");
        check(body.clone()).unwrap();
        body["billingProfile"]["defaultAddress"]["country"] = json!("US");
        assert_eq!(check(body).unwrap_err().member, "companyProfile.organizationRegistrationNumber");
    }
}
