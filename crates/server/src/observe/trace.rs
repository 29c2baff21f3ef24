//! One `tracing` span per request, carrying the ids an operator is handed by a client
//! (`MS-RequestId`, `MS-CorrelationId`, `MS-CV`), the method and route template, and later the
//! partner, status and latency; and one access line per request, emitted inside it. The edge
//! middleware ([`crate::serve`]) opens the span and writes the line.

use std::time::Duration;

use axum::http::Method;
use tracing::field::Empty;
use tracing::Span;

use crate::request_ids::RequestIds;

/// The route label of requests that matched no route.
pub(crate) const UNMATCHED: &str = "unmatched";

/// The span of one request: every event logged while it is served carries its ids.
pub(crate) fn request_span(method: &Method, route: &str, ids: &RequestIds) -> Span {
    tracing::info_span!(
        "request",
        method = %method,
        route,
        request_id = ids.request_id.as_str(),
        correlation_id = ids.correlation_id.as_str(),
        cv = ids.cv.as_str(),
        partner = Empty,
        status = Empty,
        latency_ms = Empty,
    )
}

/// Records the partner a verified token names on the current request's span.
pub(crate) fn record_partner(partner: &str) {
    Span::current().record("partner", partner);
}

/// The access line, once the response is ready. Failures are not logged again here: whoever
/// caused a 5xx already logged it inside the span.
pub(crate) fn access_line(span: &Span, status: u16, latency: Duration) {
    if span.is_disabled() {
        return;
    }
    span.record("status", status);
    span.record("latency_ms", latency.as_secs_f64() * 1000.0);
    span.in_scope(|| tracing::info!("request served"));
}
