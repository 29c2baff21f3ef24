//! The shape of a body: for every member path, the types and string formats it takes, and the
//! values of the few members that are constants of the contract (`objectType`, an error's
//! `code`). Values otherwise never matter: two services with different customers, ids, dates,
//! tokens and ETags have the same shape when they speak the same contract.
//!
//! Array elements are merged (`items[].id`), so a page of two and a page of five compare alike.
//! XML bodies are shaped by element paths (`Collection/items/Customer/id`).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Member names whose values are compared, not only their shapes.
const CONSTANTS: &[&str] = &["objectType", "code"];

/// What one member path looks like across a body.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// `string`, `number`, `boolean`, `object`, `array`, `null`, `element`.
    pub types: BTreeSet<&'static str>,
    /// For strings: `guid`, `date-time`, `url`, `path`, `email`, `empty` or `text`.
    pub formats: BTreeSet<&'static str>,
    /// For the members of [`CONSTANTS`]: the values seen.
    pub values: BTreeSet<String>,
}

impl Member {
    /// Its types without `null`: a null member and an absent one are not told apart.
    pub fn present_types(&self) -> BTreeSet<&'static str> {
        self.types.iter().copied().filter(|t| *t != "null").collect()
    }
}

pub type Shape = BTreeMap<String, Member>;

/// The shape of a JSON document.
pub fn of_json(value: &Value) -> Shape {
    let mut shape = Shape::new();
    walk(value, "", &mut shape);
    shape
}

fn walk(value: &Value, path: &str, shape: &mut Shape) {
    let mut note = |kind: &'static str, format: Option<&'static str>| {
        if path.is_empty() {
            return;
        }
        let member = shape.entry(path.to_string()).or_default();
        member.types.insert(kind);
        member.formats.extend(format);
    };
    match value {
        Value::Null => note("null", None),
        Value::Bool(_) => note("boolean", None),
        Value::Number(_) => note("number", None),
        Value::String(s) => note("string", Some(format_of(s))),
        Value::Array(items) => {
            note("array", None);
            for item in items {
                walk(item, &format!("{path}[]"), shape);
            }
        }
        Value::Object(map) => {
            note("object", None);
            for (name, member) in map {
                let child = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                walk(member, &child, shape);
                if CONSTANTS.contains(&name.as_str()) && !member.is_object() && !member.is_array() {
                    let text = member.as_str().map_or_else(|| member.to_string(), str::to_string);
                    shape.entry(child).or_default().values.insert(text);
                }
            }
        }
    }
}

/// The shape of an XML document: every element path, and the format of its text.
pub fn of_xml(text: &str) -> Result<Shape, String> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut shape = Shape::new();
    let mut note = |stack: &[String], kind: &'static str, format: Option<&'static str>| {
        let member = shape.entry(stack.join("/")).or_default();
        member.types.insert(kind);
        member.formats.extend(format);
    };
    loop {
        match reader.read_event().map_err(|e| format!("not XML: {e}"))? {
            Event::Start(e) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                note(&stack, "element", None);
            }
            Event::Empty(e) => {
                stack.push(String::from_utf8_lossy(e.local_name().as_ref()).into_owned());
                note(&stack, "element", None);
                stack.pop();
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) => {
                let text = t.unescape().map_err(|e| format!("not XML: {e}"))?;
                if !text.trim().is_empty() && !stack.is_empty() {
                    note(&stack, "element", Some(format_of(text.trim())));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(shape)
}

/// The format a string value has.
pub fn format_of(s: &str) -> &'static str {
    let b = s.as_bytes();
    let hex = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_hexdigit);
    let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
    if s.is_empty() {
        "empty"
    } else if b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && hex(0..8)
        && hex(9..13)
        && hex(14..18)
        && hex(19..23)
        && hex(24..36)
    {
        "guid"
    } else if b.len() >= 19 && digits(0..4) && b[4] == b'-' && digits(5..7) && b[7] == b'-' && b[10] == b'T' {
        "date-time"
    } else if s.starts_with("https://") || s.starts_with("http://") {
        "url"
    } else if s.starts_with('/') {
        "path"
    } else if s.contains('@') && !s.contains(char::is_whitespace) {
        "email"
    } else {
        "text"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn shapes_merge_array_elements_and_keep_only_constants_values() {
        let shape = of_json(&json!({"items": [{"id": "a5f29f1e-851e-4544-b838-756e70beea84", "n": 1},
            {"id": "b5f29f1e-851e-4544-b838-756e70beea84", "n": null}], "attributes": {"objectType": "Collection"}}));
        assert_eq!(shape["items[].id"].formats, BTreeSet::from(["guid"]));
        assert_eq!(shape["items[].n"].types, BTreeSet::from(["null", "number"]));
        assert_eq!(shape["items[].n"].present_types(), BTreeSet::from(["number"]));
        assert_eq!(shape["attributes.objectType"].values, BTreeSet::from(["Collection".to_string()]));
        assert!(shape["items[].id"].values.is_empty());
    }

    #[test]
    fn formats() {
        assert_eq!(format_of("2024-01-02T03:04:05.123Z"), "date-time");
        assert_eq!(format_of("/customers/x"), "path");
        assert_eq!(format_of("a@b.example"), "email");
        assert_eq!(format_of("Contoso Ltd"), "text");
    }

    #[test]
    fn xml_paths() {
        let shape =
            of_xml("<Collection><items><Customer><id>x</id></Customer></items><totalCount>1</totalCount></Collection>")
                .unwrap();
        assert!(shape.contains_key("Collection/items/Customer/id"));
        assert_eq!(shape["Collection/totalCount"].formats, BTreeSet::from(["text"]));
    }
}
