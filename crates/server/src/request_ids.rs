//! MS-RequestId, MS-CorrelationId and MS-CV (spec §5): read or generated for every request,
//! and written on every response, errors included.

use axum::http::{HeaderMap, HeaderName, HeaderValue};

pub(crate) const MS_REQUEST_ID: HeaderName = HeaderName::from_static("ms-requestid");
pub(crate) const MS_CORRELATION_ID: HeaderName = HeaderName::from_static("ms-correlationid");
pub(crate) const MS_CV: HeaderName = HeaderName::from_static("ms-cv");

/// Longest id echoed back; longer client values are replaced by generated ones.
const MAX_ID_LEN: usize = 128;

/// The ids of the request being served.
#[derive(Clone, Debug)]
pub(crate) struct RequestIds {
    /// The client's MS-RequestId, if it sent one: the idempotency key.
    pub client_request_id: Option<String>,
    pub request_id: String,
    pub correlation_id: String,
    pub cv: String,
}

impl RequestIds {
    /// The ids of a request with these headers: the client's where it sent usable ones.
    pub(crate) fn from_headers(headers: &HeaderMap) -> RequestIds {
        let client_request_id = header_text(headers, &MS_REQUEST_ID);
        RequestIds {
            request_id: client_request_id.clone().unwrap_or_else(new_id),
            client_request_id,
            correlation_id: header_text(headers, &MS_CORRELATION_ID).unwrap_or_else(new_id),
            cv: match header_text(headers, &MS_CV) {
                Some(cv) => format!("{cv}.1"),
                None => format!("{}.0", uuid::Uuid::new_v4().simple()),
            },
        }
    }
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    let v = headers.get(name)?.to_str().ok()?.trim();
    (!v.is_empty() && v.len() <= MAX_ID_LEN).then(|| v.to_string())
}

fn new_id() -> String {
    uuid::Uuid::new_v4().to_string()
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RequestIds {
    type Rejection = std::convert::Infallible;

    /// The ids the middleware recorded (or, outside it, ones read from the headers).
    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts.extensions.get::<RequestIds>().cloned().unwrap_or_else(|| RequestIds::from_headers(&parts.headers)))
    }
}

/// Writes the ids on an answer's headers.
pub(crate) fn echo(ids: &RequestIds, headers: &mut HeaderMap) {
    for (name, value) in [(MS_REQUEST_ID, &ids.request_id), (MS_CORRELATION_ID, &ids.correlation_id), (MS_CV, &ids.cv)]
    {
        if let Ok(v) = HeaderValue::from_str(value) {
            headers.insert(name, v);
        }
    }
}
