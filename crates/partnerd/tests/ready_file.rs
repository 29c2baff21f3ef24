//! `serve --listen 127.0.0.1:0 --ready-file PATH`, as a test fixture in another language uses
//! it: wait for the file, take the URL and token from it, list customers, stop the server and
//! find the file gone.

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

/// Every wait on the server in these tests ends by then (a fixture's own timeout).
const BOUND: Duration = Duration::from_secs(60);

/// Polls for the file, as a fixture would; panics if the server exits first or is not ready
/// within [`BOUND`] (and kills it then).
fn wait_for(path: &Path, child: &mut Child) -> Value {
    let deadline = Instant::now() + BOUND;
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return serde_json::from_str(&text).unwrap_or_else(|e| panic!("a whole JSON file: {e}: {text}"));
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("partnerd serve exited before it was ready: {status}");
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("partnerd serve wrote no ready file within {BOUND:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// SIGTERM, then waits at most [`BOUND`] for a clean exit (killing the server past it).
fn stop(child: &mut Child) {
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + BOUND;
    let exit = loop {
        if let Some(exit) = child.try_wait().unwrap() {
            break exit;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("partnerd serve still ran {BOUND:?} after SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(exit.success(), "SIGTERM ends partnerd cleanly");
}

#[tokio::test]
async fn a_fixture_finds_the_server_through_the_ready_file() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("partnerd.ready.json");
    let mut child = Command::new(BIN)
        .args(["serve", "--memory", "--listen", "127.0.0.1:0", "--demo-customers", "12"])
        .env("PARTNERD_READY_FILE", &ready)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let info = wait_for(&ready, &mut child);
    assert_eq!(info["pid"], child.id());
    let url = info["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:") && !url.ends_with(":0"), "{info}");
    assert_eq!(format!("http://{}", info["address"].as_str().unwrap()), url);
    assert_eq!(info["adminUrl"], format!("{url}/_partnerd"));
    assert_eq!(info["demoPartner"], "c0ffee00-0000-4000-8000-000000000001");

    let http = reqwest::Client::new();
    let page: Value = http
        .get(format!("{url}/v1/customers?size=500"))
        .bearer_auth(info["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["totalCount"], 12, "{page}");
    let admin: Value = http.get(info["adminUrl"].as_str().unwrap()).send().await.unwrap().json().await.unwrap();
    assert_eq!(admin["name"], "partnerd");

    stop(&mut child);
    assert!(!ready.exists(), "the file is removed on shutdown");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(leftovers.is_empty(), "no temporary file is left: {leftovers:?}");
}

#[tokio::test]
async fn production_keys_give_no_token_and_no_control_plane() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("ready.json");
    let mut child = Command::new(BIN)
        .args(["serve", "--memory", "--no-demo", "--listen", "127.0.0.1:0", "--mode", "production"])
        .args(["--jwt-secret", "0123456789abcdef0123456789abcdef", "--jwt-issuer", "https://issuer.example"])
        .arg("--ready-file")
        .arg(&ready)
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let info = wait_for(&ready, &mut child);
    assert_eq!(info["mode"], "production");
    assert_eq!(info["token"], Value::Null, "development tokens are refused here: none is offered");
    assert_eq!(info["adminUrl"], Value::Null, "no admin token: no control plane");
    let status = reqwest::get(format!("{}/v1/customers", info["url"].as_str().unwrap())).await.unwrap().status();
    assert_eq!(status, 401, "it serves");
    stop(&mut child);
    assert!(!ready.exists());
}
