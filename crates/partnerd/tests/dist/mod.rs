//! What the tests of the distributed forms (the container image, the Python wheel) share: the
//! release binary they package, named by `PARTNERD_DIST_BINARY` (.ci/run builds it once), and
//! the rule for a test that cannot run here: it says so loudly and, when its `PARTNERD_REQUIRE_*`
//! variable is 1 (as in CI), fails.

#![allow(dead_code)] // Each test crate uses its own part of this module.

use std::path::PathBuf;
use std::process::{Command, Output};
use std::time::Duration;

/// Why the test cannot run here: a panic under `PARTNERD_REQUIRE_<requirement>=1`, else
/// `None` after saying so (`partnerd_testkit::skip`).
pub fn cannot_run<T>(requirement: &str, why: &str) -> Option<T> {
    partnerd_testkit::skip::skip(requirement, why);
    None
}

/// The binary to package (`target/dist/partnerd`, made by dist/build-binary.sh):
/// `PARTNERD_DIST_BINARY`, which must exist.
pub fn binary() -> Result<PathBuf, String> {
    let path = std::env::var_os("PARTNERD_DIST_BINARY").ok_or(
        "PARTNERD_DIST_BINARY is not set: build target/dist/partnerd with dist/build-binary.sh and point it there",
    )?;
    let path = PathBuf::from(path);
    match path.is_file() {
        true => Ok(path),
        false => Err(format!("PARTNERD_DIST_BINARY={} is not a file", path.display())),
    }
}

/// The repository's root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// Runs a command to its end, failing the test when it cannot start, runs longer than
/// `limit` or exits non-zero; returns its stdout.
pub fn run(cmd: &mut Command, limit: Duration) -> String {
    let out = output(cmd, limit);
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs a command to its end (killed past `limit`, which fails the test), whatever its status.
pub fn output(cmd: &mut Command, limit: Duration) -> Output {
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("could not run {cmd:?}: {e}"));
    let id = child.id();
    let (done, wait) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(child.wait_with_output()));
    match wait.recv_timeout(limit) {
        Ok(out) => out.unwrap(),
        Err(_) => {
            let _ = Command::new("kill").args(["-KILL", &id.to_string()]).status();
            panic!("{cmd:?} took longer than {limit:?}");
        }
    }
}

/// A fresh virtual environment under `dir` with `packages` (names or wheel paths) installed
/// from PyPI, or why there is none; returns its `python`.
pub fn venv(dir: &std::path::Path, packages: &[&str]) -> Result<PathBuf, String> {
    let venv = dir.join("venv");
    let made = Command::new("python3").arg("-m").arg("venv").arg(&venv).output();
    match made {
        Ok(out) if out.status.success() => {}
        Ok(out) => return Err(format!("python3 -m venv failed: {}", String::from_utf8_lossy(&out.stderr))),
        Err(e) => return Err(format!("python3 is not installed: {e}")),
    }
    let python = venv.join("bin").join("python");
    let mut pip = Command::new(&python);
    pip.args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"]).args(packages);
    let out = output(&mut pip, Duration::from_secs(600));
    match out.status.success() {
        true => Ok(python),
        false => Err(format!("pip install {packages:?} failed: {}", String::from_utf8_lossy(&out.stderr))),
    }
}

/// Bounds one podman command (a build, a run, a stop).
pub const PODMAN_LIMIT: Duration = Duration::from_secs(300);

/// The ulimits `podman run` must ask for on these VMs (podman's defaults are refused).
pub const ULIMITS: [&str; 4] = ["--ulimit", "nofile=20000:20000", "--ulimit", "nproc=32768:32768"];

/// `podman` with the settings these VMs need (runc; see docs/operations.md).
pub fn podman(args: &[&str]) -> Command {
    let mut cmd = Command::new("podman");
    cmd.args(["--runtime", "runc"]).args(args);
    cmd
}

/// Podman answers, or why not.
pub fn podman_works() -> Result<(), String> {
    match podman(&["info", "--format", "{{.Host.OCIRuntime.Name}}"]).output() {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err(format!("podman info failed: {}", String::from_utf8_lossy(&out.stderr))),
        Err(e) => Err(format!("podman is not installed ({e}); apt-get install podman runc (docs/operations.md)")),
    }
}

/// Copies what the Containerfile takes into a fresh build context, the binary where its
/// default `BINARY` looks, and builds the image with `tag`.
pub fn build_image(binary: &std::path::Path, tag: &str) {
    let context = tempfile::tempdir().unwrap();
    let root = root();
    let place = context.path().join("target/dist");
    std::fs::create_dir_all(&place).unwrap();
    std::fs::copy(binary, place.join("partnerd")).unwrap();
    std::fs::create_dir_all(context.path().join("dist/image/data")).unwrap();
    std::fs::copy(root.join("dist/image/data/README.md"), context.path().join("dist/image/data/README.md")).unwrap();
    for file in ["Containerfile", ".dockerignore"] {
        std::fs::copy(root.join(file), context.path().join(file)).unwrap();
    }
    let started = std::time::Instant::now();
    run(podman(&["build", "--format", "docker", "--tag", tag, "."]).current_dir(context.path()), PODMAN_LIMIT);
    eprintln!("podman build: {:.1} s", started.elapsed().as_secs_f64());
}
