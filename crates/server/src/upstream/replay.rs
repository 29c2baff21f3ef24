//! Answering from a cassette (`serve --replay DIR`). The matcher, as `docs/upstream.md` states:
//! a recorded line answers a request when the method is the same, the path is the same
//! (byte for byte), the query has the same parameters and values in any order (decoded as a
//! form), the `MS-ContinuationToken` header is the same (or absent from both), and the body
//! is the same: equal JSON when both parse as JSON, else equal bytes, either compared after
//! the same redaction the recording applied. Headers other than the continuation token never
//! matter (tokens and request ids change from run to run).
//!
//! Several lines may match one request (a list read twice, with a create between): they
//! answer in recorded order, one each, and the last one keeps answering once all are used.

use std::sync::Mutex;

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use super::cassette::{self, Line};
use super::forward::without_hop_headers;

const MS_CONTINUATION_TOKEN: HeaderName = HeaderName::from_static("ms-continuationtoken");

/// A loaded cassette and which of its lines have answered.
pub(crate) struct Replay {
    lines: Vec<Line>,
    used: Mutex<Vec<bool>>,
}

impl Replay {
    pub fn load(dir: &std::path::Path) -> Result<Replay, String> {
        let lines = cassette::read(dir)?;
        Ok(Replay { used: Mutex::new(vec![false; lines.len()]), lines })
    }

    /// The line that answers this request, if any (see the module documentation), taken:
    /// the next request that matches it gets the next matching line.
    pub fn find(&self, method: &Method, uri: &Uri, headers: &HeaderMap, body: &Bytes) -> Option<usize> {
        let (body_text, body_base64) = cassette::encode_body(headers, body);
        let asked = Asked {
            method: method.as_str(),
            path: uri.path(),
            query: query_pairs(uri.query().unwrap_or_default()),
            continuation: headers.get(&MS_CONTINUATION_TOKEN).and_then(|v| v.to_str().ok()),
            body: body_text.as_deref(),
            body_base64: body_base64.as_deref(),
        };
        let matching: Vec<usize> = (0..self.lines.len()).filter(|&i| asked.matches(&self.lines[i])).collect();
        let mut used = self.used.lock().expect("replay state");
        let chosen = matching.iter().copied().find(|&i| !used[i]).or(matching.last().copied())?;
        used[chosen] = true;
        Some(chosen)
    }

    /// The recorded answer of line `index`.
    pub fn answer(&self, index: usize) -> Response {
        self.lines[index].response()
    }
}

impl Line {
    /// The recorded answer.
    fn response(&self) -> Response {
        let status = self.response.status.and_then(|s| StatusCode::from_u16(s).ok()).unwrap_or(StatusCode::OK);
        let mut res = Response::new(Body::from(self.response.body_bytes()));
        *res.status_mut() = status;
        *res.headers_mut() = without_hop_headers(&self.response.header_map());
        res
    }
}

/// What the matcher compares of a request.
struct Asked<'a> {
    method: &'a str,
    path: &'a str,
    query: Vec<(String, String)>,
    continuation: Option<&'a str>,
    body: Option<&'a str>,
    body_base64: Option<&'a str>,
}

impl Asked<'_> {
    fn matches(&self, line: &Line) -> bool {
        let request = &line.request;
        let (path, query) = match request.path.as_deref().unwrap_or_default().split_once('?') {
            Some((path, query)) => (path, query),
            None => (request.path.as_deref().unwrap_or_default(), ""),
        };
        let continuation = request.headers.get(MS_CONTINUATION_TOKEN.as_str()).and_then(Value::as_str);
        request.method.as_deref().is_some_and(|m| m.eq_ignore_ascii_case(self.method))
            && path == self.path
            && query_pairs(query) == self.query
            && continuation == self.continuation
            && same_body(self.body, request.body.as_deref())
            && self.body_base64 == request.body_base64.as_deref()
    }
}

/// The query's parameters, decoded as a form, in a canonical order.
fn query_pairs(query: &str) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    pairs.sort();
    pairs
}

/// Equal JSON when both parse as JSON, else equal text.
fn same_body(asked: Option<&str>, recorded: Option<&str>) -> bool {
    match (asked, recorded) {
        (None, None) => true,
        (Some(a), Some(r)) => match (serde_json::from_str::<Value>(a), serde_json::from_str::<Value>(r)) {
            (Ok(a), Ok(r)) => a == r,
            _ => a == r,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_order_and_encoding_do_not_matter() {
        assert_eq!(query_pairs("b=2&a=x+y"), query_pairs("a=x%20y&b=2"));
        assert_ne!(query_pairs("a=1"), query_pairs("a=1&a=1"));
    }

    #[test]
    fn bodies_compare_as_json_when_they_are() {
        assert!(same_body(Some(r#"{"a":1,"b":[2]}"#), Some(r#"{ "b":[2], "a":1 }"#)));
        assert!(!same_body(Some(r#"{"a":1}"#), Some(r#"{"a":2}"#)));
        assert!(same_body(Some("x=1"), Some("x=1")));
        assert!(!same_body(Some("x=1"), None));
    }
}
