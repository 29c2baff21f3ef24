//! The list filter in every client spelling (spec §4.2).

use partnerd_testkit::fixtures::{customer, insert, insert_named};
use partnerd_testkit::walk::walk;
use partnerd_testkit::{new_partner, store_test, TestApp};
use serde_json::Value;

fn encode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

async fn names(app: &TestApp, partner: &partnerd_model::PartnerId, query: &str) -> Vec<String> {
    let (_, pages) = walk(app, partner, &format!("/v1/customers?size=2&{query}")).await;
    pages
        .iter()
        .flat_map(|p| p.body["items"].as_array().unwrap().clone())
        .map(|i| i["companyProfile"]["companyName"].as_str().unwrap().to_string())
        .collect()
}

const NAMES: &[&str] = &[
    "Contoso Ltd",
    "contoso pharma",
    "Contour",
    "Ärzte GmbH",
    "ärztekammer",
    "Arzt Praxis",
    "Fabrikam",
    "東京システム",
];

store_test!(every_spelling_of_a_company_name_filter_matches_the_same, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_named(&app.store, &partner, NAMES).await;
    let expected = vec!["Contoso Ltd".to_string(), "contoso pharma".to_string()];
    for json in [
        r#"{"Field":"CompanyName","Value":"CONTOSO","Operator":"starts_with"}"#,
        r#"{"field":"companyName","value":"contoso","operator":"StartsWith","fieldType":"string"}"#,
        r#"{"Field":"DisplayName","Value":"Contoso","Operator":"startsWith"}"#,
        r#"{"Field":"CompanyName","Value":"contoso","Operator":9}"#,
    ] {
        assert_eq!(names(&app, &partner, &format!("filter={}", encode(json))).await, expected, "{json}");
    }
    // The flattened form of the published reference.
    assert_eq!(
        names(&app, &partner, "filter.field=CompanyName&filter.value=Contoso&filter.operator=9").await,
        expected
    );
    // `+` is a space (the .NET and Java SDKs encode spaces that way).
    let plus = "filter=%7B%22Field%22%3A%22CompanyName%22%2C%22Value%22%3A%22contoso+ph%22%2C%22Operator%22%3A%22starts_with%22%7D";
    assert_eq!(names(&app, &partner, plus).await, vec!["contoso pharma".to_string()]);
});

store_test!(unicode_prefixes_match_case_insensitively, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_named(&app.store, &partner, NAMES).await;
    let f = |v: &str| {
        format!("filter={}", encode(&format!(r#"{{"Field":"CompanyName","Value":"{v}","Operator":"starts_with"}}"#)))
    };
    assert_eq!(names(&app, &partner, &f("ärz")).await, vec!["Ärzte GmbH", "ärztekammer"]);
    assert_eq!(names(&app, &partner, &f("ÄRZTEK")).await, vec!["ärztekammer"]);
    assert_eq!(names(&app, &partner, &f("arz")).await, vec!["Arzt Praxis"]);
    assert_eq!(names(&app, &partner, &f("東京")).await, vec!["東京システム"]);
    assert!(names(&app, &partner, &f("zz")).await.is_empty());
    assert_eq!(names(&app, &partner, &f("")).await.len(), NAMES.len());
});

store_test!(domain_and_indirect_reseller_filters, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let reseller = "A1B2C3D4-0000-4000-8000-000000000001";
    let mut customers = vec![customer("Zed", Some(reseller)), customer("Abe", Some(reseller)), customer("Mid", None)];
    customers.push(customer("Other", Some("b1b2c3d4-0000-4000-8000-000000000002")));
    insert(&app.store, &partner, &customers).await;
    let domain = customers[2].domain().to_string();
    let by_domain = format!(
        "filter={}",
        encode(&format!(r#"{{"Field":"Domain","Value":"{}","Operator":"starts_with"}}"#, domain[..10].to_uppercase()))
    );
    assert_eq!(names(&app, &partner, &by_domain).await, vec!["Mid"]);
    let synonym = format!("filter={}", encode(&format!(r#"{{"Field":"DefaultDomainName","Value":"{domain}"}}"#)));
    assert_eq!(names(&app, &partner, &synonym).await, vec!["Mid"]);
    for field in ["IndirectReseller", "IndirectCloudSolutionProvider"] {
        let q = format!(
            "filter={}",
            encode(&format!(r#"{{"Field":"{field}","Value":"{}","Operator":"starts_with"}}"#, reseller.to_lowercase()))
        );
        assert_eq!(names(&app, &partner, &q).await, vec!["Abe", "Zed"], "{field}: ordered by company name");
    }
});

store_test!(bad_filters_are_refused_with_their_codes, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let long = format!(r#"{{"Field":"CompanyName","Value":"{}"}}"#, "x".repeat(257));
    for (filter, code) in [
        ("{not json", 800002),
        (r#"{"Field":"Email","Value":"a","Operator":"starts_with"}"#, 2000),
        (r#"{"Field":"CompanyName","Value":"a","Operator":"equals"}"#, 2000),
        (r#"{"Field":"CompanyName"}"#, 800002),
        (long.as_str(), 800002),
        ("[1,2]", 800002),
    ] {
        let res = app.get(&partner, &format!("/v1/customers?filter={}", encode(filter))).send().await.unwrap();
        assert_eq!(res.status(), 400, "{filter}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], code, "{filter}: {body}");
        assert!(!body["description"].as_str().unwrap().is_empty());
    }
});

store_test!(self_link_echoes_the_query_and_next_carries_the_filter, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_named(&app.store, &partner, NAMES).await;
    let q = format!("size=1&filter={}", encode(r#"{"Field":"CompanyName","Value":"con","Operator":"starts_with"}"#));
    let (_, pages) = walk(&app, &partner, &format!("/v1/customers?{q}")).await;
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[0].body["links"]["self"]["uri"], format!("/v1/customers?{q}"));
    let next = pages[0].body["links"]["next"]["uri"].as_str().unwrap();
    assert!(next.starts_with("/v1/customers?") && next.matches('?').count() == 1, "{next}");
});
