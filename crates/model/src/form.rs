//! `application/x-www-form-urlencoded` bodies (spec §8): dotted, case-insensitive member
//! paths such as `companyProfile.domain=..&billingProfile.defaultAddress.country=US`.

use serde_json::{Map, Value};

use crate::canonical::{canonical_member, ARRAY_MEMBERS};

/// Builds the JSON value a form body describes. Unknown members are dropped; an array
/// member repeated (`customDomains=a&customDomains=b`) collects every value.
pub fn from_form(body: &[u8]) -> Value {
    let mut root = Map::new();
    for (path, value) in form_urlencoded::parse(body) {
        let Some(segments) = path.split('.').map(canonical_member).collect::<Option<Vec<_>>>() else {
            continue;
        };
        insert(&mut root, &segments, value.into_owned());
    }
    Value::Object(root)
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
        let v = from_form(b"companyProfile.domain=a.onmicrosoft.com&CompanyProfile.CompanyName=A+B&billingProfile.defaultAddress.country=US&customDomains=x&customDomains=y&junk.field=1");
        assert_eq!(
            v,
            json!({
                "companyProfile": {"domain": "a.onmicrosoft.com", "companyName": "A B"},
                "billingProfile": {"defaultAddress": {"country": "US"}},
                "customDomains": ["x", "y"]
            })
        );
    }
}
