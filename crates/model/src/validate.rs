//! The member rules of spec §3.5 and §10. A body is checked whole and every refused member is
//! reported at once, each by its dotted path, so a client fixes everything in one round trip.
//! Each member is reported at most once (its first broken rule), and a rule that depends on
//! another member (the registration number on the country) is skipped when that member is
//! itself refused.

use std::fmt;

use crate::customer::{Address, BillingProfile};
use crate::parts::{CountryCode, EmailAddress, Malformed};

/// Longest text accepted in any member without a tighter limit of its own.
pub(crate) const MAX_TEXT: usize = 256;

/// One refused member.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub member: String,
    pub message: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.member, self.message)
    }
}

/// Every refused member of one body, never none, in the order the members appear in the
/// resource (spec §3.2–3.5: company profile, billing profile, then the customer's own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violations(Vec<Invalid>);

impl Violations {
    pub fn iter(&self) -> std::slice::Iter<'_, Invalid> {
        self.0.iter()
    }

    /// The refused members' paths, as the error body's `data` lists them.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|i| i.member.as_str())
    }
}

impl fmt::Display for Violations {
    /// One sentence per member: `billingProfile.email is required. companyProfile.domain must be …`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, invalid) in self.0.iter().enumerate() {
            write!(f, "{}{invalid}.", if i == 0 { "" } else { " " })?;
        }
        Ok(())
    }
}

impl std::error::Error for Violations {}

/// Collects refusals while one body is checked.
#[derive(Default)]
pub(crate) struct Report(Vec<Invalid>);

impl Report {
    /// The checked value, or `None` once the refusal of `member` is noted.
    pub(crate) fn take<T>(&mut self, member: &str, checked: Result<T, String>) -> Option<T> {
        checked.map_err(|message| self.0.push(Invalid { member: member.to_string(), message })).ok()
    }

    /// Appends another report's refusals after this one's.
    pub(crate) fn append(&mut self, other: Report) {
        self.0.extend(other.0);
    }

    /// `Err` with everything noted, if anything was.
    pub(crate) fn finish(self) -> Result<(), Violations> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Violations(self.0))
        }
    }
}

/// Checks a billing profile on its own (the full replacement of PUT), `at` being its path;
/// an empty `at` checks a profile that is the whole body.
pub fn validate_billing_profile(b: &BillingProfile, at: &str) -> Result<(), Violations> {
    let mut report = Report::default();
    billing_profile(&mut report, b, at);
    report.finish()
}

/// Notes the billing profile's refusals; returns its email and country when they are valid.
pub(crate) fn billing_profile(
    report: &mut Report,
    b: &BillingProfile,
    at: &str,
) -> (Option<EmailAddress>, Option<CountryCode>) {
    let member = |m: &str| if at.is_empty() { m.to_string() } else { format!("{at}.{m}") };
    report.take(&member("firstName"), optional_text(&b.first_name, 1, 50));
    report.take(&member("lastName"), optional_text(&b.last_name, 1, 50));
    let email = report.take(&member("email"), parsed(required(&b.email), EmailAddress::try_from));
    report.take(&member("culture"), required(&b.culture).and_then(language_tag));
    report.take(&member("language"), required(&b.language).and_then(language_tag));
    report.take(&member("companyName"), required(&b.company_name).and_then(|n| text(n, 1, MAX_TEXT)));
    let path = member("defaultAddress");
    let country = match &b.default_address {
        Some(address) => self::address(report, address, &path, true),
        None => {
            report.take::<()>(&path, Err("is required".into()));
            None
        }
    };
    (email, country)
}

/// Notes an address's refusals (§3.5 limits and sane bounds on the rest); `required`: a billing
/// address, which must have a country, an address line, and the city and postal code its
/// country's rules require (the country table, `countries.rs`). Returns its country when valid.
pub(crate) fn address(report: &mut Report, a: &Address, at: &str, required: bool) -> Option<CountryCode> {
    let member = |m: &str| format!("{at}.{m}");
    let needed = |value: &Option<String>, min: usize, max: usize, rule: bool| -> Result<(), String> {
        if required && rule {
            self::required(value).and_then(|v| text(v, min, max)).map(drop)
        } else {
            optional_text(value, min, max).map(drop)
        }
    };
    let country = match (&a.country, required) {
        (None, false) => None,
        (Some(c), false) => report.take(&member("country"), parsed(Ok(c), CountryCode::try_from)),
        (c, true) => report.take(&member("country"), parsed(self::required(c), CountryCode::try_from)),
    };
    let rules = crate::countries::rules_or_default(country.as_ref().map_or("", CountryCode::as_str));
    report.take(&member("region"), optional_text(&a.region, 0, MAX_TEXT));
    report.take(&member("city"), needed(&a.city, 0, MAX_TEXT, rules.city_required));
    report.take(&member("state"), optional_text(&a.state, 0, MAX_TEXT));
    report.take(&member("district"), optional_text(&a.district, 0, MAX_TEXT));
    report.take(&member("addressLine1"), needed(&a.address_line1, 1, 200, true));
    report.take(&member("addressLine2"), optional_text(&a.address_line2, 0, 200));
    report.take(&member("addressLine3"), optional_text(&a.address_line3, 0, 200));
    report.take(&member("postalCode"), needed(&a.postal_code, 0, MAX_TEXT, rules.postal_code_required));
    report.take(&member("firstName"), optional_text(&a.first_name, 1, 50));
    report.take(&member("lastName"), optional_text(&a.last_name, 1, 50));
    report.take(&member("middleName"), optional_text(&a.middle_name, 1, 50));
    report.take(&member("emailAddress"), optional_text(&a.email_address, 0, MAX_TEXT));
    let phone_needed = required && country.is_some_and(CountryCode::needs_registration);
    let phone = if phone_needed { self::required(&a.phone_number).map(Some) } else { Ok(a.phone_number.as_deref()) };
    report.take(&member("phoneNumber"), phone.and_then(|p| p.map_or(Ok(()), phone_number)));
    country
}

/// Required for the registration countries, refused for every other country.
pub(crate) fn registration_number(number: &Option<String>, country: CountryCode) -> Result<(), String> {
    let given = number.as_deref().is_some_and(|n| !n.trim().is_empty());
    match (country.needs_registration(), given) {
        (true, false) => Err(format!("is required for customers in {country}")),
        (false, true) => Err(format!("is not accepted for customers in {country}")),
        _ => optional_text(number, 0, 50).map(drop),
    }
}

/// Parses a present text into a part, the part's complaint becoming the message.
pub(crate) fn parsed<'a, T>(
    value: Result<&'a str, String>,
    parse: impl FnOnce(&'a str) -> Result<T, Malformed>,
) -> Result<T, String> {
    value.and_then(|v| parse(v).map_err(|e| e.to_string()))
}

/// Present, not blank, printable.
pub(crate) fn required(value: &Option<String>) -> Result<&str, String> {
    match value.as_deref() {
        Some(v) if !v.trim().is_empty() => printable(v),
        _ => Err("is required".into()),
    }
}

pub(crate) fn optional_text(value: &Option<String>, min: usize, max: usize) -> Result<Option<&str>, String> {
    value.as_deref().map(|v| text(v, min, max)).transpose()
}

/// Printable and `min` to `max` characters long.
pub(crate) fn text(value: &str, min: usize, max: usize) -> Result<&str, String> {
    printable(value)?;
    let n = value.chars().count();
    if n < min || n > max {
        Err(format!("must be {min} to {max} characters long"))
    } else {
        Ok(value)
    }
}

/// Control characters (NUL, line breaks, escapes) belong in no member of a customer.
fn printable(value: &str) -> Result<&str, String> {
    if value.chars().any(char::is_control) {
        Err("must not contain control characters".into())
    } else {
        Ok(value)
    }
}

/// `en`, `en-US`, `zh-Hans-CN`: letters and digits in hyphenated parts.
fn language_tag(tag: &str) -> Result<&str, String> {
    let ok = tag.len() <= 35
        && tag.split('-').enumerate().all(|(i, part)| {
            let n = part.len();
            (if i == 0 { (2..=3).contains(&n) } else { (1..=8).contains(&n) })
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if ok {
        Ok(tag)
    } else {
        Err("must be a language tag such as en or en-US".into())
    }
}

fn phone_number(phone: &str) -> Result<(), String> {
    text(phone, 0, MAX_TEXT)?;
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if phone.is_empty() || (allowed && phone.chars().any(|c| c.is_ascii_digit())) {
        Ok(())
    } else {
        Err("must contain only digits, spaces and + - ( ) .".into())
    }
}
