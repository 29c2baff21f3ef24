//! XML bodies (spec §8.1): elements named as the JSON members, arrays as repeated child
//! elements inside their member element, null members left out. Reading refuses DTDs and
//! entity declarations outright, so nothing is ever expanded.
//!
//! Writing is well-formed whatever text it carries (answers echo input: an invalid id, a
//! filter): characters XML 1.0 cannot carry become U+FFFD, and CR and TAB are written as
//! character references so a reader's end-of-line handling cannot turn them into LF or space.
//! No attributes are written, so no text ever needs attribute-value normalisation's escapes.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use serde_json::{Map, Value};

use crate::canonical::{canonical_member, ARRAY_MEMBERS};

/// Deepest element nesting read; the contract's resources need fewer than ten levels.
const MAX_DEPTH: usize = 32;
/// Most attributes on one element; .NET writes at most a few (`xmlns`, `xmlns:i`, `i:nil`).
pub const MAX_ATTRIBUTES: usize = 32;
/// Most elements in one body; a customer has about sixty, so this leaves room for long
/// `customDomains` lists while bounding what a body can make the server build.
pub const MAX_ELEMENTS: usize = 10_000;

/// The element name of one item of an array member.
fn item_element(member: &str) -> &'static str {
    match member {
        "items" => "Customer",
        "headers" => "header",
        "customDomains" => "domain",
        _ => "string",
    }
}

/// Resource types a collection's items may name themselves as (`attributes.objectType`).
const ITEM_TYPES: &[&str] = &["Customer", "CustomerUser"];

/// The element of one item of an array member: a collection item is named by its own object
/// type (a users page holds `CustomerUser` elements), anything else by its member.
fn item_of(member: &str, item: &Value) -> &'static str {
    let own = item.get("attributes").and_then(|a| a.get("objectType")).and_then(Value::as_str);
    match own.and_then(|t| ITEM_TYPES.iter().find(|known| **known == t)) {
        Some(known) if member == "items" => known,
        _ => item_element(member),
    }
}

/// Writes `value` as an XML document whose root element is `root`. A root written
/// `Root:Item` names the items of a collection (its `items`) or of a bare array that are not
/// customers, e.g. `Collection:Agreement`.
pub fn to_xml(root: &str, value: &Value) -> String {
    let mut out = String::with_capacity(1024);
    out.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
    match root.split_once(':') {
        Some((root, item)) => write_named_items(&mut out, root, item, value),
        None => write_element(&mut out, root, value),
    }
    out
}

/// `root` with the items of its array (or of its `items` member) written as `item` elements.
fn write_named_items(out: &mut String, root: &str, item: &str, value: &Value) {
    let items = |out: &mut String, name: &str, list: &[Value]| {
        open(out, name);
        for v in list {
            write_element(out, item, v);
        }
        close(out, name);
    };
    match value {
        Value::Array(list) => items(out, root, list),
        Value::Object(map) => {
            open(out, root);
            for (k, v) in map {
                match v {
                    Value::Array(list) if k == "items" => items(out, k, list),
                    _ => write_element(out, k, v),
                }
            }
            close(out, root);
        }
        other => write_element(out, root, other),
    }
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn write_element(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Null => return,
        Value::Object(map) => {
            open(out, name);
            for (k, v) in map {
                write_element(out, k, v);
            }
        }
        Value::Array(items) => {
            open(out, name);
            for v in items {
                write_element(out, item_of(name, v), v);
            }
        }
        Value::String(s) => {
            open(out, name);
            escape_text(out, s);
        }
        Value::Bool(b) => {
            open(out, name);
            out.push_str(if *b { "true" } else { "false" });
        }
        Value::Number(n) => {
            open(out, name);
            out.push_str(&n.to_string());
        }
    }
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

/// Whether XML 1.0 can carry `c` at all (its `Char` production; Rust strings hold no
/// surrogates, so what is left out is the C0 controls other than TAB, LF and CR, and
/// U+FFFE and U+FFFF).
pub fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Appends `text` as element content: markup characters escaped, CR and TAB as character
/// references, characters XML cannot carry replaced by U+FFFD.
pub fn escape_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => out.push(char::REPLACEMENT_CHARACTER),
        }
    }
}

/// Why an XML body was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("XML documents with a DTD or entity declarations are not accepted")]
    Dtd,
    #[error("XML body is not well-formed: {0}")]
    Malformed(String),
    #[error("XML body nests deeper than {MAX_DEPTH} elements")]
    TooDeep,
    #[error("XML element has more than {MAX_ATTRIBUTES} attributes")]
    TooManyAttributes,
    #[error("XML body has more than {MAX_ELEMENTS} elements")]
    TooManyElements,
}

struct Node {
    name: String,
    text: String,
    nil: bool,
    children: Vec<(String, Value)>,
}

impl Node {
    fn new(name: String, nil: bool) -> Self {
        Node { name, text: String::new(), nil, children: Vec::new() }
    }

    /// Element names are matched to member names case-insensitively; array members become
    /// arrays of their children whatever the children are called.
    fn into_value(self) -> (String, Value) {
        let member = canonical_member(&self.name).map(str::to_string).unwrap_or(self.name);
        let value = if self.nil {
            Value::Null
        } else if ARRAY_MEMBERS.contains(&member.as_str()) {
            Value::Array(self.children.into_iter().map(|(_, v)| v).collect())
        } else if self.children.is_empty() {
            Value::String(self.text)
        } else {
            Value::Object(self.children.into_iter().collect::<Map<_, _>>())
        };
        (member, value)
    }
}

/// Reads an XML document into the JSON value of its root element (the root's name is not
/// checked: clients name it after their own types).
pub fn from_xml(text: &str) -> Result<Value, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Node> = Vec::new();
    let mut elements = 0;
    loop {
        let event = reader.read_event().map_err(|e| XmlError::Malformed(e.to_string()))?;
        match event {
            Event::DocType(_) => return Err(XmlError::Dtd),
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(XmlError::TooDeep);
                }
                stack.push(start_node(&e, &mut elements)?);
            }
            Event::Empty(e) => {
                let node = start_node(&e, &mut elements)?;
                if let Some(done) = attach(&mut stack, node) {
                    return Ok(done);
                }
            }
            Event::Text(t) => {
                let s = t.unescape().map_err(|e| XmlError::Malformed(e.to_string()))?;
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&s);
                }
            }
            Event::CData(c) => {
                if let Some(top) = stack.last_mut() {
                    top.text.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Event::End(_) => {
                let node = stack.pop().ok_or_else(|| XmlError::Malformed("unbalanced end tag".into()))?;
                if let Some(done) = attach(&mut stack, node) {
                    return Ok(done);
                }
            }
            Event::Eof => return Err(XmlError::Malformed("document has no root element".into())),
            _ => {}
        }
    }
}

/// Adds a finished element to its parent, or returns the root's value when it was the root.
fn attach(stack: &mut [Node], node: Node) -> Option<Value> {
    let (name, value) = node.into_value();
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push((name, value));
            None
        }
        None => Some(value),
    }
}

fn local_name(qname: &[u8]) -> String {
    let s = String::from_utf8_lossy(qname);
    s.rsplit(':').next().unwrap_or_default().to_string()
}

/// The node an element starts, counted against [`MAX_ELEMENTS`].
fn start_node(e: &BytesStart, elements: &mut usize) -> Result<Node, XmlError> {
    *elements += 1;
    if *elements > MAX_ELEMENTS {
        return Err(XmlError::TooManyElements);
    }
    Ok(Node::new(local_name(e.name().as_ref()), is_nil(e)?))
}

/// `i:nil="true"` is how .NET's serializers write a null member. quick-xml's duplicate check
/// compares every attribute with every earlier one (143,000 attributes took 19 s), so the
/// count is bounded before that can matter: at most [`MAX_ATTRIBUTES`]² comparisons.
fn is_nil(e: &BytesStart) -> Result<bool, XmlError> {
    let mut nil = false;
    for (i, attribute) in e.attributes().enumerate() {
        if i >= MAX_ATTRIBUTES {
            return Err(XmlError::TooManyAttributes);
        }
        let a = attribute.map_err(|e| XmlError::Malformed(e.to_string()))?;
        nil |= local_name_is(a.key.as_ref(), b"nil") && a.value.as_ref().eq_ignore_ascii_case(b"true");
    }
    Ok(nil)
}

/// Whether a qualified name's local part is `local`, without building a string.
fn local_name_is(qname: &[u8], local: &[u8]) -> bool {
    qname.rsplit(|b| *b == b':').next() == Some(local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_the_collection_shape() {
        let v = json!({
            "totalCount": 1,
            "items": [{"id": "a&b", "companyProfile": {"domain": "x"}, "none": null}],
            "links": {"next": {"uri": "/v1/customers?a=1&b=2", "method": "GET", "headers": [{"key": "k", "value": "v"}]}}
        });
        let xml = to_xml("Collection", &v);
        assert!(xml.contains("<items><Customer><id>a&amp;b</id>"), "{xml}");
        assert!(xml.contains("<headers><header><key>k</key><value>v</value></header></headers>"), "{xml}");
        assert!(!xml.contains("none"));
        let back = from_xml(&xml).unwrap();
        assert_eq!(back["items"][0]["id"], "a&b");
        assert_eq!(back["links"]["next"]["headers"][0]["value"], "v");
        assert_eq!(back["totalCount"], "1");
    }

    #[test]
    fn dtds_are_refused_and_nil_is_null() {
        let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><Customer><id>&lol;</id></Customer>"#;
        assert_eq!(from_xml(bomb), Err(XmlError::Dtd));
        let v = from_xml(
            r#"<Customer xmlns:i="x"><ID i:nil="true"/><CustomDomains><d>a</d><d>b</d></CustomDomains></Customer>"#,
        )
        .unwrap();
        assert_eq!(v, json!({"id": null, "customDomains": ["a", "b"]}));
        assert!(matches!(from_xml("<a><b></a>"), Err(XmlError::Malformed(_))));
        assert!(matches!(from_xml(&"<a>".repeat(40)), Err(XmlError::TooDeep)));
    }

    #[test]
    fn attribute_and_element_counts_are_bounded() {
        let attrs = |n: usize| (0..n).map(|i| format!(" a{i}=\"\"")).collect::<String>();
        assert!(from_xml(&format!("<Customer{}><id>x</id></Customer>", attrs(MAX_ATTRIBUTES))).is_ok());
        let many = format!("<Customer{}/>", attrs(MAX_ATTRIBUTES + 1));
        assert_eq!(from_xml(&many), Err(XmlError::TooManyAttributes));
        assert!(matches!(from_xml(r#"<Customer a="1" a="2"/>"#), Err(XmlError::Malformed(_))), "duplicates refused");
        let elements = |n: usize| format!("<Customer><customDomains>{}</customDomains></Customer>", "<d/>".repeat(n));
        assert!(from_xml(&elements(MAX_ELEMENTS - 2)).is_ok());
        assert_eq!(from_xml(&elements(MAX_ELEMENTS - 1)), Err(XmlError::TooManyElements));
    }

    #[test]
    fn control_characters_cr_and_tab_come_out_well_formed() {
        let xml = to_xml("ApiError", &json!({"code": 1000, "data": ["\u{1}a\rb\tc\nd\u{FFFF}e\u{1F600}"]}));
        assert!(xml.contains("<string>\u{FFFD}a&#13;b&#9;c\nd\u{FFFD}e\u{1F600}</string>"), "{xml}");
        roxmltree::Document::parse(&xml).unwrap();
        assert_eq!(from_xml(&xml).unwrap()["data"][0], "\u{FFFD}a\rb\tc\nd\u{FFFD}e\u{1F600}");
    }

    /// A customer, an error body and a collection page, every text leaf given by `leaf`.
    fn documents(leaf: &[String]) -> Vec<(&'static str, Value)> {
        let t = |i: usize| Value::String(leaf[i % leaf.len()].clone());
        let customer = json!({
            "id": t(0), "commerceId": t(1),
            "companyProfile": {"tenantId": t(2), "domain": t(3), "companyName": t(4), "email": t(5)},
            "billingProfile": {"email": t(6), "culture": t(7), "language": t(8), "companyName": t(9),
                "defaultAddress": {"country": t(10), "city": t(11), "addressLine1": t(12), "postalCode": t(13)}},
            "relationshipToPartner": t(14), "customDomains": [t(15), t(16)],
            "links": {"self": {"uri": t(17), "method": t(18), "headers": [{"key": t(19), "value": t(20)}]}},
            "attributes": {"objectType": t(21), "etag": t(22)}
        });
        let error = json!({"code": 800002, "description": t(23), "data": [t(24), t(25)], "source": t(26)});
        let page = json!({"totalCount": 1, "items": [customer.clone()], "continuationToken": t(27)});
        vec![("Customer", customer), ("ApiError", error), ("Collection", page)]
    }

    /// What a text comes back as: the characters XML cannot carry replaced, nothing else.
    fn carried(value: &Value) -> Value {
        match value {
            Value::String(s) => {
                Value::String(s.chars().map(|c| if is_xml_char(c) { c } else { char::REPLACEMENT_CHARACTER }).collect())
            }
            Value::Number(n) => Value::String(n.to_string()),
            Value::Array(items) => Value::Array(items.iter().map(carried).collect()),
            Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), carried(v))).collect()),
            other => other.clone(),
        }
    }

    proptest::proptest! {
        #[test]
        fn whatever_text_is_echoed_the_xml_is_well_formed_and_round_trips(
            leaf in proptest::collection::vec(proptest::prelude::any::<String>(), 1..29),
        ) {
            for (root, value) in documents(&leaf) {
                let xml = to_xml(root, &value);
                if let Err(e) = roxmltree::Document::parse(&xml) {
                    panic!("not well-formed ({e}): {xml:?}");
                }
                let mut reader = Reader::from_str(&xml);
                loop {
                    match reader.read_event().unwrap() {
                        Event::Eof => break,
                        Event::Text(t) => { t.unescape().unwrap(); }
                        _ => {}
                    }
                }
                proptest::prop_assert_eq!(from_xml(&xml).unwrap(), carried(&value));
            }
        }
    }
}
