//! The OpenAPI document: served without a token in every mode, OpenAPI 3.1, every reference
//! resolved, and exactly the routes the router serves (each served method and path is in the
//! document, and each documented one is served), compared against the router's own table.

use std::collections::BTreeSet;

use partnerd_server::{routed, AppState, Config, ServeConfig};
use partnerd_testkit::{Kind, TestApp, TestDb};
use serde_json::Value;

/// `METHOD /path` for every method a route of `app` serves, read from the router's own route
/// table (axum prints it in its Debug form, the one place it exposes it). Catch-all
/// fallbacks (no method of their own) are not routes; axum's `{*rest}` is written `{rest}`, as
/// OpenAPI writes a path parameter.
fn served(app: &axum::Router) -> BTreeSet<String> {
    let debug = format!("{app:?}");
    let table = debug.split("fallback_router").next().expect("the router's own paths come first");
    let (routes, paths) = table.split_once("node: Node").expect("a route table and its paths");
    let mut out = BTreeSet::new();
    for (id, path) in route_paths(paths) {
        let Some(methods) = route_methods(routes, &id) else { continue };
        for m in methods {
            out.insert(format!("{m} {}", path.replace("{*", "{")));
        }
    }
    assert!(out.len() > 20, "the route table was read: {out:?}");
    out
}

/// `(RouteId(n), "/path")` pairs of the `paths` map.
fn route_paths(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for part in text.split("RouteId(").skip(1) {
        let (id, rest) = part.split_once(')').unwrap();
        if let Some(path) = rest.strip_prefix(": \"").and_then(|r| r.split('"').next()) {
            out.push((id.to_string(), path.to_string()));
        }
    }
    out
}

/// The methods route `id` answers with a handler of their own.
fn route_methods(routes: &str, id: &str) -> Option<Vec<String>> {
    let start = routes.find(&format!("RouteId({id}): MethodRouter(MethodRouter {{ "))?;
    let body = &routes[start..];
    let fields = &body[body.find("{ ")? + 2..body.find("fallback:")?];
    Some(
        fields
            .split(", ")
            .filter_map(|f| f.split_once(": "))
            .filter(|(_, v)| *v != "None")
            .map(|(m, _)| m.trim().to_uppercase())
            .collect(),
    )
}

/// `METHOD /path` for every operation of the document.
fn documented(doc: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().unwrap().keys() {
            out.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    out
}

async fn app_with(db: &TestDb, config: Config) -> (TestApp, axum::Router) {
    let router = routed(AppState::new(db.open().await, config.clone()).await.unwrap(), &ServeConfig::default());
    (TestApp::start_with(db, config).await, router)
}

#[tokio::test]
async fn the_document_lists_exactly_the_served_routes() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let (app, router) = app_with(&db, Config::default()).await;
    let res = app.http.get(app.url("/openapi.json")).send().await.unwrap();
    assert_eq!(res.status(), 200, "no token needed");
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);

    let served = served(&router);
    let documented = documented(&doc);
    let undocumented: Vec<_> = served.difference(&documented).collect();
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty(),
        "served but not in the OpenAPI document (add them to crates/server/src/openapi/operations.rs): {undocumented:#?}"
    );
    assert!(unserved.is_empty(), "in the OpenAPI document but not served: {unserved:#?}");
}

#[tokio::test]
async fn every_reference_resolves_and_the_wire_types_are_described() {
    let doc = serde_json::to_value(partnerd_server::openapi::document()).unwrap();
    let text = doc.to_string();
    for piece in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = piece.split('"').next().unwrap();
        assert!(doc["components"]["schemas"][name].is_object(), "#/components/schemas/{name} is defined");
    }
    let customer = &doc["components"]["schemas"]["Customer"]["properties"];
    for member in ["id", "companyProfile", "billingProfile", "relationshipToPartner", "userCredentials", "links"] {
        assert!(customer[member].is_object(), "Customer.{member}: {customer}");
    }
    assert!(doc["components"]["schemas"]["CustomerCollection"]["properties"]["continuationToken"].is_object());
    assert!(doc["paths"]["/v1.0/customers"]["get"].is_object(), "API version 1.0 is documented too");
}

#[tokio::test]
async fn production_serves_the_document_and_reference_without_a_token() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let app = TestApp::start_with(&db, partnerd_testkit::production::config()).await;
    assert_eq!(app.http.get(app.url("/openapi.json")).send().await.unwrap().status(), 200);
    let page = app.http.get(app.url("/docs/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(!html.contains("src=\"http"), "every asset comes from this server: {html}");
}

#[test]
fn the_partner_center_route_table_is_documented_under_both_versions() {
    let doc = documented(&serde_json::to_value(partnerd_server::openapi::document()).unwrap());
    for (path, methods) in partnerd_server::PARTNER_CENTER_ROUTES {
        for method in *methods {
            for version in ["/v1", "/v1.0"] {
                let op = format!("{method} {version}{path}");
                assert!(doc.contains(&op), "{op} is in the route table but not in the document");
            }
        }
    }
}

/// The security of `(method, path)` in the document `app` serves.
async fn security_of(app: &TestApp, method: &str, path: &str) -> Value {
    let doc: Value = app.http.get(app.url("/openapi.json")).send().await.unwrap().json().await.unwrap();
    doc["paths"][path][method]["security"].clone()
}

#[tokio::test]
async fn the_control_plane_declares_the_admin_token_exactly_when_the_server_demands_it() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let open = TestApp::start_with(&db, Config::default()).await;
    assert_eq!(security_of(&open, "get", "/_partnerd/requests").await, Value::Null, "an open sandbox");
    assert_eq!(open.http.get(open.url("/_partnerd/requests")).send().await.unwrap().status(), 200);

    let config = Config { admin_token: Some("openapi-admin-token-0123456789".into()), ..Config::default() };
    let guarded = TestApp::start_with(&db, config).await;
    let security = security_of(&guarded, "get", "/_partnerd/requests").await;
    assert_eq!(security, serde_json::json!([{"admin": []}]), "only the admin token, no anonymous alternative");
    assert_eq!(security_of(&guarded, "get", "/metrics").await, serde_json::json!([{"admin": []}]));
    assert_eq!(guarded.http.get(guarded.url("/_partnerd/requests")).send().await.unwrap().status(), 401);
    assert_eq!(security_of(&guarded, "get", "/v1/customers").await, serde_json::json!([{"partner": []}]));
}

#[test]
fn parameters_and_bodies_state_what_the_server_takes() {
    let doc = serde_json::to_value(partnerd_server::openapi::document()).unwrap();
    let param = |path: &str, method: &str, name: &str| {
        doc["paths"][path][method]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == name)
            .unwrap_or_else(|| panic!("{method} {path} has {name}"))["schema"]
            .clone()
    };
    let user_id = param("/v1/customers/{id}/users/{user_id}", "get", "user_id");
    assert_eq!(user_id["format"], "uuid", "{user_id}");
    assert_eq!(param("/v1/customers", "get", "size")["type"], "integer");
    assert_eq!(param("/_partnerd/reset", "post", "keys")["type"], "boolean");
    assert!(param("/v1/agreements", "get", "agreementType")["enum"].as_array().unwrap().contains(&"*".into()));
    let clock = &doc["components"]["schemas"]["ClockMove"]["oneOf"];
    assert_eq!(clock.as_array().map(Vec::len), Some(2), "offsetSeconds or advanceSeconds, exactly one: {clock}");
    let created = &doc["paths"]["/v1/customers"]["post"]["responses"];
    assert!(created["415"].is_object(), "a body of another media type is documented: {created}");
}

/// The fault rules' route check reads `partnerd_model::routes::PARTNER_CENTER_ROUTES`, so the
/// router must serve exactly that table: a route added beside it would be refused in a rule,
/// and a table entry without a route would be accepted in a rule that never fires.
#[tokio::test]
async fn the_router_serves_exactly_the_model_route_table() {
    let db = TestDb::new(Kind::Sqlite).await.unwrap();
    let router = routed(AppState::new(db.open().await, Config::default()).await.unwrap(), &ServeConfig::default());
    let is_api = |op: &String| op.split(' ').nth(1).is_some_and(|p| p.starts_with("/v1/") || p.starts_with("/v1.0/"));
    let served: BTreeSet<String> = served(&router).into_iter().filter(is_api).collect();
    let table: BTreeSet<String> = partnerd_model::routes::PARTNER_CENTER_ROUTES
        .iter()
        .flat_map(|(path, methods)| methods.iter().map(move |m| (path, m)))
        .flat_map(|(path, m)| ["/v1", "/v1.0"].map(|v| format!("{m} {v}{path}")))
        .collect();
    assert_eq!(served, table, "the router and partnerd_model::routes::PARTNER_CENTER_ROUTES differ");
}
