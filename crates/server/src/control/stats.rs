//! The server's own health figures for the console: request counts, 4xx and 5xx answers and
//! latency percentiles of the Partner Center API, in 10-second buckets over the last 15
//! minutes. `GET /_partnerd/stats` reads them.
//!
//! A recorder of its own (rather than a reading of the request journal) so the figures stay
//! right when the journal is small or turned off, and cost one short lock per request.
//! Buckets follow the real wall clock, not the control plane's moved clock: they describe the
//! server's work, which happens in real time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use axum::extract::{RawQuery, State};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;

use crate::ApiError;

/// Width of one bucket.
pub(crate) const BUCKET_SECONDS: u64 = 10;
/// How many buckets are kept: 15 minutes.
const BUCKETS: usize = 90;
/// Latency histogram: bucket `i` holds latencies up to `FIRST_BOUND_MS * GROWTH^i`, so every
/// estimate is within 10% of the truth from 50 µs to about three minutes (the last bucket
/// takes everything slower).
const FIRST_BOUND_MS: f64 = 0.05;
const GROWTH: f64 = 1.1;
const LATENCY_BUCKETS: usize = 160;

/// Counts for one 10-second bucket.
#[derive(Clone)]
struct Bucket {
    /// Which bucket of time this is (Unix seconds / `BUCKET_SECONDS`); slots are reused.
    epoch: u64,
    requests: u64,
    errors4xx: u64,
    errors5xx: u64,
    latency: [u32; LATENCY_BUCKETS],
}

impl Bucket {
    fn empty(epoch: u64) -> Bucket {
        Bucket { epoch, requests: 0, errors4xx: 0, errors5xx: 0, latency: [0; LATENCY_BUCKETS] }
    }

    fn add(&mut self, other: &Bucket) {
        self.requests += other.requests;
        self.errors4xx += other.errors4xx;
        self.errors5xx += other.errors5xx;
        for (a, b) in self.latency.iter_mut().zip(other.latency.iter()) {
            *a = a.saturating_add(*b);
        }
    }

    /// The latency (ms) below which a fraction `q` of this bucket's requests finished: the upper
    /// bound of the histogram bucket where the count crosses `q`.
    fn percentile(&self, q: f64) -> Option<f64> {
        let total: u64 = self.latency.iter().map(|&n| u64::from(n)).sum();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, &n) in self.latency.iter().enumerate() {
            seen += u64::from(n);
            if seen >= rank {
                return Some(round2(upper_bound_ms(i)));
            }
        }
        None
    }
}

fn upper_bound_ms(i: usize) -> f64 {
    FIRST_BOUND_MS * GROWTH.powi(i as i32)
}

fn latency_slot(ms: f64) -> usize {
    if ms <= FIRST_BOUND_MS {
        return 0;
    }
    let i = ((ms / FIRST_BOUND_MS).ln() / GROWTH.ln()).ceil() as usize;
    i.min(LATENCY_BUCKETS - 1)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The time-bucketed recorder; cheap to clone and share.
#[derive(Clone)]
pub(crate) struct Recorder {
    ring: Arc<Mutex<Vec<Bucket>>>,
}

impl Default for Recorder {
    fn default() -> Self {
        Recorder { ring: Arc::new(Mutex::new(vec![Bucket::empty(0); BUCKETS])) }
    }
}

impl Recorder {
    /// Counts one answered request at `now` (Unix seconds).
    fn record_at(&self, now: u64, status: u16, latency: Duration) {
        let epoch = now / BUCKET_SECONDS;
        let slot = latency_slot(latency.as_secs_f64() * 1000.0);
        let mut ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = &mut ring[(epoch % BUCKETS as u64) as usize];
        if bucket.epoch != epoch {
            *bucket = Bucket::empty(epoch);
        }
        bucket.requests += 1;
        bucket.errors4xx += u64::from((400..500).contains(&status));
        bucket.errors5xx += u64::from(status >= 500);
        bucket.latency[slot] = bucket.latency[slot].saturating_add(1);
    }

    /// The last `count` buckets up to and including the one holding `now`, oldest first;
    /// buckets with no requests are there too, empty, so a chart has no gaps.
    fn window_at(&self, now: u64, count: usize) -> Vec<Bucket> {
        let current = now / BUCKET_SECONDS;
        let ring = self.ring.lock().unwrap_or_else(|e| e.into_inner());
        (0..count as u64)
            .rev()
            .filter_map(|back| current.checked_sub(back))
            .map(|epoch| {
                let slot = &ring[(epoch % BUCKETS as u64) as usize];
                if slot.epoch == epoch {
                    slot.clone()
                } else {
                    Bucket::empty(epoch)
                }
            })
            .collect()
    }
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

impl Recorder {
    /// Counts one Partner Center request answered `status` after `took` (the journal's
    /// layer calls it, so the statistics cost no layer of their own).
    pub(crate) fn record(&self, status: u16, took: Duration) {
        self.record_at(unix_now(), status, took);
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Figures {
    requests: u64,
    errors4xx: u64,
    errors5xx: u64,
    p50_ms: Option<f64>,
    p95_ms: Option<f64>,
    p99_ms: Option<f64>,
}

impl Figures {
    fn of(b: &Bucket) -> Figures {
        Figures {
            requests: b.requests,
            errors4xx: b.errors4xx,
            errors5xx: b.errors5xx,
            p50_ms: b.percentile(0.50),
            p95_ms: b.percentile(0.95),
            p99_ms: b.percentile(0.99),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BucketFigures {
    /// Unix seconds at which the bucket starts.
    start: u64,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    window_seconds: u64,
    requests_per_second: f64,
    /// Share of requests answered with a 4xx or 5xx status, 0 to 1.
    error_rate: f64,
    #[serde(flatten)]
    figures: Figures,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Stats {
    bucket_seconds: u64,
    now: u64,
    summary: Summary,
    buckets: Vec<BucketFigures>,
}

/// `GET /_partnerd/stats[?minutes=N]`: the last N minutes (1 to 15, default 15).
pub(super) async fn stats(
    State(recorder): State<Recorder>,
    RawQuery(raw): RawQuery,
) -> Result<impl IntoResponse, ApiError> {
    let minutes = minutes(raw.as_deref().unwrap_or_default())?;
    Ok(Json(figures(&recorder, unix_now(), minutes)))
}

fn minutes(query: &str) -> Result<u64, ApiError> {
    let mut minutes = 15;
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if key != "minutes" {
            return Err(ApiError::invalid(format!("Unknown query parameter '{key}'; only minutes is accepted."))
                .with_data(key.into_owned()));
        }
        minutes =
            value.parse::<u64>().ok().filter(|m| (1..=15).contains(m)).ok_or_else(|| {
                ApiError::invalid("minutes must be a whole number from 1 to 15.").with_data("minutes")
            })?;
    }
    Ok(minutes)
}

fn figures(recorder: &Recorder, now: u64, minutes: u64) -> Stats {
    let window = recorder.window_at(now, (minutes * 60 / BUCKET_SECONDS) as usize);
    let mut total = Bucket::empty(0);
    window.iter().for_each(|b| total.add(b));
    let window_seconds = minutes * 60;
    let summary = Summary {
        window_seconds,
        requests_per_second: round2(total.requests as f64 / window_seconds as f64),
        error_rate: if total.requests == 0 {
            0.0
        } else {
            ((total.errors4xx + total.errors5xx) as f64 / total.requests as f64 * 10_000.0).round() / 10_000.0
        },
        figures: Figures::of(&total),
    };
    let buckets =
        window.iter().map(|b| BucketFigures { start: b.epoch * BUCKET_SECONDS, figures: Figures::of(b) }).collect();
    Stats { bucket_seconds: BUCKET_SECONDS, now, summary, buckets }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T0: u64 = 1_800_000_000;

    #[test]
    fn counts_statuses_per_bucket() {
        let r = Recorder::default();
        r.record_at(T0, 200, Duration::from_millis(3));
        r.record_at(T0 + 1, 404, Duration::from_millis(3));
        r.record_at(T0 + 2, 503, Duration::from_millis(3));
        r.record_at(T0 + BUCKET_SECONDS, 201, Duration::from_millis(3));
        let stats = figures(&r, T0 + BUCKET_SECONDS, 1);
        assert_eq!(stats.buckets.len(), 6);
        let last_two: Vec<u64> = stats.buckets[4..].iter().map(|b| b.figures.requests).collect();
        assert_eq!(last_two, [3, 1]);
        assert_eq!(stats.buckets[4].figures.errors4xx, 1);
        assert_eq!(stats.buckets[4].figures.errors5xx, 1);
        assert_eq!(stats.summary.figures.requests, 4);
        assert_eq!(stats.summary.error_rate, 0.5);
    }

    #[test]
    fn percentiles_are_within_ten_percent() {
        let r = Recorder::default();
        for ms in 1..=100 {
            r.record_at(T0, 200, Duration::from_millis(ms));
        }
        let s = figures(&r, T0, 1).summary.figures;
        for (got, want) in [(s.p50_ms, 50.0), (s.p95_ms, 95.0), (s.p99_ms, 99.0)] {
            let got = got.expect("percentile");
            assert!(got >= want && got <= want * 1.1, "{got} vs {want}");
        }
    }

    #[test]
    fn old_buckets_are_forgotten_when_their_slot_is_reused() {
        let r = Recorder::default();
        r.record_at(T0, 200, Duration::from_millis(1));
        let later = T0 + BUCKETS as u64 * BUCKET_SECONDS;
        r.record_at(later, 500, Duration::from_millis(1));
        let stats = figures(&r, later, 15);
        assert_eq!(stats.summary.figures.requests, 1);
        assert_eq!(stats.summary.figures.errors5xx, 1);
        assert!(stats.buckets[0].figures.p50_ms.is_none());
    }

    #[test]
    fn minutes_are_checked() {
        assert_eq!(minutes("").unwrap(), 15);
        assert_eq!(minutes("minutes=5").unwrap(), 5);
        for bad in ["minutes=0", "minutes=16", "minutes=x", "size=1"] {
            assert_eq!(minutes(bad).unwrap_err().status(), axum::http::StatusCode::BAD_REQUEST, "{bad}");
        }
    }
}
