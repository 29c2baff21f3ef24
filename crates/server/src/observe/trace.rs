//! One `tracing` span per request, carrying the ids an operator is handed by a client
//! (`MS-RequestId`, `MS-CorrelationId`, `MS-CV`), the method and route template, and later the
//! partner, status and latency; and one access line per request, emitted inside it.

use std::time::Duration;

use axum::extract::MatchedPath;
use axum::http::{Request, Response};
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, OnResponse, TraceLayer};
use tracing::field::Empty;
use tracing::Span;

use crate::request_ids::RequestIds;

/// The route label of requests that matched no route.
pub(crate) const UNMATCHED: &str = "unmatched";

pub(crate) type Layer = TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RequestSpan, (), AccessLine, (), (), ()>;

/// The trace layer: no line when a request starts, one when its response is ready. Failures
/// are not logged again here: whoever caused a 5xx already logged it inside the span.
pub(crate) fn layer() -> Layer {
    TraceLayer::new_for_http()
        .make_span_with(RequestSpan)
        .on_request(())
        .on_response(AccessLine)
        .on_body_chunk(())
        .on_eos(())
        .on_failure(())
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let ids = req.extensions().get::<RequestIds>();
        let text = |pick: fn(&RequestIds) -> &str| ids.map_or("", pick);
        tracing::info_span!(
            "request",
            method = %req.method(),
            route = req.extensions().get::<MatchedPath>().map_or(UNMATCHED, |p| p.as_str()),
            request_id = text(|i| &i.request_id),
            correlation_id = text(|i| &i.correlation_id),
            cv = text(|i| &i.cv),
            partner = Empty,
            status = Empty,
            latency_ms = Empty,
        )
    }
}

/// Records the partner a verified token names on the current request's span.
pub(crate) fn record_partner(partner: &str) {
    Span::current().record("partner", partner);
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct AccessLine;

impl<B> OnResponse<B> for AccessLine {
    fn on_response(self, res: &Response<B>, latency: Duration, span: &Span) {
        span.record("status", res.status().as_u16());
        span.record("latency_ms", latency.as_secs_f64() * 1000.0);
        tracing::info!("request served");
    }
}
