//! `application/x-www-form-urlencoded` bodies (spec §8): dotted, case-insensitive member
//! paths such as `companyProfile.domain=..&billingProfile.defaultAddress.country=US`.

use serde_json::{Map, Value};

use crate::canonical::{canonical_member, ARRAY_MEMBERS};

/// The deepest member path a form body may use; the contract's deepest is three
/// (`billingProfile.defaultAddress.country`).
pub const MAX_PATH_SEGMENTS: usize = 8;

/// The most `key=value` pairs a form body may hold: a customer has about thirty members, so
/// this leaves room for long `customDomains` lists while bounding what a body can make the
/// server build.
pub const MAX_PAIRS: usize = 10_000;

/// Why a form body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    /// A form key nests deeper than any member of the contract.
    #[error("form key '{0}' nests deeper than {MAX_PATH_SEGMENTS} members")]
    TooDeep(String),
    #[error("form body has more than {MAX_PAIRS} fields")]
    TooManyPairs,
}

/// Builds the JSON value a form body describes. Unknown members are dropped; an array
/// member repeated (`customDomains=a&customDomains=b`) collects every value.
pub fn from_form(body: &[u8]) -> Result<Value, FormError> {
    let mut root = Map::new();
    for (i, (path, value)) in form_urlencoded::parse(body).enumerate() {
        if i >= MAX_PAIRS {
            return Err(FormError::TooManyPairs);
        }
        if path.split('.').nth(MAX_PATH_SEGMENTS).is_some() {
            let shown: String = path.chars().take(80).collect();
            return Err(FormError::TooDeep(shown));
        }
        let Some(segments) = path.split('.').map(canonical_member).collect::<Option<Vec<_>>>() else {
            continue;
        };
        insert(&mut root, &segments, value.into_owned());
    }
    Ok(Value::Object(root))
}

fn insert(map: &mut Map<String, Value>, path: &[&str], value: String) {
    let Some((first, rest)) = path.split_first() else { return };
    if rest.is_empty() {
        if ARRAY_MEMBERS.contains(first) {
            let entry = map.entry(first.to_string()).or_insert_with(|| Value::Array(Vec::new()));
            if let Value::Array(items) = entry {
                items.push(Value::String(value));
            }
        } else {
            map.insert(first.to_string(), Value::String(value));
        }
        return;
    }
    let child = map.entry(first.to_string()).or_insert_with(|| Value::Object(Map::new()));
    if !child.is_object() {
        *child = Value::Object(Map::new());
    }
    if let Value::Object(child) = child {
        insert(child, rest, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_paths_in_any_case() {
        let v = from_form(b"companyProfile.domain=a.onmicrosoft.com&CompanyProfile.CompanyName=A+B&billingProfile.defaultAddress.country=US&customDomains=x&customDomains=y&junk.field=1").unwrap();
        assert_eq!(
            v,
            json!({
                "companyProfile": {"domain": "a.onmicrosoft.com", "companyName": "A B"},
                "billingProfile": {"defaultAddress": {"country": "US"}},
                "customDomains": ["x", "y"]
            })
        );
    }

    #[test]
    fn deep_paths_are_refused_before_anything_is_built() {
        let deep = format!("{}=1", vec!["id"; 20_000].join("."));
        assert!(from_form(deep.as_bytes()).is_err());
        assert!(from_form(b"id.id.id.id.id.id.id.id=1").is_ok());
    }

    #[test]
    fn the_number_of_fields_is_bounded() {
        let fields = |n: usize| vec!["customDomains=a"; n].join("&");
        assert_eq!(
            from_form(fields(MAX_PAIRS).as_bytes()).unwrap()["customDomains"].as_array().unwrap().len(),
            MAX_PAIRS
        );
        assert_eq!(from_form(fields(MAX_PAIRS + 1).as_bytes()), Err(FormError::TooManyPairs));
    }
}
