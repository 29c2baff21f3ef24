//! Snapshots, reset and restore carry a customer's users (deleted ones with their deletion
//! time), role memberships, SKUs and licenses: snapshot → reset → restore gives the same
//! answers, on both stores and from SQLite into PostgreSQL; a bad directory refuses the line.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, Kind, TestApp, TestDb};
use reqwest::Method;
use serde_json::{json, Value};

const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const TEAMS_PLAN: &str = "57ff2da0-773e-42df-b2af-ffb7a2317929";
const INACTIVE: &str =
    "?filter=%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D";

async fn send(app: &TestApp, partner: &PartnerId, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.request(method, partner, path);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    (status, serde_json::from_str(&res.text().await.unwrap()).unwrap_or(Value::Null))
}

/// A customer with an admin, a licensed helpdesk user, a deleted user, and SKUs; its id.
async fn populate(app: &TestApp, partner: &PartnerId) -> String {
    let domain = unique_domain();
    let (_, customer) = send(app, partner, Method::POST, "/v1/customers", Some(create_body(&domain))).await;
    let c = customer["id"].as_str().unwrap().to_string();
    let res = app
        .http
        .put(app.url(&format!("/_partnerd/partners/{partner}/customers/{c}/subscribedskus")))
        .json(&json!({"skus": [{"sku": "ENTERPRISEPACK", "activeUnits": 3, "warningUnits": 1}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let mut ids = Vec::new();
    for name in ["kept", "gone"] {
        let body = json!({"userPrincipalName": format!("{name}@{domain}"), "displayName": name, "usageLocation": "FR",
            "passwordProfile": {"password": "Passw0rd-long"}});
        let (status, user) = send(app, partner, Method::POST, &format!("/v1/customers/{c}/users"), Some(body)).await;
        assert_eq!(status, 201);
        ids.push(user["id"].as_str().unwrap().to_string());
    }
    let path = |rest: &str| format!("/v1/customers/{c}{rest}");
    let assign = json!({"licensesToAssign": [{"skuId": E3, "excludedPlans": [TEAMS_PLAN]}]});
    assert_eq!(
        send(app, partner, Method::POST, &path(&format!("/users/{}/licenseupdates", ids[0])), Some(assign)).await.0,
        201
    );
    let member = json!({"id": ids[0]});
    assert_eq!(
        send(app, partner, Method::POST, &path(&format!("/directoryroles/{HELPDESK}/usermembers")), Some(member))
            .await
            .0,
        201
    );
    assert_eq!(send(app, partner, Method::DELETE, &path(&format!("/users/{}", ids[1])), None).await.0, 204);
    c
}

/// Every answer the directory of customer `c` gives.
async fn observe(app: &TestApp, partner: &PartnerId, c: &str) -> Vec<Value> {
    let (_, users) = send(app, partner, Method::GET, &format!("/v1/customers/{c}/users"), None).await;
    let mut seen = vec![users.clone()];
    seen.push(send(app, partner, Method::GET, &format!("/v1/customers/{c}/users{INACTIVE}"), None).await.1);
    seen.push(send(app, partner, Method::GET, &format!("/v1/customers/{c}/subscribedskus"), None).await.1);
    for u in users["items"].as_array().unwrap() {
        let id = u["id"].as_str().unwrap();
        seen.push(send(app, partner, Method::GET, &format!("/v1/customers/{c}/users/{id}/licenses"), None).await.1);
        seen.push(
            send(app, partner, Method::GET, &format!("/v1/customers/{c}/users/{id}/directoryroles"), None).await.1,
        );
    }
    seen
}

async fn export(app: &TestApp) -> String {
    let res = app.http.get(app.url("/_partnerd/snapshot")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    res.text().await.unwrap()
}

async fn import(app: &TestApp, body: String) -> (u16, Value) {
    let res = app.http.put(app.url("/_partnerd/snapshot")).body(body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

store_test!(snapshot_reset_restore_gives_the_same_directory, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let c = populate(&app, &partner).await;
    let before = observe(&app, &partner, &c).await;
    assert_eq!(before[0]["totalCount"], 2, "admin and kept");
    assert_eq!(before[1]["totalCount"], 1, "gone");
    let snapshot = export(&app).await;
    assert!(snapshot.contains("\"directory\":{\"users\":["), "{snapshot}");
    assert!(!snapshot.contains("Passw0rd"), "passwords are never stored");
    assert_eq!(app.http.post(app.url("/_partnerd/reset")).send().await.unwrap().status(), 200);
    assert_eq!(send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users"), None).await.0, 404);
    let (status, body) = import(&app, snapshot.clone()).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(observe(&app, &partner, &c).await, before);
    assert_eq!(export(&app).await, snapshot, "a restored snapshot exports as it was");
    // A line whose directory does not check is refused, naming it, and nothing changes.
    let bad = snapshot.replace(E3, "00000000-0000-4000-8000-000000000000");
    let (status, body) = import(&app, bad).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["data"], json!(["line 1"]));
    assert_eq!(observe(&app, &partner, &c).await, before);
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sqlite_snapshot_restores_into_postgresql_with_its_directory() {
    let Some(pg) = TestDb::new(Kind::Postgres).await else { return };
    let sqlite = TestDb::new(Kind::Sqlite).await.unwrap();
    let (from, to) = (TestApp::start(&sqlite).await, TestApp::start(&pg).await);
    let partner = new_partner();
    let c = populate(&from, &partner).await;
    let (status, body) = import(&to, export(&from).await).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(observe(&to, &partner, &c).await, observe(&from, &partner, &c).await);
}

/// `"users": N` seeds each customer with its admin, N users and the example SKUs, the same
/// for the same partner and seed on any store.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_seed_gives_its_customers_the_same_users_and_skus_on_any_store() {
    let partner = new_partner();
    let mut snapshots = Vec::new();
    for kind in [Kind::Sqlite, Kind::Postgres] {
        let Some(db) = TestDb::new(kind).await else { continue };
        let app = TestApp::start(&db).await;
        let res = app
            .http
            .post(app.url(&format!("/_partnerd/partners/{partner}/seed")))
            .json(&json!({"count": 3, "seed": 7, "users": 2}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201);
        let (_, customers) = send(&app, &partner, Method::GET, "/v1/customers", None).await;
        let c = customers["items"][0]["id"].as_str().unwrap().to_string();
        let (_, users) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users"), None).await;
        assert_eq!(users["totalCount"], 3, "admin and two users: {users}");
        let (_, skus) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/subscribedskus"), None).await;
        assert_eq!(skus["totalCount"], 5, "the group 1 example SKUs");
        assert_eq!(skus["items"][0]["activeUnits"], 25);
        let too_many = app
            .http
            .post(app.url(&format!("/_partnerd/partners/{}/seed", new_partner())))
            .json(&json!({"count": 1, "seed": 1, "users": 101}))
            .send()
            .await
            .unwrap();
        assert_eq!(too_many.status(), 400);
        // Creation times are the server clock's now: compare the rest.
        let text = export(&app).await;
        let lines: Vec<Value> = text
            .lines()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("createdAt");
                for u in v["directory"]["users"].as_array_mut().unwrap() {
                    u.as_object_mut().unwrap().remove("createdAt");
                }
                v
            })
            .collect();
        snapshots.push(lines);
    }
    if let [sqlite, postgres] = snapshots.as_slice() {
        assert_eq!(sqlite, postgres);
    }
}
