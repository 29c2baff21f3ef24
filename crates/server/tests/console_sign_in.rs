//! The console behind an admin token, in a real headless Chromium against a real partnerd on
//! 127.0.0.1:0 (SQLite): the sign-in form, the token kept for the tab, and the Health view it
//! lands on. The test leaves a screenshot in target/console-screenshots/ (see browser/mod.rs).

mod browser;

use browser::console::{app, ADMIN};
use browser::{click, screenshot, texts_until, type_into, visible, with_browser};
use fantoccini::Locator;
use partnerd_server::Config;

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
