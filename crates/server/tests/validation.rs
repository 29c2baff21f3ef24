//! Create validation over HTTP (spec §9, §10), on both stores: a body with several refused
//! members is answered once, naming every one of them, and creates nothing; a taken domain is
//! the contract's conflict whichever store noticed it.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// POSTs `body` (JSON, or a form when given as text) with a request id; status and body.
async fn post(app: &TestApp, partner: &PartnerId, body: &Value, request_id: &str, accept: &str) -> (u16, String) {
    let req =
        app.request(Method::POST, partner, "/v1/customers").header("MS-RequestId", request_id).header("Accept", accept);
    let req = match body {
        Value::String(form) => req.header("Content-Type", "application/x-www-form-urlencoded").body(form.clone()),
        json => req.json(json),
    };
    let res = req.send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

async fn count(app: &TestApp, partner: &PartnerId) -> usize {
    walk(app, partner, "/v1/customers?size=500").await.0.len()
}

const REFUSED: [&str; 3] =
    ["billingProfile.email", "billingProfile.defaultAddress.country", "billingProfile.defaultAddress.city"];

store_test!(three_problems_are_answered_at_once_and_create_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let domain = unique_domain();
    let mut body = create_body(&domain);
    body["billingProfile"]["defaultAddress"]["city"] = Value::Null;
    body["billingProfile"]["defaultAddress"]["country"] = json!("Germany");
    body["billingProfile"]["email"] = json!("ada-at-example.com");
    let request_id = uuid::Uuid::new_v4().to_string();
    let (status, text) = post(&app, &partner, &body, &request_id, "application/json").await;
    assert_eq!(status, 400, "{text}");
    let err: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(err["code"], 800002, "{err}");
    assert_eq!(err["source"], "partnerd");
    assert_eq!(err["data"], json!(REFUSED), "every refused member, in member order");
    let description = err["description"].as_str().unwrap();
    for member in REFUSED {
        assert!(description.contains(member), "{description}");
    }
    // The same body as a form, answered in XML: the same members.
    let form = format!(
        "companyProfile.domain={domain}&billingProfile.email=ada-at-example.com&billingProfile.culture=en-US\
         &billingProfile.language=en&billingProfile.companyName=Form+Co&billingProfile.defaultAddress.country=Germany\
         &billingProfile.defaultAddress.addressLine1=1+Way&billingProfile.defaultAddress.postalCode=98052"
    );
    let (status, xml) = post(&app, &partner, &Value::String(form), &request_id, "application/xml").await;
    assert_eq!(status, 400, "{xml}");
    let listed: Vec<&str> = xml.split("<string>").skip(1).map(|s| s.split('<').next().unwrap()).collect();
    assert_eq!(listed, REFUSED, "{xml}");
    // Nothing was created, the domain is still free, and nothing was kept for the request id:
    // the corrected body with the same id runs.
    assert_eq!(count(&app, &partner).await, 0);
    let head = app.request(Method::HEAD, &partner, &format!("/v1/domains/{domain}")).send().await.unwrap();
    assert_eq!(head.status(), 404);
    let (status, text) = post(&app, &partner, &create_body(&domain), &request_id, "application/json").await;
    assert_eq!(status, 201, "{text}");
    assert_eq!(count(&app, &partner).await, 1);
});

store_test!(members_of_the_wrong_type_are_named_with_the_refused_ones, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let mut body = create_body(&unique_domain());
    body["billingProfile"]["defaultAddress"]["postalCode"] = json!(98052);
    body["relationshipToPartner"] = json!("friend");
    body["billingProfile"]["email"] = Value::Null;
    body["billingProfile"]["defaultAddress"]["country"] = json!("Germany");
    let (status, text) = post(&app, &partner, &body, &uuid::Uuid::new_v4().to_string(), "application/json").await;
    assert_eq!(status, 400, "{text}");
    let err: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(err["code"], 800002, "an enum value is not the only problem: {err}");
    let unreadable_then_refused = json!([
        "billingProfile.defaultAddress.postalCode",
        "relationshipToPartner",
        "billingProfile.email",
        "billingProfile.defaultAddress.country"
    ]);
    assert_eq!(err["data"], unreadable_then_refused, "{err}");
    let description = err["description"].as_str().unwrap();
    assert!(description.starts_with("billingProfile.defaultAddress.postalCode is not valid: invalid type"), "{err}");
    assert!(!description.contains("postalCode is required"), "a member left out is not also missing: {err}");
    assert_eq!(count(&app, &partner).await, 0);
});

store_test!(a_taken_domain_is_the_contracts_conflict_on_either_store, |db| {
    let app = TestApp::start(&db).await;
    let (first, second) = (new_partner(), new_partner());
    let domain = unique_domain();
    let (status, text) = post(&app, &first, &create_body(&domain), &uuid::Uuid::new_v4().to_string(), "*/*").await;
    assert_eq!(status, 201, "{text}");
    let conflict = json!({
        "code": 600006,
        "description": "A customer with this domain already exists.",
        "data": [],
        "source": "partnerd"
    });
    // By the same partner and by another, in any case: the database's unique index decides.
    let request_id = uuid::Uuid::new_v4().to_string();
    for (partner, taken) in [(&first, domain.clone()), (&second, domain.to_uppercase())] {
        let (status, text) = post(&app, partner, &create_body(&taken), &request_id, "application/json").await;
        assert_eq!(status, 409, "{text}");
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), conflict);
    }
    // A conflict keeps nothing: the same request id with a free domain creates.
    let (status, text) = post(&app, &second, &create_body(&unique_domain()), &request_id, "application/json").await;
    assert_eq!(status, 201, "{text}");
    assert_eq!((count(&app, &first).await, count(&app, &second).await), (1, 1));
});
