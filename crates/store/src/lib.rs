//! Customer storage for partnerd.
//!
//! [`Store`] opens a database (SQLite file, in-memory SQLite, or PostgreSQL) and hands out
//! [`PartnerStore`] handles, each bound to one partner: every query a handle can make is
//! filtered by that partner, so a handler holding one cannot reach another partner's rows.
//! Lists are keyset-paged over a total order (sort key, id), which is what makes a walk
//! stable while customers are created and deleted.

mod account;
mod backend;
pub mod directory_snapshot;
mod error;
mod list_sql;
mod page;
mod partner;
pub mod postgres;
mod record;
mod schema;
pub mod snapshot;
pub mod sqlite;
mod timing;
mod users;
mod wire_record;

use std::sync::Arc;

pub use account::{AccountItem, ItemKind, Spend};
pub use backend::{
    Applied, Backend, Idempotency, KeptResponse, Mutation, PartnerItems, Removed, Restore, RestoreRow, RestoreRows,
    Restored, SnapshotRow, StoredCustomer,
};
pub use error::{Conflict, StoreError};
pub use page::{prefix_range, ListQuery, Page, Position, Row, Seek, SortField};
pub use partner::PartnerStore;
pub use record::{now_secs, CustomerRecord};
pub use schema::{inspect, SchemaStatus};
pub use users::{Refusal, SkuUnits, StoredUser, UserChange, UserLookup, UserQuery, UserRecord};
pub use wire_record::record_from_wire;

use partnerd_model::PartnerId;

/// Where the data lives, as given on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Location {
    /// An SQLite database file, created when missing.
    SqliteFile(std::path::PathBuf),
    /// A private in-memory SQLite database, gone when the process ends.
    Memory,
    /// A PostgreSQL connection URL, with the pool size.
    Postgres { url: String, pool_size: usize },
}

/// A handle on the database shared by every request; cheap to clone.
#[derive(Clone)]
pub struct Store {
    backend: Arc<dyn Backend>,
}

impl Store {
    /// Opens (creating and migrating as needed) the database at `location`.
    pub async fn open(location: &Location) -> Result<Store, StoreError> {
        let backend: Arc<dyn Backend> = match location {
            Location::SqliteFile(path) => Arc::new(sqlite::SqliteBackend::open_file(path).await?),
            Location::Memory => Arc::new(sqlite::SqliteBackend::open_memory().await?),
            Location::Postgres { url, pool_size } => postgres::connect(url, *pool_size).await?,
        };
        Ok(Store { backend })
    }

    /// Wraps a backend directly (tests and tools that built one themselves).
    pub fn from_backend(backend: Arc<dyn Backend>) -> Store {
        Store { backend }
    }

    /// The handle for one partner, taking the caller's word that it speaks for `partner`:
    /// the name says that nothing here checked. The server reaches it only through its
    /// `VerifiedPartner` (made by its authentication layer alone); the CLI's offline commands
    /// (seed, import, the demo data) and tests call it directly.
    pub fn for_partner_unchecked(&self, partner: &PartnerId) -> PartnerStore {
        PartnerStore::new(self.backend.clone(), partner.clone())
    }

    /// A named secret shared by every instance on this database, created on first use.
    pub async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        self.backend.server_key(name).await
    }

    /// Whether any partner's customer has this domain (compared case-insensitively).
    pub async fn domain_exists(&self, domain: &str) -> Result<bool, StoreError> {
        self.backend.domain_exists(&partnerd_model::filter::fold_key(domain)).await
    }

    /// Whether the database holds no customer at all (decides demo seeding).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        self.backend.is_empty().await
    }
}

impl Store {
    /// Forgets idempotency records kept before `before` (Unix seconds); returns how many went.
    pub async fn purge_idempotency(&self, before: i64) -> Result<u64, StoreError> {
        self.backend.purge_idempotency(before).await
    }

    /// The clock offset (seconds) every instance on this database applies; 0 until set.
    pub async fn clock_offset(&self) -> Result<i64, StoreError> {
        Ok(self.backend.setting(CLOCK_OFFSET).await?.unwrap_or(0))
    }

    pub async fn set_clock_offset(&self, seconds: i64) -> Result<(), StoreError> {
        self.backend.put_setting(CLOCK_OFFSET, seconds).await
    }

    /// The named secret as stored now (another instance may have replaced it).
    pub async fn read_server_key(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.read_server_key(name).await
    }

    /// Replaces the named secret with fresh random bytes; returns them.
    pub async fn rotate_server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        self.backend.rotate_server_key(name).await
    }

    /// Deletes the customers and kept responses of `partner`, or of everybody.
    pub async fn reset(&self, partner: Option<&PartnerId>) -> Result<Removed, StoreError> {
        self.backend.reset(partner.map(PartnerId::as_str)).await
    }

    /// One page of a snapshot: customers (of `partner`, or all) after id `after`, in id order.
    pub async fn snapshot_page(
        &self,
        partner: Option<&PartnerId>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SnapshotRow>, StoreError> {
        self.backend.snapshot_page(partner.map(PartnerId::as_str), after, limit).await
    }

    /// The partners' own items (of `partner`, or of all), what a snapshot writes first.
    pub async fn partner_items(&self, partner: Option<&PartnerId>) -> Result<Vec<PartnerItems>, StoreError> {
        self.backend.partner_items(partner.map(PartnerId::as_str)).await
    }

    /// Replaces the customers of `partner` (or all) with the rows received; see [`Backend::load`].
    pub async fn restore(&self, partner: Option<&PartnerId>, rows: RestoreRows) -> Result<Restored, StoreError> {
        self.backend.load(partner.map(PartnerId::as_str), true, rows).await
    }

    /// Adds the rows received in one transaction: all of them, or (on a taken id or domain)
    /// none; see [`Backend::load`].
    pub async fn add_all(&self, rows: RestoreRows) -> Result<Restored, StoreError> {
        self.backend.load(None, false, rows).await
    }
}

/// The `settings` row holding the clock offset.
const CLOCK_OFFSET: &str = "clock_offset_seconds";
