//! The list `filter` (spec §4.2): every client spelling in, one typed filter out.

use serde_json::Value;

/// The longest filter value accepted, in characters.
pub const MAX_FILTER_VALUE_CHARS: usize = 256;

/// The customer member a filter matches on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FilterField {
    CompanyName,
    Domain,
    IndirectReseller,
    IndirectCloudSolutionProvider,
}

impl FilterField {
    /// Reads a field name in any case, including the reference's `DisplayName` and
    /// `DefaultDomainName` synonyms.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "companyname" | "displayname" => Some(FilterField::CompanyName),
            "domain" | "defaultdomainname" => Some(FilterField::Domain),
            "indirectreseller" => Some(FilterField::IndirectReseller),
            "indirectcloudsolutionprovider" => Some(FilterField::IndirectCloudSolutionProvider),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FilterField::CompanyName => "CompanyName",
            FilterField::Domain => "Domain",
            FilterField::IndirectReseller => "IndirectReseller",
            FilterField::IndirectCloudSolutionProvider => "IndirectCloudSolutionProvider",
        }
    }
}

/// A case-insensitive prefix filter on one field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Filter {
    pub field: FilterField,
    /// The prefix as the client gave it; compare through [`fold_key`].
    pub value: String,
}

/// Why a filter was refused; [`FilterError::code`] gives the contract's error code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FilterError {
    #[error("filter is not valid JSON: {0}")]
    Malformed(String),
    #[error("filter is missing its {0}")]
    Missing(&'static str),
    #[error("filter value is longer than {MAX_FILTER_VALUE_CHARS} characters")]
    TooLong,
    #[error("filter field '{0}' is not supported; use CompanyName, Domain, IndirectReseller or IndirectCloudSolutionProvider")]
    UnsupportedField(String),
    #[error("filter operator '{0}' is not supported; only starts_with is")]
    UnsupportedOperator(String),
}

impl FilterError {
    /// 2000 for an unsupported field or operator, 800002 for any other invalid input.
    pub fn code(&self) -> i64 {
        match self {
            FilterError::UnsupportedField(_) | FilterError::UnsupportedOperator(_) => 2000,
            _ => 800002,
        }
    }
}

/// The comparison form of text for case-insensitive, Unicode-aware matching and ordering.
/// Characters are lowered one by one, without context (so `Σ` is always `σ`, never the
/// word-final `ς`): a prefix then folds exactly as the start of a longer name does.
pub fn fold_key(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

impl Filter {
    /// Parses the JSON form: `{"Field": .., "Value": .., "Operator": ..}` with keys in any
    /// case; other keys (Java's `fieldType`) are ignored.
    pub fn parse_json(text: &str) -> Result<Self, FilterError> {
        let value: Value = serde_json::from_str(text).map_err(|e| FilterError::Malformed(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(FilterError::Malformed("expected a JSON object".into()));
        };
        let get = |name: &str| map.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v);
        let field = get("field").map(scalar_text).transpose()?;
        let value = get("value").map(scalar_text).transpose()?;
        let operator = get("operator").map(scalar_text).transpose()?;
        Self::from_parts(field.as_deref(), value.as_deref(), operator.as_deref())
    }

    /// Builds a filter from its three members, as they come in the JSON form or in the
    /// flattened `filter.field=..&filter.value=..&filter.operator=..` form.
    pub fn from_parts(field: Option<&str>, value: Option<&str>, operator: Option<&str>) -> Result<Self, FilterError> {
        let field = field.ok_or(FilterError::Missing("field"))?;
        let field = FilterField::parse(field).ok_or_else(|| FilterError::UnsupportedField(field.to_string()))?;
        if let Some(op) = operator {
            if !is_starts_with(op) {
                return Err(FilterError::UnsupportedOperator(op.to_string()));
            }
        }
        let value = value.ok_or(FilterError::Missing("value"))?;
        if value.chars().count() > MAX_FILTER_VALUE_CHARS {
            return Err(FilterError::TooLong);
        }
        Ok(Filter { field, value: value.to_string() })
    }

    /// The folded prefix that stored keys are compared with.
    pub fn folded_value(&self) -> String {
        fold_key(&self.value)
    }
}

fn is_starts_with(op: &str) -> bool {
    let folded: String = op.trim().chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect();
    folded == "startswith" || folded == "9"
}

/// Filter members are text, but an integer operator (`9`) arrives as a JSON number.
fn scalar_text(v: &Value) -> Result<String, FilterError> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(FilterError::Malformed(format!("filter members must be strings, got {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_client_spelling_parses() {
        for text in [
            r#"{"Field":"CompanyName","Value":"cont","Operator":"starts_with"}"#,
            r#"{"field":"companyname","value":"cont","operator":"StartsWith","fieldType":"string"}"#,
            r#"{"FIELD":"DisplayName","VALUE":"cont","OPERATOR":9}"#,
            r#"{"Field":"companyName","Value":"cont","Operator":"startsWith"}"#,
        ] {
            let f = Filter::parse_json(text).unwrap();
            assert_eq!(f, Filter { field: FilterField::CompanyName, value: "cont".into() }, "{text}");
        }
        assert_eq!(
            Filter::parse_json(r#"{"Field":"DefaultDomainName","Value":"a"}"#).unwrap().field,
            FilterField::Domain
        );
    }

    #[test]
    fn refusals_carry_their_codes() {
        assert_eq!(Filter::parse_json("{oops").unwrap_err().code(), 800002);
        assert_eq!(Filter::parse_json(r#"{"Field":"Email","Value":"a"}"#).unwrap_err().code(), 2000);
        assert_eq!(
            Filter::parse_json(r#"{"Field":"Domain","Value":"a","Operator":"equals"}"#).unwrap_err().code(),
            2000
        );
        let long = format!(r#"{{"Field":"Domain","Value":"{}"}}"#, "a".repeat(257));
        assert_eq!(Filter::parse_json(&long).unwrap_err(), FilterError::TooLong);
        let ok = format!(r#"{{"Field":"Domain","Value":"{}"}}"#, "ä".repeat(256));
        assert!(Filter::parse_json(&ok).is_ok());
    }

    #[test]
    fn folding_is_unicode_aware() {
        assert!(fold_key("Ärzte GmbH").starts_with(&fold_key("ärz")));
        assert!(fold_key("ΟΔΟΣΤΡΩΤΗΡΑΣ").starts_with(&fold_key("ΟΔΟΣ")));
    }
}
