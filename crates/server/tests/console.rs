//! The console's HTTP side: its embedded files and their headers, who may load them, the
//! health figures (`GET /_partnerd/stats`) and console tokens (`POST /_partnerd/tokens`).
//! What the page does in a browser is tested in the console_*.rs files beside this one, one per
//! view (console_traffic.rs, console_customers.rs, console_controls.rs, console_sign_in.rs).

use partnerd_server::{AuthConfig, Config, KeyConfig, Mode};
use partnerd_testkit::{fixtures, new_partner, store_test, token, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

const ADMIN: &str = "admin-token-for-console-0123456789";

fn production_auth() -> AuthConfig {
    AuthConfig::Production {
        key: KeyConfig::Hs256Secret("a-production-secret-of-at-least-32-bytes!".into()),
        issuer: "https://issuer.example".into(),
        audience: "https://api.partnercenter.microsoft.com".into(),
    }
}

store_test!(page_and_assets_are_served_with_a_strict_policy, |db| {
    let app = TestApp::start(&db).await;
    for path in ["/_partnerd/console", "/_partnerd/console/"] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let headers = res.headers().clone();
        assert!(headers["content-type"].to_str().unwrap().starts_with("text/html"));
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff");
        let html = res.text().await.unwrap();
        assert!(html.contains(r#"<script type="module" src="/_partnerd/console/app.js">"#));
        // No inline script anywhere in the page: every <script> has a src.
        assert_eq!(html.matches("<script").count(), html.matches("<script type=\"module\" src=").count());
    }
    for (file, kind) in [
        ("app.js", "text/javascript"),
        ("traffic.js", "text/javascript"),
        ("console.css", "text/css"),
        ("favicon.svg", "image/svg+xml"),
    ] {
        let res = app.http.get(app.url(&format!("/_partnerd/console/{file}"))).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{file}");
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with(kind), "{file}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    }
    let missing = app.http.get(app.url("/_partnerd/console/nope.js")).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(missing.json::<Value>().await.unwrap()["code"], 1000);
});

store_test!(every_module_the_page_imports_is_served, |db| {
    let app = TestApp::start(&db).await;
    let app_js = app.http.get(app.url("/_partnerd/console/app.js")).send().await.unwrap().text().await.unwrap();
    let mut pending = vec![app_js];
    let mut seen = std::collections::HashSet::new();
    while let Some(source) = pending.pop() {
        for import in source.split("from './").skip(1) {
            let file = &import[..import.find('\'').unwrap()];
            if seen.insert(file.to_string()) {
                let res = app.http.get(app.url(&format!("/_partnerd/console/{file}"))).send().await.unwrap();
                assert_eq!(res.status(), StatusCode::OK, "{file} is imported but not served");
                pending.push(res.text().await.unwrap());
            }
        }
    }
    assert!(seen.contains("traffic.js") && seen.contains("api.js"), "{seen:?}");
});

store_test!(with_an_admin_token_the_shell_loads_but_the_data_needs_the_token, |db| {
    let app = TestApp::start_with(&db, Config { admin_token: Some(ADMIN.into()), ..Config::default() }).await;
    let page = app.http.get(app.url("/_partnerd/console")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    for (method, path) in [("GET", "/_partnerd/stats"), ("POST", "/_partnerd/tokens")] {
        let req = app.http.request(method.parse().unwrap(), app.url(path));
        let res = req.try_clone().unwrap().json(&json!({"partner": new_partner().as_str()})).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{path} without the token");
        let partner_token = req.try_clone().unwrap().bearer_auth(token(&new_partner())).send().await.unwrap();
        assert_eq!(partner_token.status(), StatusCode::UNAUTHORIZED, "{path} with a partner token");
    }
    let stats = app.http.get(app.url("/_partnerd/stats")).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(stats.status(), StatusCode::OK);
});

store_test!(production_without_admin_token_has_no_console, |db| {
    let app =
        TestApp::start_with(&db, Config { mode: Mode::Production, auth: production_auth(), ..Config::default() }).await;
    for path in ["/_partnerd/console", "/_partnerd/console/app.js", "/_partnerd/stats"] {
        let res = app.http.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
    }
});

store_test!(stats_count_partner_center_requests_only, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    fixtures::insert_named(&app.store, &partner, &["Contoso"]).await;
    for _ in 0..3 {
        assert_eq!(app.get(&partner, "/v1/customers").send().await.unwrap().status(), StatusCode::OK);
    }
    let bad = app.get(&partner, "/v1/customers/not-a-guid").send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let unauthenticated = app.http.get(app.url("/v1/customers")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), StatusCode::UNAUTHORIZED);
    // Control-plane requests (the console's own polling) are not counted.
    app.http.get(app.url("/_partnerd/")).send().await.unwrap();

    let stats: Value = app.http.get(app.url("/_partnerd/stats?minutes=1")).send().await.unwrap().json().await.unwrap();
    assert_eq!(stats["bucketSeconds"], 10);
    assert_eq!(stats["buckets"].as_array().unwrap().len(), 6);
    let summary = &stats["summary"];
    assert_eq!(summary["requests"], 5, "{stats}");
    assert_eq!(summary["errors4xx"], 2);
    assert_eq!(summary["errors5xx"], 0);
    assert_eq!(summary["errorRate"], 0.4);
    let (p50, p99) = (summary["p50Ms"].as_f64().unwrap(), summary["p99Ms"].as_f64().unwrap());
    assert!(p50 > 0.0 && p50 <= p99, "{summary}");
    let bucket_total: u64 = stats["buckets"].as_array().unwrap().iter().map(|b| b["requests"].as_u64().unwrap()).sum();
    assert_eq!(bucket_total, 5);

    let bad = app.http.get(app.url("/_partnerd/stats?minutes=60")).send().await.unwrap();
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    let body: Value = bad.json().await.unwrap();
    assert_eq!(body["data"], json!(["minutes"]));
});

store_test!(console_tokens_open_the_partner_center_api_in_development, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    fixtures::insert_named(&app.store, &partner, &["Fabrikam"]).await;
    let res =
        app.http.post(app.url("/_partnerd/tokens")).json(&json!({"partner": partner.as_str()})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let answer: Value = res.json().await.unwrap();
    let minted = answer["token"].as_str().unwrap();
    let list: Value =
        app.http.get(app.url("/v1/customers")).bearer_auth(minted).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["items"][0]["companyProfile"]["companyName"], "Fabrikam");

    for bad in [json!({"partner": "not-a-guid"}), json!({}), json!({"partner": partner.as_str(), "extra": 1})] {
        let res = app.http.post(app.url("/_partnerd/tokens")).json(&bad).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(res.json::<Value>().await.unwrap()["data"], json!(["partner"]));
    }
    let not_json = app.http.post(app.url("/_partnerd/tokens")).body("partner=x").send().await.unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
});

store_test!(console_tokens_do_not_exist_with_production_keys, |db| {
    let config = Config { auth: production_auth(), admin_token: Some(ADMIN.into()), ..Config::default() };
    let app = TestApp::start_with(&db, config).await;
    let res = app
        .http
        .post(app.url("/_partnerd/tokens"))
        .bearer_auth(ADMIN)
        .json(&json!({"partner": new_partner().as_str()}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
});
