//! Every request body in examples/ is accepted by a real server as it is, on both stores, and
//! the faults file does what it says in a real `partnerd serve`, so the examples the README
//! and docs point at cannot rot.

use std::path::PathBuf;

use partnerd_testkit::process::ServerProcess;
use partnerd_testkit::{new_partner, store_test, token, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::Value;

fn example(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// Posts a create example; returns the created customer.
async fn create(app: &TestApp, partner: &partnerd_model::PartnerId, name: &str, content_type: &str) -> Value {
    let res = app
        .request(Method::POST, partner, "/v1/customers")
        .header("Content-Type", content_type)
        .body(example(name))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let body = res.text().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{name}: {body}");
    serde_json::from_str(&body).unwrap()
}

store_test!(every_create_example_creates_a_customer, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    for (name, content_type) in [
        ("customer.json", "application/json"),
        ("customer.xml", "application/xml"),
        ("customer.form", "application/x-www-form-urlencoded"),
    ] {
        let created = create(&app, &partner, name, content_type).await;
        let id = created["id"].as_str().expect("an id");
        assert!(created["userCredentials"]["password"].as_str().is_some_and(|p| !p.is_empty()), "{name}");
        let got = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK, "{name}");
    }
});

store_test!(the_billing_update_example_replaces_the_billing_profile, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let created = create(&app, &partner, "customer.json", "application/json").await;
    let path = format!("/v1/customers/{}/profiles/billing", created["id"].as_str().unwrap());
    let etag = created["billingProfile"]["attributes"]["etag"].as_str().expect("an etag").to_string();
    let res = app
        .request(Method::PUT, &partner, &path)
        .header("Content-Type", "application/json")
        .header("If-Match", format!("\"{etag}\""))
        .body(example("billing-update.json"))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let updated: Value = serde_json::from_str(&res.text().await.unwrap()).unwrap();
    assert_eq!(status, StatusCode::OK, "{updated}");
    let sent: Value = serde_json::from_slice(&example("billing-update.json")).unwrap();
    assert_eq!(updated["email"], sent["email"]);
    assert_eq!(updated["defaultAddress"]["city"], sent["defaultAddress"]["city"]);
    assert_ne!(updated["attributes"]["etag"].as_str(), Some(etag.as_str()));
});

store_test!(the_snapshot_example_restores_its_customers, |db| {
    let app = TestApp::start(&db).await;
    let res = app.http.put(app.url("/_partnerd/snapshot")).body(example("snapshot.jsonl")).send().await.unwrap();
    let status = res.status();
    assert!(status.is_success(), "{status}: {}", res.text().await.unwrap());
    let partner = partnerd_model::PartnerId::parse("c0ffee00-0000-4000-8000-000000000001").unwrap();
    let listed: Value = app.get(&partner, "/v1/customers").send().await.unwrap().json().await.unwrap();
    let lines = String::from_utf8(example("snapshot.jsonl")).unwrap();
    assert_eq!(listed["totalCount"], lines.lines().count(), "{listed}");
    for line in lines.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        let id = row["customer"]["id"].as_str().unwrap();
        let got = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap();
        assert_eq!(got.status(), StatusCode::OK, "{id}");
    }
});

/// The faults example as `partnerd serve --faults examples/faults.json` loads it: the next two
/// creates get 503, the next list 429 with `Retry-After: 5`, and then those rules are gone;
/// half the reads of one customer wait 100 to 300 ms (a fixed `--fault-seed` makes the half
/// the same each run).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_faults_example_fires_each_rule_as_written() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../examples/faults.json");
    let args = ["--memory", "--fault-seed", "11", "--faults", &file.display().to_string()].map(String::from);
    let server = ServerProcess::start(env!("CARGO_BIN_EXE_partnerd"), &args);
    let http = reqwest::Client::new();
    let bearer = token(&new_partner());
    let faults = || async {
        let rules: Value = http.get(server.url("/_partnerd/faults")).send().await.unwrap().json().await.unwrap();
        rules["items"].as_array().unwrap().iter().map(|r| r["route"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(faults().await, ["/v1/customers", "/v1/customers", "/v1/customers/{id}"]);

    let create = || {
        http.post(server.url("/v1/customers"))
            .bearer_auth(&bearer)
            .header("Content-Type", "application/json")
            .body(example("customer.json"))
    };
    for attempt in 1..=2 {
        let res = create().send().await.unwrap();
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE, "create {attempt}");
        assert_eq!(res.headers()["retry-after"], "1");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800003, "{body}");
    }
    let created = create().send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED, "the third create");
    let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();

    let list = || http.get(server.url("/v1/customers")).bearer_auth(&bearer);
    let throttled = list().send().await.unwrap();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "5");
    assert_eq!(throttled.json::<Value>().await.unwrap()["statusCode"], 429);
    let listed: Value = list().send().await.unwrap().json().await.unwrap();
    assert_eq!(listed["totalCount"], 1, "the 503s created nothing: {listed}");
    assert_eq!(faults().await, ["/v1/customers/{id}"], "the counted rules ran out");

    for _ in 0..10 {
        let read = http.get(server.url(&format!("/v1/customers/{id}"))).bearer_auth(&bearer).send().await.unwrap();
        assert_eq!(read.status(), StatusCode::OK, "latency alone lets the request run");
    }
    let journal: Value = http
        .get(server.url("/_partnerd/requests?route=/v1/customers/{id}"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let waits: Vec<u64> =
        journal["items"].as_array().unwrap().iter().filter_map(|e| e["fault"]["appliedLatencyMs"].as_u64()).collect();
    assert!(!waits.is_empty() && waits.len() < 10, "some reads waited, not all: {waits:?}");
    assert!(waits.iter().all(|ms| (100..=300).contains(ms)), "{waits:?}");
}
