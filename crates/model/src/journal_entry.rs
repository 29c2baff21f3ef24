//! One entry of the request journal as the control plane shows it (`GET /_partnerd/requests`,
//! the live stream, `--journal-file` lines): the server renders its captured entries into this
//! type, and the mock and `partnerd admin requests` read them back into it, so the three agree
//! on every member by construction. See docs/control-plane.md, "Request journal".

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::AppliedFault;

/// One Partner Center request partnerd answered. The `Authorization` header is redacted, and
/// admin passwords in bodies.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct JournalEntry {
    /// Increasing in arrival order.
    pub id: u64,
    /// Arrival, RFC 3339 UTC with milliseconds on the server's clock.
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
    /// Lower-case name to value; empty when no answer was sent.
    pub response_headers: Map<String, Value>,
    /// The body as text, at most 64 KiB.
    pub request_body: Option<String>,
    /// Whether the request body was longer and cut.
    pub request_body_truncated: bool,
    /// The body as text, at most 16 KiB.
    pub response_body: Option<String>,
    /// Whether the response body was longer and cut.
    pub response_body_truncated: bool,
    /// The fault rule that struck the request, if one did.
    pub fault: Option<AppliedFault>,
    /// The guidance flags the request raised, e.g. `createWithoutRequestId`.
    pub guidance: Vec<String>,
    /// Who answered instead of partnerd (`upstream` or `replay`); absent when partnerd did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxied: Option<String>,
}

impl JournalEntry {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member docs/control-plane.md lists, in the order the server writes them.
    const DOCUMENTED: &str = r#"{"id":7,"time":"2026-01-31T12:00:00.000Z","method":"POST","path":"/v1/customers?x=1","route":"/v1/customers","status":503,"latencyMs":1.5,"partner":"c0ffee00-0000-4000-8000-000000000001","requestId":"r","correlationId":"c","cv":"v","requestHeaders":{"authorization":"Bearer [redacted]"},"responseHeaders":{"retry-after":"1"},"requestBody":"{\"a\":1}","requestBodyTruncated":false,"responseBody":"{}","responseBodyTruncated":true,"fault":{"status":503,"id":"1"},"guidance":["noCorrelationId"],"proxied":"upstream"}"#;

    #[test]
    fn every_documented_member_round_trips() {
        let entry: JournalEntry = serde_json::from_str(DOCUMENTED).unwrap();
        assert_eq!(serde_json::to_string(&entry).unwrap(), DOCUMENTED);
        assert_eq!(entry.request_header("Authorization"), Some("Bearer [redacted]"));
        assert_eq!(entry.request_json(), Some(serde_json::json!({"a": 1})));
    }

    #[test]
    fn unknown_members_are_refused_and_proxied_is_optional() {
        let unknown = DOCUMENTED.replacen("{\"id\"", "{\"colour\":\"red\",\"id\"", 1);
        assert!(serde_json::from_str::<JournalEntry>(&unknown).unwrap_err().to_string().contains("colour"));
        let local = DOCUMENTED.replace(",\"proxied\":\"upstream\"", "");
        let entry: JournalEntry = serde_json::from_str(&local).unwrap();
        assert_eq!(entry.proxied, None);
        assert_eq!(serde_json::to_string(&entry).unwrap(), local);
    }
}
