//! The layers around every route, Partner Center's and partnerd's own alike: request ids, the
//! request's log context and access line, metrics, the head limits and the request timeout in one
//! middleware (each layer costs every request a clone of the stack below it and a boxed
//! future: five layers cost a small request about a fifth of its instructions), then
//! compression. Refusals made here speak the contract like any handler's.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower_http::compression::CompressionLayer;

use super::Limits;
use crate::negotiate::render_error;
use crate::observe;
use crate::observe::trace::{RequestLog, UNMATCHED};
use crate::request_ids::{self, RequestIds, MS_REQUEST_ID};
use crate::ApiError;

/// What the edge needs to know of the server's settings.
#[derive(Clone)]
struct Edge {
    limits: Arc<Limits>,
    metrics: bool,
}

/// `app` with the edge middleware outermost, then compression.
pub(crate) fn wrap(app: Router, limits: &Limits, metrics: bool) -> Router {
    let edge = Edge { limits: Arc::new(limits.clone()), metrics };
    app.layer(CompressionLayer::new()).layer(middleware::from_fn_with_state(edge, edge_layer))
}

/// Middleware: chooses the request's ids, opens its span, refuses a head over the limits,
/// runs the request within the request timeout, then echoes the ids, counts the request for
/// `/metrics` and writes its access line.
async fn edge_layer(State(edge): State<Edge>, mut req: Request, next: Next) -> Response {
    let started = Instant::now();
    let ids = RequestIds::from_headers(req.headers());
    let method = observe::metrics::method_label(req.method());
    let route = req.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or(UNMATCHED, MatchedPath::as_str);
    let log = RequestLog::new(req.method().clone(), route, &ids.request_id, &ids.correlation_id, &ids.cv);
    log.scope(async move {
        let mut res = match head_refusal(&edge.limits, &req) {
            Some(refusal) => refusal,
            None => {
                req.extensions_mut().insert(ids.clone());
                request_timeout(edge.limits.request_timeout, req, next).await
            }
        };
        // A forwarded answer keeps the upstream's ids, as it came; the journal's layer echoes
        // them itself, so that its entry shows the answer as the client gets it.
        let proxied = res.extensions().get::<crate::upstream::Proxied>().is_some();
        if !proxied && !res.headers().contains_key(MS_REQUEST_ID) {
            request_ids::echo(&ids, res.headers_mut());
        }
        let latency = started.elapsed();
        if edge.metrics {
            observe::metrics::count(method, route, res.status().as_u16(), latency);
        }
        observe::trace::access_line(res.status().as_u16(), latency);
        res
    })
    .await
}

/// 414 for a request target longer than the limit, 431 for too many or too large headers;
/// `None` for a head within the limits.
fn head_refusal(limits: &Limits, req: &Request) -> Option<Response> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > limits.max_uri_bytes {
        let err = ApiError::new(
            StatusCode::URI_TOO_LONG,
            800002,
            format!("The request target is longer than {} bytes.", limits.max_uri_bytes),
        );
        return Some(render_error(req.headers(), err));
    }
    let headers = req.headers();
    let bytes: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    if headers.len() > limits.max_headers || bytes > limits.max_header_bytes {
        let err = ApiError::new(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            800002,
            format!(
                "The request has more than {} header fields or more than {} bytes of them.",
                limits.max_headers, limits.max_header_bytes
            ),
        );
        return Some(render_error(headers, err));
    }
    None
}
/// 503 when the response is not ready within the request timeout; the handler is dropped.
/// The control plane's bulk operations are exempt: a million customers take longer than any
/// request should, and they are bounded by their size instead.
async fn request_timeout(limit: Duration, req: Request, next: Next) -> Response {
    if crate::control::is_bulk(req.method(), req.uri().path()) {
        return next.run(req).await;
    }
    // Only `Accept` decides how a timeout is rendered; most requests have none to keep.
    let headers: HeaderMap =
        req.headers().get_all(header::ACCEPT).iter().map(|v| (header::ACCEPT, v.clone())).collect();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!(timeout = ?limit, "request timed out");
            let err = ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                800003,
                format!("The request did not complete within {} seconds.", limit.as_secs_f64()),
            );
            render_error(&headers, err)
        }
    }
}
