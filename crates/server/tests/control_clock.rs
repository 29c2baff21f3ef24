//! Time travel (`/_partnerd/clock`): the offset is kept in the database, and bearer-token
//! expiry, continuation-token expiry and idempotency retention all follow it.

use std::time::{Duration, Instant};

use partnerd_model::PartnerId;
use partnerd_server::mint_dev_token_at;
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::walk::page;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::{json, Value};

const DAY_AND_AN_HOUR: i64 = 25 * 3600;

async fn clock(app: &TestApp) -> Value {
    let res = app.http.get(app.url("/_partnerd/clock")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn move_clock(app: &TestApp, body: Value) -> (u16, Value) {
    let res = app.http.post(app.url("/_partnerd/clock")).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// A token issued by the moved clock, as a client of the moved server would hold.
fn token_at(partner: &PartnerId, offset: i64) -> String {
    mint_dev_token_at(partner, Duration::from_secs(3600), partnerd_store::now_secs() + offset)
}

fn real_now() -> i64 {
    partnerd_store::now_secs()
}

fn parsed_now(body: &Value) -> i64 {
    let t = humantime::parse_rfc3339(body["now"].as_str().unwrap()).unwrap();
    t.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

store_test!(the_clock_moves_refuses_bad_bodies_and_is_kept_in_the_database, |db| {
    let app = TestApp::start(&db).await;
    assert_eq!(clock(&app).await["offsetSeconds"], 0);
    let (status, body) = move_clock(&app, json!({"offsetSeconds": 3600})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["offsetSeconds"], 3600);
    assert!((parsed_now(&body) - real_now() - 3600).abs() <= 2, "{body}");
    let (_, body) = move_clock(&app, json!({"advanceSeconds": -600})).await;
    assert_eq!(body["offsetSeconds"], 3000);
    for bad in [
        json!({}),
        json!({"offsetSeconds": 1, "advanceSeconds": 1}),
        json!({"offsetSeconds": "10"}),
        json!({"offsetSeconds": 1.5}),
        json!({"offset": 10}),
        json!({"offsetSeconds": 4_000_000_000i64}),
        json!([1]),
    ] {
        let (status, body) = move_clock(&app, bad.clone()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["code"], 800002, "{body}");
    }
    let res = app.http.post(app.url("/_partnerd/clock")).body("not json").send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(clock(&app).await["offsetSeconds"], 3000, "refused bodies change nothing");
    // Kept in the database: a new instance on it starts with the offset.
    let again = TestApp::start(&db).await;
    assert_eq!(clock(&again).await["offsetSeconds"], 3000);
});

store_test!(another_instance_on_the_database_follows_the_clock, |db| {
    let (a, b) = (TestApp::start(&db).await, TestApp::start(&db).await);
    assert_eq!(clock(&b).await["offsetSeconds"], 0);
    move_clock(&a, json!({"offsetSeconds": 7200})).await;
    // Each instance re-reads the shared offset at most once a second.
    let deadline = Instant::now() + Duration::from_secs(10);
    while clock(&b).await["offsetSeconds"] != 7200 {
        assert!(Instant::now() < deadline, "the other instance never saw the new offset");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
});

store_test!(a_bearer_token_from_before_a_25_hour_jump_has_expired, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let old = token_at(&partner, 0);
    let list = |token: String| app.http.get(app.url("/v1/customers")).bearer_auth(token).send();
    assert_eq!(list(old.clone()).await.unwrap().status(), 200);
    move_clock(&app, json!({"offsetSeconds": DAY_AND_AN_HOUR})).await;
    let res = list(old).await.unwrap();
    assert_eq!(res.status(), 401);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], 800001);
    assert!(body["description"].as_str().unwrap().contains("expired"), "{body}");
    // A token issued by the moved clock is fine, and one from its future is not valid yet.
    assert_eq!(list(token_at(&partner, DAY_AND_AN_HOUR)).await.unwrap().status(), 200);
    assert_eq!(list(token_at(&partner, 2 * DAY_AND_AN_HOUR)).await.unwrap().status(), 401);
});

store_test!(a_continuation_token_is_refused_after_a_25_hour_jump, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    let first = page(&app, &partner, "/v1/customers?size=2", None).await;
    let (_, token) = first.next().unwrap();
    move_clock(&app, json!({"offsetSeconds": DAY_AND_AN_HOUR})).await;
    let res = app
        .http
        .get(app.url("/v1/customers?size=2&seekOperation=Next"))
        .bearer_auth(token_at(&partner, DAY_AND_AN_HOUR))
        .header("MS-ContinuationToken", token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert!(body["description"].as_str().unwrap().contains("expired"), "{body}");
});

store_test!(kept_responses_expire_after_a_25_hour_jump, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let create = |body: Value, offset: i64| {
        app.http
            .post(app.url("/v1/customers"))
            .bearer_auth(token_at(&partner, offset))
            .header("MS-RequestId", "0f9b7c2e-1111-4a4a-8888-000000000001")
            .json(&body)
    };
    let first = create_body(&unique_domain());
    let res = create(first.clone(), 0).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let id = res.json::<Value>().await.unwrap()["id"].clone();
    let replay = create(first, 0).send().await.unwrap();
    assert_eq!(replay.json::<Value>().await.unwrap()["id"], id, "replayed within the window");
    let other = create_body(&unique_domain());
    assert_eq!(create(other.clone(), 0).send().await.unwrap().status(), 422, "the id is taken");
    move_clock(&app, json!({"offsetSeconds": DAY_AND_AN_HOUR + 60})).await;
    let res = create(other, DAY_AND_AN_HOUR + 60).send().await.unwrap();
    assert_eq!(res.status(), 201, "after the window the request id is free again");
    assert_ne!(res.json::<Value>().await.unwrap()["id"], id);
});
