//! What the client tests share: a real server over a fresh SQLite database, and clients
//! with short backoff so that retries do not slow the suite down.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::time::Duration;

use partnerd_client::{Client, RetryPolicy};
use partnerd_model::{Customer, PartnerId};
use partnerd_testkit::{token, Kind, TestApp, TestDb};

/// A server and the database it runs over (kept alive together).
pub struct Server {
    pub app: TestApp,
    _db: TestDb,
}

pub async fn server() -> Server {
    server_with(partnerd_server::Config::default()).await
}

pub async fn server_with(config: partnerd_server::Config) -> Server {
    let db = TestDb::new(Kind::Sqlite).await.expect("sqlite");
    let app = TestApp::start_with(&db, config).await;
    Server { app, _db: db }
}

/// Retries as many as the default policy, but milliseconds apart.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(100),
        ..RetryPolicy::default()
    }
}

/// A client for `partner` at `base` (the server or a proxy in front of it).
pub fn client(base: &str, partner: &PartnerId) -> Client {
    Client::builder().base_url(base).token(token(partner)).retry_policy(fast_retries()).build().expect("client")
}

pub fn ids(customers: &[Customer]) -> Vec<String> {
    customers.iter().map(|c| c.id.clone().expect("customer id")).collect()
}
