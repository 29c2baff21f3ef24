//! `POST /v1/validations/address`: partnerd's verdict on an address, from the country table
//! alone (partnerd has no postal database). A broken country rule is `None`; a street line
//! without a house number is `StreetPartial`; an address that only needed tidying (case,
//! spacing) is `InteractionRequired` with the tidied address to confirm; else `Verified`.

use serde::Serialize;

use crate::countries::CountryRules;
use crate::customer::Address;
use crate::validate::{optional_text, required, text, Report, Violations};

/// The answer: the address as sent, the suggestions and the status.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AddressValidationResponse {
    pub original_address: Address,
    pub suggested_addresses: Vec<Address>,
    pub status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation_message: Option<String>,
}

impl AddressValidationResponse {
    /// Whether the address can be used as it is or as suggested (what the SDKs that read the
    /// answer as a bare boolean are told).
    pub fn is_valid(&self) -> bool {
        matches!(self.status, "Verified" | "VerifiedShippable" | "InteractionRequired")
    }
}

/// Checks the members Partner Center requires of the request (a 400 when any is missing): the
/// postal code only where the country's rules (`rules`, when the table has the country)
/// require one. An unknown country is the caller's to refuse, after this.
pub fn check_request(a: &Address, rules: Option<&CountryRules>) -> Result<(), Violations> {
    let mut report = Report::default();
    report.take("addressLine1", required(&a.address_line1).and_then(|v| text(v, 1, 200)));
    report.take("addressLine2", optional_text(&a.address_line2, 0, 200));
    report.take("city", required(&a.city).and_then(|v| text(v, 1, 200)));
    report.take("state", optional_text(&a.state, 0, 200));
    if rules.is_none_or(|r| r.postal_code_required) {
        report.take("postalCode", required(&a.postal_code).and_then(|v| text(v, 1, 50)));
    } else {
        report.take("postalCode", optional_text(&a.postal_code, 0, 50));
    }
    report.take(
        "country",
        required(&a.country).and_then(|c| {
            if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
                Ok(c)
            } else {
                Err("must be a two-letter ISO 3166-1 country code".into())
            }
        }),
    );
    report.finish()
}

/// The verdict on a request [`check_request`] accepted, under its country's `rules`.
pub fn validate(original: Address, rules: &CountryRules) -> AddressValidationResponse {
    let answer = |status, suggested: Vec<Address>, message: Option<String>| AddressValidationResponse {
        original_address: original.clone(),
        suggested_addresses: suggested,
        status,
        validation_message: message,
    };
    let mut broken = Vec::new();
    let postal = original.postal_code.as_deref().unwrap_or_default().trim();
    if !rules.postal_code_fits(postal) {
        broken.push(format!("postalCode {postal} does not have the format of {}", rules.iso2));
    }
    match original.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None if rules.state_required => broken.push(format!("state is required in {}", rules.iso2)),
        Some(s) if !rules.state_fits(s) => broken.push(format!("state {s} is not a state of {}", rules.iso2)),
        _ => {}
    }
    if !broken.is_empty() {
        return answer("None", Vec::new(), Some(broken.join("; ")));
    }
    let line1 = original.address_line1.as_deref().unwrap_or_default();
    if !line1.chars().any(|c| c.is_ascii_digit()) {
        return answer("StreetPartial", Vec::new(), Some("addressLine1 has no house number".into()));
    }
    let tidy = tidied(&original, rules);
    if tidy == original {
        answer("Verified", vec![tidy], None)
    } else {
        answer(
            "InteractionRequired",
            vec![tidy],
            Some("The suggested address differs from the one sent; confirm it".into()),
        )
    }
}

/// The address in its standard form: spaces collapsed, country and state in upper case, the
/// postal code in upper case with its single space where the country writes one.
fn tidied(a: &Address, rules: &CountryRules) -> Address {
    let clean = |v: &Option<String>| v.as_deref().map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    let mut postal = clean(&a.postal_code).unwrap_or_default().to_uppercase();
    if matches!(rules.iso2, "CA" | "GB") && !postal.contains(' ') && postal.len() > 3 {
        postal.insert(postal.len() - 3, ' ');
    }
    Address {
        address_line1: clean(&a.address_line1),
        address_line2: clean(&a.address_line2).filter(|s| !s.is_empty()),
        city: clean(&a.city),
        state: clean(&a.state).map(|s| s.to_uppercase()).filter(|s| !s.is_empty()),
        postal_code: Some(postal).filter(|p| !p.is_empty()),
        country: Some(rules.iso2.to_string()),
        ..a.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::countries::rules;

    fn address(line1: &str, city: &str, state: Option<&str>, postal: &str, country: &str) -> Address {
        Address {
            address_line1: Some(line1.into()),
            city: Some(city.into()),
            state: state.map(Into::into),
            postal_code: Some(postal.into()),
            country: Some(country.into()),
            ..Default::default()
        }
    }

    #[test]
    fn well_formed_correctable_partial_and_invalid_addresses() {
        let us = rules("US").unwrap();
        let ok = validate(address("1 Microsoft Way", "Redmond", Some("WA"), "98052", "US"), us);
        assert_eq!((ok.status, ok.suggested_addresses.len()), ("Verified", 1));
        let fix = validate(address("1  Microsoft Way", "Redmond", Some("wa"), "98052", "us"), us);
        assert_eq!(fix.status, "InteractionRequired");
        assert_eq!(fix.suggested_addresses[0].state.as_deref(), Some("WA"));
        assert_eq!(fix.suggested_addresses[0].address_line1.as_deref(), Some("1 Microsoft Way"));
        let partial = validate(address("Microsoft Way", "Redmond", Some("WA"), "98052", "US"), us);
        assert_eq!((partial.status, partial.suggested_addresses.len()), ("StreetPartial", 0));
        let bad = validate(address("1 Microsoft Way", "Redmond", None, "9805", "US"), us);
        assert_eq!(bad.status, "None");
        let message = bad.validation_message.unwrap();
        assert!(message.contains("postalCode") && message.contains("state"), "{message}");
        let ca = validate(address("1 Rue", "Ottawa", Some("ON"), "k1a0b1", "CA"), rules("CA").unwrap());
        assert_eq!(ca.suggested_addresses[0].postal_code.as_deref(), Some("K1A 0B1"));
    }

    #[test]
    fn the_request_needs_what_partner_center_requires() {
        let names = check_request(&Address { country: Some("USA".into()), ..Default::default() }, None).unwrap_err();
        assert_eq!(names.members().collect::<Vec<_>>(), ["addressLine1", "city", "postalCode", "country"]);
        let qatar = Address { postal_code: None, ..address("1 Corniche St", "Doha", None, "", "QA") };
        check_request(&qatar, rules("QA")).unwrap();
        assert_eq!(validate(qatar, rules("QA").unwrap()).status, "Verified");
        let sg = Address { postal_code: None, ..address("1 Raffles Pl", "Singapore", None, "", "SG") };
        assert!(check_request(&sg, rules("SG")).is_err());
    }
}
