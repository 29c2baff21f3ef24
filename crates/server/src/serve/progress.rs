//! An answer's body that tells its connection's [`Activity`] whether it waits on the server
//! (its next frame is not made yet: a quiet live tail) or on the client (its frame was taken
//! and hyper has not come back for the next: the client stopped reading, or an HTTP/2 client
//! keeps its flow-control window shut). Only the second is a stall the watchdog ends.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Frame, SizeHint};

use super::activity::{Activity, InFlight};

pub(crate) struct Progress {
    inner: Body,
    activity: Arc<Activity>,
    /// Whether this answer is counted as owed to the client.
    owed: bool,
    /// The request stays in flight until its body is sent: a streamed answer (the journal's
    /// live tail, a large snapshot) is work, not an idle connection.
    _in_flight: InFlight,
}

impl Progress {
    /// `body`, counted as owed until hyper first asks for a frame.
    pub(crate) fn new(inner: Body, activity: Arc<Activity>, in_flight: InFlight) -> Self {
        activity.owe(true);
        Progress { inner, activity, owed: true, _in_flight: in_flight }
    }

    fn set_owed(&mut self, owed: bool) {
        if self.owed != owed {
            self.owed = owed;
            self.activity.owe(owed);
        }
    }
}

impl http_body::Body for Progress {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        this.activity.polled();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        match &polled {
            Poll::Pending | Poll::Ready(None) | Poll::Ready(Some(Err(_))) => this.set_owed(false),
            Poll::Ready(Some(Ok(_))) => this.set_owed(true),
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.set_owed(false);
    }
}
