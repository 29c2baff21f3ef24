//! Schema migrations for PostgreSQL, applied in order at start-up and recorded in
//! `schema_migrations`. Several instances may start at once: each migrates inside one
//! transaction holding an advisory lock, so one applies the missing steps and the others,
//! once it commits, find nothing left to do.

use super::pool::Client;
use crate::StoreError;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/postgres/0001_customers.sql")),
    (2, include_str!("../../migrations/postgres/0002_settings.sql")),
    (3, include_str!("../../migrations/postgres/0003_users.sql")),
    (4, include_str!("../../migrations/postgres/0004_customer_accounts.sql")),
];

/// The advisory lock key that serialises migrations: "partnerd" in ASCII.
const MIGRATION_LOCK: i64 = 0x7061_7274_6e65_7264;

/// The versions this build knows, in order.
pub fn versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|(v, _)| *v).collect()
}

/// Applies the missing migrations; returns the versions it applied.
pub async fn apply(client: &mut Client) -> Result<Vec<i64>, StoreError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).await?;
    // Checked first rather than CREATE TABLE IF NOT EXISTS, which needs the CREATE privilege
    // even when the table exists: instances may run with a role that can only read and write.
    let tracked: bool = tx.query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[]).await?.try_get(0)?;
    if !tracked {
        tx.batch_execute(
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
        )
        .await?;
    }
    let mut applied = Vec::new();
    for (version, sql) in MIGRATIONS {
        let done = tx.query_opt("SELECT 1 FROM schema_migrations WHERE version = $1", &[version]).await?.is_some();
        if !done {
            tx.batch_execute(sql).await?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[version]).await?;
            applied.push(*version);
        }
    }
    tx.commit().await?;
    Ok(applied)
}
