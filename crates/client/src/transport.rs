//! One logical call, however many attempts it takes: the headers every attempt carries, the
//! retry loop, and the reading of error bodies.

use std::time::Duration;

use partnerd_model::ErrorBody;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::{Client, Error};

pub(crate) const MS_REQUEST_ID: HeaderName = HeaderName::from_static("ms-requestid");
pub(crate) const MS_CORRELATION_ID: HeaderName = HeaderName::from_static("ms-correlationid");

/// What to send; kept whole so that every attempt sends the same request.
pub(crate) struct Call {
    pub method: Method,
    pub url: Url,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Option<Vec<u8>>,
    /// The caller's `MS-RequestId`, to repeat a call made before; a fresh one otherwise.
    pub request_id: Option<uuid::Uuid>,
}

impl Call {
    pub fn new(method: Method, url: Url) -> Call {
        Call { method, url, headers: Vec::new(), body: None, request_id: None }
    }

    pub fn json_body<T: serde::Serialize>(mut self, body: &T) -> Call {
        self.body = Some(serde_json::to_vec(body).expect("wire types serialise"));
        self
    }
}

/// A complete response: the body is read inside the retry loop, so a connection lost
/// mid-body is retried like one lost before the status line.
pub(crate) struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Client {
    /// Sends `call` until it gets an answer worth returning: a 2xx, 3xx or 4xx other than
    /// 429. Every attempt carries the same `MS-RequestId`, so the server's idempotency
    /// (spec §6) turns a retried create into a replay of the first one's response.
    pub(crate) async fn execute(&self, call: &Call) -> Result<Reply, Error> {
        let policy = &self.inner.retry;
        let request_id = call.request_id.unwrap_or_else(uuid::Uuid::new_v4);
        let request_id = HeaderValue::from_str(&request_id.to_string()).expect("uuids are ASCII");
        let (mut failures, mut throttles) = (0, 0);
        loop {
            let token = self.inner.credentials.token().await.map_err(Error::Token)?;
            let wait = match self.attempt(call, &token, &request_id).await {
                Ok(reply) if reply.status == StatusCode::TOO_MANY_REQUESTS => {
                    throttles += 1;
                    match policy.throttle_delay(reply.retry_after(), throttles) {
                        Some(wait) if throttles <= policy.max_throttled_retries => wait,
                        _ => return Err(reply.into_error()),
                    }
                }
                Ok(reply) if reply.status.is_server_error() => {
                    failures += 1;
                    match policy.failure_delay(reply.retry_after(), failures) {
                        Some(wait) if failures <= policy.max_retries => wait,
                        _ => return Err(reply.into_error()),
                    }
                }
                Ok(reply) => return Ok(reply),
                Err(e) => {
                    failures += 1;
                    // Only a failure on the way (connecting, timing out, a broken exchange)
                    // may heal; a request that cannot even be built never will.
                    let transient = e.is_connect() || e.is_timeout() || e.is_request() || e.is_body();
                    if !transient || failures > policy.max_retries {
                        return Err(Error::Transport(e));
                    }
                    policy.transport_delay(failures)
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, call: &Call, token: &str, request_id: &HeaderValue) -> Result<Reply, reqwest::Error> {
        let mut req = self
            .inner
            .http
            .request(call.method.clone(), call.url.clone())
            .bearer_auth(token)
            .header(ACCEPT, "application/json")
            .header(MS_REQUEST_ID, request_id)
            .header(MS_CORRELATION_ID, &self.inner.correlation_id);
        for (name, value) in &call.headers {
            req = req.header(name, value);
        }
        if let Some(body) = &call.body {
            req = req.header(CONTENT_TYPE, "application/json").body(body.clone());
        }
        let res = req.send().await?;
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.bytes().await?.to_vec();
        Ok(Reply { status, headers, body })
    }

    /// Sends `call` and reads the success body as `T`.
    pub(crate) async fn fetch<T: DeserializeOwned>(&self, call: &Call) -> Result<T, Error> {
        self.execute(call).await?.success()?.json()
    }
}

impl Reply {
    /// The reply itself when it is a success, its typed error otherwise.
    pub fn success(self) -> Result<Reply, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(self.into_error())
        }
    }

    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        serde_json::from_slice(&self.body).map_err(Error::Decode)
    }

    /// `Retry-After` in delta seconds, the form the contract uses.
    fn retry_after(&self) -> Option<Duration> {
        let text = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        text.trim().parse::<u64>().ok().map(Duration::from_secs)
    }

    /// The typed error for a failure status, from the contract's error body when there is one.
    pub fn into_error(self) -> Error {
        let status = self.status.as_u16();
        if self.status == StatusCode::TOO_MANY_REQUESTS {
            let message = serde_json::from_slice::<serde_json::Value>(&self.body)
                .ok()
                .and_then(|v| v.get("message").and_then(|m| m.as_str()).map(str::to_string))
                .unwrap_or_else(|| "Rate limit is exceeded.".into());
            return Error::Throttled { retry_after: self.retry_after(), message };
        }
        let request_id = self.headers.get(MS_REQUEST_ID).and_then(|v| v.to_str().ok()).map(str::to_string);
        match serde_json::from_slice::<ErrorBody>(&self.body) {
            Ok(body) => Error::Api(ApiError::new(status, body, request_id)),
            Err(_) => Error::Status { status, body: excerpt(&self.body) },
        }
    }
}

/// The start of a non-contract body, enough to recognise a proxy's error page.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    match text.char_indices().nth(200) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}
