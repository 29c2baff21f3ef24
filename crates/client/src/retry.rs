//! When to try a request again and how long to wait first, after Partner Center's guidance:
//! honour `Retry-After` on 429 and back off further if throttling persists; retry server
//! errors and transport failures a few times with exponential backoff; never retry a 4xx.
//! Backoffs are fully jittered (a random wait up to the exponential bound), so clients that
//! failed together do not come back together; a server's `Retry-After` is never cut short.

use std::time::Duration;

/// How persistent the client is. Retries of one call reuse its `MS-RequestId`, so the
/// server executes a create, update or delete at most once however many attempts it takes.
///
/// ```
/// use std::time::Duration;
/// use partnerd_client::{Client, RetryPolicy};
///
/// let patient = RetryPolicy { max_throttled_retries: 30, ..RetryPolicy::default() };
/// let client = Client::builder().token("eyJ...").retry_policy(patient).build().unwrap();
/// # let _ = client;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after a 5xx or a transport error (3, as Partner Center recommends).
    pub max_retries: u32,
    /// Retries after a 429 before giving up with [`Error::Throttled`](crate::Error::Throttled).
    pub max_throttled_retries: u32,
    /// The first backoff delay; each further one doubles it.
    pub base_delay: Duration,
    /// The longest backoff delay (a server's `Retry-After` is honoured even when longer).
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits out; a server asking for more gets the
    /// call failed at once ([`Error::Throttled`](crate::Error::Throttled) or the 5xx error)
    /// instead of a call that hangs for hours.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries for failures, 10 for throttling, backoff from 1 s up to 30 s.
    ///
    /// ```
    /// let p = partnerd_client::RetryPolicy::default();
    /// assert_eq!(p.max_retries, 3);
    /// ```
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            max_throttled_retries: 10,
            base_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// The bound on the backoff before retry number `n` (1-based): `base_delay * 2^(n-1)`,
    /// at most `max_delay`. The wait itself is drawn at random below it (full jitter).
    ///
    /// ```
    /// use std::time::Duration;
    /// let p = partnerd_client::RetryPolicy { base_delay: Duration::from_millis(100), ..Default::default() };
    /// assert_eq!(p.backoff(3), Duration::from_millis(400));
    /// ```
    pub fn backoff(&self, n: u32) -> Duration {
        let factor = 2u32.saturating_pow(n.saturating_sub(1));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// The wait before retrying the `n`th consecutive 429: the server's `Retry-After`, plus
    /// a jittered backoff from the second one on, so that a client that keeps being
    /// throttled slows down rather than returning on the dot. `None` when the server asks
    /// for longer than `max_retry_after`.
    pub(crate) fn throttle_delay(&self, retry_after: Option<Duration>, n: u32) -> Option<Duration> {
        self.throttle_delay_with(retry_after, n, full_jitter)
    }

    /// The wait before the `n`th retry of a failure: a jittered backoff, but never less than
    /// a 503's `Retry-After`; `None` when that is longer than `max_retry_after`.
    pub(crate) fn failure_delay(&self, retry_after: Option<Duration>, n: u32) -> Option<Duration> {
        self.failure_delay_with(retry_after, n, full_jitter)
    }

    fn throttle_delay_with(&self, retry_after: Option<Duration>, n: u32, jitter: Jitter) -> Option<Duration> {
        match self.acceptable(retry_after)? {
            Some(wait) if n <= 1 => Some(wait),
            Some(wait) => Some(wait.saturating_add(jitter(self.backoff(n - 1)))),
            None => Some(jitter(self.backoff(n))),
        }
    }

    fn failure_delay_with(&self, retry_after: Option<Duration>, n: u32, jitter: Jitter) -> Option<Duration> {
        Some(jitter(self.backoff(n)).max(self.acceptable(retry_after)?.unwrap_or_default()))
    }

    /// The jittered wait before the `n`th retry after a transport failure.
    pub(crate) fn transport_delay(&self, n: u32) -> Duration {
        full_jitter(self.backoff(n))
    }

    /// `None` (give up) when the server asks for a longer wait than this policy accepts.
    fn acceptable(&self, retry_after: Option<Duration>) -> Option<Option<Duration>> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            other => Some(other),
        }
    }
}

/// Picks the actual wait given its upper bound.
type Jitter = fn(Duration) -> Duration;

/// "Full jitter": uniformly anywhere from nothing up to `bound`.
fn full_jitter(bound: Duration) -> Duration {
    bound.mul_f64(rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy { base_delay: Duration::from_millis(100), max_delay: Duration::from_secs(1), ..Default::default() }
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = policy();
        let delays: Vec<u128> = (1..=6).map(|n| p.backoff(n).as_millis()).collect();
        assert_eq!(delays, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(p.backoff(200), Duration::from_secs(1));
    }

    /// The jitter at its largest and smallest, so the bounds can be checked exactly.
    fn most(d: Duration) -> Duration {
        d
    }
    fn least(_: Duration) -> Duration {
        Duration::ZERO
    }

    #[test]
    fn throttling_waits_for_retry_after_then_backs_off() {
        let p = policy();
        let ra = Some(Duration::from_secs(5));
        assert_eq!(p.throttle_delay_with(ra, 1, most), Some(Duration::from_secs(5)));
        assert_eq!(p.throttle_delay_with(ra, 2, most), Some(Duration::from_millis(5100)));
        assert_eq!(p.throttle_delay_with(ra, 3, most), Some(Duration::from_millis(5200)));
        assert_eq!(p.throttle_delay_with(ra, 3, least), Some(Duration::from_secs(5)), "never less than Retry-After");
        assert_eq!(p.throttle_delay_with(None, 2, most), Some(Duration::from_millis(200)));
    }

    #[test]
    fn failures_wait_at_least_what_the_server_asks() {
        let p = policy();
        assert_eq!(p.failure_delay_with(None, 2, most), Some(Duration::from_millis(200)));
        assert_eq!(p.failure_delay_with(Some(Duration::from_secs(3)), 2, most), Some(Duration::from_secs(3)));
        assert_eq!(p.failure_delay_with(Some(Duration::from_secs(3)), 2, least), Some(Duration::from_secs(3)));
    }

    #[test]
    fn jittered_waits_spread_within_their_bounds() {
        let p = policy();
        let waits: Vec<Duration> = (0..200).map(|_| p.failure_delay(None, 3).unwrap()).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(400)), "{waits:?}");
        let distinct: std::collections::HashSet<_> = waits.iter().collect();
        assert!(distinct.len() > 100, "waits are spread, not all the same: {}", distinct.len());
        let ra = Some(Duration::from_secs(2));
        assert!((0..200).all(|_| p.throttle_delay(ra, 4).unwrap() >= Duration::from_secs(2)));
        assert!((0..200).all(|_| p.failure_delay(ra, 1).unwrap() >= Duration::from_secs(2)));
    }

    #[test]
    fn absurd_waits_give_up_instead_of_hanging_or_overflowing() {
        let p = policy();
        assert_eq!(p.throttle_delay(Some(Duration::from_secs(301)), 1), None);
        assert_eq!(p.throttle_delay(Some(Duration::from_secs(u64::MAX)), 2), None);
        assert_eq!(p.failure_delay(Some(Duration::from_secs(99_999_999)), 1), None);
        assert_eq!(
            p.throttle_delay_with(Some(Duration::from_secs(300)), 3, most),
            Some(Duration::from_millis(300_200))
        );
    }
}
