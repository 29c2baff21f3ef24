//! Prometheus metrics: one process-wide recorder (the `metrics` facade), rendered by
//! `GET /metrics`. Route labels are route templates, never raw paths, so a client cannot
//! create series at will.

use std::collections::HashMap;
use std::sync::{OnceLock, RwLock};
use std::time::Duration;

use axum::http::Method;
use metrics::{Counter, Histogram};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

/// Latency buckets in seconds: 0.5 ms to 10 s.
const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// The process's recorder, installed on first use; `None` if another recorder was installed
/// first (an embedding program's own), in which case `/metrics` answers 404.
pub(crate) fn handle() -> Option<&'static PrometheusHandle> {
    HANDLE.get_or_init(install).as_ref()
}

fn install() -> Option<PrometheusHandle> {
    let recorder = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
        .ok()?
        .build_recorder();
    let handle = recorder.handle();
    metrics::set_global_recorder(recorder).ok()?;
    metrics::gauge!("partnerd_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    Some(handle)
}

/// Drains histogram samples into their buckets now and then, so memory stays flat when no
/// one scrapes. Ends with the server that spawned it.
pub(crate) async fn upkeep(handle: &'static PrometheusHandle) {
    loop {
        tokio::time::sleep(Duration::from_secs(5)).await;
        handle.run_upkeep();
    }
}

/// Counts one request and its latency by method, route template and status (the edge
/// middleware calls it once the response is ready).
pub(crate) fn count(method: &'static str, route: &str, status: u16, latency: Duration) {
    let (duration, count) = series(method, route, status);
    duration.record(latency.as_secs_f64());
    count.increment(1);
}

/// The request series, by route template, then method and status.
type Series = HashMap<Box<str>, HashMap<(&'static str, u16), (Histogram, Counter)>>;

/// The handles of one request's series, registered on first use and then kept: a registry
/// lookup builds its labels and hashes them, which cost as much as the rest of the metrics.
/// Every key comes from a closed set (methods, route templates, the statuses partnerd
/// answers), so the map stays small.
fn series(method: &'static str, route: &str, status: u16) -> (Histogram, Counter) {
    static SERIES: OnceLock<RwLock<Series>> = OnceLock::new();
    let series = SERIES.get_or_init(RwLock::default);
    if let Some(found) = series.read().expect("metric series").get(route).and_then(|m| m.get(&(method, status))) {
        return found.clone();
    }
    let labels = [("method", method.to_string()), ("route", route.to_string())];
    let duration = metrics::histogram!("partnerd_http_request_duration_seconds", &labels);
    let counted = [("method", method.to_string()), ("route", route.to_string()), ("status", status.to_string())];
    let count = metrics::counter!("partnerd_http_requests_total", &counted);
    let mut series = series.write().expect("metric series");
    let handles = (duration, count);
    series.entry(route.into()).or_default().insert((method, status), handles.clone());
    handles
}

/// The method as a label from a closed set: a client may send any extension method, and each
/// would otherwise be a new series kept for the life of the process.
pub(crate) fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

pub(crate) fn connection_opened() {
    metrics::gauge!("partnerd_http_connections").increment(1.0);
}

pub(crate) fn connection_closed() {
    metrics::gauge!("partnerd_http_connections").decrement(1.0);
}

/// A connection closed unserved because the connection limit was reached.
pub(crate) fn connection_refused() {
    metrics::counter!("partnerd_http_connections_refused_total").increment(1);
}

/// A write answered from its kept response (same `MS-RequestId`, same body).
pub(crate) fn idempotent_replay() {
    metrics::counter!("partnerd_idempotent_replays_total").increment(1);
}

/// A request answered 429 by the rate limit.
pub(crate) fn throttled() {
    metrics::counter!("partnerd_throttled_requests_total").increment(1);
}

/// A bearer token refused, by a short reason (`missing`, `malformed`, `expired`, ...).
pub(crate) fn token_refused(reason: &'static str) {
    metrics::counter!("partnerd_refused_tokens_total", "reason" => reason).increment(1);
}
