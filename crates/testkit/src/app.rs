//! A real partnerd server on 127.0.0.1:0.

use std::net::SocketAddr;
use std::time::Duration;

use partnerd_model::PartnerId;
use partnerd_server::{AppState, Config, ServeConfig};
use partnerd_store::{OfflineStore, Store};

use crate::TestDb;

/// A running server and a client for it; the server stops when this is dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    /// The operator's handle on the server's database, for fixtures and checks.
    pub store: OfflineStore,
    pub http: reqwest::Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    /// Starts a server over `db` with the default (development) configuration.
    pub async fn start(db: &TestDb) -> TestApp {
        Self::start_with(db, Config::default()).await
    }

    pub async fn start_with(db: &TestDb, config: Config) -> TestApp {
        let store = db.open().await;
        Self::serve(store, config).await
    }

    /// Starts a server over an already opened store.
    pub async fn serve(store: Store, config: Config) -> TestApp {
        Self::serve_with(store, config, ServeConfig::default()).await
    }

    /// Starts a server with explicit limits, TLS and metrics settings.
    pub async fn serve_with(store: Store, config: Config, serve: ServeConfig) -> TestApp {
        let offline = store.offline();
        let state = AppState::new(store, config).await.expect("app state");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let app = partnerd_server::build_app_with(state, &serve);
        tokio::spawn(partnerd_server::serve_with(listener, app, serve, async move {
            let _ = rx.await;
        }));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        TestApp { addr, store: offline, http, shutdown: Some(tx) }
    }

    /// `http://127.0.0.1:port` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// A GET with a valid development token for `partner`.
    pub fn get(&self, partner: &PartnerId, path: &str) -> reqwest::RequestBuilder {
        self.http.get(self.url(path)).bearer_auth(token(partner))
    }

    /// Any method, authenticated as `partner`.
    pub fn request(&self, method: reqwest::Method, partner: &PartnerId, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(path)).bearer_auth(token(partner))
    }

    /// Sends `method path` as `partner`, with `body` as JSON when given: the status and the
    /// answer read as JSON (`null` when it is not JSON).
    pub async fn call(
        &self,
        partner: &PartnerId,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut req = self.request(method, partner, path);
        if let Some(body) = body {
            req = req.json(body);
        }
        let res = req.send().await.expect("the test server answers");
        let status = res.status().as_u16();
        let text = res.text().await.expect("the answer's body");
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::Null))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// A valid development token for `partner`.
pub fn token(partner: &PartnerId) -> String {
    partnerd_server::mint_dev_token(partner, Duration::from_secs(3600))
}

/// A random partner id.
pub fn new_partner() -> PartnerId {
    PartnerId::parse(&uuid::Uuid::new_v4().to_string()).expect("uuid")
}
