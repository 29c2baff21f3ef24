//! A lingering close: when a connection ends with bytes the server never read (a body refused
//! unread, say one declared over the 1 MiB limit), closing the socket at once makes the kernel
//! answer the client's next bytes with a reset, which can reach the client before it has read
//! the refusal sent just before. So after its answer the server stops writing, then reads and
//! discards what the client still sends, for at most [`LINGER_TIME`] and [`LINGER_BYTES`], and
//! only then closes (as web servers have long done).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// The longest a closing connection waits for its client to stop sending.
const LINGER_TIME: Duration = Duration::from_secs(2);

/// The most a closing connection reads and discards: a little over a body at the limit.
const LINGER_BYTES: usize = 2 << 20;

/// Where a connection's shutdown stands.
#[derive(Default)]
pub(super) struct Linger {
    /// Set once the write side is shut: the time left to drain the read side.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    drained: usize,
}

impl Linger {
    /// Shuts the write side of `io`, then drains its read side until the client closes, an
    /// error, or a bound; always ends `Ready(Ok)` once the write side is shut.
    pub(super) fn poll_close<I: AsyncRead + AsyncWrite + Unpin>(
        &mut self,
        io: &mut I,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        if self.deadline.is_none() {
            ready!(Pin::new(&mut *io).poll_shutdown(cx))?;
            self.deadline = Some(Box::pin(tokio::time::sleep(LINGER_TIME)));
        }
        let mut scratch = [0u8; 8192];
        while self.drained < LINGER_BYTES {
            let mut buf = ReadBuf::new(&mut scratch);
            match Pin::new(&mut *io).poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) if buf.filled().is_empty() => return Poll::Ready(Ok(())),
                Poll::Ready(Ok(())) => self.drained += buf.filled().len(),
                Poll::Ready(Err(_)) => return Poll::Ready(Ok(())),
                Poll::Pending => {
                    let deadline = self.deadline.as_mut().expect("set above");
                    return deadline.as_mut().poll(cx).map(Ok);
                }
            }
        }
        Poll::Ready(Ok(()))
    }
}
