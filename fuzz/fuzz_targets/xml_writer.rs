//! Every XML document partnerd writes is well-formed whatever text it echoes: the input, as a
//! member's value and as an item of an array, must come out as a document an XML parser reads,
//! with the text intact apart from the characters XML 1.0 cannot carry (replaced by U+FFFD).
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerd_model::xml::{is_xml_char, to_xml};
use serde_json::json;

fuzz_target!(|text: &str| {
    let document = to_xml("ApiError", &json!({"description": text, "data": [text]}));
    let parsed =
        roxmltree::Document::parse(&document).unwrap_or_else(|e| panic!("not well-formed ({e}): {document:?}"));
    let expected: String = text.chars().map(|c| if is_xml_char(c) { c } else { '\u{FFFD}' }).collect();
    let description = parsed.descendants().find(|n| n.has_tag_name("description"));
    let read = description.and_then(|n| n.text()).unwrap_or("");
    assert_eq!(read, expected, "the echoed text changed in {document:?}");
});
