//! `GET /v1/agreementtemplates/{templateId}/document` on both stores: the Microsoft Customer
//! Agreement's links for a country in one of its languages, the documented defaults, and the
//! refusals (another template, a country that is not a market's upper-case code).

use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::json;

const MCA: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
const MCLA: &str = "998b88de-aa99-4388-a42c-1b3517d49490";

store_test!(the_template_document_links_follow_country_and_language, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let path = format!("/v1/agreementtemplates/{MCA}/document");
    let (status, us) = app.call(&partner, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{us}");
    assert_eq!((us["country"].clone(), us["language"].clone()), (json!("US"), json!("en-US")));
    assert_eq!(us["attributes"]["objectType"], "AgreementDocument");
    assert_eq!(us["displayUri"], "https://aka.ms/customeragreement?country=US&language=en-US");
    let download = us["downloadUri"].as_str().unwrap();
    assert!(download.starts_with("https://aka.ms/customeragreement?country=US&language=en-US&format=pdf&expires="));
    let (_, again) = app.call(&partner, Method::GET, &path, None).await;
    assert_ne!(again["downloadUri"], us["downloadUri"], "a new download link each call");
    let (_, de) = app.call(&partner, Method::GET, &format!("{path}?country=DE&language=de-DE"), None).await;
    assert_eq!((de["country"].clone(), de["language"].clone()), (json!("DE"), json!("de-DE")));
    let (_, fallback) = app.call(&partner, Method::GET, &format!("{path}?country=DE&language=ja-JP"), None).await;
    assert_eq!(fallback["language"], "en-US", "a language the country's template is not in");
    let (_, be) = app.call(&partner, Method::GET, &format!("{path}?language=nl-BE&country=BE"), None).await;
    assert_eq!(be["language"], "nl-BE");
});

store_test!(other_templates_and_unknown_countries_are_refused, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    for template in [MCLA, "00000000-0000-0000-0000-000000000000", &MCA.to_uppercase()] {
        let (status, error) =
            app.call(&partner, Method::GET, &format!("/v1/agreementtemplates/{template}/document"), None).await;
        assert_eq!((status, error["code"].clone()), (404, json!(1000)), "{template}: {error}");
        assert!(error["description"].as_str().unwrap().contains("agreementType=MicrosoftCustomerAgreement"));
    }
    for country in ["us", "UK", "ZZ"] {
        let (status, error) = app
            .call(&partner, Method::GET, &format!("/v1/agreementtemplates/{MCA}/document?country={country}"), None)
            .await;
        assert_eq!((status, error["code"].clone(), error["data"].clone()), (400, json!(800002), json!(["country"])));
    }
    let res = app.http.get(app.url(&format!("/v1/agreementtemplates/{MCA}/document"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 401, "a token is required");
});

store_test!(path_segments_match_in_any_case, |db| {
    // The .NET SDK writes `agreementtemplates`, the REST reference `agreementTemplates`; both
    // reach the route, as do the other literal segments in any case, through every layer.
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (status, doc) =
        app.call(&partner, Method::GET, &format!("/v1/agreementTemplates/{MCA}/Document?country=DE"), None).await;
    assert_eq!((status, doc["country"].clone()), (200, json!("DE")), "{doc}");
    let (status, list) = app.call(&partner, Method::GET, "/V1/Customers?size=1", None).await;
    assert_eq!((status, list["attributes"]["objectType"].clone()), (200, json!("Collection")), "{list}");
    let (status, _) = app.call(&partner, Method::GET, "/v1/CUSTOMERS/not-a-guid", None).await;
    assert_eq!(status, 400, "the id is still read as sent");
    let unauthenticated = app.http.get(app.url("/v1/Customers")).send().await.unwrap();
    assert_eq!(unauthenticated.status(), 401, "authentication applies to the respelled path");
});
