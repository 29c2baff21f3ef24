//! The request journal: the last N Partner Center requests this instance answered, kept in a
//! ring in memory, told live to whoever follows the stream, and optionally appended to a
//! JSON lines file. Nothing here may slow a request down: the ring is one short lock, the
//! live tail a broadcast channel whose laggards skip, and the file a bounded queue drained
//! by a background task (a full queue drops the line and counts it, rather than wait).
//! Entries are rendered by their readers (see [`super::entry`]), never here.
//!
//! The ring is bounded twice: by its entry count and by the bytes its entries hold alive
//! (mostly bodies, up to 64 KiB of a request and 16 KiB of an answer, and the whole of each
//! shared buffer an answer's capture references, counted once however many entries hold it),
//! so a journal of 1,000 large requests cannot take 64 MB; the oldest entries go first when
//! either bound is reached.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) use super::entry::Entry;
use super::tap::SharedBuffer;

use partnerd_model::PartnerId;
use tokio::io::AsyncWriteExt;
use tokio::sync::{broadcast, mpsc, Notify};

/// The ring, the live tail and the file queue of one instance.
pub(crate) struct Journal {
    capacity: usize,
    max_bytes: usize,
    ring: Mutex<Ring>,
    next_id: AtomicU64,
    live: broadcast::Sender<Arc<Entry>>,
    file: Option<mpsc::Sender<Arc<Entry>>>,
    dropped_lines: AtomicU64,
    /// Requests answered whose entry has not landed yet: an entry lands when the answer's
    /// body has gone out, which can be a moment after the client has read it.
    settling: Mutex<BTreeSet<u64>>,
    landed: Notify,
}

/// The kept entries, oldest first, and the bytes they hold alive: each entry's own weight, and
/// each shared buffer its entries reference once (with how many of them do).
#[derive(Default)]
struct Ring {
    entries: VecDeque<(Arc<Entry>, usize)>,
    held: HashMap<SharedBuffer, usize>,
    bytes: usize,
}

impl Ring {
    /// The bytes `entry` would add: its weight and the shared buffers no kept entry holds yet.
    fn cost(&self, entry: &Entry, weight: usize) -> usize {
        let new = entry.response_body.shared().filter(|b| !self.held.contains_key(b));
        weight + new.map(|b| b.len).sum::<usize>()
    }

    fn push_back(&mut self, entry: Arc<Entry>, weight: usize) {
        self.bytes += weight;
        for buffer in entry.response_body.shared() {
            let holders = self.held.entry(*buffer).or_insert(0);
            if *holders == 0 {
                self.bytes += buffer.len;
            }
            *holders += 1;
        }
        self.entries.push_back((entry, weight));
    }

    fn pop_front(&mut self) {
        if let Some((entry, weight)) = self.entries.pop_front() {
            self.bytes -= weight;
            self.release(&entry);
        }
    }

    /// Forgets `entry`'s hold on its shared buffers.
    fn release(&mut self, entry: &Entry) {
        for buffer in entry.response_body.shared() {
            if let Some(holders) = self.held.get_mut(buffer) {
                *holders -= 1;
                if *holders == 0 {
                    self.held.remove(buffer);
                    self.bytes -= buffer.len;
                }
            }
        }
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = &Arc<Entry>> {
        self.entries.iter().map(|(e, _)| e)
    }
}

/// Entries the live tail holds for a slow follower before it skips.
const LIVE_BUFFER: usize = 1024;
/// Entries waiting for the file writer before new ones are dropped.
const FILE_QUEUE: usize = 4096;
/// The longest a read of the journal waits for answered requests to land (a client that
/// never reads its answer's body must not stall it).
const SETTLE_WAIT: Duration = Duration::from_secs(2);

impl Journal {
    /// A journal keeping the newest `capacity` entries (none when 0) holding at most
    /// `max_bytes` between them, appending to `file` when given. Must be called inside the
    /// runtime (the file writer is a task).
    pub fn new(capacity: usize, max_bytes: usize, file: Option<tokio::fs::File>) -> Journal {
        let (live, _) = broadcast::channel(LIVE_BUFFER);
        let file = file.map(|f| {
            let (tx, rx) = mpsc::channel(FILE_QUEUE);
            tokio::spawn(write_lines(f, rx));
            tx
        });
        Journal {
            capacity,
            max_bytes,
            ring: Mutex::new(Ring { entries: VecDeque::with_capacity(capacity.min(4096)), ..Ring::default() }),
            next_id: AtomicU64::new(1),
            live,
            file,
            dropped_lines: AtomicU64::new(0),
            settling: Mutex::new(BTreeSet::new()),
            landed: Notify::new(),
        }
    }

    /// Whether requests are worth capturing at all (kept in memory or written to a file).
    pub fn is_on(&self) -> bool {
        self.capacity > 0 || self.file.is_some()
    }

    /// The id the next entry gets; taken when the request arrives, so ids follow arrival.
    pub fn next_id(&self) -> u64 {
        self.next_id.fetch_add(1, Ordering::Relaxed)
    }

    /// Notes that entry `id` was answered: its answer is on its way to the client, and
    /// [`Journal::record`] follows once the body has gone out.
    pub fn answered(&self, id: u64) {
        self.settling.lock().expect("journal settling").insert(id);
    }

    /// Waits (at most [`SETTLE_WAIT`]) until every request answered before this call has its
    /// entry, so a client that reads the journal right after an answer finds it there.
    pub async fn settle(&self) {
        let Some(last) = self.settling.lock().expect("journal settling").last().copied() else { return };
        let pending = || self.settling.lock().expect("journal settling").first().is_some_and(|first| *first <= last);
        let wait = async {
            loop {
                let landed = self.landed.notified();
                tokio::pin!(landed);
                landed.as_mut().enable();
                if !pending() {
                    return;
                }
                landed.await;
            }
        };
        let _ = tokio::time::timeout(SETTLE_WAIT, wait).await;
    }

    pub fn record(&self, entry: Entry) {
        let id = entry.id;
        let entry = Arc::new(entry);
        if self.capacity > 0 {
            let weight = entry.weight();
            let mut ring = self.ring.lock().expect("journal ring");
            while !ring.entries.is_empty()
                && (ring.entries.len() >= self.capacity || ring.bytes + ring.cost(&entry, weight) > self.max_bytes)
            {
                ring.pop_front();
            }
            ring.push_back(entry.clone(), weight);
        }
        // No subscriber is not an error: nobody is following.
        let _ = self.live.send(entry.clone());
        if let Some(file) = &self.file {
            if file.try_send(entry).is_err() {
                let n = self.dropped_lines.fetch_add(1, Ordering::Relaxed) + 1;
                if n.is_power_of_two() {
                    tracing::warn!(dropped = n, "the journal file cannot keep up; lines were dropped");
                }
            }
        }
        self.settling.lock().expect("journal settling").remove(&id);
        self.landed.notify_waiters();
    }

    /// The kept entries matching `keep`, newest first, at most `limit`.
    pub fn select(&self, keep: impl Fn(&Entry) -> bool, limit: usize) -> Vec<Arc<Entry>> {
        let ring = self.ring.lock().expect("journal ring");
        ring.iter().rev().filter(|e| keep(e)).take(limit).cloned().collect()
    }

    pub fn get(&self, id: u64) -> Option<Arc<Entry>> {
        let ring = self.ring.lock().expect("journal ring");
        let newest = ring.entries.back()?.0.id;
        // Ids are consecutive in arrival order, but entries land when answered; search near.
        let guess = ring.entries.len().saturating_sub(1).saturating_sub(newest.saturating_sub(id) as usize);
        if let Some((e, _)) = ring.entries.get(guess).filter(|(e, _)| e.id == id) {
            return Some(e.clone());
        }
        let found = ring.iter().rev().find(|e| e.id == id).cloned();
        found
    }

    /// Forgets every entry, or only those of `partner`.
    pub fn clear(&self, partner: Option<&PartnerId>) {
        let mut ring = self.ring.lock().expect("journal ring");
        match partner {
            None => *ring = Ring::default(),
            Some(p) => {
                let (gone, kept) = std::mem::take(&mut ring.entries)
                    .into_iter()
                    .partition::<VecDeque<_>, _>(|(e, _)| e.partner.as_ref() == Some(p));
                ring.entries = kept;
                for (entry, weight) in gone {
                    ring.bytes -= weight;
                    ring.release(&entry);
                }
            }
        }
    }

    /// A live tail: every entry recorded from now on (a follower that falls more than
    /// [`LIVE_BUFFER`] behind skips what it missed).
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Entry>> {
        self.live.subscribe()
    }
}

/// Opens `path` for appending (created when missing), at startup, so a bad path fails there.
pub(crate) fn open_file(path: &Path) -> std::io::Result<tokio::fs::File> {
    let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
    Ok(tokio::fs::File::from_std(file))
}

/// The file writer: one JSON line per entry, flushed whenever the queue runs dry.
async fn write_lines(file: tokio::fs::File, mut rx: mpsc::Receiver<Arc<Entry>>) {
    let mut out = tokio::io::BufWriter::new(file);
    while let Some(entry) = rx.recv().await {
        let mut batch = vec![entry];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        let mut text = String::new();
        for e in batch {
            text.push_str(&serde_json::to_string(&*e).expect("entries serialise"));
            text.push('\n');
        }
        if let Err(e) = async {
            out.write_all(text.as_bytes()).await?;
            out.flush().await
        }
        .await
        {
            tracing::error!(error = %e, "writing the journal file failed; it stops here");
            return;
        }
    }
}
