//! The bearer token as the development verifier and a JWKS verifier (which reads the token's
//! header for its `kid` first) take it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|token: &str| partnerd_server::fuzzing::bearer(token));
