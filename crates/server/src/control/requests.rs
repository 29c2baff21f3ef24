//! `/_partnerd/requests`: reading the journal. A list with filters (newest first), one entry,
//! clearing, and a live Server-Sent Events tail.

use std::convert::Infallible;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures::Stream;
use partnerd_model::routes::version_free;
use partnerd_model::PartnerId;
use serde_json::{json, Value};
use tokio::sync::broadcast::error::RecvError;

use super::journal::Entry;
use crate::{ApiError, AppState};

/// Entries a list answers when it does not say.
const DEFAULT_LIMIT: usize = 100;

/// Where a list starts: after an entry id, or at a time.
#[derive(Debug)]
enum Since {
    After(u64),
    At(SystemTime),
}

/// What a list or a tail keeps. Every member is optional; all given must hold.
#[derive(Debug, Default)]
struct Filter {
    method: Option<String>,
    route: Option<String>,
    status: Option<StatusFilter>,
    partner: Option<PartnerId>,
    correlation_id: Option<String>,
    since: Option<Since>,
}

/// `503` or a class like `5xx`.
#[derive(Debug)]
enum StatusFilter {
    Exact(u16),
    Class(u16),
}

impl Filter {
    fn keeps(&self, e: &Entry) -> bool {
        self.method.as_ref().is_none_or(|m| e.method.as_str().eq_ignore_ascii_case(m))
            && self.route.as_ref().is_none_or(|r| e.route().is_some_and(|er| same_route(er, r)))
            && self.status.as_ref().is_none_or(|s| match (s, e.status) {
                (StatusFilter::Exact(want), Some(got)) => got == *want,
                (StatusFilter::Class(class), Some(got)) => got / 100 == *class,
                (_, None) => false,
            })
            && self.partner.as_ref().is_none_or(|p| e.partner.as_ref() == Some(p))
            && self.correlation_id.as_ref().is_none_or(|c| e.correlation_id() == Some(c.as_str()))
            && self.since.as_ref().is_none_or(|s| match s {
                Since::After(id) => e.id > *id,
                Since::At(t) => e.at >= *t,
            })
    }
}

/// Route templates compare without their API version: `/v1/customers`, `/v1.0/customers` and
/// `/customers` all name the same route.
pub(crate) fn same_route(template: &str, wanted: &str) -> bool {
    version_free(template) == version_free(wanted)
}

/// Reads the query string: the filters named in `allowed`, and `limit` when allowed.
fn parse(query: Option<String>, allowed: &[&str]) -> Result<(Filter, usize), ApiError> {
    let mut filter = Filter::default();
    let mut limit = DEFAULT_LIMIT;
    for (name, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        if !allowed.contains(&name.as_ref()) {
            return Err(unknown_parameter(&name, &allowed.join(", ")));
        }
        let value = value.trim().to_string();
        match name.as_ref() {
            "method" => filter.method = Some(value),
            "route" => filter.route = Some(value),
            "status" => filter.status = Some(parse_status(&value)?),
            "partner" => filter.partner = Some(parse_partner(&value)?),
            "correlationId" => filter.correlation_id = Some(value),
            "since" => filter.since = Some(parse_since(&value)?),
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| bad_parameter("limit", &value, "a positive integer"))?
            }
            _ => unreachable!("only allowed names get here"),
        }
    }
    Ok((filter, limit))
}

fn parse_status(value: &str) -> Result<StatusFilter, ApiError> {
    let bad = || bad_parameter("status", value, "a status like 503 or a class like 5xx");
    if let Some(class) = value.strip_suffix("xx").or_else(|| value.strip_suffix("XX")) {
        return class.parse::<u16>().ok().filter(|c| (1..=5).contains(c)).map(StatusFilter::Class).ok_or_else(bad);
    }
    value.parse::<u16>().ok().filter(|s| (100..=599).contains(s)).map(StatusFilter::Exact).ok_or_else(bad)
}

/// An entry id, or an RFC 3339 time: to the nanosecond when it is UTC after 1970 (what the
/// journal itself writes), else to the second (an offset, or a time before 1970, which every
/// entry is after).
fn parse_since(value: &str) -> Result<Since, ApiError> {
    if let Ok(id) = value.parse::<u64>() {
        return Ok(Since::After(id));
    }
    if let Ok(at) = humantime::parse_rfc3339_weak(value) {
        return Ok(Since::At(at));
    }
    let seconds = partnerd_model::date_time::parse(value)
        .map_err(|_| bad_parameter("since", value, "an entry id, or an RFC 3339 time like 2026-01-31T12:00:00Z"))?;
    let from_epoch = Duration::from_secs(seconds.unsigned_abs());
    Ok(Since::At(if seconds < 0 { UNIX_EPOCH - from_epoch } else { UNIX_EPOCH + from_epoch }))
}

pub(crate) fn parse_partner(value: &str) -> Result<PartnerId, ApiError> {
    PartnerId::parse(value.trim()).ok_or_else(|| bad_parameter("partner", value, "a partner GUID"))
}

fn bad_parameter(name: &str, value: &str, expected: &str) -> ApiError {
    ApiError::invalid(format!("The query parameter {name} must be {expected}.")).with_data(format!("{name}={value}"))
}

pub(crate) fn unknown_parameter(name: &str, known: &str) -> ApiError {
    ApiError::invalid(format!("Unknown query parameter '{name}'; this resource takes: {known}.")).with_data(name)
}

/// `GET /_partnerd/requests`: kept entries, newest first.
pub(super) async fn list(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Json<Value>, ApiError> {
    let allowed = ["method", "route", "status", "partner", "correlationId", "since", "limit"];
    let (filter, limit) = parse(query, &allowed)?;
    state.traffic.journal.settle().await;
    let items = state.traffic.journal.select(|e| filter.keeps(e), limit);
    let items: Vec<&Entry> = items.iter().map(|e| &**e).collect();
    Ok(Json(json!({"totalCount": items.len(), "items": items})))
}

/// `GET /_partnerd/requests/{id}`.
pub(super) async fn get(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Value>, ApiError> {
    let not_found = || {
        ApiError::new(
            StatusCode::NOT_FOUND,
            1000,
            "No journal entry has this id (it may have been dropped from the ring).",
        )
    };
    let id: u64 = id.parse().map_err(|_| not_found().with_data(id.clone()))?;
    state.traffic.journal.settle().await;
    let entry = state.traffic.journal.get(id).ok_or_else(not_found)?;
    Ok(Json(serde_json::to_value(&*entry).expect("entries serialise")))
}

/// `DELETE /_partnerd/requests`: forgets every entry (or one partner's, with `?partner=`).
pub(super) async fn clear(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<StatusCode, ApiError> {
    let (filter, _) = parse(query, &["partner"])?;
    state.traffic.journal.clear(filter.partner.as_ref());
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /_partnerd/requests/stream`: every entry recorded from now on that matches the
/// filters, as `event: request` with the entry as `data`. A follower that falls behind gets
/// one `event: lagged` saying how many it missed, and goes on; the stream ends when the
/// server shuts down.
pub(super) async fn stream(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let (filter, _) = parse(query, &["method", "route", "status", "partner", "correlationId"])?;
    let live = state.traffic.journal.subscribe();
    let stopping = state.traffic.stopping();
    let events = futures::stream::unfold((live, stopping, filter), |(mut live, mut stopping, filter)| async move {
        loop {
            let received = tokio::select! {
                r = live.recv() => r,
                _ = stopping.wait_for(|stop| *stop) => return None,
            };
            let event = match received {
                Ok(entry) if filter.keeps(&entry) => Event::default()
                    .event("request")
                    .id(entry.id.to_string())
                    .data(serde_json::to_string(&*entry).expect("entries serialise")),
                Ok(_) => continue,
                Err(RecvError::Lagged(n)) => Event::default().event("lagged").data(json!({"skipped": n}).to_string()),
                Err(RecvError::Closed) => return None,
            };
            return Some((Ok(event), (live, stopping, filter)));
        }
    });
    Ok(Sse::new(events).keep_alive(KeepAlive::default()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_and_refuse() {
        let (f, limit) =
            parse(Some("method=post&status=5xx&since=12&limit=3".into()), &["method", "status", "since", "limit"])
                .unwrap();
        assert_eq!(limit, 3);
        assert!(matches!(f.status, Some(StatusFilter::Class(5))));
        assert!(matches!(f.since, Some(Since::After(12))));
        assert!(matches!(parse_since("2026-01-31T12:00:00Z"), Ok(Since::At(_))));
        assert!(parse_since("yesterday").is_err());
        assert!(parse_since("2026-11-31T12:00:00Z").is_err(), "there is no 31 November");
        let at = |text| match parse_since(text) {
            Ok(Since::At(t)) => t,
            other => panic!("{text}: {:?}", other.is_ok()),
        };
        assert!(at("1270-06-07T21:59:08.63256Z") < UNIX_EPOCH, "before 1970 is a time too");
        assert_eq!(at("2026-01-31T13:00:00+01:00"), at("2026-01-31T12:00:00Z"), "an offset is the same instant");
        assert!(parse(Some("colour=red".into()), &["method"]).is_err());
        assert!(parse(Some("limit=0".into()), &["limit"]).is_err());
        assert!(parse_status("700").is_err() && parse_status("9xx").is_err());
        assert!(same_route("/v1.0/customers/{id}", "/v1/customers/{id}"));
        assert!(same_route("/v1/customers", "/customers"));
        assert!(!same_route("/v1/customers", "/v1/customers/{id}"));
    }
}
