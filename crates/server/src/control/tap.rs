//! Copies of request and response bodies for the journal, taken without changing what the
//! handler reads or the client receives: the request's first bytes are read ahead (so a
//! body the handler never reads, say on a 401, is still journaled) and handed on followed by
//! the rest of the stream; the response is copied as it streams out. The request's copy stops
//! at [`CAPTURE_LIMIT`], so a 1 MiB body costs the journal 64 KiB and the body limit is still
//! enforced by whoever reads the body; the answer's at [`ANSWER_LIMIT`].
//!
//! An answer's frame is copied when the answer owns it alone, and referenced when it is shared
//! (a kept page's rows, which the page cache holds anyway; `Bytes` are reference-counted). A
//! reference to a frame of its own kept every 56 KB page alive for as long as its entry, so each
//! new page was written to memory long out of the CPU's caches, and the server served about a
//! tenth fewer pages with the journal on (bench/README.md); a 16 KiB copy of a buffer just
//! written costs less than that, and lets the buffer be reused at once. A kept page is the
//! opposite case: it is in memory and in the caches already, and copying it was most of what
//! the journal cost such an answer. The journal counts each shared buffer once, whole, however
//! many entries hold it ([`Captured::shared`]).

use std::collections::VecDeque;
use std::future::poll_fn;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};

use super::text::{Span, Text};

/// The most of one request body the journal keeps.
pub(crate) const CAPTURE_LIMIT: usize = 64 * 1024;

/// The most of one answer's body the journal keeps: a page of 100 customers is cut after its
/// first 28 or so.
pub(crate) const ANSWER_LIMIT: usize = 16 * 1024;

/// Shared frames smaller than this are copied all the same: a copy is cheaper than the
/// journal's count of the buffer.
const SHARE_MIN: usize = 1024;

/// The kept start of a body: at most [`CAPTURE_LIMIT`] bytes in all for a request and
/// [`ANSWER_LIMIT`] for an answer; copies, appended to the entry's [`Text`] one after another,
/// and references to shared buffers, each with where among the copies it goes.
#[derive(Clone, Debug, Default)]
pub(crate) struct Captured {
    copies: Span,
    shared: Vec<Referenced>,
    pub truncated: bool,
}

/// A shared frame (the start of it) that a capture references rather than copies.
#[derive(Clone, Debug)]
struct Referenced {
    /// How many copied bytes come before it.
    after: usize,
    bytes: Bytes,
    buffer: SharedBuffer,
}

/// A buffer a capture references rather than copies: where it starts and its whole length,
/// all of which the reference keeps alive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct SharedBuffer {
    pub start: usize,
    pub len: usize,
}

impl Captured {
    /// An empty capture whose copies will be appended to `text` (nothing else may be
    /// appended to it meanwhile).
    pub fn at_end_of(text: &Text) -> Captured {
        let end = text.end();
        Captured { copies: Span::empty_at(end), ..Captured::default() }
    }

    /// Keeps a copy of `data`, up to `limit` bytes in all: the request's frames are slices of
    /// the connection's read buffer, which a reference would keep alive whole.
    fn keep_copy(&mut self, text: &mut Text, data: &[u8], limit: usize) {
        let kept = &data[..data.len().min(limit.saturating_sub(self.len()))];
        self.truncated |= kept.len() < data.len();
        if !kept.is_empty() {
            self.copies = self.copies.extended_by(text.push(kept));
        }
    }

    /// Keeps the start of an answer's frame, up to `limit` bytes in all: a reference when the
    /// frame is shared with someone else, a copy when the answer owns it alone (see the module
    /// documentation).
    fn keep_frame(&mut self, text: &mut Text, frame: &Bytes, limit: usize) {
        let room = limit.saturating_sub(self.len());
        if frame.is_unique() || frame.len() < SHARE_MIN || room == 0 {
            return self.keep_copy(text, frame, limit);
        }
        let kept = frame.len().min(room);
        self.truncated |= kept < frame.len();
        self.shared.push(Referenced {
            after: self.copies.len(),
            bytes: frame.slice(..kept),
            buffer: SharedBuffer { start: frame.as_ptr() as usize, len: frame.len() },
        });
    }

    /// How many bytes are kept.
    pub fn len(&self) -> usize {
        self.copies.len() + self.shared.iter().map(|r| r.bytes.len()).sum::<usize>()
    }

    /// The shared buffers it references, each kept alive whole while the capture lives.
    pub fn shared(&self) -> impl Iterator<Item = &SharedBuffer> {
        self.shared.iter().map(|r| &r.buffer)
    }

    /// The kept bytes in one piece, the copies read from the entry's `text` (borrowed when
    /// the body came in one frame, as partnerd's own answers do).
    pub fn bytes<'a>(&'a self, text: &'a Text) -> std::borrow::Cow<'a, [u8]> {
        let copies = text.get(self.copies);
        match self.shared.as_slice() {
            [] => std::borrow::Cow::Borrowed(copies),
            [one] if copies.is_empty() => std::borrow::Cow::Borrowed(&one.bytes),
            shared => {
                let mut out = Vec::with_capacity(self.len());
                let mut done = 0;
                for r in shared {
                    out.extend_from_slice(&copies[done..r.after]);
                    out.extend_from_slice(&r.bytes);
                    done = r.after;
                }
                out.extend_from_slice(&copies[done..]);
                std::borrow::Cow::Owned(out)
            }
        }
    }
}

/// Reads up to [`CAPTURE_LIMIT`] bytes of `body` ahead; returns a body that yields exactly
/// what `body` would have (those bytes, then the rest, or the error it hit) and the copy.
pub(crate) async fn read_ahead(mut body: Body, text: &mut Text) -> (Body, Captured) {
    let mut captured = Captured::at_end_of(text);
    let mut chunks = VecDeque::new();
    let mut read = 0;
    let mut failure = None;
    let mut ended = false;
    while read <= CAPTURE_LIMIT {
        match poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
            None => {
                ended = true;
                break;
            }
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    read += data.len();
                    captured.keep_copy(text, data, CAPTURE_LIMIT);
                }
                chunks.push_back(frame);
            }
            Some(Err(e)) => {
                failure = Some(e);
                break;
            }
        }
    }
    let rest = (!ended && failure.is_none()).then_some(body);
    (Body::new(ReadAhead { chunks, read, failure, rest }), captured)
}

/// The frames read ahead, then whatever was left of the original body.
struct ReadAhead {
    chunks: VecDeque<Frame<Bytes>>,
    read: usize,
    failure: Option<axum::Error>,
    rest: Option<Body>,
}

impl http_body::Body for ReadAhead {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Some(frame) = this.chunks.pop_front() {
            return Poll::Ready(Some(Ok(frame)));
        }
        if let Some(e) = this.failure.take() {
            return Poll::Ready(Some(Err(e)));
        }
        match &mut this.rest {
            Some(rest) => Pin::new(rest).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        self.chunks.is_empty() && self.failure.is_none() && self.rest.as_ref().is_none_or(|r| r.is_end_stream())
    }

    fn size_hint(&self) -> SizeHint {
        let pending: u64 = self.chunks.iter().filter_map(|f| f.data_ref()).map(|d| d.len() as u64).sum();
        match &self.rest {
            None => SizeHint::with_exact(pending),
            Some(rest) => {
                // The original hint counted the bytes already read ahead.
                let hint = rest.size_hint();
                let read = self.read as u64;
                let mut out = SizeHint::new();
                out.set_lower(pending + hint.lower().saturating_sub(read));
                if let Some(upper) = hint.upper() {
                    out.set_upper((pending + upper.saturating_sub(read)).max(out.lower()));
                }
                out
            }
        }
    }
}

/// What to do with an entry's text and the answer's capture once the body has been sent (or
/// abandoned): `true` when the body failed on the way.
pub(crate) type OnDone = Box<dyn FnOnce(Text, Captured, bool) + Send>;

/// Wraps a response body: passes every frame on unchanged and keeps the start of the data,
/// its copies appended to `text`; calls `done` once, when the body ends, fails, or is dropped unfinished (a HEAD answer, a
/// client that left).
pub(crate) fn tap(body: Body, text: Text, done: OnDone) -> Body {
    let captured = Captured::at_end_of(&text);
    Body::new(Tap { inner: body, text, captured, done: Some(done) })
}

struct Tap {
    inner: Body,
    text: Text,
    captured: Captured,
    done: Option<OnDone>,
}

impl Tap {
    fn finish(&mut self, failed: bool) {
        if let Some(done) = self.done.take() {
            done(std::mem::take(&mut self.text), std::mem::take(&mut self.captured), failed);
        }
    }
}

impl http_body::Body for Tap {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        let polled = ready!(Pin::new(&mut this.inner).poll_frame(cx));
        match &polled {
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    this.captured.keep_frame(&mut this.text, data, ANSWER_LIMIT);
                }
                if this.inner.is_end_stream() {
                    this.finish(false);
                }
            }
            Some(Err(_)) => this.finish(true),
            None => this.finish(false),
        }
        Poll::Ready(polled)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for Tap {
    fn drop(&mut self) {
        self.finish(false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::to_bytes;

    #[tokio::test]
    async fn read_ahead_keeps_the_body_whole_and_copies_its_start() {
        let big: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = big.chunks(10_000).map(|c| Ok(c.to_vec())).collect();
        let body = Body::from_stream(futures::stream::iter(chunks));
        let mut text = Text::default();
        text.push(b"the request's target and headers come first");
        let (body, captured) = read_ahead(body, &mut text).await;
        assert!(captured.truncated);
        assert_eq!(captured.bytes(&text), &big[..CAPTURE_LIMIT]);
        assert_eq!(captured.len(), CAPTURE_LIMIT);
        assert_eq!(to_bytes(body, usize::MAX).await.unwrap(), big);

        let (small, captured) = read_ahead(Body::from("hello"), &mut text).await;
        assert!(!captured.truncated);
        assert_eq!(captured.bytes(&text), &b"hello"[..]);
        assert_eq!(small.size_hint().exact(), Some(5));
        assert_eq!(to_bytes(small, 3).await.ok(), None, "the reader's limit still applies");
    }

    /// Sends `body` through a tap whose text already holds `before`; returns what the client
    /// got, and what the journal kept and whether it was cut.
    async fn through_tap(body: Body, before: &[u8]) -> (Bytes, Vec<u8>, bool) {
        let (tx, rx) = std::sync::mpsc::channel();
        let mut text = Text::default();
        text.push(before);
        let body = tap(
            body,
            text,
            Box::new(move |t, c, failed| tx.send((c.bytes(&t).into_owned(), c.truncated, failed)).unwrap()),
        );
        let sent = to_bytes(body, usize::MAX).await.unwrap();
        let (kept, truncated, failed) = rx.try_recv().unwrap();
        assert!(!failed);
        assert!(rx.try_recv().is_err(), "reported once");
        (sent, kept, truncated)
    }

    #[tokio::test]
    async fn tap_copies_and_reports_once() {
        let body = tap(Body::from("answer"), Text::default(), Box::new(|_, _, _| {}));
        assert_eq!(body.size_hint().exact(), Some(6), "Content-Length survives");
        let (sent, kept, truncated) = through_tap(Body::from("answer"), b"headers").await;
        assert_eq!((&sent[..], &kept[..], truncated), (&b"answer"[..], &b"answer"[..], false));
    }

    #[tokio::test]
    async fn a_long_answer_is_sent_whole_and_kept_to_its_limit() {
        let page: Vec<u8> = (0..56_000u32).map(|i| (i % 251) as u8).collect();
        let (sent, kept, truncated) = through_tap(Body::from(page.clone()), b"").await;
        assert_eq!(sent, page);
        assert_eq!((kept, truncated), (page[..ANSWER_LIMIT].to_vec(), true));
    }

    #[tokio::test]
    async fn copied_and_shared_frames_are_kept_in_order() {
        let shared = Bytes::from(vec![b's'; 4000]);
        let _cache = shared.clone(); // another owner: the frame is referenced, not copied
        let frames: Vec<Result<Bytes, std::io::Error>> =
            vec![Ok(Bytes::from_static(b"[head]")), Ok(shared.clone()), Ok(Bytes::from_static(b"[tail]"))];
        let (sent, kept, truncated) = through_tap(Body::from_stream(futures::stream::iter(frames)), b"xyz").await;
        let whole = [&b"[head]"[..], &shared, b"[tail]"].concat();
        assert_eq!((&sent[..], &kept[..], truncated), (&whole[..], &whole[..], false));
    }
}
