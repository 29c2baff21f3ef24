//! One journal entry: what a request and its answer were, kept as they passed (shared header
//! and body buffers, no text made), and rendered, redacted, only when someone reads it. The
//! request path pays for a few reference counts; the reader pays for the JSON, once per read.

use std::time::{Duration, SystemTime};

use axum::extract::MatchedPath;
use axum::http::{header, HeaderMap, HeaderName, Method};
use partnerd_model::{AppliedFault, JournalEntry, PartnerId};
use serde::{Serialize, Serializer};
use serde_json::Map;

use super::redact;
use super::tap::Captured;
use crate::request_ids::{MS_CORRELATION_ID, MS_CV, MS_REQUEST_ID};

/// What an entry costs the journal beyond its bodies and headers (the struct, its maps'
/// tables, the ring's slot), for the journal's memory bound.
const OVERHEAD_BYTES: usize = 512;

/// One answered request, as captured.
#[derive(Debug)]
pub(crate) struct Entry {
    pub id: u64,
    /// Arrival, on the server's clock (which time travel moves).
    pub at: SystemTime,
    pub method: Method,
    /// The target as requested: path and query (copied, like the request's headers).
    pub target: String,
    /// The matched route template (`/v1/customers/{id}`); `None` when no route matched.
    pub route: Option<MatchedPath>,
    /// `None` when no answer was sent (a dropped connection).
    pub status: Option<u16>,
    pub latency: Duration,
    /// The partner of the verified token; `None` when the request was not authenticated.
    pub partner: Option<PartnerId>,
    pub request_headers: Headers,
    /// Empty when no answer was sent.
    pub response_headers: Headers,
    pub request_body: Captured,
    pub response_body: Captured,
    /// The injected fault, as its rule says, when one was applied.
    pub fault: Option<Box<AppliedFault>>,
    pub guidance: Vec<&'static str>,
    /// Who answered instead of partnerd (`upstream` or `replay`), when someone did.
    pub proxied: Option<&'static str>,
}

impl Entry {
    /// The bytes this entry alone holds alive, roughly: its bodies' copies, its headers and a
    /// fixed overhead. The shared buffers it references are counted by the journal, once each.
    pub fn weight(&self) -> usize {
        self.request_body.copied()
            + self.response_body.copied()
            + self.request_headers.weight()
            + self.response_headers.weight()
            + self.target.len()
            + OVERHEAD_BYTES
    }

    /// The route template, when a route matched.
    pub fn route(&self) -> Option<&str> {
        self.route.as_ref().map(MatchedPath::as_str)
    }

    /// The correlation id the answer carried (the client's, or the one partnerd made).
    pub fn correlation_id(&self) -> Option<&str> {
        self.response_headers.get(&MS_CORRELATION_ID)
    }

    /// The target, without a `?` that no query follows.
    fn path(&self) -> &str {
        self.target.strip_suffix('?').unwrap_or(&self.target)
    }
}

/// Headers copied out of their message into one buffer. A request's header values are slices
/// of the connection's read buffer: holding them would keep that whole buffer alive, uncounted,
/// for as long as the entry lives. One copy of a few hundred bytes is cheaper than a value each.
#[derive(Debug, Default)]
pub(crate) struct Headers {
    /// Each name, with where its value ends in `values`.
    names: Vec<(HeaderName, usize)>,
    values: Vec<u8>,
}

impl Headers {
    pub fn copy(map: &HeaderMap) -> Headers {
        let mut out = Headers { names: Vec::with_capacity(map.len()), values: Vec::with_capacity(256) };
        for (name, value) in map {
            out.values.extend_from_slice(value.as_bytes());
            out.names.push((name.clone(), out.values.len()));
        }
        out
    }

    /// Every header in order, repeated names repeated.
    pub fn iter(&self) -> impl Iterator<Item = (&HeaderName, &[u8])> {
        let starts = std::iter::once(0).chain(self.names.iter().map(|(_, end)| *end));
        self.names.iter().zip(starts).map(|((name, end), start)| (name, &self.values[start..*end]))
    }

    /// The first value of `name`, when it is text.
    pub fn get(&self, name: &HeaderName) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).and_then(|(_, v)| std::str::from_utf8(v).ok())
    }

    fn weight(&self) -> usize {
        self.values.len() + self.names.iter().map(|(n, _)| n.as_str().len() + 16).sum::<usize>()
    }
}

impl Entry {
    /// The entry as the control plane shows it, made when it is read.
    fn view(&self) -> JournalEntry {
        let answered = self.status.is_some();
        let response = &self.response_headers;
        let text = |s: Option<&str>| s.map(str::to_string);
        JournalEntry {
            id: self.id,
            time: rfc3339(self.at),
            method: self.method.as_str().to_string(),
            path: self.path().to_string(),
            route: text(self.route()),
            status: self.status,
            latency_ms: (self.latency.as_micros() as f64) / 1000.0,
            partner: text(self.partner.as_ref().map(PartnerId::as_str)),
            request_id: text(response.get(&MS_REQUEST_ID)),
            correlation_id: text(self.correlation_id()),
            cv: text(response.get(&MS_CV)),
            request_headers: redact::headers(self.request_headers.iter()),
            response_headers: if answered { redact::headers(response.iter()) } else { Map::new() },
            request_body: body_text(&self.request_body, &self.request_headers),
            request_body_truncated: self.request_body.truncated,
            response_body: body_text(&self.response_body, response).filter(|_| answered),
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

/// The body as redacted text (`None` when empty).
fn body_text(captured: &Captured, headers: &Headers) -> Option<String> {
    if captured.len() == 0 {
        return None;
    }
    let bytes = captured.bytes();
    let content_type = headers.get(&header::CONTENT_TYPE).map(str::trim);
    Some(redact::body(&String::from_utf8_lossy(&bytes), content_type))
}

/// RFC 3339 in UTC with milliseconds, as every entry's `time`.
pub(crate) fn rfc3339(at: SystemTime) -> String {
    humantime::format_rfc3339_millis(at).to_string()
}
