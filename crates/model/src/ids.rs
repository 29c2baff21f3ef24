//! GUID identifiers: partners (tenants) and customers are compared case-insensitively and
//! always emitted in lowercase hyphenated form.

use std::fmt;

/// Parses a GUID in any case (hyphenated, optionally braced) into its lowercase hyphenated form.
pub fn parse_guid(s: &str) -> Option<String> {
    uuid::Uuid::parse_str(s.trim()).ok().map(|u| u.hyphenated().to_string())
}

/// A partner's Entra tenant id. Holding one does not mean it is verified: the server only
/// builds store handles from the one its authentication extractor checked.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PartnerId(String);

impl PartnerId {
    /// Parses a GUID; `None` when it is not one.
    pub fn parse(s: &str) -> Option<Self> {
        parse_guid(s).map(PartnerId)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartnerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A customer's id (its tenant id): a GUID, held in lowercase hyphenated form. Built only by
/// parsing or at random, so whatever holds one holds a valid id.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct CustomerId(String);

impl CustomerId {
    /// A fresh random (v4) id.
    pub fn random() -> CustomerId {
        uuid::Uuid::new_v4().into()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for CustomerId {
    type Error = crate::parts::Malformed;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        parse_guid(s).map(CustomerId).ok_or(crate::parts::Malformed("must be a GUID"))
    }
}

impl From<uuid::Uuid> for CustomerId {
    fn from(u: uuid::Uuid) -> Self {
        CustomerId(u.hyphenated().to_string())
    }
}

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_are_normalised_to_lowercase() {
        assert_eq!(
            parse_guid("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}").as_deref(),
            Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301")
        );
        assert_eq!(parse_guid("not-a-guid"), None);
        assert_eq!(parse_guid(""), None);
    }
}
