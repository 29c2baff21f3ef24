//! The control plane's operations on SQLite: settings, key rotation, reset, and the
//! snapshot's read and restore.

use rusqlite::{params, Connection, OptionalExtension};

use super::mutate::DETACHED;
use crate::{Removed, Restore, RestoreRows, Restored, SnapshotRow};

pub fn setting(conn: &Connection, name: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT value FROM settings WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()
}

pub fn put_setting(conn: &mut Connection, name: &str, value: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO settings (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, value],
    )?;
    Ok(())
}

pub fn read_server_key(conn: &Connection, name: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT value FROM server_keys WHERE name = ?1")?.query_row([name], |r| r.get(0)).optional()
}

pub fn rotate_server_key(conn: &mut Connection, name: &str) -> rusqlite::Result<Vec<u8>> {
    let fresh: [u8; 32] = rand::random();
    conn.execute(
        "INSERT INTO server_keys (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        params![name, fresh.to_vec()],
    )?;
    Ok(fresh.to_vec())
}

pub fn reset(conn: &mut Connection, partner: Option<&str>) -> rusqlite::Result<Removed> {
    let tx = conn.transaction()?;
    let removed = match partner {
        Some(p) => Removed {
            customers: tx.execute("DELETE FROM customers WHERE partner_id = ?1", [p])? as u64,
            kept_responses: tx.execute("DELETE FROM idempotency WHERE partner_id = ?1", [p])? as u64,
        },
        None => Removed {
            customers: tx.execute("DELETE FROM customers", [])? as u64,
            kept_responses: tx.execute("DELETE FROM idempotency", [])? as u64,
        },
    };
    match partner {
        Some(p) => tx.execute("DELETE FROM account_items WHERE partner_id = ?1", [p])?,
        None => tx.execute("DELETE FROM account_items", [])?,
    };
    tx.commit()?;
    Ok(removed)
}

pub fn snapshot_page(
    conn: &Connection,
    partner: Option<&str>,
    after: &str,
    limit: usize,
) -> rusqlite::Result<Vec<SnapshotRow>> {
    let row = |r: &rusqlite::Row<'_>| {
        let owner: String = r.get(1)?;
        Ok(SnapshotRow {
            id: r.get(0)?,
            partner: (owner != DETACHED).then_some(owner),
            doc: r.get(2)?,
            etag: r.get(3)?,
            created_at: r.get(4)?,
            items: Vec::new(),
            directory: None,
        })
    };
    let limit = limit as i64;
    let mut rows: Vec<SnapshotRow> = match partner {
        Some(p) => conn
            .prepare_cached(
                "SELECT id, partner_id, doc, etag, created_at FROM customers \
                 WHERE partner_id = ?1 AND id > ?2 ORDER BY id LIMIT ?3",
            )?
            .query_map(params![p, after, limit], row)?
            .collect::<rusqlite::Result<_>>()?,
        None => conn
            .prepare_cached(
                "SELECT id, partner_id, doc, etag, created_at FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2",
            )?
            .query_map(params![after, limit], row)?
            .collect::<rusqlite::Result<_>>()?,
    };
    for row in &mut rows {
        if let Some(owner) = &row.partner {
            row.items.extend(super::items::of_customer(conn, owner, &row.id)?);
        }
    }
    if let Some(last) = rows.last().map(|r| r.id.clone()) {
        let mut directories = super::users::directory_rows(conn, after, &last)?.into_json();
        for row in &mut rows {
            row.directory = directories.remove(&row.id);
        }
    }
    Ok(rows)
}

/// Runs on the writer thread, holding the writer until the sender commits or gives up: the
/// old state stays visible to readers until the new one is committed whole. Then the WAL is
/// checkpointed and truncated, committed or not: a big restore (or one rolled back after
/// spilling its pages) would otherwise leave a WAL file several times the data's size.
pub fn load(
    conn: &mut Connection,
    partner: Option<&str>,
    replace: bool,
    rows: RestoreRows,
) -> rusqlite::Result<Restored> {
    let restored = load_rows(conn, partner, replace, rows);
    // Best effort: a reader still in an old snapshot makes it a partial checkpoint, which the
    // next automatic one completes.
    if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(())) {
        tracing::debug!(error = %e, "checkpoint after a restore");
    }
    restored
}

fn load_rows(
    conn: &mut Connection,
    partner: Option<&str>,
    replace: bool,
    mut rows: RestoreRows,
) -> rusqlite::Result<Restored> {
    let tx = conn.transaction()?;
    match partner.filter(|_| replace) {
        _ if !replace => {}
        Some(p) => {
            tx.execute("DELETE FROM customers WHERE partner_id = ?1", [p])?;
            tx.execute("DELETE FROM idempotency WHERE partner_id = ?1", [p])?;
            tx.execute("DELETE FROM account_items WHERE partner_id = ?1", [p])?;
        }
        None => tx.execute_batch("DELETE FROM customers; DELETE FROM idempotency; DELETE FROM account_items;")?,
    }
    let mut customers = 0u64;
    {
        let mut stmt = tx.prepare_cached(super::INSERT_CUSTOMER_OR_SKIP)?;
        loop {
            match rows.blocking_recv() {
                Some(Restore::Rows(batch)) => {
                    for row in batch {
                        let owner = row.partner.as_deref().unwrap_or(DETACHED);
                        if super::insert_record(&mut stmt, owner, &row.record)? == 0 {
                            return Ok(Restored::Conflict { line: row.line });
                        }
                        if let Some(owner) = &row.partner {
                            for item in &row.items {
                                super::items::put(&tx, owner, item)?;
                            }
                        }
                        if let Some(dir) = &row.directory {
                            if !super::users::insert_directory(&tx, &row.record.id, dir)? {
                                return Ok(Restored::Conflict { line: row.line });
                            }
                        }
                        customers += 1;
                    }
                }
                Some(Restore::Partner(own)) => {
                    for item in &own.items {
                        super::items::put(&tx, &own.partner, item)?;
                    }
                }
                Some(Restore::Commit) => break,
                None => return Ok(Restored::Abandoned),
            }
        }
    }
    tx.commit()?;
    Ok(Restored::Done { customers })
}
