//! The console in a real headless Chromium, against a real partnerd on 127.0.0.1:0 (SQLite):
//! what a person sees and does in each view. Every test leaves a screenshot of its view in
//! target/console-screenshots/.

mod browser;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use browser::{click, eventually, screenshot, texts, texts_until, type_into, visible, with_browser, WAIT};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use futures::TryStreamExt;
use partnerd_client::{ListQuery, RetryPolicy};
use partnerd_model::{Customer, PartnerId};
use partnerd_server::Config;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{fixtures, new_partner, token, Kind, TestApp, TestDb};
use reqwest::StatusCode;
use serde_json::{json, Value};

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

/// A partnerd-client for `partner` that makes exactly one attempt per call.
fn partner_client(app: &TestApp, partner: &PartnerId) -> partnerd_client::Client {
    partnerd_client::Client::builder()
        .base_url(app.url(""))
        .token(token(partner))
        .retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
        .build()
        .unwrap()
}

/// The names of `pc`'s customers, read with the client's own listing.
async fn listed(pc: &partnerd_client::Client) -> Result<Vec<String>, partnerd_client::Error> {
    let customers: Vec<Customer> = pc.list(&ListQuery::new()).try_collect().await?;
    Ok(customers.iter().map(|c| c.company_name().to_string()).collect())
}

fn epoch_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as i64
}

/// Waits until the traffic view follows the journal live.
async fn live(client: &Client) {
    texts_until(client, "#traffic-live", "the live tail", |t| t.concat() == "live").await;
}

/// Notes (in `window.arrivedAt`, browser wall-clock ms) when a traffic row first shows `marker`.
async fn watch_rows_for(client: &Client, marker: &str) {
    let script = "const [marker] = arguments; window.arrivedAt = null;
        const rows = document.querySelector('#traffic-rows');
        new MutationObserver((_, observer) => {
          if (rows.textContent.includes(marker)) { window.arrivedAt = Date.now(); observer.disconnect(); }
        }).observe(rows, { childList: true, subtree: true, characterData: true });";
    client.execute(script, vec![json!(marker)]).await.expect("observe the rows");
}

/// Every address the page has finished fetching (a stream still open is not among them).
async fn fetched(client: &Client) -> Vec<String> {
    let names = "return performance.getEntriesByType('resource').map((e) => e.name)";
    serde_json::from_value(client.execute(names, vec![]).await.unwrap()).unwrap()
}

/// Asserts that the page read the journal once and its live tail is still open: a row that
/// appeared since came by the stream, not by a reload after the stream failed.
async fn came_by_the_live_tail(client: &Client) {
    let fetched = fetched(client).await;
    let lists = fetched.iter().filter(|u| u.ends_with("/_partnerd/requests")).count();
    assert_eq!(lists, 1, "{fetched:?}");
    assert!(!fetched.iter().any(|u| u.contains("/_partnerd/requests/stream")), "the tail ended: {fetched:?}");
    assert_eq!(texts(client, "#traffic-live").await.unwrap().concat(), "live");
}

/// The id of the traffic row that shows `method` and `marker`, once there is one (within `within`).
async fn traffic_row(client: &Client, method: &str, marker: &str, within: Duration) -> String {
    eventually(within, &format!("a {method} row for {marker}"), || async {
        let rows = client.find_all(Locator::Css("#traffic-rows tr")).await.map_err(|e| e.to_string())?;
        let mut seen = Vec::new();
        for row in rows {
            let text = row.text().await.map_err(|e| e.to_string())?;
            if text.contains(marker) && text.contains(method) {
                return row.attr("data-id").await.map_err(|e| e.to_string())?.ok_or("a row without an id".into());
            }
            seen.push(text);
        }
        Err(format!("{seen:?}"))
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_traffic_view_shows_a_request_made_by_partnerd_client_within_a_second() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    with_browser(
        "the_traffic_view_shows_a_request_made_by_partnerd_client_within_a_second",
        move |client| async move {
            open(&client, &app, "traffic").await;
            live(&client).await;
            let marker = &partner.as_str()[..8];
            watch_rows_for(&client, marker).await;

            let domain = unique_domain();
            let customer: Customer = serde_json::from_value(create_body(&domain)).unwrap();
            let created = partner_client(&app, &partner).create(&customer).await.expect("the create");
            let answered = epoch_ms();
            let id = traffic_row(&client, "POST", marker, Duration::from_secs(1)).await;
            let arrived = client.execute("return window.arrivedAt", vec![]).await.unwrap();
            if let Some(at) = arrived.as_i64() {
                eprintln!(
                    "the request was in the traffic list {} ms after partnerd-client had its answer",
                    at - answered
                );
            }
            came_by_the_live_tail(&client).await;
            screenshot(&client, "traffic").await;

            // Its detail: the route, both header sets, both bodies and the request as curl.
            click(&client, &format!("#traffic-rows tr[data-id='{id}'] button")).await;
            let title = texts_until(&client, "#traffic-detail h2", "the detail", |t| !t.is_empty()).await.concat();
            assert!(title.contains("201") && title.contains("POST /v1/customers"), "{title}");
            let sections = texts(&client, "#traffic-detail section h3").await.unwrap();
            assert_eq!(
                sections,
                ["REQUEST HEADERS", "REQUEST BODY", "RESPONSE HEADERS", "RESPONSE BODY", "AS CURL"],
                "{sections:?}"
            );
            let headers = texts(&client, "#traffic-detail table.kv th").await.unwrap();
            for name in ["ms-requestid", "ms-correlationid", "content-type"] {
                assert!(headers.iter().any(|h| h.eq_ignore_ascii_case(name)), "{name} not in {headers:?}");
            }
            let bodies = texts(&client, "#traffic-detail pre.body").await.unwrap();
            assert!(bodies[0].contains(&domain), "the request body: {}", bodies[0]);
            let created_id = created.id.as_deref().unwrap();
            assert!(bodies[1].contains(created_id), "the response body: {}", bodies[1]);
            let curl = texts(&client, "#curl-command").await.unwrap().concat();
            assert!(curl.starts_with("curl -i -X POST"), "{curl}");
            assert!(curl.contains(&app.url("/v1/customers")), "{curl}");
            assert!(curl.contains("$PARTNERD_TOKEN") && curl.contains(&domain), "{curl}");
            screenshot(&client, "traffic-detail").await;
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_503_fault_added_in_the_console_fails_the_next_call_and_removing_it_restores_service() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    fixtures::insert_named(&app.store, &partner, &["Contoso"]).await;
    with_browser(
        "a_503_fault_added_in_the_console_fails_the_next_call_and_removing_it_restores_service",
        move |client| async move {
            let pc = partner_client(&app, &partner);
            assert_eq!(listed(&pc).await.unwrap(), ["Contoso"]);

            open(&client, &app, "controls").await;
            visible(&client, "#fault-empty").await;
            let form = "#fault-form";
            client
                .find(Locator::Css(&format!("{form} select[name=method]")))
                .await
                .unwrap()
                .select_by_label("GET")
                .await
                .unwrap();
            type_into(&client, &format!("{form} input[name=route]"), "/v1/customers").await;
            type_into(&client, &format!("{form} input[name=status]"), "503").await;
            type_into(&client, &format!("{form} input[name=retryAfter]"), "7").await;
            click(&client, &format!("{form} button[type=submit]")).await;
            let rules =
                texts_until(&client, "#fault-rows tr td:first-child", "the rule in the table", |t| t.len() == 1).await;
            assert_eq!(rules, ["GET /v1/customers → answer 503, Retry-After 7 s"]);
            screenshot(&client, "faults").await;

            // The next call fails as the rule says, with Retry-After...
            let failed = app.get(&partner, "/v1/customers").send().await.unwrap();
            assert_eq!(failed.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(failed.headers()["retry-after"], "7");
            let error = listed(&pc).await.unwrap_err();
            assert_eq!(error.status(), Some(503), "{error}");

            // ...and removing the rule in the console brings the service back.
            click(&client, "#fault-rows tr:first-child button[data-remove]").await;
            visible(&client, "#fault-empty").await;
            let res = app.get(&partner, "/v1/customers").send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            assert_eq!(listed(&pc).await.unwrap(), ["Contoso"]);

            // The traffic view badges the failed calls.
            click(&client, "#nav a[data-view=traffic]").await;
            click(&client, "#traffic-filters input[name=flagged]").await;
            let badges = texts_until(&client, "#traffic-rows .badge.fault", "the fault badges", |t| t.len() == 2).await;
            assert!(badges.iter().all(|b| b == "fault 503"), "{badges:?}");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_an_admin_token_the_traffic_view_follows_the_live_tail() {
    let (_db, app) = app(Config { admin_token: Some(ADMIN.into()), ..Config::default() }).await;
    let partner = new_partner();
    fixtures::insert_named(&app.store, &partner, &["Contoso"]).await;
    with_browser("with_an_admin_token_the_traffic_view_follows_the_live_tail", move |client| async move {
        client.goto(&app.url("/_partnerd/console#traffic")).await.unwrap();
        type_into(&client, "#login-token", ADMIN).await;
        click(&client, "#login-form button[type=submit]").await;
        visible(&client, "#view-traffic h1").await;
        live(&client).await;

        let pc = partner_client(&app, &partner);
        assert_eq!(listed(&pc).await.unwrap(), ["Contoso"]);
        traffic_row(&client, "GET", &partner.as_str()[..8], WAIT).await;
        screenshot(&client, "traffic-admin").await;

        came_by_the_live_tail(&client).await;
        // The token went in a header only: no address the page fetched carries it.
        assert!(fetched(&client).await.iter().all(|u| !u.contains(ADMIN)));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paging_walk_is_drawn_as_a_chain_of_linked_pages() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    fixtures::insert_many(&app.store, &partner, 12).await;
    with_browser("a_paging_walk_is_drawn_as_a_chain_of_linked_pages", move |client| async move {
        open(&client, &app, "traffic").await;
        live(&client).await;
        // Three pages of five, five and two, each asked with the token the page before handed out.
        let pages: Vec<_> =
            partner_client(&app, &partner).pages(&ListQuery::new().size(5)).try_collect().await.expect("the walk");
        assert_eq!(pages.len(), 3);
        let marker = &partner.as_str()[..8];
        texts_until(&client, "#traffic-rows tr", "the three list requests", |rows| {
            rows.iter().filter(|r| r.contains(marker)).count() == 3
        })
        .await;

        // The middle page (the second row from the bottom: newest first) shows the whole walk.
        let ids = eventually(WAIT, "the rows' ids", || async {
            let mut ids = Vec::new();
            for row in client.find_all(Locator::Css("#traffic-rows tr")).await.map_err(|e| e.to_string())? {
                ids.push(row.attr("data-id").await.map_err(|e| e.to_string())?.unwrap_or_default());
            }
            Ok::<_, String>(ids)
        })
        .await;
        click(&client, &format!("#traffic-rows tr[data-id='{}'] button", ids[1])).await;
        let title = texts_until(&client, "#chain-host h3", "the chain", |t| !t.is_empty()).await.concat();
        assert_eq!(title, "PAGING CHAIN (3 PAGES)");
        let boxes = texts(&client, "#chain-host ol.chain li").await.unwrap();
        assert_eq!(boxes.len(), 3, "{boxes:?}");
        for (page, text) in boxes.iter().enumerate() {
            assert!(text.starts_with(&format!("Page {}", page + 1)), "{text}");
        }
        assert!(boxes[0].contains("first") && boxes[1].contains("Next"), "{boxes:?}");
        assert!(boxes[2].contains("2 items"), "{boxes:?}");
        let current = texts(&client, "#chain-host li.current strong").await.unwrap();
        assert_eq!(current, ["Page 2"]);
        screenshot(&client, "traffic-chain").await;

        // Each box opens its page.
        click(&client, "#chain-host ol.chain li:last-child button").await;
        texts_until(&client, "#chain-host li.current strong", "the last page opened", |t| t == ["Page 3"]).await;
    })
    .await;
}

/// The `id` of the element that has the keyboard focus.
async fn focused(client: &Client) -> String {
    client.active_element().await.unwrap().attr("id").await.unwrap().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_traffic_detail_and_a_confirmation_work_from_the_keyboard() {
    let (_db, app) = app(Config::default()).await;
    let partner = new_partner();
    with_browser("the_traffic_detail_and_a_confirmation_work_from_the_keyboard", move |client| async move {
        open(&client, &app, "traffic").await;
        live(&client).await;
        listed(&partner_client(&app, &partner)).await.unwrap();
        let id = traffic_row(&client, "GET", &partner.as_str()[..8], WAIT).await;

        // Enter on a row's time opens the detail, which takes the focus.
        visible(&client, &format!("#traffic-rows tr[data-id='{id}'] button"))
            .await
            .send_keys(&Key::Enter)
            .await
            .unwrap();
        let title = texts_until(&client, "#traffic-detail h2", "the detail", |t| !t.is_empty()).await.concat();
        assert!(title.contains("GET /v1/customers"), "{title}");
        eventually(WAIT, "the focus on the detail", || async {
            let id = focused(&client).await;
            if id == "traffic-detail" {
                Ok(())
            } else {
                Err(id)
            }
        })
        .await;

        // A confirmation starts on Cancel, and Escape cancels it: the journal stays.
        visible(&client, "#traffic-clear").await.send_keys(&Key::Enter).await.unwrap();
        visible(&client, "#confirm-dialog").await;
        assert_eq!(focused(&client).await, "confirm-cancel");
        client.active_element().await.unwrap().send_keys(&Key::Escape).await.unwrap();
        eventually(WAIT, "the dialog to close", || async {
            let open = client.find(Locator::Id("confirm-dialog")).await.map_err(|e| e.to_string())?;
            match open.attr("open").await.map_err(|e| e.to_string())? {
                None => Ok(()),
                Some(_) => Err("still open".to_string()),
            }
        })
        .await;
        let journal: Value = app.http.get(app.url("/_partnerd/requests")).send().await.unwrap().json().await.unwrap();
        assert_eq!(journal["totalCount"], 1, "Escape cleared nothing: {journal}");
        assert_eq!(texts(&client, "#traffic-rows tr").await.unwrap().len(), 1);
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
