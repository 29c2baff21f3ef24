//! Connections for blocking threads: readers are pooled (WAL lets them run beside the writer),
//! and every write goes through the one writer connection, which is SQLite's own rule anyway.

use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use crate::StoreError;

struct Shared {
    uri: String,
    memory: bool,
    readers: Mutex<Vec<Connection>>,
    writer: Mutex<Connection>,
}

#[derive(Clone)]
pub struct Pool(Arc<Shared>);

impl Pool {
    pub fn file(path: String) -> rusqlite::Result<Pool> {
        Self::new(path, false)
    }

    /// SQLite's `memdb` VFS: one named in-memory database that every connection of this
    /// process shares, with ordinary locking (unlike shared-cache mode).
    pub fn memory(id: uuid::Uuid) -> rusqlite::Result<Pool> {
        Self::new(format!("file:/partnerd-{id}?vfs=memdb"), true)
    }

    fn new(uri: String, memory: bool) -> rusqlite::Result<Pool> {
        let writer = open(&uri, memory)?;
        if !memory {
            // WAL: readers never block the writer; FULL: a committed create survives power loss.
            writer.pragma_update(None, "journal_mode", "WAL")?;
        }
        Ok(Pool(Arc::new(Shared { uri, memory, readers: Mutex::new(Vec::new()), writer: Mutex::new(writer) })))
    }

    /// Runs `f` on a reader connection on a blocking thread.
    pub async fn read<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let shared = self.0.clone();
        blocking(move || {
            let conn = match shared.readers.lock().expect("reader pool").pop() {
                Some(conn) => conn,
                None => open(&shared.uri, shared.memory)?,
            };
            let result = f(&conn);
            shared.readers.lock().expect("reader pool").push(conn);
            result
        })
        .await
    }

    /// Runs `f` on the writer connection on a blocking thread.
    pub async fn write<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let shared = self.0.clone();
        blocking(move || {
            let mut conn = shared.writer.lock().expect("writer");
            f(&mut conn)
        })
        .await
    }

    /// Like [`Pool::write`] for work that reports its own store errors.
    pub async fn write_with<T, F>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    {
        let shared = self.0.clone();
        match tokio::task::spawn_blocking(move || f(&mut shared.writer.lock().expect("writer"))).await {
            Ok(result) => result,
            Err(e) => Err(StoreError::Internal(format!("database task failed: {e}"))),
        }
    }
}

async fn blocking<T, F>(f: F) -> Result<T, StoreError>
where
    T: Send + 'static,
    F: FnOnce() -> rusqlite::Result<T> + Send + 'static,
{
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(StoreError::from),
        Err(e) => Err(StoreError::Internal(format!("database task failed: {e}"))),
    }
}

fn open(uri: &str, memory: bool) -> rusqlite::Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
        | OpenFlags::SQLITE_OPEN_CREATE
        | OpenFlags::SQLITE_OPEN_URI
        | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(uri, flags)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    if !memory {
        conn.pragma_update(None, "synchronous", "FULL")?;
    }
    conn.pragma_update(None, "cache_size", -16_000)?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(conn)
}
