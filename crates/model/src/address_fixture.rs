//! Address fixtures: the control plane tells `POST /v1/validations/address` what to answer for
//! one address, so that a test can see every documented status (partnerd's own verdicts reach
//! only `Verified`, `InteractionRequired`, `StreetPartial` and `None`).

use serde::{Deserialize, Serialize};

use crate::address_check::AddressValidationResponse;
use crate::customer::Address;

/// The statuses Partner Center documents, each with how many suggestions it comes with.
pub const STATUSES: &[(&str, std::ops::RangeInclusive<usize>)] = &[
    ("VerifiedShippable", 1..=1),
    ("Verified", 1..=1),
    ("InteractionRequired", 1..=1),
    ("StreetPartial", 0..=3),
    ("PremisesPartial", 0..=3),
    ("Multiple", 0..=3),
    ("None", 0..=0),
    ("NotValidated", 0..=0),
];

/// What the control plane is given, and stores as one of the partner's items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressFixture {
    #[serde(deserialize_with = "object")]
    pub address: Address,
    pub status: String,
    /// Absent: the address itself for the statuses that come with one suggestion, none else.
    #[serde(default, deserialize_with = "objects", skip_serializing_if = "Option::is_none")]
    pub suggested_addresses: Option<Vec<Address>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation_message: Option<String>,
}

/// An address written as a JSON object: serde would also read a struct from an array of its
/// members in order, which no client means.
fn object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Address, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    if !value.is_object() {
        return Err(serde::de::Error::custom("an address is a JSON object"));
    }
    serde_json::from_value(value).map_err(serde::de::Error::custom)
}

/// A list of addresses, each a JSON object (see [`object`]), or null.
fn objects<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Vec<Address>>, D::Error> {
    let values: Option<Vec<serde_json::Value>> = Option::deserialize(d)?;
    values.map(|all| all.into_iter().map(|v| object(v).map_err(serde::de::Error::custom)).collect()).transpose()
}

impl AddressFixture {
    /// The fixture with its status in the documented spelling, or what is wrong with it
    /// (the member to name, and why).
    pub fn checked(mut self) -> Result<AddressFixture, (&'static str, String)> {
        let (status, count) = STATUSES
            .iter()
            .find(|(s, _)| s.eq_ignore_ascii_case(self.status.trim()))
            .ok_or_else(|| ("status", format!("status must be one of {}", names())))?;
        let suggested = self.suggested_addresses.as_ref().map_or(*count.start(), Vec::len);
        if !count.contains(&suggested) {
            return Err((
                "suggestedAddresses",
                format!(
                    "{status} comes with {} to {} suggested addresses, not {suggested}",
                    count.start(),
                    count.end()
                ),
            ));
        }
        if self.address.country.as_deref().is_none_or(|c| c.len() != 2 || !c.bytes().all(|b| b.is_ascii_alphabetic())) {
            return Err(("address.country", "the address needs its two-letter country".into()));
        }
        self.status = status.to_string();
        Ok(self)
    }

    /// The key the fixture is found by: see [`key`].
    pub fn key(&self) -> String {
        key(&self.address)
    }

    /// The answer for `original`, an address with this fixture's key.
    pub fn answer(&self, original: Address) -> AddressValidationResponse {
        let status = STATUSES.iter().map(|(s, _)| *s).find(|s| *s == self.status).unwrap_or("NotValidated");
        let single = STATUSES.iter().any(|(s, n)| *s == status && *n.start() == 1);
        let suggested = match &self.suggested_addresses {
            Some(given) => given.clone(),
            None if single => vec![original.clone()],
            None => Vec::new(),
        };
        AddressValidationResponse {
            original_address: original,
            suggested_addresses: suggested,
            status,
            validation_message: self.validation_message.clone(),
        }
    }
}

/// An address as fixtures match it: its lines, city, state, postal code and country, with case
/// and spacing ignored (so an address sent untidied still finds its fixture).
pub fn key(a: &Address) -> String {
    let norm = |v: &Option<String>| {
        v.as_deref().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase()
    };
    [&a.country, &a.state, &a.city, &a.postal_code, &a.address_line1, &a.address_line2]
        .into_iter()
        .map(norm)
        .collect::<Vec<_>>()
        .join("|")
}

fn names() -> String {
    STATUSES.iter().map(|(s, _)| *s).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(status: &str, suggested: Option<Vec<Address>>) -> AddressFixture {
        let address = Address {
            address_line1: Some("1 Microsoft Way".into()),
            city: Some("Redmond".into()),
            postal_code: Some("98052".into()),
            country: Some("US".into()),
            ..Address::default()
        };
        AddressFixture { address, status: status.into(), suggested_addresses: suggested, validation_message: None }
    }

    #[test]
    fn statuses_are_read_in_any_case_and_bound_their_suggestions() {
        let f = fixture("verifiedshippable", None).checked().unwrap();
        assert_eq!(f.status, "VerifiedShippable");
        let answer = f.answer(f.address.clone());
        assert_eq!((answer.status, answer.suggested_addresses.len()), ("VerifiedShippable", 1));
        assert_eq!(fixture("Shippable", None).checked().unwrap_err().0, "status");
        let four = vec![Address::default(); 4];
        assert_eq!(fixture("Multiple", Some(four)).checked().unwrap_err().0, "suggestedAddresses");
        assert_eq!(fixture("None", Some(vec![Address::default()])).checked().unwrap_err().0, "suggestedAddresses");
        assert!(fixture("NotValidated", None)
            .checked()
            .unwrap()
            .answer(Address::default())
            .suggested_addresses
            .is_empty());
    }

    #[test]
    fn keys_ignore_case_and_spacing() {
        let f = fixture("Verified", None);
        let sent = Address {
            address_line1: Some(" 1  microsoft way".into()),
            country: Some("us".into()),
            ..f.address.clone()
        };
        assert_eq!(key(&sent), f.key());
        assert_ne!(key(&Address { postal_code: Some("98053".into()), ..sent }), f.key());
    }

    #[test]
    fn addresses_are_objects_not_arrays() {
        let read = |v: serde_json::Value| serde_json::from_value::<AddressFixture>(v).is_ok();
        assert!(read(
            serde_json::json!({"address": {"country": "US"}, "status": "Multiple", "suggestedAddresses": [{}]})
        ));
        assert!(!read(serde_json::json!({"address": ["US"], "status": "None"})));
        assert!(!read(
            serde_json::json!({"address": {"country": "US"}, "status": "Multiple", "suggestedAddresses": [[null]]})
        ));
    }
}
