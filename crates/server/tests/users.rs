//! A customer's users (users-api U1–U6) over HTTP, on SQLite and PostgreSQL: the onboarding
//! walk, every refusal with its status and code (and nothing changed), tenancy, idempotency,
//! the 30-day retention on the server clock, paging, and creates racing for one UPN.

use std::time::Duration;

use partnerd_model::PartnerId;
use partnerd_server::mint_dev_token_at;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

struct Answer {
    status: u16,
    body: Value,
    headers: reqwest::header::HeaderMap,
}

async fn send(app: &TestApp, partner: &PartnerId, method: Method, path: &str, body: Option<&Value>) -> Answer {
    send_with(app, partner, method, path, body, None).await
}

async fn send_with(
    app: &TestApp,
    partner: &PartnerId,
    method: Method,
    path: &str,
    body: Option<&Value>,
    request_id: Option<&str>,
) -> Answer {
    let mut req = app.request(method, partner, path);
    if let Some(b) = body {
        req = req.json(b);
    }
    if let Some(id) = request_id {
        req = req.header("MS-RequestId", id);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    let text = res.text().await.unwrap();
    Answer { status, body: serde_json::from_str(&text).unwrap_or(Value::Null), headers }
}

/// A new customer of `partner`: its id and domain.
async fn customer(app: &TestApp, partner: &PartnerId) -> (String, String) {
    let domain = unique_domain();
    let a = send(app, partner, Method::POST, "/v1/customers", Some(&create_body(&domain))).await;
    assert_eq!(a.status, 201, "{}", a.body);
    (a.body["id"].as_str().unwrap().to_string(), domain)
}

fn user_body(upn: &str, display: &str) -> Value {
    json!({
        "usageLocation": "us", "userPrincipalName": upn, "firstName": "Grace", "lastName": "Hopper",
        "displayName": display, "passwordProfile": {"password": "Compile-r1952", "forceChangePassword": true}
    })
}

async fn users(app: &TestApp, partner: &PartnerId, customer: &str, query: &str) -> Vec<Value> {
    let (_, pages) = walk(app, partner, &format!("/v1/customers/{customer}/users{query}")).await;
    pages.iter().flat_map(|p| p.body["items"].as_array().unwrap().clone()).collect()
}

fn upns(items: &[Value]) -> Vec<String> {
    items.iter().map(|u| u["userPrincipalName"].as_str().unwrap().to_string()).collect()
}

const INACTIVE: &str =
    "?filter=%7B%22Field%22%3A%22UserState%22%2C%22Value%22%3A%22Inactive%22%2C%22Operator%22%3A%22equals%22%7D";

store_test!(onboarding_create_list_update_delete_find_deleted_restore, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    // The admin user the create made: Partner Center's admin entry of the list.
    let listed = users(&app, &partner, &c, "").await;
    assert_eq!(upns(&listed), [format!("admin@{domain}")]);
    assert_eq!(listed[0]["displayName"], "Lovelace Analytical");
    assert_eq!(listed[0]["firstName"], "Ada");
    assert_eq!(listed[0]["state"], "active");
    assert_eq!(listed[0]["userDomainType"], "none");
    assert!(listed[0].get("usageLocation").is_none() && listed[0].get("passwordProfile").is_none());

    let created = send(
        &app,
        &partner,
        Method::POST,
        &format!("/v1/customers/{c}/users"),
        Some(&user_body(&format!("grace@{}", domain.to_uppercase()), "Grace Hopper")),
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let u = created.body["id"].as_str().unwrap().to_string();
    assert_eq!(created.headers["location"], format!("/customers/{c}/users/{u}").as_str());
    assert_eq!(created.body["userPrincipalName"], format!("grace@{domain}"), "the domain as the customer spells it");
    assert_eq!(created.body["usageLocation"], "US");
    assert_eq!(created.body["passwordProfile"], json!({"password": "Compile-r1952", "forceChangePassword": true}));
    assert_eq!(created.body["state"], "active");
    assert_eq!(created.body["links"]["self"]["uri"], format!("/customers/{c}/users/{u}"));
    assert_eq!(created.body["attributes"]["objectType"], "CustomerUser");
    let keys: Vec<&str> = created.body.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "usageLocation",
            "id",
            "userPrincipalName",
            "firstName",
            "lastName",
            "displayName",
            "passwordProfile",
            "userDomainType",
            "state",
            "links",
            "attributes"
        ]
    );

    let got = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{}", u.to_uppercase()), None).await;
    assert_eq!(got.status, 200);
    let mut expected = created.body.clone();
    expected.as_object_mut().unwrap().remove("passwordProfile");
    assert_eq!(got.body, expected, "GET is the create answer without the password");
    let xml = app
        .get(&partner, &format!("/v1/customers/{c}/users/{u}"))
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap();
    let xml = xml.text().await.unwrap();
    assert!(xml.contains("<CustomerUser><usageLocation>US</usageLocation>"), "{xml}");
    let page =
        app.get(&partner, &format!("/v1/customers/{c}/users")).header("Accept", "text/xml").send().await.unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("<items><CustomerUser>") && !page.contains("<Customer>"), "{page}");

    let patched = send(
        &app,
        &partner,
        Method::PATCH,
        &format!("/v1/customers/{c}/users/{u}"),
        Some(&json!({"LastName": "Hopper-Murray", "State": "active", "UserDomainType": "none"})),
    )
    .await;
    assert_eq!(patched.status, 200, "{}", patched.body);
    assert_eq!(patched.body["lastName"], "Hopper-Murray");
    assert_eq!(patched.body["firstName"], "Grace", "members not sent are kept");
    assert!(patched.body.get("passwordProfile").is_none());
    let reset = send(
        &app,
        &partner,
        Method::PATCH,
        &format!("/v1/customers/{c}/users/{u}/resetpassword"),
        Some(&json!({"passwordProfile": {"password": "Another-pa55", "forceChangePassword": false}})),
    )
    .await;
    assert_eq!(reset.status, 200, "{}", reset.body);
    assert_eq!(reset.body["passwordProfile"], json!({"password": "Another-pa55", "forceChangePassword": false}));
    assert_eq!(users(&app, &partner, &c, "?size=1").await.len(), 2);

    let deleted = app.request(Method::DELETE, &partner, &format!("/v1/customers/{c}/users/{u}")).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    assert_eq!(deleted.text().await.unwrap(), "");
    let gone = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users/{u}"), None).await;
    assert_eq!((gone.status, gone.body["code"].clone()), (404, json!(60002)));
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("/v1/customers/{c}/users/{u}"), None).await.status, 404);
    assert_eq!(upns(&users(&app, &partner, &c, "").await), [format!("admin@{domain}")]);
    let inactive = users(&app, &partner, &c, INACTIVE).await;
    assert_eq!(upns(&inactive), [format!("grace@{domain}")]);
    assert_eq!(inactive[0]["state"], "inactive");
    assert!(humantime::parse_rfc3339(inactive[0]["softDeletionTime"].as_str().unwrap()).is_ok());
    // A deleted user is patched only to restore it.
    let not_restore =
        send(&app, &partner, Method::PATCH, &format!("/v1/customers/{c}/users/{u}"), Some(&json!({"lastName": "X"})))
            .await;
    assert_eq!(not_restore.status, 404);
    let restored = send(
        &app,
        &partner,
        Method::PATCH,
        &format!("/v1/customers/{c}/users/{u}"),
        Some(&json!({"state": "active", "displayName": "Amazing Grace"})),
    )
    .await;
    assert_eq!(restored.status, 200, "{}", restored.body);
    assert_eq!(restored.body["state"], "active");
    assert!(restored.body.get("softDeletionTime").is_none());
    assert!(users(&app, &partner, &c, INACTIVE).await.is_empty());
    // "Amazing Grace" now sorts before the admin ("Lovelace Analytical").
    assert_eq!(upns(&users(&app, &partner, &c, "").await), [format!("grace@{domain}"), format!("admin@{domain}")]);

    // The users go with their customer.
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("/v1/customers/{c}"), None).await.status, 204);
    let after = send(&app, &partner, Method::GET, &format!("/v1/customers/{c}/users"), None).await;
    assert_eq!((after.status, after.body["code"].clone()), (404, json!(1000)));
});

store_test!(refusals_have_their_status_and_code_and_change_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let path = format!("/v1/customers/{c}/users");
    let ok = send(&app, &partner, Method::POST, &path, Some(&user_body(&format!("ada@{domain}"), "Ada"))).await;
    assert_eq!(ok.status, 201);
    let u = ok.body["id"].as_str().unwrap().to_string();
    let cases: Vec<(Value, u16, i64, Vec<&str>)> = vec![
        (user_body("ada@fabrikam.com", "A"), 400, 800002, vec!["userPrincipalName"]),
        (user_body(&format!(".ada@{domain}"), "A"), 400, 800002, vec!["userPrincipalName"]),
        (user_body(&format!("ADA@{domain}"), "A"), 409, 800002, vec![]),
        (user_body(&format!("admin@{domain}"), "A"), 409, 800002, vec![]),
        (json!({"userPrincipalName": format!("b@{domain}"), "displayName": "B"}), 400, 800002, vec!["passwordProfile"]),
        (
            json!({"userPrincipalName": format!("b@{domain}"), "displayName": "B", "passwordProfile": {"password": "short"}}),
            400,
            800002,
            vec!["passwordProfile.password"],
        ),
        (
            json!({"userPrincipalName": format!("b@{domain}"), "passwordProfile": {"password": "long-enough"}, "usageLocation": "USA"}),
            400,
            800002,
            vec!["displayName", "usageLocation"],
        ),
    ];
    for (body, status, code, data) in cases {
        let a = send(&app, &partner, Method::POST, &path, Some(&body)).await;
        assert_eq!((a.status, a.body["code"].as_i64().unwrap()), (status, code), "{body}: {}", a.body);
        assert_eq!(a.body["data"], json!(data), "{body}");
    }
    let bad = [
        (Method::GET, format!("/v1/customers/{c}/users/not-a-guid"), 400, 800002),
        (Method::GET, format!("/v1/customers/{c}/users/{}", uuid::Uuid::new_v4()), 404, 60002),
        (Method::DELETE, format!("/v1/customers/{c}/users/{}", uuid::Uuid::new_v4()), 404, 60002),
        (Method::GET, format!("/v1/customers/{}/users", uuid::Uuid::new_v4()), 404, 1000),
        (Method::GET, "/v1/customers/nope/users".to_string(), 400, 900118),
        (Method::GET, format!("{path}?filter=%7B%22Field%22%3A%22Email%22%2C%22Value%22%3A%22x%22%7D"), 400, 2000),
        (Method::GET, format!("{path}?sortDirection=Descending"), 400, 900126),
        (Method::GET, format!("{path}?seekOperation=Next"), 400, 800002),
    ];
    for (method, uri, status, code) in bad {
        let a = send(&app, &partner, method.clone(), &uri, None).await;
        assert_eq!((a.status, a.body["code"].as_i64().unwrap()), (status, code), "{method} {uri}: {}", a.body);
    }
    let inactive =
        send(&app, &partner, Method::PATCH, &format!("{path}/{u}"), Some(&json!({"state": "inactive"}))).await;
    assert_eq!(inactive.status, 400);
    let taken = send(
        &app,
        &partner,
        Method::PATCH,
        &format!("{path}/{u}"),
        Some(&json!({"userPrincipalName": format!("admin@{domain}")})),
    )
    .await;
    assert_eq!(taken.status, 409);
    // Nothing changed.
    assert_eq!(upns(&users(&app, &partner, &c, "").await), [format!("ada@{domain}"), format!("admin@{domain}")]);
    let user = send(&app, &partner, Method::GET, &format!("{path}/{u}"), None).await;
    assert_eq!(user.body["state"], "active");
});

store_test!(another_partners_customer_users_are_404_never_data, |db| {
    let app = TestApp::start(&db).await;
    let (mine, other) = (new_partner(), new_partner());
    let (c, domain) = customer(&app, &mine).await;
    let created = send(
        &app,
        &mine,
        Method::POST,
        &format!("/v1/customers/{c}/users"),
        Some(&user_body(&format!("x@{domain}"), "X")),
    )
    .await;
    let u = created.body["id"].as_str().unwrap();
    let attempts = [
        (Method::GET, format!("/v1/customers/{c}/users"), None),
        (Method::GET, format!("/v1/customers/{c}/users/{u}"), None),
        (Method::POST, format!("/v1/customers/{c}/users"), Some(user_body(&format!("y@{domain}"), "Y"))),
        (Method::PATCH, format!("/v1/customers/{c}/users/{u}"), Some(json!({"displayName": "Stolen"}))),
        (Method::DELETE, format!("/v1/customers/{c}/users/{u}"), None),
    ];
    for (method, uri, body) in attempts {
        let a = send(&app, &other, method.clone(), &uri, body.as_ref()).await;
        assert_eq!((a.status, a.body["code"].clone()), (404, json!(1000)), "{method} {uri}");
    }
    let mine_now = users(&app, &mine, &c, "").await;
    assert_eq!(upns(&mine_now), [format!("admin@{domain}"), format!("x@{domain}")]);
    assert_eq!(mine_now[1]["displayName"], "X");
});

store_test!(a_create_with_one_request_id_makes_one_user, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let path = format!("/v1/customers/{c}/users");
    let body = user_body(&format!("once@{domain}"), "Once");
    let request_id = uuid::Uuid::new_v4().to_string();
    let first = send_with(&app, &partner, Method::POST, &path, Some(&body), Some(&request_id)).await;
    let again = send_with(&app, &partner, Method::POST, &path, Some(&body), Some(&request_id)).await;
    assert_eq!((first.status, again.status), (201, 201));
    assert_eq!(first.body, again.body, "the replay is the first answer");
    assert_eq!(again.headers["location"], first.headers["location"]);
    let other = send_with(
        &app,
        &partner,
        Method::POST,
        &path,
        Some(&user_body(&format!("twice@{domain}"), "T")),
        Some(&request_id),
    )
    .await;
    assert_eq!(other.status, 422);
    assert_eq!(users(&app, &partner, &c, "").await.len(), 2, "admin and one user");
});

store_test!(deleted_users_are_kept_thirty_days_on_the_server_clock, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let path = format!("/v1/customers/{c}/users");
    let u = send(&app, &partner, Method::POST, &path, Some(&user_body(&format!("gone@{domain}"), "Gone"))).await;
    let u = u.body["id"].as_str().unwrap().to_string();
    assert_eq!(send(&app, &partner, Method::DELETE, &format!("{path}/{u}"), None).await.status, 204);
    // The UPN stays taken while the user can be restored.
    let again = send(&app, &partner, Method::POST, &path, Some(&user_body(&format!("gone@{domain}"), "Gone"))).await;
    assert_eq!(again.status, 409);
    let moved =
        app.http.post(app.url("/_partnerd/clock")).json(&json!({"advanceSeconds": 29 * 86400})).send().await.unwrap();
    assert_eq!(moved.status(), 200);
    let offset = 29 * 86400;
    let token =
        |offset: i64| mint_dev_token_at(&partner, Duration::from_secs(3600), partnerd_store::now_secs() + offset);
    let listed = app.http.get(app.url(&format!("{path}{INACTIVE}"))).bearer_auth(token(offset)).send().await.unwrap();
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["totalCount"], 1, "still restorable on day 29");
    app.http.post(app.url("/_partnerd/clock")).json(&json!({"advanceSeconds": 2 * 86400})).send().await.unwrap();
    let offset = 31 * 86400;
    let listed = app.http.get(app.url(&format!("{path}{INACTIVE}"))).bearer_auth(token(offset)).send().await.unwrap();
    let listed: Value = listed.json().await.unwrap();
    assert_eq!(listed["totalCount"], 0, "gone after 30 days");
    let restore = app
        .http
        .patch(app.url(&format!("{path}/{u}")))
        .bearer_auth(token(offset))
        .json(&json!({"state": "active"}))
        .send()
        .await
        .unwrap();
    assert_eq!(restore.status(), 404);
    let reuse = app
        .http
        .post(app.url(&path))
        .bearer_auth(token(offset))
        .json(&user_body(&format!("gone@{domain}"), "Back"))
        .send()
        .await
        .unwrap();
    assert_eq!(reuse.status(), 201, "the UPN is free again");
});

store_test!(pages_follow_display_names_both_ways_and_tokens_bind_their_list, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let (c2, _) = customer(&app, &partner).await;
    let path = format!("/v1/customers/{c}/users");
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo", "foxtrot"] {
        let a = send(
            &app,
            &partner,
            Method::POST,
            &path,
            Some(&user_body(&format!("{}@{domain}", name.to_lowercase()), name)),
        )
        .await;
        assert_eq!(a.status, 201);
    }
    let (_, pages) = walk(&app, &partner, &format!("{path}?size=3")).await;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| {
            p.body["items"].as_array().unwrap().iter().map(|u| u["displayName"].as_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(names, ["Alpha", "Bravo", "charlie", "delta", "echo", "foxtrot", "Lovelace Analytical"]);
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].body["totalCount"], 3);
    let (uri, token) = pages[1].previous().unwrap();
    let back = app.get(&partner, &uri).header("MS-ContinuationToken", &token).send().await.unwrap();
    let back: Value = back.json().await.unwrap();
    assert_eq!(back["items"], pages[0].body["items"]);
    // A token is for its own customer's list.
    let (_, token) = pages[0].next().unwrap();
    let other = app
        .get(&partner, &format!("/v1/customers/{c2}/users?seekOperation=Next"))
        .header("MS-ContinuationToken", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 400);
    let customers = app
        .get(&partner, "/v1/customers?seekOperation=Next")
        .header("MS-ContinuationToken", &token)
        .send()
        .await
        .unwrap();
    assert_eq!(customers.status(), 400, "a users token is no customers token");
});

store_test!(concurrent_creates_of_one_upn_make_one_user, |db| {
    let app = std::sync::Arc::new(TestApp::start(&db).await);
    let partner = new_partner();
    let (c, domain) = customer(&app, &partner).await;
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (app, partner, c, domain) = (app.clone(), partner.clone(), c.clone(), domain.clone());
        tasks.push(tokio::spawn(async move {
            let body = user_body(&format!("race@{domain}"), &format!("Racer {i}"));
            send(&app, &partner, Method::POST, &format!("/v1/customers/{c}/users"), Some(&body)).await.status
        }));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 19, "{statuses:?}");
    assert_eq!(users(&app, &partner, &c, "").await.len(), 2);
});
