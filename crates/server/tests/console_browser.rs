//! The console in a real headless Chromium, against a real partnerd on 127.0.0.1:0 (SQLite):
//! what a person sees and does in each view. Every test leaves a screenshot of its view in
//! target/console-screenshots/.

mod browser;

use browser::{click, eventually, screenshot, texts, texts_until, type_into, visible, with_browser, WAIT};
use fantoccini::{Client, Locator};
use partnerd_model::PartnerId;
use partnerd_server::Config;
use partnerd_testkit::{fixtures, new_partner, Kind, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::Value;

const ADMIN: &str = "admin-token-for-the-browser-0123456789";

async fn app(config: Config) -> (TestDb, TestApp) {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start_with(&db, config).await;
    (db, app)
}

/// Opens the console at `view` and waits for the view's heading.
async fn open(client: &Client, app: &TestApp, view: &str) {
    client.goto(&app.url(&format!("/_partnerd/console#{view}"))).await.expect("open the console");
    visible(client, &format!("#view-{view} h1")).await;
}

/// Chooses `partner` in the Customers view and waits for its first page.
async fn use_partner(client: &Client, partner: &PartnerId) {
    type_into(client, "#partner-id", partner.as_str()).await;
    click(client, "#partner-form button[type=submit]").await;
    visible(client, "#page-label").await;
    eventually(WAIT, "the first page", || async {
        let label = texts(client, "#page-label").await?.concat();
        if label.starts_with("Page 1") {
            Ok(())
        } else {
            Err(label)
        }
    })
    .await;
}

async fn customer_names(app: &TestApp, partner: &PartnerId) -> Vec<String> {
    let list: Value = app.get(partner, "/v1/customers").send().await.unwrap().json().await.unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["companyProfile"]["companyName"].as_str().unwrap().into())
        .collect()
}

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
        let sections = texts(&client, "#customer-side section h3").await.unwrap();
        assert_eq!(sections, ["CUSTOMER", "COMPANY PROFILE", "BILLING PROFILE"]);
        let facts = texts(&client, "#customer-side dt").await.unwrap();
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
async fn reset_empties_the_customer_list() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    fixtures::insert_named(&app.store, &partner, &["Contoso", "Fabrikam", "Adatum"]).await;
    with_browser("reset_empties_the_customer_list", move |client| async move {
        open(&client, &app, "customers").await;
        use_partner(&client, &partner).await;
        texts_until(&client, "#customer-rows tr", "three customers", |t| t.len() == 3).await;

        click(&client, "#nav a[data-view=controls]").await;
        click(&client, "#reset-button").await;
        visible(&client, "#confirm-dialog").await;
        screenshot(&client, "reset-confirmation").await;
        click(&client, "#confirm-ok").await;
        texts_until(&client, "#toasts .toast", "the reset to be confirmed", |t| {
            t.iter().any(|m| m.starts_with("Reset"))
        })
        .await;

        click(&client, "#nav a[data-view=customers]").await;
        click(&client, "#customer-search button[type=submit]").await;
        texts_until(&client, "#customer-rows tr", "an empty list", |t| t.is_empty()).await;
        visible(&client, "#customer-empty").await;
        assert!(customer_names(&app, &partner).await.is_empty());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_admin_token_the_console_asks_for_it_once() {
    let (_db, app) = app(Config { admin_token: Some(ADMIN.into()), ..Config::default() }).await;
    with_browser("with_an_admin_token_the_console_asks_for_it_once", move |client| async move {
        client.goto(&app.url("/_partnerd/console#health")).await.unwrap();
        visible(&client, "#login-token").await;
        type_into(&client, "#login-token", "not-the-admin-token").await;
        click(&client, "#login-form button[type=submit]").await;
        let error = texts_until(&client, "#login-error", "the refusal", |t| !t.concat().is_empty()).await;
        assert!(error.concat().contains("not this server"), "{error:?}");

        type_into(&client, "#login-token", ADMIN).await;
        click(&client, "#login-form button[type=submit]").await;
        visible(&client, "#view-health h1").await;
        texts_until(&client, "#health-tiles .tile", "the health figures", |t| t.len() == 6).await;
        screenshot(&client, "health").await;

        // Kept for the tab: a reload goes straight to the view.
        client.refresh().await.unwrap();
        visible(&client, "#view-health h1").await;
        assert!(!client.find(Locator::Id("view-login")).await.unwrap().is_displayed().await.unwrap());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_moves_from_the_console() {
    let (_db, app) = app(Config::default()).await;
    with_browser("the_clock_moves_from_the_console", move |client| async move {
        open(&client, &app, "controls").await;
        texts_until(&client, "#clock-now", "the server's clock", |t| t.concat().contains("offset 0 s")).await;
        click(&client, "button[data-offset-add='90000']").await;
        texts_until(&client, "#clock-now", "the moved clock", |t| t.concat().contains("offset 90000 s")).await;
        texts_until(&client, "#server-info", "the offset in the header", |t| t.concat().contains("clock +90000s"))
            .await;
        let clock: Value = app.http.get(app.url("/_partnerd/clock")).send().await.unwrap().json().await.unwrap();
        assert_eq!(clock["offsetSeconds"], 90000);
        screenshot(&client, "clock").await;

        click(&client, "button[data-offset='0']").await;
        texts_until(&client, "#clock-now", "real time again", |t| t.concat().contains("offset 0 s")).await;
        let clock: Value = app.http.get(app.url("/_partnerd/clock")).send().await.unwrap().json().await.unwrap();
        assert_eq!(clock["offsetSeconds"], 0);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seed_and_snapshot_round_trip_from_the_console() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    let dir = tempfile::tempdir().unwrap();
    with_browser("seed_and_snapshot_round_trip_from_the_console", move |client| async move {
        open(&client, &app, "controls").await;
        type_into(&client, "#state-form input[name=partner]", partner.as_str()).await;
        type_into(&client, "#state-form input[name=count]", "12").await;
        type_into(&client, "#state-form input[name=seed]", "7").await;
        click(&client, "#seed-button").await;
        click(&client, "#confirm-ok").await;
        texts_until(&client, "#toasts .toast", "the seed", |t| t.iter().any(|m| m.starts_with("Seeded 12"))).await;
        let seeded = customer_names(&app, &partner).await;
        assert_eq!(seeded.len(), 12);

        click(&client, "#snapshot-download").await;
        texts_until(&client, "#toasts .toast", "the download", |t| {
            t.iter().any(|m| m.starts_with("Snapshot downloaded"))
        })
        .await;

        // The same snapshot, saved as a file, is uploaded after a reset and brings the customers back.
        let snapshot = app.http.get(app.url(&format!("/_partnerd/snapshot?partner={partner}"))).send().await.unwrap();
        let file = dir.path().join("snapshot.jsonl");
        std::fs::write(&file, snapshot.bytes().await.unwrap()).unwrap();
        assert!(app.http.post(app.url("/_partnerd/reset")).send().await.unwrap().status().is_success());
        assert!(customer_names(&app, &partner).await.is_empty());
        let input = client.find(Locator::Id("snapshot-file")).await.unwrap();
        input.send_keys(&file.display().to_string()).await.unwrap();
        click(&client, "#confirm-ok").await;
        texts_until(&client, "#toasts .toast", "the upload", |t| t.iter().any(|m| m.contains("loaded"))).await;
        screenshot(&client, "snapshot").await;
        assert_eq!(customer_names(&app, &partner).await, seeded);
    })
    .await;
}
