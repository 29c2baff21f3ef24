//! The onboarding through partnerd-client against a real server, on SQLite and PostgreSQL: the
//! country's rules, the address, the customer, the current Microsoft Customer Agreement template
//! and its document, the attestation and its read-back; qualifications, the customer's GCC
//! validation, relationships and managed services; typed refusals naming what to fix.

mod support;

use partnerd_client::Error;
use partnerd_model::agreement::{Agreement, Contact, CUSTOMER_AGREEMENT};
use partnerd_model::{Address, Customer};
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{new_partner, Kind, TestApp, TestDb};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_onboarding_through_the_client_on_sqlite() {
    onboarding(TestDb::new(Kind::Sqlite).await.expect("sqlite")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_onboarding_through_the_client_on_postgres() {
    let Some(db) = TestDb::new(Kind::Postgres).await else { return };
    onboarding(db).await;
}

async fn onboarding(db: TestDb) {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let client = support::client(&app.url(""), &partner);

    let rules = client.country_rules("us").await.unwrap();
    assert_eq!(rules["iso2Code"], "US");
    let address = Address {
        address_line1: Some("1 Microsoft Way".into()),
        city: Some("Redmond".into()),
        state: Some("WA".into()),
        postal_code: Some("98052".into()),
        country: Some("US".into()),
        ..Address::default()
    };
    assert_eq!(client.validate_address(&address).await.unwrap()["status"], "Verified");

    let input: Customer = serde_json::from_value(create_body(&unique_domain())).unwrap();
    let id = client.create(&input).await.unwrap().id.unwrap();
    let templates = client.agreement_metadata(Some(CUSTOMER_AGREEMENT)).await.unwrap();
    let template = templates.items[0].template_id.clone();
    let document = client.agreement_document(&template, Some("US"), Some("es-US")).await.unwrap();
    assert_eq!((document.country.as_str(), document.language.as_str()), ("US", "es-US"));
    assert!(document.download_uri.starts_with("https://"), "{}", document.download_uri);
    match client.agreement_document(&template, Some("us"), None).await {
        Err(Error::Api(e)) => assert_eq!((e.status, e.code, e.data), (400, 800002, vec!["country".to_string()])),
        other => panic!("expected a refusal naming country, got {other:?}"),
    }
    let agreement = Agreement {
        primary_contact: Some(Contact {
            first_name: Some("Ada".into()),
            last_name: Some("Lovelace".into()),
            email: Some("ada@contoso.com".into()),
            phone_number: None,
        }),
        template_id: Some(template.clone()),
        date_agreed: Some("2024-06-14T00:00:00Z".into()),
        agreement_type: Some(CUSTOMER_AGREEMENT.into()),
        ..Agreement::default()
    };
    let attested = client.attest_agreement(&id, &agreement).await.unwrap();
    assert_eq!(attested.template_id.as_deref(), Some(template.as_str()));
    let read = client.agreements(&id, Some(CUSTOMER_AGREEMENT)).await.unwrap();
    assert_eq!(read.items, vec![attested]);
    assert_eq!(client.agreements(&id, None).await.unwrap().total_count, 0, "Cloud Agreement only by default");

    // A future dateAgreed is refused, naming it; the same contact again is Partner Center's
    // 600061, typed.
    let future = Agreement { date_agreed: Some("2999-01-01T00:00:00Z".into()), ..agreement.clone() };
    match client.attest_agreement(&id, &future).await {
        Err(Error::Api(e)) => assert_eq!((e.status, e.data), (400, vec!["dateAgreed".to_string()])),
        other => panic!("expected a refusal naming dateAgreed, got {other:?}"),
    }
    match client.attest_agreement(&id, &agreement).await {
        Err(Error::Api(e)) => assert_eq!((e.status, e.code), (409, 600061)),
        other => panic!("expected 600061, got {other:?}"),
    }

    let added = client.add_qualification(&id, "StateOwnedEntity", None).await.unwrap();
    assert_eq!(client.qualifications(&id).await.unwrap(), vec![added]);
    assert_eq!(client.customer_validations(&id).await.unwrap(), vec![], "no GCC qualification, no validation");
    assert_eq!(client.customer_relationships(&id).await.unwrap().total_count, 0);
    assert_eq!(client.indirect_resellers().await.unwrap().total_count, 0);
    assert_eq!(client.managed_services(&id).await.unwrap().items[0].id, "Exchange");
}
