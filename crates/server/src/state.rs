//! What every request handler shares.

use std::sync::Arc;

use partnerd_store::{ServiceStore, Store, StoreError};

use crate::auth::{Partners, Verifier};
use crate::clock::Clock;
use crate::continuation::Sealer;
use crate::control::Traffic;
use crate::page_cache::PageCache;
use crate::rate_limit::RateLimiter;
use crate::shared::{Shared, TOKEN_KEY};
use crate::vault::Vault;
use crate::Config;

/// Shared, cheaply cloned application state. It holds no [`Store`], only capabilities: the
/// service's own handle, and two sealed ones that only their modules open (the maker of
/// partner handles, opened by authentication for a verified token; the control plane's
/// handle, opened when the control plane's router is built). So a Partner Center handler,
/// which gets this state, can reach customers only through its `VerifiedPartner`.
#[derive(Clone)]
pub struct AppState {
    pub(crate) partners: Partners,
    pub(crate) control: crate::control::SealedControl,
    pub(crate) service: ServiceStore,
    pub(crate) verifier: Arc<Verifier>,
    pub(crate) sealer: Arc<Sealer>,
    pub(crate) vault: Arc<Vault>,
    pub(crate) limiter: Option<Arc<RateLimiter>>,
    pub(crate) config: Arc<Config>,
    pub(crate) clock: Clock,
    pub(crate) shared: Arc<Shared>,
    pub(crate) traffic: Arc<Traffic>,
    /// Customer pages and customers kept between requests, while the store is unchanged.
    pub(crate) pages: Arc<PageCache>,
    /// The pass-through, when `--upstream`, `--record` or `--replay` configured one.
    pub(crate) upstream: Option<Arc<crate::upstream::Upstream>>,
}

impl AppState {
    /// Loads the shared secrets from the database (creating them on first start) and
    /// prepares token verification. The store is divided into the capabilities above and not
    /// kept.
    pub async fn new(store: Store, config: Config) -> Result<AppState, StateError> {
        config.check()?;
        let service = store.service();
        let key = service.server_key(TOKEN_KEY).await?;
        // One key, one cipher: tokens and kept responses are told apart by their purposes.
        let vault = Arc::new(Vault::new(&key));
        let clock = Clock::default();
        let shared = Shared::load(service.clone(), clock.clone(), vault.clone()).await?;
        let sealer = Sealer::new(vault.clone(), config.continuation_ttl, clock.clone());
        let verifier = Verifier::new(&config.auth).map_err(StateError::Auth)?;
        let traffic = Traffic::new(&config, &clock).map_err(StateError::JournalFile)?;
        let upstream = crate::upstream::Upstream::open(&config.upstream).map_err(StateError::Upstream)?.map(Arc::new);
        let pages = Arc::new(PageCache::new(config.page_cache_bytes));
        Ok(AppState {
            partners: Partners::new(store.partners()),
            control: crate::control::SealedControl::new(store.control()),
            service,
            verifier: Arc::new(verifier),
            sealer: Arc::new(sealer),
            vault,
            limiter: config.rate_limit_per_minute.map(|n| Arc::new(RateLimiter::new(n, config.rate_limit_window))),
            config: Arc::new(config),
            clock,
            shared: Arc::new(shared),
            traffic: Arc::new(traffic),
            pages,
            upstream,
        })
    }

    /// The server's clock, as `POST /_partnerd/clock` moves it: a test helper mints its
    /// development tokens from it, so they stay valid after time travel.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The time bearer tokens are checked against (Unix seconds): the server's clock, which
    /// time travel moves, for development tokens, so a test can let one expire; the real time
    /// for tokens of real keys, which a moved clock must never bring back to life.
    pub(crate) fn token_time(&self) -> i64 {
        match self.config.auth {
            crate::AuthConfig::Development => self.clock.unix_seconds(),
            crate::AuthConfig::Production { .. } => partnerd_store::now_secs(),
        }
    }

    /// Ends the live journal tails (`/_partnerd/requests/stream`), which would otherwise
    /// keep a graceful shutdown waiting for their clients forever.
    pub fn end_live_streams(&self) {
        self.traffic.stop();
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("authentication configuration: {0}")]
    Auth(String),
    #[error("opening the journal file: {0}")]
    JournalFile(std::io::Error),
    #[error("the upstream configuration: {0}")]
    Upstream(String),
    #[error(transparent)]
    Deployment(#[from] crate::config::DeploymentError),
}
