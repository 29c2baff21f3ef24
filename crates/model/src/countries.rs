//! The one table of country rules: what `GET /v1/countryvalidationrules/{country}` reports,
//! what `POST /v1/validations/address` checks, and what customer create and the billing-profile
//! update require (city, postal code, registration number). A rule lives here once, so "postal
//! code required in X" cannot mean one thing on one route and another elsewhere.
//!
//! US and PT follow recorded Partner Center answers; every other row follows the documented
//! cultures with inferred postal, VAT and calling-code formats (see [`COUNTRIES`]).

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
    /// Supported languages where they are not the cultures' language parts (live PT lists
    /// `pt-PT`); `None`: those parts.
    pub languages: Option<&'static [&'static str]>,
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
    languages: None,
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

/// A row of the table: a market whose postal codes have a format; everything not given is
/// [`DEFAULT_RULES`].
const fn row(
    iso2: &'static str,
    cultures: &'static [&'static str],
    postal_code_regex: &'static str,
    calling: &'static [&'static str],
) -> CountryRules {
    CountryRules { iso2, cultures, postal_code_regex: Some(postal_code_regex), calling_codes: calling, ..DEFAULT_RULES }
}

/// A row of a market whose post uses no postal codes: none is required, any is accepted.
const fn no_postal(
    iso2: &'static str,
    cultures: &'static [&'static str],
    calling: &'static [&'static str],
) -> CountryRules {
    CountryRules { iso2, cultures, postal_code_required: false, calling_codes: calling, ..DEFAULT_RULES }
}

const fn vat(regex: &'static str, format: &'static str, sample: &'static str) -> Option<TaxIdFormat> {
    Some(TaxIdFormat { regex, format, sample })
}

/// A country where customers need a registration number (customers-api §10).
const fn registering(row: CountryRules) -> CountryRules {
    CountryRules { registration_required: true, ..row }
}

/// Every market Partner Center sells in (the docs' "Partner Center supported languages and
/// locales" list, with its cultures), by ISO code. Rows with more than a postal code rule come
/// first, then one line a market in code order.
///
/// Inferred (no Partner Center answer shows them): the postal code formats and the calling
/// codes of every row but US and PT. The one-line rows' formats are Google's address metadata
/// (libaddressinput); a market whose post uses no postal codes has none and does not require
/// one. Calling codes are the ITU's.
pub const COUNTRIES: &[CountryRules] = &[
    CountryRules {
        state_required: true,
        states: US_STATES,
        phone_regex: Some(NANP_PHONE),
        tax_id_supported: true,
        tax_id_optional: true,
        ..row("US", &["en-US", "es-US"], r"^\d{5}(-\d{4})?$", &["1"])
    },
    CountryRules {
        languages: Some(&["en", "pt-PT"]),
        vat_id: vat(r"^PT[\d]{9,9}$", "PT#########", "PT980152267"),
        ..row("PT", &["pt-PT", "en-US"], r"^\d{4}(-\d{3})?$", &["351"])
    },
    CountryRules {
        state_required: true,
        states: CA_PROVINCES,
        phone_regex: Some(NANP_PHONE),
        ..row("CA", &["fr-CA", "en-US"], r"^[A-Za-z]\d[A-Za-z][ -]?\d[A-Za-z]\d$", &["1"])
    },
    CountryRules {
        vat_id: vat(r"^GB(\d{9}|\d{12})$", "GB#########", "GB980152267"),
        ..row("GB", &["en-GB", "en-US"], r"^[A-Za-z]{1,2}\d[A-Za-z\d]?\s?\d[A-Za-z]{2}$", &["44"])
    },
    CountryRules {
        vat_id: vat(r"^DE\d{9}$", "DE#########", "DE980152267"),
        ..row("DE", &["de-DE", "en-US"], r"^\d{5}$", &["49"])
    },
    CountryRules {
        vat_id: vat(r"^FR[A-Z0-9]{2}\d{9}$", "FRXX#########", "FR12980152267"),
        ..row("FR", &["fr-FR", "en-US"], r"^\d{5}$", &["33"])
    },
    CountryRules {
        vat_id: vat(r"^NL\d{9}B\d{2}$", "NL#########B##", "NL980152267B01"),
        ..row("NL", &["nl-NL", "en-US"], r"^\d{4}\s?[A-Za-z]{2}$", &["31"])
    },
    // Customers in these markets need a registration number and a phone (customers-api §10).
    registering(row("AM", &["hy-AM", "en-US"], r"^\d{4}$", &["374"])),
    registering(row("AZ", &["az-Latn-AZ", "en-US"], r"^(AZ\s?)?\d{4}$", &["994"])),
    registering(row("BY", &["be-BY", "en-US"], r"^\d{6}$", &["375"])),
    registering(row("HU", &["hu-HU", "en-US"], r"^\d{4}$", &["36"])),
    registering(row("KG", &["ky-KG", "en-US"], r"^\d{6}$", &["996"])),
    registering(row("KZ", &["kk-KZ", "en-US"], r"^\d{6}$", &["7"])),
    registering(row("MD", &["ro-RO", "en-US"], r"^(MD-?)?\d{4}$", &["373"])),
    registering(row("RU", &["ru-RU", "en-US"], r"^\d{6}$", &["7"])),
    registering(row("TJ", &["tg-Cyrl-TJ", "en-US"], r"^\d{6}$", &["992"])),
    registering(row("UA", &["uk-UA", "en-US"], r"^\d{5}$", &["380"])),
    registering(row("UZ", &["uz-Latn-UZ", "en-US"], r"^\d{6}$", &["998"])),
    // Postal code formats of the spec's table (JP, AU, IN, BR) and of the demo data's markets.
    row("AU", &["en-AU", "en-US"], r"^\d{4}$", &["61"]),
    row("BR", &["pt-BR", "en-US"], r"^\d{5}-?\d{3}$", &["55"]),
    row("DK", &["da-DK", "en-US"], r"^\d{4}$", &["45"]),
    row("ES", &["es-ES", "ca-ES", "eu-ES", "gl-ES", "en-US"], r"^\d{5}$", &["34"]),
    row("IN", &["en-IN", "hi-IN", "en-US"], r"^\d{6}$", &["91"]),
    row("JP", &["ja-JP", "en-US"], r"^\d{3}-?\d{4}$", &["81"]),
    row("PL", &["pl-PL", "en-US"], r"^\d{2}-\d{3}$", &["48"]),
    row("SE", &["sv-SE", "en-US"], r"^\d{3}\s?\d{2}$", &["46"]),
    // The other markets.
    row("AD", &["ca-ES", "en-US"], r"^AD[1-7]0\d$", &["376"]),
    no_postal("AE", &["ar-AE", "en-US"], &["971"]),
    row("AF", &["ps-AF", "en-US"], r"^\d{4}$", &["93"]),
    no_postal("AG", &["en-US"], &["1"]),
    row("AI", &["en-US"], r"^(?:AI-)?2640$", &["1"]),
    row("AL", &["sq-AL", "en-US"], r"^\d{4}$", &["355"]),
    no_postal("AN", &["en-US"], &["599"]),
    no_postal("AO", &["pt-PT", "en-US"], &["244"]),
    no_postal("AQ", &["en-US"], &["672"]),
    row("AR", &["es-AR", "en-US"], r"^((?:[A-HJ-NP-Z])?\d{4})([A-Z]{3})?$", &["54"]),
    row("AS", &["en-US"], r"^(96799)(?:[ \-](\d{4}))?$", &["1"]),
    row("AT", &["de-AT", "en-US"], r"^\d{4}$", &["43"]),
    no_postal("AW", &["nl-NL", "en-US"], &["297"]),
    row("AX", &["sv-SE", "en-US"], r"^22\d{3}$", &["358"]),
    row("BA", &["bs-Latn-BA", "en-US"], r"^\d{5}$", &["387"]),
    row("BB", &["en-GB", "en-US"], r"^BB\d{5}$", &["1"]),
    row("BD", &["bn-BD", "en-US"], r"^\d{4}$", &["880"]),
    row("BE", &["fr-BE", "nl-BE", "en-US"], r"^\d{4}$", &["32"]),
    no_postal("BF", &["fr-FR", "en-US"], &["226"]),
    row("BG", &["bg-BG", "en-US"], r"^\d{4}$", &["359"]),
    row("BH", &["ar-BH", "en-US"], r"^(?:(?:^|\b)(?:1[0-2]|[1-9])\d{2}(?:$|\b))$", &["973"]),
    no_postal("BI", &["fr-FR", "en-US"], &["257"]),
    no_postal("BJ", &["fr-FR", "en-US"], &["229"]),
    row("BL", &["fr-FR", "en-US"], r"^9[78][01]\d{2}$", &["590"]),
    row("BM", &["en-GB", "en-US"], r"^[A-Z]{2} ?[A-Z0-9]{2}$", &["1"]),
    row("BN", &["ms-BN", "en-US"], r"^[A-Z]{2} ?\d{4}$", &["673"]),
    no_postal("BO", &["es-BO", "en-US"], &["591"]),
    no_postal("BQ", &["nl-NL", "en-US"], &["599"]),
    no_postal("BS", &["en-GB", "en-US"], &["1"]),
    row("BT", &["en-US"], r"^\d{5}$", &["975"]),
    no_postal("BV", &["nb-NO", "en-US"], &["47"]),
    no_postal("BW", &["en-GB", "en-US"], &["267"]),
    no_postal("BZ", &["en-BZ", "en-US"], &["501"]),
    row("CC", &["en-US"], r"^6799$", &["61"]),
    no_postal("CD", &["fr-FR", "en-US"], &["243"]),
    no_postal("CF", &["fr-FR", "en-US"], &["236"]),
    no_postal("CG", &["fr-FR", "en-US"], &["242"]),
    row("CH", &["de-CH", "fr-CH", "it-CH", "en-US"], r"^\d{4}$", &["41"]),
    no_postal("CI", &["fr-FR", "en-US"], &["225"]),
    no_postal("CK", &["en-US"], &["682"]),
    row("CL", &["es-CL", "en-US"], r"^\d{7}$", &["56"]),
    no_postal("CM", &["fr-FR", "en-US"], &["237"]),
    row("CN", &["zh-CN", "en-US"], r"^\d{6}$", &["86"]),
    row("CO", &["es-CO", "en-US"], r"^\d{6}$", &["57"]),
    row("CR", &["es-CR", "en-US"], r"^(?:\d{4,5}|\d{3}-\d{4})$", &["506"]),
    row("CV", &["pt-CV", "en-US"], r"^\d{4}$", &["238"]),
    no_postal("CW", &["nl-NL", "en-US"], &["599"]),
    row("CX", &["en-US"], r"^6798$", &["61"]),
    row("CY", &["el-GR", "en-US"], r"^\d{4}$", &["357"]),
    row("CZ", &["cs-CZ", "en-US"], r"^\d{3} ?\d{2}$", &["420"]),
    no_postal("DJ", &["fr-FR", "en-US"], &["253"]),
    no_postal("DM", &["en-US"], &["1"]),
    row("DO", &["es-DO", "en-US"], r"^\d{5}$", &["1"]),
    row("DZ", &["ar-DZ", "en-US"], r"^\d{5}$", &["213"]),
    row("EC", &["es-EC", "en-US"], r"^\d{6}$", &["593"]),
    row("EE", &["et-EE", "en-US"], r"^\d{5}$", &["372"]),
    row("EG", &["ar-EG", "en-US"], r"^\d{5}$", &["20"]),
    no_postal("ER", &["ar-SA", "en-US"], &["291"]),
    row("ET", &["am-ET", "en-US"], r"^\d{4}$", &["251"]),
    row("FI", &["fi-FI", "sv-FI", "en-US"], r"^\d{5}$", &["358"]),
    no_postal("FJ", &["en-GB", "en-US"], &["679"]),
    row("FK", &["en-US"], r"^FIQQ 1ZZ$", &["500"]),
    row("FM", &["en-US"], r"^(9694[1-4])(?:[ \-](\d{4}))?$", &["691"]),
    row("FO", &["fo-FO", "en-US"], r"^\d{3}$", &["298"]),
    no_postal("GA", &["fr-FR", "en-US"], &["241"]),
    no_postal("GD", &["en-US"], &["1"]),
    row("GE", &["ka-GE", "en-US"], r"^\d{4}$", &["995"]),
    row("GF", &["fr-FR", "en-US"], r"^9[78]3\d{2}$", &["594"]),
    row("GG", &["en-US"], r"^GY\d[\dA-Z]? ?\d[ABD-HJLN-UW-Z]{2}$", &["44"]),
    no_postal("GH", &["en-GB", "en-US"], &["233"]),
    row("GI", &["en-US"], r"^GX11 1AA$", &["350"]),
    row("GL", &["da-DK", "en-US"], r"^39\d{2}$", &["299"]),
    no_postal("GM", &["en-US"], &["220"]),
    row("GN", &["fr-FR", "en-US"], r"^\d{3}$", &["224"]),
    row("GP", &["fr-FR", "en-US"], r"^9[78][01]\d{2}$", &["590"]),
    no_postal("GQ", &["es-ES", "en-US"], &["240"]),
    row("GR", &["el-GR", "en-US"], r"^\d{3} ?\d{2}$", &["30"]),
    row("GS", &["en-US"], r"^SIQQ 1ZZ$", &["500"]),
    row("GT", &["es-GT", "en-US"], r"^\d{5}$", &["502"]),
    row("GU", &["en-US"], r"^(?:(969(?:[12]\d|3[12]))(?:[ \-](\d{4}))?)$", &["1"]),
    row("GW", &["pt-PT", "en-US"], r"^\d{4}$", &["245"]),
    no_postal("GY", &["en-US"], &["592"]),
    no_postal("HK", &["zh-HK", "en-US"], &["852"]),
    row("HM", &["en-US"], r"^\d{4}$", &["672"]),
    row("HN", &["es-HN", "en-US"], r"^\d{5}$", &["504"]),
    row("HR", &["hr-HR", "en-US"], r"^\d{5}$", &["385"]),
    row("HT", &["fr-FR", "en-US"], r"^\d{4}$", &["509"]),
    row("ID", &["id-ID", "en-US"], r"^\d{5}$", &["62"]),
    row("IE", &["en-IE", "en-US"], r"^[\dA-Z]{3} ?[\dA-Z]{4}$", &["353"]),
    row("IL", &["he-IL", "en-US"], r"^\d{5}(?:\d{2})?$", &["972"]),
    row("IM", &["en-US"], r"^IM\d[\dA-Z]? ?\d[ABD-HJLN-UW-Z]{2}$", &["44"]),
    row("IO", &["en-US"], r"^BBND 1ZZ$", &["246"]),
    row("IQ", &["ar-IQ", "en-US"], r"^\d{5}$", &["964"]),
    row("IS", &["is-IS", "en-US"], r"^\d{3}$", &["354"]),
    row("IT", &["it-IT", "en-US"], r"^\d{5}$", &["39"]),
    row("JE", &["en-US"], r"^JE\d[\dA-Z]? ?\d[ABD-HJLN-UW-Z]{2}$", &["44"]),
    no_postal("JM", &["en-JM", "en-US"], &["1"]),
    row("JO", &["ar-JO", "en-US"], r"^\d{5}$", &["962"]),
    row("KE", &["sw-KE", "en-US"], r"^\d{5}$", &["254"]),
    row("KH", &["km-KH", "en-US"], r"^\d{5,6}$", &["855"]),
    no_postal("KI", &["en-US"], &["686"]),
    no_postal("KM", &["fr-FR", "en-US"], &["269"]),
    no_postal("KN", &["en-GB", "en-US"], &["1"]),
    row("KR", &["ko-KR", "en-US"], r"^\d{5}$", &["82"]),
    row("KW", &["ar-KW", "en-US"], r"^\d{5}$", &["965"]),
    row("KY", &["en-GB", "en-US"], r"^KY\d-\d{4}$", &["1"]),
    row("LA", &["lo-LA", "en-US"], r"^\d{5}$", &["856"]),
    row("LB", &["ar-LB", "en-US"], r"^(?:\d{4})(?: ?(?:\d{4}))?$", &["961"]),
    no_postal("LC", &["en-US"], &["1"]),
    row("LI", &["de-LI", "en-US"], r"^(?:948[5-9]|949[0-8])$", &["423"]),
    row("LK", &["si-LK", "en-US"], r"^\d{5}$", &["94"]),
    row("LR", &["en-US"], r"^\d{4}$", &["231"]),
    row("LS", &["en-US"], r"^\d{3}$", &["266"]),
    row("LT", &["lt-LT", "en-US"], r"^\d{5}$", &["370"]),
    row("LU", &["de-LU", "fr-LU", "en-US"], r"^\d{4}$", &["352"]),
    row("LV", &["lv-LV", "en-US"], r"^LV-\d{4}$", &["371"]),
    no_postal("LY", &["ar-LY", "en-US"], &["218"]),
    row("MA", &["ar-MA", "en-US"], r"^\d{5}$", &["212"]),
    row("MC", &["fr-MC", "en-US"], r"^980\d{2}$", &["377"]),
    row("ME", &["sr-Latn-ME", "en-US"], r"^8\d{4}$", &["382"]),
    row("MF", &["fr-FR", "en-US"], r"^9[78][01]\d{2}$", &["590"]),
    row("MG", &["fr-FR", "en-US"], r"^\d{3}$", &["261"]),
    row("MH", &["en-US"], r"^(969[67]\d)(?:[ \-](\d{4}))?$", &["692"]),
    row("MK", &["mk-MK", "en-US"], r"^\d{4}$", &["389"]),
    no_postal("ML", &["fr-FR", "en-US"], &["223"]),
    row("MM", &["en-US"], r"^\d{5}$", &["95"]),
    row("MN", &["mn-MN", "en-US"], r"^\d{5}$", &["976"]),
    no_postal("MO", &["zh-MO", "en-US"], &["853"]),
    row("MP", &["en-US"], r"^(9695[012])(?:[ \-](\d{4}))?$", &["1"]),
    row("MQ", &["fr-FR", "en-US"], r"^9[78]2\d{2}$", &["596"]),
    no_postal("MR", &["ar-SA", "en-US"], &["222"]),
    no_postal("MS", &["en-US"], &["1"]),
    row("MT", &["mt-MT", "en-US"], r"^[A-Z]{3} ?\d{2,4}$", &["356"]),
    row("MU", &["en-GB", "en-US"], r"^(?:\d{3}(?:\d{2}|[A-Z]{2}\d{3}))$", &["230"]),
    row("MV", &["dv-MV", "en-US"], r"^\d{5}$", &["960"]),
    no_postal("MW", &["en-US"], &["265"]),
    row("MX", &["es-MX", "en-US"], r"^\d{5}$", &["52"]),
    row("MY", &["en-MY", "en-US"], r"^\d{5}$", &["60"]),
    row("MZ", &["pt-PT", "en-US"], r"^\d{4}$", &["258"]),
    row("NA", &["en-GB", "en-US"], r"^\d{5}$", &["264"]),
    row("NC", &["fr-FR", "en-US"], r"^988\d{2}$", &["687"]),
    row("NE", &["fr-FR", "en-US"], r"^\d{4}$", &["227"]),
    row("NF", &["en-US"], r"^2899$", &["672"]),
    row("NG", &["ha-Latn-NG", "en-US"], r"^\d{6}$", &["234"]),
    row("NI", &["es-NI", "en-US"], r"^\d{5}$", &["505"]),
    row("NO", &["nb-NO", "en-US"], r"^\d{4}$", &["47"]),
    row("NP", &["ne-NP", "en-US"], r"^\d{5}$", &["977"]),
    no_postal("NR", &["en-US"], &["674"]),
    no_postal("NU", &["en-US"], &["683"]),
    row("NZ", &["en-NZ", "en-US"], r"^\d{4}$", &["64"]),
    row("OM", &["ar-OM", "en-US"], r"^(?:PC )?\d{3}$", &["968"]),
    no_postal("PA", &["es-PA", "en-US"], &["507"]),
    row("PE", &["es-PE", "en-US"], r"^(?:(?:LIMA \d{1,2}|CALLAO 0?\d)|[0-2]\d{4})$", &["51"]),
    row("PF", &["fr-FR", "en-US"], r"^987\d{2}$", &["689"]),
    row("PG", &["en-US"], r"^\d{3}$", &["675"]),
    row("PH", &["en-PH", "en-US"], r"^\d{4}$", &["63"]),
    row("PK", &["ur-PK", "en-US"], r"^\d{5}$", &["92"]),
    row("PM", &["fr-FR", "en-US"], r"^9[78]5\d{2}$", &["508"]),
    row("PN", &["en-US"], r"^PCRN 1ZZ$", &["64"]),
    row("PR", &["es-PR", "en-US"], r"^(00[679]\d{2})(?:[ \-](\d{4}))?$", &["1"]),
    no_postal("PS", &["ar-SA", "en-US"], &["970"]),
    row("PW", &["en-US"], r"^(?:(969(?:39|40))(?:[ \-](\d{4}))?)$", &["680"]),
    row("PY", &["es-PY", "en-US"], r"^\d{4}$", &["595"]),
    no_postal("QA", &["ar-QA", "en-US"], &["974"]),
    row("RE", &["fr-FR", "en-US"], r"^9[78]4\d{2}$", &["262"]),
    row("RO", &["ro-RO", "en-US"], r"^\d{6}$", &["40"]),
    row("RS", &["sr-Latn-RS", "sr-Cyrl-RS", "en-US"], r"^\d{5,6}$", &["381"]),
    no_postal("RW", &["rw-RW", "en-US"], &["250"]),
    row("SA", &["ar-SA", "en-US"], r"^\d{5}$", &["966"]),
    no_postal("SB", &["en-US"], &["677"]),
    no_postal("SC", &["en-US"], &["248"]),
    row("SG", &["en-SG", "zh-SG", "en-US"], r"^\d{6}$", &["65"]),
    row("SH", &["en-US"], r"^(?:(?:ASCN|STHL) 1ZZ)$", &["290"]),
    row("SI", &["sl-SI", "en-US"], r"^\d{4}$", &["386"]),
    row("SJ", &["nb-NO", "en-US"], r"^\d{4}$", &["47"]),
    row("SK", &["sk-SK", "en-US"], r"^\d{3} ?\d{2}$", &["421"]),
    no_postal("SL", &["en-US"], &["232"]),
    row("SM", &["it-IT", "en-US"], r"^4789\d$", &["378"]),
    row("SN", &["wo-SN", "en-US"], r"^\d{5}$", &["221"]),
    row("SO", &["ar-SA", "en-US"], r"^[A-Z]{2} ?\d{5}$", &["252"]),
    no_postal("SR", &["nl-NL"], &["597"]),
    no_postal("SS", &["en-US"], &["211"]),
    no_postal("ST", &["pt-PT", "en-US"], &["239"]),
    row("SV", &["es-SV", "en-US"], r"^CP [1-3][1-7][0-2]\d$", &["503"]),
    no_postal("SX", &["en-US"], &["1"]),
    row("SZ", &["en-US"], r"^[HLMS]\d{3}$", &["268"]),
    row("TC", &["en-US"], r"^TKCA 1ZZ$", &["1"]),
    no_postal("TD", &["fr-FR", "en-US"], &["235"]),
    no_postal("TF", &["fr-FR", "en-US"], &["262"]),
    no_postal("TG", &["fr-FR", "en-US"], &["228"]),
    row("TH", &["th-TH", "en-US"], r"^\d{5}$", &["66"]),
    no_postal("TK", &["en-US"], &["690"]),
    no_postal("TL", &["pt-PT", "en-US"], &["670"]),
    row("TM", &["tk-TM", "en-US"], r"^\d{6}$", &["993"]),
    row("TN", &["ar-TN", "en-US"], r"^\d{4}$", &["216"]),
    no_postal("TO", &["en-US"], &["676"]),
    row("TR", &["tr-TR", "en-US"], r"^\d{5}$", &["90"]),
    no_postal("TT", &["en-TT", "en-US"], &["1"]),
    no_postal("TV", &["en-US"], &["688"]),
    row("TW", &["zh-TW", "en-US"], r"^\d{3}(?:\d{2,3})?$", &["886"]),
    row("TZ", &["en-GB", "en-US"], r"^\d{4,5}$", &["255"]),
    no_postal("UG", &["en-GB", "en-US"], &["256"]),
    row("UM", &["en-US"], r"^96898$", &["1"]),
    row("UY", &["es-UY", "en-US"], r"^\d{5}$", &["598"]),
    row("VA", &["it-IT", "en-US"], r"^00120$", &["39"]),
    row("VC", &["en-US"], r"^VC\d{4}$", &["1"]),
    row("VE", &["es-VE", "en-US"], r"^\d{4}$", &["58"]),
    row("VG", &["en-US"], r"^VG\d{4}$", &["1"]),
    row("VI", &["en-US"], r"^(?:(008(?:(?:[0-4]\d)|(?:5[01])))(?:[ \-](\d{4}))?)$", &["1"]),
    row("VN", &["vi-VN", "en-US"], r"^\d{5}\d?$", &["84"]),
    no_postal("VU", &["en-US"], &["678"]),
    row("WF", &["fr-FR", "en-US"], r"^986\d{2}$", &["681"]),
    no_postal("WS", &["en-US"], &["685"]),
    no_postal("XE", &["nl-NL", "en-US"], &["599"]),
    no_postal("XJ", &["nb-NO", "en-US"], &["47"]),
    row("XK", &["en-US"], r"^[1-7]\d{4}$", &["383"]),
    no_postal("XS", &["nl-NL", "en-US"], &["599"]),
    no_postal("YE", &["ar-YE", "en-US"], &["967"]),
    row("YT", &["fr-FR", "en-US"], r"^976\d{2}$", &["262"]),
    row("ZA", &["en-ZA", "en-US"], r"^\d{4}$", &["27"]),
    row("ZM", &["en-GB", "en-US"], r"^\d{5}$", &["260"]),
    no_postal("ZW", &["en-ZW", "en-US"], &["263"]),
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

    /// The cultures' language parts (`az-Latn-AZ` → `az`), each once, in the cultures' order.
    fn language_parts(&self) -> Vec<&'static str> {
        let mut parts = Vec::new();
        for culture in self.cultures {
            let part = culture.split('-').next().unwrap_or(culture);
            if !parts.contains(&part) {
                parts.push(part);
            }
        }
        parts
    }

    /// The resource `GET /v1/countryvalidationrules/{country}` answers.
    pub fn resource(&self) -> CountryValidationRules {
        CountryValidationRules {
            iso2_code: self.iso2,
            default_culture: self.cultures.first().copied().unwrap_or("en-US"),
            is_state_required: self.state_required,
            supported_states_list: self.states,
            supported_languages_list: self.languages.map_or_else(|| self.language_parts(), <[_]>::to_vec),
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
    pub supported_languages_list: Vec<&'static str>,
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
    fn every_market_has_a_row_and_markets_without_postal_codes_require_none() {
        assert!(COUNTRIES.len() >= 240, "{}", COUNTRIES.len());
        let (qa, ae, sg, ie) = (rules("QA").unwrap(), rules("ae").unwrap(), rules("SG").unwrap(), rules("IE").unwrap());
        assert!(!qa.postal_code_required && qa.postal_code_regex.is_none() && qa.postal_code_fits(""));
        assert!(!ae.postal_code_required && ae.calling_codes == ["971"]);
        assert!(sg.postal_code_required && sg.postal_code_fits("018956") && !sg.postal_code_fits("18956"));
        assert!(ie.postal_code_fits("D02 X285") && !ie.postal_code_fits("D02"));
        assert!(rules("CH").unwrap().postal_code_fits("8001") && !rules("CH").unwrap().postal_code_fits("80011"));
        for r in COUNTRIES {
            assert!(
                !r.calling_codes.is_empty() && r.calling_codes.iter().all(|c| c.parse::<u16>().is_ok()),
                "{}",
                r.iso2
            );
        }
    }

    #[test]
    fn languages_are_the_cultures_language_parts_but_where_live_answers_differ() {
        let langs = |code: &str| {
            serde_json::to_value(rules(code).unwrap().resource()).unwrap()["supportedLanguagesList"].clone()
        };
        assert_eq!(langs("RS"), serde_json::json!(["sr", "en"]));
        assert_eq!(langs("CH"), serde_json::json!(["de", "fr", "it", "en"]));
        assert_eq!(langs("SR"), serde_json::json!(["nl"]));
        assert_eq!(langs("PT"), serde_json::json!(["en", "pt-PT"]));
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
