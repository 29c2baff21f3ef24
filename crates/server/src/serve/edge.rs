//! The layers around every route, Partner Center's and partnerd's own alike: request ids, the
//! request span and access line, metrics, compression, the head limits and the request
//! timeout. Refusals made here speak the contract like any handler's.

use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;

use super::Limits;
use crate::negotiate::render_error;
use crate::{observe, ApiError};

/// `app` with the edge layers, outermost first.
pub(crate) fn wrap(app: Router, limits: &Limits, metrics: bool) -> Router {
    let inner = ServiceBuilder::new()
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(limits.clone(), within_limits));
    let app = app.layer(inner);
    let app = if metrics { app.layer(middleware::from_fn(observe::metrics::track)) } else { app };
    app.layer(
        ServiceBuilder::new()
            .layer(middleware::from_fn(crate::request_ids::request_ids))
            .layer(observe::trace::layer()),
    )
}

/// The head limits, then the request timeout: one layer, since each layer costs every request
/// a clone of the stack below it.
async fn within_limits(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    if let Some(refusal) = head_refusal(&limits, &req) {
        return refusal;
    }
    request_timeout(limits.request_timeout, req, next).await
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
