//! `partnerd serve --log-format json` as an operator reads it: every log line is one JSON
//! object, and each request leaves exactly one access line carrying the ids the client was
//! given, the route template, the status and the latency.

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_partnerd");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_carry_one_access_line_per_request_with_its_ids() {
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--memory", "--no-demo", "--log-format", "json"])
        .env("PARTNERD_LOG", "partnerd=info,partnerd_server=info")
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let addr = loop {
        let mut line = String::new();
        assert!(stderr.read_line(&mut line).unwrap() > 0, "partnerd exited before listening");
        let event: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("a JSON banner ({e}): {line}"));
        if let Some(rest) = event["fields"]["url"].as_str().and_then(|u| u.strip_prefix("http://")) {
            break rest.to_string();
        }
    };
    let http = reqwest::Client::new();
    let token = String::from_utf8(Command::new(BIN).arg("token").output().unwrap().stdout).unwrap();
    let customer = "/v1/customers/5d6b8f1c-0000-4000-8000-000000000001";
    // (request id, path, authenticated, expected status, expected route)
    let requests = [
        ("a1111111-0000-4000-8000-000000000001", "/v1/customers?size=5", true, 200, "/v1/customers"),
        ("a1111111-0000-4000-8000-000000000002", customer, true, 404, "/v1/customers/{id}"),
        ("a1111111-0000-4000-8000-000000000003", "/v1/customers", false, 401, "/v1/customers"),
        ("a1111111-0000-4000-8000-000000000004", "/no/such/route", false, 404, "unmatched"),
    ];
    for (request_id, path, authed, status, _) in requests {
        let mut req = http
            .get(format!("http://{addr}{path}"))
            .header("MS-RequestId", request_id)
            .header("MS-CorrelationId", format!("corr-{request_id}"));
        if authed {
            req = req.bearer_auth(token.trim());
        }
        assert_eq!(req.send().await.unwrap().status(), status, "{path}");
    }
    // Log lines are written in batches by a thread of their own: a graceful stop (SIGTERM)
    // writes out every line queued, so reading stderr to the end sees each access line.
    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    child.wait().unwrap();
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();

    // The rest of the banner included: every line is JSON (first_run.rs checks the banner's fields).
    let events: Vec<Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not one JSON object per line ({e}): {l}")))
        .collect();
    for (request_id, path, _, status, route) in requests {
        let lines: Vec<&Value> = events
            .iter()
            .filter(|e| e["fields"]["message"] == "request served" && e["span"]["request_id"] == request_id)
            .collect();
        assert_eq!(lines.len(), 1, "one access line for {path}: {rest}");
        let span = &lines[0]["span"];
        assert_eq!(span["correlation_id"], format!("corr-{request_id}"), "{span}");
        assert_eq!(span["route"], route, "{span}");
        assert_eq!(span["method"], "GET", "{span}");
        assert_eq!(span["status"], status, "{span}");
        assert!(span["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0), "{span}");
        assert!(span["cv"].as_str().is_some_and(|cv| !cv.is_empty()), "{span}");
        assert_eq!(lines[0]["level"], "INFO");
    }
    let served = events.iter().filter(|e| e["fields"]["message"] == "request served").count();
    assert_eq!(served, requests.len(), "no other request was served: {rest}");
}
