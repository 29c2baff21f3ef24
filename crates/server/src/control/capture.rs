//! The middleware that journals every Partner Center request and raises its guidance flags.
//! It is the outermost layer of the Partner Center routes, so it sees the request as the
//! client sent it and the answer as the client gets it (MS-* headers, negotiated body,
//! injected fault); the control plane is outside it and never journaled.

use std::sync::{Arc, OnceLock};
use std::time::{Instant, SystemTime};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, Uri};
use axum::middleware::Next;
use axum::response::Response;
use partnerd_model::PartnerId;

use super::guidance::Exchange;
use super::inject::Applied;
use super::journal::Entry;
use super::tap::{self, Captured};
use super::text::{Headers, Span, Text};
use crate::negotiate::negotiated;
use crate::request_ids::{RequestIds, MS_CORRELATION_ID, MS_REQUEST_ID};
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
    uri: Uri,
    route: Option<MatchedPath>,
    /// The credentials, for the partner of a request answered before authentication (the
    /// entry keeps only their scheme).
    authorization: Option<HeaderValue>,
    /// The target, the headers and the body's start, copied.
    text: Text,
    target: Span,
    headers: Span,
    body: Captured,
}

impl Arrival {
    fn headers(&self) -> Headers<'_> {
        self.text.headers(self.headers)
    }
}

/// The room an entry's text starts with: a request's target and headers and an answer's
/// headers (its token cut, see [`Text::push_headers`]) take about 450 bytes, and a kept page's
/// answer copies its first and last few hundred around the rows it references; a larger body
/// grows it once, to what it needs. Room never written is never in the CPU's caches.
const TEXT_CAPACITY: usize = 1024;

/// Middleware: see the module documentation.
pub(crate) async fn capture(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let journal_on = state.traffic.journal.is_on();
    let (mut parts, body) = req.into_parts();
    let slot = PartnerSlot::default();
    parts.extensions.insert(slot.clone());
    // A body declared over the API's limit will be refused unread: reading ahead would wait
    // for it (and invite it with `100 Continue`).
    let read_ahead = journal_on && !crate::body::declared_too_large(&parts.headers);
    let mut text = Text::with_capacity(TEXT_CAPACITY);
    let target = text.push(parts.uri.path_and_query().map_or(parts.uri.path(), |p| p.as_str()).as_bytes());
    let headers = text.push_headers(&parts.headers);
    let (body, captured) =
        if read_ahead { tap::read_ahead(body, &mut text).await } else { (body, Captured::default()) };
    let mut arrival = Arrival {
        id: if journal_on { state.traffic.journal.next_id() } else { 0 },
        at: state.clock.now(),
        started: Instant::now(),
        method: parts.method.clone(),
        uri: parts.uri.clone(),
        route: parts.extensions.get::<MatchedPath>().cloned(),
        authorization: parts.headers.get(header::AUTHORIZATION).cloned(),
        text,
        target,
        headers,
        body: captured,
    };
    let ids = parts.extensions.get::<RequestIds>().cloned();
    let req = Request::from_parts(parts, body);
    // Negotiation is a layer of its own only where the upstream's layers come in between.
    let mut res = if state.upstream.is_some() { next.run(req).await } else { negotiated(&state, req, next).await };
    // The ids the edge chose, on the answer before it is journaled (the edge then leaves them);
    // a forwarded answer keeps the upstream's, as it came.
    let proxied = res.extensions().get::<crate::upstream::Proxied>().is_some();
    if let Some(ids) = ids.as_ref().filter(|_| !proxied) {
        crate::request_ids::echo(ids, res.headers_mut());
    }
    // A request answered before authentication (a fault, an unknown route) still has a partner.
    let partner = slot.get().cloned().or_else(|| {
        let authorization = arrival.authorization.as_ref()?.to_str().ok()?;
        partner_of(&state, authorization)
    });
    state.traffic.stats.record(res.status().as_u16(), arrival.started.elapsed());
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
    let proxied = parts.extensions.get::<crate::upstream::Proxied>().map(|p| p.source);
    let mut text = std::mem::take(&mut arrival.text);
    let headers = text.push_headers(&parts.headers);
    let answer = Answer { status, headers, partner, applied, guidance, proxied };
    let done_state = state.clone();
    let body = tap::tap(
        body,
        text,
        Box::new(move |text, captured, _failed| {
            done_state.traffic.journal.record(entry(arrival, answer, text, captured))
        }),
    );
    Response::from_parts(parts, body)
}

/// The partner of a bearer token in `headers`, when it verifies.
pub(crate) fn bearer_partner(state: &AppState, headers: &HeaderMap) -> Option<PartnerId> {
    state.verifier.verify(crate::bearer::bearer_in(headers)?, state.token_time()).ok()
}

/// The partner of an `Authorization` value, when it is a bearer token that verifies.
fn partner_of(state: &AppState, authorization: &str) -> Option<PartnerId> {
    state.verifier.verify(crate::bearer::bearer(authorization)?, state.token_time()).ok()
}

/// What the answer said, kept until its body has gone out.
struct Answer {
    status: Option<u16>,
    headers: Span,
    partner: Option<PartnerId>,
    applied: Option<Applied>,
    guidance: Vec<&'static str>,
    proxied: Option<&'static str>,
}

fn guide(
    state: &AppState,
    a: &Arrival,
    partner: Option<&PartnerId>,
    res: &Response,
    status: Option<u16>,
    journaled: bool,
) -> Vec<&'static str> {
    let sent = |name: &HeaderName| a.headers().get(name).map(str::trim);
    let client_request_id = sent(&MS_REQUEST_ID).filter(|v| !v.is_empty());
    let exchange = Exchange {
        method: &a.method,
        path: a.uri.path(),
        query: a.uri.query().unwrap_or_default(),
        route: a.route.as_ref().map(MatchedPath::as_str),
        client_request_id,
        has_correlation_id: sent(&MS_CORRELATION_ID).is_some_and(|v| !v.is_empty()),
        continuation_token: sent(&MS_CONTINUATION_TOKEN).filter(|v| !v.is_empty()),
        partner,
        arrived: a.at,
        status,
        retry_after: text(res.headers(), &header::RETRY_AFTER).and_then(|v| v.parse().ok()),
        request_id: text(res.headers(), &MS_REQUEST_ID),
        entry: journaled.then_some(a.id),
    };
    state.traffic.guidance.inspect(state, &exchange)
}

fn entry(a: Arrival, answer: Answer, text: Text, response_body: Captured) -> Entry {
    let answered = answer.status.is_some();
    Entry {
        id: a.id,
        at: a.at,
        method: a.method,
        text,
        target: a.target,
        route: a.route,
        status: answer.status,
        latency: a.started.elapsed(),
        partner: answer.partner,
        request_headers: a.headers,
        response_headers: if answered { answer.headers } else { Span::default() },
        request_body: a.body,
        response_body: if answered { response_body } else { Captured::default() },
        fault: answer.applied.map(|f| f.record),
        guidance: answer.guidance,
        proxied: answer.proxied,
    }
}

fn text<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim)
}
