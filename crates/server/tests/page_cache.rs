//! Kept customer pages and customers (`page_cache.rs`): a page or customer is served again only
//! while no write has committed, whoever wrote (this server, another process on the same file), and the token of
//! a kept page is sealed afresh, so it lives its whole TTL from the answer.

use std::time::Duration;

use partnerd_model::PartnerId;
use partnerd_server::Config;
use partnerd_testkit::{fixtures, new_partner, store_test, Kind, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// The hit counter is one for the process: this file's tests run one at a time, so that the
/// hit one test counts is its own, not another's kept page.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn names(app: &TestApp, partner: &PartnerId, query: &str) -> Vec<String> {
    let (status, page) = app.call(partner, Method::GET, &format!("/v1/customers{query}"), None).await;
    assert_eq!(status, 200, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["companyProfile"]["companyName"].as_str().unwrap().into())
        .collect()
}

async fn create(app: &TestApp, partner: &PartnerId, name: &str) -> Value {
    let mut body = fixtures::create_body(&fixtures::unique_domain());
    body["billingProfile"]["companyName"] = json!(name);
    let (status, customer) = app.call(partner, Method::POST, "/v1/customers", Some(&body)).await;
    assert_eq!(status, 201, "{customer}");
    customer
}

store_test!(a_kept_page_never_outlives_a_write, |db| {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    create(&app, &partner, "Alpha").await;
    assert_eq!(names(&app, &partner, "").await, ["Alpha"]);
    assert_eq!(names(&app, &partner, "").await, ["Alpha"], "read twice, the second kept");
    create(&app, &partner, "Bravo").await;
    assert_eq!(names(&app, &partner, "").await, ["Alpha", "Bravo"], "a create is seen at once");
    let charlie = create(&app, &partner, "Charlie").await;
    assert_eq!(names(&app, &partner, "?size=2").await, ["Alpha", "Bravo"]);
    let id = charlie["id"].as_str().unwrap();
    let (status, _) = app.call(&partner, Method::DELETE, &format!("/v1/customers/{id}"), None).await;
    assert_eq!(status, 204);
    assert_eq!(names(&app, &partner, "").await, ["Alpha", "Bravo"], "a delete is seen at once");
    // Another partner's page is its own, kept or not.
    assert!(names(&app, &new_partner(), "").await.is_empty());
});

store_test!(a_kept_customer_never_outlives_a_write, |db| {
    let _alone = ONE_AT_A_TIME.lock().await;
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = create(&app, &partner, "Alpha").await["id"].as_str().unwrap().to_string();
    let path = format!("/v1/customers/{id}");
    let read = || async {
        let res = app.get(&partner, &path).send().await.unwrap();
        let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
        (res.status().as_u16(), etag, res.json::<Value>().await.unwrap_or(Value::Null))
    };
    let first = read().await;
    let before = customer_hits(&app).await;
    assert_eq!(read().await, first, "read twice, the second the same");
    if db.kind == Kind::Sqlite {
        assert!(customer_hits(&app).await > before, "the second read was the kept one");
    }
    // Another partner never gets it, kept or not.
    assert_eq!(app.get(&new_partner(), &path).send().await.unwrap().status(), 404);
    // A billing update is seen at once, with its new etag.
    let billing = format!("{path}/profiles/billing");
    let mut profile: Value = app.get(&partner, &billing).send().await.unwrap().json().await.unwrap();
    profile["companyName"] = json!("Renamed Ltd");
    let res = app.request(Method::PUT, &partner, &billing).json(&profile).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let (status, etag, customer) = read().await;
    assert_eq!((status, &customer["billingProfile"]["companyName"]), (200, &json!("Renamed Ltd")));
    assert_ne!(etag, first.1, "the new etag");
    // A delete is seen at once.
    assert_eq!(app.call(&partner, Method::DELETE, &path, None).await.0, 204);
    assert_eq!(read().await.0, 404);
});

store_test!(writes_by_another_process_are_seen, |db| {
    let _alone = ONE_AT_A_TIME.lock().await;
    // A second store on the same database is what `partnerd import` on the server's file is:
    // another connection, outside the server, that the server is never told about.
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    create(&app, &partner, "Alpha").await;
    assert_eq!(names(&app, &partner, "").await, ["Alpha"]);
    let outside = db.open().await;
    fixtures::insert_named(&outside.offline(), &partner, &["Bravo"]).await;
    assert_eq!(names(&app, &partner, "").await, ["Alpha", "Bravo"]);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kept_pages_are_served_again_with_fresh_tokens() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let db = partnerd_testkit::TestDb::new(Kind::Sqlite).await.unwrap();
    let config = Config { continuation_ttl: Duration::from_secs(3), ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    for name in ["Alpha", "Bravo"] {
        create(&app, &partner, name).await;
    }
    let hits = || async { page_cache_hits(&app).await };
    let before = hits().await;
    let first = page_token(&app, &partner).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let second = page_token(&app, &partner).await;
    assert!(hits().await > before, "the second page was the kept one");
    tokio::time::sleep(Duration::from_secs(2)).await;
    // Four seconds after the first answer its token has expired; the kept page's answer came
    // two seconds later with a token of its own, valid for three seconds from then.
    assert_eq!(next(&app, &partner, first).await, 400, "the first token expired");
    assert_eq!(next(&app, &partner, second).await, 200, "the kept page's token lives its whole TTL");
}

async fn next(app: &TestApp, partner: &PartnerId, token: String) -> u16 {
    let res = app.get(partner, "/v1/customers?seekOperation=Next").header("MS-ContinuationToken", token);
    res.send().await.unwrap().status().as_u16()
}

async fn page_token(app: &TestApp, partner: &PartnerId) -> String {
    let (status, page) = app.call(partner, Method::GET, "/v1/customers?size=1", None).await;
    assert_eq!((status, page["totalCount"].clone()), (200, json!(1)), "{page}");
    page["continuationToken"].as_str().unwrap().to_string()
}

async fn page_cache_hits(app: &TestApp) -> u64 {
    hits(app, "partnerd_page_cache_total").await
}

async fn customer_hits(app: &TestApp) -> u64 {
    hits(app, "partnerd_customer_cache_total").await
}

async fn hits(app: &TestApp, metric: &str) -> u64 {
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    let start = format!(r#"{metric}{{outcome="hit"}}"#);
    let line = text.lines().find(|l| l.starts_with(&start));
    line.map_or(0, |l| l.rsplit(' ').next().unwrap().parse().unwrap())
}
