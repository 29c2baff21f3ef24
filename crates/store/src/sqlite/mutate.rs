//! Mutations on SQLite. The single writer connection serialises them, so checking the
//! idempotency record and then changing data in one transaction cannot race; each runs in its
//! own savepoint of a group transaction (see `writer.rs`).

use rusqlite::{params, Connection, OptionalExtension};

use crate::{Applied, Idempotency, KeptResponse, Mutation, StoreError};

/// The `partner_id` of customers that left their partner: no partner can read them, and
/// their domains stay taken.
pub const DETACHED: &str = "";

/// Applies one mutation; the flag says whether its change is to be kept (only `Done` is).
pub fn apply(
    conn: &Connection,
    partner: &str,
    mutation: &Mutation,
    idem: Option<&Idempotency>,
) -> Result<(Applied, bool), StoreError> {
    if let Some(idem) = idem {
        if let Some(seen) = kept(conn, partner, idem)? {
            return Ok((seen, false));
        }
    }
    let outcome = change(conn, partner, mutation)?;
    if outcome != Applied::Done {
        return Ok((outcome, false));
    }
    if let Some(idem) = idem {
        // An expired record of the same id may still be there (the purge runs now and then):
        // this request takes its place.
        conn.prepare_cached(
            "INSERT INTO idempotency (partner_id, request_id, fingerprint, status, response, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (partner_id, request_id) DO UPDATE SET \
             fingerprint = excluded.fingerprint, status = excluded.status, response = excluded.response, \
             created_at = excluded.created_at",
        )?
        .execute(params![
            partner,
            idem.request_id,
            idem.fingerprint,
            idem.response.status,
            idem.response.body,
            idem.now
        ])?;
    }
    Ok((Applied::Done, true))
}

/// `Replay` or `Mismatch` when this request id was kept before and has not expired.
fn kept(conn: &Connection, partner: &str, idem: &Idempotency) -> rusqlite::Result<Option<Applied>> {
    let row: Option<(Vec<u8>, u16, Vec<u8>)> = conn
        .prepare_cached(
            "SELECT fingerprint, status, response FROM idempotency \
             WHERE partner_id = ?1 AND request_id = ?2 AND created_at >= ?3",
        )?
        .query_row(params![partner, idem.request_id, idem.expired_before], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    Ok(row.map(|(fingerprint, status, body)| Applied::seen(&fingerprint, idem, KeptResponse { status, body })))
}

fn change(conn: &Connection, partner: &str, mutation: &Mutation) -> Result<Applied, StoreError> {
    let done = |changed: usize| Applied::by_rows_changed(changed as u64);
    Ok(match mutation {
        Mutation::Create { record, limit, admin } => {
            if let Some(limit) = limit {
                let count: u64 = conn
                    .prepare_cached("SELECT count(*) FROM customers WHERE partner_id = ?1")?
                    .query_row([partner], |r| r.get(0))?;
                if count >= *limit {
                    return Ok(Applied::LimitReached);
                }
            }
            let mut stmt = conn.prepare_cached(super::INSERT_CUSTOMER)?;
            super::insert_record(&mut stmt, partner, record)?;
            match admin {
                Some(admin) => {
                    crate::users::admin_made(super::users::change(conn, partner, record.id(), admin, i64::MIN)?)?
                }
                None => Applied::Done,
            }
        }
        Mutation::RemoveRelationship { id } => done(conn.execute(
            "UPDATE customers SET partner_id = ?3 WHERE id = ?1 AND partner_id = ?2",
            params![id, partner, DETACHED],
        )?),
        Mutation::Delete { id } => {
            super::items::forget(conn, partner, id)?;
            done(conn.execute("DELETE FROM customers WHERE id = ?1 AND partner_id = ?2", params![id, partner])?)
        }
        Mutation::AddItem { item } => super::items::add(conn, partner, item)?,
        Mutation::AddItemSpending { item, spend } => match super::items::spend(conn, partner, spend)? {
            true => super::items::add(conn, partner, item)?,
            false => Applied::Stale,
        },
        Mutation::Users { customer, change, purge_before } => {
            super::users::change(conn, partner, customer, change, *purge_before)?
        }
        Mutation::Replace { record, expected_etag } => {
            let current: Option<String> = conn
                .prepare_cached("SELECT etag FROM customers WHERE id = ?1 AND partner_id = ?2")?
                .query_row(params![record.id, partner], |r| r.get(0))
                .optional()?;
            match current {
                None => Applied::NotFound,
                Some(etag) if expected_etag.as_ref().is_some_and(|e| *e != etag) => Applied::Stale,
                Some(_) => {
                    conn.execute(
                        "UPDATE customers SET name_key = ?3, assoc_key = ?4, etag = ?5, doc = ?6, list_json = ?7 \
                         WHERE id = ?1 AND partner_id = ?2",
                        params![
                            record.id,
                            partner,
                            record.name_key,
                            record.assoc_key,
                            record.etag,
                            record.doc,
                            record.list_json
                        ],
                    )?;
                    Applied::Done
                }
            }
        }
    })
}
