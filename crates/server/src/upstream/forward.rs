//! Sending one request to the upstream and reading its answer, both bounded: the request body
//! by the API's own limit (1 MiB, 413 past it), the answer by [`MAX_ANSWER_BYTES`] (502 past
//! it), so a forwarded exchange never holds more memory than the server allows elsewhere.

use std::time::{Duration, Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;

use super::cassette::Line;
use crate::body::MAX_BODY_BYTES;
use crate::ApiError;

/// The largest upstream answer passed on (a page of 500 customers is well under 2 MiB).
pub(crate) const MAX_ANSWER_BYTES: usize = 32 * 1024 * 1024;

/// How long the upstream may take to accept a connection, and to answer in full.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const ANSWER_TIMEOUT: Duration = Duration::from_secs(100);

/// Headers that describe one hop, not the message (RFC 9110 §7.6.1), plus those the client
/// library sets itself; none is forwarded either way. `Accept-Encoding` is dropped so the
/// upstream answers uncompressed bytes that can be recorded and read; partnerd's own edge
/// compresses for the client as it does any answer.
const NOT_FORWARDED: &[&str] = &[
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
    "accept-encoding",
];

/// The one upstream this server may send to.
pub(crate) struct Target {
    /// The base URL without a trailing `/`; a request's path and query are appended to it.
    base: String,
    host: String,
    port: Option<u16>,
    client: reqwest::Client,
}

impl Target {
    pub fn new(url: &str) -> Result<Target, String> {
        let parsed = reqwest::Url::parse(url).map_err(|e| format!("--upstream {url}: {e}"))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() || parsed.fragment().is_some() {
            return Err(format!("--upstream {url}: an http or https base URL without query or fragment is needed"));
        }
        let host = parsed.host_str().ok_or_else(|| format!("--upstream {url}: no host"))?.to_string();
        // No redirects followed (a 3xx goes back to the client as it came) and no proxy from
        // the environment: nothing is ever sent to any host but this one.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(ANSWER_TIMEOUT)
            .build()
            .map_err(|e| format!("the upstream client: {e}"))?;
        let base = parsed.as_str().trim_end_matches('/').to_string();
        Ok(Target { base, host, port: parsed.port_or_known_default(), client })
    }

    /// The upstream URL of a request target, checked to be on the upstream's host and port.
    fn url(&self, path_and_query: &str) -> Result<reqwest::Url, ApiError> {
        let url = reqwest::Url::parse(&format!("{}{}", self.base, path_and_query))
            .map_err(|_| ApiError::invalid("The request target cannot be forwarded."))?;
        if url.host_str() != Some(self.host.as_str()) || url.port_or_known_default() != self.port {
            return Err(ApiError::invalid("The request target cannot be forwarded."));
        }
        Ok(url)
    }
}

/// One forwarded request and its answer, whole.
pub(crate) struct Exchange {
    pub at: SystemTime,
    pub latency: Duration,
    pub method: Method,
    /// Path and query, as the client sent them.
    pub target: String,
    pub request_headers: HeaderMap,
    pub request_body: Bytes,
    pub status: StatusCode,
    pub response_headers: HeaderMap,
    pub response_body: Bytes,
}

impl Exchange {
    /// The cassette line of this exchange (redacted).
    pub fn to_line(&self, proxied: bool) -> Line {
        Line::new(self, proxied)
    }

    /// The answer as the upstream gave it.
    pub fn into_response(self) -> Response {
        let mut res = Response::new(Body::from(self.response_body));
        *res.status_mut() = self.status;
        *res.headers_mut() = self.response_headers;
        res
    }
}

/// The request body, whole, within the API's limit.
pub(crate) async fn read_body(body: Body) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, MAX_BODY_BYTES).await.map_err(crate::body::read_error)
}

/// `parts` and `body` sent to the upstream with the caller's headers (Authorization and MS-*
/// included); the answer read whole, or a 502 in the contract's error body.
pub(crate) async fn send(target: &Target, parts: &Parts, body: Bytes) -> Result<Exchange, ApiError> {
    let path_and_query = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let url = target.url(path_and_query)?;
    let request_headers = without_hop_headers(&parts.headers);
    let at = SystemTime::now();
    let started = Instant::now();
    let mut answer = target
        .client
        .request(parts.method.clone(), url)
        .headers(request_headers.clone())
        .body(body.clone())
        .send()
        .await
        .map_err(|e| bad_gateway(&e))?;
    let status = answer.status();
    let response_headers = without_hop_headers(answer.headers());
    let mut response_body = Vec::new();
    while let Some(chunk) = answer.chunk().await.map_err(|e| bad_gateway(&e))? {
        if response_body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ApiError::new(StatusCode::BAD_GATEWAY, 800003, "The upstream's answer is larger than 32 MiB."));
        }
        response_body.extend_from_slice(&chunk);
    }
    Ok(Exchange {
        at,
        latency: started.elapsed(),
        method: parts.method.clone(),
        target: path_and_query.to_string(),
        request_headers,
        request_body: body,
        status,
        response_headers,
        response_body: response_body.into(),
    })
}

/// A copy of `headers` without those of [`NOT_FORWARDED`].
pub(crate) fn without_hop_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = headers.clone();
    for name in NOT_FORWARDED {
        out.remove(*name);
    }
    out
}

/// The upstream could not be reached or broke off: 502, saying which without its internals.
fn bad_gateway(e: &reqwest::Error) -> ApiError {
    let what = if e.is_timeout() {
        "did not answer in time"
    } else if e.is_connect() {
        "could not be reached"
    } else {
        "broke off its answer"
    };
    tracing::warn!(error = %e, "forwarding to the upstream failed");
    ApiError::new(StatusCode::BAD_GATEWAY, 800003, format!("The upstream {what}."))
}
