//! `POST /_partnerd/reset`: everything, or one partner; the continuation-token key survives
//! unless `keys=true`.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::walk::{page, walk};
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::Value;

async fn reset(app: &TestApp, query: &str) -> (u16, Value) {
    let res = app.http.post(app.url(&format!("/_partnerd/reset{query}"))).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Creates a customer with `MS-RequestId: request_id`; returns its id.
async fn create(app: &TestApp, partner: &PartnerId, request_id: &str, body: &Value) -> String {
    let res = app
        .request(reqwest::Method::POST, partner, "/v1/customers")
        .header("MS-RequestId", request_id)
        .json(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string()
}

async fn ids(app: &TestApp, partner: &PartnerId) -> Vec<String> {
    walk(app, partner, "/v1/customers?size=500").await.0
}

const REQUEST: &str = "5d1c0b7a-0000-4000-8000-00000000abcd";

store_test!(a_reset_leaves_nothing_behind, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    insert_many(&app.store, &a, 7).await;
    insert_many(&app.store, &b, 3).await;
    let body = create_body(&unique_domain());
    let created = create(&app, &a, REQUEST, &body).await;
    let (status, summary) = reset(&app, "").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["customers"], 11);
    assert_eq!(summary["keptResponses"], 1);
    assert_eq!(summary["partner"], Value::Null);
    assert!(ids(&app, &a).await.is_empty() && ids(&app, &b).await.is_empty());
    let res = app.get(&a, &format!("/v1/customers/{created}")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    // The kept response is gone: the same request creates a new customer.
    assert_ne!(create(&app, &a, REQUEST, &body).await, created);
});

store_test!(a_partner_reset_leaves_the_others_alone, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    insert_many(&app.store, &a, 4).await;
    insert_many(&app.store, &b, 5).await;
    let body_b = create_body(&unique_domain());
    let created_b = create(&app, &b, REQUEST, &body_b).await;
    create(&app, &a, REQUEST, &create_body(&unique_domain())).await;
    let before_b = ids(&app, &b).await;
    let (status, summary) = reset(&app, &format!("?partner={a}")).await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["customers"], 5);
    assert_eq!(summary["keptResponses"], 1);
    assert_eq!(summary["partner"], a.as_str());
    assert!(ids(&app, &a).await.is_empty());
    assert_eq!(ids(&app, &b).await, before_b);
    assert_eq!(create(&app, &b, REQUEST, &body_b).await, created_b, "b's kept response still replays");
});

store_test!(only_keys_true_invalidates_continuation_tokens, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    let (_, token) = page(&app, &partner, "/v1/customers?size=2", None).await.next().unwrap();
    let next = |token: String| {
        app.get(&partner, "/v1/customers?size=2&seekOperation=Next").header("MS-ContinuationToken", token).send()
    };
    assert_eq!(reset(&app, "").await.0, 200);
    assert_eq!(next(token.clone()).await.unwrap().status(), 200, "the key survives a plain reset");
    let (status, summary) = reset(&app, "?keys=true").await;
    assert_eq!(status, 200, "{summary}");
    assert_eq!(summary["keysRotated"], true);
    let res = next(token).await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 800002);
    // Tokens issued under the new key work.
    insert_many(&app.store, &partner, 5).await;
    let (_, fresh) = page(&app, &partner, "/v1/customers?size=2", None).await.next().unwrap();
    assert_eq!(next(fresh).await.unwrap().status(), 200);
});

store_test!(bad_reset_requests_change_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 3).await;
    for query in [
        "?partner=not-a-guid",
        "?everything=true",
        "?keys=yes",
        &format!("?partner={partner}&keys=true"),
        &format!("?partner={partner}&partner={partner}"),
    ] {
        let (status, body) = reset(&app, query).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["code"], 800002, "{body}");
    }
    let res = app.http.get(app.url("/_partnerd/reset")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(ids(&app, &partner).await.len(), 3);
});
