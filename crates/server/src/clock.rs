//! The server's one clock. Everything that asks "what time is it" for a decision (token
//! expiry, continuation-token expiry, idempotency retention) asks this, so the control
//! plane's time travel (`POST /_partnerd/clock`) moves all of them at once.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Wall-clock time shifted by an offset that tests can set; cheap to clone and share.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_seconds: Arc<AtomicI64>,
}

impl Clock {
    /// The shifted time.
    pub fn now(&self) -> SystemTime {
        let offset = self.offset_seconds();
        let real = SystemTime::now();
        if offset >= 0 {
            real + Duration::from_secs(offset.unsigned_abs())
        } else {
            real - Duration::from_secs(offset.unsigned_abs())
        }
    }

    /// Seconds since the Unix epoch, shifted.
    pub fn unix_seconds(&self) -> i64 {
        match self.now().duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_secs() as i64,
            Err(e) => -(e.duration().as_secs() as i64),
        }
    }

    /// The current offset from real time, in seconds.
    pub fn offset_seconds(&self) -> i64 {
        self.offset_seconds.load(Ordering::Relaxed)
    }

    /// Moves the clock to real time + `seconds`.
    pub fn set_offset_seconds(&self, seconds: i64) {
        self.offset_seconds.store(seconds, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_moves_now_both_ways() {
        let clock = Clock::default();
        let before = clock.unix_seconds();
        clock.set_offset_seconds(25 * 3600);
        assert!(clock.unix_seconds() - before >= 25 * 3600);
        clock.set_offset_seconds(-3600);
        assert!(before - clock.unix_seconds() >= 3599);
    }
}
