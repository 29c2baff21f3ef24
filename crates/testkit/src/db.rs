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

impl TestDb {
    /// The sealed response bodies kept for `partner`'s request ids, read straight from the
    /// database: what a test searches to show secrets are not kept in plain text.
    pub async fn kept_responses(&self, partner: &str) -> Vec<Vec<u8>> {
        let sql = "SELECT response FROM idempotency WHERE partner_id = $1";
        match &self.location {
            Location::SqliteFile(path) => {
                let conn = rusqlite::Connection::open(path).expect("open the test database");
                let mut stmt = conn.prepare(&sql.replace("$1", "?1")).expect("prepare");
                let rows = stmt.query_map([partner], |r| r.get::<_, Vec<u8>>(0)).expect("query");
                rows.map(|r| r.expect("row")).collect()
            }
            Location::Postgres { url, .. } => {
                let (client, conn) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
                tokio::spawn(conn);
                let rows = client.query(sql, &[&partner]).await.expect("query");
                rows.iter().map(|r| r.get::<_, Vec<u8>>(0)).collect()
            }
            Location::Memory => panic!("an in-memory database cannot be read from outside its process"),
        }
    }
}
