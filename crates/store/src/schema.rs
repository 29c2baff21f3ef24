//! What a database holds, read without changing it: whether it exists, which migrations it
//! has, and whether it has customers. `partnerd doctor` reports this before `serve` would
//! create, migrate or seed anything.

use std::time::Duration;

use crate::{Location, StoreError};

/// The state of a database as found, before any migration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SchemaStatus {
    /// Nothing there yet (an SQLite file that does not exist, or an in-memory database):
    /// opening it creates it at the current schema.
    New,
    /// An existing database.
    Existing {
        /// The migration versions it has applied.
        applied: Vec<i64>,
        /// The migration versions this build knows; those not applied are pending.
        known: Vec<i64>,
        /// Whether it holds any customer (`serve` seeds demo data only into an empty one).
        has_customers: bool,
    },
}

impl SchemaStatus {
    /// Migrations this build would apply.
    pub fn pending(&self) -> Vec<i64> {
        match self {
            SchemaStatus::New => Vec::new(),
            SchemaStatus::Existing { applied, known, .. } => {
                known.iter().filter(|v| !applied.contains(v)).copied().collect()
            }
        }
    }

    /// Migrations the database has that this build does not know (a newer partnerd migrated it).
    pub fn unknown(&self) -> Vec<i64> {
        match self {
            SchemaStatus::New => Vec::new(),
            SchemaStatus::Existing { applied, known, .. } => {
                applied.iter().filter(|v| !known.contains(v)).copied().collect()
            }
        }
    }
}

/// How long connecting to PostgreSQL may take before it counts as unreachable.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Inspects the database at `location` read-only: creates nothing, migrates nothing.
pub async fn inspect(location: &Location) -> Result<SchemaStatus, StoreError> {
    match location {
        Location::Memory => Ok(SchemaStatus::New),
        Location::SqliteFile(path) if !path.exists() => Ok(SchemaStatus::New),
        Location::SqliteFile(path) => {
            let path = path.clone();
            tokio::task::spawn_blocking(move || inspect_sqlite(&path))
                .await
                .map_err(|e| StoreError::Internal(e.to_string()))?
        }
        Location::Postgres { url, .. } => inspect_postgres(url).await,
    }
}

fn inspect_sqlite(path: &std::path::Path) -> Result<SchemaStatus, StoreError> {
    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
    let has_table = |name: &str| -> rusqlite::Result<bool> {
        conn.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1")?.exists([name])
    };
    let applied = if has_table("schema_migrations")? {
        let mut stmt = conn.prepare("SELECT version FROM schema_migrations ORDER BY version")?;
        let versions = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
        versions
    } else {
        Vec::new()
    };
    let has_customers = has_table("customers")? && conn.prepare("SELECT 1 FROM customers LIMIT 1")?.exists([])?;
    Ok(SchemaStatus::Existing { applied, known: crate::sqlite::migration_versions(), has_customers })
}

async fn inspect_postgres(url: &str) -> Result<SchemaStatus, StoreError> {
    let connecting = tokio_postgres::connect(url, tokio_postgres::NoTls);
    let (client, connection) = tokio::time::timeout(CONNECT_TIMEOUT, connecting)
        .await
        .map_err(|_| StoreError::Unavailable(format!("no answer within {CONNECT_TIMEOUT:?}")))?
        // Through `From`, which keeps the server's reason ("database \"x\" does not exist").
        .map_err(StoreError::from)?;
    let driver = tokio::spawn(connection);
    let exists = |table: &'static str| {
        let client = &client;
        async move {
            let row = client.query_one("SELECT to_regclass($1) IS NOT NULL", &[&table]).await?;
            Ok::<bool, StoreError>(row.try_get(0)?)
        }
    };
    let applied = if exists("schema_migrations").await? {
        let rows = client.query("SELECT version FROM schema_migrations ORDER BY version", &[]).await?;
        rows.iter().map(|r| r.try_get(0)).collect::<Result<Vec<i64>, _>>()?
    } else {
        Vec::new()
    };
    let has_customers =
        exists("customers").await? && client.query_opt("SELECT 1 FROM customers LIMIT 1", &[]).await?.is_some();
    drop(client);
    driver.abort();
    Ok(SchemaStatus::Existing { applied, known: crate::postgres::migration_versions(), has_customers })
}
