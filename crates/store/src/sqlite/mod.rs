//! The embedded SQLite store: a file in WAL mode (or a private in-memory database), a pool of
//! reader connections and one writer connection, all used from blocking threads.

mod conflict;
mod items;
mod list;
mod migrate;
mod mutate;
mod pool;
mod state;
mod users;
mod writer;

use std::path::Path;

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension};

use crate::{
    AccountItem, Applied, Backend, CustomerRecord, Idempotency, ListQuery, Mutation, Page, Removed, RestoreRows,
    Restored, SkuUnits, SnapshotRow, StoreError, StoredCustomer, UserLookup, UserQuery,
};
use pool::Pool;

pub(crate) use conflict::conflict;
pub(crate) use migrate::versions as migration_versions;

pub(crate) struct SqliteBackend {
    pool: Pool,
}

impl SqliteBackend {
    /// Opens (creating and migrating) the database file at `path`.
    pub(crate) async fn open_file(path: &Path) -> Result<Self, StoreError> {
        let uri = path.to_string_lossy().into_owned();
        Self::open(Pool::file(uri)).await
    }

    /// A fresh, private in-memory database, shared by this process's connections.
    pub(crate) async fn open_memory() -> Result<Self, StoreError> {
        Self::open(Pool::memory(uuid::Uuid::new_v4())).await
    }

    async fn open(pool: Result<Pool, rusqlite::Error>) -> Result<Self, StoreError> {
        let pool = pool?;
        pool.write(migrate::apply).await?;
        Ok(SqliteBackend { pool })
    }
}

#[async_trait]
impl Backend for SqliteBackend {
    async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let name = name.to_string();
        self.pool
            .write(move |conn| {
                let fresh: [u8; 32] = rand::random();
                conn.execute(
                    "INSERT INTO server_keys (name, value) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                    params![name, fresh.to_vec()],
                )?;
                conn.query_row("SELECT value FROM server_keys WHERE name = ?1", [name], |r| r.get(0))
            })
            .await
    }

    async fn domain_exists(&self, domain_key: &str) -> Result<bool, StoreError> {
        let key = domain_key.to_string();
        self.pool
            .read(move |conn| {
                let mut stmt = conn.prepare_cached("SELECT 1 FROM customers WHERE domain_key = ?1")?;
                stmt.exists([key])
            })
            .await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        self.pool.read(|conn| conn.prepare_cached("SELECT 1 FROM customers LIMIT 1")?.exists([]).map(|e| !e)).await
    }

    async fn list(&self, partner: &str, query: &ListQuery) -> Result<Page, StoreError> {
        let (partner, query) = (partner.to_string(), query.clone());
        self.pool.read(move |conn| list::page(conn, &partner, &query)).await
    }

    async fn version(&self) -> Result<Option<u64>, StoreError> {
        self.pool.data_version().map(Some)
    }

    async fn get(&self, partner: &str, id: &str) -> Result<Option<StoredCustomer>, StoreError> {
        let (partner, id) = (partner.to_string(), id.to_string());
        self.pool
            .read(move |conn| {
                let mut stmt =
                    conn.prepare_cached("SELECT doc, etag FROM customers WHERE id = ?1 AND partner_id = ?2")?;
                stmt.query_row([id, partner], |r| Ok(StoredCustomer { doc: r.get(0)?, etag: r.get(1)? })).optional()
            })
            .await
    }

    async fn apply(&self, partner: &str, mutation: Mutation, idem: Option<Idempotency>) -> Result<Applied, StoreError> {
        let partner = partner.to_string();
        self.pool.write_grouped(move |conn| mutate::apply(conn, &partner, &mutation, idem.as_ref())).await
    }

    async fn insert_many(
        &self,
        partner: &str,
        records: Vec<CustomerRecord>,
        atomic: bool,
    ) -> Result<Vec<usize>, StoreError> {
        let partner = partner.to_string();
        self.pool
            .write(move |conn| {
                if records.len() >= BULK_BATCH {
                    // Bulk loads (seed, import) touch every index at random places: a large
                    // page cache keeps those pages in memory from batch to batch, and rarer
                    // checkpoints copy each often-changed index page from the WAL once instead
                    // of after every batch. Set once and kept: the loading process is the
                    // writer's only user.
                    conn.pragma_update(None, "cache_size", BULK_CACHE_KIB)?;
                    conn.pragma_update(None, "wal_autocheckpoint", BULK_CHECKPOINT_PAGES)?;
                }
                insert_batch(conn, &partner, &records, atomic)
            })
            .await
    }

    async fn purge_idempotency(&self, before: i64) -> Result<u64, StoreError> {
        self.pool
            .write(move |conn| {
                conn.execute("DELETE FROM idempotency WHERE created_at < ?1", [before]).map(|n| n as u64)
            })
            .await
    }

    async fn setting(&self, name: &str) -> Result<Option<i64>, StoreError> {
        let name = name.to_string();
        self.pool.read(move |conn| state::setting(conn, &name)).await
    }

    async fn put_setting(&self, name: &str, value: i64) -> Result<(), StoreError> {
        let name = name.to_string();
        self.pool.write(move |conn| state::put_setting(conn, &name, value)).await
    }

    async fn read_server_key(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        let name = name.to_string();
        self.pool.read(move |conn| state::read_server_key(conn, &name)).await
    }

    async fn rotate_server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        let name = name.to_string();
        self.pool.write(move |conn| state::rotate_server_key(conn, &name)).await
    }

    async fn reset(&self, partner: Option<&str>) -> Result<Removed, StoreError> {
        let partner = partner.map(str::to_string);
        self.pool.write(move |conn| state::reset(conn, partner.as_deref())).await
    }

    async fn snapshot_page(
        &self,
        partner: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SnapshotRow>, StoreError> {
        let (partner, after) = (partner.map(str::to_string), after.unwrap_or_default().to_string());
        self.pool.read(move |conn| state::snapshot_page(conn, partner.as_deref(), &after, limit)).await
    }

    async fn load(&self, partner: Option<&str>, replace: bool, rows: RestoreRows) -> Result<Restored, StoreError> {
        let partner = partner.map(str::to_string);
        self.pool.write(move |conn| state::load(conn, partner.as_deref(), replace, rows)).await
    }

    async fn partner_items(&self, partner: Option<&str>) -> Result<Vec<crate::PartnerItems>, StoreError> {
        let partner = partner.map(str::to_string);
        self.pool.read(move |conn| items::partner_level(conn, partner.as_deref())).await
    }

    async fn items(&self, partner: &str, customer_id: &str, kind: &str) -> Result<Vec<AccountItem>, StoreError> {
        let (partner, customer_id, kind) = (partner.to_string(), customer_id.to_string(), kind.to_string());
        self.pool.read(move |conn| items::list(conn, &partner, &customer_id, &kind)).await
    }

    async fn put_item(&self, partner: &str, item: AccountItem) -> Result<(), StoreError> {
        let partner = partner.to_string();
        self.pool.write(move |conn| items::put(conn, &partner, &item)).await
    }

    async fn list_users(&self, partner: &str, customer: &str, query: &UserQuery) -> Result<Option<Page>, StoreError> {
        let (partner, customer, query) = (partner.to_string(), customer.to_string(), query.clone());
        self.pool.read(move |conn| users::page(conn, &partner, &customer, &query)).await
    }

    async fn get_user(
        &self,
        partner: &str,
        customer: &str,
        id: &str,
        purge_before: i64,
    ) -> Result<UserLookup, StoreError> {
        let (partner, customer, id) = (partner.to_string(), customer.to_string(), id.to_string());
        self.pool.read(move |conn| users::get(conn, &partner, &customer, &id, purge_before)).await
    }

    async fn customer_skus(&self, partner: &str, customer: &str) -> Result<Option<Vec<SkuUnits>>, StoreError> {
        let (partner, customer) = (partner.to_string(), customer.to_string());
        self.pool.read(move |conn| users::skus(conn, &partner, &customer)).await
    }
}

/// Batches at least this large are bulk loads.
const BULK_BATCH: usize = 5_000;
/// Page cache (negative: KiB) for bulk loads.
const BULK_CACHE_KIB: i64 = -262_144;
/// WAL pages between automatic checkpoints during bulk loads (the default is 1,000).
const BULK_CHECKPOINT_PAGES: i64 = 65_536;

fn insert_batch(
    conn: &mut rusqlite::Connection,
    partner: &str,
    records: &[CustomerRecord],
    atomic: bool,
) -> rusqlite::Result<Vec<usize>> {
    let tx = conn.transaction()?;
    let mut skipped = Vec::new();
    {
        let mut stmt = tx.prepare_cached(INSERT_CUSTOMER_OR_SKIP)?;
        for (i, r) in records.iter().enumerate() {
            if insert_record(&mut stmt, partner, r)? == 0 {
                skipped.push(i);
            }
        }
    }
    if !atomic || skipped.is_empty() {
        tx.commit()?;
    }
    Ok(skipped)
}

const INSERT_CUSTOMER_OR_SKIP: &str = "INSERT INTO customers \
    (id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT DO NOTHING";

const INSERT_CUSTOMER: &str = "INSERT INTO customers \
    (id, partner_id, name_key, domain_key, assoc_key, etag, doc, list_json, created_at) \
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

/// Runs an insert statement for one record (created now unless it says when); returns how
/// many rows it inserted.
fn insert_record(
    stmt: &mut rusqlite::CachedStatement<'_>,
    partner: &str,
    r: &CustomerRecord,
) -> rusqlite::Result<usize> {
    let created_at = r.created_at.unwrap_or_else(crate::now_secs);
    stmt.execute(params![r.id, partner, r.name_key, r.domain_key, r.assoc_key, r.etag, r.doc, r.list_json, created_at])
}

#[cfg(test)]
mod plan_tests;
