//! What a connection is doing, so that one holding no request can be closed when it has been
//! quiet too long, whatever protocol it speaks and whatever stage it is stuck in.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

/// Requests in flight on one connection, when the last one ended, and whether the client
/// takes the answers it was given.
pub(crate) struct Activity {
    started: Instant,
    in_flight: AtomicUsize,
    /// Milliseconds after `started` at which the last request ended; `u64::MAX` before any.
    last_done_ms: AtomicU64,
    /// Answers whose next frame hyper has not asked for since their last (see `Progress`).
    owed: AtomicUsize,
    /// Milliseconds after `started` at which hyper last asked an answer for a frame.
    last_poll_ms: AtomicU64,
}

/// Why the watchdog closes a connection.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ending {
    /// It held no request for its allowance.
    Quiet,
    /// It was given answers and took none of their bytes for its allowance: a client that
    /// stopped reading, or an HTTP/2 client that never opens its flow-control window, would
    /// otherwise hold the answers' memory for as long as it likes.
    Stalled,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            started: Instant::now(),
            in_flight: AtomicUsize::new(0),
            last_done_ms: AtomicU64::new(u64::MAX),
            owed: AtomicUsize::new(0),
            last_poll_ms: AtomicU64::new(0),
        })
    }

    /// Counts an answer as owed to the client (`true`) or no longer (`false`).
    pub(crate) fn owe(&self, owed: bool) {
        if owed {
            // The allowance counts from the moment it became owed.
            self.polled();
            self.owed.fetch_add(1, Ordering::SeqCst);
        } else {
            self.owed.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Records that hyper asked an answer for a frame.
    pub(crate) fn polled(&self) {
        self.last_poll_ms.store(self.elapsed_ms(), Ordering::Relaxed);
    }

    fn elapsed_ms(&self) -> u64 {
        self.started.elapsed().as_millis().min(u128::from(u64::MAX - 1)) as u64
    }

    /// Marks a request in flight until the guard is dropped.
    pub(crate) fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(self.clone())
    }

    /// Resolves once the connection has held no request for its allowance (`first` from its
    /// start until its first request ends, `idle` after each request after that), or has had
    /// answers to send and sent none of their bytes for `idle`.
    pub(crate) async fn ending(&self, first: Duration, idle: Duration) -> Ending {
        let mut deadline = self.started + first;
        loop {
            tokio::time::sleep_until(deadline).await;
            if self.in_flight.load(Ordering::SeqCst) > 0 {
                if self.owed.load(Ordering::SeqCst) == 0 {
                    // A handler still working, or an answer waiting on the server (a quiet
                    // live tail): the request's own timeout ends the first; look again after
                    // one more allowance.
                    deadline = Instant::now() + idle;
                    continue;
                }
                let due = self.started + Duration::from_millis(self.last_poll_ms.load(Ordering::Relaxed)) + idle;
                if Instant::now() >= due {
                    return Ending::Stalled;
                }
                deadline = due;
                continue;
            }
            let due = match self.last_done_ms.load(Ordering::SeqCst) {
                u64::MAX => self.started + first,
                ms => self.started + Duration::from_millis(ms) + idle,
            };
            if Instant::now() >= due {
                return Ending::Quiet;
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
