//! Mutations on PostgreSQL, safe with any number of instances writing at once.
//!
//! Each runs in one READ COMMITTED transaction that claims its idempotency record *first*
//! (`INSERT .. ON CONFLICT DO NOTHING`). A concurrent transaction holding the same
//! (partner, request id) uncommitted makes that insert wait for it: if it commits, this one
//! finds the record and answers `Replay`/`Mismatch` without changing anything; if it rolls
//! back, this one proceeds. So a request id executes at most once across instances, and an
//! identical request racing itself never reaches the domain check (no domain-conflict re-check
//! is needed). Any outcome other than `Done` rolls back, keeping nothing.

use deadpool_postgres::Transaction;

use super::pool::Client;
use crate::{Applied, CustomerRecord, Idempotency, KeptResponse, Mutation, StoreError};

/// The `partner_id` of customers that left their partner, as on SQLite: no partner can read
/// them, and their domains stay taken.
pub(super) const DETACHED: &str = "";

/// The advisory-lock class (first key of the two-key form) that serialises one partner's
/// limited creates, so two instances cannot both see 74 customers and both add the 75th.
const LIMIT_LOCK_CLASS: i32 = 0x7064; // "pd"

pub async fn apply(
    client: &mut Client,
    partner: &str,
    mutation: &Mutation,
    idem: Option<&Idempotency>,
) -> Result<Applied, StoreError> {
    let tx = client.transaction().await?;
    if let Mutation::Create { limit: Some(_), .. } = mutation {
        tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &[&LIMIT_LOCK_CLASS, &partner]).await?;
    }
    if let Some(idem) = idem {
        if !claim(&tx, partner, idem).await? {
            tx.rollback().await?;
            return kept(client, partner, idem).await;
        }
    }
    let outcome = change(&tx, partner, mutation).await?;
    if outcome == Applied::Done {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(outcome)
}

/// Inserts the idempotency record (taking the place of an expired one the purge has not
/// removed yet); false when this request id is kept and alive.
async fn claim(tx: &Transaction<'_>, partner: &str, idem: &Idempotency) -> Result<bool, StoreError> {
    let inserted = tx
        .execute(
            "INSERT INTO idempotency (partner_id, request_id, fingerprint, status, response, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, request_id) DO UPDATE SET \
             fingerprint = excluded.fingerprint, status = excluded.status, response = excluded.response, \
             created_at = excluded.created_at WHERE idempotency.created_at < $7",
            &[
                &partner,
                &idem.request_id,
                &idem.fingerprint,
                &i32::from(idem.response.status),
                &idem.response.body,
                &idem.now,
                &idem.expired_before,
            ],
        )
        .await?;
    Ok(inserted == 1)
}

/// `Replay` or `Mismatch` for a request id whose record exists (committed).
async fn kept(client: &Client, partner: &str, idem: &Idempotency) -> Result<Applied, StoreError> {
    let row = client
        .query_opt(
            "SELECT fingerprint, status, response FROM idempotency WHERE partner_id = $1 AND request_id = $2",
            &[&partner, &idem.request_id],
        )
        .await?
        // Purged between the conflict and this read: the client's retry will run afresh.
        .ok_or_else(|| StoreError::Unavailable("idempotency record purged while being read".into()))?;
    let fingerprint: Vec<u8> = row.try_get(0)?;
    let status: i32 = row.try_get(1)?;
    let status = u16::try_from(status).map_err(|_| StoreError::Internal(format!("kept status {status}")))?;
    Ok(Applied::seen(&fingerprint, idem, KeptResponse { status, body: row.try_get(2)? }))
}

async fn change(tx: &Transaction<'_>, partner: &str, mutation: &Mutation) -> Result<Applied, StoreError> {
    let done = Applied::by_rows_changed;
    Ok(match mutation {
        Mutation::Create { record, limit, admin } => {
            if let Some(limit) = limit {
                let count: i64 = tx
                    .query_one("SELECT count(*) FROM customers WHERE partner_id = $1", &[&partner])
                    .await?
                    .try_get(0)?;
                if count as u64 >= *limit {
                    return Ok(Applied::LimitReached);
                }
            }
            insert(tx, partner, record).await?;
            match admin {
                Some(admin) => {
                    crate::users::admin_made(super::users::change(tx, partner, record.id(), admin, i64::MIN).await?)?
                }
                None => Applied::Done,
            }
        }
        Mutation::RemoveRelationship { id } => done(
            tx.execute(
                "UPDATE customers SET partner_id = $3 WHERE id = $1 AND partner_id = $2",
                &[id, &partner, &DETACHED],
            )
            .await?,
        ),
        Mutation::Delete { id } => {
            super::items::forget(tx, partner, id).await?;
            done(tx.execute("DELETE FROM customers WHERE id = $1 AND partner_id = $2", &[id, &partner]).await?)
        }
        Mutation::AddItem { item } => super::items::add(tx, partner, item).await?,
        Mutation::AddItemSpending { item, spend } => match super::items::spend(tx, partner, spend).await? {
            true => super::items::add(tx, partner, item).await?,
            false => Applied::Stale,
        },
        Mutation::Replace { record, expected_etag } => replace(tx, partner, record, expected_etag.as_deref()).await?,
        Mutation::Users { customer, change, purge_before } => {
            super::users::change(tx, partner, customer, change, *purge_before).await?
        }
    })
}

async fn insert(tx: &Transaction<'_>, partner: &str, r: &CustomerRecord) -> Result<(), StoreError> {
    let stmt = tx
        .prepare_cached(
            "INSERT INTO customers (id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .await?;
    tx.execute(
        &stmt,
        &[
            &r.id,
            &partner,
            &r.name_key,
            &r.domain_key,
            &r.assoc_key,
            &r.etag,
            &r.doc,
            &r.list_json,
            &r.created_at.unwrap_or_else(crate::now_secs),
        ],
    )
    .await?;
    Ok(())
}

/// The billing-profile update: the row is locked while its etag is compared, so two
/// conditional updates with the same etag cannot both succeed.
async fn replace(
    tx: &Transaction<'_>,
    partner: &str,
    r: &CustomerRecord,
    expected_etag: Option<&str>,
) -> Result<Applied, StoreError> {
    let current = tx
        .query_opt("SELECT etag FROM customers WHERE id = $1 AND partner_id = $2 FOR UPDATE", &[&r.id, &partner])
        .await?;
    let Some(current) = current else {
        return Ok(Applied::NotFound);
    };
    let etag: String = current.try_get(0)?;
    if expected_etag.is_some_and(|e| e != etag) {
        return Ok(Applied::Stale);
    }
    tx.execute(
        "UPDATE customers SET name_key = $3, assoc_key = $4, etag = $5, doc = $6, list_json = $7 \
         WHERE id = $1 AND partner_id = $2",
        &[&r.id, &partner, &r.name_key, &r.assoc_key, &r.etag, &r.doc, &r.list_json],
    )
    .await?;
    Ok(Applied::Done)
}
