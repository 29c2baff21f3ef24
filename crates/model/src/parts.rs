//! The typed parts of a new customer (spec §3.5, §10): each is built only by parsing its text,
//! so a value of one of these types is valid by construction and nothing downstream checks it
//! again. Parsing says what is wrong but not where: the caller knows the member.

use std::fmt;

/// Why a text is not a valid part; the caller names the member it came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Malformed(pub(crate) &'static str);

/// The initial domain `<prefix>.onmicrosoft.com`, prefix 1–27 ASCII letters and digits, held
/// lowercased: domains are unique case-insensitively, and this is the form stored and emitted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct InitialDomain(String);

impl InitialDomain {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for InitialDomain {
    type Error = Malformed;

    fn try_from(s: &str) -> Result<Self, Malformed> {
        let lower = s.to_ascii_lowercase();
        let ok = lower
            .strip_suffix(".onmicrosoft.com")
            .is_some_and(|p| (1..=27).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_alphanumeric()));
        if ok {
            Ok(InitialDomain(lower))
        } else {
            Err(Malformed("must be <prefix>.onmicrosoft.com with a prefix of 1 to 27 letters and digits"))
        }
    }
}

/// An email address: 3–254 characters, one `@` with a non-empty local part before it and a
/// dotted host after it, no spaces or control characters. Kept as sent (the local part is
/// case-sensitive).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for EmailAddress {
    type Error = Malformed;

    fn try_from(s: &str) -> Result<Self, Malformed> {
        let n = s.chars().count();
        if !(3..=254).contains(&n) {
            return Err(Malformed("must be 3 to 254 characters long"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(Malformed("must be an email address (without spaces or control characters)"));
        }
        match s.split_once('@') {
            Some((local, host)) if !local.is_empty() && host.contains('.') && !host.contains('@') => {
                Ok(EmailAddress(s.to_string()))
            }
            _ => Err(Malformed("must be an email address")),
        }
    }
}

/// An ISO 3166-1 alpha-2 country code, held in upper case (the standard's form, which the
/// server stores and emits whatever case was sent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).expect("two ASCII letters")
    }

    /// Whether customers here need a registration number and a phone number (spec §10), as
    /// the country table says.
    pub fn needs_registration(self) -> bool {
        crate::countries::rules_or_default(self.as_str()).registration_required
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = Malformed;

    fn try_from(s: &str) -> Result<Self, Malformed> {
        match s.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(Malformed("must be a two-letter ISO 3166-1 country code")),
        }
    }
}

macro_rules! display_as_str {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    )*};
}
display_as_str!(InitialDomain, EmailAddress, CountryCode);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn domains_are_folded_and_bounded() {
        assert_eq!(InitialDomain::try_from("Contoso42.OnMicrosoft.com").unwrap().as_str(), "contoso42.onmicrosoft.com");
        let longest = format!("{}.onmicrosoft.com", "a".repeat(27));
        assert!(InitialDomain::try_from(longest.as_str()).is_ok());
        for bad in
            ["contoso.com", ".onmicrosoft.com", "a-b.onmicrosoft.com", "ä.onmicrosoft.com", "a.b.onmicrosoft.com"]
        {
            assert!(InitialDomain::try_from(bad).is_err(), "{bad}");
        }
        assert!(InitialDomain::try_from(format!("{}.onmicrosoft.com", "a".repeat(28)).as_str()).is_err());
    }

    #[test]
    fn emails_need_a_local_part_and_a_dotted_host() {
        assert_eq!(EmailAddress::try_from("Ada@Example.com").unwrap().as_str(), "Ada@Example.com");
        for bad in ["", "a@", "@b.c", "a@b", "a@b@c.d", "a b@c.d", "a@c.d\n", "ab"] {
            assert!(EmailAddress::try_from(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn countries_are_two_letters_in_upper_case() {
        let ua = CountryCode::try_from("ua").unwrap();
        assert_eq!(ua.as_str(), "UA");
        assert!(ua.needs_registration());
        assert!(!CountryCode::try_from("US").unwrap().needs_registration());
        for bad in ["", "U", "USA", "U1", "Üs", "Narnia"] {
            assert!(CountryCode::try_from(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        /// Whatever the text, a parsed domain is in the one form the store keys on, and
        /// parsing that form again gives the same domain.
        #[test]
        fn parsed_domains_are_canonical(s in "[a-zA-Z0-9.ä-]{0,40}(\\.onmicrosoft\\.com|\\.OnMicrosoft\\.COM)?") {
            if let Ok(d) = InitialDomain::try_from(s.as_str()) {
                prop_assert_eq!(d.as_str(), s.to_ascii_lowercase());
                prop_assert_eq!(InitialDomain::try_from(d.as_str()).unwrap(), d.clone());
                let prefix = d.as_str().strip_suffix(".onmicrosoft.com").unwrap();
                prop_assert!((1..=27).contains(&prefix.len()));
            }
        }

        /// A country code parses exactly when it is two ASCII letters, in any case.
        #[test]
        fn countries_parse_exactly_two_ascii_letters(s in "\\PC{0,3}") {
            let expected = s.len() == 2 && s.bytes().all(|b| b.is_ascii_alphabetic());
            prop_assert_eq!(CountryCode::try_from(s.as_str()).is_ok(), expected);
        }
    }
}
