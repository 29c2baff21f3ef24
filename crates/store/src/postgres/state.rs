//! The control plane's operations on PostgreSQL: settings, key rotation, reset, and the
//! snapshot's read and restore. They act on the shared database, so every instance sees them.

use super::bulk::insert_batch;
use super::mutate::DETACHED;
use super::pool::Client;
use crate::{Removed, Restore, RestoreRows, Restored, SnapshotRow, StoreError};

pub async fn reset(client: &mut Client, partner: Option<&str>) -> Result<Removed, StoreError> {
    let tx = client.transaction().await?;
    let removed = match partner {
        Some(p) => Removed {
            customers: tx.execute("DELETE FROM customers WHERE partner_id = $1", &[&p]).await?,
            kept_responses: tx.execute("DELETE FROM idempotency WHERE partner_id = $1", &[&p]).await?,
        },
        None => Removed {
            customers: tx.execute("DELETE FROM customers", &[]).await?,
            kept_responses: tx.execute("DELETE FROM idempotency", &[]).await?,
        },
    };
    match partner {
        Some(p) => tx.execute("DELETE FROM account_items WHERE partner_id = $1", &[&p]).await?,
        None => tx.execute("DELETE FROM account_items", &[]).await?,
    };
    tx.commit().await?;
    Ok(removed)
}

pub async fn snapshot_page(
    client: &Client,
    partner: Option<&str>,
    after: &str,
    limit: usize,
) -> Result<Vec<SnapshotRow>, StoreError> {
    let mut rows = customer_rows(client, partner, after, limit).await?;
    if let Some(last) = rows.last().map(|r| r.id.clone()) {
        let mut directories = super::users::directory_rows(client, after, &last).await?.into_json();
        for row in &mut rows {
            row.directory = directories.remove(&row.id);
        }
    }
    Ok(rows)
}

async fn customer_rows(
    client: &Client,
    partner: Option<&str>,
    after: &str,
    limit: usize,
) -> Result<Vec<SnapshotRow>, StoreError> {
    let limit = limit as i64;
    let rows =
        match partner {
            Some(p) => {
                client
                    .query(
                        "SELECT id, partner_id, doc, etag, created_at FROM customers \
                     WHERE partner_id = $1 AND id > $2 ORDER BY id LIMIT $3",
                        &[&p, &after, &limit],
                    )
                    .await?
            }
            None => client
                .query(
                    "SELECT id, partner_id, doc, etag, created_at FROM customers WHERE id > $1 ORDER BY id LIMIT $2",
                    &[&after, &limit],
                )
                .await?,
        };
    let mut rows = rows
        .iter()
        .map(|r| {
            let owner: String = r.try_get(1)?;
            Ok(SnapshotRow {
                id: r.try_get(0)?,
                partner: (owner != DETACHED).then_some(owner),
                doc: r.try_get(2)?,
                etag: r.try_get(3)?,
                created_at: r.try_get(4)?,
                items: Vec::new(),
                directory: None,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    super::items::attach(client, &mut rows).await?;
    Ok(rows)
}

/// One transaction on one connection for the whole restore; other instances keep reading the
/// old state until it commits.
pub async fn load(
    client: &mut Client,
    partner: Option<&str>,
    replace: bool,
    mut rows: RestoreRows,
) -> Result<Restored, StoreError> {
    let tx = client.transaction().await?;
    match partner.filter(|_| replace) {
        _ if !replace => {}
        Some(p) => {
            tx.execute("DELETE FROM customers WHERE partner_id = $1", &[&p]).await?;
            tx.execute("DELETE FROM idempotency WHERE partner_id = $1", &[&p]).await?;
            tx.execute("DELETE FROM account_items WHERE partner_id = $1", &[&p]).await?;
        }
        None => tx.batch_execute("DELETE FROM customers; DELETE FROM idempotency; DELETE FROM account_items;").await?,
    }
    let mut customers = 0u64;
    loop {
        match rows.recv().await {
            Some(Restore::Rows(batch)) => {
                let owners: Vec<&str> = batch.iter().map(|r| r.partner.as_deref().unwrap_or(DETACHED)).collect();
                let records: Vec<_> = batch.iter().map(|r| r.record.clone()).collect();
                if let Some(&first) = insert_batch(&tx, &owners, &records).await?.first() {
                    return Ok(Restored::Conflict { line: batch[first].line });
                }
                for row in &batch {
                    if let Some(owner) = &row.partner {
                        super::items::restore(&tx, owner, &row.items).await?;
                    }
                    if let Some(dir) = &row.directory {
                        if !super::users::insert_directory(&tx, &row.record.id, dir).await? {
                            return Ok(Restored::Conflict { line: row.line });
                        }
                    }
                }
                customers += batch.len() as u64;
            }
            Some(Restore::Partner(own)) => super::items::restore(&tx, &own.partner, &own.items).await?,
            Some(Restore::Commit) => break,
            None => return Ok(Restored::Abandoned),
        }
    }
    tx.commit().await?;
    Ok(Restored::Done { customers })
}
