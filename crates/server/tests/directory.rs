//! Directory roles (users-api R1–R5) and licenses (L1–L3) over HTTP, on SQLite and
//! PostgreSQL, with the control plane setting a customer's SKUs from the catalogue; 200
//! concurrent assignments against 10 units give exactly 10.

use std::sync::Arc;

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const COMPANY_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const E3: &str = "6fd2c87f-b296-42f0-b197-1e91e994b900";
const TEAMS_PLAN: &str = "57ff2da0-773e-42df-b2af-ffb7a2317929";
const MINECRAFT: &str = "984df360-9a74-4647-8cf8-696749f6247a";
const BUSINESS_BASIC: &str = "3b555118-da6a-4418-894f-7df1e2096870";

async fn send(app: &TestApp, partner: &PartnerId, method: Method, path: &str, body: Option<&Value>) -> (u16, Value) {
    let mut req = app.request(method, partner, path);
    if let Some(b) = body {
        req = req.json(b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

async fn customer(app: &TestApp, partner: &PartnerId) -> (String, String) {
    let domain = unique_domain();
    let (status, body) = send(app, partner, Method::POST, "/v1/customers", Some(&create_body(&domain))).await;
    assert_eq!(status, 201, "{body}");
    (body["id"].as_str().unwrap().to_string(), domain)
}

async fn user(app: &TestApp, partner: &PartnerId, c: &str, upn: &str, location: Option<&str>) -> String {
    let mut body =
        json!({"userPrincipalName": upn, "displayName": upn, "passwordProfile": {"password": "Passw0rd-long"}});
    if let Some(l) = location {
        body["usageLocation"] = json!(l);
    }
    let (status, answer) = send(app, partner, Method::POST, &format!("/v1/customers/{c}/users"), Some(&body)).await;
    assert_eq!(status, 201, "{answer}");
    answer["id"].as_str().unwrap().to_string()
}

async fn set_skus(app: &TestApp, partner: &PartnerId, c: &str, skus: Value) -> (u16, Value) {
    let res = app
        .http
        .put(app.url(&format!("/_partnerd/partners/{partner}/customers/{c}/subscribedskus")))
        .json(&json!({"skus": skus}))
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn ids(body: &Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
}

store_test!(roles_members_and_the_admin_as_company_administrator, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let (status, roles) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/directoryroles"), None).await;
    assert_eq!(status, 200);
    assert_eq!(roles["totalCount"], 6);
    assert_eq!(
        roles["items"][0],
        json!({"name": "Company Administrator", "id": COMPANY_ADMIN, "attributes": {"objectType": "DirectoryRole"}})
    );
    assert!(roles.get("links").is_none() && roles["attributes"]["objectType"] == "Collection");

    let members_path = format!("/v1/customers/{c}/directoryroles/{COMPANY_ADMIN}/usermembers");
    let (_, admins) = send(&app, &partner, Method::GET, &members_path, None).await;
    assert_eq!(admins["totalCount"], 1);
    let admin = admins["items"][0].clone();
    assert_eq!(admin["userPrincipalName"], format!("admin@{domain}"));
    assert_eq!(admin["roleId"], COMPANY_ADMIN);
    assert_eq!(admin["attributes"]["objectType"], "UserMember");
    let admin_id = admin["id"].as_str().unwrap();
    let (_, admin_roles) =
        send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{admin_id}/directoryroles"), None).await;
    assert_eq!(ids(&admin_roles), [COMPANY_ADMIN]);

    let u = user(&app, &partner, &c, &format!("help@{domain}"), None).await;
    let helpdesk = format!("/v1/customers/{c}/directoryroles/{HELPDESK}/usermembers");
    let (status, added) =
        send(&app, &partner, Method::POST, &helpdesk, Some(&json!({"Id": u.to_uppercase(), "DisplayName": "ignored"})))
            .await;
    assert_eq!(status, 201, "{added}");
    assert_eq!(
        added,
        json!({"displayName": format!("help@{domain}"), "userPrincipalName": format!("help@{domain}"), "roleId": HELPDESK, "id": u, "attributes": {"objectType": "UserMember"}})
    );
    let (status, again) = send(&app, &partner, Method::POST, &helpdesk, Some(&json!({"id": u}))).await;
    assert_eq!((status, again["code"].clone()), (409, json!(800002)));
    let (_, mine) =
        send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{u}/directoryroles"), None).await;
    assert_eq!(ids(&mine), [HELPDESK]);
    // Members are paged like users.
    let admin2 = user(&app, &partner, &c, &format!("admin2@{domain}"), None).await;
    assert_eq!(send(&app, &partner, Method::POST, &members_path, Some(&json!({"id": admin2}))).await.0, 201);
    let (walked, pages) = walk(&app, &partner, &format!("{members_path}?size=1")).await;
    assert_eq!(walked.len(), 2);
    assert_eq!(pages.len(), 2);
    // A deleted user is no member while deleted.
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("/v1/customers/{c}/users/{admin2}"), None).await.0, 204);
    assert_eq!(walk(&app, &partner, &members_path).await.0, [admin_id.to_string()]);

    let refusals = [
        (Method::POST, helpdesk.clone(), Some(json!({"id": uuid::Uuid::new_v4()})), 404, 60002),
        (Method::POST, helpdesk.clone(), Some(json!({"displayName": "x"})), 400, 800002),
        (Method::POST, helpdesk.clone(), Some(json!({"id": admin2})), 404, 60002),
        (
            Method::GET,
            format!("/v1/customers/{c}/directoryroles/{}/usermembers", uuid::Uuid::new_v4()),
            None,
            404,
            1000,
        ),
        (Method::DELETE, format!("{helpdesk}/{admin_id}"), None, 404, 60002),
    ];
    for (method, uri, body, status, code) in refusals {
        let (s, b) = send(&app, &partner, method.clone(), &uri, body.as_ref()).await;
        assert_eq!((s, b["code"].as_i64().unwrap()), (status, code), "{method} {uri}: {b}");
    }
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("{helpdesk}/{u}"), None).await.0, 204);
    let (_, mine) =
        send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{u}/directoryroles"), None).await;
    assert_eq!(mine["totalCount"], 0);
    // Another partner sees nothing.
    let other = new_partner();
    for uri in [
        format!("/v1/customers/{c}/directoryroles"),
        members_path.clone(),
        format!("/v1/customers/{c}/users/{u}/directoryroles"),
    ] {
        let (s, b) = send(&app, &other, Method::GET, &uri, None).await;
        assert_eq!((s, b["code"].clone()), (404, json!(1000)), "{uri}");
    }
});

store_test!(licenses_are_assigned_from_the_customers_skus_and_counted, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let (status, set) = set_skus(&app, &partner, &c, json!([{"sku": "ENTERPRISEPACK", "activeUnits": 2}, {"sku": MINECRAFT, "activeUnits": 5}, {"sku": BUSINESS_BASIC, "activeUnits": 1, "warningUnits": 1}])).await;
    assert_eq!(status, 200, "{set}");
    assert_eq!(set["totalCount"], 3);
    let skus_path = format!("/v1/customers/{c}/subscribedskus");
    let (_, group1) = send(&app, &partner, Method::GET, &skus_path, None).await;
    let e3 = group1["items"].as_array().unwrap().iter().find(|s| s["productSku"]["id"] == E3).unwrap().clone();
    assert_eq!(group1["totalCount"], 2, "Group1 only by default");
    assert_eq!(
        (e3["activeUnits"].clone(), e3["availableUnits"].clone(), e3["consumedUnits"].clone()),
        (json!(2), json!(2), json!(0))
    );
    assert_eq!(e3["productSku"]["skuPartNumber"], "ENTERPRISEPACK");
    assert_eq!(e3["productSku"]["targetType"], "User");
    assert_eq!(e3["capabilityStatus"], "Enabled");
    let (_, both) =
        send(&app, &partner, Method::GET, &format!("{skus_path}?licenseGroupIds=Group1&licenseGroupIds=Group2"), None)
            .await;
    assert_eq!(both["totalCount"], 3);

    let nowhere = user(&app, &partner, &c, &format!("nowhere@{domain}"), None).await;
    let u = user(&app, &partner, &c, &format!("licensed@{domain}"), Some("GB")).await;
    let updates = |u: &str| format!("/v1/customers/{c}/users/{u}/licenseupdates");
    let (status, err) =
        send(&app, &partner, Method::POST, &updates(&nowhere), Some(&json!({"licensesToAssign": [{"skuId": E3}]})))
            .await;
    assert_eq!((status, err["code"].clone()), (400, json!(800002)), "no usage location");
    let (status, answer) = send(
        &app,
        &partner,
        Method::POST,
        &updates(&u),
        Some(&json!({"LicensesToAssign": [{"SkuId": E3, "ExcludedPlans": [TEAMS_PLAN]}], "LicenseWarnings": null})),
    )
    .await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(
        answer,
        json!({"licensesToAssign": [{"skuId": E3, "excludedPlans": [TEAMS_PLAN]}], "licenseWarnings": [], "attributes": {"objectType": "LicenseUpdate"}})
    );
    let (_, licenses) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{u}/licenses"), None).await;
    assert_eq!(licenses["totalCount"], 1);
    let plans = licenses["items"][0]["servicePlans"].as_array().unwrap();
    assert!(plans.iter().any(|p| p["id"] == TEAMS_PLAN && p["capabilityStatus"] == "Disabled"));
    assert!(plans.iter().filter(|p| p["id"] != TEAMS_PLAN).all(|p| p["capabilityStatus"] == "Assigned"));
    assert!(licenses["items"][0]["productSku"].get("targetType").is_none());
    let consumed = |body: &Value, sku: &str| {
        body["items"].as_array().unwrap().iter().find(|s| s["productSku"]["id"] == sku).unwrap()["consumedUnits"]
            .clone()
    };
    assert_eq!(consumed(&send(&app, &partner, Method::GET, &skus_path, None).await.1, E3), 1);

    let refusals = [
        (json!({"licensesToAssign": [{"skuId": "18181a46-0d4e-45cd-891e-60aabd171b4e"}]}), 800002, "unsubscribed SKU"),
        (json!({"licensesToAssign": [{"skuId": E3, "excludedPlans": [uuid::Uuid::new_v4()]}]}), 800002, "unknown plan"),
        (json!({"licensesToAssign": [{"skuId": E3}, {"skuId": MINECRAFT}]}), 800002, "two license groups"),
        (json!({"licensesToRemove": [BUSINESS_BASIC]}), 800002, "not assigned"),
        (json!({}), 800002, "nothing named"),
        (json!({"licensesToAssign": [{"skuId": E3}], "licensesToRemove": [E3]}), 800002, "both lists"),
    ];
    for (body, code, why) in refusals {
        let (s, b) = send(&app, &partner, Method::POST, &updates(&u), Some(&body)).await;
        assert_eq!((s, b["code"].as_i64().unwrap()), (400, code), "{why}: {b}");
    }
    // Business Basic has 1 active + 1 warning unit: two users get one, the third is refused.
    let second = user(&app, &partner, &c, &format!("second@{domain}"), Some("US")).await;
    let third = user(&app, &partner, &c, &format!("third@{domain}"), Some("US")).await;
    for who in [&u, &second] {
        assert_eq!(
            send(
                &app,
                &partner,
                Method::POST,
                &updates(who),
                Some(&json!({"licensesToAssign": [{"skuId": BUSINESS_BASIC}]}))
            )
            .await
            .0,
            201
        );
    }
    let (s, out) = send(
        &app,
        &partner,
        Method::POST,
        &updates(&third),
        Some(&json!({"licensesToAssign": [{"skuId": BUSINESS_BASIC}]})),
    )
    .await;
    assert_eq!((s, out["code"].clone()), (400, json!(60012)), "{out}");
    assert_eq!(out["data"][0], format!("LicenseQuotaExceededException : Subscription with Account {c} and SKU {BUSINESS_BASIC} does not have any available licenses left."));
    // Deleting a user frees its licenses; removing one frees it too.
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("/v1/customers/{c}/users/{second}"), None).await.0, 204);
    assert_eq!(
        send(
            &app,
            &partner,
            Method::POST,
            &updates(&third),
            Some(&json!({"licensesToAssign": [{"skuId": BUSINESS_BASIC}]}))
        )
        .await
        .0,
        201
    );
    let (s, removed) = send(&app, &partner, Method::POST, &updates(&u), Some(&json!({"licensesToRemove": [E3]}))).await;
    assert_eq!(s, 201);
    assert_eq!(removed["licensesToRemove"], json!([E3]));
    let skus = send(&app, &partner, Method::GET, &skus_path, None).await.1;
    assert_eq!((consumed(&skus, E3), consumed(&skus, BUSINESS_BASIC)), (json!(0), json!(2)));
    // Dropping a SKU from the customer drops its licenses.
    assert_eq!(set_skus(&app, &partner, &c, json!([{"sku": "ENTERPRISEPACK", "activeUnits": 2}])).await.0, 200);
    let (_, left) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{third}/licenses"), None).await;
    assert_eq!(left["totalCount"], 0);
    // Refusals of the control plane, and tenancy.
    assert_eq!(set_skus(&app, &partner, &c, json!([{"sku": "NOT_A_SKU", "activeUnits": 1}])).await.0, 400);
    assert_eq!(set_skus(&app, &partner, &c, json!([{"sku": "SPB", "activeUnits": -1}])).await.0, 400);
    let other = new_partner();
    assert_eq!(set_skus(&app, &other, &c, json!([])).await.0, 404);
    for (method, uri) in [
        (Method::GET, skus_path.clone()),
        (Method::POST, updates(&u)),
        (Method::GET, format!("/v1/customers/{c}/users/{u}/licenses")),
    ] {
        let (s, b) = send(&app, &other, method, &uri, Some(&json!({"licensesToAssign": [{"skuId": E3}]}))).await;
        assert_eq!((s, b["code"].clone()), (404, json!(1000)), "{uri}");
    }
});

store_test!(two_hundred_concurrent_assignments_against_ten_units_give_ten, |db| {
    let app = Arc::new(TestApp::start(&db).await);
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    assert_eq!(set_skus(&app, &partner, &c, json!([{"sku": "SPB", "activeUnits": 10}])).await.0, 200);
    let mut users = Vec::new();
    for i in 0..200 {
        users.push(user(&app, &partner, &c, &format!("u{i}@{domain}"), Some("US")).await);
    }
    let sku = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
    let tasks: Vec<_> = users
        .into_iter()
        .map(|u| {
            let (app, partner, c) = (app.clone(), partner.clone(), c.clone());
            tokio::spawn(async move {
                let body = json!({"licensesToAssign": [{"skuId": sku}]});
                send(&app, &partner, Method::POST, &format!("/v1/customers/{c}/users/{u}/licenseupdates"), Some(&body))
                    .await
            })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        let (status, body) = t.await.unwrap();
        outcomes.push((status, body["code"].as_i64()));
    }
    assert_eq!(outcomes.iter().filter(|(s, _)| *s == 201).count(), 10, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == (400, Some(60012))).count(), 190, "{outcomes:?}");
    let (_, skus) = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/subscribedskus"), None).await;
    assert_eq!(
        (skus["items"][0]["consumedUnits"].clone(), skus["items"][0]["availableUnits"].clone()),
        (json!(10), json!(0))
    );
});
