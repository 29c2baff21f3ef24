//! What an operator watches: `/metrics` labels requests by route template (never the raw
//! path), counts what the issue asks for, and `/healthz` and `/readyz` answer without a token.

use partnerd_store::Location;
use partnerd_testkit::{new_partner, store_test, Kind, TestApp, TestDb};

store_test!(metrics_label_routes_by_template_never_by_path, |db| {
    let app = TestApp::start(&db).await;
    let id = uuid::Uuid::new_v4().to_string();
    let res = app.get(&new_partner(), &format!("/v1/customers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let unauthenticated = app.http.get(app.url("/v1/customers")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401);
    app.http.get(app.url("/no/such/route/abc")).send().await.unwrap();
    let res = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/plain"));
    let text = res.text().await.unwrap();
    let line = |needle: &str| text.lines().any(|l| l.starts_with(needle));
    assert!(line(r#"partnerd_http_requests_total{method="GET",route="/v1/customers/{id}",status="404"}"#), "{text}");
    assert!(line(r#"partnerd_http_request_duration_seconds_bucket{method="GET",route="/v1/customers/{id}""#));
    assert!(line(r#"partnerd_http_requests_total{method="GET",route="unmatched",status="404"}"#), "{text}");
    assert!(!text.contains(&id) && !text.contains("/no/such/route"), "raw paths never become labels");
    assert!(line(r#"partnerd_refused_tokens_total{reason="missing"}"#), "{text}");
    assert!(line(r#"partnerd_store_query_duration_seconds_bucket{op="get""#), "{text}");
    assert!(line("partnerd_build_info{version="), "{text}");
});

store_test!(made_up_methods_become_one_other_label, |db| {
    let app = TestApp::start(&db).await;
    for i in 0..20 {
        let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        app.http.request(method, app.url("/v1/customers")).send().await.unwrap();
    }
    let text = app.http.get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(!text.contains("MADEUP"), "a client cannot mint series: {text}");
    assert!(text.lines().any(|l| l.starts_with(r#"partnerd_http_requests_total{method="other",route="#)), "{text}");
});

store_test!(health_and_readiness_answer_without_a_token, |db| {
    let app = TestApp::start(&db).await;
    for path in ["/healthz", "/readyz"] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        assert!(res.headers().contains_key("ms-requestid"), "{path} carries the MS-* headers");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok"}));
    }
});

/// PostgreSQL only: its backends are cut off and reconnection refused, then allowed again.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn readiness_follows_postgresql_going_away_and_coming_back() {
    let Some(db) = TestDb::new(Kind::Postgres).await else { return };
    let Location::Postgres { url, .. } = &db.location else { unreachable!() };
    let name = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    let app = TestApp::start(&db).await;
    assert_eq!(app.http.get(app.url("/readyz")).send().await.unwrap().status(), 200);

    let admin = partnerd_testkit::postgres::connect(&partnerd_testkit::postgres::admin_url()).await.unwrap();
    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await.unwrap();
    let cut = format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
    admin.batch_execute(&cut).await.unwrap();
    let res = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert!(res.headers().contains_key("retry-after") && res.headers().contains_key("ms-requestid"));
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!((body["code"].as_i64(), &body["data"]), (Some(800003), &serde_json::json!(["store"])), "{body}");
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the process itself is still alive");

    admin.batch_execute(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await.unwrap();
    // The pool may still hold a connection whose end it has not read yet: a load balancer probes
    // again, and so does this test, for a bounded while.
    let mut status = None;
    for _ in 0..50 {
        status = Some(app.http.get(app.url("/readyz")).send().await.unwrap().status());
        if status == Some(reqwest::StatusCode::OK) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, Some(reqwest::StatusCode::OK), "ready again within 5 s");
}
