//! Control-plane address fixtures on both stores: an address set to any documented status is
//! answered so (sent untidied too), other addresses still get partnerd's own verdict, bad
//! fixtures are refused naming the member, another partner is not affected, and fixtures go
//! with a reset and come back with a snapshot.

use partnerd_model::PartnerId;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

async fn validate(app: &TestApp, partner: &PartnerId, address: &Value) -> Value {
    let res = app.request(Method::POST, partner, "/v1/validations/address").json(address).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

async fn fixture(app: &TestApp, partner: &PartnerId, body: Value) -> (u16, Value) {
    let url = app.url(&format!("/_partnerd/partners/{partner}/addressfixtures"));
    let res = app.http.post(url).json(&body).send().await.unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

fn redmond() -> Value {
    json!({"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"})
}

store_test!(a_fixture_answers_its_status_for_its_address, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let plus4 = json!({"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052-8300", "country": "US"});
    let (status, set) = fixture(
        &app,
        &partner,
        json!({"address": redmond(), "status": "verifiedshippable", "suggestedAddresses": [plus4]}),
    )
    .await;
    assert_eq!((status, set["status"].clone()), (201, json!("VerifiedShippable")), "{set}");
    let answer = validate(&app, &partner, &redmond()).await;
    assert_eq!(answer["status"], "VerifiedShippable");
    assert_eq!((answer["originalAddress"].clone(), answer["suggestedAddresses"].clone()), (redmond(), json!([plus4])));
    let untidy = json!({"addressLine1": "1  microsoft way", "city": "REDMOND", "state": "wa", "postalCode": "98052", "country": "us"});
    assert_eq!(validate(&app, &partner, &untidy).await["status"], "VerifiedShippable", "case and spacing ignored");
    // Another address still gets partnerd's own verdict, and another partner is not affected.
    let other = json!({"addressLine1": "2 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"});
    assert_eq!(validate(&app, &partner, &other).await["status"], "Verified");
    assert_eq!(validate(&app, &new_partner(), &redmond()).await["status"], "Verified");
    // The same address again replaces the fixture; NotValidated has no suggestions.
    let message = "The address could not be validated";
    let (status, _) =
        fixture(&app, &partner, json!({"address": redmond(), "status": "NotValidated", "validationMessage": message}))
            .await;
    assert_eq!(status, 201);
    let answer = validate(&app, &partner, &redmond()).await;
    assert_eq!((answer["status"].clone(), answer["suggestedAddresses"].clone()), (json!("NotValidated"), json!([])));
    assert_eq!(answer["validationMessage"], message);
    // The boolean answer of the Java SDK and PowerShell follows the fixture too.
    let res = app
        .request(Method::POST, &partner, "/v1/validations/address")
        .header("MS-PartnerCenter-Client", "Partner Center Java SDK")
        .json(&redmond())
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "false");
});

store_test!(bad_fixtures_are_refused_naming_the_member, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let cases = [
        (json!({"address": redmond(), "status": "Shippable"}), "status"),
        (json!({"address": redmond(), "status": "None", "suggestedAddresses": [redmond()]}), "suggestedAddresses"),
        (
            json!({"address": redmond(), "status": "Multiple", "suggestedAddresses": [redmond(), redmond(), redmond(), redmond()]}),
            "suggestedAddresses",
        ),
        (json!({"address": {"addressLine1": "1 Way"}, "status": "Verified"}), "address.country"),
    ];
    for (body, member) in cases {
        let (status, error) = fixture(&app, &partner, body).await;
        assert_eq!(
            (status, error["code"].clone(), error["data"].clone()),
            (400, json!(800002), json!([member])),
            "{error}"
        );
    }
    assert_eq!(validate(&app, &partner, &redmond()).await["status"], "Verified", "nothing was set");
});

store_test!(fixtures_go_with_a_reset_and_come_back_with_a_snapshot, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    assert_eq!(fixture(&app, &partner, json!({"address": redmond(), "status": "PremisesPartial"})).await.0, 201);
    let scoped = app.url(&format!("/_partnerd/snapshot?partner={partner}"));
    let snapshot = app.http.get(scoped.clone()).send().await.unwrap().text().await.unwrap();
    assert!(snapshot.contains("\"kind\":\"address_fixture\""), "{snapshot}");
    let reset = app.http.post(app.url(&format!("/_partnerd/reset?partner={partner}"))).send().await.unwrap();
    assert_eq!(reset.status().as_u16(), 200);
    assert_eq!(validate(&app, &partner, &redmond()).await["status"], "Verified");
    let res = app.http.put(scoped).body(snapshot).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    assert_eq!(validate(&app, &partner, &redmond()).await["status"], "PremisesPartial");
});
