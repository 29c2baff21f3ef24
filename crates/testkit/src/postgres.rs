//! Fresh PostgreSQL databases, one per test, dropped when the test ends.
//!
//! The server comes from `PARTNERD_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), whose user must be allowed to create
//! databases. Unreachable, the tests report themselves skipped, unless
//! `PARTNERD_REQUIRE_POSTGRES=1` makes that a failure.

use std::time::Duration;

const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Drops the database when the test ends.
pub struct DropDatabase {
    admin_url: String,
    name: String,
}

/// The admin URL the tests use.
pub fn admin_url() -> String {
    std::env::var("PARTNERD_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_string())
}

/// Creates `partnerd_test_<uuid>` and returns its URL with the guard that drops it; `None`
/// (the test skipped, see [`crate::skip`]) when PostgreSQL is unreachable and not required.
pub async fn fresh_database() -> Option<(String, DropDatabase)> {
    let admin_url = admin_url();
    let admin = match connect(&admin_url).await {
        Ok(client) => client,
        Err(e) => {
            let why = std::error::Error::source(&e).map_or(e.to_string(), |cause| format!("{e}: {cause}"));
            crate::skip::skip("POSTGRES", &format!("PostgreSQL is not reachable at {admin_url}: {why}"));
            return None;
        }
    };
    let name = format!("partnerd_test_{}", uuid::Uuid::new_v4().simple());
    admin.batch_execute(&format!("CREATE DATABASE {name}")).await.expect("creating a test database");
    Some((with_database(&admin_url, &name), DropDatabase { admin_url, name }))
}

/// A client on `url`, its connection driven by a background task.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let mut config: tokio_postgres::Config = url.parse()?;
    config.connect_timeout(Duration::from_secs(5));
    let (client, connection) = config.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(connection);
    Ok(client)
}

/// `url` with its database name replaced by `name` (URL form, query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let root = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{root}/{name}?{query}"),
        None => format!("{root}/{name}"),
    }
}

impl Drop for DropDatabase {
    /// Drop is synchronous and may run inside a runtime, so the drop runs on its own thread
    /// with its own runtime; waiting for it means the database is gone when the test ends.
    /// `WITH (FORCE)` ends the connections that servers of the test still hold.
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        let shown = name.clone();
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                let admin = connect(&admin_url).await?;
                admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("warning: could not drop the test database {shown}: {dropped:?}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::with_database;

    #[test]
    fn replaces_the_database_name() {
        assert_eq!(with_database("postgres://u@h:5/postgres", "t"), "postgres://u@h:5/t");
        assert_eq!(with_database("postgres://u@h/postgres?sslmode=disable", "t"), "postgres://u@h/t?sslmode=disable");
        assert_eq!(with_database("postgresql://h", "t"), "postgresql://h/t");
    }
}
