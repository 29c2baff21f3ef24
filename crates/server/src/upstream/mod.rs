//! partnerd in front of a real Partner Center (`serve --upstream URL`): requests for routes
//! partnerd does not serve are forwarded there and answered as they came back; exchanges can
//! be recorded to a cassette (`--record DIR`) and answered from one offline (`--replay DIR`).
//! See `docs/upstream.md`.
//!
//! The [`pass_through`] layer sits just inside fault injection, so a forwarded request is
//! journaled, negotiated (406 before it leaves), struck by faults and throttled like any
//! other; it decides by the route axum matched: none matched means partnerd does not serve it.

mod cassette;
mod forward;
mod harvest;
mod record;
mod replay;
mod throttle;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub(crate) use record::record;

/// The cassette's file name inside a `--record` or `--replay` directory.
pub const CASSETTE_FILE: &str = cassette::FILE_NAME;

use crate::{ApiError, AppState};

/// Where to forward and what to keep, as `serve` flags set it.
#[derive(Clone, Debug, Default)]
pub struct UpstreamConfig {
    /// The base URL requests are forwarded to (`https://api.partnercenter.microsoft.com`);
    /// `None`: nothing is ever forwarded.
    pub url: Option<String>,
    /// Forward every Partner Center request, the routes partnerd serves too (`--upstream-all`):
    /// for recording a session against the real service, and for `record_into_store`.
    pub all: bool,
    /// Append exchanges to `DIR/cassette.jsonl`.
    pub record: Option<PathBuf>,
    /// Record every exchange, not only the forwarded ones.
    pub record_all: bool,
    /// Answer every request a line of `DIR/cassette.jsonl` matches from it.
    pub replay: Option<PathBuf>,
    /// Store the customers that forwarded answers carry, under the caller's partner.
    pub record_into_store: bool,
}

impl UpstreamConfig {
    /// Whether any of it is on.
    pub fn is_on(&self) -> bool {
        self.url.is_some() || self.record.is_some() || self.replay.is_some()
    }

    /// What `serve` and `doctor` check before anything starts, changing nothing: the flags go
    /// together, the URL is one partnerd can forward to, the cassette to replay reads. Says
    /// what will happen; `None` when nothing is on.
    pub fn check(&self) -> Result<Option<String>, String> {
        if !self.is_on() {
            return Ok(None);
        }
        if self.record_into_store && self.url.is_none() {
            return Err("--record-into-store needs --upstream".into());
        }
        let (mut said, mut wrong) = (Vec::new(), Vec::new());
        if let Some(url) = &self.url {
            match forward::Target::new(url) {
                Ok(_) => said.push(format!("forwarding to {url}")),
                Err(why) => wrong.push(why),
            }
        }
        if let Some(dir) = &self.record {
            said.push(format!("recording to {}", dir.join(cassette::FILE_NAME).display()));
        }
        if let Some(dir) = &self.replay {
            match cassette::read(dir) {
                Ok(lines) => said.push(format!("replaying {} exchanges", lines.len())),
                Err(why) => wrong.push(why),
            }
        }
        if wrong.is_empty() {
            Ok(Some(said.join("; ")))
        } else {
            Err(wrong.join("; "))
        }
    }
}

/// The running pass-through: its HTTP client, cassette writer and the cassette it replays.
pub(crate) struct Upstream {
    config: UpstreamConfig,
    target: Option<forward::Target>,
    recorder: Option<cassette::Recorder>,
    replay: Option<replay::Replay>,
}

/// Marks an answer that came from the upstream or a cassette, for the journal and the console
/// (and so that the request-id layer leaves the upstream's `MS-*` headers as they came).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Proxied {
    /// `"upstream"` or `"replay"`.
    pub source: &'static str,
}

impl Upstream {
    /// Checks the configuration and opens what it names; `None` when nothing is on.
    pub fn open(config: &UpstreamConfig) -> Result<Option<Upstream>, String> {
        if !config.is_on() {
            return Ok(None);
        }
        if config.record_into_store && config.url.is_none() {
            return Err("--record-into-store needs --upstream".into());
        }
        // Opened for real (the client built, the record directory created, the cassette
        // loaded); `UpstreamConfig::check` is the same without the changes.
        let target = config.url.as_deref().map(forward::Target::new).transpose()?;
        let recorder = config.record.as_deref().map(cassette::Recorder::open).transpose()?;
        let replay = config.replay.as_deref().map(replay::Replay::load).transpose()?;
        Ok(Some(Upstream { config: config.clone(), target, recorder, replay }))
    }

    /// Whether the forwarding layer records this exchange itself (the record-all layer
    /// otherwise records every exchange, forwarded ones included).
    fn records_forwarded(&self) -> bool {
        self.recorder.is_some() && !self.config.record_all
    }
}

/// Marks a request that may be answered by the upstream or a cassette, for content
/// negotiation: such a request may ask for what only the upstream writes (a PDF invoice), so
/// partnerd must not refuse it with 406 before it leaves.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Divertible;

/// Middleware, outside content negotiation: puts [`Divertible`] on the requests that
/// [`pass_through`] may answer.
pub(crate) async fn mark(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    if let Some(upstream) = &state.upstream {
        let served = req.extensions().get::<MatchedPath>().is_some();
        let forwards = upstream.target.is_some() && (!served || upstream.config.all);
        if forwards || upstream.replay.is_some() {
            req.extensions_mut().insert(Divertible);
        }
    }
    next.run(req).await
}

/// Middleware: a request a cassette line matches gets that line's answer (whatever the route:
/// a recording of partnerd's own routes replays too); otherwise routes partnerd does not serve
/// (and, with `--upstream-all`, every route) go to the upstream; the rest goes on, to partnerd's
/// own handlers or the contract's 404.
pub(crate) async fn pass_through(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(upstream) = state.upstream.clone() else { return next.run(req).await };
    let served = req.extensions().get::<MatchedPath>().is_some();
    let forwards = upstream.target.is_some() && (!served || upstream.config.all);
    if !forwards && upstream.replay.is_none() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let body = match forward::read_body(body).await {
        Ok(body) => body,
        Err(err) => return err.into_response(),
    };
    let replayed = upstream.replay.as_ref().and_then(|r| r.find(&parts.method, &parts.uri, &parts.headers, &body));
    if replayed.is_none() && !forwards {
        // partnerd answers after all: the 406 that negotiation held back for the cassette.
        if !crate::negotiate::acceptable(&parts.headers) {
            return crate::negotiate::render_error(&parts.headers, ApiError::not_acceptable());
        }
        return next.run(Request::from_parts(parts, axum::body::Body::from(body))).await;
    }
    // Answered here, so counted here: partnerd's own routes count in the authentication layer,
    // which a replayed or forwarded request never reaches.
    let standing = match throttle::admit(&state, &parts.headers) {
        Ok(standing) => standing,
        Err(refused) => return *refused,
    };
    let res = match replayed {
        Some(index) => {
            let mut res = upstream.replay.as_ref().expect("replayed from a cassette").answer(index);
            res.extensions_mut().insert(Proxied { source: "replay" });
            res
        }
        None => forward_to_upstream(&state, &upstream, &parts, body).await.unwrap_or_else(IntoResponse::into_response),
    };
    throttle::report(standing, res)
}

/// The upstream's answer, recorded and harvested as configured.
async fn forward_to_upstream(
    state: &AppState,
    upstream: &Arc<Upstream>,
    parts: &axum::http::request::Parts,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let target = upstream.target.as_ref().expect("only called with an upstream");
    let exchange = forward::send(target, parts, body).await?;
    if upstream.records_forwarded() {
        if let Some(recorder) = &upstream.recorder {
            recorder.write(&exchange.to_line(true));
        }
    }
    if upstream.config.record_into_store {
        harvest::store_customers(state, &parts.headers, &exchange).await;
    }
    let mut res = exchange.into_response();
    res.extensions_mut().insert(Proxied { source: "upstream" });
    Ok(res)
}
