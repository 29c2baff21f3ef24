//! Schema migrations for SQLite, applied in order and recorded in `schema_migrations`.

use rusqlite::Connection;

const MIGRATIONS: &[(i64, &str)] = &[
    (1, include_str!("../../migrations/sqlite/0001_customers.sql")),
    (2, include_str!("../../migrations/sqlite/0002_settings.sql")),
    (3, include_str!("../../migrations/sqlite/0003_users.sql")),
    (4, include_str!("../../migrations/sqlite/0004_customer_accounts.sql")),
];

/// The versions this build knows, in order.
pub fn versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|(v, _)| *v).collect()
}

pub fn apply(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY)")?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    for (version, sql) in MIGRATIONS {
        let done: bool = tx.prepare("SELECT 1 FROM schema_migrations WHERE version = ?1")?.exists([version])?;
        if !done {
            tx.execute_batch(sql)?;
            tx.execute("INSERT INTO schema_migrations (version) VALUES (?1)", [version])?;
        }
    }
    tx.commit()
}
