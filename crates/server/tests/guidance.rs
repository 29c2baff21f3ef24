//! Guidance (`/_partnerd/guidance`): each flag is raised by the client habit it names, shows on
//! the request's journal entry and in the summary's counts; a well-behaved request raises none;
//! DELETE starts the tallies over (for everyone or one partner).

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::walk::page;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::{Method, RequestBuilder};
use serde_json::{json, Value};

const FLAGS: [&str; 5] = [
    "retryBeforeRetryAfter",
    "createWithoutRequestId",
    "noCorrelationId",
    "sizeAbove500",
    "continuationTokenQueryChanged",
];

/// A request as a careful client sends it: with an `MS-CorrelationId`.
fn careful(app: &TestApp, method: Method, partner: &PartnerId, path: &str) -> RequestBuilder {
    app.request(method, partner, path).header("MS-CorrelationId", uuid::Uuid::new_v4().to_string())
}

/// Sends `req`; returns its status and the flags on its journal entry (the newest).
async fn flags_of(app: &TestApp, req: RequestBuilder) -> (u16, Vec<String>) {
    let status = req.send().await.unwrap().status().as_u16();
    let newest = &journal(app).await[0];
    let flags = newest["guidance"].as_array().unwrap().iter().map(|f| f.as_str().unwrap().to_string()).collect();
    (status, flags)
}

async fn journal(app: &TestApp) -> Vec<Value> {
    let body: Value = app.http.get(app.url("/_partnerd/requests")).send().await.unwrap().json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

async fn summary(app: &TestApp, query: &str) -> Value {
    let res = app.http.get(app.url(&format!("/_partnerd/guidance{query}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

/// The summary's count of each flag, in [`FLAGS`] order.
async fn counts(app: &TestApp, query: &str) -> Vec<u64> {
    let body = summary(app, query).await;
    FLAGS.iter().map(|f| body["flags"][f]["count"].as_u64().unwrap()).collect()
}

/// `[0, .., 1 at flag, .., 0]`.
fn only(flag: &str) -> Vec<u64> {
    FLAGS.iter().map(|f| u64::from(*f == flag)).collect()
}

async fn move_clock(app: &TestApp, body: Value) {
    let res = app.http.post(app.url("/_partnerd/clock")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), 200);
}

store_test!(a_well_behaved_client_raises_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    let create = careful(&app, Method::POST, &partner, "/v1/customers")
        .header("MS-RequestId", uuid::Uuid::new_v4().to_string())
        .json(&create_body(&unique_domain()));
    assert_eq!(flags_of(&app, create).await, (201, vec![]));
    let first = page(&app, &partner, "/v1/customers?size=2", None).await;
    let (next, token) = first.next().unwrap();
    let follow = careful(&app, Method::GET, &partner, &next).header("MS-ContinuationToken", &token);
    assert_eq!(flags_of(&app, follow).await, (200, vec![]), "the next link as given");
    let same_size = careful(&app, Method::GET, &partner, "/v1/customers?size=2&seekOperation=Next")
        .header("MS-ContinuationToken", &token);
    assert_eq!(flags_of(&app, same_size).await, (200, vec![]), "the size repeated unchanged");
    let full = careful(&app, Method::GET, &partner, "/v1/customers?size=500");
    assert_eq!(flags_of(&app, full).await, (200, vec![]));
    // `page` sent no MS-CorrelationId: that one request, and nothing else, was flagged.
    assert_eq!(counts(&app, "").await, only("noCorrelationId"));
});

store_test!(a_retry_before_retry_after_is_flagged_until_the_clock_passes_it, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let rule = json!({"method": "POST", "route": "/v1/customers", "status": 503, "retryAfter": 30, "count": 1});
    assert_eq!(app.http.post(app.url("/_partnerd/faults")).json(&rule).send().await.unwrap().status(), 201);
    let request_id = uuid::Uuid::new_v4().to_string();
    let body = create_body(&unique_domain());
    let create =
        || careful(&app, Method::POST, &partner, "/v1/customers").header("MS-RequestId", &request_id).json(&body);
    assert_eq!(flags_of(&app, create()).await, (503, vec![]), "told to wait 30 s");
    assert_eq!(flags_of(&app, create()).await, (201, vec!["retryBeforeRetryAfter".to_string()]), "did not wait");
    assert_eq!(counts(&app, "").await, only("retryBeforeRetryAfter"));
    // A different path of the same partner is another call; the same path of another partner too.
    let other = careful(&app, Method::GET, &partner, "/v1/customers");
    assert_eq!(flags_of(&app, other).await.1, Vec::<String>::new());
    // Once the server's clock has passed the Retry-After, the same retry is fine.
    move_clock(&app, json!({"advanceSeconds": 31})).await;
    assert_eq!(flags_of(&app, create()).await, (201, vec![]), "the kept answer, replayed");
    // The window is keyed by method and path too: a retry with a fresh MS-RequestId is still early.
    let rule = json!({"method": "GET", "route": "/v1/customers/{id}", "status": 429, "retryAfter": 5, "count": 1});
    app.http.post(app.url("/_partnerd/faults")).json(&rule).send().await.unwrap();
    let get = || careful(&app, Method::GET, &partner, "/v1/customers/5d6b8f1c-0000-4000-8000-00000000000f");
    assert_eq!(flags_of(&app, get()).await, (429, vec![]));
    assert_eq!(flags_of(&app, get()).await, (404, vec!["retryBeforeRetryAfter".to_string()]));
    let summary = summary(&app, "").await;
    assert_eq!(summary["flags"]["retryBeforeRetryAfter"]["count"], 2);
    assert_eq!(summary["total"], 2);
});

store_test!(a_create_without_request_id_is_flagged, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let create = careful(&app, Method::POST, &partner, "/v1.0/customers").json(&create_body(&unique_domain()));
    assert_eq!(flags_of(&app, create).await, (201, vec!["createWithoutRequestId".to_string()]));
    // Other writes without one are not creates.
    let missing = "/v1/customers/5d6b8f1c-0000-4000-8000-00000000000f";
    assert_eq!(flags_of(&app, careful(&app, Method::DELETE, &partner, missing)).await.1, Vec::<String>::new());
    assert_eq!(counts(&app, "").await, only("createWithoutRequestId"));
    let entry = &journal(&app).await[1];
    let example = &summary(&app, "").await["flags"]["createWithoutRequestId"]["latest"][0];
    assert_eq!(example["entry"], entry["id"], "the example names the journal entry");
    assert_eq!(example["requestId"], entry["requestId"]);
    assert_eq!(example["method"], "POST");
    assert_eq!(example["path"], "/v1.0/customers");
});

store_test!(a_request_without_correlation_id_is_flagged, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let bare = app.request(Method::GET, &partner, "/v1/customers");
    assert_eq!(flags_of(&app, bare).await, (200, vec!["noCorrelationId".to_string()]));
    let empty = app.request(Method::GET, &partner, "/v1/customers").header("MS-CorrelationId", "");
    assert_eq!(flags_of(&app, empty).await.1, ["noCorrelationId"], "an empty one is none");
    // Even an unauthenticated request, journaled without a partner.
    let anonymous = app.http.get(app.url("/v1/customers"));
    assert_eq!(flags_of(&app, anonymous).await, (401, vec!["noCorrelationId".to_string()]));
    assert_eq!(counts(&app, "").await, [0, 0, 3, 0, 0]);
    assert_eq!(counts(&app, &format!("?partner={partner}")).await, [0, 0, 2, 0, 0]);
});

store_test!(a_size_above_500_is_flagged, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    for size in ["501", "1000", "100000000000000000000000"] {
        let req = careful(&app, Method::GET, &partner, &format!("/v1/customers?size={size}"));
        assert_eq!(flags_of(&app, req).await, (200, vec!["sizeAbove500".to_string()]), "size={size}");
    }
    let fine = careful(&app, Method::GET, &partner, "/v1/customers?size=500");
    assert_eq!(flags_of(&app, fine).await.1, Vec::<String>::new());
    assert_eq!(counts(&app, "").await, [0, 0, 0, 3, 0]);
});

store_test!(a_continuation_token_with_another_query_is_flagged, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    let (_, token) = page(&app, &partner, "/v1/customers?size=2", None).await.next().unwrap();
    let resized = careful(&app, Method::GET, &partner, "/v1/customers?size=3&seekOperation=Next")
        .header("MS-ContinuationToken", &token);
    assert_eq!(flags_of(&app, resized).await, (400, vec!["continuationTokenQueryChanged".to_string()]));
    let filter = "%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22a%22%2C%22Operator%22%3A%22starts_with%22%7D";
    let filtered = careful(&app, Method::GET, &partner, &format!("/v1/customers?filter={filter}&seekOperation=Next"))
        .header("MS-ContinuationToken", &token);
    assert_eq!(flags_of(&app, filtered).await, (400, vec!["continuationTokenQueryChanged".to_string()]));
    assert_eq!(counts(&app, "").await, [0, 0, 1, 0, 2], "the first page went without MS-CorrelationId");
});

store_test!(delete_starts_the_tallies_over, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    for partner in [&a, &b] {
        app.request(Method::GET, partner, "/v1/customers?size=900").send().await.unwrap();
    }
    assert_eq!(counts(&app, "").await, [0, 0, 2, 2, 0]);
    let res = app.http.delete(app.url(&format!("/_partnerd/guidance?partner={a}"))).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(counts(&app, &format!("?partner={a}")).await, [0; 5]);
    assert_eq!(counts(&app, "").await, [0, 0, 1, 1, 0], "only that partner's");
    let res = app.http.delete(app.url("/_partnerd/guidance?colour=red")).send().await.unwrap();
    assert_eq!(res.status(), 400, "unknown parameters are refused");
    assert_eq!(counts(&app, "").await, [0, 0, 1, 1, 0], "and change nothing");
    let res = app.http.delete(app.url("/_partnerd/guidance")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    let summary = summary(&app, "").await;
    assert_eq!(summary["total"], 0);
    assert!(FLAGS.iter().all(|f| summary["flags"][f]["latest"] == json!([])), "{summary}");
    // The journal keeps its entries' flags: guidance tallies and the journal are cleared apart.
    assert!(journal(&app).await.iter().all(|e| e["guidance"].as_array().unwrap().len() == 2));
});
