//! The write side (spec §2, §6, §8, §10): create, leave, delete, billing update; every bad
//! input gets its status and body and changes nothing.

use partnerd_server::Config;
use partnerd_testkit::fixtures::{create_body, insert_many, unique_domain};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

use partnerd_model::PartnerId;

async fn post(
    app: &TestApp,
    partner: &PartnerId,
    body: &Value,
    request_id: Option<&str>,
) -> (u16, Value, reqwest::header::HeaderMap) {
    let mut req = app.request(Method::POST, partner, "/v1/customers").json(body);
    if let Some(id) = request_id {
        req = req.header("MS-RequestId", id);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status().as_u16(), res.headers().clone());
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null), headers)
}

async fn count(app: &TestApp, partner: &PartnerId) -> usize {
    walk(app, partner, "/v1/customers?size=500").await.0.len()
}

store_test!(create_returns_the_full_customer_with_credentials_once, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let domain = unique_domain();
    let request_id = uuid::Uuid::new_v4().to_string();
    let (status, body, headers) = post(&app, &partner, &create_body(&domain), Some(&request_id)).await;
    assert_eq!(status, 201, "{body}");
    let id = body["id"].as_str().unwrap();
    assert_eq!(headers["location"], format!("/v1/customers/{id}").as_str());
    assert_eq!(body["companyProfile"]["tenantId"], id);
    assert_eq!(body["companyProfile"]["companyName"], "Lovelace Analytical", "defaults to the billing company name");
    assert_eq!(body["relationshipToPartner"], "reseller");
    assert_eq!(body["customDomains"], json!([domain]));
    assert!(body["commerceId"].is_string() && body["billingProfile"]["id"].is_string());
    assert!(body["billingProfile"]["attributes"]["etag"].is_string());
    assert_eq!(body["userCredentials"]["userName"], "admin");
    let password = body["userCredentials"]["password"].as_str().unwrap().to_string();
    assert!(password.len() >= 16);
    let got: Value = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap().json().await.unwrap();
    assert!(got.get("userCredentials").is_none());
    let mut expected = body.clone();
    expected.as_object_mut().unwrap().remove("userCredentials");
    assert_eq!(got, expected);
    // The password is nowhere in the database in plain text: not in the customer, and not in
    // the response kept for the request id (which a replay proves is there, password and all).
    let (_, replayed, _) = post(&app, &partner, &create_body(&domain), Some(&request_id)).await;
    assert_eq!(replayed["userCredentials"]["password"], password.as_str());
    let stored = app.store.for_partner(&partner).get(id).await.unwrap().unwrap();
    assert!(!stored.doc.contains(&password));
    let kept = db.kept_responses(partner.as_str()).await;
    assert_eq!(kept.len(), 1, "one response kept for the request id");
    assert!(!kept[0].windows(password.len()).any(|w| w == password.as_bytes()));
    if let partnerd_store::Location::SqliteFile(path) = &db.location {
        for file in [path.clone(), path.with_extension("db-wal")] {
            if let Ok(bytes) = std::fs::read(&file) {
                assert!(!bytes.windows(password.len()).any(|w| w == password.as_bytes()), "{}", file.display());
            }
        }
    }
});

store_test!(dotnet_bodies_with_pascal_case_nulls_and_read_only_members_work, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let domain = unique_domain();
    let body = json!({
        "Id": "00000000-0000-0000-0000-000000000000", "CommerceId": "mine",
        "CompanyProfile": {"TenantId": "x", "Domain": domain.to_uppercase(), "CompanyName": "Contoso GmbH", "Address": null, "Email": null, "Links": {"Self": {"Uri": null, "Method": null, "Headers": null}}},
        "BillingProfile": {"Id": "mine", "FirstName": "Jörg", "LastName": "Müller", "Email": "j@contoso.de", "Culture": "de-DE", "Language": "de",
            "CompanyName": "Contoso GmbH", "DefaultAddress": {"Country": "DE", "City": "München", "AddressLine1": "Leopoldstraße 1",
            "AddressLine2": null, "PostalCode": "80802", "PhoneNumber": null}, "Attributes": {"ObjectType": "CustomerBillingProfile"}},
        "RelationshipToPartner": "unknown", "AllowDelegatedAccess": null, "UserCredentials": null, "CustomDomains": null,
        "AssociatedPartnerId": null, "Links": null, "Attributes": {"ObjectType": "Customer"}, "SomethingNew": 1
    });
    let (status, created, _) = post(&app, &partner, &body, None).await;
    assert_eq!(status, 201, "{created}");
    assert_ne!(created["id"], "00000000-0000-0000-0000-000000000000");
    assert_ne!(created["commerceId"], "mine");
    assert_ne!(created["billingProfile"]["id"], "mine");
    assert_eq!(created["relationshipToPartner"], "reseller");
    assert_eq!(created["companyProfile"]["domain"], domain.as_str());
    assert_eq!(created["billingProfile"]["defaultAddress"]["city"], "München");
});

store_test!(each_invalid_body_names_its_member_and_changes_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 2).await;
    let cases: Vec<(&str, Value, &str, i64)> = vec![
        ("/companyProfile/domain", Value::Null, "companyProfile.domain", 800002),
        ("/companyProfile/domain", json!("contoso.com"), "companyProfile.domain", 800002),
        ("/billingProfile/email", json!(""), "billingProfile.email", 800002),
        ("/billingProfile/culture", Value::Null, "billingProfile.culture", 800002),
        ("/billingProfile/language", Value::Null, "billingProfile.language", 800002),
        ("/billingProfile/companyName", Value::Null, "billingProfile.companyName", 800002),
        ("/billingProfile/defaultAddress/city", Value::Null, "billingProfile.defaultAddress.city", 800002),
        ("/billingProfile/defaultAddress/country", json!("Germany"), "billingProfile.defaultAddress.country", 800002),
        (
            "/billingProfile/defaultAddress/addressLine1",
            json!("x".repeat(201)),
            "billingProfile.defaultAddress.addressLine1",
            800002,
        ),
        ("/billingProfile/defaultAddress/postalCode", json!(12345), "billingProfile.defaultAddress.postalCode", 800002),
        ("/billingProfile/firstName", json!("x".repeat(51)), "billingProfile.firstName", 800002),
        ("/companyProfile/companyName", json!("x".repeat(100_000)), "companyProfile.companyName", 800002),
        ("/companyProfile/companyName", json!("Contoso\u{0}"), "companyProfile.companyName", 800002),
        ("/relationshipToPartner", json!("friend"), "relationshipToPartner", 900126),
        (
            "/companyProfile/organizationRegistrationNumber",
            json!("123"),
            "companyProfile.organizationRegistrationNumber",
            800002,
        ),
    ];
    for (pointer, value, member, code) in cases {
        let mut body = create_body(&unique_domain());
        match body.pointer_mut(pointer) {
            Some(slot) => *slot = value,
            None => {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                body.pointer_mut(if parent.is_empty() { "" } else { parent }).unwrap()[key.to_string()] = value;
            }
        }
        let (status, err, _) = post(&app, &partner, &body, Some(&uuid::Uuid::new_v4().to_string())).await;
        assert_eq!(status, 400, "{pointer}: {err}");
        assert_eq!(err["code"], code, "{pointer}: {err}");
        assert!(err["description"].as_str().unwrap().contains(member), "{pointer}: {err}");
        assert_eq!(err["data"][0], member, "{pointer}");
    }
    // Registration-number countries need the number and a phone number: both are named.
    let mut ua = create_body(&unique_domain());
    ua["billingProfile"]["defaultAddress"]["country"] = json!("UA");
    let (status, err, _) = post(&app, &partner, &ua, None).await;
    let both = json!(["companyProfile.organizationRegistrationNumber", "billingProfile.defaultAddress.phoneNumber"]);
    assert_eq!((status, &err["data"]), (400, &both));
    ua["billingProfile"]["defaultAddress"]["phoneNumber"] = json!("+380 44 000 0000");
    ua["companyProfile"]["organizationRegistrationNumber"] = json!("12345678");
    assert_eq!(post(&app, &partner, &ua, None).await.0, 201);
    assert_eq!(count(&app, &partner).await, 3, "only the valid create changed anything");
});

store_test!(every_body_format_is_read_and_others_refused, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let send = |ct: &'static str, body: Vec<u8>| {
        app.request(Method::POST, &partner, "/v1/customers").header("Content-Type", ct).body(body).send()
    };
    let domain = unique_domain();
    let res = send("text/json", serde_json::to_vec(&create_body(&domain)).unwrap()).await.unwrap();
    assert_eq!(res.status(), 201);
    for ct in ["application/xml", "text/xml; charset=utf-8"] {
        let d = unique_domain();
        let xml = format!(
            r#"<?xml version="1.0"?><Customer xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><CompanyProfile><Domain>{d}</Domain></CompanyProfile><BillingProfile><Email>a@b.com</Email><Culture>en-US</Culture><Language>en</Language><CompanyName>X &amp; Y</CompanyName><DefaultAddress><Country>US</Country><City>Redmond</City><AddressLine1>1 Way</AddressLine1><PostalCode>98052</PostalCode><AddressLine2 i:nil="true"/></DefaultAddress></BillingProfile><AllowDelegatedAccess>false</AllowDelegatedAccess></Customer>"#
        );
        let res = send(ct, xml.into_bytes()).await.unwrap();
        assert_eq!(res.status(), 201, "{ct}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["billingProfile"]["companyName"], "X & Y");
        assert_eq!(body["allowDelegatedAccess"], false);
    }
    let d = unique_domain();
    let form = format!("companyProfile.domain={d}&billingProfile.email=a%40b.com&billingProfile.culture=en-US&billingProfile.language=en&BillingProfile.CompanyName=Form+Co&billingProfile.defaultAddress.country=US&billingProfile.defaultAddress.city=Redmond&billingProfile.defaultAddress.addressLine1=1+Way&billingProfile.defaultAddress.postalCode=98052");
    let res = send("application/x-www-form-urlencoded", form.into_bytes()).await.unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(res.json::<Value>().await.unwrap()["billingProfile"]["companyName"], "Form Co");
    let before = count(&app, &partner).await;
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><Customer><CompanyProfile><Domain>&lol2;</Domain></CompanyProfile></Customer>"#;
    let huge = {
        let mut b = create_body(&unique_domain());
        b["billingProfile"]["padding"] = json!("x".repeat(1024 * 1024 + 10));
        serde_json::to_vec(&b).unwrap()
    };
    for (ct, body, status) in [
        ("text/plain", b"{}".to_vec(), 415),
        ("application/octet-stream", b"{}".to_vec(), 415),
        ("application/xml", bomb.as_bytes().to_vec(), 400),
        ("application/xml", b"<Customer><unclosed></Customer>".to_vec(), 400),
        ("application/json", b"{\"companyProfile\": ".to_vec(), 400),
        ("application/json", b"[]".to_vec(), 400),
        ("application/json", b"{\"companyProfile\": \"a string\"}".to_vec(), 400),
        ("application/json", huge, 413),
        ("application/x-www-form-urlencoded", format!("{}=1", vec!["id"; 20_000].join(".")).into_bytes(), 400),
    ] {
        let res = send(ct, body).await.unwrap();
        assert_eq!(res.status(), status, "{ct}");
        let err: Value = res.json().await.unwrap();
        assert_eq!(err["source"], "partnerd", "{ct}");
    }
    let res = app.request(Method::POST, &partner, "/v1/customers").body("{}").send().await.unwrap();
    assert_eq!(res.status(), 415, "no Content-Type");
    assert_eq!(count(&app, &partner).await, before, "refused bodies change nothing");
});

store_test!(domains_are_unique_across_partners_case_insensitively, |db| {
    let app = TestApp::start(&db).await;
    let (a, b) = (new_partner(), new_partner());
    let domain = unique_domain();
    assert_eq!(post(&app, &a, &create_body(&domain), None).await.0, 201);
    let (status, err, _) = post(&app, &b, &create_body(&domain.to_uppercase()), None).await;
    assert_eq!((status, err["code"].as_i64()), (409, Some(600006)));
    let head = |d: String| app.request(Method::HEAD, &b, &format!("/v1/domains/{d}")).send();
    assert_eq!(head(domain.to_uppercase()).await.unwrap().status(), 200);
    assert_eq!(head(unique_domain()).await.unwrap().status(), 404);
    // Racing creates of one domain: exactly one wins, every time.
    for _ in 0..5 {
        let domain = unique_domain();
        let partners: Vec<PartnerId> = (0..12).map(|_| new_partner()).collect();
        let body = create_body(&domain);
        let results = futures::future::join_all(partners.iter().map(|p| post(&app, p, &body, None))).await;
        let statuses: Vec<u16> = results.iter().map(|r| r.0).collect();
        assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
        assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 11, "{statuses:?}");
    }
});

store_test!(request_ids_replay_conflict_and_race_correctly, |db| {
    let app = TestApp::start(&db).await;
    let (partner, other) = (new_partner(), new_partner());
    let rid = uuid::Uuid::new_v4().to_string();
    let body = create_body(&unique_domain());
    let (s1, first, h1) = post(&app, &partner, &body, Some(&rid)).await;
    let (s2, second, h2) = post(&app, &partner, &body, Some(&rid)).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first, second, "same customer, same password");
    assert_eq!(h1["location"], h2["location"]);
    let mut changed = body.clone();
    changed["billingProfile"]["companyName"] = json!("Something Else");
    let (s3, err, _) = post(&app, &partner, &changed, Some(&rid)).await;
    assert_eq!((s3, err["code"].as_i64()), (422, Some(800002)));
    // Another partner using the same id is unaffected (its own create, its own domain).
    let (s4, theirs, _) = post(&app, &other, &create_body(&unique_domain()), Some(&rid)).await;
    assert_eq!(s4, 201);
    assert_ne!(theirs["id"], first["id"]);
    // A validation failure is not kept: the corrected retry with the same id runs.
    let rid2 = uuid::Uuid::new_v4().to_string();
    let mut bad = create_body(&unique_domain());
    bad["billingProfile"]["email"] = Value::Null;
    assert_eq!(post(&app, &partner, &bad, Some(&rid2)).await.0, 400);
    assert_eq!(post(&app, &partner, &create_body(&unique_domain()), Some(&rid2)).await.0, 201);
    // 50 concurrent identical POSTs create one customer and all get the same answer; repeatedly.
    for _ in 0..4 {
        let before = count(&app, &partner).await;
        let rid = uuid::Uuid::new_v4().to_string();
        let body = create_body(&unique_domain());
        let results = futures::future::join_all((0..50).map(|_| post(&app, &partner, &body, Some(&rid)))).await;
        for (status, answer, _) in &results {
            assert_eq!(*status, 201, "{answer}");
            assert_eq!(answer, &results[0].1);
        }
        assert_eq!(count(&app, &partner).await, before + 1);
    }
});

store_test!(leaving_the_partner_removes_the_customer_from_every_read, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let customers = insert_many(&app.store, &partner, 3).await;
    let id = customers[0].id.clone().unwrap();
    let patch = |body: Value, rid: &'static str| {
        app.request(Method::PATCH, &partner, &format!("/v1/customers/{id}"))
            .header("MS-RequestId", rid)
            .json(&body)
            .send()
    };
    for (body, code) in [
        (json!({"relationshipToPartner": "reseller"}), 800002),
        (json!({"relationshipToPartner": "pals"}), 900126),
        (json!({}), 800002),
    ] {
        let res = patch(body.clone(), "6b3c7e8a-aaaa-4000-8000-000000000001").await.unwrap();
        assert_eq!(res.status(), 400, "{body}");
        assert_eq!(res.json::<Value>().await.unwrap()["code"], code, "{body}");
    }
    let res = patch(json!({"RelationshipToPartner": 5}), "6b3c7e8a-aaaa-4000-8000-000000000001").await.unwrap();
    assert_eq!(res.status(), 200);
    let left: Value = res.json().await.unwrap();
    assert_eq!(left["relationshipToPartner"], "none");
    assert_eq!(left["id"], id.as_str());
    // A retry replays the answer even though the customer is gone.
    let again = patch(json!({"RelationshipToPartner": 5}), "6b3c7e8a-aaaa-4000-8000-000000000001").await.unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(again.json::<Value>().await.unwrap(), left);
    assert_eq!(app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap().status(), 404);
    let (ids, _) = walk(&app, &partner, "/v1/customers").await;
    assert!(!ids.contains(&id) && ids.len() == 2);
    let res = patch(json!({"relationshipToPartner": "none"}), "6b3c7e8a-aaaa-4000-8000-000000000002").await.unwrap();
    assert_eq!(res.status(), 404);
    // Its domain stays taken.
    let res =
        app.request(Method::HEAD, &partner, &format!("/v1/domains/{}", customers[0].domain())).send().await.unwrap();
    assert_eq!(res.status(), 200);
});

store_test!(delete_depends_on_the_mode_and_the_sandbox_limit_holds, |db| {
    let partner = new_partner();
    {
        let app = TestApp::start_with(&db, partnerd_testkit::production::config()).await;
        let id = insert_many(&app.store, &partner, 1).await[0].id.clone().unwrap();
        let token = partnerd_testkit::production::token(&partner);
        let url = app.url(&format!("/v1/customers/{id}"));
        let res = app.http.delete(&url).bearer_auth(&token).send().await.unwrap();
        assert_eq!(res.status(), 403);
        assert_eq!(res.json::<Value>().await.unwrap()["code"], 900127);
        assert_eq!(app.http.get(&url).bearer_auth(&token).send().await.unwrap().status(), 200);
    }
    let app = TestApp::start_with(&db, Config { sandbox_customer_limit: Some(3), ..Config::default() }).await;
    let (id, _) = (walk(&app, &partner, "/v1/customers").await.0.remove(0), ());
    let res = app.request(Method::DELETE, &partner, &format!("/v1/customers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 204);
    assert!(res.bytes().await.unwrap().is_empty());
    assert_eq!(app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap().status(), 404);
    let res = app.request(Method::DELETE, &partner, &format!("/v1/customers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    for expected in [201, 201, 201, 403] {
        let (status, body, _) = post(&app, &partner, &create_body(&unique_domain()), None).await;
        assert_eq!(status, expected, "{body}");
    }
});

store_test!(billing_updates_are_validated_and_guarded_by_etags, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (_, created, _) = post(&app, &partner, &create_body(&unique_domain()), None).await;
    let id = created["id"].as_str().unwrap().to_string();
    let path = format!("/v1/customers/{id}/profiles/billing");
    let mut profile: Value = app.get(&partner, &path).send().await.unwrap().json().await.unwrap();
    let etag = profile["attributes"]["etag"].as_str().unwrap().to_string();
    profile["companyName"] = json!("Renamed Ltd");
    let put = |body: Value, if_match: Option<String>| {
        let mut req = app.request(Method::PUT, &partner, &path).json(&body);
        if let Some(e) = if_match {
            req = req.header("If-Match", e);
        }
        req.send()
    };
    // Stale etag in the header, then in the body.
    let res = put(profile.clone(), Some("\"stale\"".into())).await.unwrap();
    assert_eq!(res.status(), 412);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], 2055);
    let mut stale_body = profile.clone();
    stale_body["attributes"]["etag"] = json!("stale");
    assert_eq!(put(stale_body, None).await.unwrap().status(), 412);
    // Invalid profile.
    let mut bad = profile.clone();
    bad["defaultAddress"]["country"] = json!("XYZ");
    let res = put(bad, Some(format!("\"{etag}\""))).await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<Value>().await.unwrap()["data"], json!(["defaultAddress.country"]));
    // Every problem at once: a member of the wrong type, and refused ones.
    let mut worse = profile.clone();
    worse["defaultAddress"]["postalCode"] = json!(98052);
    worse["email"] = json!("nobody");
    worse["culture"] = Value::Null;
    let res = put(worse, Some(format!("\"{etag}\""))).await.unwrap();
    assert_eq!(res.status(), 400);
    let all = json!(["defaultAddress.postalCode", "email", "culture"]);
    assert_eq!(res.json::<Value>().await.unwrap()["data"], all);
    // The right etag (in the header, as the .NET SDK puts it in the body) succeeds once.
    let res = put(profile.clone(), Some(format!("\"{etag}\""))).await.unwrap();
    assert_eq!(res.status(), 200);
    let updated: Value = res.json().await.unwrap();
    let new_etag = updated["attributes"]["etag"].as_str().unwrap().to_string();
    assert_ne!(new_etag, etag);
    assert_eq!(updated["companyName"], "Renamed Ltd");
    assert_eq!(updated["id"], created["billingProfile"]["id"]);
    assert_eq!(
        put(profile.clone(), Some(format!("\"{etag}\""))).await.unwrap().status(),
        412,
        "the old etag is stale now"
    );
    let mut by_body = updated.clone();
    by_body["email"] = json!("new@example.com");
    assert_eq!(put(by_body.clone(), None).await.unwrap().status(), 200, "etag from the body");
    assert_eq!(put(by_body.clone(), None).await.unwrap().status(), 412, "the body's etag is stale now");
    let mut unconditional = by_body.clone();
    unconditional.as_object_mut().unwrap().remove("attributes");
    assert_eq!(put(unconditional, None).await.unwrap().status(), 200);
    let res = app.get(&partner, &format!("/v1/customers/{id}")).send().await.unwrap();
    let current: Value = res.json().await.unwrap();
    assert_eq!(current["billingProfile"]["email"], "new@example.com");
    assert_eq!(current["companyProfile"]["companyName"], "Lovelace Analytical", "the company profile is untouched");
});

store_test!(a_json_body_of_too_many_values_is_refused_before_it_is_read, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let padded = |n: usize| {
        let mut body = create_body(&unique_domain());
        body["padding"] = Value::Array(vec![json!(0); n]);
        body
    };
    let (status, body, headers) = post(&app, &partner, &padded(10_001), None).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["code"], 800002);
    assert!(body["description"].as_str().unwrap().contains("more than 10000"), "{body}");
    assert!(headers.contains_key("ms-requestid"));
    assert_eq!(count(&app, &partner).await, 0, "nothing created");
    // A body well inside the bound is read as before (the unknown member is ignored).
    let (status, body, _) = post(&app, &partner, &padded(100), None).await;
    assert_eq!(status, 201, "{body}");
});
