//! What the console tests share: a partnerd to point the browser at, and the moves every view
//! starts with (open a view, choose a partner, read a partner's customers back).

use fantoccini::Client;
use futures::TryStreamExt;
use partnerd_client::{ListQuery, RetryPolicy};
use partnerd_model::{Customer, PartnerId};
use partnerd_server::Config;
use partnerd_testkit::{token, Kind, TestApp, TestDb};
use serde_json::Value;

use super::{click, eventually, texts, type_into, visible, WAIT};

/// The admin token of the tests that start partnerd with one.
pub const ADMIN: &str = "admin-token-for-the-browser-0123456789";

/// A partnerd on 127.0.0.1:0 over a fresh SQLite database, with `config`; keep the database
/// alive as long as the server.
pub async fn app(config: Config) -> (TestDb, TestApp) {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start_with(&db, config).await;
    (db, app)
}

/// Opens the console at `view` and waits for the view's heading.
pub async fn open(client: &Client, app: &TestApp, view: &str) {
    client.goto(&app.url(&format!("/_partnerd/console#{view}"))).await.expect("open the console");
    visible(client, &format!("#view-{view} h1")).await;
}

/// Chooses `partner` in the Customers view and waits for its first page.
pub async fn use_partner(client: &Client, partner: &PartnerId) {
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

/// The company names of `partner`'s first page, read over the API.
pub async fn customer_names(app: &TestApp, partner: &PartnerId) -> Vec<String> {
    let list: Value = app.get(partner, "/v1/customers").send().await.unwrap().json().await.unwrap();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["companyProfile"]["companyName"].as_str().unwrap().into())
        .collect()
}

/// A partnerd-client for `partner` that makes exactly one attempt per call.
pub fn partner_client(app: &TestApp, partner: &PartnerId) -> partnerd_client::Client {
    partnerd_client::Client::builder()
        .base_url(app.url(""))
        .token(token(partner))
        .retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
        .build()
        .unwrap()
}

/// The names of `pc`'s customers, read with the client's own listing.
pub async fn listed(pc: &partnerd_client::Client) -> Result<Vec<String>, partnerd_client::Error> {
    let customers: Vec<Customer> = pc.list(&ListQuery::new()).try_collect().await?;
    Ok(customers.iter().map(|c| c.company_name().to_string()).collect())
}
