//! testcontainers-python against the image: podman's Docker-compatible socket (`podman system
//! service`) stands in for Docker, Ryuk is off (`TESTCONTAINERS_RYUK_DISABLED=true`), the
//! container is waited for on `/readyz`, and a client lists and creates customers through it
//! (testcontainers_partnerd.py, the code docs/clients.md shows). Without podman, the static
//! binary (`PARTNERD_DIST_BINARY`) or PyPI it says so and does not run;
//! `PARTNERD_REQUIRE_IMAGE=1` (CI) makes that a failure.

mod dist;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `podman system service` on a socket of its own, ended (and the image removed) on drop.
struct Service {
    child: Child,
    image: String,
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = dist::podman(&["rmi", "--force", &self.image]).output();
    }
}

#[test]
fn testcontainers_python_starts_the_image_and_waits_for_readyz() {
    let binary = match dist::binary().and_then(|b| dist::podman_works().map(|_| b)) {
        Ok(b) => b,
        Err(why) => return dist::cannot_run("IMAGE", &why).unwrap_or(()),
    };
    let dir = tempfile::tempdir().unwrap();
    let python = match dist::venv(dir.path(), &["testcontainers"]) {
        Ok(python) => python,
        Err(why) => return dist::cannot_run("IMAGE", &why).unwrap_or(()),
    };
    let image = format!("localhost/partnerd-testcontainers:{}", std::process::id());
    dist::build_image(&binary, &image);

    // Containers made through the socket get what `podman run` gets on the command line here
    // (docs/operations.md): runc, and ulimits these VMs accept.
    let conf = dir.path().join("containers.conf");
    std::fs::write(
        &conf,
        "[containers]\ndefault_ulimits = [\"nofile=20000:20000\", \"nproc=32768:32768\"]\n[engine]\nruntime = \"runc\"\n",
    )
    .unwrap();
    let socket = dir.path().join("podman.sock");
    let child = dist::podman(&["system", "service", "--time", "0", &format!("unix://{}", socket.display())])
        .env("CONTAINERS_CONF", &conf)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("podman system service starts");
    let _service = Service { child, image: image.clone() };
    let deadline = Instant::now() + Duration::from_secs(30);
    while !socket.exists() {
        assert!(Instant::now() < deadline, "podman's socket did not appear within 30 s");
        std::thread::sleep(Duration::from_millis(100));
    }

    let script = dist::root().join("crates/partnerd/tests/testcontainers_partnerd.py");
    let started = Instant::now();
    let out = dist::run(
        Command::new(&python)
            .arg(&script)
            .env("DOCKER_HOST", format!("unix://{}", socket.display()))
            .env("TESTCONTAINERS_RYUK_DISABLED", "true")
            // These VMs are containers themselves (they have a /.dockerenv), which makes
            // testcontainers-python look for the started container through a Docker-in-Docker
            // gateway; its ports are published on this machine.
            .env("TESTCONTAINERS_CONNECTION_MODE", "docker_host")
            .env("TC_HOST", "localhost")
            .env("PARTNERD_IMAGE", &image),
        Duration::from_secs(300),
    );
    eprintln!("testcontainers: {:.1} s: {out}", started.elapsed().as_secs_f64());
    assert!(out.contains("listed 20, created "), "{out}");
}
