//! Bulk inserts (seeding, import): the batch goes over as one array per column in a single
//! `INSERT .. SELECT FROM unnest(..) ON CONFLICT DO NOTHING`, so a batch costs one round
//! trip however large it is, and needs no temporary table.

use std::collections::HashMap;

use deadpool_postgres::Transaction;

use super::pool::Client;
use crate::{CustomerRecord, StoreError};

/// `WITH ORDINALITY` + `ORDER BY ord`: records go in in the caller's order, so of two that
/// collide the first wins, as on SQLite.
const INSERT_BATCH: &str = "INSERT INTO customers \
    (id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at) \
    SELECT id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at \
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], \
        $9::int8[]) \
        WITH ORDINALITY AS r (id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at, ord) \
    ORDER BY ord ON CONFLICT DO NOTHING RETURNING id, domain_key";

/// Inserts `records` for `partner` in one transaction and returns the indexes of those
/// skipped because their id or domain was taken (by a stored customer or an earlier record
/// of the batch). With `atomic`, any skip rolls everything back.
pub async fn insert_many(
    client: &mut Client,
    partner: &str,
    records: &[CustomerRecord],
    atomic: bool,
) -> Result<Vec<usize>, StoreError> {
    let tx = client.transaction().await?;
    let owners = vec![partner; records.len()];
    let skipped = insert_batch(&tx, &owners, records).await?;
    if atomic && !skipped.is_empty() {
        tx.rollback().await?;
    } else {
        tx.commit().await?;
    }
    Ok(skipped)
}

/// Inserts `records[i]` for `owners[i]` inside `tx`; returns the indexes of the records
/// skipped because their id or domain was taken.
pub async fn insert_batch(
    tx: &Transaction<'_>,
    owners: &[&str],
    records: &[CustomerRecord],
) -> Result<Vec<usize>, StoreError> {
    let column = |f: fn(&CustomerRecord) -> &str| records.iter().map(f).collect::<Vec<_>>();
    let assoc: Vec<Option<&str>> = records.iter().map(|r| r.assoc_key.as_deref()).collect();
    let now = crate::now_secs();
    let created: Vec<i64> = records.iter().map(|r| r.created_at.unwrap_or(now)).collect();
    let inserted = tx
        .query(
            INSERT_BATCH,
            &[
                &column(|r| &r.id),
                &owners,
                &column(|r| &r.name_key),
                &column(|r| &r.domain_key),
                &assoc,
                &column(|r| &r.etag),
                &column(|r| &r.doc),
                &column(|r| &r.list_json),
                &created,
            ],
        )
        .await?;
    let mut landed: HashMap<(String, String), usize> = HashMap::new();
    for row in inserted {
        *landed.entry((row.try_get(0)?, row.try_get(1)?)).or_default() += 1;
    }
    Ok(skipped(records, landed))
}

/// The indexes of records that did not land. A stored row is matched by (id, domain): a
/// record sharing only its id (or only its domain) with one that landed is a different
/// record, and of identical records the first is the one that landed.
fn skipped(records: &[CustomerRecord], mut landed: HashMap<(String, String), usize>) -> Vec<usize> {
    let mut skipped = Vec::new();
    for (i, r) in records.iter().enumerate() {
        match landed.get_mut(&(r.id.clone(), r.domain_key.clone())) {
            Some(n) if *n > 0 => *n -= 1,
            _ => skipped.push(i),
        }
    }
    skipped
}
