//! A bound on a JSON body's structure, checked before it is parsed. `serde_json` reads a 1 MiB body
//! of half a million tiny values quickly, but canonicalising it and reading it typed then cost
//! hundreds of milliseconds of CPU. XML and form bodies are bounded the same way
//! ([`crate::xml::MAX_ELEMENTS`], [`crate::form::MAX_PAIRS`]); a customer needs well under a hundred.

/// The most objects, arrays and member or element separators a JSON body may hold.
pub const MAX_JSON_NODES: usize = 10_000;

/// Whether `bytes` holds more than `max` structural tokens (`{`, `[` and `,` outside strings).
/// One pass, no allocation; malformed JSON is left for the parser to describe.
pub fn exceeds_nodes(bytes: &[u8], max: usize) -> bool {
    let (mut in_string, mut escaped, mut nodes) = (false, false, 0usize);
    for &b in bytes {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
        } else if matches!(b, b'{' | b'[' | b',') {
            nodes += 1;
            if nodes > max {
                return true;
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_containers_and_separators() {
        assert!(!exceeds_nodes(br#"{"a": [1, 2], "b": {}}"#, 5));
        assert!(exceeds_nodes(br#"{"a": [1, 2], "b": {}}"#, 4));
    }

    #[test]
    fn text_inside_strings_is_not_structure() {
        let body = br#"{"name": "a, b, {c}, [d]", "q": "say \"x, y\" [", "e": "\\"}"#;
        assert!(!exceeds_nodes(body, 3));
        assert!(exceeds_nodes(body, 2));
    }

    #[test]
    fn a_flood_of_values_is_caught_at_the_bound() {
        let values = |n: usize| format!("{{\"x\": [{}]}}", vec!["0"; n].join(","));
        // `{`, `[` and the n - 1 commas between the values: n + 1 nodes.
        assert!(!exceeds_nodes(values(MAX_JSON_NODES - 1).as_bytes(), MAX_JSON_NODES));
        assert!(exceeds_nodes(values(MAX_JSON_NODES).as_bytes(), MAX_JSON_NODES));
    }
}
