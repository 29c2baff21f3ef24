//! The one table of country rules: what `GET /v1/countryvalidationrules/{country}` reports,
//! what `POST /v1/validations/address` checks, and what customer create and the billing-profile
//! update require (city, postal code, registration number). A rule lives here once, so "postal
//! code required in X" cannot mean one thing on one route and another elsewhere.
//!
//! Rows marked live in docs/decisions.md (US, PT) follow recorded Partner Center answers; the
//! rest follow the documented cultures and the countries' own postal and VAT formats.

use serde::Serialize;

use crate::links::Attributes;

/// A VAT (or tax) id: its pattern, the format shown to users and a sample that matches it.
#[derive(Clone, Copy, Debug)]
pub struct TaxIdFormat {
    pub regex: &'static str,
    pub format: &'static str,
    pub sample: &'static str,
}

/// One country's rules.
#[derive(Clone, Copy, Debug)]
pub struct CountryRules {
    pub iso2: &'static str,
    /// Supported cultures, the default first.
    pub cultures: &'static [&'static str],
    /// Supported languages (not always the cultures' language parts: live PT lists `pt-PT`).
    pub languages: &'static [&'static str],
    pub state_required: bool,
    /// The state codes a state must be one of; empty: any text.
    pub states: &'static [&'static str],
    pub city_required: bool,
    pub postal_code_required: bool,
    pub postal_code_regex: Option<&'static str>,
    pub phone_regex: Option<&'static str>,
    pub vat_id: Option<TaxIdFormat>,
    pub tax_id_supported: bool,
    pub tax_id_optional: bool,
    pub calling_codes: &'static [&'static str],
    /// Customers here need `organizationRegistrationNumber` and a phone number (and no
    /// other country's customers may send a registration number).
    pub registration_required: bool,
}

const US_STATES: &[&str] = &[
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA",
    "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
];
const CA_PROVINCES: &[&str] = &["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"];
const NANP_PHONE: &str = r"^(1[ \-\/\.]?)?(\((\d{3})\)|(\d{3}))[ \-\/\.]?(\d{3})[ \-\/\.]?(\d{4})$";

/// The rules of a country that needs none beyond the contract's own (city and postal code
/// required, no format): what customer create applies to a country missing from the table.
pub const DEFAULT_RULES: CountryRules = CountryRules {
    iso2: "",
    cultures: &[],
    languages: &[],
    state_required: false,
    states: &[],
    city_required: true,
    postal_code_required: true,
    postal_code_regex: None,
    phone_regex: None,
    vat_id: None,
    tax_id_supported: false,
    tax_id_optional: false,
    calling_codes: &[],
    registration_required: false,
};

/// A row of the table: everything not given is [`DEFAULT_RULES`].
const fn row(
    iso2: &'static str,
    cultures: &'static [&'static str],
    languages: &'static [&'static str],
    postal_code_regex: &'static str,
    calling: &'static [&'static str],
) -> CountryRules {
    CountryRules {
        iso2,
        cultures,
        languages,
        postal_code_regex: Some(postal_code_regex),
        calling_codes: calling,
        ..DEFAULT_RULES
    }
}

const fn vat(regex: &'static str, format: &'static str, sample: &'static str) -> Option<TaxIdFormat> {
    Some(TaxIdFormat { regex, format, sample })
}

/// A country where customers need a registration number (customers-api §10).
const fn registering(row: CountryRules) -> CountryRules {
    CountryRules { registration_required: true, ..row }
}

/// Every country partnerd knows, by ISO code.
pub const COUNTRIES: &[CountryRules] = &[
    CountryRules {
        state_required: true,
        states: US_STATES,
        phone_regex: Some(NANP_PHONE),
        tax_id_supported: true,
        tax_id_optional: true,
        ..row("US", &["en-US", "es-US"], &["en", "es"], r"^\d{5}(-\d{4})?$", &["1"])
    },
    CountryRules {
        vat_id: vat(r"^PT[\d]{9,9}$", "PT#########", "PT980152267"),
        ..row("PT", &["pt-PT", "en-US"], &["en", "pt-PT"], r"^\d{4}(-\d{3})?$", &["351"])
    },
    CountryRules {
        state_required: true,
        states: CA_PROVINCES,
        phone_regex: Some(NANP_PHONE),
        ..row("CA", &["fr-CA", "en-US"], &["fr", "en"], r"^[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d$", &["1"])
    },
    CountryRules {
        vat_id: vat(r"^GB(\d{9}|\d{12})$", "GB#########", "GB980152267"),
        ..row("GB", &["en-GB", "en-US"], &["en"], r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}$", &["44"])
    },
    CountryRules {
        vat_id: vat(r"^DE\d{9}$", "DE#########", "DE980152267"),
        ..row("DE", &["de-DE", "en-US"], &["de", "en"], r"^\d{5}$", &["49"])
    },
    CountryRules {
        vat_id: vat(r"^FR[A-Z0-9]{2}\d{9}$", "FRXX#########", "FR12980152267"),
        ..row("FR", &["fr-FR", "en-US"], &["fr", "en"], r"^\d{5}$", &["33"])
    },
    CountryRules {
        vat_id: vat(r"^NL\d{9}B\d{2}$", "NL#########B##", "NL980152267B01"),
        ..row("NL", &["nl-NL", "en-US"], &["nl", "en"], r"^\d{4}\s?[A-Za-z]{2}$", &["31"])
    },
    row("JP", &["ja-JP", "en-US"], &["ja", "en"], r"^\d{3}-?\d{4}$", &["81"]),
    row("AU", &["en-AU", "en-US"], &["en"], r"^\d{4}$", &["61"]),
    row("IN", &["en-IN", "hi-IN", "en-US"], &["en", "hi"], r"^\d{6}$", &["91"]),
    row("BR", &["pt-BR", "en-US"], &["pt", "en"], r"^\d{5}-?\d{3}$", &["55"]),
    registering(row("AM", &["hy-AM", "en-US"], &["hy", "en"], r"^\d{4}$", &["374"])),
    registering(row("AZ", &["az-Latn-AZ", "en-US"], &["az", "en"], r"^(AZ\s?)?\d{4}$", &["994"])),
    registering(row("BY", &["be-BY", "ru-RU", "en-US"], &["be", "ru", "en"], r"^\d{6}$", &["375"])),
    registering(row("HU", &["hu-HU", "en-US"], &["hu", "en"], r"^\d{4}$", &["36"])),
    registering(row("KZ", &["kk-KZ", "ru-RU", "en-US"], &["kk", "ru", "en"], r"^\d{6}$", &["7"])),
    registering(row("KG", &["ky-KG", "ru-RU", "en-US"], &["ky", "ru", "en"], r"^\d{6}$", &["996"])),
    registering(row("MD", &["ro-MD", "ru-RU", "en-US"], &["ro", "ru", "en"], r"^(MD-?)?\d{4}$", &["373"])),
    registering(row("RU", &["ru-RU", "en-US"], &["ru", "en"], r"^\d{6}$", &["7"])),
    registering(row("TJ", &["tg-Cyrl-TJ", "ru-RU", "en-US"], &["tg", "ru", "en"], r"^\d{6}$", &["992"])),
    registering(row("UZ", &["uz-Latn-UZ", "ru-RU", "en-US"], &["uz", "ru", "en"], r"^\d{6}$", &["998"])),
    registering(row("UA", &["uk-UA", "en-US"], &["uk", "en"], r"^\d{5}$", &["380"])),
    row("SE", &["sv-SE", "en-US"], &["sv", "en"], r"^\d{3}\s?\d{2}$", &["46"]),
    row("ES", &["es-ES", "en-US"], &["es", "en"], r"^\d{5}$", &["34"]),
    row("DK", &["da-DK", "en-US"], &["da", "en"], r"^\d{4}$", &["45"]),
    row("PL", &["pl-PL", "en-US"], &["pl", "en"], r"^\d{2}-\d{3}$", &["48"]),
];

/// The rules of `code` (case-insensitive), if the table has it.
pub fn rules(code: &str) -> Option<&'static CountryRules> {
    COUNTRIES.iter().find(|r| r.iso2.eq_ignore_ascii_case(code))
}

/// The rules of `code`, or [`DEFAULT_RULES`] for a country the table lacks.
pub fn rules_or_default(code: &str) -> &'static CountryRules {
    rules(code).unwrap_or(&DEFAULT_RULES)
}

impl CountryRules {
    /// Whether `postal_code` has this country's format (always, when it has none).
    pub fn postal_code_fits(&self, postal_code: &str) -> bool {
        self.postal_code_regex.is_none_or(|r| matches(r, postal_code))
    }

    /// Whether `state` is one of this country's states (always, when it lists none).
    pub fn state_fits(&self, state: &str) -> bool {
        self.states.is_empty() || self.states.iter().any(|s| s.eq_ignore_ascii_case(state.trim()))
    }

    /// The resource `GET /v1/countryvalidationrules/{country}` answers.
    pub fn resource(&self) -> CountryValidationRules {
        CountryValidationRules {
            iso2_code: self.iso2,
            default_culture: self.cultures.first().copied().unwrap_or("en-US"),
            is_state_required: self.state_required,
            supported_states_list: self.states,
            supported_languages_list: self.languages,
            supported_cultures_list: self.cultures,
            is_postal_code_required: self.postal_code_required,
            postal_code_regex: self.postal_code_regex,
            is_city_required: self.city_required,
            is_vat_id_supported: self.vat_id.is_some(),
            tax_id_format: self.vat_id.map(|v| v.format),
            tax_id_sample: self.vat_id.map(|v| v.sample),
            vat_id_regex: self.vat_id.map(|v| v.regex),
            phone_number_regex: self.phone_regex,
            is_tax_id_supported: self.tax_id_supported,
            is_tax_id_optional: self.tax_id_optional,
            country_calling_codes_list: self.calling_codes,
            attributes: Attributes::object("CountryValidationRules"),
        }
    }
}

/// Whether `text` matches `pattern`, a pattern of this table (compiled once each).
fn matches(pattern: &'static str, text: &str) -> bool {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    static COMPILED: OnceLock<Mutex<HashMap<&'static str, regex::Regex>>> = OnceLock::new();
    let mut compiled = COMPILED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    compiled
        .entry(pattern)
        .or_insert_with(|| regex::Regex::new(pattern).expect("the table's patterns compile"))
        .is_match(text)
}

/// CountryValidationRules on the wire, members in Partner Center's order; strings that do not
/// apply are left out, lists are always present.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CountryValidationRules {
    pub iso2_code: &'static str,
    pub default_culture: &'static str,
    pub is_state_required: bool,
    pub supported_states_list: &'static [&'static str],
    pub supported_languages_list: &'static [&'static str],
    pub supported_cultures_list: &'static [&'static str],
    pub is_postal_code_required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postal_code_regex: Option<&'static str>,
    pub is_city_required: bool,
    pub is_vat_id_supported: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_format: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_id_sample: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_id_regex: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone_number_regex: Option<&'static str>,
    pub is_tax_id_supported: bool,
    pub is_tax_id_optional: bool,
    pub country_calling_codes_list: &'static [&'static str],
    pub attributes: Attributes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles_and_every_sample_fits_its_pattern() {
        for r in COUNTRIES {
            assert_eq!(r.iso2.len(), 2, "{}", r.iso2);
            assert!(!r.cultures.is_empty(), "{}", r.iso2);
            if let Some(p) = r.postal_code_regex {
                regex::Regex::new(p).unwrap();
            }
            if let Some(v) = r.vat_id {
                assert!(regex::Regex::new(v.regex).unwrap().is_match(v.sample), "{}", r.iso2);
            }
        }
        let codes: std::collections::HashSet<_> = COUNTRIES.iter().map(|r| r.iso2).collect();
        assert_eq!(codes.len(), COUNTRIES.len(), "each country once");
    }

    #[test]
    fn rules_are_found_in_any_case_and_check_formats() {
        let us = rules("us").unwrap();
        assert!(us.postal_code_fits("98052") && us.postal_code_fits("98052-8300") && !us.postal_code_fits("9805"));
        assert!(us.state_fits("wa") && !us.state_fits("XX"));
        assert!(rules("UK").is_none(), "GB is the code");
        assert!(rules_or_default("SE").postal_code_required && rules_or_default("ZZ").postal_code_regex.is_none());
        assert!(rules("ua").unwrap().registration_required && !us.registration_required);
    }

    #[test]
    fn the_live_us_answer_leaves_out_the_tax_formats() {
        let us = serde_json::to_value(rules("US").unwrap().resource()).unwrap();
        assert_eq!(us["supportedLanguagesList"], serde_json::json!(["en", "es"]));
        assert_eq!(us["defaultCulture"], "en-US");
        assert!(us.get("taxIdFormat").is_none() && us.get("vatIdRegex").is_none());
        let pt = serde_json::to_value(rules("PT").unwrap().resource()).unwrap();
        assert_eq!(pt["supportedStatesList"], serde_json::json!([]));
        assert!(pt.get("phoneNumberRegex").is_none());
        assert_eq!(pt["attributes"]["objectType"], "CountryValidationRules");
    }
}
