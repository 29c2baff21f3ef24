//! The cassette: `DIR/cassette.jsonl`, one JSON line per exchange (request, response, timing),
//! appended as exchanges complete. Secrets are removed before a line exists, by the journal's
//! own rules: `Authorization` keeps only its scheme, and every `password` member (a create's
//! generated admin password included) is blanked, in JSON, XML and form bodies alike.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use axum::http::{HeaderMap, HeaderName};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::forward::Exchange;
use crate::control::redact;

/// The cassette file's name inside the `--record` / `--replay` directory.
pub(crate) const FILE_NAME: &str = "cassette.jsonl";

/// One recorded exchange.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Line {
    /// When the request arrived, RFC 3339 (UTC).
    pub time: String,
    pub latency_ms: f64,
    /// Whether the upstream answered (rather than partnerd itself).
    pub proxied: bool,
    pub request: Message,
    pub response: Message,
}

/// A request (`method`, `path`) or a response (`status`), with headers and body.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Message {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path and query, as the client sent them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(default)]
    pub headers: Map<String, Value>,
    /// The body as (redacted) text, when it is UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// The body in base64, when it is not UTF-8.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_base64: Option<String>,
}

impl Line {
    pub fn new(exchange: &Exchange, proxied: bool) -> Line {
        let mut line = Line {
            time: crate::control::rfc3339(exchange.at),
            latency_ms: exchange.latency.as_micros() as f64 / 1000.0,
            proxied,
            request: Message {
                method: Some(exchange.method.to_string()),
                path: Some(exchange.target.clone()),
                ..Message::of(&exchange.request_headers, &exchange.request_body)
            },
            response: Message {
                status: Some(exchange.status.as_u16()),
                ..Message::of(&exchange.response_headers, &exchange.response_body)
            },
        };
        // An answer may quote the caller's token back (an echo service, an error that cites
        // it): wherever it appears, it goes.
        if let Some(token) = credentials(&exchange.request_headers) {
            for body in [&mut line.request.body, &mut line.response.body].into_iter().flatten() {
                if body.contains(token) {
                    *body = body.replace(token, redact::REDACTED);
                }
            }
        }
        line
    }
}

/// The request's credentials (a bearer token, or any other scheme's), when long enough to be
/// told apart from ordinary text.
fn credentials(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(axum::http::header::AUTHORIZATION)?.to_str().ok()?;
    let (_, token) = crate::bearer::credentials(value)?;
    Some(token).filter(|t| t.len() >= 16)
}

impl Message {
    /// Headers and body, redacted.
    pub fn of(headers: &HeaderMap, body: &[u8]) -> Message {
        let headers_map = redact::headers(headers.iter().map(|(n, v)| (n.as_str(), v.as_bytes())));
        let (body, body_base64) = encode_body(headers, body);
        Message { headers: headers_map, body, body_base64, ..Message::default() }
    }

    /// The body's bytes as recorded.
    pub fn body_bytes(&self) -> Vec<u8> {
        match (&self.body, &self.body_base64) {
            (Some(text), _) => text.clone().into_bytes(),
            (None, Some(b64)) => STANDARD.decode(b64).unwrap_or_default(),
            (None, None) => Vec::new(),
        }
    }

    /// The recorded headers back as a map (values that are not valid header values left out).
    pub fn header_map(&self) -> HeaderMap {
        let mut out = HeaderMap::new();
        for (name, value) in &self.headers {
            let (Ok(name), Some(value)) = (HeaderName::try_from(name.as_str()), value.as_str()) else { continue };
            if let Ok(value) = value.parse() {
                out.append(name, value);
            }
        }
        out
    }
}

/// The body as redacted text, or base64 when it is not UTF-8; nothing when empty.
pub(crate) fn encode_body(headers: &HeaderMap, body: &[u8]) -> (Option<String>, Option<String>) {
    if body.is_empty() {
        return (None, None);
    }
    match std::str::from_utf8(body) {
        Ok(text) => {
            let content_type = headers.get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
            (Some(redact::body(text, content_type)), None)
        }
        Err(_) => (None, Some(STANDARD.encode(body))),
    }
}

/// Appends lines to a cassette, one write per line so that lines never interleave.
pub(crate) struct Recorder {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl Recorder {
    /// Creates `dir` if needed and opens its cassette for appending.
    pub fn open(dir: &Path) -> Result<Recorder, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("--record {}: {e}", dir.display()))?;
        let path = dir.join(FILE_NAME);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("--record {}: {e}", path.display()))?;
        Ok(Recorder { path, file: Mutex::new(file) })
    }

    /// Appends `line`; a failed write is logged, never the request's failure.
    pub fn write(&self, line: &Line) {
        let mut text = serde_json::to_string(line).expect("cassette lines serialise");
        text.push('\n');
        let written = self.file.lock().expect("cassette file").write_all(text.as_bytes());
        if let Err(e) = written {
            tracing::error!(error = %e, path = %self.path.display(), "writing to the cassette failed");
        }
    }
}

/// Every line of the cassette in `dir`, in order.
pub(crate) fn read(dir: &Path) -> Result<Vec<Line>, String> {
    let path = dir.join(FILE_NAME);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("--replay {}: {e}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("{} line {}: {e}", path.display(), i + 1)))
        .collect()
}
