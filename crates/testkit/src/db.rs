//! Fresh databases for one test each.

use partnerd_store::{Location, Store};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
}

/// A database that exists for the life of this value.
pub struct TestDb {
    pub kind: Kind,
    pub location: Location,
    _dir: Option<tempfile::TempDir>,
    _pg: Option<crate::postgres::DropDatabase>,
}

impl TestDb {
    /// A fresh database of `kind`; `None` when PostgreSQL is unavailable and not required.
    pub async fn new(kind: Kind) -> Option<TestDb> {
        match kind {
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let location = Location::SqliteFile(dir.path().join("partnerd.db"));
                Some(TestDb { kind, location, _dir: Some(dir), _pg: None })
            }
            Kind::Postgres => {
                let (url, guard) = crate::postgres::fresh_database().await?;
                Some(TestDb { kind, location: Location::Postgres { url, pool_size: 8 }, _dir: None, _pg: Some(guard) })
            }
        }
    }

    /// Opens (and migrates) the database.
    pub async fn open(&self) -> Store {
        Store::open(&self.location).await.expect("open test database")
    }

    /// The flags that point a `partnerd` process at this database.
    pub fn cli_args(&self) -> Vec<String> {
        match &self.location {
            Location::SqliteFile(path) => vec!["--db".into(), path.display().to_string()],
            Location::Postgres { url, .. } => vec!["--database-url".into(), url.clone()],
            Location::Memory => vec!["--memory".into()],
        }
    }
}
