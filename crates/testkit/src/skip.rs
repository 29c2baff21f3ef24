//! Tests that cannot run here (no PostgreSQL, Python, browser or podman) say so where it is
//! seen. libtest has no "skipped" outcome decided at run time, so such a test returns early and
//! counts as passed; to keep that from hiding, [`skip`]:
//!
//! - fails the test instead when `PARTNERD_REQUIRE_<WHAT>=1` (as `.ci/run` sets for each);
//! - writes `SKIPPED <test>: <why>` to the process's stderr directly (the harness captures
//!   `eprintln!` of passing tests, so a skip said that way is never shown);
//! - and, when the test binary exits, after libtest's own `test result:` line, writes how many
//!   of its tests were skipped and which, so the count stands at the end of the binary's output.

use std::io::Write;
use std::sync::Mutex;

/// The tests of this binary that were skipped, in the order they said so.
static SKIPPED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Skips the running test for `why`, or fails it when `PARTNERD_REQUIRE_<requirement>` is 1.
/// `requirement` is the variable's suffix: `POSTGRES`, `PYTHON`, `BROWSER`, `IMAGE`, `WHEEL`.
pub fn skip(requirement: &str, why: &str) {
    let variable = format!("PARTNERD_REQUIRE_{requirement}");
    let test = std::thread::current().name().unwrap_or("a test").to_string();
    if std::env::var(&variable).as_deref() == Ok("1") {
        panic!("{variable}=1 but {test} cannot run: {why}");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {why} ({variable}=1 makes this a failure)");
    let mut skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    if skipped.is_empty() {
        // SAFETY: `atexit` takes a plain function that runs once, at exit, on one thread.
        unsafe { libc::atexit(summarise) };
    }
    skipped.push(test);
}

/// The count, at exit (after libtest's summary of the binary).
extern "C" fn summarise() {
    let skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED {} test(s) of this binary, counted above as passed without having run: {}",
        skipped.len(),
        skipped.join(", ")
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The required case only: an optional skip here would report this binary as skipping.
    #[test]
    fn a_required_skip_fails_the_test_naming_the_variable() {
        std::env::set_var("PARTNERD_REQUIRE_SKIP_SELF_TEST", "1");
        let required = std::panic::catch_unwind(|| skip("SKIP_SELF_TEST", "nothing to run on"));
        let message = *required.unwrap_err().downcast::<String>().unwrap();
        assert!(message.starts_with("PARTNERD_REQUIRE_SKIP_SELF_TEST=1 but "), "{message}");
        assert!(message.ends_with("cannot run: nothing to run on"), "{message}");
        assert!(SKIPPED.lock().unwrap().is_empty(), "a failure is not counted as a skip");
    }
}
