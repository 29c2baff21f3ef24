//! Configuring a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::client::Inner;
use crate::token::{Credentials, TokenProvider};
use crate::{links, Client, Error, RetryPolicy};

/// Partner Center's own endpoint, used unless a base URL is given.
///
/// ```
/// let client = partnerd_client::Client::builder().token("t").build().unwrap();
/// assert_eq!(client.base_url().as_str().trim_end_matches('/'), partnerd_client::DEFAULT_BASE_URL);
/// ```
pub const DEFAULT_BASE_URL: &str = "https://api.partnercenter.microsoft.com";

/// How long one attempt may take, connection to last body byte, before it counts as a
/// transport failure (and is retried).
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);

/// Builds a [`Client`]; only the token is required.
///
/// ```
/// use partnerd_client::Client;
///
/// let client = Client::builder()
///     .base_url("http://127.0.0.1:8080")
///     .token("eyJ...")
///     .build()
///     .unwrap();
/// assert_eq!(client.base_url().as_str(), "http://127.0.0.1:8080/");
/// ```
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    credentials: Option<Credentials>,
    correlation_id: Option<uuid::Uuid>,
    retry: RetryPolicy,
    timeout: Duration,
    http: Option<reqwest::Client>,
}

impl ClientBuilder {
    pub(crate) fn new() -> ClientBuilder {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            credentials: None,
            correlation_id: None,
            retry: RetryPolicy::default(),
            timeout: DEFAULT_TIMEOUT,
            http: None,
        }
    }

    /// The service root, without `/v1` (default [`DEFAULT_BASE_URL`]). A path prefix, as a
    /// gateway may add, is kept.
    ///
    /// ```
    /// let client = partnerd_client::Client::builder().base_url("https://gw.example.com/pc").token("t").build().unwrap();
    /// assert_eq!(client.base_url().path(), "/pc");
    /// ```
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// A fixed bearer token (without `Bearer `), e.g. from `partnerd token` or a script.
    ///
    /// ```
    /// let client = partnerd_client::Client::builder().token("eyJ...").build().unwrap();
    /// # let _ = client;
    /// ```
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Static(token.into()));
        self
    }

    /// An async source of tokens, asked before every attempt (see [`TokenProvider`]).
    ///
    /// ```
    /// let client = partnerd_client::Client::builder()
    ///     .token_provider(|| async { Ok::<_, std::io::Error>("eyJ...".to_string()) })
    ///     .build()
    ///     .unwrap();
    /// # let _ = client;
    /// ```
    pub fn token_provider(mut self, provider: impl TokenProvider + 'static) -> Self {
        self.credentials = Some(Credentials::Provider(Arc::new(provider)));
        self
    }

    /// The `MS-CorrelationId` sent with every call; a random one per client by default, so
    /// that the server's logs tie together one client's work.
    ///
    /// ```
    /// let id = uuid::Uuid::new_v4();
    /// let client = partnerd_client::Client::builder().token("t").correlation_id(id).build().unwrap();
    /// assert_eq!(client.correlation_id(), id.to_string());
    /// ```
    pub fn correlation_id(mut self, id: uuid::Uuid) -> Self {
        self.correlation_id = Some(id);
        self
    }

    /// When and how long to retry (see [`RetryPolicy`]).
    ///
    /// ```
    /// use partnerd_client::RetryPolicy;
    /// let client = partnerd_client::Client::builder()
    ///     .token("t")
    ///     .retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() })
    ///     .build()
    ///     .unwrap();
    /// # let _ = client;
    /// ```
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// How long one attempt may take before it is abandoned and retried (default 100 s).
    /// Ignored when [`http_client`](Self::http_client) supplies a client.
    ///
    /// ```
    /// use std::time::Duration;
    /// let client = partnerd_client::Client::builder().token("t").timeout(Duration::from_secs(10)).build().unwrap();
    /// # let _ = client;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// A preconfigured `reqwest` client (proxies, custom roots, connection limits).
    ///
    /// ```
    /// let http = reqwest::Client::builder().pool_max_idle_per_host(4).build().unwrap();
    /// let client = partnerd_client::Client::builder().token("t").http_client(http).build().unwrap();
    /// # let _ = client;
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client, or why this configuration cannot work (a bad base URL, no token).
    ///
    /// ```
    /// use partnerd_client::{Client, Error};
    /// assert!(matches!(Client::builder().token("t").base_url("ftp://x").build(), Err(Error::Url(_))));
    /// assert!(matches!(Client::builder().build(), Err(Error::Token(_))));
    /// let debug = format!("{:?}", Client::builder().token("secret-token").build().unwrap());
    /// assert!(debug.contains("api.partnercenter.microsoft.com") && !debug.contains("secret-token"));
    /// ```
    pub fn build(self) -> Result<Client, Error> {
        let base = links::parse_base(&self.base_url)?;
        let credentials =
            self.credentials.ok_or_else(|| Error::Token("no token or token provider was given".into()))?;
        let http = match self.http {
            Some(http) => http,
            // The API never redirects; following one could carry the token or a request
            // body somewhere else.
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(self.timeout)
                .user_agent(concat!("partnerd-client/", env!("CARGO_PKG_VERSION")))
                .build()
                .map_err(Error::Transport)?,
        };
        let correlation_id = self.correlation_id.unwrap_or_else(uuid::Uuid::new_v4).to_string();
        let correlation_id = HeaderValue::from_str(&correlation_id).expect("uuids are ASCII");
        Ok(Client { inner: Arc::new(Inner { http, base, credentials, correlation_id, retry: self.retry }) })
    }
}
