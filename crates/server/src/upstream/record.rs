//! `--record DIR --record-all`: every Partner Center exchange, partnerd's own answers too, as
//! the client got them (this layer sits just inside the journal's). Both bodies are read whole,
//! within the limits the server already enforces (1 MiB requests; partnerd's answers are
//! bounded by its page size and forwarded ones by the forwarding limit).

use std::time::{Instant, SystemTime};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::forward::{self, Exchange, MAX_ANSWER_BYTES};
use super::Proxied;
use crate::AppState;

/// Middleware: records the exchange when `--record-all` is on; otherwise passes it through.
pub(crate) async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let recording = state.upstream.as_ref().is_some_and(|u| u.config.record_all && u.recorder.is_some());
    if !recording {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let request_body = match forward::read_body(body).await {
        Ok(bytes) => bytes,
        Err(err) => return err.into_response(),
    };
    let at = SystemTime::now();
    let started = Instant::now();
    let res = next.run(Request::from_parts(parts.clone(), Body::from(request_body.clone()))).await;
    let (res_parts, body) = res.into_parts();
    let response_body = match axum::body::to_bytes(body, MAX_ANSWER_BYTES).await {
        Ok(bytes) => bytes,
        // A dropped connection (a fault) or an answer that broke off: the client gets the
        // same failure, and the cassette no line, since there was no answer to replay.
        Err(e) => {
            return Response::from_parts(
                res_parts,
                Body::from_stream(futures::stream::once(async { Err::<Bytes, _>(e) })),
            )
        }
    };
    let exchange = Exchange {
        at,
        latency: started.elapsed(),
        method: parts.method.clone(),
        target: parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string(),
        request_headers: parts.headers,
        request_body,
        status: res_parts.status,
        response_headers: res_parts.headers.clone(),
        response_body: response_body.clone(),
    };
    let proxied = res_parts.extensions.get::<Proxied>().is_some();
    if let Some(recorder) = state.upstream.as_ref().and_then(|u| u.recorder.as_ref()) {
        recorder.write(&exchange.to_line(proxied));
    }
    Response::from_parts(res_parts, Body::from(response_body))
}
