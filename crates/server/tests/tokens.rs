//! Continuation tokens cannot be forged, edited, moved to another partner or query, or used
//! after they expire; each such token gets a 400 with the contract's body, never data.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use partnerd_server::Config;
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::walk::page;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::Value;

async fn refused(app: &TestApp, partner: &partnerd_model::PartnerId, query: &str, token: Option<&str>) -> Value {
    let mut req = app.get(partner, query);
    if let Some(t) = token {
        req = req.header("MS-ContinuationToken", t);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 400, "{query} {token:?}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], 800002, "{body}");
    assert!(body.get("items").is_none());
    body
}

store_test!(edited_foreign_and_mismatched_tokens_get_400, |db| {
    let app = TestApp::start(&db).await;
    let (partner, other) = (new_partner(), new_partner());
    insert_many(&app.store, &partner, 10).await;
    insert_many(&app.store, &other, 10).await;
    let first = page(&app, &partner, "/v1/customers?size=3", None).await;
    let token = first.body["continuationToken"].as_str().unwrap().to_string();
    // Every single-byte edit of the sealed bytes is refused.
    let raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
    for i in (0..raw.len()).step_by(7) {
        let mut edited = raw.clone();
        edited[i] ^= 0x01;
        refused(&app, &partner, "/v1/customers?seekOperation=Next", Some(&URL_SAFE_NO_PAD.encode(&edited))).await;
    }
    for garbage in ["x", "AAAA", &"A".repeat(5000), "not base64 !!", &token[..token.len() - 2]] {
        refused(&app, &partner, "/v1/customers?seekOperation=Next", Some(garbage)).await;
    }
    // Another partner's valid token.
    refused(&app, &other, "/v1/customers?seekOperation=Next", Some(&token)).await;
    // A repeated size or filter that disagrees with the token.
    refused(&app, &partner, "/v1/customers?size=4&seekOperation=Next", Some(&token)).await;
    let filter = "%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22a%22%7D";
    refused(&app, &partner, &format!("/v1/customers?filter={filter}&seekOperation=Next"), Some(&token)).await;
    // The same size is fine.
    page(&app, &partner, "/v1/customers?size=3&seekOperation=Next", Some(&token)).await;
    // Next and Previous without a token; PageIndex; unknown seek.
    refused(&app, &partner, "/v1/customers?seekOperation=Next", None).await;
    refused(&app, &partner, "/v1/customers?seekOperation=Previous", None).await;
    refused(&app, &partner, "/v1/customers?seekOperation=PageIndex", None).await;
    let res = app.get(&partner, "/v1/customers?seekOperation=Sideways").send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 900126);
    // The first page has no previous page to go to.
    let body = refused(&app, &partner, "/v1/customers?seekOperation=Previous", Some(&token)).await;
    assert!(body["description"].as_str().unwrap().contains("no previous page"), "{body}");
});

store_test!(tokens_survive_a_restart_on_the_same_database, |db| {
    let partner = new_partner();
    let token = {
        let app = TestApp::start(&db).await;
        insert_many(&app.store, &partner, 5).await;
        let first = page(&app, &partner, "/v1/customers?size=2", None).await;
        first.body["continuationToken"].as_str().unwrap().to_string()
    };
    let app = TestApp::start(&db).await;
    let next = page(&app, &partner, "/v1/customers?seekOperation=Next", Some(&token)).await;
    assert_eq!(next.ids.len(), 2);
});

store_test!(expired_tokens_get_400, |db| {
    // The server's clock moves instead of the test waiting for the token to expire.
    let config = Config { continuation_ttl: Duration::from_secs(60), ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 5).await;
    let first = page(&app, &partner, "/v1/customers?size=2", None).await;
    let token = first.body["continuationToken"].as_str().unwrap().to_string();
    let moved = app.http.post(app.url("/_partnerd/clock")).json(&serde_json::json!({"offsetSeconds": 120}));
    assert_eq!(moved.send().await.unwrap().status(), 200);
    let body = refused(&app, &partner, "/v1/customers?seekOperation=Next", Some(&token)).await;
    assert!(body["description"].as_str().unwrap().contains("expired"), "{body}");
});
