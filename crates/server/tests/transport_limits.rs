//! The HTTP layer under abuse, over raw TCP: slow heads and bodies are cut off, the connection
//! limit holds without starving anyone, every refusal (414, 431, 400, 408) carries the
//! contract's error body and the MS-* headers, and an answer still streaming is not idleness.

use std::net::SocketAddr;
use std::time::Duration;

use partnerd_server::{Config, Limits, ServeConfig};
use partnerd_testkit::{new_partner, token, Kind, TestApp, TestDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Every wait on the server in these tests ends by then.
const BOUND: Duration = Duration::from_secs(20);

async fn app_with(limits: Limits) -> (TestApp, TestDb) {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app =
        TestApp::serve_with(db.open().await, Config::default(), ServeConfig { limits, ..Default::default() }).await;
    (app, db)
}

/// Reads until the server closes the connection (or [`BOUND`] passes, which fails the test).
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut out = Vec::new();
    let read = tokio::time::timeout(BOUND, async {
        let mut buf = [0u8; 8192];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    });
    read.await.expect("the server closed the connection");
    String::from_utf8_lossy(&out).into_owned()
}

/// Sends `request` on a new connection and returns the whole answer.
async fn exchange(addr: SocketAddr, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    read_to_close(&mut stream).await
}

/// The status, and the JSON body, of a raw HTTP/1.1 answer; asserts the MS-* headers.
fn contract_refusal(answer: &str) -> (u16, serde_json::Value) {
    let (head, body) = answer.split_once("\r\n\r\n").unwrap_or_else(|| panic!("no head in {answer:?}"));
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    let lower = head.to_ascii_lowercase();
    for name in ["ms-requestid:", "ms-correlationid:", "ms-cv:", "content-type: application/json; charset=utf-8"] {
        assert!(lower.contains(name), "{name} missing in {head}");
    }
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}")))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_sent_slowly_is_cut_off() {
    let (app, _db) = app_with(Limits { header_read_timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /v1/customers HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    // One more byte at a time, as slowloris sends them, until the server hangs up.
    let dripping = async {
        for _ in 0..40 {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if stream.write_all(b"X").await.is_err() {
                return true;
            }
            let mut probe = [0u8; 1];
            if let Ok(Ok(0)) = tokio::time::timeout(Duration::from_millis(1), stream.read(&mut probe)).await {
                return true;
            }
        }
        false
    };
    assert!(dripping.await, "the server kept a 10 s trickle of header bytes open");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_closed() {
    let (app, _db) = app_with(Limits { header_read_timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    assert_eq!(read_to_close(&mut stream).await, "", "closed without a word");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_shorter_than_its_length_times_out_with_408() {
    let (app, _db) = app_with(Limits { body_read_timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let request = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Content-Length: 100\r\nMS-RequestId: 9b3c2a8e-0000-4000-8000-000000000408\r\n\r\n{{\"companyProfile\"",
        token(&new_partner())
    );
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let answer = read_to_close(&mut stream).await;
    let (status, body) = contract_refusal(&answer);
    assert_eq!(status, 408, "{answer}");
    assert_eq!(body["code"], 800002);
    assert!(answer.contains("9b3c2a8e-0000-4000-8000-000000000408"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declared_length_over_the_limit_is_413_at_once_without_100_continue() {
    // The body read timeout is longer than BOUND: an answer that waited for the body would fail.
    let limits = Limits { body_read_timeout: BOUND * 2, ..Limits::default() };
    let (app, _db) = app_with(limits).await;
    for (length, expect) in [("2147483648", ""), ("5000000", "Expect: 100-continue\r\n")] {
        let request = format!(
            "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
             Content-Length: {length}\r\n{expect}Connection: close\r\n\r\n",
            token(&new_partner())
        );
        let mut stream = TcpStream::connect(app.addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = vec![0u8; 4096];
        let n = tokio::time::timeout(BOUND, stream.read(&mut answer)).await.expect("answered before the body").unwrap();
        let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
        assert!(!answer.contains("100 Continue"), "{answer}");
        assert!(answer.starts_with("HTTP/1.1 413"), "{length}: {answer}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_chunked_body_is_400_not_413() {
    let (app, _db) = app_with(Limits::default()).await;
    let request = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{{}}\r\n0\r\n\r\n",
        token(&new_partner())
    );
    let answer = exchange(app.addr, request.as_bytes()).await;
    let (status, body) = contract_refusal(&answer);
    assert_eq!(status, 400, "{answer}");
    assert_eq!(body["code"], 800002);
    assert_eq!(body["source"], "partnerd");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_target_is_414_with_the_contract_body() {
    let (app, _db) = app_with(Limits::default()).await;
    let target = format!("/v1/customers?filter={}", "a".repeat(9000));
    let request =
        format!("GET {target} HTTP/1.1\r\nHost: x\r\nMS-CorrelationId: c0rr-414\r\nConnection: close\r\n\r\n");
    let answer = exchange(app.addr, request.as_bytes()).await;
    let (status, body) = contract_refusal(&answer);
    assert_eq!(status, 414, "{answer}");
    assert_eq!(body["code"], 800002);
    assert!(answer.contains("c0rr-414"), "the correlation id is echoed: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_or_too_large_headers_are_431_with_the_contract_body() {
    let (app, _db) = app_with(Limits::default()).await;
    let many: String = (0..150).map(|i| format!("X-Extra-{i}: {i}\r\n")).collect();
    let large = format!("X-Large: {}\r\n", "b".repeat(40 * 1024));
    for headers in [many, large] {
        let request = format!("GET /v1/customers HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n");
        let answer = exchange(app.addr, request.as_bytes()).await;
        let (status, body) = contract_refusal(&answer);
        assert_eq!(status, 431, "{}", &answer[..answer.len().min(300)]);
        assert_eq!(body["code"], 800002);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_connection_limit_a_connection_is_closed_and_a_freed_place_serves_again() {
    let limits = Limits {
        max_connections: 2,
        connection_wait: Duration::from_millis(300),
        header_read_timeout: Duration::from_secs(60),
        ..Limits::default()
    };
    let (app, _db) = app_with(limits).await;
    let mut holders = Vec::new();
    for _ in 0..2 {
        let mut held = TcpStream::connect(app.addr).await.unwrap();
        held.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(BOUND, held.read(&mut buf)).await.unwrap().unwrap();
        assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 200"), "both places serve");
        holders.push(held);
    }
    let answer = exchange(app.addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").await;
    assert_eq!(answer, "", "the third connection is closed unserved");
    drop(holders.pop());
    let res = tokio::time::timeout(BOUND, async {
        loop {
            // The freed place is noticed when the server reads the close; until then a new
            // connection may still be turned away.
            if let Ok(res) = app.http.get(app.url("/healthz")).send().await {
                return res;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    assert_eq!(res.await.expect("served once a place is free").status(), 200);
}

/// Short allowances: a connection holding no request is closed about two seconds after its
/// last answer (idle timeout, then the grace a closing connection gets).
fn hasty() -> Limits {
    Limits {
        header_read_timeout: Duration::from_secs(1),
        idle_timeout: Duration::from_secs(1),
        request_timeout: Duration::from_secs(1),
        ..Limits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_answer_keeps_its_connection_past_the_idle_timeout() {
    let (app, _db) = app_with(hasty()).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /_partnerd/requests/stream HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\r\n\r\n") {
        let n = tokio::time::timeout(BOUND, stream.read(&mut buf)).await.expect("the head").unwrap();
        assert!(n > 0, "closed before the head");
        seen.extend_from_slice(&buf[..n]);
    }
    assert!(String::from_utf8_lossy(&seen).starts_with("HTTP/1.1 200"), "{}", String::from_utf8_lossy(&seen));
    // Well past the idle timeout and the grace after it, the live tail still delivers.
    tokio::time::sleep(Duration::from_secs(4)).await;
    let partner = new_partner();
    assert_eq!(app.get(&partner, "/v1/customers").send().await.unwrap().status(), 200);
    let delivered = tokio::time::timeout(BOUND, async {
        loop {
            let n = stream.read(&mut buf).await.unwrap();
            assert!(n > 0, "the stream was closed: {}", String::from_utf8_lossy(&seen));
            seen.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&seen).contains(partner.as_str()) {
                return;
            }
        }
    });
    delivered.await.expect("the request reached the live tail");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_is_closed_once_idle_after_its_answer() {
    let (app, _db) = app_with(hasty()).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let answer = read_to_close(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "answered, then closed when idle: {answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_request_line_or_header_is_400_with_the_contract_body() {
    let (app, _db) = app_with(Limits::default()).await;
    let heads: [&[u8]; 4] = [
        b"GET /v1/customers with spaces HTTP/1.1\r\nHost: x\r\n\r\n",
        b"G\x01T /v1/customers HTTP/1.1\r\nHost: x\r\n\r\n",
        b"GET /v1/customers HTTP/9.7\r\nHost: x\r\n\r\n",
        b"GET /v1/customers HTTP/1.1\r\nHost x\r\n\r\n",
    ];
    for head in heads {
        let answer = exchange(app.addr, head).await;
        let (status, body) = contract_refusal(&answer);
        assert_eq!(status, 400, "{answer}");
        assert_eq!(body["code"], 800002, "{answer}");
        assert_eq!(body["source"], "partnerd");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_head_after_a_served_request_on_the_same_connection_is_400_with_the_contract_body() {
    let (app, _db) = app_with(Limits::default()).await;
    let answer = exchange(app.addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /a b c HTTP/1.1\r\n\r\n").await;
    let (first, second) = answer.split_at(answer.find("HTTP/1.1 400").unwrap_or_else(|| panic!("{answer}")));
    assert!(first.starts_with("HTTP/1.1 200"), "{answer}");
    let (status, body) = contract_refusal(second);
    assert_eq!((status, body["code"].as_i64()), (400, Some(800002)), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_request_timeout_is_503_with_the_contract_body() {
    let (app, _db) = app_with(Limits { request_timeout: Duration::from_millis(500), ..Limits::default() }).await;
    let fault = serde_json::json!({"method": "GET", "route": "/v1/customers", "latencyMs": 30000});
    let added = app.http.post(app.url("/_partnerd/faults")).json(&fault).send().await.unwrap();
    assert_eq!(added.status(), 201);
    let res = app
        .get(&new_partner(), "/v1/customers")
        .header("MS-CorrelationId", "c0rr-503")
        .header("Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["ms-correlationid"], "c0rr-503");
    assert!(res.headers().contains_key("ms-requestid") && res.headers().contains_key("ms-cv"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], 800003, "{body}");
    assert_eq!(body["source"], "partnerd");
    // The request that timed out held nothing: the next one is served.
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
}

/// A client that never stops reading (a follower of the live tail) holds the server no longer
/// than the shutdown grace after shutdown is asked for, however long the request timeout.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_a_stalled_follower_after_its_grace() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let state = partnerd_server::AppState::new(db.open().await, Config::default()).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = Limits { shutdown_grace: Duration::from_secs(1), request_timeout: BOUND * 3, ..Limits::default() };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(partnerd_server::serve_with(
        listener,
        partnerd_server::build_app(state),
        ServeConfig { limits, ..Default::default() },
        async move {
            let _ = stopped.await;
        },
    ));
    let mut follower = TcpStream::connect(addr).await.unwrap();
    follower.write_all(b"GET /_partnerd/requests/stream HTTP/1.1\r\nHost: x\r\n\r\n").await.unwrap();
    let mut head = [0u8; 12];
    tokio::time::timeout(BOUND, follower.read_exact(&mut head)).await.expect("the stream's head").unwrap();
    assert_eq!(&head, b"HTTP/1.1 200");
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(BOUND, server).await;
    assert!(ended.is_ok(), "the server still waited for its follower {BOUND:?} after shutdown");
    // And the follower's connection was closed, not left open with the process gone.
    read_to_close(&mut follower).await;
}

/// An HTTP/2 client that sends its preface and SETTINGS, then nothing, is closed after the
/// header-read timeout as an HTTP/1.1 one is, not kept for a minute more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_connection_with_only_its_preface_is_closed_after_the_header_read_timeout() {
    let (app, _db) = app_with(Limits { header_read_timeout: Duration::from_secs(1), ..Limits::default() }).await;
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n").await.unwrap();
    // An empty SETTINGS frame: length 0, type 4, no flags, stream 0.
    stream.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0]).await.unwrap();
    read_to_close(&mut stream).await;
}

/// An HTTP/2 client that asks for pages and never opens its flow-control window holds their
/// answers only until the idle timeout: the connection that takes none of its answers' bytes
/// is closed, and the memory with it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_client_that_never_opens_its_window_is_closed_after_the_idle_timeout() {
    let limits = Limits { idle_timeout: Duration::from_secs(2), ..Limits::default() };
    let (app, _db) = app_with(limits).await;
    let partner = new_partner();
    partnerd_testkit::fixtures::insert_many(&app.store, &partner, 200).await;
    let tcp = TcpStream::connect(app.addr).await.unwrap();
    let (mut client, connection) =
        h2::client::Builder::new().initial_window_size(0).handshake::<_, bytes::Bytes>(tcp).await.unwrap();
    let driven = tokio::spawn(connection);
    let mut answers = Vec::new();
    for _ in 0..4 {
        let request = axum::http::Request::get(format!("http://{}/v1/customers?size=200", app.addr))
            .header("authorization", format!("Bearer {}", token(&partner)))
            .body(())
            .unwrap();
        client = client.ready().await.unwrap();
        let (answer, _) = client.send_request(request, true).unwrap();
        answers.push(answer);
    }
    // The heads arrive (headers need no window); the bodies cannot. The answers are kept, not
    // read, as such a client keeps them.
    let mut held = Vec::new();
    for answer in answers {
        let head = tokio::time::timeout(BOUND, answer).await.expect("a head").unwrap();
        assert_eq!(head.status(), 200);
        held.push(head);
    }
    let ended = tokio::time::timeout(BOUND, driven).await;
    drop(held);
    assert!(ended.is_ok(), "the server kept a connection that took no bytes of its answers for {BOUND:?}");
}
