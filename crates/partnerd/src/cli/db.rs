//! The database flags shared by every command that opens one.

use std::path::PathBuf;

use clap::Args;
use partnerd_store::{Location, OfflineStore, Store};

#[derive(Args, Clone, Debug)]
pub struct DbArgs {
    /// SQLite database file (created when missing).
    #[arg(long, env = "PARTNERD_DB", default_value = "partnerd.db", conflicts_with_all = ["memory", "database_url"])]
    pub db: PathBuf,
    /// Keep everything in memory; gone when the process ends.
    #[arg(long, env = "PARTNERD_MEMORY", conflicts_with = "database_url")]
    pub memory: bool,
    /// PostgreSQL URL (postgres://user@host/db) instead of SQLite.
    #[arg(long, env = "PARTNERD_DATABASE_URL", value_parser = parse_database_url)]
    pub database_url: Option<String>,
    /// Connections in the PostgreSQL pool.
    #[arg(long, env = "PARTNERD_POOL_SIZE", default_value_t = 16)]
    pub pool_size: usize,
}

impl DbArgs {
    pub fn location(&self) -> Location {
        match (&self.database_url, self.memory) {
            (Some(url), _) => Location::Postgres { url: url.clone(), pool_size: self.pool_size },
            (None, true) => Location::Memory,
            (None, false) => Location::SqliteFile(self.db.clone()),
        }
    }

    /// Opens the store for `serve`, the one command whose in-memory store outlives its start.
    pub async fn open_for_serving(&self) -> anyhow::Result<Store> {
        Store::open(&self.location()).await.map_err(|e| anyhow::anyhow!("opening the database: {e}"))
    }

    /// Opens the store for a command that works on it and exits (seed, import, migrate, state),
    /// with the operator's handle. `--memory` is refused there: it would work on a store that is gone when the command
    /// ends, and say it succeeded, while a `serve --memory` next door stays untouched.
    pub async fn open(&self) -> anyhow::Result<OfflineStore> {
        if self.memory {
            anyhow::bail!(
                "--memory keeps nothing once this command ends; to change a running `partnerd serve --memory`, \
                 use `partnerd admin` against it (seed, snapshot load, snapshot save), or give --db FILE or --database-url URL"
            );
        }
        Ok(self.open_for_serving().await?.offline())
    }
}

/// A PostgreSQL URL, or libpq's `key=value` form. A URL of another scheme (`sqlite://`,
/// `http://`) is refused here, with the form wanted, rather than as "invalid connection string"
/// once the database is opened.
fn parse_database_url(s: &str) -> Result<String, String> {
    match s.split_once("://") {
        Some((scheme, _)) if !matches!(scheme, "postgres" | "postgresql") => Err(format!(
            "'{scheme}://' is not PostgreSQL: expected postgres://user[:password]@host[:port]/dbname \
             (for SQLite use --db FILE)"
        )),
        _ => Ok(s.to_string()),
    }
}

/// Parses a partner GUID argument.
pub fn parse_partner(s: &str) -> Result<partnerd_model::PartnerId, String> {
    partnerd_model::PartnerId::parse(s).ok_or_else(|| format!("'{s}' is not a GUID"))
}

#[cfg(test)]
mod tests {
    use super::parse_database_url;

    #[test]
    fn only_postgres_urls() {
        assert!(parse_database_url("postgres://postgres@127.0.0.1:5432/postgres").is_ok());
        assert!(parse_database_url("postgresql://u@h/db").is_ok());
        assert!(parse_database_url("host=127.0.0.1 user=postgres").is_ok());
        let refused = parse_database_url("sqlite://partnerd.db").unwrap_err();
        assert!(refused.contains("expected postgres://") && refused.contains("--db FILE"), "{refused}");
    }
}
