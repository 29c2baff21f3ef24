//! The server's stderr: lines are appended to one buffer, and a thread of its own writes the
//! buffer out a few milliseconds after a line lands in it, so a busy server makes one write(2)
//! for many lines and its request threads make none.
//!
//! `tracing-appender`'s non-blocking writer, used before, sent every line through a channel
//! whose receiver woke for each one: under load that was a write(2), two futex calls and four
//! `sched_yield`s per request (strace, a customer by id), more system calls than the request's
//! own. Lines keep their order (one buffer, one lock), none is dropped (a buffer over
//! [`MAX_PENDING`] makes the logging thread wait for the writer), and each write(2) is at most
//! [`CHUNK`] bytes ending at a line break (a pipe's atomic write, so a line written by other
//! means, a panic's, never lands inside one).

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long the writer lets lines gather after the first one lands in an empty buffer.
const GATHER: Duration = Duration::from_millis(5);
/// The most one write(2) carries.
const CHUNK: usize = 4096;
/// Lines waiting beyond this make the thread that logs wait for the writer.
const MAX_PENDING: usize = 4 * 1024 * 1024;

/// A handle that appends to the buffer; cheap to clone, one per log event.
#[derive(Clone)]
pub struct Batched {
    shared: Arc<Shared>,
}

/// Held until the end: dropping it writes out every line still waiting and stops the writer.
pub struct Guard {
    shared: Arc<Shared>,
    writer: Option<JoinHandle<()>>,
}

struct Shared {
    pending: Mutex<Pending>,
    /// Signalled when the buffer gets its first line, and when closing.
    landed: Condvar,
    /// Signalled when the writer has taken the buffer.
    taken: Condvar,
}

#[derive(Default)]
struct Pending {
    lines: Vec<u8>,
    closed: bool,
}

impl Batched {
    /// A batched writer to `out` (stderr) and the guard that flushes it at the end.
    pub fn start(out: impl Write + Send + 'static) -> std::io::Result<(Batched, Guard)> {
        let shared = Arc::new(Shared { pending: Mutex::default(), landed: Condvar::new(), taken: Condvar::new() });
        let worker = shared.clone();
        let writer = std::thread::Builder::new().name("partnerd-log".into()).spawn(move || write_out(&worker, out))?;
        Ok((Batched { shared: shared.clone() }, Guard { shared, writer: Some(writer) }))
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Pending> {
        // A panic while holding the lock leaves a buffer of whole lines: keep using it.
        self.pending.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Write for Batched {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut pending = self.shared.lock();
        while pending.lines.len() > MAX_PENDING && !pending.closed {
            pending = self.shared.taken.wait(pending).unwrap_or_else(|e| e.into_inner());
        }
        if pending.lines.is_empty() {
            self.shared.landed.notify_one();
        }
        pending.lines.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Batched {
    type Writer = Batched;

    fn make_writer(&'a self) -> Batched {
        self.clone()
    }
}

/// The writer thread: waits for a first line, lets more gather, takes them all and writes them.
fn write_out(shared: &Shared, mut out: impl Write) {
    let mut lines = Vec::new();
    loop {
        let mut pending = shared.lock();
        while pending.lines.is_empty() && !pending.closed {
            pending = shared.landed.wait(pending).unwrap_or_else(|e| e.into_inner());
        }
        if !pending.closed {
            drop(pending);
            std::thread::sleep(GATHER);
            pending = shared.lock();
        }
        let closed = pending.closed;
        std::mem::swap(&mut lines, &mut pending.lines);
        drop(pending);
        shared.taken.notify_all();
        for chunk in chunks(&lines) {
            // stderr gone (a closed pipe) loses the lines, as a write to it by anyone would.
            let _ = out.write_all(chunk);
        }
        let _ = out.flush();
        lines.clear();
        if closed {
            return;
        }
    }
}

/// `lines` in pieces of at most [`CHUNK`] bytes, each ending at a line break (a longer line is
/// a piece of its own).
fn chunks(mut lines: &[u8]) -> impl Iterator<Item = &[u8]> {
    std::iter::from_fn(move || {
        if lines.is_empty() {
            return None;
        }
        let end = if lines.len() <= CHUNK {
            lines.len()
        } else if let Some(i) = lines[..CHUNK].iter().rposition(|&b| b == b'\n') {
            i + 1
        } else {
            lines.iter().position(|&b| b == b'\n').map_or(lines.len(), |i| i + 1)
        };
        let (piece, rest) = lines.split_at(end);
        lines = rest;
        Some(piece)
    })
}

impl Drop for Guard {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.landed.notify_all();
        self.shared.taken.notify_all();
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the writer thread wrote, call by call.
    #[derive(Clone, Default)]
    struct Calls(Arc<Mutex<Vec<Vec<u8>>>>);

    impl Write for Calls {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().push(buf.to_vec());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_goes_out_in_order_in_few_whole_line_writes() {
        let calls = Calls::default();
        let (writer, guard) = Batched::start(calls.clone()).unwrap();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let mut w = writer.clone();
                std::thread::spawn(move || {
                    for i in 0..2_000 {
                        w.write_all(format!("thread {t} line {i:05} {}\n", "x".repeat(i % 300)).as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        drop(guard);
        let calls = calls.0.lock().unwrap().clone();
        let all: Vec<u8> = calls.concat();
        let lines: Vec<&str> = std::str::from_utf8(&all).unwrap().lines().collect();
        assert_eq!(lines.len(), 8_000, "no line lost");
        for t in 0..4 {
            let mine: Vec<&&str> = lines.iter().filter(|l| l.starts_with(&format!("thread {t} "))).collect();
            assert!(mine.windows(2).all(|w| w[0] < w[1]), "each thread's lines in order");
        }
        assert!(calls.iter().all(|c| c.len() <= CHUNK && c.ends_with(b"\n")), "whole lines, a chunk at most");
        assert!(calls.len() < 8_000 / 4, "{} writes for 8,000 lines", calls.len());
    }

    #[test]
    fn a_line_longer_than_a_chunk_goes_out_whole() {
        let long = format!("{}\n", "y".repeat(CHUNK * 2));
        let text = format!("a\n{long}b\n");
        let pieces: Vec<&[u8]> = chunks(text.as_bytes()).collect();
        assert_eq!(pieces, [b"a\n".as_slice(), long.as_bytes(), b"b\n"]);
    }

    #[test]
    fn lines_written_before_the_end_are_not_lost() {
        let calls = Calls::default();
        let (mut writer, guard) = Batched::start(calls.clone()).unwrap();
        writer.write_all(b"last words\n").unwrap();
        drop(guard);
        assert_eq!(calls.0.lock().unwrap().concat(), b"last words\n");
    }
}
