//! One journal entry: what a request and its answer were, kept as they passed (their bytes
//! copied into one buffer, a shared body buffer referenced), and rendered, redacted, only when
//! someone reads it. The request path pays for a copy of a few hundred bytes; the reader pays
//! for the JSON, once per read.

use std::time::{Duration, SystemTime};

use axum::extract::MatchedPath;
use axum::http::{header, Method};
use partnerd_model::{AppliedFault, JournalEntry, PartnerId};
use serde::{Serialize, Serializer};
use serde_json::Map;

use super::redact;
use super::tap::Captured;
use super::text::{Headers, Span, Text};
use crate::request_ids::{MS_CORRELATION_ID, MS_CV, MS_REQUEST_ID};

/// What an entry costs the journal beyond its text (the struct, the ring's slot), for the
/// journal's memory bound.
const OVERHEAD_BYTES: usize = 512;

/// One answered request, as captured.
#[derive(Debug)]
pub(crate) struct Entry {
    pub id: u64,
    /// Arrival, on the server's clock (which time travel moves).
    pub at: SystemTime,
    pub method: Method,
    /// The matched route template (`/v1/customers/{id}`); `None` when no route matched.
    pub route: Option<MatchedPath>,
    /// `None` when no answer was sent (a dropped connection).
    pub status: Option<u16>,
    pub latency: Duration,
    /// The partner of the verified token; `None` when the request was not authenticated.
    pub partner: Option<PartnerId>,
    /// What was copied: the parts below lie in it.
    pub text: Text,
    /// The target as requested: path and query.
    pub target: Span,
    pub request_headers: Span,
    /// Empty when no answer was sent.
    pub response_headers: Span,
    pub request_body: Captured,
    pub response_body: Captured,
    /// The injected fault, as its rule says, when one was applied.
    pub fault: Option<Box<AppliedFault>>,
    pub guidance: Vec<&'static str>,
    /// Who answered instead of partnerd (`upstream` or `replay`), when someone did.
    pub proxied: Option<&'static str>,
}

impl Entry {
    /// The bytes this entry alone holds alive, roughly: its text and a fixed overhead. The
    /// shared buffers it references are counted by the journal, once each.
    pub fn weight(&self) -> usize {
        self.text.capacity() + OVERHEAD_BYTES
    }

    /// The route template, when a route matched.
    pub fn route(&self) -> Option<&str> {
        self.route.as_ref().map(MatchedPath::as_str)
    }

    /// The correlation id the answer carried (the client's, or the one partnerd made).
    pub fn correlation_id(&self) -> Option<&str> {
        self.response_headers().get(&MS_CORRELATION_ID)
    }

    fn request_headers(&self) -> Headers<'_> {
        self.text.headers(self.request_headers)
    }

    fn response_headers(&self) -> Headers<'_> {
        self.text.headers(self.response_headers)
    }

    /// The target, without a `?` that no query follows.
    fn path(&self) -> String {
        let target = String::from_utf8_lossy(self.text.get(self.target));
        target.strip_suffix('?').unwrap_or(&target).to_string()
    }
}

impl Entry {
    /// The entry as the control plane shows it, made when it is read.
    fn view(&self) -> JournalEntry {
        let answered = self.status.is_some();
        let response = self.response_headers();
        let text = |s: Option<&str>| s.map(str::to_string);
        JournalEntry {
            id: self.id,
            time: rfc3339(self.at),
            method: self.method.as_str().to_string(),
            path: self.path(),
            route: text(self.route()),
            status: self.status,
            latency_ms: (self.latency.as_micros() as f64) / 1000.0,
            partner: text(self.partner.as_ref().map(PartnerId::as_str)),
            request_id: text(response.get(&MS_REQUEST_ID)),
            correlation_id: text(self.correlation_id()),
            cv: text(response.get(&MS_CV)),
            request_headers: redact::headers(self.request_headers().iter()),
            response_headers: if answered { redact::headers(response.iter()) } else { Map::new() },
            request_body: self.body_text(&self.request_body, self.request_headers()),
            request_body_truncated: self.request_body.truncated,
            response_body: self.body_text(&self.response_body, response).filter(|_| answered),
            response_body_truncated: self.response_body.truncated,
            fault: self.fault.as_deref().cloned(),
            guidance: self.guidance.iter().map(|g| g.to_string()).collect(),
            proxied: self.proxied.map(str::to_string),
        }
    }
}

/// Every reader (list, stream, file) writes the one wire type, so none can drift from it.
impl Serialize for Entry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.view().serialize(serializer)
    }
}

impl Entry {
    /// A body as redacted text (`None` when empty).
    fn body_text(&self, captured: &Captured, headers: Headers<'_>) -> Option<String> {
        if captured.len() == 0 {
            return None;
        }
        let bytes = captured.bytes(&self.text);
        let content_type = headers.get(&header::CONTENT_TYPE).map(str::trim);
        Some(redact::body(&String::from_utf8_lossy(&bytes), content_type))
    }
}

/// RFC 3339 in UTC with milliseconds, as every entry's `time`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}
