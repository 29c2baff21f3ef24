//! The request journal from Rust: what the client under test actually sent, and what it got.

use partnerd_model::PartnerId;
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::MockServer;

/// One Partner Center request partnerd answered, as its journal keeps it (docs/control-plane.md,
/// "Request journal"). The `Authorization` header is redacted, and admin passwords in bodies.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedRequest {
    /// Increasing in arrival order.
    pub id: u64,
    /// Arrival, RFC 3339 on the server's clock.
    pub time: String,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path with its query string, as sent.
    pub path: String,
    /// The matched route template, e.g. `/v1/customers/{id}`; `None` when no route matched.
    pub route: Option<String>,
    /// The status answered; `None` when a fault dropped the connection.
    pub status: Option<u16>,
    /// From arrival until the answer's body was sent.
    pub latency_ms: f64,
    /// The partner of the verified bearer token.
    pub partner: Option<String>,
    /// The `MS-RequestId` of the answer (the client's, or one partnerd made up).
    pub request_id: Option<String>,
    /// The `MS-CorrelationId` of the answer.
    pub correlation_id: Option<String>,
    /// The `MS-CV` of the answer.
    pub cv: Option<String>,
    /// Lower-case name to value.
    pub request_headers: Map<String, Value>,
    /// Lower-case name to value.
    pub response_headers: Map<String, Value>,
    /// The body as text, at most 64 KiB.
    pub request_body: Option<String>,
    /// Whether the request body was longer and cut.
    pub request_body_truncated: bool,
    /// The body as text, at most 64 KiB.
    pub response_body: Option<String>,
    /// Whether the response body was longer and cut.
    pub response_body_truncated: bool,
    /// The fault rule that struck the request (with its `id`), if one did.
    pub fault: Option<Value>,
    /// The guidance flags the request raised, e.g. `createWithoutRequestId`.
    pub guidance: Vec<String>,
}

impl RecordedRequest {
    /// A request header as sent (`None` when absent); the name in any case.
    pub fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers.get(&name.to_ascii_lowercase()).and_then(Value::as_str)
    }

    /// The request body parsed as JSON (`None` when absent or not JSON).
    pub fn request_json(&self) -> Option<Value> {
        self.request_body.as_deref().and_then(|b| serde_json::from_str(b).ok())
    }

    /// The response body parsed as JSON (`None` when absent or not JSON).
    pub fn response_json(&self) -> Option<Value> {
        self.response_body.as_deref().and_then(|b| serde_json::from_str(b).ok())
    }
}

/// Which journal entries [`MockServer::requests_matching`] returns: every condition given must
/// hold.
///
/// ```
/// use partnerd_mock::RequestFilter;
///
/// let failed_creates = RequestFilter::new().method("POST").route("/v1/customers").status_class(5);
/// # let _ = failed_creates;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct RequestFilter(Vec<(&'static str, String)>);

impl RequestFilter {
    /// Every entry.
    pub fn new() -> RequestFilter {
        RequestFilter::default()
    }

    /// Only this method (any case).
    pub fn method(self, method: &str) -> RequestFilter {
        self.with("method", method.to_string())
    }

    /// Only this route template, e.g. `/v1/customers/{id}` (the version prefix is optional).
    pub fn route(self, route: &str) -> RequestFilter {
        self.with("route", route.to_string())
    }

    /// Only this status.
    pub fn status(self, status: u16) -> RequestFilter {
        self.with("status", status.to_string())
    }

    /// Only statuses of this class: 4 for 4xx, 5 for 5xx.
    pub fn status_class(self, class: u8) -> RequestFilter {
        self.with("status", format!("{class}xx"))
    }

    /// Only `partner`'s requests.
    pub fn partner(self, partner: &PartnerId) -> RequestFilter {
        self.with("partner", partner.to_string())
    }

    /// Only requests with this `MS-CorrelationId`.
    pub fn correlation_id(self, id: &str) -> RequestFilter {
        self.with("correlationId", id.to_string())
    }

    /// Only entries after this one (by [`RecordedRequest::id`]).
    pub fn after(self, id: u64) -> RequestFilter {
        self.with("since", id.to_string())
    }

    fn with(mut self, name: &'static str, value: String) -> RequestFilter {
        self.0.push((name, value));
        self
    }
}

impl MockServer {
    /// Every request in the journal, oldest first (the journal keeps the last
    /// [`Config::journal_size`](crate::Config::journal_size), 1,000 by default).
    pub async fn requests(&self) -> Vec<RecordedRequest> {
        self.requests_matching(RequestFilter::new()).await
    }

    /// The journal's requests that match `filter`, oldest first.
    ///
    /// ```
    /// use partnerd_mock::{MockServer, PartnerId, RequestFilter};
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// let partner = PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// let http = reqwest::Client::new();
    /// http.get(format!("{}/v1/customers?size=600", server.uri())).bearer_auth(server.token_for(&partner)).send().await.unwrap();
    /// let seen = server.requests_matching(RequestFilter::new().partner(&partner).status(200)).await;
    /// assert_eq!(seen.len(), 1);
    /// assert!(seen[0].guidance.contains(&"sizeAbove500".to_string()));
    /// # }
    /// ```
    pub async fn requests_matching(&self, filter: RequestFilter) -> Vec<RecordedRequest> {
        let mut query = filter.0;
        query.push(("limit", self.journal_size.max(1).to_string()));
        let req = self.control(Method::GET, "/requests").query(&query);
        let answer = self.expect("reading the journal", req).await;
        let mut entries: Vec<RecordedRequest> =
            serde_json::from_value(answer["items"].clone()).expect("journal entries have their documented shape");
        entries.reverse();
        entries
    }

    /// Forgets every journal entry.
    pub async fn clear_requests(&self) {
        self.expect("clearing the journal", self.control(Method::DELETE, "/requests")).await;
    }
}
