//! A customer's users on SQLite. Writes run on the single writer connection, so the checks
//! (customer, UPN, state) and the change they allow cannot be raced.

use rusqlite::types::{ToSqlOutput, Type};
use rusqlite::{params, Connection, OptionalExtension, ToSql};

use crate::page::PageBuilder;
use crate::users::{page_sql, PageParam};
use crate::{Applied, ListQuery, Page, StoreError, StoredUser, UserChange, UserLookup, UserQuery, UserRecord};

impl ToSql for PageParam {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        match self {
            PageParam::Text(s) => s.to_sql(),
            PageParam::Int(i) => i.to_sql(),
        }
    }
}

fn customer_exists(conn: &Connection, partner: &str, customer: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customers WHERE id = ?1 AND partner_id = ?2")?.exists([customer, partner])
}

pub fn page(conn: &Connection, partner: &str, customer: &str, query: &UserQuery) -> rusqlite::Result<Option<Page>> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(None);
    }
    let q = page_sql(customer, query, false);
    let list = ListQuery { filter: None, size: query.size, seek: query.seek.clone() };
    let mut stmt = conn.prepare_cached(&q.sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(q.params.iter()))?;
    let mut page = PageBuilder::new(&list);
    while let Some(r) = rows.next()? {
        page.push(text(r, 0)?, text(r, 1)?, text(r, 2)?);
    }
    Ok(Some(page.finish(&list, q.descending)))
}

fn text<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<&'r str> {
    row.get_ref(i)?.as_str().map_err(|e| rusqlite::Error::FromSqlConversionFailure(i, Type::Text, Box::new(e)))
}

pub fn get(
    conn: &Connection,
    partner: &str,
    customer: &str,
    id: &str,
    purge_before: i64,
) -> rusqlite::Result<UserLookup> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(UserLookup::NoCustomer);
    }
    let found = conn
        .prepare_cached(
            "SELECT doc, deleted_at FROM customer_users WHERE customer_id = ?1 AND id = ?2 \
             AND (deleted_at IS NULL OR deleted_at >= ?3)",
        )?
        .query_row(params![customer, id, purge_before], |r| Ok(StoredUser { doc: r.get(0)?, deleted_at: r.get(1)? }))
        .optional()?;
    Ok(found.map_or(UserLookup::NoUser, UserLookup::Found))
}

pub fn change(
    conn: &Connection,
    partner: &str,
    customer: &str,
    change: &UserChange,
    purge_before: i64,
) -> Result<Applied, StoreError> {
    if !customer_exists(conn, partner, customer)? {
        return Ok(Applied::NotFound);
    }
    conn.prepare_cached("DELETE FROM customer_users WHERE customer_id = ?1 AND deleted_at < ?2")?
        .execute(params![customer, purge_before])?;
    Ok(match change {
        UserChange::Create { record, if_upn_free } => {
            if upn_taken(conn, customer, record)? {
                return Ok(if *if_upn_free { Applied::Done } else { Applied::UserTaken });
            }
            conn.prepare_cached(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES (?1, ?2, ?3, ?4, NULL, ?5, ?6)",
            )?
            .execute(params![
                customer,
                record.id,
                record.upn_key,
                record.name_key,
                record.doc,
                record.created_at
            ])?;
            Applied::Done
        }
        UserChange::Replace { record, restore } => {
            let deleted_at: Option<Option<i64>> = conn
                .prepare_cached("SELECT deleted_at FROM customer_users WHERE customer_id = ?1 AND id = ?2")?
                .query_row([customer, &record.id], |r| r.get(0))
                .optional()?;
            match deleted_at {
                Some(d) if d.is_some() == *restore => {}
                _ => return Ok(Applied::UserNotFound),
            }
            if upn_taken(conn, customer, record)? {
                return Ok(Applied::UserTaken);
            }
            conn.prepare_cached(
                "UPDATE customer_users SET upn_key = ?3, name_key = ?4, doc = ?5, deleted_at = NULL \
                 WHERE customer_id = ?1 AND id = ?2",
            )?
            .execute(params![customer, record.id, record.upn_key, record.name_key, record.doc])?;
            Applied::Done
        }
        UserChange::Delete { id, at } => {
            let changed = conn
                .prepare_cached(
                    "UPDATE customer_users SET deleted_at = ?3 \
                     WHERE customer_id = ?1 AND id = ?2 AND deleted_at IS NULL",
                )?
                .execute(params![customer, id, at])?;
            if changed == 0 {
                Applied::UserNotFound
            } else {
                Applied::Done
            }
        }
    })
}

/// Whether another user of the customer has the record's UPN.
fn upn_taken(conn: &Connection, customer: &str, record: &UserRecord) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM customer_users WHERE customer_id = ?1 AND upn_key = ?2 AND id <> ?3")?.exists([
        customer,
        &record.upn_key,
        &record.id,
    ])
}
