//! The writer thread: it owns SQLite's one writer connection and commits mutations in groups.
//!
//! Concurrent mutations that arrive while a commit is being made wait in a queue; the next
//! transaction takes all of them (up to [`MAX_GROUP`]), each inside its own savepoint so that
//! a failed or refused one rolls back alone, and one durable commit (one fsync) then answers
//! every one of them. Nobody is answered before the commit of their group returns, and when
//! it fails everybody in the group gets the failure, even those whose answer changed nothing
//! (a replay or a conflict may rest on another job's uncommitted row): an acknowledged
//! change survives a crash, and no answer rests on a change that was never committed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;

use rusqlite::Connection;

use crate::StoreError;

/// The most mutations one transaction takes.
const MAX_GROUP: usize = 64;

/// Sends a grouped job's result once its group's commit is known (`Some` = it failed).
type Finish = Box<dyn FnOnce(Option<StoreError>) + Send>;
/// A grouped job: runs inside the group's transaction (or learns that it could not start),
/// says whether its change is kept, and returns how to answer after the commit.
type Grouped = Box<dyn FnOnce(Result<&Connection, StoreError>) -> (bool, Finish) + Send>;
/// A job that needs the connection to itself (migrations, bulk loads, purges).
type Exclusive = Box<dyn FnOnce(&mut Connection) + Send>;

enum Job {
    Grouped(Grouped),
    Exclusive(Exclusive),
}

/// The queue into the writer thread; the thread stops when every handle is dropped.
pub struct Writer {
    jobs: mpsc::Sender<Job>,
}

impl Writer {
    pub fn start(conn: Connection) -> Writer {
        let (jobs, queue) = mpsc::channel();
        std::thread::Builder::new()
            .name("partnerd-sqlite-writer".into())
            .spawn(move || run(conn, queue))
            .expect("spawn the SQLite writer thread");
        Writer { jobs }
    }

    /// Runs `f` alone on the connection.
    pub async fn exclusive<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Exclusive(Box::new(move |conn| {
            let _ = tx.send(f(conn));
        })))?;
        rx.await.unwrap_or_else(|_| Err(writer_gone()))
    }

    /// Runs `f` inside a group transaction. `f` returns its result and whether its change is
    /// kept; the answer comes once the group's commit has succeeded (or failed).
    pub async fn grouped<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<(T, bool), StoreError> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::oneshot::channel();
        self.send(Job::Grouped(Box::new(move |conn| {
            let result = conn.and_then(f);
            let keep = matches!(result, Ok((_, true)));
            let finish: Finish = Box::new(move |commit_error| {
                let _ = tx.send(match commit_error {
                    Some(e) => Err(e),
                    None => result.map(|(t, _)| t),
                });
            });
            (keep, finish)
        })))?;
        rx.await.unwrap_or_else(|_| Err(writer_gone()))
    }

    fn send(&self, job: Job) -> Result<(), StoreError> {
        self.jobs.send(job).map_err(|_| writer_gone())
    }
}

fn writer_gone() -> StoreError {
    StoreError::Internal("the SQLite writer thread has stopped".into())
}

fn run(mut conn: Connection, queue: mpsc::Receiver<Job>) {
    let mut group: Vec<Grouped> = Vec::new();
    while let Ok(first) = queue.recv() {
        let mut next = Some(first);
        while let Some(job) = next.take() {
            match job {
                Job::Grouped(g) => group.push(g),
                Job::Exclusive(e) => {
                    commit_group(&conn, std::mem::take(&mut group));
                    if catch_unwind(AssertUnwindSafe(|| e(&mut conn))).is_err() {
                        tracing::error!("an exclusive SQLite job panicked");
                    }
                }
            }
            if group.len() < MAX_GROUP {
                next = queue.try_recv().ok();
            }
        }
        commit_group(&conn, std::mem::take(&mut group));
    }
}

/// One transaction for the whole group, a savepoint for each job.
fn commit_group(conn: &Connection, group: Vec<Grouped>) {
    if group.is_empty() {
        return;
    }
    if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
        let e = StoreError::from(e);
        for job in group {
            let (_, finish) = job(Err(e.clone()));
            finish(None);
        }
        return;
    }
    let mut finishes = Vec::with_capacity(group.len());
    for job in group {
        let ran = conn.execute_batch("SAVEPOINT job").map_err(StoreError::from).and_then(|()| {
            catch_unwind(AssertUnwindSafe(|| job(Ok(conn))))
                .map_err(|_| StoreError::Internal("a write job panicked".into()))
        });
        match ran {
            Ok((keep, finish)) => {
                let end = if keep { "RELEASE job" } else { "ROLLBACK TO job; RELEASE job" };
                if let Err(e) = conn.execute_batch(end) {
                    tracing::error!(error = %e, "ending a savepoint failed");
                }
                finishes.push(finish);
            }
            Err(e) => {
                tracing::error!(error = %e, "a write job failed to run");
                let _ = conn.execute_batch("ROLLBACK TO job; RELEASE job");
            }
        }
    }
    let outcome = conn.execute_batch("COMMIT").err().map(StoreError::from);
    if outcome.is_some() {
        let _ = conn.execute_batch("ROLLBACK");
    }
    for finish in finishes {
        finish(outcome.clone());
    }
}
