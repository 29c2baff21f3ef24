//! Server settings that are not about the database.

use std::time::Duration;

use crate::auth::AuthConfig;

/// How the service behaves; the binary fills it from flags and `PARTNERD_*` variables.
#[derive(Clone, Debug)]
pub struct Config {
    pub auth: AuthConfig,
    /// How long a continuation token stays valid (the contract wants at least 24 hours).
    pub continuation_ttl: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config { auth: AuthConfig::Development, continuation_ttl: Duration::from_secs(24 * 3600) }
    }
}
