//! The `filter` query parameter's JSON form, and its flattened form split from the same input.
#![no_main]

use libfuzzer_sys::fuzz_target;
use partnerd_model::Filter;

fuzz_target!(|text: &str| {
    let _ = Filter::parse_json(text);
    let mut parts = text.splitn(3, '\u{0}');
    let _ = Filter::from_parts(parts.next(), parts.next(), parts.next());
});
