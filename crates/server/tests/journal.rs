//! The request journal (`/_partnerd/requests`): bounded, filtered, redacted, streamed live,
//! appended to a file, and blind to the control plane.

use std::time::Duration;

use futures::StreamExt;
use partnerd_server::Config;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, token, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

async fn journal(app: &TestApp, query: &str) -> Vec<Value> {
    let res = app.http.get(app.url(&format!("/_partnerd/requests{query}"))).send().await.unwrap();
    assert_eq!(res.status(), 200, "{query}");
    let body: Value = res.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

fn paths(items: &[Value]) -> Vec<&str> {
    items.iter().map(|e| e["path"].as_str().unwrap()).collect()
}

/// The journal, which holds at least `n` entries: an entry lands when its answer's body has
/// gone out, which can be a moment after the client has read it, and a read of the journal
/// waits for the requests answered before it.
async fn settled(app: &TestApp, query: &str, n: usize) -> Vec<Value> {
    let items = journal(app, query).await;
    assert!(items.len() >= n, "{} journal entries for {query}, expected {n}", items.len());
    items
}

store_test!(keeps_only_the_newest_entries, |db| {
    let app = TestApp::start_with(&db, Config { journal_size: 3, ..Config::default() }).await;
    let partner = new_partner();
    for i in 0..5 {
        app.get(&partner, &format!("/v1/customers?size={}", i + 1)).send().await.unwrap();
    }
    let items = settled(&app, "", 3).await;
    assert_eq!(paths(&items), ["/v1/customers?size=5", "/v1/customers?size=4", "/v1/customers?size=3"]);
    let ids: Vec<u64> = items.iter().map(|e| e["id"].as_u64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");
    let one: Value =
        app.http.get(app.url(&format!("/_partnerd/requests/{}", ids[1]))).send().await.unwrap().json().await.unwrap();
    assert_eq!(one["path"], "/v1/customers?size=4");
    let gone = app.http.get(app.url("/_partnerd/requests/1")).send().await.unwrap();
    assert_eq!(gone.status(), 404, "the oldest fell out of the ring");
    let cleared = app.http.delete(app.url("/_partnerd/requests")).send().await.unwrap();
    assert_eq!(cleared.status(), 204);
    assert!(journal(&app, "").await.is_empty());
    // The control plane's own requests were never journaled.
    app.get(&partner, "/v1/customers").send().await.unwrap();
    assert!(settled(&app, "", 1).await.iter().all(|e| !e["path"].as_str().unwrap().starts_with("/_partnerd")));
});

store_test!(holds_at_most_its_memory_bound, |db| {
    // Eight different pages of about 100 customers do not fit in 100 KB; the oldest go.
    let config = Config { journal_size: 1000, journal_memory: 100_000, ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    partnerd_testkit::fixtures::insert_many(&app.store, &partner, 100).await;
    let mut sizes = Vec::new();
    for i in 0..8 {
        let res = app.get(&partner, &format!("/v1/customers?size={}", 100 - i)).send().await.unwrap();
        sizes.push(res.bytes().await.unwrap().len());
    }
    assert!(sizes.iter().all(|&n| n > 15_000), "pages too small to pass the bound: {sizes:?}");
    let items = settled(&app, "", 1).await;
    let kept: usize = items.iter().map(|e| e["responseBody"].as_str().unwrap().len()).sum();
    assert!(items.len() < 8 && kept <= 100_000, "{} entries holding {kept} bytes of bodies", items.len());
    assert_eq!(items[0]["path"], "/v1/customers?size=93", "the newest stays");
    // An answer is kept up to 16 KiB: the page's start, marked as cut.
    assert_eq!(items[0]["responseBody"].as_str().unwrap().len(), 16 * 1024, "cut at 16 KiB of {}", sizes[7]);
    assert_eq!(items[0]["responseBodyTruncated"], true);
    // Small entries are bounded by their count as before.
    for _ in 0..10 {
        app.get(&partner, "/v1/customers/00000000-0000-4000-8000-000000000000").send().await.unwrap();
    }
    assert!(settled(&app, "?route=/v1/customers/{id}", 10).await.len() == 10);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn answers_of_one_kept_page_hold_it_once() {
    // A kept page (SQLite keeps pages) goes out as a buffer every answer shares: the journal
    // references it rather than copying 16 KiB an answer, and counts it once. Eight copies of
    // its start would not fit in 100 KB; eight references to its one buffer do.
    let db = partnerd_testkit::TestDb::new(partnerd_testkit::Kind::Sqlite).await.unwrap();
    let config = Config { journal_size: 1000, journal_memory: 100_000, ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    partnerd_testkit::fixtures::insert_many(&app.store, &partner, 100).await;
    let mut pages = Vec::new();
    for i in 0..8 {
        let res = app.get(&partner, &format!("/v1/customers?size=100&n={i}")).send().await.unwrap();
        pages.push(res.bytes().await.unwrap());
    }
    assert!(pages.iter().all(|p| p.len() > 50_000), "pages of 100 customers");
    let items = settled(&app, "", 8).await;
    assert_eq!(items.len(), 8, "every answer of the one page is kept");
    for (entry, page) in items.iter().rev().zip(&pages) {
        let start = String::from_utf8_lossy(&page[..16 * 1024]);
        assert_eq!(entry["responseBody"], *start, "the page's first 16 KiB, as the client got them");
        assert_eq!(entry["responseBodyTruncated"], true);
    }
    // Pages of other sizes are other buffers: they push the oldest answers out.
    for size in [99, 98] {
        app.get(&partner, &format!("/v1/customers?size={size}")).send().await.unwrap();
    }
    let items = settled(&app, "", 1).await;
    assert!(items.len() < 8, "{} entries in 100 KB after three different pages", items.len());
    assert_eq!(items[0]["path"], "/v1/customers?size=98", "the newest stays");
}

store_test!(entries_carry_every_field, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let res = app
        .request(Method::POST, &partner, "/v1/customers")
        .header("MS-RequestId", "11111111-2222-3333-4444-555555555555")
        .header("MS-CorrelationId", "corr-fields")
        .header("MS-CV", "abc")
        .json(&create_body(&unique_domain()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let created: Value = res.json().await.unwrap();
    let e = settled(&app, "", 1).await.remove(0);
    for field in [
        "id",
        "time",
        "method",
        "path",
        "route",
        "status",
        "latencyMs",
        "partner",
        "requestId",
        "correlationId",
        "cv",
        "requestHeaders",
        "responseHeaders",
        "requestBody",
        "responseBody",
        "fault",
        "guidance",
    ] {
        assert!(e.get(field).is_some(), "missing {field}: {e}");
    }
    assert_eq!(e["method"], "POST");
    assert_eq!(e["route"], "/v1/customers");
    assert_eq!(e["status"], 201);
    assert_eq!(e["partner"], partner.as_str());
    assert_eq!(e["requestId"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(e["correlationId"], "corr-fields");
    assert_eq!(e["cv"], "abc.1");
    assert!(e["fault"].is_null());
    assert_eq!(e["guidance"], json!([]), "a clean create raises no guidance");
    assert!(humantime::parse_rfc3339(e["time"].as_str().unwrap()).is_ok());
    let response: Value = serde_json::from_str(e["responseBody"].as_str().unwrap()).unwrap();
    assert_eq!(response["id"], created["id"]);
    assert_eq!(e["responseHeaders"]["location"], format!("/v1/customers/{}", created["id"].as_str().unwrap()));
    let request: Value = serde_json::from_str(e["requestBody"].as_str().unwrap()).unwrap();
    assert_eq!(request["billingProfile"]["firstName"], "Ada");
    // Unmatched paths and unauthenticated requests are journaled too, with nulls.
    app.http.get(app.url("/v1/nothing-here")).send().await.unwrap();
    let e = settled(&app, "", 2).await.remove(0);
    assert_eq!(e["status"], 404);
    assert!(e["route"].is_null() && e["partner"].is_null());
    assert_eq!(e["route"], Value::Null);
    let templated = app.get(&partner, "/v1.0/customers/5d6b8f1c-0000-4000-8000-000000000001").send().await.unwrap();
    assert_eq!(templated.status(), 404);
    assert_eq!(settled(&app, "", 3).await[0]["route"], "/v1.0/customers/{id}");
    // Each entry is the model's wire type member for member, as the mock and the CLI read it.
    for e in settled(&app, "", 3).await {
        let typed: partnerd_model::JournalEntry = serde_json::from_value(e.clone()).unwrap();
        assert_eq!(serde_json::to_value(typed).unwrap(), e);
    }
});

store_test!(filters_each_narrow_the_list, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    app.get(&a, "/v1/customers").header("MS-CorrelationId", "corr-a").send().await.unwrap();
    let missing = "/v1/customers/5d6b8f1c-0000-4000-8000-000000000002";
    app.get(&b, missing).header("MS-CorrelationId", "corr-b").send().await.unwrap();
    let all = settled(&app, "", 2).await;
    let middle = all[1]["id"].as_u64().unwrap();
    let since_time = all[0]["time"].as_str().unwrap().to_string();
    app.request(Method::DELETE, &a, missing).send().await.unwrap();
    settled(&app, "", 3).await;

    assert_eq!(paths(&journal(&app, "?method=delete").await), [missing]);
    assert_eq!(journal(&app, "?route=/v1/customers/%7Bid%7D").await.len(), 2);
    assert_eq!(journal(&app, "?route=/customers").await.len(), 1, "the version is optional");
    assert_eq!(journal(&app, "?status=200").await.len(), 1);
    assert_eq!(journal(&app, "?status=4xx").await.len(), 2);
    assert_eq!(journal(&app, &format!("?partner={a}")).await.len(), 2);
    assert_eq!(journal(&app, &format!("?partner={b}&status=404")).await.len(), 1);
    assert_eq!(paths(&journal(&app, "?correlationId=corr-a").await), ["/v1/customers"]);
    assert_eq!(journal(&app, &format!("?since={middle}")).await.len(), 2, "since an id: the entries after it");
    assert_eq!(journal(&app, &format!("?since={since_time}")).await.len(), 2, "since a time: at or after it");
    assert_eq!(journal(&app, "?since=2000-01-01T00:00:00Z").await.len(), 3);
    assert_eq!(journal(&app, "?limit=1").await.len(), 1);
    for bad in ["?status=abc", "?partner=nope", "?since=yesterday", "?limit=0", "?colour=red"] {
        let res = app.http.get(app.url(&format!("/_partnerd/requests{bad}"))).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800002, "{bad}: {body}");
    }
});

store_test!(tokens_and_passwords_never_reach_the_journal, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let bearer = token(&partner);
    let res = app
        .http
        .post(app.url("/v1/customers"))
        .bearer_auth(&bearer)
        .header("MS-RequestId", uuid::Uuid::new_v4().to_string())
        .json(&create_body(&unique_domain()))
        .send()
        .await
        .unwrap();
    let created: Value = res.json().await.unwrap();
    let password = created["userCredentials"]["password"].as_str().unwrap().to_string();
    // Passwords a client sends, in each body format.
    let mut with_password = create_body(&unique_domain());
    with_password["userCredentials"] = json!({"userName": "admin", "password": "Client-Sent-Secret-1"});
    app.http.post(app.url("/v1/customers")).bearer_auth(&bearer).json(&with_password).send().await.unwrap();
    let xml = "<Customer><UserCredentials><Password>Client-Sent-Secret-2</Password></UserCredentials></Customer>";
    app.http
        .post(app.url("/v1/customers"))
        .bearer_auth(&bearer)
        .header("Content-Type", "application/xml")
        .body(xml)
        .send()
        .await
        .unwrap();
    let form = "companyProfile.domain=x.onmicrosoft.com&userCredentials.password=Client-Sent-Secret-3";
    app.http
        .post(app.url("/v1/customers"))
        .bearer_auth(&bearer)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(form)
        .send()
        .await
        .unwrap();
    let items = settled(&app, "", 4).await;
    let text = serde_json::to_string(&items).unwrap();
    for secret in [bearer.as_str(), &password, "Client-Sent-Secret-1", "Client-Sent-Secret-2", "Client-Sent-Secret-3"] {
        assert!(!text.contains(secret), "{secret} is in the journal");
    }
    assert!(text.contains("[redacted]"));
    assert_eq!(items[3]["requestHeaders"]["authorization"], "Bearer [redacted]");
});

store_test!(large_bodies_are_cut_and_still_limited, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let big = format!("{{\"pad\":\"{}\"}}", "x".repeat(2 * 1024 * 1024));
    // A client of its own per request: the server answers before reading the whole body and
    // closes the connection, which must not be pooled for the requests that follow.
    let post = |body: reqwest::Body| {
        reqwest::Client::new()
            .post(app.url("/v1/customers"))
            .bearer_auth(token(&partner))
            .header("Content-Type", "application/json")
            .body(body)
            .send()
    };
    // Declared too large: refused before a byte of it is read, so nothing of it is journaled.
    let res = post(big.clone().into()).await.unwrap();
    assert_eq!(res.status(), 413, "the 1 MiB limit holds behind the journal");
    let e = settled(&app, "", 1).await.remove(0);
    assert_eq!(e["requestBody"], Value::Null, "{e}");
    // Streamed without a length: its first 64 KiB are journaled, and the limit still holds.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        big.as_bytes().chunks(16 * 1024).map(|c| Ok(c.to_vec())).collect();
    let res = post(reqwest::Body::wrap_stream(futures::stream::iter(chunks))).await.unwrap();
    assert_eq!(res.status(), 413, "the 1 MiB limit holds behind the journal");
    let e = settled(&app, "", 2).await.remove(0);
    assert_eq!(e["requestBodyTruncated"], true);
    assert_eq!(e["requestBody"].as_str().unwrap().len(), 64 * 1024);
});

store_test!(the_live_tail_delivers_later_requests, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let res = app.http.get(app.url("/_partnerd/requests/stream?method=GET")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    let mut stream = res.bytes_stream();
    app.request(Method::DELETE, &partner, "/v1/customers/5d6b8f1c-0000-4000-8000-000000000003").send().await.unwrap();
    app.get(&partner, "/v1/customers").header("MS-CorrelationId", "tail-me").send().await.unwrap();
    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = stream.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if seen.contains("tail-me") {
                return;
            }
        }
    })
    .await;
    assert!(found.is_ok(), "no event for the request within 10 s: {seen}");
    assert!(seen.contains("event: request"));
    assert!(!seen.contains("DELETE"), "the filter holds on the tail");
    let data = seen.lines().find(|l| l.starts_with("data:") && l.contains("tail-me")).unwrap();
    let entry: Value = serde_json::from_str(data.trim_start_matches("data:").trim()).unwrap();
    assert_eq!(entry["path"], "/v1/customers");
});

store_test!(the_journal_file_gets_a_line_per_request, |db| {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let config = Config { journal_size: 0, journal_file: Some(path.clone()), ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let partner = new_partner();
    for i in 0..3 {
        app.get(&partner, &format!("/v1/customers?size={}", i + 1)).send().await.unwrap();
    }
    assert!(journal(&app, "").await.is_empty(), "size 0 keeps nothing in memory");
    let mut lines = Vec::new();
    for _ in 0..300 {
        lines = std::fs::read_to_string(&path).unwrap_or_default().lines().map(str::to_string).collect();
        if lines.len() >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(lines.len(), 3, "{lines:?}");
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["path"], "/v1/customers?size=1");
    assert_eq!(first["partner"], partner.as_str());
});
