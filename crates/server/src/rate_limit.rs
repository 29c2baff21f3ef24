//! Partner Center-style throttling (spec §11): at most N requests per partner per minute, in
//! fixed one-minute windows, per instance, counted by the authentication layer. While it is on,
//! every authenticated response says where the partner stands (`RateLimit-Limit`,
//! `-Remaining`, `-Reset`), and a request over the limit gets 429 with `Retry-After` in seconds.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderName, HeaderValue};
use axum::response::Response;
use partnerd_model::PartnerId;

use crate::ApiError;

/// Where one partner stands in its current window.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Standing {
    limit: u32,
    remaining: u32,
    /// Whole seconds until the window ends (at least 1).
    reset: u64,
}

struct Window {
    started: Instant,
    used: u32,
}

/// The per-partner counters of this instance.
pub(crate) struct RateLimiter {
    limit: u32,
    window: Duration,
    windows: Mutex<HashMap<PartnerId, Window>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> RateLimiter {
        RateLimiter { limit, window, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts one request of `partner`; `Err` when it is over the limit.
    pub fn admit(&self, partner: &PartnerId) -> Result<Standing, (Standing, ApiError)> {
        let now = Instant::now();
        let mut windows = self.windows.lock().expect("rate limiter");
        if windows.len() > 10_000 {
            windows.retain(|_, w| now.duration_since(w.started) < self.window);
        }
        let w = windows.entry(partner.clone()).or_insert(Window { started: now, used: 0 });
        if now.duration_since(w.started) >= self.window {
            *w = Window { started: now, used: 0 };
        }
        let reset = (self.window - now.duration_since(w.started)).as_secs_f64().ceil().max(1.0) as u64;
        if w.used >= self.limit {
            let standing = Standing { limit: self.limit, remaining: 0, reset };
            crate::observe::metrics::throttled();
            return Err((standing, ApiError::throttled(reset)));
        }
        w.used += 1;
        Ok(Standing { limit: self.limit, remaining: self.limit - w.used, reset })
    }
}

/// Says on `res` where the partner stands (`RateLimit-Limit`, `-Remaining`, `-Reset`).
pub(crate) fn report(standing: Standing, mut res: Response) -> Response {
    let headers = res.headers_mut();
    for (name, value) in [
        ("ratelimit-limit", standing.limit as u64),
        ("ratelimit-remaining", standing.remaining as u64),
        ("ratelimit-reset", standing.reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_partner_within_the_window() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let a = PartnerId::parse("11111111-1111-1111-1111-111111111111").unwrap();
        let b = PartnerId::parse("22222222-2222-2222-2222-222222222222").unwrap();
        assert_eq!(limiter.admit(&a).unwrap().remaining, 1);
        assert_eq!(limiter.admit(&a).unwrap().remaining, 0);
        let (standing, err) = limiter.admit(&a).unwrap_err();
        assert_eq!(standing.remaining, 0);
        assert!((1..=60).contains(&standing.reset));
        assert_eq!(err.status(), 429);
        assert_eq!(limiter.admit(&b).unwrap().remaining, 1, "partners are counted apart");
    }
}
