//! Customer storage for partnerd.
//!
//! [`Store::open`] opens a database (SQLite file, in-memory SQLite, or PostgreSQL). An opened
//! [`Store`] does nothing itself: it hands out capabilities, each a handle that can do one
//! part's work and nothing more, so that what a part of the server may do is a matter of which
//! handles it was given, not of a convention:
//!
//! - [`PartnerStore`]: one partner's customers; every query it can make is filtered by that
//!   partner. Made by [`PartnerStores`], which the server's authentication alone holds.
//! - [`ControlStore`]: what acts on every partner (reset, snapshots, restore, seeding, the
//!   control plane's edits, the shared clock and key): the control plane's.
//! - [`ServiceStore`]: what the service needs for itself and no partner's data (its keys, the
//!   clock offset, the readiness probe, the idempotency purge).
//! - [`OfflineStore`]: the operator's, for commands that work on the database directly
//!   (seed, import, state export and import) and for tests.
//!
//! An opened `Store` offers none of these operations itself, only the handles that do:
//!
//! ```compile_fail
//! async fn reset(store: &partnerd_store::Store) {
//!     store.reset(None).await.unwrap();
//! }
//! ```
//!
//! ```no_run
//! async fn reset(store: &partnerd_store::Store) {
//!     store.control().reset(None).await.unwrap();
//! }
//! ```
//!
//! The databases themselves (the `Backend` trait, whose methods take any partner, and its
//! SQLite and PostgreSQL implementations) are private to this crate, so no handle can be
//! side-stepped:
//!
//! ```compile_fail
//! use partnerd_store::Backend;
//! ```
//!
//! ```compile_fail
//! use partnerd_store::sqlite::SqliteBackend;
//! ```
//!
//! ```compile_fail
//! use partnerd_store::postgres::connect;
//! ```
//!
//! Lists are keyset-paged over a total order (sort key, id), which is what makes a walk
//! stable while customers are created and deleted.

mod account;
mod backend;
mod control;
pub mod directory_snapshot;
mod error;
mod list_sql;
mod offline;
mod page;
mod partner;
mod postgres;
mod record;
mod schema;
mod service;
pub mod snapshot;
mod sqlite;
mod timing;
mod users;
mod wire_record;

use std::sync::Arc;

pub use account::{AccountItem, ItemKind, Spend};
pub use backend::{
    Applied, Idempotency, KeptResponse, Mutation, PartnerItems, Removed, Restore, RestoreRow, RestoreRows, Restored,
    SnapshotRow, StoredCustomer,
};
pub use control::ControlStore;
pub use error::{Conflict, StoreError};
pub use offline::OfflineStore;
pub use page::{prefix_range, ListQuery, Page, Position, Row, Seek, SortField};
pub use partner::{PartnerStore, PartnerStores};
pub use record::{now_secs, CustomerRecord};
pub use schema::{inspect, SchemaStatus};
pub use service::ServiceStore;
pub use users::{Refusal, SkuUnits, StoredUser, UserChange, UserLookup, UserQuery, UserRecord};
pub use wire_record::record_from_wire;

use backend::Backend;

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

/// An opened database, from which the capabilities are handed out; cheap to clone. Whoever
/// holds one may do anything with the database, so the server keeps none: it divides the
/// capabilities among its parts when its state is built.
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

    /// The maker of partner-scoped handles, for the one part of a server that knows who a
    /// request speaks for (its authentication).
    pub fn partners(&self) -> PartnerStores {
        PartnerStores::new(self.backend.clone())
    }

    /// The control plane's handle.
    pub fn control(&self) -> ControlStore {
        ControlStore::new(self.backend.clone())
    }

    /// The service's own handle (keys, clock offset, readiness, purging).
    pub fn service(&self) -> ServiceStore {
        ServiceStore::new(self.backend.clone())
    }

    /// The operator's handle, for commands that work on the database directly.
    pub fn offline(&self) -> OfflineStore {
        OfflineStore::new(self.backend.clone())
    }
}
