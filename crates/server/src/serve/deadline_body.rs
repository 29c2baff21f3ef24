//! The request body read timeout: a body must arrive whole within its allowance, so a client
//! that announces more bytes than it sends, or trickles them, cannot hold a handler forever.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body::{Body, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The error a body yields when its deadline passes first; `body.rs` answers it with 408.
#[derive(Debug)]
pub(crate) struct BodyTimedOut;

impl std::fmt::Display for BodyTimedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body did not arrive in time")
    }
}

impl std::error::Error for BodyTimedOut {}

/// A request body that fails with [`BodyTimedOut`] once `deadline` passes. The timer is made
/// only when the body is first read, so requests whose body nobody reads cost nothing.
pub(crate) struct DeadlineBody<B> {
    inner: B,
    deadline: Instant,
    timer: Option<Pin<Box<Sleep>>>,
    /// For bodies that may take long in all (a snapshot restore): the deadline moves this far
    /// past every frame that arrives, so only a pause this long fails the body.
    pause: Option<Duration>,
    /// Set once the body has been read to its end (see [`DeadlineBody::watched`]).
    ended: Option<Arc<AtomicBool>>,
}

impl<B> DeadlineBody<B> {
    pub(crate) fn new(inner: B, deadline: Instant) -> Self {
        DeadlineBody { inner, deadline, timer: None, pause: None, ended: None }
    }

    /// A body that may take as long as it needs while no pause between frames is longer than
    /// `pause`.
    pub(crate) fn paced(inner: B, pause: Duration) -> Self {
        DeadlineBody { inner, deadline: Instant::now() + pause, timer: None, pause: Some(pause), ended: None }
    }

    /// This body, setting `ended` once it has been read to its end: the connection then knows
    /// whether an answer leaves part of its request unread.
    pub(crate) fn watched(mut self, ended: Arc<AtomicBool>) -> Self {
        self.ended = Some(ended);
        self
    }
}

impl<B> Body for DeadlineBody<B>
where
    B: Body<Data = Bytes> + Unpin,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        if let Poll::Ready(frame) = Pin::new(&mut this.inner).poll_frame(cx) {
            if let Some(pause) = this.pause {
                this.deadline = Instant::now() + pause;
                if let Some(timer) = &mut this.timer {
                    timer.as_mut().reset(this.deadline);
                }
            }
            if frame.is_none() || this.inner.is_end_stream() {
                if let Some(ended) = &this.ended {
                    ended.store(true, Ordering::Relaxed);
                }
            }
            return Poll::Ready(frame.map(|r| r.map_err(Into::into)));
        }
        let deadline = this.deadline;
        let timer = this.timer.get_or_insert_with(|| Box::pin(tokio::time::sleep_until(deadline)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyTimedOut)))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
