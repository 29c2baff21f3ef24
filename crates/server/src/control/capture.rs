//! The middleware that journals every Partner Center request and raises its guidance flags.
//! It is the outermost layer of the Partner Center routes, so it sees the request as the
//! client sent it and the answer as the client gets it (MS-* headers, negotiated body,
//! injected fault); the control plane is outside it and never journaled.

use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, Method};
use axum::middleware::Next;
use axum::response::Response;
use partnerd_model::PartnerId;
use serde_json::Map;

use super::guidance::Exchange;
use super::inject::Applied;
use super::journal::{rfc3339, Entry};
use super::redact;
use super::tap::{self, Captured};
use crate::request_ids::{MS_CORRELATION_ID, MS_CV, MS_REQUEST_ID};
use crate::AppState;

const MS_CONTINUATION_TOKEN: HeaderName = HeaderName::from_static("ms-continuationtoken");

/// Where authentication leaves the verified partner for the journal (set at most once).
#[derive(Clone, Default)]
pub(crate) struct PartnerSlot(Arc<OnceLock<PartnerId>>);

impl PartnerSlot {
    pub fn set(&self, partner: &PartnerId) {
        let _ = self.0.set(partner.clone());
    }

    fn get(&self) -> Option<&PartnerId> {
        self.0.get()
    }
}

/// The request as it arrived, kept until its answer is complete.
struct Arrival {
    id: u64,
    at: SystemTime,
    started: Instant,
    method: Method,
    path: String,
    query: String,
    route: Option<String>,
    headers: HeaderMap,
    body: Captured,
}

/// Middleware: see the module documentation.
pub(crate) async fn capture(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let journal_on = state.traffic.journal.is_on();
    let (mut parts, body) = req.into_parts();
    let slot = PartnerSlot::default();
    parts.extensions.insert(slot.clone());
    let (body, captured) = if journal_on { tap::read_ahead(body).await } else { (body, Captured::default()) };
    let arrival = Arrival {
        id: if journal_on { state.traffic.journal.next_id() } else { 0 },
        at: state.clock.now(),
        started: Instant::now(),
        method: parts.method.clone(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        route: parts.extensions.get::<MatchedPath>().map(|m| m.as_str().to_string()),
        headers: parts.headers.clone(),
        body: captured,
    };
    let res = next.run(Request::from_parts(parts, body)).await;
    // A request answered before authentication (a fault, an unknown route) still has a partner.
    let partner = slot.get().cloned().or_else(|| bearer_partner(&state, &arrival.headers));
    let applied = res.extensions().get::<Applied>().cloned();
    let status = match &applied {
        Some(a) if a.dropped => None,
        _ => Some(res.status().as_u16()),
    };
    let guidance = guide(&state, &arrival, partner.as_ref(), &res, status, journal_on);
    if !journal_on {
        return res;
    }
    state.traffic.journal.answered(arrival.id);
    let (parts, body) = res.into_parts();
    let answer = Answer { status, headers: parts.headers.clone(), partner, applied, guidance };
    let done_state = state.clone();
    let body = tap::tap(
        body,
        Box::new(move |captured, _failed| done_state.traffic.journal.record(entry(arrival, answer, captured))),
    );
    Response::from_parts(parts, body)
}

/// The partner of a bearer token in `headers`, when it verifies.
pub(crate) fn bearer_partner(state: &AppState, headers: &HeaderMap) -> Option<PartnerId> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(())?;
    state.verifier.verify(token.trim(), state.clock.unix_seconds()).ok()
}

/// What the answer said, kept until its body has gone out.
struct Answer {
    status: Option<u16>,
    headers: HeaderMap,
    partner: Option<PartnerId>,
    applied: Option<Applied>,
    guidance: Vec<&'static str>,
}

fn guide(
    state: &AppState,
    a: &Arrival,
    partner: Option<&PartnerId>,
    res: &Response,
    status: Option<u16>,
    journaled: bool,
) -> Vec<&'static str> {
    let client_request_id = text(&a.headers, &MS_REQUEST_ID).filter(|v| !v.is_empty());
    let exchange = Exchange {
        method: &a.method,
        path: &a.path,
        query: &a.query,
        route: a.route.as_deref(),
        client_request_id,
        has_correlation_id: text(&a.headers, &MS_CORRELATION_ID).is_some_and(|v| !v.is_empty()),
        continuation_token: text(&a.headers, &MS_CONTINUATION_TOKEN).filter(|v| !v.is_empty()),
        partner,
        arrived: a.at,
        status,
        retry_after: text(res.headers(), &header::RETRY_AFTER).and_then(|v| v.parse().ok()),
        request_id: text(res.headers(), &MS_REQUEST_ID),
        entry: journaled.then_some(a.id),
    };
    state.traffic.guidance.inspect(state, &exchange)
}

fn entry(a: Arrival, answer: Answer, response_body: Captured) -> Entry {
    let header_text = |name: &HeaderName| answer.headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
    let (request_body, request_body_truncated) = body_text(a.body, content_type(&a.headers));
    let (response_body, response_body_truncated) = body_text(response_body, content_type(&answer.headers));
    Entry {
        id: a.id,
        time: rfc3339(a.at),
        at: a.at,
        method: a.method.to_string(),
        path: if a.query.is_empty() { a.path } else { format!("{}?{}", a.path, a.query) },
        route: a.route,
        status: answer.status,
        latency_ms: (a.started.elapsed().as_micros() as f64) / 1000.0,
        partner: answer.partner.map(|p| p.to_string()),
        request_id: header_text(&MS_REQUEST_ID),
        correlation_id: header_text(&MS_CORRELATION_ID),
        cv: header_text(&MS_CV),
        request_headers: redact::headers(&a.headers),
        response_headers: if answer.status.is_some() { redact::headers(&answer.headers) } else { Map::new() },
        request_body,
        request_body_truncated,
        response_body: response_body.filter(|_| answer.status.is_some()),
        response_body_truncated,
        fault: answer.applied.map(|f| f.record),
        guidance: answer.guidance,
    }
}

fn text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    text(headers, &header::CONTENT_TYPE)
}

/// The body as redacted text (`None` when empty), and whether it was cut at the limit.
fn body_text(captured: Captured, content_type: Option<&str>) -> (Option<String>, bool) {
    if captured.bytes.is_empty() {
        return (None, false);
    }
    let text = String::from_utf8_lossy(&captured.bytes);
    (Some(redact::body(&text, content_type)), captured.truncated)
}
