//! The console's Customers view in a real headless Chromium, against a real partnerd on
//! 127.0.0.1:0 (SQLite): a partner's customers through the real list API, paging, a create
//! that the server refuses, and what the view says when it cannot get a partner token. Each
//! test leaves a screenshot in target/console-screenshots/ (see browser/mod.rs).

mod browser;

use browser::console::{app, customer_names, open, use_partner, ADMIN};
use browser::{click, screenshot, texts, texts_until, type_into, visible, with_browser};
use fantoccini::Locator;
use partnerd_server::Config;
use partnerd_testkit::{fixtures, new_partner};
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filtered_customer_search_pages_forward_and_back() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    let contoso = ["Contoso A", "contoso b", "Contoso C", "Contoso D", "contoso E", "Contoso F", "Contoso G"];
    fixtures::insert_named(&app.store, &partner, &contoso).await;
    fixtures::insert_named(&app.store, &partner, &["Fabrikam", "Adatum", "Zeta"]).await;
    with_browser("filtered_customer_search_pages_forward_and_back", move |client| async move {
        open(&client, &app, "customers").await;
        use_partner(&client, &partner).await;
        type_into(&client, "#customer-search input[name=prefix]", "conto").await;
        client
            .find(Locator::Css("#customer-search select[name=size]"))
            .await
            .unwrap()
            .select_by_label("5")
            .await
            .unwrap();
        click(&client, "#customer-search button[type=submit]").await;

        let names = "#customer-rows tr td:first-child";
        let first = texts_until(&client, names, "the first filtered page", |t| t.len() == 5).await;
        assert_eq!(first, ["Contoso A", "contoso b", "Contoso C", "Contoso D", "contoso E"]);
        assert!(visible(&client, "#page-next").await.is_enabled().await.unwrap());

        click(&client, "#page-next").await;
        let second = texts_until(&client, names, "the second page", |t| t.len() == 2).await;
        assert_eq!(second, ["Contoso F", "Contoso G"]);
        assert!(!client.find(Locator::Id("page-next")).await.unwrap().is_enabled().await.unwrap());
        let label = texts(&client, "#page-label").await.unwrap().concat();
        assert!(label.starts_with("Page 2"), "{label}");
        screenshot(&client, "customers").await;

        click(&client, "#page-prev").await;
        let back = texts_until(&client, names, "the first page again", |t| t.len() == 5).await;
        assert_eq!(back, first);
        assert!(!client.find(Locator::Id("page-prev")).await.unwrap().is_enabled().await.unwrap());

        // Opening one shows both profiles and the billing profile's etag.
        click(&client, "#customer-rows tr:first-child button[data-action=open]").await;
        let title = texts_until(&client, "#customer-side h2", "the opened customer", |t| !t.is_empty()).await;
        assert_eq!(title, ["Contoso A"]);
        // The account sections fill in on their own: read the profiles, which stay put.
        let profiles = "#customer-side section:not([data-account])";
        let sections = texts(&client, &format!("{profiles} h3")).await.unwrap();
        assert_eq!(sections, ["CUSTOMER", "COMPANY PROFILE", "BILLING PROFILE"]);
        let facts = texts(&client, &format!("{profiles} dt")).await.unwrap();
        assert!(facts.iter().any(|f| f == "ETag"), "{facts:?}");
        screenshot(&client, "customer-detail").await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_with_a_missing_field_shows_the_errors_and_creates_nothing() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    with_browser("create_with_a_missing_field_shows_the_errors_and_creates_nothing", move |client| async move {
        open(&client, &app, "customers").await;
        use_partner(&client, &partner).await;
        click(&client, "#customer-new").await;
        let form = "#customer-side form";
        type_into(&client, &format!("{form} input[name='companyProfile.domain']"), "browsertest1.onmicrosoft.com")
            .await;
        type_into(&client, &format!("{form} input[name='billingProfile.companyName']"), "Browser Test").await;
        type_into(&client, &format!("{form} input[name='billingProfile.defaultAddress.addressLine1']"), "1 Way").await;
        type_into(&client, &format!("{form} input[name='billingProfile.defaultAddress.postalCode']"), "98052").await;
        // The email and the city are left empty: the server must refuse the customer.
        click(&client, &format!("{form} button[type=submit]")).await;

        visible(&client, &format!("{form} .error-summary")).await;
        let invalid = format!("{form} input[name='billingProfile.email'][aria-invalid='true']");
        let email = visible(&client, &invalid).await;
        let described_by = email.attr("aria-describedby").await.unwrap().expect("the email input names its error");
        let message = texts(&client, &format!("#{described_by}")).await.unwrap().concat();
        assert!(message.contains("required"), "{message}");
        // Every input marked invalid carries its own message.
        let marked = client.find_all(Locator::Css(&format!("{form} [aria-invalid='true']"))).await.unwrap();
        let notes = client.find_all(Locator::Css(&format!("{form} label .field-error"))).await.unwrap();
        assert_eq!(marked.len(), notes.len());
        // ...and every member the server named is marked at its input.
        let listed = texts(&client, &format!("{form} .error-summary li")).await.unwrap();
        assert_eq!(listed.len(), marked.len(), "{listed:?}");
        screenshot(&client, "customer-create-errors").await;

        assert!(customer_names(&app, &partner).await.is_empty(), "a refused create made a customer");
        let domain = app.request(reqwest::Method::HEAD, &partner, "/v1/domains/browsertest1.onmicrosoft.com");
        assert_eq!(domain.send().await.unwrap().status(), StatusCode::NOT_FOUND);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_production_keys_the_customers_view_says_why_it_cannot_list() {
    let auth = partnerd_server::AuthConfig::Production {
        key: partnerd_server::KeyConfig::Hs256Secret("a-production-secret-of-at-least-32-bytes!".into()),
        issuer: "https://issuer.example".into(),
        audience: "https://api.partnercenter.microsoft.com".into(),
    };
    let (_db, app) = app(Config { auth, admin_token: Some(ADMIN.into()), ..Config::default() }).await;
    let partner = new_partner();
    with_browser("with_production_keys_the_customers_view_says_why_it_cannot_list", move |client| async move {
        client.goto(&app.url("/_partnerd/console#customers")).await.unwrap();
        type_into(&client, "#login-token", ADMIN).await;
        click(&client, "#login-form button[type=submit]").await;
        visible(&client, "#view-customers h1").await;
        type_into(&client, "#partner-id", partner.as_str()).await;
        click(&client, "#partner-form button[type=submit]").await;
        let toasts = texts_until(&client, "#toasts .toast.error", "the explanation", |t| !t.is_empty()).await;
        assert!(toasts.concat().contains("production keys"), "{toasts:?}");
        assert!(texts(&client, "#customer-rows tr").await.unwrap().is_empty());
    })
    .await;
}

/// A customer's page shows its accounts as the API gives them: its users (the admin that
/// creation made, and one more), its directory roles with their members, its licenses with the units used, its attested agreement and
/// its qualifications.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_page_shows_its_users_licenses_agreements_and_qualifications() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    let domain = fixtures::unique_domain();
    let created: serde_json::Value = app
        .request(reqwest::Method::POST, &partner, "/v1/customers")
        .json(&fixtures::create_body(&domain))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().unwrap().to_string();
    let user = serde_json::json!({"userPrincipalName": format!("grace@{domain}"), "displayName": "Grace Hopper",
        "usageLocation": "US", "passwordProfile": {"password": "Compile-r1952", "forceChangePassword": true}});
    let res = app.request(reqwest::Method::POST, &partner, &format!("/v1/customers/{id}/users")).json(&user).send();
    let grace: serde_json::Value = res.await.unwrap().json().await.unwrap();
    let skus = serde_json::json!({"skus": [{"sku": "O365_BUSINESS_PREMIUM", "activeUnits": 10}]});
    let url = app.url(&format!("/_partnerd/partners/{partner}/customers/{id}/subscribedskus"));
    assert_eq!(app.http.put(url).json(&skus).send().await.unwrap().status(), StatusCode::OK);
    let assign = serde_json::json!({"licensesToAssign": [{"skuId": "f245ecc8-75af-4f8e-b61f-27d8114de5f3"}]});
    let path = format!("/v1/customers/{id}/users/{}/licenseupdates", grace["id"].as_str().unwrap());
    let res = app.request(reqwest::Method::POST, &partner, &path).json(&assign).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let meta: serde_json::Value = app
        .get(&partner, "/v1/agreements?agreementType=MicrosoftCustomerAgreement")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attest = serde_json::json!({"primaryContact": {"firstName": "Ada", "lastName": "Lovelace", "email": "ada@contoso.com"},
        "templateId": meta["items"][0]["templateId"], "dateAgreed": "2026-01-02T00:00:00Z", "type": "MicrosoftCustomerAgreement"});
    let res =
        app.request(reqwest::Method::POST, &partner, &format!("/v1/customers/{id}/agreements")).json(&attest).send();
    let res = res.await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    with_browser("a_customer_page_shows_its_users_licenses_agreements_and_qualifications", move |client| async move {
        open(&client, &app, "customers").await;
        use_partner(&client, &partner).await;
        click(&client, "#customer-rows tr:first-child button[data-action=open]").await;
        let titles = texts_until(&client, "#customer-side section[data-account] h3", "the account sections", |t| {
            !t.is_empty() && t.iter().all(|s| s.contains('('))
        })
        .await;
        assert_eq!(
            titles,
            ["USERS (2)", "DIRECTORY ROLES (6)", "LICENSES (1)", "AGREEMENTS (1)", "QUALIFICATIONS (0)"]
        );
        let facts = texts(&client, "#customer-side section[data-account] dd").await.unwrap();
        assert!(facts.iter().any(|f| f.starts_with(&format!("admin@{domain}"))), "{facts:?}");
        assert!(facts.iter().any(|f| f.starts_with(&format!("grace@{domain}"))), "{facts:?}");
        assert!(facts.iter().any(|f| f.starts_with("1 of 10 units used")), "{facts:?}");
        let roles = texts(&client, "#customer-side section[data-account=roles] dt").await.unwrap();
        let admins = roles.iter().position(|r| r == "Company Administrator").expect("the admin role");
        let members = texts(&client, "#customer-side section[data-account=roles] dd").await.unwrap();
        assert_eq!(members[admins], format!("admin@{domain}"), "{members:?}");
        assert!(facts.iter().any(|f| f.contains("ada@contoso.com")), "{facts:?}");
        screenshot(&client, "customer-accounts").await;
    })
    .await;
}
