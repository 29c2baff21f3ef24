//! A XML request body, read into canonical JSON as a create or update request reads it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| partnerd_server::fuzzing::body(1, bytes));
