//! hyper answers a request head it cannot parse (a malformed request line or header field, or
//! a head past its own limits, which sit above partnerd's) by itself: an empty 400, 414 or 431
//! that never reaches the application. No hyper setting changes that answer, so this writer
//! recognises it on its way to the socket and writes the contract's error body and the `MS-*`
//! headers in its place. Every answer partnerd itself makes carries `ms-requestid`, which is how
//! hyper's own are told apart.

use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::ApiError;

/// A connection's byte stream, with hyper's own refusals replaced by the contract's.
pub(crate) struct ContractRefusals<I> {
    inner: I,
    /// The replacement answer and how much of it is written.
    replacement: Option<(Vec<u8>, usize)>,
    /// Where the bytes read so far stand: hyper says 431 for any head past its buffer, and
    /// partnerd says 414 when what overflowed it is the request line (a huge target).
    lines: Lines,
}

/// The line the bytes read so far end in.
#[derive(Clone, Copy)]
struct Lines {
    /// Bytes read since the last line break.
    open: usize,
    /// Whether that line is the first of a head: the connection's first, or one after an
    /// empty line.
    first_of_head: bool,
}

impl Lines {
    fn read(&mut self, bytes: &[u8]) {
        // Only the last two line breaks matter; memchr finds them without a byte-by-byte
        // walk, which cost a small request 3% of its instructions.
        let Some(last) = memchr::memrchr(b'\n', bytes) else {
            self.open += bytes.len();
            return;
        };
        let line_start = memchr::memrchr(b'\n', &bytes[..last]).map_or(0, |before| before + 1);
        let ended = if line_start == 0 { self.open + last } else { last - line_start };
        // An empty line (`\r\n`) ends a head: the next one starts another.
        self.first_of_head = ended <= 1;
        self.open = bytes.len() - last - 1;
    }

    /// Whether a head too large for hyper overflowed in its request line.
    fn in_request_line(&self) -> bool {
        self.first_of_head && self.open > 0
    }
}

impl<I> ContractRefusals<I> {
    pub(crate) fn new(inner: I) -> Self {
        ContractRefusals { inner, replacement: None, lines: Lines { open: 0, first_of_head: true } }
    }
}

impl<I: AsyncWrite + Unpin> ContractRefusals<I> {
    /// Writes what is left of the replacement, if any.
    fn poll_replacement(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.replacement {
            if *written == bytes.len() {
                self.replacement = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }

    /// Takes `len` bytes of hyper's refusal as written and queues the contract's answer instead.
    fn replace(&mut self, cx: &mut Context<'_>, status: StatusCode, len: usize) -> Poll<io::Result<usize>> {
        let status = match status {
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE if self.lines.in_request_line() => StatusCode::URI_TOO_LONG,
            other => other,
        };
        self.replacement = Some((contract_answer(status), 0));
        // What cannot be written now goes out on the flush hyper always does next.
        if let Poll::Ready(Err(e)) = self.poll_replacement(cx) {
            return Poll::Ready(Err(e));
        }
        Poll::Ready(Ok(len))
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for ContractRefusals<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            this.lines.read(&buf.filled()[before..]);
        }
        read
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for ContractRefusals<I> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        match hyper_refusal(buf) {
            Some(status) => this.replace(cx, status, buf.len()),
            None => Pin::new(&mut this.inner).poll_write(cx, buf),
        }
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        // hyper's refusal has no body: it is the only non-empty slice when it is written.
        let mut filled = bufs.iter().filter(|b| !b.is_empty());
        if let (Some(only), None) = (filled.next(), filled.next()) {
            if let Some(status) = hyper_refusal(only) {
                return this.replace(cx, status, only.len());
            }
        }
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_replacement(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

/// The status of `buf` when it is exactly one of hyper's own refusals: a whole HTTP/1.1 400,
/// 414 or 431 response head, without body and without the `ms-requestid` every partnerd answer
/// carries.
fn hyper_refusal(buf: &[u8]) -> Option<StatusCode> {
    let status = match buf.get(..13)? {
        b"HTTP/1.1 400 " => StatusCode::BAD_REQUEST,
        b"HTTP/1.1 414 " => StatusCode::URI_TOO_LONG,
        b"HTTP/1.1 431 " => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        _ => return None,
    };
    let head_end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let ours = buf[..head_end]
        .split(|&b| b == b'\n')
        .any(|line| line.len() >= 13 && line[..13].eq_ignore_ascii_case(b"ms-requestid:"));
    (head_end == buf.len() && !ours).then_some(status)
}

/// The contract's answer for a head partnerd could not read: the error body (JSON, since the
/// `Accept` header could not be read either), fresh `MS-*` ids, and the connection closed, as
/// hyper closes it.
fn contract_answer(status: StatusCode) -> Vec<u8> {
    let description = match status {
        StatusCode::URI_TOO_LONG => "The request target is too long.",
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => "The request's header fields are too many or too large.",
        _ => "The request is not valid HTTP: its request line or a header field could not be parsed.",
    };
    let error = ApiError::new(status, 800002, description);
    let body = serde_json::to_string(error.body()).expect("error bodies serialise");
    let request_id = uuid::Uuid::new_v4();
    let correlation_id = uuid::Uuid::new_v4();
    let cv = format!("{}.0", uuid::Uuid::new_v4().simple());
    tracing::info!(
        status = status.as_u16(),
        request_id = %request_id,
        correlation_id = %correlation_id,
        "request refused: its head could not be parsed"
    );
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\
         ms-requestid: {request_id}\r\nms-correlationid: {correlation_id}\r\nms-cv: {cv}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let mut out = head.into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hyper_s_own_bodiless_refusals_are_recognised() {
        let hyper = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        assert_eq!(hyper_refusal(hyper), Some(StatusCode::BAD_REQUEST));
        let ours = b"HTTP/1.1 400 Bad Request\r\nMS-RequestId: a\r\ncontent-length: 0\r\n\r\n";
        assert_eq!(hyper_refusal(ours), None);
        let with_body = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 2\r\n\r\n{}";
        assert_eq!(hyper_refusal(with_body), None);
        assert_eq!(hyper_refusal(b"HTTP/1.1 404 Not Found\r\n\r\n"), None);
        assert_eq!(hyper_refusal(b"HTTP/1.1 414 URI Too Long\r\n\r\n"), Some(StatusCode::URI_TOO_LONG));
    }

    #[test]
    fn a_head_that_overflows_in_its_request_line_is_told_apart() {
        let mut lines = Lines { open: 0, first_of_head: true };
        lines.read(b"GET /v1/customers?filter=");
        lines.read(&[b'x'; 1000]);
        assert!(lines.in_request_line());
        let mut lines = Lines { open: 0, first_of_head: true };
        lines.read(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: ");
        assert!(!lines.in_request_line());
        lines.read(b"y\r\n\r\nGET /next");
        assert!(lines.in_request_line(), "the second request of a connection");
    }

    #[test]
    fn any_split_of_the_stream_gives_the_same_answer() {
        let stream = b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /second?q=1 HTTP/1.1\r\nA: b\r\n\r\n\nGET /third";
        for end in 0..=stream.len() {
            let mut whole = Lines { open: 0, first_of_head: true };
            whole.read(&stream[..end]);
            for cut in 0..=end {
                let mut split = Lines { open: 0, first_of_head: true };
                split.read(&stream[..cut]);
                split.read(&stream[cut..end]);
                assert_eq!((split.open, split.first_of_head), (whole.open, whole.first_of_head), "{end} cut at {cut}");
            }
            let text = &stream[..end];
            let open = text.iter().rev().take_while(|&&b| b != b'\n').count();
            assert_eq!(whole.open, open, "bytes after the last line break, {end}");
        }
    }
}
