//! The partner's own account state (its indirect resellers and GCC validation codes) travels
//! with snapshots, goes with a reset and comes from the seed, on both stores; a customer's
//! `GET /v1/customers/{id}/validations` names the code its GCC qualification used.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const RESELLERS: &str = "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf";
const CODES: &str = "/v1/customers/all/validations";

async fn control(app: &TestApp, method: Method, path: &str, body: Option<String>) -> (u16, String) {
    let mut req = app.http.request(method, app.url(path));
    if let Some(body) = body {
        req = req.header("Content-Type", "application/json").body(body);
    }
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// A partner with a reseller, a code and one customer that spent a use of it.
async fn partner_with_state(app: &TestApp) -> (PartnerId, String) {
    let partner = new_partner();
    let reseller = json!({"id": uuid::Uuid::new_v4().to_string(), "name": "Tailspin Resellers", "location": "US"});
    let code = json!({"validationId": "GCC-1", "organizationName": "Contoso Gov", "maxCreates": 3});
    for (path, body) in [("resellers", reseller), ("validationcodes", code)] {
        let (status, text) =
            control(app, Method::POST, &format!("/_partnerd/partners/{partner}/{path}"), Some(body.to_string())).await;
        assert_eq!(status, 201, "{text}");
    }
    let (status, customer) =
        app.call(&partner, Method::POST, "/v1/customers", Some(&create_body(&unique_domain()))).await;
    assert_eq!(status, 201, "{customer}");
    let id = customer["id"].as_str().unwrap().to_string();
    let gcc = json!({"qualification": "GovernmentCommunityCloud", "validationCode": "GCC-1"});
    let (status, added) =
        app.call(&partner, Method::POST, &format!("/v1/customers/{id}/qualifications"), Some(&gcc)).await;
    assert_eq!(status, 201, "{added}");
    assert!(added.get("validationId").is_none(), "the used code is kept, not answered: {added}");
    (partner, id)
}

store_test!(a_customers_validations_name_the_code_its_qualification_used, |db| {
    let app = TestApp::start(&db).await;
    let (partner, id) = partner_with_state(&app).await;
    let (status, validations) = app.call(&partner, Method::GET, &format!("/v1/customers/{id}/validations"), None).await;
    assert_eq!(status, 200, "{validations}");
    let (_, codes) = app.call(&partner, Method::GET, CODES, None).await;
    assert_eq!(
        validations,
        json!([{"partnerId": partner.as_str(), "customerId": id, "validationId": "GCC-1",
                "organizationName": "Contoso Gov", "eTag": codes[0]["eTag"]}])
    );
    let (_, other) = app.call(&partner, Method::POST, "/v1/customers", Some(&create_body(&unique_domain()))).await;
    let other_path = format!("/v1/customers/{}/validations", other["id"].as_str().unwrap());
    assert_eq!(app.call(&partner, Method::GET, &other_path, None).await, (200, json!([])));
    let (status, foreign) =
        app.call(&new_partner(), Method::GET, &format!("/v1/customers/{id}/validations"), None).await;
    assert_eq!((status, foreign["code"].clone()), (404, json!(1000)));
    let (status, bad) = app.call(&partner, Method::GET, "/v1/customers/not-a-guid/validations", None).await;
    assert_eq!((status, bad["code"].clone()), (400, json!(900118)));
});

store_test!(snapshots_carry_the_partners_resellers_and_codes, |db| {
    let app = TestApp::start(&db).await;
    let (partner, id) = partner_with_state(&app).await;
    let read = || async {
        (
            app.call(&partner, Method::GET, RESELLERS, None).await,
            app.call(&partner, Method::GET, CODES, None).await,
            app.call(&partner, Method::GET, &format!("/v1/customers/{id}/validations"), None).await,
        )
    };
    let before = read().await;
    assert_eq!(before.0 .1["totalCount"], 1);
    assert_eq!(before.1 .1[0]["remainingCreates"], 2);
    let scoped = format!("/_partnerd/snapshot?partner={partner}");
    let (status, snapshot) = control(&app, Method::GET, &scoped, None).await;
    assert_eq!(status, 200);
    let first: Value = serde_json::from_str(snapshot.lines().next().unwrap()).unwrap();
    assert_eq!(first["partner"], partner.as_str(), "the partner's line comes first: {snapshot}");
    let kinds: Vec<_> = first["partnerItems"].as_array().unwrap().iter().map(|i| i["kind"].clone()).collect();
    assert_eq!(kinds, [json!("reseller"), json!("validation_code")]);
    // A reset forgets the partner's own state too; the snapshot brings it all back.
    let (status, _) = control(&app, Method::POST, &format!("/_partnerd/reset?partner={partner}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(app.call(&partner, Method::GET, RESELLERS, None).await.1["totalCount"], 0);
    assert_eq!(app.call(&partner, Method::GET, CODES, None).await.1, json!([]));
    let (status, text) = control(&app, Method::PUT, &scoped, Some(snapshot.clone())).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(read().await, before);
    // A restore replaces the partner's own state: a reseller added since is gone again.
    let extra = json!({"id": uuid::Uuid::new_v4().to_string(), "name": "Wingtip"}).to_string();
    control(&app, Method::POST, &format!("/_partnerd/partners/{partner}/resellers"), Some(extra)).await;
    assert_eq!(control(&app, Method::PUT, &scoped, Some(snapshot.clone())).await.0, 200);
    assert_eq!(read().await, before);
    // The whole-store snapshot carries it as well.
    let (_, everything) = control(&app, Method::GET, "/_partnerd/snapshot", None).await;
    assert!(everything.contains(&format!("{{\"partner\":\"{partner}\",\"partnerItems\":")), "{everything}");
});

store_test!(a_bad_partner_line_is_refused_whole_and_changes_nothing, |db| {
    let app = TestApp::start(&db).await;
    let (partner, _) = partner_with_state(&app).await;
    let scoped = format!("/_partnerd/snapshot?partner={partner}");
    let (_, snapshot) = control(&app, Method::GET, &scoped, None).await;
    let before =
        (app.call(&partner, Method::GET, RESELLERS, None).await, app.call(&partner, Method::GET, CODES, None).await);
    let other = new_partner();
    let cases = [
        (snapshot.replacen("\"kind\":\"reseller\"", "\"kind\":\"agreement\"", 1), "item kind 'agreement'"),
        (
            snapshot.replacen("\"organizationName\":\"Contoso Gov\"", "\"organizationName\":7", 1),
            "validation_code GCC-1",
        ),
        (snapshot.replacen("\"key\":\"GCC-1\"", "\"key\":\"GCC-2\"", 1), "does not match its key"),
        (
            snapshot.replacen(&format!("\"partnerId\":\"{partner}\""), &format!("\"partnerId\":\"{other}\""), 1),
            "does not match",
        ),
        (format!("{{\"partner\":null,\"partnerItems\":[]}}\n{snapshot}"), "belongs to no partner"),
    ];
    for (body, why) in cases {
        let (status, text) = control(&app, Method::PUT, &scoped, Some(body)).await;
        assert_eq!(status, 400, "{why}: {text}");
        let error: Value = serde_json::from_str(&text).unwrap();
        assert_eq!((error["code"].clone(), error["data"].clone()), (json!(800002), json!(["line 1"])), "{text}");
        assert!(text.contains(why), "{why}: {text}");
        let after = (
            app.call(&partner, Method::GET, RESELLERS, None).await,
            app.call(&partner, Method::GET, CODES, None).await,
        );
        assert_eq!(after, before, "{why}: nothing changed");
    }
});

store_test!(the_seed_sets_the_partners_validation_codes, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let seed = |body: Value| {
        let app = &app;
        let path = format!("/_partnerd/partners/{partner}/seed");
        async move { control(app, Method::POST, &path, Some(body.to_string())).await }
    };
    let bad = json!({"count": 1, "seed": 3, "validationCodes": [{"validationId": "", "organizationName": "X", "maxCreates": 1}]});
    let (status, text) = seed(bad).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("validationId"), "{text}");
    assert_eq!(app.call(&partner, Method::GET, CODES, None).await.1, json!([]), "a refused seed adds nothing");
    let good = json!({"count": 1, "seed": 3, "validationCodes": [{"validationId": "77", "organizationName": "Fabrikam Gov", "maxCreates": 5}]});
    let (status, text) = seed(good).await;
    assert_eq!(status, 201, "{text}");
    let (_, codes) = app.call(&partner, Method::GET, CODES, None).await;
    assert_eq!((codes[0]["validationId"].clone(), codes[0]["remainingCreates"].clone()), (json!("77"), json!(5)));
    assert_eq!(codes[0]["partnerId"], partner.as_str());
});
