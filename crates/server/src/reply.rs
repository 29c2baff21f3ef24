//! Successful responses. Handlers produce canonical JSON text and the resource's XML root
//! name; the negotiation layer turns that into the body the client asked for.

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A body waiting for content negotiation, carried in the response's extensions.
#[derive(Clone, Debug)]
pub(crate) struct Payload {
    pub root: &'static str,
    pub json: String,
}

/// A success response.
pub(crate) struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    payload: Option<Payload>,
}

impl Reply {
    /// 200 with `value` serialised as the resource `root`.
    pub fn ok<T: Serialize>(root: &'static str, value: &T) -> Reply {
        Self::ok_json(root, serde_json::to_string(value).expect("wire types serialise"))
    }

    /// 200 with already-canonical JSON text.
    pub fn ok_json(root: &'static str, json: String) -> Reply {
        Reply { status: StatusCode::OK, headers: HeaderMap::new(), payload: Some(Payload { root, json }) }
    }

    /// A bodiless response (204, 304, HEAD answers).
    pub fn empty(status: StatusCode) -> Reply {
        Reply { status, headers: HeaderMap::new(), payload: None }
    }

    pub fn status(mut self, status: StatusCode) -> Reply {
        self.status = status;
        self
    }

    /// Adds the `ETag` header (quoted) for `etag`.
    pub fn etag(self, etag: &str) -> Reply {
        self.header(axum::http::header::ETAG, &format!("\"{etag}\""))
    }

    pub fn header(mut self, name: HeaderName, value: &str) -> Reply {
        if let Ok(v) = HeaderValue::from_str(value) {
            self.headers.insert(name, v);
        }
        self
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut res = (self.status, self.headers).into_response();
        if let Some(p) = self.payload {
            res.extensions_mut().insert(p);
        }
        res
    }
}
