//! Customers for tests: complete ones to insert directly, and create-request bodies.

use partnerd_model::assemble::NewIds;
use partnerd_model::canonical::read_lenient;
use partnerd_model::{Address, BillingProfile, CompanyProfile, Customer, NewCustomer, PartnerId};
use partnerd_store::{CustomerRecord, OfflineStore};
use serde_json::{json, Value};

/// A unique, valid initial domain.
pub fn unique_domain() -> String {
    format!("t{}.onmicrosoft.com", &uuid::Uuid::new_v4().simple().to_string()[..20])
}

/// A complete customer named `name` (optionally with an indirect reseller). A POST needs a
/// billing company name that is not blank, so a blank `name` is the company's alone; an empty
/// one gives a customer without a company name, as importing a list item without one does.
pub fn customer(name: &str, associated_partner: Option<&str>) -> Customer {
    let domain = unique_domain();
    let billing_name = if name.trim().is_empty() { "Fixture Billing" } else { name };
    let input = Customer {
        company_profile: Some(CompanyProfile {
            domain: Some(domain.clone()),
            company_name: (!name.is_empty()).then(|| name.into()),
            ..Default::default()
        }),
        billing_profile: Some(BillingProfile {
            email: Some(format!("billing@{domain}")),
            culture: Some("en-US".into()),
            language: Some("en".into()),
            company_name: Some(billing_name.into()),
            default_address: Some(Address {
                country: Some("US".into()),
                city: Some("Redmond".into()),
                address_line1: Some("1 Microsoft Way".into()),
                postal_code: Some("98052".into()),
                ..Default::default()
            }),
            ..Default::default()
        }),
        associated_partner_id: associated_partner.map(str::to_string),
        ..Default::default()
    };
    let new = if name.is_empty() { NewCustomer::listed(input) } else { NewCustomer::try_from(input) };
    new.expect("fixtures are valid").assemble(NewIds::random())
}

/// Inserts customers with these names for `partner`; returns them in insertion order.
pub async fn insert_named(store: &OfflineStore, partner: &PartnerId, names: &[&str]) -> Vec<Customer> {
    let customers: Vec<Customer> = names.iter().map(|n| customer(n, None)).collect();
    insert(store, partner, &customers).await;
    customers
}

/// Inserts `n` customers with varied names for `partner`.
pub async fn insert_many(store: &OfflineStore, partner: &PartnerId, n: usize) -> Vec<Customer> {
    const STEMS: &[&str] =
        &["Contoso", "contoso", "Ärzte", "Fabrikam", "Zürich", "Ölwerk", "Alpha", "alpha beta", "東京"];
    let customers: Vec<Customer> =
        (0..n).map(|i| customer(&format!("{} {}", STEMS[i % STEMS.len()], i / STEMS.len() % 7), None)).collect();
    insert(store, partner, &customers).await;
    customers
}

pub async fn insert(store: &OfflineStore, partner: &PartnerId, customers: &[Customer]) {
    let records = customers.iter().map(|c| CustomerRecord::of_customer(c).expect("fixtures are valid").0).collect();
    let skipped = store.for_partner(partner).insert_many(records, true).await.expect("insert fixtures");
    assert!(skipped.is_empty(), "fixture domains collided");
}

/// The create request of [`create_body`], parsed.
pub fn new_customer(domain: &str) -> NewCustomer {
    let body: Customer = read_lenient(create_body(domain)).expect("the fixture body reads");
    NewCustomer::try_from(body).expect("the fixture body is valid")
}

/// A valid create-request body (camelCase, as Java and Python send it).
pub fn create_body(domain: &str) -> Value {
    json!({
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "firstName": "Ada", "lastName": "Lovelace",
            "email": "ada@example.com", "culture": "en-US", "language": "en", "companyName": "Lovelace Analytical",
            "defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": "1 Microsoft Way", "postalCode": "98052"}
        }
    })
}
