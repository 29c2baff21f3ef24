//! A list request's whole query string: `size`, `filter` (JSON or flattened), `seekOperation`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|raw: &str| partnerd_server::fuzzing::list_query(raw));
