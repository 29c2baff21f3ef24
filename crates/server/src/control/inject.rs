//! The middleware that makes faults happen, just inside content negotiation (so an injected
//! error is rendered as JSON or XML like any other) and outside every handler.
//!
//! A write never half-applies: without `commit` the answer comes before the handler runs, so
//! the store is untouched; with `commit` the handler runs to the end (the write and its kept
//! idempotent answer are stored) and only then is its answer replaced or the connection
//! dropped, which is what an `MS-RequestId` retry exists to recover from.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body::Frame;
use partnerd_model::{AppliedFault, FaultRule};

use super::capture::bearer_partner;
use crate::{ApiError, AppState};

/// The fault a response carries, for the journal.
#[derive(Clone, Debug)]
pub(crate) struct Applied {
    /// Boxed: a journal entry holds it, and most entries have none, so they stay a pointer wide.
    pub record: Box<AppliedFault>,
    pub dropped: bool,
}

/// Strikes the request with the first matching fault rule, if any (run by the negotiation
/// layer, just inside it).
pub(crate) async fn inject(state: &AppState, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(MatchedPath::as_str);
    let strike = state.traffic.faults.strike(req.method(), route, || bearer_partner(state, req.headers()));
    let Some(strike) = strike else { return next.run(req).await };
    if let Some(latency) = strike.latency {
        tokio::time::sleep(latency).await;
    }
    let rule = &strike.rule;
    let mut res = if rule.status.is_none() && !rule.drop {
        next.run(req).await
    } else {
        if rule.commit {
            // The handler's answer is computed (and its write committed), then lost.
            drop(next.run(req).await);
        }
        if rule.drop {
            dropped()
        } else {
            error_answer(rule).into_response()
        }
    };
    res.extensions_mut().insert(Applied { record: Box::new(strike.record), dropped: rule.drop });
    res
}

/// The contract's error answer for `rule`: Partner Center's throttling body for 429, the
/// error body otherwise; 429 and 503 always say when to retry.
fn error_answer(rule: &FaultRule) -> ApiError {
    let status = rule.status.expect("only rules with a status answer");
    let retry_after = rule.retry_after.unwrap_or(1);
    let status_code = StatusCode::from_u16(status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
    let mut err = match status {
        429 => ApiError::throttled(retry_after),
        503 => ApiError::unavailable(retry_after),
        401 => ApiError::unauthorized("The bearer token was refused (injected fault)."),
        404 => ApiError::new(status_code, 1000, "The resource was not found (injected fault)."),
        500..=599 => ApiError::new(status_code, 800003, "An unexpected error occurred (injected fault)."),
        _ => ApiError::new(status_code, 800002, "The request was refused (injected fault)."),
    };
    if let Some(secs) = rule.retry_after.filter(|_| !matches!(status, 429 | 503)) {
        err = err.with_retry_after(secs);
    }
    if let Some(code) = rule.code {
        err = err.with_code(code);
    }
    if let Some(description) = &rule.description {
        err = err.with_description(description.clone());
    }
    err
}

/// A response that never arrives: its body fails before the first byte, so the server
/// closes the connection without sending even the status line.
fn dropped() -> Response {
    Response::new(Body::new(Broken))
}

struct Broken;

impl http_body::Body for Broken {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        Poll::Ready(Some(Err(std::io::Error::new(
            std::io::ErrorKind::ConnectionAborted,
            "connection dropped by a fault rule",
        ))))
    }
}
