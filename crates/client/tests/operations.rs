//! Every single-resource operation against a real server, and their typed refusals.

mod support;

use partnerd_client::Error;
use partnerd_model::{Customer, Relationship};
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::new_partner;

fn new_customer(domain: &str) -> Customer {
    serde_json::from_value(create_body(domain)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_then_read_the_customer_and_its_profiles() {
    let server = support::server().await;
    let client = support::client(&server.app.url(""), &new_partner());
    let domain = unique_domain();
    assert!(!client.domain_exists(&domain).await.unwrap());

    let created = client.create(&new_customer(&domain)).await.unwrap();
    let id = created.id.clone().unwrap();
    let credentials = created.user_credentials.clone().unwrap();
    assert_eq!(credentials.user_name.as_deref(), Some("admin"));
    assert_eq!(created.relationship_to_partner, Some(Relationship::Reseller));
    assert!(client.domain_exists(&domain).await.unwrap());
    assert!(client.domain_exists(&domain.to_uppercase()).await.unwrap(), "domains compare case-insensitively");

    let got = client.get(&id.to_uppercase()).await.unwrap();
    assert_eq!(
        got,
        Customer { user_credentials: None, ..created.clone() },
        "GET gives the created customer, without credentials"
    );
    let company = client.company_profile(&id).await.unwrap();
    assert_eq!(company.domain.as_deref(), Some(domain.as_str()));
    assert_eq!(company.tenant_id.as_deref(), Some(id.as_str()));
    let billing = client.billing_profile(&id).await.unwrap();
    assert_eq!(billing.company_name.as_deref(), Some("Lovelace Analytical"));

    let taken = client.create(&new_customer(&domain)).await.unwrap_err();
    assert_eq!((taken.status(), taken.code()), (Some(409), Some(600006)), "{taken:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn billing_updates_are_conditional_on_the_etag_they_were_read_with() {
    let server = support::server().await;
    let client = support::client(&server.app.url(""), &new_partner());
    let id = client.create(&new_customer(&unique_domain())).await.unwrap().id.unwrap();
    let read = client.billing_profile(&id).await.unwrap();
    let etag = |p: &partnerd_model::BillingProfile| p.attributes.as_ref().and_then(|a| a.etag.clone()).unwrap();

    let mut change = read.clone();
    change.email = Some("new@example.com".into());
    let updated = client.update_billing_profile(&id, &change).await.unwrap();
    assert_eq!(updated.email.as_deref(), Some("new@example.com"));
    assert_ne!(etag(&updated), etag(&read));
    assert_eq!(client.billing_profile(&id).await.unwrap().email.as_deref(), Some("new@example.com"));

    let mut stale = read.clone();
    stale.email = Some("stale@example.com".into());
    let err = client.update_billing_profile(&id, &stale).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(412), Some(2055)), "{err:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn removing_the_relationship_and_deleting_make_the_customer_unknown() {
    let server = support::server().await;
    let client = support::client(&server.app.url(""), &new_partner());
    let leaving = client.create(&new_customer(&unique_domain())).await.unwrap().id.unwrap();
    let deleted = client.create(&new_customer(&unique_domain())).await.unwrap().id.unwrap();

    let answer = client.remove_relationship(&leaving).await.unwrap();
    assert_eq!(answer.relationship_to_partner, Some(Relationship::None));
    client.delete(&deleted).await.unwrap();
    for id in [&leaving, &deleted] {
        let err = client.get(id).await.unwrap_err();
        assert!(matches!(&err, Error::Api(api) if api.status == 404 && api.code == 1000), "{err:?}");
    }
    let page = client.list_page(&Default::default()).await.unwrap();
    assert!(page.items.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn production_refuses_deletion() {
    let server = support::server_with(partnerd_testkit::production::config()).await;
    let partner = new_partner();
    let client = partnerd_client::Client::builder()
        .base_url(server.app.url(""))
        .token(partnerd_testkit::production::token(&partner))
        .retry_policy(support::fast_retries())
        .build()
        .expect("client");
    let id = client.create(&new_customer(&unique_domain())).await.unwrap().id.unwrap();
    let err = client.delete(&id).await.unwrap_err();
    assert_eq!((err.status(), err.code()), (Some(403), Some(900127)), "{err:?}");
    assert_eq!(err.to_string(), "HTTP 403, code 900127: Deleting customers is only available in sandbox deployments.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_input_names_the_member() {
    let server = support::server().await;
    let client = support::client(&server.app.url(""), &new_partner());
    let mut input = new_customer(&unique_domain());
    input.billing_profile.as_mut().unwrap().email = None;
    let err = client.create(&input).await.unwrap_err();
    let Error::Api(api) = err else { panic!("{err:?}") };
    assert_eq!((api.status, api.code), (400, 800002));
    assert!(api.data.iter().any(|d| d.contains("email")), "{api:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_relationship_request_link_names_the_partner() {
    let server = support::server().await;
    let partner = new_partner();
    let client = support::client(&server.app.url(""), &partner);
    let request = client.relationship_request().await.unwrap();
    assert!(request.url.contains(partner.as_str()), "{}", request.url);
    assert_eq!(request.attributes.object_type.as_deref(), Some("RelationshipRequest"));
}
