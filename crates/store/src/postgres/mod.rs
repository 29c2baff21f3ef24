//! The PostgreSQL store, for several stateless partnerd instances sharing one database.
//! Everything the instances must agree on lives in it: customers (domain uniqueness is a
//! unique index), idempotency records, and the token-sealing key. Behaviour matches the
//! SQLite store exactly; see `migrations/postgres` for how the schema keeps the same order.

mod bulk;
mod items;
mod list;
mod migrate;
mod mutate;
mod pool;
mod state;
mod users;

#[cfg(test)]
mod plan_tests;

use std::sync::Arc;

use async_trait::async_trait;

use crate::{
    AccountItem, Applied, Backend, CustomerRecord, Idempotency, ListQuery, Mutation, Page, Removed, RestoreRows,
    Restored, SkuUnits, SnapshotRow, StoreError, StoredCustomer, UserLookup, UserQuery,
};
use pool::{bounded, Pool};

pub(crate) use migrate::versions as migration_versions;

pub(crate) struct PostgresBackend {
    pool: Pool,
}

/// Connects to `url` with a pool of `pool_size` connections and applies missing migrations.
pub(crate) async fn connect(url: &str, pool_size: usize) -> Result<Arc<dyn Backend>, StoreError> {
    let pool = Pool::new(url, pool_size)?;
    let applied = migrate::apply(&mut pool.get().await?).await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied PostgreSQL migrations");
    }
    Ok(Arc::new(PostgresBackend { pool }))
}

#[async_trait]
impl Backend for PostgresBackend {
    async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let fresh: [u8; 32] = rand::random();
        bounded!(self.pool, |client| {
            client
                .execute(
                    "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                    &[&name, &fresh.as_slice()],
                )
                .await?;
            Ok(client.query_one("SELECT value FROM server_keys WHERE name = $1", &[&name]).await?.try_get(0)?)
        })
    }

    async fn domain_exists(&self, domain_key: &str) -> Result<bool, StoreError> {
        // No stored domain can contain NUL (PostgreSQL text cannot), and the database would
        // refuse the parameter rather than say so.
        if domain_key.contains('\0') {
            return Ok(false);
        }
        bounded!(self.pool, |client| {
            let stmt = client.prepare_cached("SELECT 1 FROM customers WHERE domain_key = $1").await?;
            Ok(client.query_opt(&stmt, &[&domain_key]).await?.is_some())
        })
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        bounded!(self.pool, |client| Ok(client.query_opt("SELECT 1 FROM customers LIMIT 1", &[]).await?.is_none()))
    }

    async fn list(&self, partner: &str, query: &ListQuery) -> Result<Page, StoreError> {
        bounded!(self.pool, |client| list::page(&client, partner, query).await)
    }

    async fn get(&self, partner: &str, id: &str) -> Result<Option<StoredCustomer>, StoreError> {
        bounded!(self.pool, |client| {
            let stmt =
                client.prepare_cached("SELECT doc, etag FROM customers WHERE id = $1 AND partner_id = $2").await?;
            match client.query_opt(&stmt, &[&id, &partner]).await? {
                Some(row) => Ok(Some(StoredCustomer { doc: row.try_get(0)?, etag: row.try_get(1)? })),
                None => Ok(None),
            }
        })
    }

    async fn apply(&self, partner: &str, mutation: Mutation, idem: Option<Idempotency>) -> Result<Applied, StoreError> {
        bounded!(self.pool, |client| mutate::apply(&mut client, partner, &mutation, idem.as_ref()).await)
    }

    /// Not bounded by the operation timeout: a large batch may legitimately take long.
    async fn insert_many(
        &self,
        partner: &str,
        records: Vec<CustomerRecord>,
        atomic: bool,
    ) -> Result<Vec<usize>, StoreError> {
        bulk::insert_many(&mut self.pool.get().await?, partner, &records, atomic).await
    }

    async fn purge_idempotency(&self, before: i64) -> Result<u64, StoreError> {
        bounded!(self.pool, |client| Ok(client
            .execute("DELETE FROM idempotency WHERE created_at < $1", &[&before])
            .await?))
    }

    async fn setting(&self, name: &str) -> Result<Option<i64>, StoreError> {
        bounded!(self.pool, |client| {
            let stmt = client.prepare_cached("SELECT value FROM settings WHERE name = $1").await?;
            Ok(client.query_opt(&stmt, &[&name]).await?.map(|r| r.try_get(0)).transpose()?)
        })
    }

    async fn put_setting(&self, name: &str, value: i64) -> Result<(), StoreError> {
        bounded!(self.pool, |client| {
            client
                .execute(
                    "INSERT INTO settings (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    &[&name, &value],
                )
                .await?;
            Ok(())
        })
    }

    async fn read_server_key(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        bounded!(self.pool, |client| {
            let stmt = client.prepare_cached("SELECT value FROM server_keys WHERE name = $1").await?;
            Ok(client.query_opt(&stmt, &[&name]).await?.map(|r| r.try_get(0)).transpose()?)
        })
    }

    async fn rotate_server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let fresh: [u8; 32] = rand::random();
        bounded!(self.pool, |client| {
            client
                .execute(
                    "INSERT INTO server_keys (name, value) VALUES ($1, $2) \
                     ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    &[&name, &fresh.as_slice()],
                )
                .await?;
            Ok(fresh.to_vec())
        })
    }

    async fn reset(&self, partner: Option<&str>) -> Result<Removed, StoreError> {
        bounded!(self.pool, |client| state::reset(&mut client, partner).await)
    }

    async fn snapshot_page(
        &self,
        partner: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SnapshotRow>, StoreError> {
        bounded!(self.pool, |client| state::snapshot_page(&client, partner, after.unwrap_or_default(), limit).await)
    }

    /// Not bounded by the operation timeout: it lasts as long as the sender takes.
    async fn load(&self, partner: Option<&str>, replace: bool, rows: RestoreRows) -> Result<Restored, StoreError> {
        state::load(&mut self.pool.get().await?, partner, replace, rows).await
    }

    async fn partner_items(&self, partner: Option<&str>) -> Result<Vec<crate::PartnerItems>, StoreError> {
        bounded!(self.pool, |client| items::partner_level(&client, partner).await)
    }

    async fn items(&self, partner: &str, customer_id: &str, kind: &str) -> Result<Vec<AccountItem>, StoreError> {
        bounded!(self.pool, |client| items::list(&client, partner, customer_id, kind).await)
    }

    async fn put_item(&self, partner: &str, item: AccountItem) -> Result<(), StoreError> {
        bounded!(self.pool, |client| items::put(&client, partner, &item).await)
    }

    async fn list_users(&self, partner: &str, customer: &str, query: &UserQuery) -> Result<Option<Page>, StoreError> {
        bounded!(self.pool, |client| users::page(&client, partner, customer, query).await)
    }

    async fn get_user(
        &self,
        partner: &str,
        customer: &str,
        id: &str,
        purge_before: i64,
    ) -> Result<UserLookup, StoreError> {
        bounded!(self.pool, |client| users::get(&client, partner, customer, id, purge_before).await)
    }

    async fn customer_skus(&self, partner: &str, customer: &str) -> Result<Option<Vec<SkuUnits>>, StoreError> {
        bounded!(self.pool, |client| users::skus(&client, partner, customer).await)
    }
}
