//! Single-resource reads, headers, content negotiation and the error bodies of the
//! framework's own rejections (spec §1, §2, §3, §5, §8, §9).

use partnerd_model::xml::from_xml;
use partnerd_testkit::fixtures::insert_many;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::Value;

store_test!(get_by_id_and_profiles_have_their_shapes, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let c = insert_many(&app.store, &partner, 1).await.remove(0);
    let id = c.id.clone().unwrap();
    // The id is compared case-insensitively.
    let res = app.get(&partner, &format!("/v1/customers/{}", id.to_uppercase())).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let full: Value = res.json().await.unwrap();
    let keys: Vec<&str> = full.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "id",
            "commerceId",
            "companyProfile",
            "billingProfile",
            "relationshipToPartner",
            "allowDelegatedAccess",
            "customDomains",
            "links",
            "attributes"
        ]
    );
    assert_eq!(full["links"]["self"]["uri"], format!("/customers/{id}"));
    assert_eq!(full["attributes"]["objectType"], "Customer");
    assert!(full.get("userCredentials").is_none());
    let company: Value =
        app.get(&partner, &format!("/v1/customers/{id}/profiles/company")).send().await.unwrap().json().await.unwrap();
    assert_eq!(company["tenantId"], id.as_str());
    assert_eq!(company["links"]["self"]["uri"], format!("/customers/{id}/profiles/company"));
    assert_eq!(company["attributes"]["objectType"], "CustomerCompanyProfile");
    let billing: Value =
        app.get(&partner, &format!("/v1/customers/{id}/profiles/billing")).send().await.unwrap().json().await.unwrap();
    assert_eq!(billing["attributes"]["objectType"], "CustomerBillingProfile");
    assert!(billing["attributes"]["etag"].is_string());
    assert_eq!(billing["links"]["self"]["uri"], format!("/customers/{id}/profiles/billing"));
    // The list item is the projection only.
    let list: Value = app.get(&partner, "/v1/customers").send().await.unwrap().json().await.unwrap();
    let item = &list["items"][0];
    for absent in ["commerceId", "billingProfile", "allowDelegatedAccess", "customDomains"] {
        assert!(item.get(absent).is_none(), "{absent} in a list item");
    }
    let company_keys: Vec<&str> = item["companyProfile"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(company_keys, ["tenantId", "domain", "companyName", "links", "attributes"]);
    // Conditional GET.
    let res = app.get(&partner, &format!("/v1/customers/{id}")).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!(res.status(), 304);
    // HEAD of a GET resource.
    let res = app.request(reqwest::Method::HEAD, &partner, &format!("/v1/customers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 200);
});

store_test!(ids_that_are_not_guids_get_900118_and_unknown_ones_1000, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    for (path, status, code) in [
        ("/v1/customers/not-a-guid", 400, 900118),
        ("/v1/customers/not-a-guid/profiles/billing", 400, 900118),
        ("/v1/customers/%E2%9C%93", 400, 900118),
        ("/v1/customers/6f1c7e8a-0000-4000-8000-000000000000", 404, 1000),
        ("/v1/nothing/here", 404, 1000),
        ("/v2/customers", 404, 1000),
    ] {
        let res = app.get(&partner, path).send().await.unwrap();
        assert_eq!(res.status(), status, "{path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], code, "{path}");
        assert_eq!(body["source"], "partnerd");
        assert!(body["data"].is_array());
    }
    let res = app.request(reqwest::Method::PUT, &partner, "/v1/customers").send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 800002);
});

store_test!(request_ids_are_echoed_or_generated_on_every_response, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let res = app
        .get(&partner, "/v1/customers")
        .header("MS-RequestId", "6b3c7e8a-1111-4000-8000-000000000001")
        .header("MS-CorrelationId", "6b3c7e8a-2222-4000-8000-000000000002")
        .header("MS-CV", "abc.0")
        .header("MS-PartnerCenter-Client", "Partner Center .NET SDK")
        .header("X-Locale", "de-DE")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["ms-requestid"], "6b3c7e8a-1111-4000-8000-000000000001");
    assert_eq!(res.headers()["ms-correlationid"], "6b3c7e8a-2222-4000-8000-000000000002");
    assert_eq!(res.headers()["ms-cv"], "abc.0.1");
    assert_eq!(res.headers()["content-type"], "application/json; charset=utf-8");
    // Errors carry them too, generated when absent.
    let res = app.http.get(app.url("/v1/customers")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    for h in ["ms-requestid", "ms-correlationid", "ms-cv"] {
        assert!(!res.headers()[h].is_empty(), "{h}");
    }
});

/// The body with its continuation tokens blanked: each response seals a fresh one.
fn without_tokens(mut v: Value) -> Value {
    if let Some(t) = v.get_mut("continuationToken") {
        *t = Value::Null;
    }
    for link in ["next", "previous"] {
        if let Some(headers) = v.pointer_mut(&format!("/links/{link}/headers")) {
            *headers = Value::Null;
        }
    }
    v
}

store_test!(xml_and_text_json_match_json_and_406_otherwise, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let c = insert_many(&app.store, &partner, 3).await.remove(0);
    let id = c.id.clone().unwrap();
    for path in [
        "/v1/customers?size=2".to_string(),
        format!("/v1/customers/{id}"),
        format!("/v1/customers/{id}/profiles/billing"),
    ] {
        let json: Value = app.get(&partner, &path).send().await.unwrap().json().await.unwrap();
        let res = app.get(&partner, &path).header("Accept", "application/xml").send().await.unwrap();
        assert_eq!(res.headers()["content-type"], "application/xml; charset=utf-8");
        let xml = res.text().await.unwrap();
        let back = from_xml(&xml).unwrap();
        // XML carries text; compare the same members' text.
        let text =
            |v: &Value, ptr: &str| v.pointer(ptr).map(|x| x.as_str().map(str::to_string).unwrap_or(x.to_string()));
        for ptr in [
            "/id",
            "/items/0/id",
            "/items/1/companyProfile/companyName",
            "/links/next/headers/0/key",
            "/totalCount",
            "/defaultAddress/city",
            "/attributes/etag",
        ] {
            assert_eq!(text(&json, ptr).map(|s| s.trim_matches('"').to_string()), text(&back, ptr), "{path} {ptr}");
        }
        let res = app.get(&partner, &path).header("Accept", "text/json").send().await.unwrap();
        assert_eq!(res.headers()["content-type"], "text/json; charset=utf-8");
        assert_eq!(without_tokens(res.json::<Value>().await.unwrap()), without_tokens(json));
    }
    let xml = app
        .get(&partner, "/v1/customers?size=2")
        .header("Accept", "text/xml")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        xml.starts_with("<?xml")
            && xml.contains("<Collection><continuationToken>")
            && xml.contains("<items><Customer><id>"),
        "{xml}"
    );
    let res = app.get(&partner, "/v1/customers").header("Accept", "text/html, image/png").send().await.unwrap();
    assert_eq!(res.status(), 406);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 800002);
    let err = app
        .get(&partner, "/v1/customers/x")
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(err.contains("<Error><code>900118</code>"), "{err}");
});

store_test!(version_1_0_routes_and_literal_segments_win, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 2).await;
    let v10: Value = app.get(&partner, "/v1.0/customers").send().await.unwrap().json().await.unwrap();
    assert_eq!(v10["totalCount"], 2);
    let res = app.get(&partner, "/v1/customers/relationshiprequests").send().await.unwrap();
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["attributes"]["objectType"], "RelationshipRequest");
    assert!(body["url"].as_str().unwrap().contains(partner.as_str()));
});

store_test!(xml_errors_that_echo_control_characters_are_well_formed, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    for path in ["/v1/customers/%01", "/v1/customers/a%0Db%09c%0A", "/v1/customers?filter=%1B"] {
        let res = app.get(&partner, path).header("Accept", "application/xml").send().await.unwrap();
        assert_eq!(res.status(), 400, "{path}");
        let xml = res.text().await.unwrap();
        if let Err(e) = roxmltree::Document::parse(&xml) {
            panic!("{path}: not well-formed ({e}): {xml:?}");
        }
        assert!(!xml.chars().any(|c| c.is_control() && c != '\n'), "{path}: {xml:?}");
    }
    let xml = app
        .get(&partner, "/v1/customers/a%0Db%09c")
        .header("Accept", "application/xml")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let body = from_xml(&xml).unwrap();
    assert_eq!(body["data"][0], "a\rb\tc", "CR and TAB survive the round trip: {xml}");
});
