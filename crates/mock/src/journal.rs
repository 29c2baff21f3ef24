//! The request journal from Rust: what the client under test actually sent, and what it got.

use partnerd_model::{JournalEntry, PartnerId};

use crate::control::expect;
use crate::MockServer;

/// One Partner Center request partnerd answered, as its journal keeps it: the model's
/// [`JournalEntry`], the type the server renders its entries into, under the name this crate
/// has always given it.
pub type RecordedRequest = JournalEntry;

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
        let mut entries = expect("reading the journal", self.control.requests(&query).await);
        entries.reverse();
        entries
    }

    /// Forgets every journal entry.
    pub async fn clear_requests(&self) {
        expect("clearing the journal", self.control.clear_requests(None).await);
    }
}
