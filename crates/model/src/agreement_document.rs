//! The Microsoft Customer Agreement template's document (`GET
//! /v1/agreementtemplates/{templateId}/document[?language=&country=]`): links to view and to
//! download the template for a customer's country, in one of its languages.
//!
//! partnerd does not hold Microsoft's documents, so both links lead to the template's public
//! page (its `agreementLink`) with the country and language as query parameters; the download
//! link carries a fresh token and its expiry, as Partner Center's links change on every call and
//! last five minutes.

use serde::{Deserialize, Serialize};

use crate::agreement::{CUSTOMER_AGREEMENT, TEMPLATES};
use crate::countries;
use crate::links::Attributes;

/// How long a download link is good for, in seconds.
pub const LINK_LIFETIME_SECS: i64 = 300;
/// The country when the query names none.
pub const DEFAULT_COUNTRY: &str = "US";
/// The language when the query names none, or one the country's template is not in.
pub const DEFAULT_LANGUAGE: &str = "en-US";

/// AgreementDocument on the wire.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AgreementDocument {
    pub display_uri: String,
    pub download_uri: String,
    pub language: String,
    pub country: String,
    #[serde(default)]
    pub attributes: Attributes,
}

/// Why no document is answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DocumentRefusal {
    /// The template is not the current Microsoft Customer Agreement's (ids are case-sensitive).
    UnknownTemplate,
    /// The country is not the upper-case code of a market Partner Center sells in.
    UnknownCountry(String),
}

/// The document of `template_id` for `country` (default US) in `language` (default, and
/// instead of one the country does not offer, en-US); `token` makes the download link new.
pub fn document(
    template_id: &str,
    language: Option<&str>,
    country: Option<&str>,
    now: i64,
    token: &str,
) -> Result<AgreementDocument, DocumentRefusal> {
    let link = TEMPLATES
        .iter()
        .find(|(kind, id, _)| *kind == CUSTOMER_AGREEMENT && *id == template_id)
        .map(|(_, _, link)| *link)
        .ok_or(DocumentRefusal::UnknownTemplate)?;
    let country = country.map(str::trim).filter(|c| !c.is_empty()).unwrap_or(DEFAULT_COUNTRY);
    let rules = countries::rules(country)
        .filter(|r| r.iso2 == country)
        .ok_or_else(|| DocumentRefusal::UnknownCountry(country.to_string()))?;
    let asked = language.map(str::trim).unwrap_or_default();
    let language = rules.cultures.iter().find(|c| c.eq_ignore_ascii_case(asked)).copied().unwrap_or(DEFAULT_LANGUAGE);
    let display_uri = format!("{link}?country={country}&language={language}");
    let expires = crate::date_time::format(now + LINK_LIFETIME_SECS);
    Ok(AgreementDocument {
        download_uri: format!("{display_uri}&format=pdf&expires={expires}&token={token}"),
        display_uri,
        language: language.to_string(),
        country: country.to_string(),
        attributes: Attributes::object("AgreementDocument"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MCA: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";

    #[test]
    fn defaults_are_us_and_en_us_and_an_unoffered_language_falls_back() {
        let us = document(MCA, None, None, 0, "t").unwrap();
        assert_eq!((us.country.as_str(), us.language.as_str()), ("US", "en-US"));
        assert!(us.download_uri.contains("expires=1970-01-01T00:05:00Z&token=t"), "{}", us.download_uri);
        let de = document(MCA, Some("de-de"), Some("DE"), 0, "t").unwrap();
        assert_eq!(de.language, "de-DE");
        assert_eq!(document(MCA, Some("ja-JP"), Some("DE"), 0, "t").unwrap().language, "en-US");
    }

    #[test]
    fn the_template_and_country_are_case_sensitive_and_mca_only() {
        assert_eq!(document(&MCA.to_uppercase(), None, None, 0, "t"), Err(DocumentRefusal::UnknownTemplate));
        let cloud = "998b88de-aa99-4388-a42c-1b3517d49490";
        assert_eq!(document(cloud, None, None, 0, "t"), Err(DocumentRefusal::UnknownTemplate));
        assert_eq!(document(MCA, None, Some("us"), 0, "t"), Err(DocumentRefusal::UnknownCountry("us".into())));
        assert_eq!(document(MCA, None, Some("UK"), 0, "t"), Err(DocumentRefusal::UnknownCountry("UK".into())));
    }
}
