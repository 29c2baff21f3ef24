//! Continuation tokens: the input as a token a client sends, and as the payload behind a seal
//! the server made.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    partnerd_server::fuzzing::continuation(&String::from_utf8_lossy(data), data);
});
