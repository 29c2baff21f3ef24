//! Guidance, as Microsoft Dev Proxy gives it for Graph: habits that work against partnerd
//! but fail against Partner Center are flagged on the request's journal entry, warned about
//! in the log, and summed up by `GET /_partnerd/guidance`.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasher;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{RawQuery, State};
use axum::http::{Method, StatusCode};
use axum::Json;
use partnerd_model::routes::version_free;
use partnerd_model::PartnerId;
use serde_json::{json, Value};

use crate::list_query::{ListParams, MAX_PAGE_SIZE};
use crate::{ApiError, AppState};

/// The flags and what each one means, in the order the summary lists them.
pub(crate) const FLAGS: [(&str, &str); 5] = [
    (RETRY_TOO_SOON, "Retried before the Retry-After of a 429 or 503 answer had passed."),
    (CREATE_WITHOUT_REQUEST_ID, "Created a customer without MS-RequestId: a retry may create it twice."),
    (NO_CORRELATION_ID, "Sent no MS-CorrelationId: the requests of one operation cannot be tied together."),
    (SIZE_ABOVE_MAX, "Asked for size above 500: Partner Center answers at most 500 items a page."),
    (TOKEN_QUERY_CHANGED, "Sent a continuation token with a size or filter other than the query it was issued for."),
];
pub(crate) const RETRY_TOO_SOON: &str = "retryBeforeRetryAfter";
pub(crate) const CREATE_WITHOUT_REQUEST_ID: &str = "createWithoutRequestId";
pub(crate) const NO_CORRELATION_ID: &str = "noCorrelationId";
pub(crate) const SIZE_ABOVE_MAX: &str = "sizeAbove500";
pub(crate) const TOKEN_QUERY_CHANGED: &str = "continuationTokenQueryChanged";

/// Examples kept per flag and partner.
const EXAMPLES: usize = 5;
/// After its first warning, a partner's flag is logged at most once in this long (with the
/// number raised since): a client that never sends MS-CorrelationId would otherwise write a
/// warning per request, which costs the server more than the request and buries the log.
const LOG_EVERY: Duration = Duration::from_secs(60);
/// Retry-After deadlines remembered at most: expired ones are swept first, then the ones
/// that end soonest, so a flood of throttled requests cannot grow the map.
const MAX_DEADLINES: usize = 10_000;
/// (partner, flag) tallies kept at most: in sandbox every development-token partner has its
/// own, so the least recently raised go first when a flood of partners fills the map.
const MAX_TALLIES: usize = 4_096;
/// Longest request id and path an example keeps (bytes): the summary shows what was asked,
/// not a 30 KB header.
const EXAMPLE_TEXT: usize = 256;

/// What guidance needs to know about a request that was answered.
pub(crate) struct Exchange<'a> {
    pub method: &'a Method,
    /// The path without the query.
    pub path: &'a str,
    pub query: &'a str,
    pub route: Option<&'a str>,
    pub client_request_id: Option<&'a str>,
    pub has_correlation_id: bool,
    pub continuation_token: Option<&'a str>,
    pub partner: Option<&'a PartnerId>,
    /// Arrival on the server's clock, which time travel moves: a test lets a `Retry-After`
    /// pass by moving the clock rather than by waiting.
    pub arrived: SystemTime,
    pub status: Option<u16>,
    pub retry_after: Option<u64>,
    /// The id the answer carried (the client's MS-RequestId or a generated one).
    pub request_id: Option<&'a str>,
    /// The journal entry, when journaled.
    pub entry: Option<u64>,
}

/// A request that may be told to wait: the partner and a hash of its MS-RequestId, or of
/// its method and path. A hash, not the text, so that an entry costs the same whatever the
/// client sends (a request id may be 30 KB); a collision can only raise a flag wrongly.
#[derive(Clone, Debug, Hash, PartialEq, Eq)]
struct RetryKey {
    partner: Option<PartnerId>,
    by_request_id: bool,
    hash: u64,
}

#[derive(Default)]
struct Tally {
    count: u64,
    examples: VecDeque<Example>,
    /// When this flag was last logged for this partner, and how often it was raised since.
    logged: Option<Instant>,
    unlogged: u64,
    /// When it was last raised: the least recently raised tallies are evicted first.
    raised: Option<Instant>,
}

/// One flagged request, as the summary lists it.
struct Example {
    entry: Option<u64>,
    request_id: Option<String>,
    method: Method,
    path: String,
}

impl Example {
    fn to_json(&self) -> Value {
        json!({"entry": self.entry, "requestId": self.request_id, "method": self.method.as_str(), "path": self.path})
    }
}

/// The instance's guidance state: open Retry-After windows (ending on the server's clock)
/// and the tallies.
#[derive(Default)]
pub(crate) struct Guidance {
    deadlines: Mutex<HashMap<RetryKey, SystemTime>>,
    tallies: Mutex<HashMap<(Option<PartnerId>, &'static str), Tally>>,
    /// Keys the hashes of [`RetryKey`], per instance, so that no client can aim collisions.
    hasher: RandomState,
}

impl Guidance {
    /// The flags `exchange` raises; each is counted and logged.
    pub fn inspect(&self, state: &AppState, x: &Exchange<'_>) -> Vec<&'static str> {
        let mut flags = Vec::new();
        if self.retried_too_soon(x, state.clock.now()) {
            flags.push(RETRY_TOO_SOON);
        }
        let creates = x.method == Method::POST && x.route.is_some_and(|r| version_free(r) == "/customers");
        if creates && x.client_request_id.is_none() {
            flags.push(CREATE_WITHOUT_REQUEST_ID);
        }
        if !x.has_correlation_id {
            flags.push(NO_CORRELATION_ID);
        }
        if size_above_max(x.query) {
            flags.push(SIZE_ABOVE_MAX);
        }
        if token_query_changed(state, x) {
            flags.push(TOKEN_QUERY_CHANGED);
        }
        self.tally(x, &flags);
        flags
    }

    /// Whether this request repeats one (same MS-RequestId, or same method and path) that was
    /// told to wait and had not waited; opens a window, from `now`, when this one is told to
    /// wait.
    fn retried_too_soon(&self, x: &Exchange<'_>, now: SystemTime) -> bool {
        let window = match (x.status, x.retry_after) {
            (Some(429 | 503), Some(secs)) => Some(now + Duration::from_secs(secs.min(24 * 3600))),
            _ => None,
        };
        let mut deadlines = self.deadlines.lock().expect("guidance deadlines");
        // Nothing to compare with and nothing to open: the usual case costs no keys.
        if window.is_none() && deadlines.is_empty() {
            return false;
        }
        let partner = x.partner.cloned();
        let call = self.hasher.hash_one((x.method.as_str(), x.path));
        let mut keys = vec![RetryKey { partner: partner.clone(), by_request_id: false, hash: call }];
        if let Some(id) = x.client_request_id {
            keys.push(RetryKey { partner, by_request_id: true, hash: self.hasher.hash_one(id) });
        }
        let too_soon = keys.iter().any(|k| deadlines.get(k).is_some_and(|until| x.arrived < *until));
        if let Some(until) = window {
            if deadlines.len() + keys.len() > MAX_DEADLINES {
                make_room(&mut deadlines, now);
            }
            for key in keys {
                deadlines.insert(key, until);
            }
        }
        too_soon
    }

    /// Counts the flags, keeps the request as their latest example, and logs each flag when
    /// [`LOG_EVERY`] allows.
    fn tally(&self, x: &Exchange<'_>, flags: &[&'static str]) {
        if flags.is_empty() {
            return;
        }
        let now = Instant::now();
        let mut tallies = self.tallies.lock().expect("guidance tallies");
        if tallies.len() + flags.len() > MAX_TALLIES {
            evict_least_recent(&mut tallies);
        }
        for flag in flags {
            let tally = tallies.entry((x.partner.cloned(), flag)).or_default();
            tally.count += 1;
            tally.raised = Some(now);
            if tally.examples.len() == EXAMPLES {
                tally.examples.pop_back();
            }
            let path = if x.query.is_empty() { x.path.to_string() } else { format!("{}?{}", x.path, x.query) };
            tally.examples.push_front(Example {
                entry: x.entry,
                request_id: x.request_id.map(|id| clip(id).to_string()),
                method: x.method.clone(),
                path: clip(&path).to_string(),
            });
            if tally.logged.is_some_and(|at| now.duration_since(at) < LOG_EVERY) {
                tally.unlogged += 1;
                continue;
            }
            tracing::warn!(
                guidance = flag,
                method = %x.method,
                path = x.path,
                request_id = x.request_id.unwrap_or_default(),
                since_last_line = tally.unlogged,
                "client guidance: {}",
                describe(flag)
            );
            tally.logged = Some(now);
            tally.unlogged = 0;
        }
    }

    /// Forgets the tallies and open windows of everyone, or of `partner` only.
    pub fn clear(&self, partner: Option<&PartnerId>) {
        let mut tallies = self.tallies.lock().expect("guidance tallies");
        let mut deadlines = self.deadlines.lock().expect("guidance deadlines");
        match partner {
            None => {
                tallies.clear();
                deadlines.clear();
            }
            Some(p) => {
                tallies.retain(|(owner, _), _| owner.as_ref() != Some(p));
                deadlines.retain(|k, _| k.partner.as_ref() != Some(p));
            }
        }
    }

    /// The summary: per flag, its meaning, how often it was raised and the latest examples.
    fn summary(&self, partner: Option<&PartnerId>) -> Value {
        let tallies = self.tallies.lock().expect("guidance tallies");
        let mut flags = serde_json::Map::new();
        let mut total = 0;
        for (flag, description) in FLAGS {
            let mut count = 0;
            let mut examples: Vec<&Example> = Vec::new();
            for ((owner, f), tally) in tallies.iter() {
                if *f == flag && partner.is_none_or(|p| owner.as_ref() == Some(p)) {
                    count += tally.count;
                    examples.extend(tally.examples.iter());
                }
            }
            // Newest first across partners: journal entries and request arrival agree.
            examples.sort_by_key(|e| std::cmp::Reverse(e.entry));
            examples.truncate(EXAMPLES);
            let examples: Vec<Value> = examples.into_iter().map(Example::to_json).collect();
            total += count;
            flags.insert(flag.to_string(), json!({"description": description, "count": count, "latest": examples}));
        }
        json!({"total": total, "flags": flags})
    }
}

/// Sweeps the expired deadlines, then, if the map is still a quarter from full, the ones that
/// end soonest: a client flooded with 429s loses some windows, never the server its memory.
fn make_room(deadlines: &mut HashMap<RetryKey, SystemTime>, now: SystemTime) {
    deadlines.retain(|_, until| *until > now);
    let keep = MAX_DEADLINES * 3 / 4;
    if deadlines.len() > keep {
        let mut ends: Vec<SystemTime> = deadlines.values().copied().collect();
        let cut = ends.len() - keep;
        let (_, nth, _) = ends.select_nth_unstable(cut);
        let cut_at = *nth;
        deadlines.retain(|_, until| *until > cut_at);
    }
}

/// Drops the least recently raised quarter of the tallies.
fn evict_least_recent(tallies: &mut HashMap<(Option<PartnerId>, &'static str), Tally>) {
    let mut raised: Vec<Option<Instant>> = tallies.values().map(|t| t.raised).collect();
    let (_, nth, _) = raised.select_nth_unstable(MAX_TALLIES / 4);
    let cut_at = *nth;
    tallies.retain(|_, t| t.raised > cut_at);
}

/// At most [`EXAMPLE_TEXT`] bytes of `text`, cut at a character boundary.
fn clip(text: &str) -> &str {
    let mut end = text.len().min(EXAMPLE_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

fn describe(flag: &str) -> &'static str {
    FLAGS.iter().find(|(f, _)| *f == flag).map_or("", |(_, d)| d)
}

/// A `size` above the cap, however many digits it has (the list lowers any of them to 500).
fn size_above_max(query: &str) -> bool {
    form_urlencoded::parse(query.as_bytes()).any(|(name, value)| {
        let value = value.trim();
        name.eq_ignore_ascii_case("size")
            && !value.is_empty()
            && value.bytes().all(|b| b.is_ascii_digit())
            && value.parse::<u64>().map_or(true, |n| n > MAX_PAGE_SIZE as u64)
    })
}

/// A continuation token sent with a `size` or `filter` that is not the one sealed in it.
/// Only a 400 can be one: the list refuses such a query, and the token is not opened again
/// for the pages it serves.
fn token_query_changed(state: &AppState, x: &Exchange<'_>) -> bool {
    if x.status != Some(400) {
        return false;
    }
    let (Some(token), Some(partner)) = (x.continuation_token, x.partner) else { return false };
    let (Ok(cursor), Ok(params)) = (state.sealer.open(token, partner), ListParams::parse(x.query)) else {
        return false;
    };
    params.size.is_some_and(|s| s != cursor.size) || params.filter.is_some_and(|f| Some(&f) != cursor.filter.as_ref())
}

/// `GET /_partnerd/guidance[?partner=GUID]`.
pub(super) async fn summary(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Json<Value>, ApiError> {
    let partner = partner_parameter(query)?;
    Ok(Json(state.traffic.guidance.summary(partner.as_ref())))
}

/// `DELETE /_partnerd/guidance[?partner=GUID]`: starts the tallies over.
pub(super) async fn clear(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<StatusCode, ApiError> {
    let partner = partner_parameter(query)?;
    state.traffic.guidance.clear(partner.as_ref());
    Ok(StatusCode::NO_CONTENT)
}

/// The only query parameter of the clearing and summing routes: `partner`.
pub(super) fn partner_parameter(query: Option<String>) -> Result<Option<PartnerId>, ApiError> {
    let mut partner = None;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "partner" => partner = Some(super::requests::parse_partner(&value)?),
            other => return Err(super::requests::unknown_parameter(other, "partner")),
        }
    }
    Ok(partner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_above_the_page_cap() {
        assert!(size_above_max("size=501"));
        assert!(size_above_max("a=1&SIZE=1000"));
        assert!(!size_above_max("size=500"));
        assert!(!size_above_max("size=x&other=900"));
        assert!(size_above_max("size=100000000000000000000000"), "too big for any integer is above 500");
        assert!(!size_above_max("size=&size=-1"));
    }

    fn exchange<'a>(partner: &'a PartnerId, path: &'a str, request_id: &'a str) -> Exchange<'a> {
        Exchange {
            method: &Method::GET,
            path,
            query: "",
            route: None,
            client_request_id: Some(request_id),
            has_correlation_id: false,
            continuation_token: None,
            partner: Some(partner),
            arrived: SystemTime::now(),
            status: Some(429),
            retry_after: Some(3600),
            request_id: Some(request_id),
            entry: None,
        }
    }

    /// 20,000 throttled requests with distinct 30 KB request ids and paths, from 20,000
    /// partners: the open windows and the tallies stay within their bounds, and an entry keeps
    /// no more of the client's text than an example's clip.
    #[test]
    fn a_flood_of_throttled_requests_and_partners_stays_bounded() {
        let guidance = Guidance::default();
        let long = "x".repeat(30 * 1024);
        for n in 0..20_000u32 {
            let partner = PartnerId::parse(&format!("{n:08x}-0000-4000-8000-000000000000")).unwrap();
            let id = format!("{n}{long}");
            let path = format!("/v1/customers/{n}{long}");
            let x = exchange(&partner, &path, &id);
            guidance.retried_too_soon(&x, x.arrived);
            guidance.tally(&x, &[NO_CORRELATION_ID]);
        }
        let deadlines = guidance.deadlines.lock().unwrap();
        assert!(deadlines.len() <= MAX_DEADLINES, "{} open windows", deadlines.len());
        let tallies = guidance.tallies.lock().unwrap();
        assert!(tallies.len() <= MAX_TALLIES, "{} tallies", tallies.len());
        let text: usize = tallies
            .values()
            .flat_map(|t| t.examples.iter())
            .map(|e| e.path.len() + e.request_id.as_ref().map_or(0, String::len))
            .sum();
        assert!(text <= tallies.len() * 2 * EXAMPLE_TEXT, "{text} bytes of examples");
    }

    /// Eviction keeps the newest: the partner raised last is still counted after the flood.
    #[test]
    fn eviction_keeps_the_most_recently_raised() {
        let guidance = Guidance::default();
        let mut last = None;
        for n in 0..(MAX_TALLIES as u32 + 100) {
            let partner = PartnerId::parse(&format!("{n:08x}-0000-4000-8000-000000000000")).unwrap();
            guidance.tally(&exchange(&partner, "/v1/customers", "id"), &[NO_CORRELATION_ID]);
            last = Some(partner);
        }
        let tallies = guidance.tallies.lock().unwrap();
        assert!(tallies.contains_key(&(last, NO_CORRELATION_ID)));
    }

    #[test]
    fn clips_at_a_character_boundary() {
        let text = "é".repeat(EXAMPLE_TEXT);
        assert!(clip(&text).len() <= EXAMPLE_TEXT && clip(&text).chars().all(|c| c == 'é'));
        assert_eq!(clip("short"), "short");
    }
}
