//! Every request body in examples/ is accepted by a real server as it is, on both stores, so
//! the examples the README and docs point at cannot rot.

use std::path::PathBuf;

use partnerd_testkit::{new_partner, store_test, TestApp};
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
