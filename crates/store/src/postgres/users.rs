//! A customer's users on PostgreSQL. A write locks its customer's row first, so the writes to
//! one customer's users (on any instance) run one at a time: two creates of one UPN cannot
//! both pass the check, and a delete cannot interleave with a restore.

use deadpool_postgres::Transaction;

use super::pool::Client;
use crate::page::PageBuilder;
use crate::users::{page_sql, PageParam};
use crate::{Applied, ListQuery, Page, StoreError, StoredUser, UserChange, UserLookup, UserQuery, UserRecord};
use tokio_postgres::types::ToSql;

async fn customer_exists(client: &Client, partner: &str, customer: &str) -> Result<bool, StoreError> {
    let stmt = client.prepare_cached("SELECT 1 FROM customers WHERE id = $1 AND partner_id = $2").await?;
    Ok(client.query_opt(&stmt, &[&customer, &partner]).await?.is_some())
}

/// The bound value as PostgreSQL takes it. (Every text bound here is a GUID the server
/// parsed or a position the server sealed from stored rows: none can hold a NUL.)
fn param_value(p: &PageParam) -> &(dyn ToSql + Sync) {
    match p {
        PageParam::Text(s) => s,
        PageParam::Int(i) => i,
    }
}

pub async fn page(
    client: &Client,
    partner: &str,
    customer: &str,
    query: &UserQuery,
) -> Result<Option<Page>, StoreError> {
    if !customer_exists(client, partner, customer).await? {
        return Ok(None);
    }
    let q = page_sql(customer, query, true);
    let list = ListQuery { filter: None, size: query.size, seek: query.seek.clone() };
    let mut page = PageBuilder::new(&list);
    let stmt = client.prepare_cached(&q.sql).await?;
    let params: Vec<_> = q.params.iter().map(param_value).collect();
    for r in client.query(&stmt, &params).await? {
        page.push(r.try_get(0)?, r.try_get(1)?, r.try_get(2)?);
    }
    Ok(Some(page.finish(&list, q.descending)))
}

pub async fn get(
    client: &Client,
    partner: &str,
    customer: &str,
    id: &str,
    purge_before: i64,
) -> Result<UserLookup, StoreError> {
    if !customer_exists(client, partner, customer).await? {
        return Ok(UserLookup::NoCustomer);
    }
    let stmt = client
        .prepare_cached(
            "SELECT doc, deleted_at FROM customer_users WHERE customer_id = $1 AND id = $2 \
             AND (deleted_at IS NULL OR deleted_at >= $3)",
        )
        .await?;
    let row = client.query_opt(&stmt, &[&customer, &id, &purge_before]).await?;
    Ok(match row {
        Some(r) => UserLookup::Found(StoredUser { doc: r.try_get(0)?, deleted_at: r.try_get(1)? }),
        None => UserLookup::NoUser,
    })
}

pub async fn change(
    tx: &Transaction<'_>,
    partner: &str,
    customer: &str,
    change: &UserChange,
    purge_before: i64,
) -> Result<Applied, StoreError> {
    let locked = tx
        .query_opt("SELECT 1 FROM customers WHERE id = $1 AND partner_id = $2 FOR UPDATE", &[&customer, &partner])
        .await?;
    if locked.is_none() {
        return Ok(Applied::NotFound);
    }
    tx.execute("DELETE FROM customer_users WHERE customer_id = $1 AND deleted_at < $2", &[&customer, &purge_before])
        .await?;
    Ok(match change {
        UserChange::Create { record, if_upn_free } => {
            if upn_taken(tx, customer, record).await? {
                return Ok(if *if_upn_free { Applied::Done } else { Applied::UserTaken });
            }
            tx.execute(
                "INSERT INTO customer_users (customer_id, id, upn_key, name_key, deleted_at, doc, created_at) \
                 VALUES ($1, $2, $3, $4, NULL, $5, $6)",
                &[&customer, &record.id, &record.upn_key, &record.name_key, &record.doc, &record.created_at],
            )
            .await?;
            Applied::Done
        }
        UserChange::Replace { record, restore } => {
            let row = tx
                .query_opt(
                    "SELECT deleted_at FROM customer_users WHERE customer_id = $1 AND id = $2",
                    &[&customer, &record.id],
                )
                .await?;
            let deleted_at: Option<Option<i64>> = row.map(|r| r.try_get(0)).transpose()?;
            match deleted_at {
                Some(d) if d.is_some() == *restore => {}
                _ => return Ok(Applied::UserNotFound),
            }
            if upn_taken(tx, customer, record).await? {
                return Ok(Applied::UserTaken);
            }
            tx.execute(
                "UPDATE customer_users SET upn_key = $3, name_key = $4, doc = $5, deleted_at = NULL \
                 WHERE customer_id = $1 AND id = $2",
                &[&customer, &record.id, &record.upn_key, &record.name_key, &record.doc],
            )
            .await?;
            Applied::Done
        }
        UserChange::Delete { id, at } => {
            let changed = tx
                .execute(
                    "UPDATE customer_users SET deleted_at = $3 \
                     WHERE customer_id = $1 AND id = $2 AND deleted_at IS NULL",
                    &[&customer, id, at],
                )
                .await?;
            if changed == 0 {
                Applied::UserNotFound
            } else {
                Applied::Done
            }
        }
    })
}

async fn upn_taken(tx: &Transaction<'_>, customer: &str, record: &UserRecord) -> Result<bool, StoreError> {
    let row = tx
        .query_opt(
            "SELECT 1 FROM customer_users WHERE customer_id = $1 AND upn_key = $2 AND id <> $3",
            &[&customer, &record.upn_key, &record.id],
        )
        .await?;
    Ok(row.is_some())
}
