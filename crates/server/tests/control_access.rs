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
    let app = TestApp::start_with(&db, Config { mode: Mode::Production, ..Config::default() }).await;
    let res = app.http.get(app.url("/_partnerd/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let prod_admin = TestApp::start_with(
        &db,
        Config { mode: Mode::Production, admin_token: Some(ADMIN.into()), ..Config::default() },
    )
    .await;
    let res = prod_admin.http.get(prod_admin.url("/_partnerd/")).bearer_auth(ADMIN).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
});
