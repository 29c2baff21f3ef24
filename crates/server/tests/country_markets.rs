//! The country table covers every market Partner Center sells in, on both stores: the rules of
//! markets beyond the first few, customer create accepting or refusing by the market's postal
//! code rule (required where the post uses codes, not where it has none), address validation
//! following the same rule, and a code that is no market refused as the contract says.

use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// A create body with this billing address (no postal code when `postal` is `None`).
fn customer_in(country: &str, city: &str, postal: Option<&str>) -> Value {
    let mut body = create_body(&unique_domain());
    let address = &mut body["billingProfile"]["defaultAddress"];
    address["country"] = json!(country);
    address["city"] = json!(city);
    match postal {
        Some(p) => address["postalCode"] = json!(p),
        None => drop(address.as_object_mut().unwrap().remove("postalCode")),
    }
    body
}

store_test!(markets_beyond_the_first_few_have_their_rules, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let rules = |code: &'static str| {
        let (app, partner) = (&app, &partner);
        async move { app.call(partner, Method::GET, &format!("/v1/countryvalidationrules/{code}"), None).await }
    };
    let (status, sg) = rules("sg").await;
    assert_eq!(status, 200, "{sg}");
    assert_eq!(sg["iso2Code"], "SG");
    assert_eq!(sg["supportedCulturesList"], json!(["en-SG", "zh-SG", "en-US"]));
    assert_eq!(sg["supportedLanguagesList"], json!(["en", "zh"]));
    assert_eq!((sg["isPostalCodeRequired"].clone(), sg["postalCodeRegex"].clone()), (json!(true), json!(r"^\d{6}$")));
    assert_eq!(sg["countryCallingCodesList"], json!(["65"]));
    let (_, qa) = rules("QA").await;
    assert_eq!(qa["isPostalCodeRequired"], false, "Qatar's post uses no postal codes");
    assert!(qa.get("postalCodeRegex").is_none(), "{qa}");
    assert_eq!((qa["defaultCulture"].clone(), qa["countryCallingCodesList"].clone()), (json!("ar-QA"), json!(["974"])));
    let (_, ch) = rules("CH").await;
    assert_eq!(ch["supportedLanguagesList"], json!(["de", "fr", "it", "en"]));
    let (_, ke) = rules("KE").await;
    assert_eq!((ke["defaultCulture"].clone(), ke["isStateRequired"].clone()), (json!("sw-KE"), json!(false)));
    // Markets Partner Center does not sell in, and codes that are no country, have no rules.
    for code in ["KP", "UK", "ZZ"] {
        let (status, error) = rules(code).await;
        assert_eq!((status, error["code"].clone()), (404, json!(1000)), "{code}: {error}");
    }
});

store_test!(customer_create_follows_the_markets_postal_code_rule, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let create = |body: Value| {
        let (app, partner) = (&app, &partner);
        async move { app.call(partner, Method::POST, "/v1/customers", Some(&body)).await }
    };
    // Singapore and Ireland use postal codes: a customer without one is refused, naming it.
    for (country, city) in [("SG", "Singapore"), ("IE", "Dublin")] {
        let (status, error) = create(customer_in(country, city, None)).await;
        assert_eq!(status, 400, "{country}: {error}");
        assert_eq!(
            (error["code"].clone(), error["data"].clone()),
            (json!(800002), json!(["billingProfile.defaultAddress.postalCode"]))
        );
    }
    let (status, sg) = create(customer_in("SG", "Singapore", Some("018956"))).await;
    assert_eq!((status, sg["billingProfile"]["defaultAddress"]["country"].clone()), (201, json!("SG")), "{sg}");
    // Qatar, the Emirates and Hong Kong have none: no postal code is needed.
    for (country, city) in [("QA", "Doha"), ("AE", "Dubai"), ("HK", "Hong Kong")] {
        let (status, created) = create(customer_in(country, city, None)).await;
        assert_eq!(status, 201, "{country}: {created}");
        assert!(created["billingProfile"]["defaultAddress"].get("postalCode").is_none(), "{created}");
    }
    // A code that is no market gets the default rules (city and postal code required).
    let (status, error) = create(customer_in("ZZ", "Nowhere", None)).await;
    assert_eq!((status, error["data"].clone()), (400, json!(["billingProfile.defaultAddress.postalCode"])));
    let (_, page) = app.call(&partner, Method::GET, "/v1/customers", None).await;
    assert_eq!(page["totalCount"], 4, "only the accepted customers were stored: {page}");
});

store_test!(address_validation_follows_the_same_rules, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let validate = |body: Value| {
        let (app, partner) = (&app, &partner);
        async move { app.call(partner, Method::POST, "/v1/validations/address", Some(&body)).await }
    };
    let doha = json!({"addressLine1": "12 Corniche Street", "city": "Doha", "country": "QA"});
    let (status, verdict) = validate(doha.clone()).await;
    assert_eq!((status, verdict["status"].clone()), (200, json!("Verified")), "{verdict}");
    assert_eq!(verdict["suggestedAddresses"], json!([doha]));
    let (status, missing) =
        validate(json!({"addressLine1": "1 Raffles Place", "city": "Singapore", "country": "SG"})).await;
    assert_eq!((status, missing["data"].clone()), (400, json!(["postalCode"])));
    let (_, wrong) = validate(
        json!({"addressLine1": "1 Raffles Place", "city": "Singapore", "postalCode": "4890", "country": "SG"}),
    )
    .await;
    assert_eq!(wrong["status"], "None");
    assert!(wrong["validationMessage"].as_str().unwrap().contains("postalCode 4890"), "{wrong}");
    let (_, ok) =
        validate(json!({"addressLine1": "Bahnhofstrasse 1", "city": "Zürich", "postalCode": "8001", "country": "CH"}))
            .await;
    assert_eq!(ok["status"], "Verified", "{ok}");
});
