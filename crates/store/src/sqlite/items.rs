//! Account items on SQLite (see `account.rs`).

use rusqlite::{params, Connection};

use crate::account::kind_of;
use crate::{AccountItem, Applied, Spend, StoreError};

/// Adds an item to one of the partner's customers (or to the partner): `NotFound` without
/// that customer, `Exists` when its key is taken.
pub fn add(conn: &Connection, partner: &str, item: &AccountItem) -> Result<Applied, StoreError> {
    if !item.customer_id.is_empty() {
        let mine = conn
            .prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND partner_id = ?2")?
            .exists(params![item.customer_id, partner])?;
        if !mine {
            return Ok(Applied::NotFound);
        }
    }
    let added = conn
        .prepare_cached(
            "INSERT INTO account_items (partner_id, customer_id, kind, item_key, doc, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
        )?
        .execute(params![partner, item.customer_id, item.kind, item.key, item.doc, item.created_at])?;
    Ok(if added == 0 { Applied::Exists } else { Applied::Done })
}

pub fn put(conn: &Connection, partner: &str, item: &AccountItem) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO account_items (partner_id, customer_id, kind, item_key, doc, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (partner_id, customer_id, kind, item_key) \
         DO UPDATE SET doc = excluded.doc",
    )?
    .execute(params![partner, item.customer_id, item.kind, item.key, item.doc, item.created_at])?;
    Ok(())
}

pub fn list(conn: &Connection, partner: &str, customer_id: &str, kind: &str) -> rusqlite::Result<Vec<AccountItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, kind, item_key, doc, created_at FROM account_items \
         WHERE partner_id = ?1 AND customer_id = ?2 AND kind = ?3 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![partner, customer_id, kind], |r| {
        Ok(AccountItem {
            customer_id: r.get(0)?,
            kind: kind_of(&r.get::<_, String>(1)?),
            key: r.get(2)?,
            doc: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// The partners' own items (of `partner`, or of all), by partner, oldest first.
pub fn partner_level(conn: &Connection, partner: Option<&str>) -> rusqlite::Result<Vec<crate::PartnerItems>> {
    let mut stmt = conn.prepare_cached(
        "SELECT partner_id, kind, item_key, doc, created_at FROM account_items \
         WHERE customer_id = '' AND (?1 IS NULL OR partner_id = ?1) ORDER BY partner_id, seq",
    )?;
    let rows = stmt.query_map(params![partner], |r| {
        let item = AccountItem {
            customer_id: String::new(),
            kind: kind_of(&r.get::<_, String>(1)?),
            key: r.get(2)?,
            doc: r.get(3)?,
            created_at: r.get(4)?,
        };
        Ok((r.get::<_, String>(0)?, item))
    })?;
    Ok(crate::account::by_partner(rows.collect::<rusqlite::Result<_>>()?))
}

/// Forgets a deleted customer's items.
pub fn forget(conn: &Connection, partner: &str, customer_id: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM account_items WHERE partner_id = ?1 AND customer_id = ?2", params![partner, customer_id])
}

/// Every item of one customer, of any kind, oldest first (what a snapshot line carries).
pub fn of_customer(conn: &Connection, partner: &str, customer_id: &str) -> rusqlite::Result<Vec<AccountItem>> {
    let mut stmt = conn.prepare_cached(
        "SELECT customer_id, kind, item_key, doc, created_at FROM account_items \
         WHERE partner_id = ?1 AND customer_id = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map(params![partner, customer_id], |r| {
        Ok(AccountItem {
            customer_id: r.get(0)?,
            kind: kind_of(&r.get::<_, String>(1)?),
            key: r.get(2)?,
            doc: r.get(3)?,
            created_at: r.get(4)?,
        })
    })?;
    rows.collect()
}

/// Replaces a partner-level item if it is still `expected`; false when it changed or is gone.
pub fn spend(conn: &Connection, partner: &str, spend: &Spend) -> rusqlite::Result<bool> {
    let changed = conn.execute(
        "UPDATE account_items SET doc = ?5 \
         WHERE partner_id = ?1 AND customer_id = '' AND kind = ?2 AND item_key = ?3 AND doc = ?4",
        params![partner, spend.kind, spend.key, spend.expected, spend.replacement],
    )?;
    Ok(changed == 1)
}
