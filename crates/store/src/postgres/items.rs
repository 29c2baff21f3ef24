//! Account items on PostgreSQL (see `account.rs`).

use deadpool_postgres::Transaction;

use super::pool::Client;
use crate::account::kind_of;
use crate::{AccountItem, Applied, Spend, StoreError};

/// Adds an item to one of the partner's customers (or to the partner): `NotFound` without
/// that customer, `Exists` when its key is taken (also by a concurrent add, which the unique
/// constraint makes wait and then skip).
pub async fn add(tx: &Transaction<'_>, partner: &str, item: &AccountItem) -> Result<Applied, StoreError> {
    if !item.customer_id.is_empty() {
        let mine = tx
            .query_opt("SELECT 1 FROM customers WHERE id = $1 AND partner_id = $2", &[&item.customer_id, &partner])
            .await?;
        if mine.is_none() {
            return Ok(Applied::NotFound);
        }
    }
    let added = tx
        .execute(
            "INSERT INTO account_items (partner_id, customer_id, kind, item_key, doc, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[&partner, &item.customer_id, &item.kind, &item.key, &item.doc, &item.created_at],
        )
        .await?;
    Ok(if added == 0 { Applied::Exists } else { Applied::Done })
}

pub async fn put(client: &Client, partner: &str, item: &AccountItem) -> Result<(), StoreError> {
    client
        .execute(
            "INSERT INTO account_items (partner_id, customer_id, kind, item_key, doc, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, customer_id, kind, item_key) \
             DO UPDATE SET doc = excluded.doc",
            &[&partner, &item.customer_id, &item.kind, &item.key, &item.doc, &item.created_at],
        )
        .await?;
    Ok(())
}

pub async fn list(
    client: &Client,
    partner: &str,
    customer_id: &str,
    kind: &str,
) -> Result<Vec<AccountItem>, StoreError> {
    let stmt = client
        .prepare_cached(
            "SELECT customer_id, kind, item_key, doc, created_at FROM account_items \
             WHERE partner_id = $1 AND customer_id = $2 AND kind = $3 ORDER BY seq",
        )
        .await?;
    let rows = client.query(&stmt, &[&partner, &customer_id, &kind]).await?;
    rows.iter()
        .map(|r| {
            Ok(AccountItem {
                customer_id: r.try_get(0)?,
                kind: kind_of(r.try_get(1)?),
                key: r.try_get(2)?,
                doc: r.try_get(3)?,
                created_at: r.try_get(4)?,
            })
        })
        .collect()
}

/// Forgets a deleted customer's items.
pub async fn forget(tx: &Transaction<'_>, partner: &str, customer_id: &str) -> Result<u64, StoreError> {
    Ok(tx
        .execute("DELETE FROM account_items WHERE partner_id = $1 AND customer_id = $2", &[&partner, &customer_id])
        .await?)
}

/// The partners' own items (of `partner`, or of all), by partner, oldest first.
pub async fn partner_level(client: &Client, partner: Option<&str>) -> Result<Vec<crate::PartnerItems>, StoreError> {
    let rows = client
        .query(
            "SELECT partner_id, kind, item_key, doc, created_at FROM account_items \
             WHERE customer_id = '' AND ($1::text IS NULL OR partner_id = $1) ORDER BY partner_id, seq",
            &[&partner],
        )
        .await?;
    let items = rows
        .iter()
        .map(|r| {
            let item = AccountItem {
                customer_id: String::new(),
                kind: kind_of(r.try_get(1)?),
                key: r.try_get(2)?,
                doc: r.try_get(3)?,
                created_at: r.try_get(4)?,
            };
            Ok((r.try_get::<_, String>(0)?, item))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(crate::account::by_partner(items))
}

/// Fills in each row's items (of the partner that owns the customer), in one query a page.
pub async fn attach(client: &Client, rows: &mut [crate::SnapshotRow]) -> Result<(), StoreError> {
    let ids: Vec<&str> = rows.iter().filter(|r| r.partner.is_some()).map(|r| r.id.as_str()).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let found = client
        .query(
            "SELECT partner_id, customer_id, kind, item_key, doc, created_at FROM account_items \
             WHERE customer_id = ANY($1) ORDER BY seq",
            &[&ids],
        )
        .await?;
    for r in &found {
        let (partner, customer): (String, String) = (r.try_get(0)?, r.try_get(1)?);
        if let Some(row) = rows.iter_mut().find(|row| row.id == customer && row.partner.as_deref() == Some(&partner)) {
            row.items.push(AccountItem {
                customer_id: customer,
                kind: kind_of(r.try_get(2)?),
                key: r.try_get(3)?,
                doc: r.try_get(4)?,
                created_at: r.try_get(5)?,
            });
        }
    }
    Ok(())
}

/// Restores one customer's items inside the restore's transaction.
pub async fn restore(tx: &Transaction<'_>, partner: &str, items: &[AccountItem]) -> Result<(), StoreError> {
    for item in items {
        tx.execute(
            "INSERT INTO account_items (partner_id, customer_id, kind, item_key, doc, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (partner_id, customer_id, kind, item_key) \
             DO UPDATE SET doc = excluded.doc",
            &[&partner, &item.customer_id, &item.kind, &item.key, &item.doc, &item.created_at],
        )
        .await?;
    }
    Ok(())
}

/// Replaces a partner-level item if it is still `expected` (the row is locked by the update,
/// so a concurrent spend waits and then finds it changed); false when it changed or is gone.
pub async fn spend(tx: &Transaction<'_>, partner: &str, spend: &Spend) -> Result<bool, StoreError> {
    let changed = tx
        .execute(
            "UPDATE account_items SET doc = $5 \
             WHERE partner_id = $1 AND customer_id = '' AND kind = $2 AND item_key = $3 AND doc = $4",
            &[&partner, &spend.kind, &spend.key, &spend.expected, &spend.replacement],
        )
        .await?;
    Ok(changed == 1)
}
