//! Who may reach the control plane (`/_partnerd/`).

use partnerd_server::{Config, Mode};
use partnerd_testkit::{new_partner, store_test, token, TestApp};
use reqwest::StatusCode;

const ADMIN: &str = "admin-token-for-tests-0123456789";

store_test!(sandbox_without_admin_token_is_open, |db| {
    let app = TestApp::start(&db).await;
    let res = app.http.get(app.url("/_partnerd/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let info: serde_json::Value = res.json().await.unwrap();
    assert_eq!(info["mode"], "sandbox");
});

store_test!(admin_token_is_required_when_set, |db| {
    let app = TestApp::start_with(&db, Config { admin_token: Some(ADMIN.into()), ..Config::default() }).await;
    let url = app.url("/_partnerd/");
    let none = app.http.get(&url).send().await.unwrap();
    assert_eq!(none.status(), StatusCode::UNAUTHORIZED);
    let body: serde_json::Value = none.json().await.unwrap();
    assert_eq!(body["code"], 800001);
    let wrong = app.http.get(&url).bearer_auth("admin-token-for-tests-012345678").send().await.unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    // A partner's valid bearer token is not the admin token.
    let partner = app.http.get(&url).bearer_auth(token(&new_partner())).send().await.unwrap();
    assert_eq!(partner.status(), StatusCode::UNAUTHORIZED);
    let admin = app.http.get(&url).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(admin.status(), StatusCode::OK);
});

store_test!(production_without_admin_token_has_no_control_plane, |db| {
    let app = TestApp::start_with(&db, partnerd_testkit::production::config()).await;
    let res = app.http.get(app.url("/_partnerd/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "no /metrics in production without an admin token");
    let prod_admin =
        TestApp::start_with(&db, Config { admin_token: Some(ADMIN.into()), ..partnerd_testkit::production::config() })
            .await;
    let res = prod_admin.http.get(prod_admin.url("/_partnerd/")).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["controlPlane"], "observe");
});

// In production the test controls exist only when asked for by name: an observing control
// plane answers reads and refuses every write with 403 (changing nothing), `full` allows them.
store_test!(production_observes_unless_the_test_controls_are_asked_for, |db| {
    let production = Config { admin_token: Some(ADMIN.into()), ..partnerd_testkit::production::config() };
    let observing = TestApp::start_with(&db, production.clone()).await;
    for (method, path, body) in [
        (reqwest::Method::POST, "/_partnerd/clock", r#"{"advanceSeconds":-87000}"#),
        (reqwest::Method::POST, "/_partnerd/reset", ""),
        (reqwest::Method::PUT, "/_partnerd/snapshot", ""),
        (reqwest::Method::POST, "/_partnerd/faults", r#"{"status":500}"#),
        (reqwest::Method::DELETE, "/_partnerd/requests", ""),
    ] {
        let res = observing
            .http
            .request(method.clone(), observing.url(path))
            .bearer_auth(ADMIN)
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let refusal: serde_json::Value = res.json().await.unwrap();
        assert!(refusal["description"].as_str().unwrap().contains("--control-plane full"), "{refusal}");
    }
    let clock: serde_json::Value = observing
        .http
        .get(observing.url("/_partnerd/clock"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clock["offsetSeconds"], 0, "the refused clock change changed nothing: {clock}");
    for path in ["/_partnerd/requests", "/_partnerd/guidance", "/_partnerd/stats", "/metrics"] {
        let res = observing.http.get(observing.url(path)).bearer_auth(ADMIN).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
    }
    let res = observing.http.get(observing.url("/metrics")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "/metrics is behind the admin token");

    let full = Config { control_plane: Some(partnerd_server::ControlPlane::Full), ..production };
    let full = TestApp::start_with(&db, full).await;
    let res = full.http.post(full.url("/_partnerd/reset")).bearer_auth(ADMIN).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.status());
});

// `public_metrics` opens /metrics in production without an admin token, deliberately.
store_test!(public_metrics_is_a_deliberate_choice, |db| {
    let config = Config { public_metrics: true, ..partnerd_testkit::production::config() };
    let app = TestApp::start_with(&db, config).await;
    assert_eq!(app.http.get(app.url("/metrics")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(app.http.get(app.url("/_partnerd/")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
});

// What the CLI refuses, the library refuses too: production with the public development
// secret, or a production control plane open to anyone.
store_test!(the_library_refuses_what_the_cli_refuses, |db| {
    let dev = Config { mode: Mode::Production, ..Config::default() };
    let refused = partnerd_server::AppState::new(db.open().await, dev).await.err().expect("refused");
    assert!(refused.to_string().contains("development secret is public"), "{refused}");
    let open =
        Config { control_plane: Some(partnerd_server::ControlPlane::Full), ..partnerd_testkit::production::config() };
    let refused = partnerd_server::AppState::new(db.open().await, open).await.err().expect("refused");
    assert!(refused.to_string().contains("needs an admin token"), "{refused}");
});
