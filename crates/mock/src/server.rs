//! Starting and stopping the in-process server, and what a client needs to reach it.

use std::net::SocketAddr;
use std::time::Duration;

use partnerd_client::control::ControlClient;
use partnerd_client::{Client, ClientBuilder};
use partnerd_model::PartnerId;
use partnerd_server::{AppState, Clock, Config, Mode};
use partnerd_store::{Location, Store};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How long the tokens this helper mints are valid, counted on the server's clock.
const TOKEN_TTL: Duration = Duration::from_secs(3600);

/// A partnerd running in this process on `127.0.0.1:0`; it stops when dropped.
///
/// Start it inside a Tokio runtime (`#[tokio::test]`, either flavour): the server runs as a
/// task of that runtime.
pub struct MockServer {
    addr: SocketAddr,
    state: AppState,
    pub(crate) control: ControlClient,
    pub(crate) journal_size: usize,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl MockServer {
    /// A server with the defaults: sandbox mode, development tokens for any partner, an open
    /// control plane, a journal of the last 1,000 requests, no faults, real time.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// assert!(server.uri().starts_with("http://127.0.0.1:"));
    /// # }
    /// ```
    pub async fn start() -> MockServer {
        MockServer::start_with(Config::default()).await
    }

    /// A server with this configuration, say a bigger journal, a fault seed, faults in force
    /// from the start, or an admin token (which the control-plane methods then send). The
    /// store is always a fresh in-memory one.
    ///
    /// # Panics
    ///
    /// In production mode without an admin token, where partnerd has no control plane for the
    /// helper to drive.
    ///
    /// ```
    /// use partnerd_mock::{Config, MockServer};
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = MockServer::start_with(Config { fault_seed: Some(7), journal_size: 10_000, ..Config::default() }).await;
    /// # drop(server);
    /// # }
    /// ```
    pub async fn start_with(config: Config) -> MockServer {
        assert!(
            config.mode == Mode::Sandbox || config.admin_token.is_some(),
            "partnerd serves no control plane in production mode without an admin token"
        );
        let store = Store::open(&Location::Memory).await.expect("opening an in-memory store");
        let (admin_token, journal_size) = (config.admin_token.clone(), config.journal_size);
        let state = AppState::new(store, config).await.expect("preparing the server");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("binding 127.0.0.1:0");
        let addr = listener.local_addr().expect("the bound address");
        let (stop, stopped) = oneshot::channel::<()>();
        let app = partnerd_server::build_app(state.clone());
        let task = tokio::spawn(partnerd_server::serve(listener, app, async move {
            let _ = stopped.await;
        }));
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("an HTTP client");
        let control = ControlClient::new(http, &format!("http://{addr}"), admin_token);
        MockServer { addr, state, control, journal_size, stop: Some(stop), task: Some(task) }
    }

    /// `http://127.0.0.1:PORT`: the base URL for a client (it serves `/v1/...` and `/_partnerd/...`).
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.addr
    }

    /// A development bearer token for `partner` (any GUID; a partner needs no setting up),
    /// issued at the server's clock and valid for an hour of it. Time travel expires it like
    /// Partner Center's tokens expire: mint another after moving the clock by an hour or more.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// let res = reqwest::Client::new()
    ///     .get(format!("{}/v1/customers", server.uri()))
    ///     .bearer_auth(server.token_for(&partner))
    ///     .send()
    ///     .await
    ///     .unwrap();
    /// assert_eq!(res.status(), 200);
    /// # }
    /// ```
    pub fn token_for(&self, partner: &PartnerId) -> String {
        mint(partner, self.state.clock())
    }

    /// A [`partnerd_client::Client`] for `partner` on this server, with the default retry
    /// policy. Its token is minted afresh from the server's clock for every attempt, so it
    /// keeps working across time travel.
    pub fn client_for(&self, partner: &PartnerId) -> Client {
        self.client_builder_for(partner).build().expect("a client for a loopback URL")
    }

    /// [`MockServer::client_for`]'s builder, to change the retry policy or timeout first.
    ///
    /// ```
    /// use std::time::Duration;
    /// use partnerd_client::RetryPolicy;
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// let quick = RetryPolicy { base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    /// let client = server.client_builder_for(&partner).retry_policy(quick).build().unwrap();
    /// assert!(client.get("5eed0000-0000-4000-8000-00000000beef").await.is_err());
    /// # }
    /// ```
    pub fn client_builder_for(&self, partner: &PartnerId) -> ClientBuilder {
        let (partner, clock) = (partner.clone(), self.state.clock().clone());
        Client::builder().base_url(self.uri()).token_provider(move || {
            let token = mint(&partner, &clock);
            async move { Ok::<_, std::convert::Infallible>(token) }
        })
    }

    /// Stops the server and waits until it has: requests in flight finish, the port is closed.
    pub async fn shutdown(mut self) {
        self.stop();
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }

    fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // Live journal tails would otherwise hold the shutdown open.
            self.state.end_live_streams();
            let _ = stop.send(());
        }
    }
}

impl Drop for MockServer {
    /// Starts a graceful shutdown (requests in flight finish) without waiting for it; use
    /// [`MockServer::shutdown`] to wait.
    fn drop(&mut self) {
        self.stop();
    }
}

fn mint(partner: &PartnerId, clock: &Clock) -> String {
    partnerd_server::mint_dev_token_at(partner, TOKEN_TTL, clock.unix_seconds())
}
