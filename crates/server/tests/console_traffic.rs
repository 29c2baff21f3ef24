//! The console's Traffic view in a real headless Chromium, against a real partnerd on 127.0.0.1:0
//! (SQLite): requests made by partnerd-client arriving through the live tail, with and without an
//! admin token, a paging walk drawn as a chain, and the detail and a confirmation from the
//! keyboard. Each test leaves a screenshot in target/console-screenshots/ (see browser/mod.rs).

mod browser;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use browser::console::{app, listed, open, partner_client, ADMIN};
use browser::{click, eventually, screenshot, texts, texts_until, type_into, visible, with_browser, WAIT};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use futures::TryStreamExt;
use partnerd_client::ListQuery;
use partnerd_model::Customer;
use partnerd_server::Config;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::{fixtures, new_partner};
use serde_json::{json, Value};

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
