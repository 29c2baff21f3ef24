//! Server settings that are not about the database.

use std::path::PathBuf;
use std::time::Duration;

use crate::auth::AuthConfig;
use crate::FaultRule;

/// Whether this deployment is a sandbox (customers may be deleted) or production.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    #[default]
    Sandbox,
    Production,
}

/// How the service behaves; the binary fills it from flags and `PARTNERD_*` variables.
#[derive(Clone, Debug)]
pub struct Config {
    pub auth: AuthConfig,
    /// How long a continuation token stays valid (the contract wants at least 24 hours).
    pub continuation_ttl: Duration,
    pub mode: Mode,
    /// In sandbox mode, the most customers one partner may have (the integration sandbox's 75).
    pub sandbox_customer_limit: Option<u64>,
    /// Requests per minute per partner on this instance (Partner Center publishes 500 for the
    /// Customer resource); `None` turns throttling off.
    pub rate_limit_per_minute: Option<u32>,
    /// The throttling window: a minute, as Partner Center counts; shorter only in tests that
    /// must not wait a minute for a window to end.
    pub rate_limit_window: Duration,
    /// The bearer token the control plane (`/_partnerd/`) demands; without one it is open in
    /// sandbox mode and absent in production mode.
    pub admin_token: Option<String>,
    /// Requests the journal keeps in memory (the newest); 0 keeps none.
    pub journal_size: usize,
    /// The most bytes the journal's kept entries may hold alive (bodies and headers); the
    /// oldest entries go first when a new one would pass it.
    pub journal_memory: usize,
    /// A file every journal entry is appended to, as a JSON line.
    pub journal_file: Option<PathBuf>,
    /// Fault rules in force from the start (`--faults FILE`).
    pub faults: Vec<FaultRule>,
    /// Seeds the draws of probabilistic faults, so runs repeat; random when `None`.
    pub fault_seed: Option<u64>,
    /// Forwarding to a real Partner Center, recording and replaying (`docs/upstream.md`).
    pub upstream: crate::UpstreamConfig,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            auth: AuthConfig::Development,
            continuation_ttl: Duration::from_secs(24 * 3600),
            mode: Mode::Sandbox,
            sandbox_customer_limit: None,
            rate_limit_per_minute: None,
            rate_limit_window: Duration::from_secs(60),
            admin_token: None,
            journal_size: 1000,
            journal_memory: 16 * 1024 * 1024,
            journal_file: None,
            faults: Vec::new(),
            fault_seed: None,
            upstream: crate::UpstreamConfig::default(),
        }
    }
}
