//! Customer accounts over HTTP on both stores: agreement metadata and attestation, country
//! rules, address validation, qualifications with the control plane's review, relationships and
//! managed services; every refusal with its contract body and no change; another partner's
//! customer is 404.

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, store_test, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const MCA: &str = "117a77b0-9360-443b-8795-c6dedc750cf9";
const MCLA: &str = "998b88de-aa99-4388-a42c-1b3517d49490";

async fn new_customer(app: &TestApp, partner: &PartnerId) -> String {
    let (status, body) = app.call(partner, Method::POST, "/v1/customers", Some(&create_body(&unique_domain()))).await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

fn attestation(first: &str) -> Value {
    json!({
        "primaryContact": {"firstName": first, "lastName": "Lovelace", "email": "ada@contoso.com", "phoneNumber": "+1 425 555 0100"},
        "templateId": MCA,
        "dateAgreed": "2024-06-14T00:00:00.000Z",
        "type": "MicrosoftCustomerAgreement"
    })
}

store_test!(agreement_metadata_selects_by_type, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (status, plain) = app.call(&partner, Method::GET, "/v1/agreements", None).await;
    assert_eq!(status, 200);
    assert_eq!(plain["totalCount"], 1, "the Cloud Agreement only, for backward compatibility");
    assert_eq!(plain["items"][0]["templateId"], MCLA);
    assert_eq!(plain["attributes"]["objectType"], "Collection");
    let (_, mca) =
        app.call(&partner, Method::GET, "/v1/agreements?agreementType=MicrosoftCustomerAgreement", None).await;
    assert_eq!(
        mca["items"],
        json!([{"templateId": MCA, "agreementType": "MicrosoftCustomerAgreement",
                "agreementLink": "https://aka.ms/customeragreement", "versionRank": 0}])
    );
    let (_, all) = app.call(&partner, Method::GET, "/v1/agreements?agreementType=%2A", None).await;
    assert_eq!(all["totalCount"], 2);
    let (status, bad) = app.call(&partner, Method::GET, "/v1/agreements?agreementType=Other", None).await;
    assert_eq!((status, bad["code"].clone(), bad["data"].clone()), (400, json!(800002), json!(["agreementType"])));
});

store_test!(attesting_the_customer_agreement_and_reading_it_back, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let path = format!("/v1/customers/{id}/agreements");
    let request_id = uuid::Uuid::new_v4().to_string();
    let send = |body: Value, rid: Option<String>| {
        let mut req = app.request(Method::POST, &partner, &path).json(&body);
        if let Some(rid) = rid {
            req = req.header("MS-RequestId", rid);
        }
        async move {
            let res = req.send().await.unwrap();
            (res.status().as_u16(), res.json::<Value>().await.unwrap())
        }
    };
    let (status, created) = send(attestation("Ada"), Some(request_id.clone())).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["type"], "MicrosoftCustomerAgreement");
    assert_eq!(created["dateAgreed"], "2024-06-14T00:00:00Z");
    assert_eq!(created["agreementLink"], "https://aka.ms/customeragreement");
    // A retry with the same request id is the same answer, not a duplicate.
    assert_eq!(send(attestation("Ada"), Some(request_id)).await, (201, created.clone()));
    // The same contact again is Partner Center's 600061; another contact is a new attestation.
    let (status, dup) = send(attestation("Ada"), None).await;
    assert_eq!(
        (status, dup["code"].clone(), dup["errorName"].clone()),
        (409, json!(600061), json!("PartnerConfirmedAgreementAlreadyExists"))
    );
    assert_eq!(send(attestation("Grace"), None).await.0, 201);
    // A plain GET lists Cloud Agreement attestations only (none); the type selects the rest.
    let (status, plain) = app.call(&partner, Method::GET, &path, None).await;
    assert_eq!((status, plain["totalCount"].clone()), (200, json!(0)));
    let (_, mca) =
        app.call(&partner, Method::GET, &format!("{path}?agreementType=MicrosoftCustomerAgreement"), None).await;
    assert_eq!(mca["totalCount"], 2);
    assert_eq!(mca["items"][0], created, "oldest first, as stored");
    assert_eq!(mca["items"][1]["primaryContact"]["firstName"], "Grace");
});

store_test!(every_refused_attestation_names_what_to_fix_and_stores_nothing, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let path = format!("/v1/customers/{id}/agreements");
    let with = |member: &str, value: Value| {
        let mut body = attestation("Ada");
        body[member] = value;
        body
    };
    let cases = [
        (with("templateId", json!(MCLA)), vec!["templateId"]),
        (with("templateId", json!("00000000-0000-0000-0000-000000000000")), vec!["templateId"]),
        (with("dateAgreed", json!("2999-01-01T00:00:00Z")), vec!["dateAgreed"]),
        (with("dateAgreed", json!("0001-01-01T00:00:00")), vec!["dateAgreed"]),
        (with("dateAgreed", json!("soon")), vec!["dateAgreed"]),
        (
            with("primaryContact", json!({"firstName": "Ada", "email": "not-an-email"})),
            vec!["primaryContact.lastName", "primaryContact.email"],
        ),
        (
            json!({}),
            vec![
                "templateId",
                "dateAgreed",
                "primaryContact.firstName",
                "primaryContact.lastName",
                "primaryContact.email",
            ],
        ),
    ];
    for (body, members) in cases {
        let (status, error) = app.call(&partner, Method::POST, &path, Some(&body)).await;
        assert_eq!((status, error["code"].clone()), (400, json!(800002)), "{body} → {error}");
        assert_eq!(error["data"], json!(members), "{error}");
    }
    let (_, all) = app.call(&partner, Method::GET, &format!("{path}?agreementType=*"), None).await;
    assert_eq!(all["totalCount"], 0, "nothing was stored");
    // Tenancy: another partner's customer is not found, for reads and writes alike.
    let other = new_partner();
    assert_eq!(app.call(&other, Method::POST, &path, Some(&attestation("Ada"))).await.0, 404);
    assert_eq!(app.call(&other, Method::GET, &path, None).await.0, 404);
    assert_eq!(app.call(&partner, Method::GET, "/v1/customers/not-a-guid/agreements", None).await.0, 400);
});

store_test!(country_rules_and_address_validation_answer_from_the_table, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let (status, us) = app.call(&partner, Method::GET, "/v1/countryvalidationrules/us", None).await;
    assert_eq!(status, 200);
    assert_eq!(us["iso2Code"], "US");
    assert_eq!(us["isStateRequired"], true);
    assert!(us["supportedStatesList"].as_array().unwrap().contains(&json!("WA")));
    assert_eq!(us["postalCodeRegex"], r"^\d{5}(-\d{4})?$");
    assert_eq!(us["attributes"]["objectType"], "CountryValidationRules");
    let (status, unknown) = app.call(&partner, Method::GET, "/v1/countryvalidationrules/UK", None).await;
    assert_eq!((status, unknown["code"].clone()), (404, json!(1000)));
    let validate = |body: Value| {
        let (app, partner) = (&app, &partner);
        async move { app.call(partner, Method::POST, "/v1/validations/address", Some(&body)).await }
    };
    let good = json!({"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US"});
    let (status, verdict) = validate(good.clone()).await;
    assert_eq!((status, verdict["status"].clone()), (200, json!("Verified")));
    assert_eq!(verdict["originalAddress"], good);
    assert_eq!(verdict["suggestedAddresses"], json!([good]));
    let (_, fixable) = validate(json!({"addressLine1": "1 Microsoft  Way", "city": "Redmond", "state": "wa", "postalCode": "98052", "country": "us"})).await;
    assert_eq!(fixable["status"], "InteractionRequired");
    assert_eq!(fixable["suggestedAddresses"][0]["state"], "WA");
    let (_, wrong) = validate(json!({"addressLine1": "1 Microsoft Way", "city": "Redmond", "state": "XX", "postalCode": "980", "country": "US"})).await;
    assert_eq!((wrong["status"].clone(), wrong["suggestedAddresses"].clone()), (json!("None"), json!([])));
    assert!(wrong["validationMessage"].as_str().unwrap().contains("postalCode"));
    let (status, missing) = validate(json!({"city": "Redmond", "country": "US"})).await;
    assert_eq!((status, missing["data"].clone()), (400, json!(["addressLine1", "postalCode"])));
    // The Java SDK and PowerShell read a bare boolean.
    let res = app
        .request(Method::POST, &partner, "/v1/validations/address")
        .header("MS-PartnerCenter-Client", "Partner Center PowerShell")
        .json(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(res.text().await.unwrap(), "true");
});

store_test!(customer_create_takes_its_country_rules_from_the_table, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    // Ukraine is a registration country in the table: number and phone are required.
    let mut body = create_body(&unique_domain());
    body["billingProfile"]["defaultAddress"]["country"] = json!("UA");
    let (status, error) = app.call(&partner, Method::POST, "/v1/customers", Some(&body)).await;
    assert_eq!(status, 400);
    assert_eq!(
        error["data"],
        json!(["companyProfile.organizationRegistrationNumber", "billingProfile.defaultAddress.phoneNumber"])
    );
    let mut body = create_body(&unique_domain());
    body["billingProfile"]["defaultAddress"].as_object_mut().unwrap().remove("postalCode");
    let (status, error) = app.call(&partner, Method::POST, "/v1/customers", Some(&body)).await;
    assert_eq!((status, error["data"].clone()), (400, json!(["billingProfile.defaultAddress.postalCode"])));
});

store_test!(qualifications_wait_for_the_control_planes_review, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let path = format!("/v1/customers/{id}/qualifications");
    assert_eq!(app.call(&partner, Method::GET, &path, None).await, (200, json!([])));
    let (status, education) = app
        .call(&partner, Method::POST, &path, Some(&json!({"qualification": "Education", "educationSegment": "K12"})))
        .await;
    assert_eq!(status, 201, "{education}");
    assert_eq!(education["vettingStatus"], "InReview");
    assert!(education["vettingCreateDate"].as_str().unwrap().ends_with('Z'));
    let (status, again) = app.call(&partner, Method::POST, &path, Some(&json!({"qualification": "education"}))).await;
    assert_eq!((status, again["code"].clone()), (409, json!(800002)));
    let (status, refused) = app.call(&partner, Method::POST, &path, Some(&json!({"qualification": "Nonprofit"}))).await;
    assert_eq!((status, refused["data"].clone()), (400, json!(["qualification"])));
    let (status, gcc) =
        app.call(&partner, Method::POST, &path, Some(&json!({"qualification": "GovernmentCommunityCloud"}))).await;
    assert_eq!((status, gcc["data"].clone()), (400, json!(["validationCode"])));
    // GCC spends one use of one of the partner's validation codes.
    let gcc_body = json!({"qualification": "GovernmentCommunityCloud"});
    let (status, unknown) = app.call(&partner, Method::POST, &format!("{path}?code=12345"), Some(&gcc_body)).await;
    assert_eq!((status, unknown["data"].clone()), (400, json!(["validationCode"])));
    let code = json!({"validationId": "12345", "organizationName": "Contoso Gov", "maxCreates": 1});
    let res = app
        .http
        .post(app.url(&format!("/_partnerd/partners/{partner}/validationcodes")))
        .json(&code)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let (status, gcc) = app.call(&partner, Method::POST, &format!("{path}?code=12345"), Some(&gcc_body)).await;
    assert_eq!((status, gcc["vettingStatus"].clone()), (201, json!("Approved")));
    let (_, codes) = app.call(&partner, Method::GET, "/v1/customers/all/validations", None).await;
    assert_eq!((codes[0]["remainingCreates"].clone(), codes[0]["maxCreates"].clone()), (json!(0), json!(1)));
    let second = new_customer(&app, &partner).await;
    let second_path = format!("/v1/customers/{second}/qualifications");
    let with_code = json!({"qualification": "GovernmentCommunityCloud", "validationCode": "12345"});
    let (status, spent) = app.call(&partner, Method::POST, &second_path, Some(&with_code)).await;
    assert_eq!((status, spent["data"].clone()), (400, json!(["validationCode"])), "{spent}");
    assert_eq!(app.call(&partner, Method::GET, &second_path, None).await.1, json!([]), "nothing added");
    assert_eq!(app.call(&new_partner(), Method::GET, "/v1/customers/all/validations", None).await.1, json!([]));
    // Partner Center's reviewer is the control plane.
    let review = format!("/_partnerd/partners/{partner}/customers/{id}/qualifications/Education");
    let deny = json!({"vettingStatus": "Denied", "vettingReason": "Not an accredited institution"});
    let res = app.http.post(app.url(&review)).json(&deny).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let (_, list) = app.call(&partner, Method::GET, &path, None).await;
    assert_eq!(list[0]["vettingStatus"], "Denied");
    assert_eq!(list[0]["vettingReason"], "Not an accredited institution");
    assert_eq!(list[1]["qualification"], "GovernmentCommunityCloud");
    let res = app.http.post(app.url(&review)).json(&json!({"vettingStatus": "Approved"})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 409, "reviewed once");
    let other = new_partner();
    assert_eq!(app.call(&other, Method::GET, &path, None).await.0, 404);
});

store_test!(relationships_follow_the_resellers_and_the_associated_partner, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let reseller = uuid::Uuid::new_v4().to_string();
    let add = json!({"id": reseller, "name": "Fabrikam Reseller", "mpnId": "4847383", "location": "US"});
    let res =
        app.http.post(app.url(&format!("/_partnerd/partners/{partner}/resellers"))).json(&add).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let path = "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf";
    let (status, list) = app.call(&partner, Method::GET, path, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["items"][0]["id"], reseller.as_str());
    assert_eq!(list["items"][0]["relationshipType"], "is_indirect_cloud_solution_provider_of");
    assert_eq!(list["items"][0]["attributes"]["objectType"], "PartnerRelationship");
    let filter = |value: &str, op: &str| {
        let f = json!({"Field": "Name", "Value": value, "Operator": op}).to_string();
        format!("{path}&filter={}", form_urlencoded::byte_serialize(f.as_bytes()).collect::<String>())
    };
    assert_eq!(app.call(&partner, Method::GET, &filter("fabrikam", "starts_with"), None).await.1["totalCount"], 1);
    assert_eq!(app.call(&partner, Method::GET, &filter("contoso", "substring"), None).await.1["totalCount"], 0);
    let (status, bad) = app.call(&partner, Method::GET, "/v1/relationships", None).await;
    assert_eq!((status, bad["code"].clone()), (400, json!(900126)));
    assert_eq!(
        app.call(&new_partner(), Method::GET, path, None).await.1["totalCount"],
        0,
        "another partner's resellers"
    );
    // A customer sold through the reseller lists it; a direct customer lists none.
    let mut body = create_body(&unique_domain());
    body["associatedPartnerId"] = json!(reseller);
    let (_, indirect) = app.call(&partner, Method::POST, "/v1/customers", Some(&body)).await;
    let indirect = indirect["id"].as_str().unwrap().to_string();
    let (_, rel) = app.call(&partner, Method::GET, &format!("/v1/customers/{indirect}/relationships"), None).await;
    assert_eq!(rel["totalCount"], 1);
    assert_eq!(rel["items"][0]["name"], "Fabrikam Reseller");
    let direct = new_customer(&app, &partner).await;
    let (_, none) = app.call(&partner, Method::GET, &format!("/v1/customers/{direct}/relationships"), None).await;
    assert_eq!(none["totalCount"], 0);
    // Managed services carry admin-on-behalf-of links for the customer.
    let (status, services) =
        app.call(&partner, Method::GET, &format!("/v1/customers/{direct}/managedservices"), None).await;
    assert_eq!(status, 200);
    assert_eq!(services["items"][0]["id"], "Exchange");
    let admin = services["items"][0]["links"]["adminService"]["uri"].as_str().unwrap();
    assert!(admin.contains(&format!("CTID={direct}")), "{admin}");
    assert_eq!(
        app.call(&new_partner(), Method::GET, &format!("/v1/customers/{direct}/managedservices"), None).await.0,
        404
    );
});

store_test!(deleting_or_resetting_forgets_the_account_items, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let path = format!("/v1/customers/{id}/agreements");
    assert_eq!(app.call(&partner, Method::POST, &path, Some(&attestation("Ada"))).await.0, 201);
    let store = app.store.for_partner(&partner);
    assert_eq!(store.items(&id, partnerd_store::ItemKind::Agreement).await.unwrap().len(), 1);
    assert_eq!(app.call(&partner, Method::DELETE, &format!("/v1/customers/{id}"), None).await.0, 204);
    assert!(store.items(&id, partnerd_store::ItemKind::Agreement).await.unwrap().is_empty());
    let id = new_customer(&app, &partner).await;
    let path = format!("/v1/customers/{id}/qualifications");
    assert_eq!(
        app.call(&partner, Method::POST, &path, Some(&json!({"qualification": "StateOwnedEntity"}))).await.0,
        201
    );
    app.store.control().reset(Some(&partner)).await.unwrap();
    assert!(store.items(&id, partnerd_store::ItemKind::Qualification).await.unwrap().is_empty());
});

store_test!(faults_and_the_journal_know_the_new_route_templates, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let rule = json!({"method": "POST", "route": "/v1/customers/{id}/agreements", "status": 503, "count": 1});
    assert_eq!(app.http.post(app.url("/_partnerd/faults")).json(&rule).send().await.unwrap().status(), 201);
    let path = format!("/v1/customers/{id}/agreements");
    assert_eq!(app.call(&partner, Method::POST, &path, Some(&attestation("Ada"))).await.0, 503);
    let (_, none) = app.call(&partner, Method::GET, &format!("{path}?agreementType=*"), None).await;
    assert_eq!(none["totalCount"], 0, "the injected fault stored nothing");
    assert_eq!(app.call(&partner, Method::POST, &path, Some(&attestation("Ada"))).await.0, 201);
    let journal: Value = app
        .http
        .get(app.url("/_partnerd/requests?route=/v1/customers/%7Bid%7D/agreements"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let statuses: Vec<_> = journal["items"].as_array().unwrap().iter().map(|e| e["status"].clone()).collect();
    assert!(statuses.contains(&json!(503)) && statuses.contains(&json!(201)), "{journal}");
});

store_test!(snapshots_carry_attestations_and_qualifications, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let agreements = format!("/v1/customers/{id}/agreements?agreementType=*");
    let qualifications = format!("/v1/customers/{id}/qualifications");
    assert_eq!(
        app.call(&partner, Method::POST, &format!("/v1/customers/{id}/agreements"), Some(&attestation("Ada"))).await.0,
        201
    );
    assert_eq!(
        app.call(&partner, Method::POST, &qualifications, Some(&json!({"qualification": "Education"}))).await.0,
        201
    );
    let (before_a, before_q) = (
        app.call(&partner, Method::GET, &agreements, None).await,
        app.call(&partner, Method::GET, &qualifications, None).await,
    );
    let query = format!("?partner={partner}");
    let res = app.http.get(app.url(&format!("/_partnerd/snapshot{query}"))).send().await.unwrap();
    let snapshot = res.text().await.unwrap();
    assert!(snapshot.contains("\"accountItems\""), "{snapshot}");
    app.store.control().reset(Some(&partner)).await.unwrap();
    assert_eq!(app.call(&partner, Method::GET, &agreements, None).await.0, 404);
    let res =
        app.http.put(app.url(&format!("/_partnerd/snapshot{query}"))).body(snapshot.clone()).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    assert_eq!(app.call(&partner, Method::GET, &agreements, None).await, before_a);
    assert_eq!(app.call(&partner, Method::GET, &qualifications, None).await, before_q);
    // A duplicate is still refused after the round trip: the keys travelled too.
    assert_eq!(
        app.call(&partner, Method::POST, &qualifications, Some(&json!({"qualification": "Education"}))).await.0,
        409
    );
    // A line with an item of an unknown kind is refused whole.
    let broken = snapshot.replace("\"kind\":\"agreement\"", "\"kind\":\"gossip\"");
    let res = app.http.put(app.url(&format!("/_partnerd/snapshot{query}"))).body(broken).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(app.call(&partner, Method::GET, &agreements, None).await, before_a, "nothing changed");
});

store_test!(the_seed_sets_the_partners_resellers, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let reseller = uuid::Uuid::new_v4().to_string();
    let seed = |body: Value| app.http.post(app.url(&format!("/_partnerd/partners/{partner}/seed"))).json(&body).send();
    let bad = seed(json!({"count": 1, "seed": 7, "resellers": [{"id": "nope", "name": "X"}]})).await.unwrap();
    assert_eq!(bad.status().as_u16(), 400);
    let path = "/v1/relationships?relationship_type=is_indirect_cloud_solution_provider_of";
    assert_eq!(app.call(&partner, Method::GET, path, None).await.1["totalCount"], 0, "a refused seed adds nothing");
    let ok = seed(json!({"count": 2, "seed": 7, "resellers": [{"id": reseller, "name": "Tailspin Resellers"}]}))
        .await
        .unwrap();
    assert_eq!(ok.status().as_u16(), 201);
    let (_, list) = app.call(&partner, Method::GET, path, None).await;
    assert_eq!((list["totalCount"].clone(), list["items"][0]["name"].clone()), (json!(1), json!("Tailspin Resellers")));
});

store_test!(xml_answers_and_bodies_name_the_resources, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let xml = |path: String| {
        let req = app.request(Method::GET, &partner, &path).header("Accept", "application/xml");
        async move { req.send().await.unwrap().text().await.unwrap() }
    };
    let body = format!(
        "<Agreement><primaryContact><firstName>Ada</firstName><lastName>Lovelace</lastName>\
         <email>ada@contoso.com</email></primaryContact><templateId>{MCA}</templateId>\
         <dateAgreed>2024-06-14T00:00:00Z</dateAgreed></Agreement>"
    );
    let res = app
        .request(Method::POST, &partner, &format!("/v1/customers/{id}/agreements"))
        .header("Content-Type", "application/xml")
        .header("Accept", "application/xml")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert!(res.text().await.unwrap().contains("<Agreement><primaryContact><firstName>Ada</firstName>"));
    let read = xml(format!("/v1/customers/{id}/agreements?agreementType=MicrosoftCustomerAgreement")).await;
    assert!(read.contains("<Collection><totalCount>1</totalCount><items><Agreement>"), "{read}");
    let metadata = xml("/v1/agreements".into()).await;
    assert!(metadata.contains("<items><AgreementMetaData><templateId>"), "{metadata}");
    let path = format!("/v1/customers/{id}/qualifications");
    app.call(&partner, Method::POST, &path, Some(&json!({"qualification": "StateOwnedEntity"}))).await;
    let list = xml(path).await;
    assert!(list.contains("<CustomerQualifications><CustomerQualification><qualification>StateOwnedEntity"), "{list}");
    let rules = xml("/v1/countryvalidationrules/PT".into()).await;
    assert!(rules.contains("<CountryValidationRules><iso2Code>PT</iso2Code>"), "{rules}");
    assert!(rules.contains("<supportedStatesList></supportedStatesList>"), "an empty list stays: {rules}");
});

store_test!(direct_signing_and_validation_status_follow_the_control_plane, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let signed = format!("/v1/customers/{id}/directSignedMicrosoftCustomerAgreementStatus");
    let validation = format!("/v1/customers/{id}/validationStatus?type=account");
    assert_eq!(app.call(&partner, Method::GET, &signed, None).await, (200, json!({"isSigned": false})));
    let (status, none) = app.call(&partner, Method::GET, &validation, None).await;
    assert_eq!(
        (status, none["code"].clone(), none["errorName"].clone()),
        (404, json!(600074), json!("AccountStatusNotFound"))
    );
    let (status, bad) =
        app.call(&partner, Method::GET, &format!("/v1/customers/{id}/validationStatus?type=tax"), None).await;
    assert_eq!((status, bad["code"].clone()), (400, json!(900126)));

    let control = app.url(&format!("/_partnerd/partners/{partner}/customers/{id}/status"));
    let refused = app.http.post(&control).json(&json!({"validationStatus": "Fine"})).send().await.unwrap();
    assert_eq!(refused.status().as_u16(), 400);
    let set = json!({"directSigned": true, "validationStatus": "underreview"});
    assert_eq!(app.http.post(&control).json(&set).send().await.unwrap().status().as_u16(), 200);
    assert_eq!(app.call(&partner, Method::GET, &signed, None).await, (200, json!({"isSigned": true})));
    let (status, found) = app.call(&partner, Method::GET, &validation.replace("account", "Account"), None).await;
    assert_eq!((status, found["type"].clone(), found["status"].clone()), (200, json!("account"), json!("UnderReview")));
    assert!(found["lastUpdateDateTime"].as_str().unwrap().ends_with('Z'));

    let other = new_partner();
    assert_eq!(app.call(&other, Method::GET, &signed, None).await.0, 404);
    let foreign = app.url(&format!("/_partnerd/partners/{other}/customers/{id}/status"));
    assert_eq!(app.http.post(&foreign).json(&set).send().await.unwrap().status().as_u16(), 404);
});

store_test!(the_legacy_singular_route_reads_and_sets_the_same_qualifications, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let id = new_customer(&app, &partner).await;
    let legacy = format!("/v1/customers/{id}/qualification");
    assert_eq!(app.call(&partner, Method::GET, &legacy, None).await, (200, json!("none")));
    let put = |body: Value| {
        let (app, partner, legacy) = (&app, &partner, &legacy);
        async move { app.call(partner, Method::PUT, legacy, Some(&body)).await }
    };
    assert_eq!(put(json!("education")).await, (200, json!("education")));
    assert_eq!(put(json!(1)).await, (200, json!("education")), "the same value again is not an error");
    let (status, refused) = put(json!("nonprofit")).await;
    assert_eq!((status, refused["data"].clone()), (400, json!(["qualification"])));
    assert_eq!(put(json!(9)).await.0, 400);
    assert_eq!(put(json!({"qualification": "education"})).await.0, 400);
    let (_, list) = app.call(&partner, Method::GET, &format!("/v1/customers/{id}/qualifications"), None).await;
    assert_eq!((list[0]["qualification"].clone(), list.as_array().unwrap().len()), (json!("Education"), 1));
    assert_eq!(app.call(&partner, Method::GET, &legacy, None).await, (200, json!("education")));
    assert_eq!(app.call(&new_partner(), Method::PUT, &legacy, Some(&json!("education"))).await.0, 404);
});

store_test!(racing_customers_cannot_both_take_a_codes_last_use, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let code = json!({"validationId": "race", "organizationName": "Contoso Gov", "maxCreates": 3});
    let url = app.url(&format!("/_partnerd/partners/{partner}/validationcodes"));
    assert_eq!(app.http.post(url).json(&code).send().await.unwrap().status().as_u16(), 201);
    let mut ids = Vec::new();
    for _ in 0..8 {
        ids.push(new_customer(&app, &partner).await);
    }
    let body = json!({"qualification": "GovernmentCommunityCloud", "validationCode": "race"});
    let paths: Vec<String> = ids.iter().map(|id| format!("/v1/customers/{id}/qualifications")).collect();
    let answers =
        futures::future::join_all(paths.iter().map(|path| app.call(&partner, Method::POST, path, Some(&body)))).await;
    let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 3, "{statuses:?}");
    assert!(statuses.iter().all(|s| [201, 400, 409].contains(s)), "{statuses:?}");
    let (_, codes) = app.call(&partner, Method::GET, "/v1/customers/all/validations", None).await;
    assert_eq!(codes[0]["remainingCreates"], 0);
});
