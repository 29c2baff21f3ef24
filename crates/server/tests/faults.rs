//! Fault injection (`/_partnerd/faults`): every kind fires as configured, never half-applies
//! a write, and the partnerd client retries through it to exactly one customer.

use std::time::Duration;

use partnerd_client::{Client, RetryPolicy};
use partnerd_model::{Customer, PartnerId};
use partnerd_server::{mint_dev_token_at, Config, FaultRule};
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, token, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const MISSING: &str = "/v1/customers/5d6b8f1c-0000-4000-8000-00000000000f";

async fn add_fault(app: &TestApp, rule: Value) -> Value {
    let res = app.http.post(app.url("/_partnerd/faults")).json(&rule).send().await.unwrap();
    assert_eq!(res.status(), 201, "{rule}");
    res.json().await.unwrap()
}

async fn faults(app: &TestApp) -> Vec<Value> {
    let body: Value = app.http.get(app.url("/_partnerd/faults")).send().await.unwrap().json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn create(app: &TestApp, partner: &PartnerId) -> reqwest::Response {
    app.request(Method::POST, partner, "/v1/customers")
        .header("MS-RequestId", uuid::Uuid::new_v4().to_string())
        .json(&create_body(&unique_domain()))
        .send()
        .await
        .unwrap()
}

async fn count(app: &TestApp, partner: &PartnerId) -> usize {
    walk(app, partner, "/v1/customers?size=500").await.0.len()
}

/// The journal entries, newest first: at least `n`, since a read of the journal waits for the
/// requests answered before it.
async fn journal(app: &TestApp, n: usize) -> Vec<Value> {
    let body: Value =
        app.http.get(app.url("/_partnerd/requests?limit=1000")).send().await.unwrap().json().await.unwrap();
    let items = body["items"].as_array().unwrap().clone();
    assert!(items.len() >= n, "{} journal entries, expected {n}", items.len());
    items
}

fn client(app: &TestApp, partner: &PartnerId) -> Client {
    let quick = RetryPolicy { base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    Client::builder().base_url(app.url("")).token(token(partner)).retry_policy(quick).build().unwrap()
}

fn new_customer() -> Customer {
    serde_json::from_value(create_body(&unique_domain())).unwrap()
}

store_test!(rules_are_added_listed_and_removed, |db| {
    let app = TestApp::start(&db).await;
    let rule = add_fault(&app, json!({"method": "post", "route": "/v1/customers", "status": 503, "count": 2})).await;
    assert_eq!(rule["method"], "POST");
    assert_eq!(rule["status"], 503);
    assert_eq!(rule["remaining"], 2);
    let id = rule["id"].as_str().unwrap().to_string();
    add_fault(&app, json!({"latencyMs": 5, "expiresInSeconds": 60})).await;
    let listed = faults(&app).await;
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["id"], id.as_str());
    assert!(listed[1]["expiresAt"].is_string());
    for bad in [
        json!({"status": 503, "colour": "red"}),
        json!({"status": "503"}),
        json!({"status": 200}),
        json!({"route": "/v1/customers"}),
        json!({"status": 503, "drop": true}),
        json!({"status": 503, "probability": 2}),
        json!({"status": 503, "partner": "nope"}),
    ] {
        let res = app.http.post(app.url("/_partnerd/faults")).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800002, "{bad}: {body}");
    }
    assert_eq!(faults(&app).await.len(), 2, "refused rules change nothing");
    let removed = app.http.delete(app.url(&format!("/_partnerd/faults/{id}"))).send().await.unwrap();
    assert_eq!(removed.status(), 204);
    let again = app.http.delete(app.url(&format!("/_partnerd/faults/{id}"))).send().await.unwrap();
    assert_eq!(again.status(), 404);
    let cleared = app.http.delete(app.url("/_partnerd/faults")).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(faults(&app).await.is_empty());
});

store_test!(a_count_runs_out_and_the_store_is_untouched, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "POST", "route": "/v1/customers", "status": 503, "count": 2})).await;
    for _ in 0..2 {
        let res = create(&app, &partner).await;
        assert_eq!(res.status(), 503);
        assert_eq!(res.headers()["retry-after"], "1");
        assert!(res.headers().contains_key("ms-requestid"));
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800003);
    }
    assert_eq!(count(&app, &partner).await, 0, "a fault without commit never writes");
    assert_eq!(create(&app, &partner).await.status(), 201, "the count ran out");
    assert!(faults(&app).await.is_empty());
    assert_eq!(count(&app, &partner).await, 1);
    let entries = journal(&app, 4).await;
    let faulted: Vec<&Value> = entries.iter().filter(|e| !e["fault"].is_null()).collect();
    assert_eq!(faulted.len(), 2);
    assert_eq!(faulted[0]["fault"]["status"], 503);
    assert_eq!(faulted[0]["status"], 503);
});

store_test!(statuses_answer_with_the_contract_bodies, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"route": "/customers/{id}", "method": "GET", "status": 429, "retryAfter": 7, "count": 1}))
        .await;
    let res = app.get(&partner, MISSING).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["retry-after"], "7");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body, json!({"statusCode": 429, "message": "Rate limit is exceeded. Try again in 7 seconds."}));
    add_fault(&app, json!({"status": 409, "code": 600006, "description": "Taken.", "count": 1})).await;
    let res = app.get(&partner, MISSING).header("Accept", "application/xml").send().await.unwrap();
    assert_eq!(res.status(), 409);
    let xml = res.text().await.unwrap();
    assert!(xml.contains("600006") && xml.contains("Taken."), "negotiated like any answer: {xml}");
    // The /v1.0 spelling of a route matches /v1 requests, and a partner limit holds.
    let other = new_partner();
    add_fault(&app, json!({"route": "/v1.0/customers/{id}", "partner": partner.as_str(), "status": 500})).await;
    assert_eq!(app.get(&other, MISSING).send().await.unwrap().status(), 404);
    assert_eq!(app.get(&partner, MISSING).send().await.unwrap().status(), 500);
    assert_eq!(app.get(&partner, "/v1.0/customers").send().await.unwrap().status(), 200, "other routes pass");
});

store_test!(expired_rules_stop_firing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"route": "/v1/customers", "method": "GET", "status": 500, "expiresInSeconds": 3600})).await;
    assert_eq!(app.get(&partner, "/v1/customers").send().await.unwrap().status(), 500);
    // The server's clock, not the wall clock, ends a rule: moved past the expiry, it is gone
    // at once, without the test waiting.
    let moved = app.http.post(app.url("/_partnerd/clock")).json(&json!({"advanceSeconds": 3500})).send().await.unwrap();
    assert_eq!(moved.status(), 200);
    assert_eq!(faults(&app).await.len(), 1, "100 s before its expiry");
    let token = mint_dev_token_at(&partner, Duration::from_secs(600), 3500 + partnerd_store::now_secs());
    let list = || app.http.get(app.url("/v1/customers")).bearer_auth(&token).send();
    assert_eq!(list().await.unwrap().status(), 500);
    app.http.post(app.url("/_partnerd/clock")).json(&json!({"advanceSeconds": 101})).send().await.unwrap();
    assert!(faults(&app).await.is_empty(), "expired on the server's clock");
    assert_eq!(list().await.unwrap().status(), 200);
});

/// Which of `n` GETs the rule struck, on a fresh server with `seed`.
async fn strikes(db: &partnerd_testkit::TestDb, seed: u64, n: usize) -> Vec<bool> {
    let app = TestApp::start_with(db, Config { fault_seed: Some(seed), journal_size: 0, ..Config::default() }).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "GET", "route": "/v1/customers/{id}", "status": 500, "probability": 0.3})).await;
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(app.get(&partner, MISSING).send().await.unwrap().status() == 500);
    }
    out
}

store_test!(seeded_probability_repeats, |db| {
    let first = strikes(&db, 42, 200).await;
    let struck = first.iter().filter(|s| **s).count();
    assert!((40..=80).contains(&struck), "p=0.3 of 200 struck {struck}");
    assert_eq!(strikes(&db, 42, 200).await, first, "the same seed gives the same sequence");
    assert_ne!(strikes(&db, 43, 200).await, first, "another seed, another sequence");
});

store_test!(latency_is_added, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "GET", "route": "/v1/customers", "latencyMs": 300, "count": 1})).await;
    assert_eq!(app.get(&partner, "/v1/customers").send().await.unwrap().status(), 200, "latency alone answers");
    add_fault(&app, json!({"route": "/v1/customers", "latencyMinMs": 100, "latencyMaxMs": 200, "count": 1})).await;
    app.get(&partner, "/v1/customers").send().await.unwrap();
    let entries = journal(&app, 2).await;
    let (uniform, fixed) = (&entries[0], &entries[1]);
    assert!(fixed["latencyMs"].as_f64().unwrap() >= 300.0, "{fixed}");
    assert_eq!(fixed["fault"]["appliedLatencyMs"], 300);
    let drawn = uniform["fault"]["appliedLatencyMs"].as_u64().unwrap();
    assert!((100..=200).contains(&drawn), "{drawn}");
    assert!(uniform["latencyMs"].as_f64().unwrap() >= drawn as f64, "{uniform}");
});

store_test!(drop_closes_the_connection_without_an_answer, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "GET", "route": "/v1/customers", "drop": true, "count": 1})).await;
    let fresh = reqwest::Client::new();
    let err = fresh.get(app.url("/v1/customers")).bearer_auth(token(&partner)).send().await.unwrap_err();
    assert!(err.status().is_none(), "no status line arrived: {err:?}");
    assert_eq!(app.get(&partner, "/v1/customers").send().await.unwrap().status(), 200);
    let entries = journal(&app, 2).await;
    assert!(entries[1]["status"].is_null() && entries[1]["fault"]["drop"] == true, "{}", entries[1]);
    // commit + drop: the create is stored, only its answer is lost.
    add_fault(&app, json!({"method": "POST", "drop": true, "commit": true, "count": 1})).await;
    let lost = fresh
        .post(app.url("/v1/customers"))
        .bearer_auth(token(&partner))
        .json(&create_body(&unique_domain()))
        .send()
        .await;
    assert!(lost.is_err());
    assert_eq!(count(&app, &partner).await, 1);
});

store_test!(the_client_retries_through_two_503s_to_one_customer, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "POST", "route": "/v1/customers", "status": 503, "count": 2})).await;
    let created = client(&app, &partner).create(&new_customer()).await.unwrap();
    assert!(created.id.is_some());
    assert_eq!(count(&app, &partner).await, 1);
    let entries = journal(&app, 3).await;
    let posts: Vec<&Value> = entries.iter().filter(|e| e["method"] == "POST").collect();
    assert_eq!(posts.len(), 3);
    assert!(posts.iter().all(|e| e["requestId"] == posts[0]["requestId"]), "one MS-RequestId for every attempt");
});

store_test!(the_client_retries_through_a_lost_answer_to_one_customer, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    add_fault(&app, json!({"method": "POST", "route": "/v1/customers", "status": 503, "commit": true, "count": 1}))
        .await;
    let created = client(&app, &partner).create(&new_customer()).await.unwrap();
    assert_eq!(count(&app, &partner).await, 1, "committed once, replayed on the retry");
    let listed = walk(&app, &partner, "/v1/customers").await.0;
    assert_eq!(listed, [created.id.clone().unwrap()]);
    add_fault(&app, json!({"method": "POST", "route": "/v1/customers", "drop": true, "commit": true, "count": 1}))
        .await;
    client(&app, &partner).create(&new_customer()).await.unwrap();
    assert_eq!(count(&app, &partner).await, 2, "a dropped answer, retried: still one customer per create");
});

#[test]
fn faults_files_are_checked_rule_by_rule() {
    let rules = FaultRule::parse_list(r#"[{"status": 503, "count": 2}, {"latencyMs": 10}]"#).unwrap();
    assert_eq!(rules.len(), 2);
    let err = FaultRule::parse_list(r#"[{"status": 503}, {"status": 503, "speed": 1}]"#).unwrap_err();
    assert!(err.contains("fault rule 2") && err.contains("speed"), "{err}");
}

store_test!(faults_from_the_configuration_are_in_force_at_start, |db| {
    let rules = FaultRule::parse_list(r#"[{"method": "GET", "route": "/v1/customers", "status": 500}]"#).unwrap();
    let app = TestApp::start_with(&db, Config { faults: rules, ..Config::default() }).await;
    assert_eq!(app.get(&new_partner(), "/v1/customers").send().await.unwrap().status(), 500);
    assert_eq!(faults(&app).await.len(), 1);
});

store_test!(reset_forgets_journal_and_faults, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    add_fault(&app, json!({"partner": a.as_str(), "status": 500})).await;
    add_fault(&app, json!({"partner": b.as_str(), "status": 500})).await;
    app.get(&a, "/v1/customers").send().await.unwrap();
    app.get(&b, "/v1/customers").send().await.unwrap();
    journal(&app, 2).await;
    let res = app.http.post(app.url(&format!("/_partnerd/reset?partner={a}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let left = journal(&app, 1).await;
    assert_eq!(left.len(), 1);
    assert_eq!(left[0]["partner"], b.as_str());
    let rules = faults(&app).await;
    assert_eq!(rules.len(), 1);
    assert_eq!(rules[0]["partner"], b.as_str());
    app.http.post(app.url("/_partnerd/reset")).send().await.unwrap();
    assert!(faults(&app).await.is_empty());
    let body: Value = app.http.get(app.url("/_partnerd/requests")).send().await.unwrap().json().await.unwrap();
    assert_eq!(body["totalCount"], 0);
});
