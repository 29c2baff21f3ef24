//! Connections to PostgreSQL: a bounded pool in which every wait is bounded too, so a database
//! that is down, restarting or unreachable makes operations fail with
//! [`StoreError::Unavailable`] (the server's 503 + `Retry-After`) instead of hanging, and
//! the pool heals by itself once the database is back.

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool as DeadPool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use crate::StoreError;

/// How long opening a connection may take (TCP, startup, authentication).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request waits for a free pooled connection before giving up with 503.
const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long one request-path operation may use its connection. Past it the connection is
/// closed rather than returned, since it may be stuck on a frozen server or network.
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(15);
/// Idle connections are probed this often, so one silently cut by the network is noticed.
const KEEPALIVE_IDLE: Duration = Duration::from_secs(30);

/// Settings of every session, after any `options` the URL gives. partnerd's statements are
/// short index walks and lookups prepared once per connection, so:
/// - a cached statement keeps its generic plan (PostgreSQL's default re-plans a statement with
///   its values at every execution whenever that plan looks cheaper, as the keyset page
///   always does: planning was 30% of the backend's time for a page, bench/README.md, "Fourth
///   session"); `plan_tests.rs` checks every list query's generic plan;
/// - no JIT: it compiled the customer-limit count on every create once a partner had a million
///   customers, and a generic plan's estimate can cross its threshold by itself.
const SESSION_SETTINGS: &str = "-c plan_cache_mode=force_generic_plan -c jit=off";

/// A pooled connection.
pub type Client = Object;

#[derive(Clone)]
pub struct Pool(DeadPool);

impl Pool {
    /// A pool of at most `size` connections to `url`; connections open on first use.
    pub fn new(url: &str, size: usize) -> Result<Pool, StoreError> {
        let mut config: tokio_postgres::Config =
            url.parse().map_err(|e| StoreError::Internal(format!("invalid PostgreSQL URL: {e}")))?;
        config.connect_timeout(CONNECT_TIMEOUT).keepalives(true).keepalives_idle(KEEPALIVE_IDLE);
        if config.get_application_name().is_none() {
            config.application_name("partnerd");
        }
        let options = match config.get_options() {
            Some(given) => format!("{given} {SESSION_SETTINGS}"),
            None => SESSION_SETTINGS.to_string(),
        };
        config.options(&options);
        // Fast recycling checks only that the connection is not closed: a connection the
        // server terminated is closed by the time it comes back, and is replaced.
        let manager = Manager::from_config(config, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
        let pool = DeadPool::builder(manager)
            .max_size(size.max(1))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CHECKOUT_TIMEOUT))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .recycle_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| StoreError::Internal(format!("building the connection pool: {e}")))?;
        Ok(Pool(pool))
    }

    /// Checks a connection out, waiting at most the checkout (and connect) timeout.
    pub async fn get(&self) -> Result<Client, StoreError> {
        let client = self.0.get().await;
        record_status(&self.0.status());
        Ok(client?)
    }
}

/// Pool use for `/metrics`, sampled at each checkout.
fn record_status(status: &deadpool_postgres::Status) {
    let gauge = |state: &'static str, value: usize| {
        metrics::gauge!("partnerd_store_pool_connections", "state" => state).set(value as f64);
    };
    gauge("size", status.size);
    gauge("available", status.available);
    gauge("waiting", status.waiting);
    gauge("max", status.max_size);
}

/// `bounded!(pool, |client| work)`: checks a connection out of `pool` and evaluates `work`
/// (an expression using `client` and yielding `Result<T, StoreError>`, `.await`s allowed) for
/// at most [`OPERATION_TIMEOUT`]. A macro rather than a function taking a closure because the
/// work borrows both the connection and the caller's arguments.
macro_rules! bounded {
    ($pool:expr, |$client:ident| $work:expr) => {{
        #[allow(unused_mut)]
        let mut $client = $pool.get().await?;
        let outcome = tokio::time::timeout($crate::postgres::pool::OPERATION_TIMEOUT, async { $work }).await;
        $crate::postgres::pool::settle($client, outcome)
    }};
}
pub(crate) use bounded;

/// The result of a bounded operation. A connection that timed out is taken out of the pool
/// and closed: whatever it waited for may never come, and its transaction must not stay open.
pub fn settle<T>(
    client: Client,
    outcome: Result<Result<T, StoreError>, tokio::time::error::Elapsed>,
) -> Result<T, StoreError> {
    outcome.unwrap_or_else(|_| {
        drop(Object::take(client));
        Err(StoreError::Unavailable(format!("no answer from PostgreSQL within {OPERATION_TIMEOUT:?}")))
    })
}
