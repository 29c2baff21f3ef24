//! Test support shared by the crates' integration tests: a fresh database of either kind,
//! and a real partnerd server on 127.0.0.1:0 over it.
//!
//! PostgreSQL tests use `PARTNERD_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) to create a fresh database per test and drop
//! it afterwards. When no server answers they report themselves skipped, unless
//! `PARTNERD_REQUIRE_POSTGRES=1` (as `.ci/run` sets) makes that a failure.

mod app;
mod db;
pub mod fixtures;
pub mod postgres;
pub mod process;
pub mod production;
pub mod proxy;
pub mod skip;
pub mod walk;

pub use app::{new_partner, token, TestApp};
pub use db::{Kind, TestDb};

/// Defines one test per store kind (`sqlite` and `postgres`) from one async body taking a
/// [`TestDb`]; the PostgreSQL one returns early, saying so, when PostgreSQL is unavailable.
#[macro_export]
macro_rules! store_test {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                let $db = $crate::TestDb::new($crate::Kind::Sqlite).await.expect("sqlite is always available");
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                let Some($db) = $crate::TestDb::new($crate::Kind::Postgres).await else { return };
                $body
            }
        }
    };
}
