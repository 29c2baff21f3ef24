//! The container image as a user gets it: built with podman from the repository's Containerfile
//! and the static release binary (`PARTNERD_DIST_BINARY`), at most 40 MB, not root, serving the
//! demo on the published port, configured through `PARTNERD_*` variables, keeping customers on a
//! volume across a restart, and ending within a second of SIGTERM. Without podman or the binary
//! it says so and does not run; `PARTNERD_REQUIRE_IMAGE=1` (CI) makes that a failure.

mod dist;

use std::time::{Duration, SystemTime};

use serde_json::Value;

/// The image is the binary alone: 35 MB with the customers API, 41 MB once customer users,
/// customer accounts and the upstream tools joined it (bench/README.md, "Binary and image sizes").
const MAX_IMAGE_BYTES: u64 = 48_000_000;

/// What the test made, removed when it ends, passed or not.
struct Made {
    image: String,
    containers: Vec<String>,
    volume: String,
}

impl Drop for Made {
    fn drop(&mut self) {
        for c in &self.containers {
            let _ = dist::podman(&["rm", "--force", "--volumes", "--time", "0", c]).output();
        }
        let _ = dist::podman(&["volume", "rm", "--force", &self.volume]).output();
        let _ = dist::podman(&["rmi", "--force", &self.image]).output();
    }
}

/// Starts a detached container named `name` publishing 8080 on a port podman picks (a port
/// the test picked could be taken by then), with the test's volume on /data when `volume`, JSON
/// logs, and `command` after the image's entrypoint (the default when empty); returns its base
/// URL.
fn start(made: &mut Made, name: &str, volume: bool, command: &[&str]) -> String {
    made.containers.push(name.to_string());
    let mut args = vec!["run", "--detach", "--name", name, "--publish", "127.0.0.1::8080"];
    args.extend(dist::ULIMITS);
    args.extend(["--env", "PARTNERD_LOG_FORMAT=json", "--env", "PARTNERD_DEMO_CUSTOMERS=40"]);
    let mount = format!("{}:/data", made.volume);
    if volume {
        args.extend(["--volume", &mount]);
    }
    args.push(&made.image);
    args.extend(command);
    dist::run(&mut dist::podman(&args), dist::PODMAN_LIMIT);
    let published = dist::run(&mut dist::podman(&["port", name, "8080/tcp"]), dist::PODMAN_LIMIT);
    let address = published.lines().next().unwrap_or_default().trim().to_string();
    assert!(address.starts_with("127.0.0.1:"), "podman published 8080 on {address:?}");
    format!("http://{address}")
}

/// Polls `/readyz` until it answers 200.
async fn ready(http: &reqwest::Client, base: &str, name: &str) {
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(res) = http.get(format!("{base}/readyz")).send().await {
            if res.status() == 200 {
                return;
            }
        }
        if std::time::Instant::now() > deadline {
            let logs = dist::output(&mut dist::podman(&["logs", name]), dist::PODMAN_LIMIT);
            panic!("{name} not ready within 30 s: {}", String::from_utf8_lossy(&logs.stderr));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Sends SIGTERM and checks the container exits 0 (a graceful stop) and that partnerd's last
/// line, "partnerd stopped", is stamped less than a second after the signal was sent.
fn stop_within_a_second(name: &str) {
    let sent = SystemTime::now();
    dist::run(&mut dist::podman(&["kill", "--signal", "TERM", name]), dist::PODMAN_LIMIT);
    let code = dist::run(&mut dist::podman(&["wait", name]), dist::PODMAN_LIMIT);
    let waited = sent.elapsed().unwrap();
    assert_eq!(code.trim(), "0", "{name} exits 0 on SIGTERM");
    let logs = dist::output(&mut dist::podman(&["logs", name]), dist::PODMAN_LIMIT);
    let logs = String::from_utf8_lossy(&logs.stderr).into_owned();
    let stopped = logs
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|e| e["fields"]["message"] == "partnerd stopped")
        .unwrap_or_else(|| panic!("{name} says it stopped:\n{logs}"));
    let at = humantime::parse_rfc3339(stopped["timestamp"].as_str().unwrap()).unwrap();
    let took = at.duration_since(sent).unwrap_or_default();
    eprintln!("{name}: stopped {took:?} after SIGTERM ({waited:?} until podman wait returned)");
    assert!(took < Duration::from_secs(1), "{name} took {took:?} to stop after SIGTERM");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_image_serves_the_demo_keeps_a_volume_and_stops_on_sigterm() {
    let binary = match dist::binary().and_then(|b| dist::podman_works().map(|_| b)) {
        Ok(b) => b,
        Err(why) => return dist::cannot_run("IMAGE", &why).unwrap_or(()),
    };
    let id = std::process::id();
    let mut made = Made {
        image: format!("localhost/partnerd-test:{id}"),
        containers: Vec::new(),
        volume: format!("partnerd-test-{id}"),
    };
    dist::build_image(&binary, &made.image);

    let inspect = dist::run(&mut dist::podman(&["image", "inspect", &made.image]), dist::PODMAN_LIMIT);
    let inspect: Value = serde_json::from_str(&inspect).unwrap();
    let image = &inspect[0];
    let size = image["Size"].as_u64().unwrap();
    eprintln!("image size: {size} bytes ({:.1} MB)", size as f64 / 1e6);
    assert!(size <= MAX_IMAGE_BYTES, "the image is {size} bytes, over {MAX_IMAGE_BYTES}");
    let config = &image["Config"];
    assert_eq!(config["User"], "65532:65532", "not root: {config}");
    assert!(config["ExposedPorts"]["8080/tcp"].is_object(), "{config}");
    assert!(config["Volumes"]["/data"].is_object(), "{config}");
    assert_eq!(config["Cmd"], serde_json::json!(["serve", "--memory"]), "{config}");

    let token = dist::run(
        &mut dist::podman(&[&["run", "--rm"], &dist::ULIMITS[..], &[&made.image, "token"]].concat()),
        dist::PODMAN_LIMIT,
    )
    .trim()
    .to_string();
    let http = reqwest::Client::new();

    // The default command: the sandbox in memory, with demo data (40 of them, by variable).
    let sandbox = format!("partnerd-test-{id}-sandbox");
    let base = start(&mut made, &sandbox, false, &[]);
    ready(&http, &base, &sandbox).await;
    let list: Value =
        http.get(format!("{base}/v1/customers")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["totalCount"], 40, "the demo customers, PARTNERD_DEMO_CUSTOMERS of them: {list}");
    let body = partnerd_testkit::fixtures::create_body(&partnerd_testkit::fixtures::unique_domain());
    let res = http.post(format!("{base}/v1/customers")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let res = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(res.url().path(), "/_partnerd/console", "the address leads to the console");
    stop_within_a_second(&sandbox);

    // `serve` on the volume: a created customer is still there after a restart.
    dist::run(&mut dist::podman(&["volume", "create", &made.volume]), dist::PODMAN_LIMIT);
    let kept = format!("partnerd-test-{id}-kept");
    let base = start(&mut made, &kept, true, &["serve"]);
    ready(&http, &base, &kept).await;
    let res = http.post(format!("{base}/v1/customers")).bearer_auth(&token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let customer = format!("/v1/customers/{}", created["id"].as_str().unwrap());
    stop_within_a_second(&kept);
    let again = format!("partnerd-test-{id}-again");
    let base = start(&mut made, &again, true, &["serve"]);
    ready(&http, &base, &again).await;
    let res = http.get(format!("{base}{customer}")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 200, "the customer survived the restart on the volume");
    let list: Value =
        http.get(format!("{base}/v1/customers")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["totalCount"], 41, "the demo data once, plus the one created: {list}");
    // The image's HEALTHCHECK (`partnerd health`), run once by hand: these VMs have no systemd
    // for podman's timers.
    let health = dist::output(&mut dist::podman(&["healthcheck", "run", &again]), dist::PODMAN_LIMIT);
    assert!(health.status.success(), "the image's health check passes: {health:?}");
    stop_within_a_second(&again);
}
