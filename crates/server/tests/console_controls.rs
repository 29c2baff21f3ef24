//! The console's "Faults & time" view in a real headless Chromium, against a real partnerd on
//! 127.0.0.1:0 (SQLite): a fault rule added and removed, reset, the clock, seed and snapshots.
//! Each test leaves a screenshot in target/console-screenshots/ (see browser/mod.rs).

mod browser;

use browser::console::{app, customer_names, listed, open, partner_client, use_partner};
use browser::{click, screenshot, texts_until, type_into, visible, with_browser};
use fantoccini::Locator;
use partnerd_server::Config;
use partnerd_testkit::{fixtures, new_partner};
use reqwest::StatusCode;
use serde_json::Value;

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
