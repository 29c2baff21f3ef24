//! Deterministic seeds and full-fidelity snapshots (`/_partnerd/partners/{p}/seed`,
//! `/_partnerd/snapshot`), on both stores and from one into the other.

use std::time::Duration;

use futures::StreamExt;
use partnerd_model::PartnerId;
use partnerd_server::{Config, Limits, ServeConfig};
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, Kind, TestApp, TestDb};
use reqwest::Method;
use serde_json::{json, Value};

async fn seed(app: &TestApp, partner: &PartnerId, body: Value) -> (u16, Value) {
    let res = app.http.post(app.url(&format!("/_partnerd/partners/{partner}/seed"))).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

async fn snapshot(app: &TestApp, query: &str) -> String {
    let res = app.http.get(app.url(&format!("/_partnerd/snapshot{query}"))).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn restore(app: &TestApp, query: &str, body: String) -> (u16, Value) {
    let res = app.http.put(app.url(&format!("/_partnerd/snapshot{query}"))).body(body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

/// Every customer of `partner` as the list shows it, and as GET shows each (with its etag).
async fn everything(app: &TestApp, partner: &PartnerId) -> (Vec<Value>, Vec<(String, Option<String>)>) {
    let (ids, pages) = walk(app, partner, "/v1/customers?size=7").await;
    let items = pages.iter().flat_map(|p| p.body["items"].as_array().unwrap().clone()).collect();
    let mut full = Vec::new();
    for id in ids {
        let res = app.get(partner, &format!("/v1/customers/{id}")).send().await.unwrap();
        let etag = res.headers().get("etag").map(|v| v.to_str().unwrap().to_string());
        full.push((res.text().await.unwrap(), etag));
    }
    (items, full)
}

/// The snapshot without the creation times (a seed's are the server clock's now).
fn timeless(snapshot: &str) -> Vec<Value> {
    snapshot
        .lines()
        .map(|l| {
            let mut v: Value = serde_json::from_str(l).unwrap();
            v.as_object_mut().unwrap().remove("createdAt");
            v
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_seed_gives_the_same_customers_on_sqlite_and_postgres() {
    let partner = PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    let mut seen = Vec::new();
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let Some(db) = TestDb::new(kind).await else { continue };
        let app = TestApp::start(&db).await;
        let (status, body) = seed(&app, &partner, json!({"count": 300, "seed": 42})).await;
        assert_eq!((status, body["customers"].clone()), (201, json!(300)), "{body}");
        // Again: every id and domain is taken, so nothing is added.
        let (status, body) = seed(&app, &partner, json!({"count": 300, "seed": 42})).await;
        assert_eq!((status, body["code"].clone()), (409, json!(600006)), "{body}");
        assert_eq!(seed(&app, &partner, json!({"count": 5, "seed": 43})).await.0, 201, "another seed adds");
        for bad in [
            json!({"count": 0, "seed": 1}),
            json!({"count": 1_000_001, "seed": 1}),
            json!({"count": 5}),
            json!({"count": 5, "seed": -1}),
            json!({"count": 5, "seed": 1, "x": 1}),
        ] {
            let (status, body) = seed(&app, &partner, bad.clone()).await;
            assert_eq!((status, body["code"].clone()), (400, json!(800002)), "{bad}: {body}");
        }
        assert_eq!(seed(&app, &partner, json!({})).await.0, 400);
        let res = app
            .http
            .post(app.url("/_partnerd/partners/nope/seed"))
            .json(&json!({"count": 1, "seed": 1}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
        let (items, _) = everything(&app, &partner).await;
        assert_eq!(items.len(), 305);
        seen.push(timeless(&snapshot(&app, &format!("?partner={partner}")).await));
    }
    if let [sqlite, postgres] = &seen[..] {
        assert_eq!(sqlite.len(), 305);
        assert_eq!(sqlite, postgres, "the same seed, the same customers, member for member");
    }
}

store_test!(snapshot_reset_restore_gives_back_the_same_customers, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    insert_many(&app.store, &a, 23).await;
    seed(&app, &b, json!({"count": 40, "seed": 7})).await;
    let before = (everything(&app, &a).await, everything(&app, &b).await);
    let saved = snapshot(&app, "").await;
    assert_eq!(saved.lines().count(), 63);
    assert!(!saved.contains("password") && !saved.contains("userCredentials"));
    let only_b = snapshot(&app, &format!("?partner={b}")).await;
    assert_eq!(only_b.lines().count(), 40);
    assert_eq!(app.http.post(app.url("/_partnerd/reset")).send().await.unwrap().status(), 200);
    assert!(everything(&app, &a).await.0.is_empty());
    let (status, body) = restore(&app, "", saved.clone()).await;
    assert_eq!((status, body["customers"].clone()), (200, json!(63)), "{body}");
    assert_eq!((everything(&app, &a).await, everything(&app, &b).await), before);
    assert_eq!(snapshot(&app, "").await, saved, "ids, etags and timestamps exactly");
    // One partner: its customers are replaced, the other's stay.
    let (status, body) = restore(&app, &format!("?partner={b}"), String::new()).await;
    assert_eq!((status, body["customers"].clone()), (200, json!(0)), "{body}");
    assert!(everything(&app, &b).await.0.is_empty());
    assert_eq!(everything(&app, &a).await, before.0);
    assert_eq!(restore(&app, &format!("?partner={b}"), only_b).await.0, 200);
    assert_eq!(snapshot(&app, "").await, saved);
});

store_test!(a_bad_snapshot_changes_nothing, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    insert_many(&app.store, &a, 5).await;
    insert_many(&app.store, &b, 5).await;
    let saved = snapshot(&app, "").await;
    let lines: Vec<&str> = saved.lines().collect();
    let with_line_3 = |bad: &str| {
        let mut l = lines.clone();
        l[2] = bad;
        l.join("\n")
    };
    let changed_id = lines[2].replacen("\"id\":\"", "\"id\":\"not-a-guid", 1);
    let moved = lines[2].replacen("\"createdAt\":\"", "\"createdAt\":\"yesterday", 1);
    // Server-made members are bounded as a create's are: a 300 KB etag would go out as a
    // 300 KB ETag header.
    let huge_etag = lines[2].replacen("\"etag\":\"", &format!("\"etag\":\"{}", "e".repeat(300_000)), 1);
    let header_breaking_etag = lines[2].replacen("\"etag\":\"", "\"etag\":\"a b", 1);
    for bad in [
        "{oops",
        "{\"partner\":null}",
        "[]",
        changed_id.as_str(),
        moved.as_str(),
        huge_etag.as_str(),
        header_breaking_etag.as_str(),
    ] {
        let (status, body) = restore(&app, "", with_line_3(bad)).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(body["description"].as_str().unwrap().starts_with("Line 3:"), "{body}");
        assert_eq!(body["data"][0], "line 3");
    }
    let (status, body) = restore(&app, "", format!("{saved}{}\n", lines[0])).await;
    assert_eq!((status, body["description"].as_str().unwrap().starts_with("Line 11:")), (409, true), "{body}");
    // A partner's restore takes only that partner's lines.
    let (status, body) = restore(&app, &format!("?partner={a}"), saved.clone()).await;
    assert_eq!(status, 400, "{body}");
    let res = app.http.get(app.url("/_partnerd/snapshot?partner=x")).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(snapshot(&app, "").await, saved, "nothing changed");
});

store_test!(a_restore_colliding_outside_its_partner_names_the_line, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    seed(&app, &a, json!({"count": 6, "seed": 1})).await;
    seed(&app, &b, json!({"count": 6, "seed": 2})).await;
    let saved = snapshot(&app, "").await;
    let only_a = snapshot(&app, &format!("?partner={a}")).await;
    let taken = snapshot(&app, &format!("?partner={b}")).await;
    let taken: Value = serde_json::from_str(taken.lines().nth(2).unwrap()).unwrap();
    let taken = taken["customer"]["companyProfile"]["domain"].as_str().unwrap().to_uppercase();
    // Line 4 of partner a's own snapshot now wants a domain partner b holds (in another case).
    let edited: Vec<String> = only_a
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let mut v: Value = serde_json::from_str(line).unwrap();
            if i == 3 {
                v["customer"]["companyProfile"]["domain"] = json!(taken);
            }
            v.to_string()
        })
        .collect();
    let (status, body) = restore(&app, &format!("?partner={a}"), edited.join("\n")).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["description"].as_str().unwrap().starts_with("Line 4:"), "{body}");
    assert_eq!(snapshot(&app, "").await, saved, "nothing changed, partner a's customers included");
});

/// A body that sends `lines` one at a time, `gap` apart.
fn paced(lines: Vec<String>, gap: Duration) -> reqwest::Body {
    let chunks = futures::stream::iter(lines).then(move |line| async move {
        tokio::time::sleep(gap).await;
        Ok::<_, std::io::Error>(format!("{line}\n"))
    });
    reqwest::Body::wrap_stream(chunks)
}

store_test!(a_slow_restore_outlasts_the_request_and_body_timeouts, |db| {
    // A second for a whole body, a second and a half for a whole request; the restore's body
    // takes two.
    let (body_read_timeout, request_timeout) = (Duration::from_secs(1), Duration::from_millis(1500));
    let limits = Limits { body_read_timeout, request_timeout, ..Limits::default() };
    let app =
        TestApp::serve_with(db.open().await, Config::default(), ServeConfig { limits, ..Default::default() }).await;
    let partner = new_partner();
    seed(&app, &partner, json!({"count": 5, "seed": 4})).await;
    let saved = snapshot(&app, "").await;
    app.http.post(app.url("/_partnerd/reset")).send().await.unwrap();
    let lines: Vec<String> = saved.lines().map(str::to_string).collect();
    let res = app.http.put(app.url("/_partnerd/snapshot")).body(paced(lines, Duration::from_millis(400))).send();
    let res = res.await.unwrap();
    assert_eq!(res.status(), 200, "{}", res.text().await.unwrap());
    assert_eq!(snapshot(&app, "").await, saved);
    // Elsewhere the limits hold: a create whose body takes as long is refused.
    let body = create_body(&unique_domain()).to_string();
    let halves = vec![body[..10].to_string(), body[10..].to_string(), String::new(), String::new(), String::new()];
    let res = app
        .request(Method::POST, &partner, "/v1/customers")
        .header("Content-Type", "application/json")
        .body(paced(halves, Duration::from_millis(400)));
    assert_eq!(res.send().await.unwrap().status(), 408);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_snapshot_restores_into_postgres() {
    let Some(pg) = TestDb::new(Kind::Postgres).await else { return };
    let sqlite = TestDb::new(Kind::Sqlite).await.unwrap();
    let (from, to) = (TestApp::start(&sqlite).await, TestApp::start(&pg).await);
    let partner = new_partner();
    insert_many(&from.store, &partner, 30).await;
    seed(&from, &new_partner(), json!({"count": 20, "seed": 3})).await;
    let saved = snapshot(&from, "").await;
    assert_eq!(restore(&to, "", saved.clone()).await.0, 200);
    assert_eq!(snapshot(&to, "").await, saved);
    assert_eq!(everything(&to, &partner).await, everything(&from, &partner).await);
}

/// A restore rolled back after writing 20,000 customers leaves no WAL file behind it (SQLite
/// would otherwise keep a WAL several times the data's size until its next checkpoint).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_restore_leaves_no_big_wal() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let partnerd_store::Location::SqliteFile(path) = db.location.clone() else { panic!("a SQLite file") };
    let app = TestApp::start(&db).await;
    let (status, _) = seed(&app, &new_partner(), json!({"count": 20_000, "seed": 7})).await;
    assert_eq!(status, 201);
    let saved = snapshot(&app, "").await;
    let first = saved.lines().next().unwrap().to_string();
    let data = std::fs::metadata(&path).unwrap().len();
    let (status, body) = restore(&app, "", format!("{saved}{first}\n")).await;
    assert_eq!(status, 409, "the repeated line collides: {body}");
    let wal = std::fs::metadata(path.with_extension("db-wal")).map(|m| m.len()).unwrap_or(0);
    assert!(wal < data / 4, "a WAL of {wal} bytes beside {data} bytes of data");
    assert_eq!(snapshot(&app, "").await, saved, "nothing changed");
}
