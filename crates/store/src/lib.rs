//! Customer storage for partnerd.
//!
//! [`Store`] opens a database (SQLite file, in-memory SQLite, or PostgreSQL) and hands out
//! [`PartnerStore`] handles, each bound to one partner: every query a handle can make is
//! filtered by that partner, so a handler holding one cannot reach another partner's rows.
//! Lists are keyset-paged over a total order (sort key, id), which is what makes a walk
//! stable while customers are created and deleted.

mod backend;
mod error;
mod list_sql;
mod page;
mod partner;
pub mod postgres;
mod record;
mod schema;
pub mod sqlite;

use std::sync::Arc;

pub use backend::{Applied, Backend, Idempotency, KeptResponse, Mutation, StoredCustomer};
pub use error::StoreError;
pub use page::{prefix_range, ListQuery, Page, Position, Row, Seek, SortField};
pub use partner::PartnerStore;
pub use record::{now_secs, CustomerRecord};
pub use schema::{inspect, SchemaStatus};

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

    /// The handle for one partner. Callers pass only a partner they have authenticated.
    pub fn for_partner(&self, partner: &PartnerId) -> PartnerStore {
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
    /// Forgets idempotency records older than `max_age_secs`; returns how many went.
    pub async fn purge_idempotency(&self, max_age_secs: i64) -> Result<u64, StoreError> {
        self.backend.purge_idempotency(now_secs() - max_age_secs).await
    }
}
