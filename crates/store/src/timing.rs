//! Store latency for `/metrics`: each partner-scoped operation is timed, by operation, into
//! `partnerd_store_query_duration_seconds`.

use std::future::Future;
use std::time::Instant;

/// Runs `op` and records how long it took, whatever its outcome.
pub(crate) async fn timed<T>(op: &'static str, work: impl Future<Output = T>) -> T {
    let start = Instant::now();
    let out = work.await;
    metrics::histogram!("partnerd_store_query_duration_seconds", "op" => op).record(start.elapsed().as_secs_f64());
    out
}
