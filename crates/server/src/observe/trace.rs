//! What every log line of a request carries: the ids an operator is handed by a client
//! (`MS-RequestId`, `MS-CorrelationId`, `MS-CV`), the method and route template, and later the
//! partner, status and latency; and the one access line per request. The edge middleware
//! ([`crate::serve`]) runs each request inside its [`RequestLog`] and writes the line.
//!
//! The context is a task-local value, not a `tracing` span: the log formatter (the binary's
//! `logging`) writes it as a span named `request` in front of every event logged while the
//! request is served, whoever logs it. A real span cost a small request about a fifth of its
//! instructions (made, entered at every poll, its fields formatted as they were recorded, then
//! closed) for a context that most requests never show but in their one access line.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use axum::http::Method;

/// The route label of requests that matched no route.
pub(crate) const UNMATCHED: &str = "unmatched";

/// The log context of the request being served.
#[derive(Debug)]
pub struct RequestLog {
    method: Method,
    route: String,
    request_id: String,
    correlation_id: String,
    cv: String,
    partner: OnceLock<String>,
    outcome: OnceLock<(u16, f64)>,
}

/// One field of the context, as the log writes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// Written as it is (the method).
    Bare(&'a str),
    /// Written as a string (quoted in text).
    Text(&'a str),
    Integer(u64),
    Float(f64),
}

tokio::task_local! {
    static CURRENT: RequestLog;
}

impl RequestLog {
    pub fn new(method: Method, route: &str, request_id: &str, correlation_id: &str, cv: &str) -> RequestLog {
        RequestLog {
            method,
            route: route.to_string(),
            request_id: request_id.to_string(),
            correlation_id: correlation_id.to_string(),
            cv: cv.to_string(),
            partner: OnceLock::new(),
            outcome: OnceLock::new(),
        }
    }

    /// Runs `request` with this context: every event it logs carries it.
    pub async fn scope<F: Future>(self, request: F) -> F::Output {
        CURRENT.scope(self, request).await
    }

    /// The fields known so far, in the order the log writes them (the order a `tracing` span
    /// declared them in).
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, Value<'_>)> {
        let known = [
            Some(("method", Value::Bare(self.method.as_str()))),
            Some(("route", Value::Text(&self.route))),
            Some(("request_id", Value::Text(&self.request_id))),
            Some(("correlation_id", Value::Text(&self.correlation_id))),
            Some(("cv", Value::Text(&self.cv))),
            self.partner.get().map(|p| ("partner", Value::Text(p))),
            self.outcome.get().map(|(status, _)| ("status", Value::Integer(u64::from(*status)))),
            self.outcome.get().map(|(_, ms)| ("latency_ms", Value::Float(*ms))),
        ];
        known.into_iter().flatten()
    }
}

/// Calls `f` with the context of the request this task is serving, when it is serving one.
pub fn with_current<R>(f: impl FnOnce(&RequestLog) -> R) -> Option<R> {
    CURRENT.try_with(f).ok()
}

/// Notes the partner a verified token names, for the request's later lines.
pub fn record_partner(partner: &str) {
    with_current(|log| log.partner.set(partner.to_string()));
}

/// The access line, once the response is ready. Failures are not logged again here: whoever
/// caused a 5xx already logged it, with the same context.
pub fn access_line(status: u16, latency: Duration) {
    with_current(|log| log.outcome.set((status, latency.as_secs_f64() * 1000.0)));
    tracing::info!("request served");
}
