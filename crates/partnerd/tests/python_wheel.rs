//! The Python wheel as a user gets it: built from the static release binary
//! (`PARTNERD_DIST_BINARY`) by dist/python/build_wheel.py, installed with pip into a fresh
//! virtual environment (which puts `partnerd` on PATH), then a pytest suite without any
//! conftest.py (python_wheel/test_fixture.py) gets the `partnerd` fixture from the wheel's
//! pytest plugin and drives the generated PyPI client `partnercenterservices` through it.
//! Without the binary, Python or PyPI it says so and does not run; `PARTNERD_REQUIRE_WHEEL=1`
//! (CI) makes that a failure.

mod dist;

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn the_wheel_puts_partnerd_on_path_and_its_fixture_serves_a_pytest_suite() {
    let binary = match dist::binary() {
        Ok(b) => b,
        Err(why) => return dist::cannot_run("WHEEL", &why).unwrap_or(()),
    };
    let dir = tempfile::tempdir().unwrap();
    let root = dist::root();
    let started = Instant::now();
    let wheel = dist::run(
        Command::new("python3")
            .arg(root.join("dist/python/build_wheel.py"))
            .arg("--binary")
            .arg(&binary)
            .arg("--out")
            .arg(dir.path().join("wheels")),
        Duration::from_secs(120),
    );
    let wheel = wheel.trim();
    let size = std::fs::metadata(wheel).unwrap().len();
    eprintln!("wheel: {wheel}, {size} bytes, built in {:.1} s", started.elapsed().as_secs_f64());

    let started = Instant::now();
    let python = match dist::venv(dir.path(), &[wheel, "pytest", "partnercenterservices"]) {
        Ok(python) => python,
        Err(why) => return dist::cannot_run("WHEEL", &why).unwrap_or(()),
    };
    eprintln!("venv with the wheel, pytest and partnercenterservices: {:.1} s", started.elapsed().as_secs_f64());
    let bin = python.parent().unwrap().to_path_buf();
    let venv = bin.parent().unwrap().to_path_buf();

    // Activated, the environment has `partnerd` on PATH: the binary of the wheel.
    let on_path = dist::run(
        Command::new("bash")
            .arg("-c")
            .arg(". \"$1/bin/activate\" && command -v partnerd && partnerd --version")
            .arg("bash")
            .arg(&venv),
        Duration::from_secs(30),
    );
    assert!(on_path.starts_with(&format!("{}\n", bin.join("partnerd").display())), "{on_path}");
    assert!(on_path.contains(&format!("partnerd {}", env!("CARGO_PKG_VERSION"))), "{on_path}");

    let suite = root.join("crates/partnerd/tests/python_wheel");
    let tests = std::fs::read_to_string(suite.join("test_fixture.py")).unwrap().matches("\ndef test_").count();
    let path = std::env::join_paths(
        std::iter::once(bin.clone()).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let started = Instant::now();
    let out = dist::output(
        Command::new(&python)
            .args(["-m", "pytest", "-v", "-p", "no:cacheprovider", "-W", "error::pytest.PytestUnknownMarkWarning"])
            .arg(&suite)
            .current_dir(dir.path())
            .env("PATH", path)
            .env("VIRTUAL_ENV", &venv)
            .env_remove("PARTNERD_BINARY"),
        Duration::from_secs(300),
    );
    let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("pytest: {:.1} s\n{report}", started.elapsed().as_secs_f64());
    assert!(out.status.success(), "the pytest suite failed:\n{report}");
    let summary = report.lines().rev().find(|l| l.contains(" passed")).unwrap_or_default();
    assert!(summary.contains(&format!(" {tests} passed")), "all {tests} tests passed, none skipped: {summary}");
    assert!(!summary.contains("skipped") && !summary.contains("deselected"), "{summary}");
    assert!(report.contains("plugins:") && report.contains("partnerd-"), "the plugin came from the wheel: {report}");
}
