//! What a connection is doing, so that one holding no request can be closed when it has been
//! quiet too long, whatever protocol it speaks and whatever stage it is stuck in.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// Requests in flight on one connection and when the last one ended.
pub(crate) struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds after `started` at which the last request ended; `u64::MAX` before any.
    last_done_ms: AtomicU64,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_done_ms: AtomicU64::new(u64::MAX),
        })
    }

    /// Marks a request in flight until the guard is dropped.
    pub(crate) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// Resolves once the connection has held no request for its allowance: `first` from its
    /// start until its first request ends, `idle` after each request after that.
    pub(crate) async fn quiet_for(&self, first: Duration, idle: Duration) {
        let mut deadline = self.started + first;
        loop {
            tokio::time::sleep_until(deadline).await;
            if self.in_flight.load(Ordering::SeqCst) > 0 {
                // The request's own timeout ends it; look again after one more allowance.
                deadline = Instant::now() + idle;
                continue;
            }
            let due = match self.last_done_ms.load(Ordering::SeqCst) {
                u64::MAX => self.started + first,
                ms => self.started + Duration::from_millis(ms) + idle,
            };
            if Instant::now() >= due {
                return;
            }
            deadline = due;
        }
    }
}

/// A request in flight; dropping it records the end of the request.
pub(crate) struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let ms = self.0.started.elapsed().as_millis().min(u128::from(u64::MAX - 1)) as u64;
        self.0.last_done_ms.store(ms, Ordering::SeqCst);
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
