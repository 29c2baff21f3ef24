//! Successful responses. Handlers produce canonical JSON text and the resource's XML root
//! name; the negotiation layer turns that into the body the client asked for.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::Body;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use serde::Serialize;

/// A body waiting for content negotiation, carried in the response's extensions.
#[derive(Clone, Debug)]
pub(crate) struct Payload {
    pub root: &'static str,
    pub json: Json,
}

/// JSON text: whole, or in pieces sent one after another as they are, so that a large piece
/// shared between answers (a kept page's rows) is never copied into each answer.
#[derive(Clone, Debug)]
pub(crate) enum Json {
    Whole(String),
    Pieces(Vec<Bytes>),
}

impl Json {
    /// The text in one piece (for XML, which parses it).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Json::Whole(text) => text.into(),
            Json::Pieces(pieces) => {
                let bytes: Vec<u8> = pieces.concat();
                String::from_utf8(bytes).expect("pieces of JSON text are UTF-8").into()
            }
        }
    }

    /// The body that sends it; its exact length is known, so it goes out with a Content-Length.
    pub fn into_body(self) -> Body {
        match self {
            Json::Whole(text) => Body::from(text),
            Json::Pieces(pieces) => {
                let left = pieces.iter().map(|p| p.len() as u64).sum();
                Body::new(PiecesBody { pieces: pieces.into_iter(), left })
            }
        }
    }
}

/// The body of [`Json::Pieces`]: one frame per piece.
struct PiecesBody {
    pieces: std::vec::IntoIter<Bytes>,
    left: u64,
}

impl http_body::Body for PiecesBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        let next = self.pieces.find(|p| !p.is_empty());
        if let Some(piece) = &next {
            self.left -= piece.len() as u64;
        }
        Poll::Ready(next.map(|piece| Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
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
        Self::ok_json_pieces(root, Json::Whole(json))
    }

    /// 200 with already-canonical JSON text, whole or in pieces.
    pub fn ok_json_pieces(root: &'static str, json: Json) -> Reply {
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
