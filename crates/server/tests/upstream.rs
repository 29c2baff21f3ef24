//! `serve --upstream` (docs/upstream.md): routes partnerd does not serve are forwarded to a stub
//! upstream on loopback with the caller's headers and answered as they came, through faults,
//! the journal and the throttle; nothing is forwarded without an upstream; exchanges recorded
//! to a cassette are replayed the same; `--record-into-store` keeps the customers upstream
//! answers carry.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use partnerd_server::{Config, UpstreamConfig};
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::{json, Value};

/// What the stub upstream saw of a request (the rest it echoes back).
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    headers: HeaderMap,
}

/// A stand-in for Partner Center on 127.0.0.1:0: it echoes every request back as JSON, and
/// answers `GET /v1/customers` with a collection of `customers`.
struct Stub {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

#[derive(Clone)]
struct StubState {
    seen: Arc<Mutex<Vec<Seen>>>,
    customers: Value,
}

impl Stub {
    async fn start(customers: Value) -> Stub {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new().fallback(stub_answer).with_state(StubState { seen: seen.clone(), customers });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
                .unwrap();
        });
        Stub { addr, seen, _stop: tx }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn stub_answer(State(state): State<StubState>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let target = parts.uri.path_and_query().unwrap().as_str().to_string();
    state.seen.lock().unwrap().push(Seen { method: parts.method.to_string(), headers: parts.headers.clone() });
    let header = |name: &str| parts.headers.get(name).map(|v| v.to_str().unwrap().to_string());
    if parts.uri.path() == "/v1/moved" {
        return (StatusCode::FOUND, [("location", "http://127.0.0.2:9/v1/elsewhere")]).into_response();
    }
    let answer = if parts.method == "GET" && parts.uri.path() == "/v1/customers" {
        json!({"totalCount": state.customers.as_array().unwrap().len(), "items": state.customers,
               "attributes": {"objectType": "Collection"}})
    } else {
        json!({"method": parts.method.as_str(), "target": target, "authorization": header("authorization"),
               "correlation": header("ms-correlationid"), "body": String::from_utf8_lossy(&body),
               "userCredentials": {"userName": "admin", "password": "Upstream-Generated-1"}})
    };
    (
        StatusCode::ACCEPTED,
        [
            ("content-type", "application/json; charset=utf-8"),
            ("x-upstream", "stub"),
            ("ms-requestid", "from-the-stub"),
        ],
        answer.to_string(),
    )
        .into_response()
}

/// A token as Microsoft Entra ID would issue it: partnerd cannot verify its signature, the
/// upstream would; its `tid` names `partner`.
fn foreign_token(partner: &str) -> String {
    let claims =
        URL_SAFE_NO_PAD.encode(json!({"tid": partner, "aud": "https://api.partnercenter.microsoft.com"}).to_string());
    format!("eyJhbGciOiJSUzI1NiJ9.{claims}.bm90LWEtc2lnbmF0dXJl")
}

fn upstream_config(stub: &Stub) -> Config {
    Config { upstream: UpstreamConfig { url: Some(stub.url()), ..UpstreamConfig::default() }, ..Config::default() }
}

const UNSERVED: &str = "/v1/customers/4a2b7a3e-0000-4000-8000-000000000001/subscriptions?size=5&x=a%20b";

store_test!(unserved_routes_go_upstream_with_the_callers_headers_and_come_back_as_they_came, |db| {
    let stub = Stub::start(json!([])).await;
    let app = TestApp::start_with(&db, upstream_config(&stub)).await;
    let token = foreign_token("11111111-2222-4333-8444-555555555555");
    let res = app
        .http
        .post(app.url(UNSERVED))
        .bearer_auth(&token)
        .header("MS-CorrelationId", "c0a1")
        .header("content-type", "application/json")
        .body(r#"{"quantity": 2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202, "the upstream's status, as it came");
    assert_eq!(res.headers()["x-upstream"], "stub");
    assert_eq!(res.headers()["ms-requestid"], "from-the-stub", "the upstream's ids are not replaced");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["target"], UNSERVED);
    assert_eq!(body["authorization"], format!("Bearer {token}"));
    assert_eq!(body["correlation"], "c0a1");
    assert_eq!(body["body"], r#"{"quantity": 2}"#);
    let res =
        app.http.get(app.url(UNSERVED)).bearer_auth(&token).header("accept", "application/pdf").send().await.unwrap();
    assert_eq!(res.status(), 202, "what only the upstream writes is not refused with 406");
    let seen = stub.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].method, "POST");
    assert_eq!(seen[0].headers["host"], stub.addr.to_string().as_str(), "sent to the upstream's host");

    // Routes partnerd serves are answered here, not forwarded.
    let partner = new_partner();
    let res = app.get(&partner, "/v1/customers").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("x-upstream").is_none());
    assert_eq!(stub.seen().len(), 2);
    let res = app.get(&partner, "/v1/customers").header("accept", "application/pdf").send().await.unwrap();
    assert_eq!(res.status(), 406, "partnerd's own routes still negotiate");

    // The journal marks the forwarded requests (the ones the stub answered 202), with their
    // token redacted, and only them.
    let journal: Value =
        app.http.get(app.url("/_partnerd/requests?limit=10")).send().await.unwrap().json().await.unwrap();
    let items = journal["items"].as_array().unwrap();
    assert_eq!(items.len(), 4);
    for entry in items {
        let forwarded = entry["status"] == 202;
        assert_eq!(entry.get("proxied"), forwarded.then(|| json!("upstream")).as_ref(), "{entry}");
        // `proxied` is a member of the model's entry too, so the mock and the CLI keep it.
        let typed: partnerd_model::JournalEntry = serde_json::from_value(entry.clone()).unwrap();
        assert_eq!(&serde_json::to_value(typed).unwrap(), entry);
        if forwarded {
            assert_eq!(entry["requestHeaders"]["authorization"], "Bearer [redacted]");
        }
    }
});

store_test!(without_an_upstream_nothing_is_forwarded, |db| {
    let stub = Stub::start(json!([])).await;
    let app = TestApp::start(&db).await;
    let res = app.http.get(app.url(UNSERVED)).bearer_auth(foreign_token(new_partner().as_str())).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], 1000);
    assert_eq!(stub.seen().len(), 0);
});

store_test!(forwarded_requests_meet_faults_throttling_and_the_body_limit, |db| {
    let stub = Stub::start(json!([])).await;
    let config = Config { rate_limit_per_minute: Some(2), ..upstream_config(&stub) };
    let app = TestApp::start_with(&db, config).await;
    let token = foreign_token("11111111-2222-4333-8444-555555555555");

    let rule = json!({"status": 503, "count": 1});
    assert_eq!(app.http.post(app.url("/_partnerd/faults")).json(&rule).send().await.unwrap().status(), 201);
    let res = app.http.get(app.url(UNSERVED)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 503, "the fault answers first");
    assert_eq!(stub.seen().len(), 0, "and nothing went upstream");

    let big = "x".repeat(2 * 1024 * 1024);
    // A client of its own: the server closes a connection whose body it refused unread.
    let res = reqwest::Client::new().post(app.url(UNSERVED)).bearer_auth(&token).body(big).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 800002);
    assert_eq!(stub.seen().len(), 0, "an oversized body is not forwarded");

    for remaining in ["1", "0"] {
        let res = app.http.get(app.url(UNSERVED)).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 202);
        assert_eq!(res.headers()["ratelimit-remaining"], remaining, "counted against the token's tid");
    }
    let res = app.http.get(app.url(UNSERVED)).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.json::<Value>().await.unwrap()["statusCode"], 429);
    assert_eq!(stub.seen().len(), 2, "a throttled request is not forwarded");
    let other = foreign_token("99999999-2222-4333-8444-555555555555");
    let res = app.http.get(app.url(UNSERVED)).bearer_auth(&other).send().await.unwrap();
    assert_eq!(res.status(), 202, "another tenant has its own budget");
});

store_test!(recorded_exchanges_replay_the_same_without_secrets, |db| {
    let stub = Stub::start(json!([])).await;
    let dir = tempfile::tempdir().unwrap();
    let record = UpstreamConfig { url: Some(stub.url()), record: Some(dir.path().into()), ..UpstreamConfig::default() };
    let token = foreign_token("11111111-2222-4333-8444-555555555555");
    let requests = [
        ("GET", UNSERVED.to_string(), None),
        ("GET", "/v1/invoices?size=2&filter=a".to_string(), None),
        (
            "POST",
            "/v1/customers/4a2b7a3e-0000-4000-8000-000000000001/orders".to_string(),
            Some(r#"{"a": 1, "b": [2]}"#),
        ),
    ];
    let mut recorded = Vec::new();
    {
        let app = TestApp::start_with(&db, Config { upstream: record, ..Config::default() }).await;
        for (method, path, body) in &requests {
            let mut req = app.http.request(method.parse().unwrap(), app.url(path)).bearer_auth(&token);
            if let Some(body) = body {
                req = req.header("content-type", "application/json").body(body.to_string());
            }
            let res = req.send().await.unwrap();
            recorded.push((res.status(), res.text().await.unwrap()));
        }
        // partnerd's own routes are not recorded without --record-all.
        app.get(&new_partner(), "/v1/customers").send().await.unwrap();
    }
    let cassette = std::fs::read_to_string(dir.path().join("cassette.jsonl")).unwrap();
    assert_eq!(cassette.lines().count(), 3, "{cassette}");
    assert!(!cassette.contains(&token[10..]), "no token in the cassette");
    assert!(!cassette.contains("Upstream-Generated-1"), "no generated password in the cassette");
    let line: Value = serde_json::from_str(cassette.lines().next().unwrap()).unwrap();
    assert_eq!(line["request"]["method"], "GET");
    assert_eq!(line["request"]["path"], UNSERVED);
    assert_eq!(line["response"]["status"], 202);
    assert!(line["latencyMs"].is_number());

    drop(stub);
    let replay = UpstreamConfig { replay: Some(dir.path().into()), ..UpstreamConfig::default() };
    let app = TestApp::start_with(&db, Config { upstream: replay, ..Config::default() }).await;
    let other_token = foreign_token("11111111-2222-4333-8444-555555555555");
    for ((method, path, body), (status, text)) in requests.iter().zip(&recorded) {
        // The same request in another order of query parameters and JSON members still matches.
        let path = path.replace("size=2&filter=a", "filter=a&size=2");
        let mut req = app.http.request(method.parse().unwrap(), app.url(&path)).bearer_auth(&other_token);
        if body.is_some() {
            req = req.header("content-type", "application/json").body(r#"{"b": [2], "a": 1}"#);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), *status, "{method} {path}");
        let replayed: Value = res.json().await.unwrap();
        let mut expected: Value = serde_json::from_str(text).unwrap();
        expected["userCredentials"]["password"] = json!("[redacted]");
        expected["authorization"] = json!("Bearer [redacted]");
        assert_eq!(replayed, expected, "{method} {path}");
    }
    let res = app.http.get(app.url("/v1/invoices?size=3")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 404, "no line matches and no upstream: the contract's 404");
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 1000);
    let res = app.http.get(app.url("/v1/invoices?size=3")).header("accept", "text/html").send().await.unwrap();
    assert_eq!(res.status(), 406, "partnerd answers, so partnerd negotiates");
    let res = app.http.post(app.url(&requests[2].1)).bearer_auth(&token).body(r#"{"a": 2}"#).send().await.unwrap();
    assert_eq!(res.status(), 404, "another body does not match");
});

store_test!(record_into_store_keeps_the_customers_the_upstream_answered, |db| {
    let partner = new_partner();
    let domain = unique_domain();
    let id = "7e1c2d3a-0000-4000-8000-0000000000aa";
    let customers = json!([{"id": id, "companyProfile": {"domain": domain, "companyName": "Upstream Ltd"},
        "relationshipToPartner": "reseller", "attributes": {"objectType": "Customer"}}]);
    let stub = Stub::start(customers).await;
    let upstream =
        UpstreamConfig { url: Some(stub.url()), all: true, record_into_store: true, ..UpstreamConfig::default() };
    let app = TestApp::start_with(&db, Config { upstream, ..Config::default() }).await;
    let res = app.http.get(app.url("/v1/customers")).bearer_auth(foreign_token(partner.as_str())).send().await.unwrap();
    assert_eq!(res.status(), 202, "--upstream-all forwards the routes partnerd serves too");
    assert_eq!(stub.seen().len(), 1);
    let stored = app.store.for_partner(&partner).get(id).await.unwrap().expect("stored");
    assert!(stored.doc.contains("Upstream Ltd"), "{}", stored.doc);
    let someone_else = app.store.for_partner(&new_partner()).get(id).await.unwrap();
    assert!(someone_else.is_none(), "stored under the caller's partner only");
});

store_test!(record_all_keeps_partnerds_own_answers_and_replay_gives_them_back, |db| {
    let dir = tempfile::tempdir().unwrap();
    let partner = new_partner();
    let record = UpstreamConfig { record: Some(dir.path().into()), record_all: true, ..UpstreamConfig::default() };
    let (created, listed) = {
        let app = TestApp::start_with(&db, Config { upstream: record, ..Config::default() }).await;
        let res = app
            .request(reqwest::Method::POST, &partner, "/v1/customers")
            .json(&create_body(&unique_domain()))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let created: Value = res.json().await.unwrap();
        let listed: Value = app.get(&partner, "/v1/customers?size=5").send().await.unwrap().json().await.unwrap();
        assert_eq!(listed["totalCount"], 1);
        (created, listed)
    };
    let cassette = std::fs::read_to_string(dir.path().join("cassette.jsonl")).unwrap();
    let lines: Vec<Value> = cassette.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines.iter().all(|l| l["proxied"] == false), "partnerd answered both");
    let password = created["userCredentials"]["password"].as_str().unwrap();
    assert!(!cassette.contains(password), "the generated admin password is not recorded");
    let location = lines[0]["response"]["headers"]["location"].as_str().unwrap();
    assert!(location.ends_with(created["id"].as_str().unwrap()), "{location}");

    // Replayed on an empty database: the recorded list comes back; what the cassette lacks is
    // served by partnerd, from its own (empty) store.
    let fresh = partnerd_testkit::TestDb::new(db.kind).await.unwrap();
    let replay = UpstreamConfig { replay: Some(dir.path().into()), ..UpstreamConfig::default() };
    let app = TestApp::start_with(&fresh, Config { upstream: replay, ..Config::default() }).await;
    let res = app.get(&partner, "/v1/customers?size=5").send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.json::<Value>().await.unwrap(), listed);
    let res = app.get(&partner, "/v1/customers?size=6").send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["totalCount"], 0, "no line matches: served from the store");
});

store_test!(nothing_is_sent_to_any_other_host, |db| {
    let stub = Stub::start(json!([])).await;
    let app = TestApp::start_with(&db, upstream_config(&stub)).await;
    let token = foreign_token("11111111-2222-4333-8444-555555555555");

    // A redirect goes back to the client as it came; partnerd does not follow it.
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = client.get(app.url("/v1/moved")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), 302);
    assert_eq!(res.headers()["location"], "http://127.0.0.2:9/v1/elsewhere");
    assert_eq!(stub.seen().len(), 1);

    // A request in absolute form naming another host still goes to the upstream only.
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let head = format!(
        "GET http://127.0.0.2:9/v1/steal?x=1 HTTP/1.1\r\nHost: 127.0.0.2:9\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n"
    );
    conn.write_all(head.as_bytes()).await.unwrap();
    let mut answer = String::new();
    conn.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 202"), "{answer}");
    assert!(answer.contains(r#""target":"/v1/steal?x=1""#), "{answer}");
    let seen = stub.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].headers["host"], stub.addr.to_string().as_str());
});

store_test!(an_upstream_that_cannot_be_reached_is_502_in_the_error_body, |db| {
    // A port nothing listens on: bound, then closed.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    let upstream = UpstreamConfig { url: Some(format!("http://{closed}")), ..UpstreamConfig::default() };
    let app = TestApp::start_with(&db, Config { upstream, ..Config::default() }).await;
    let res = app.http.get(app.url(UNSERVED)).header("accept", "application/xml").send().await.unwrap();
    assert_eq!(res.status(), 502);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("application/xml"));
    let body = res.text().await.unwrap();
    assert!(body.contains("<code>800003</code>") && body.contains("could not be reached"), "{body}");
});
