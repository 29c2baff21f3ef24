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

/// What the control plane (`/_partnerd/`) offers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ControlPlane {
    /// None of it: every `/_partnerd/` path answers 404.
    Off,
    /// What an operator needs to watch: the journal, guidance, stats, faults and the clock as
    /// they are, a snapshot to read, the console. Nothing that changes data or time.
    Observe,
    /// Everything, including the test controls that change data or time (reset, seed,
    /// snapshot restore, faults, the clock, development tokens).
    Full,
}

/// A deployment the server refuses to be built as: the same rules hold for the CLI, the Rust
/// mock, the tests and any embedder, because [`Config::check`] runs when the state is built.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DeploymentError {
    #[error(
        "production needs production token keys (a shared secret, a public key or a JWKS, with an issuer): \
         the development secret is public"
    )]
    ProductionWithDevelopmentKeys,
    #[error("a control plane in production needs an admin token")]
    ProductionControlPlaneWithoutAdminToken,
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
    /// The bearer token the control plane (`/_partnerd/`) and `/metrics` demand; without one
    /// they are open in sandbox mode and absent in production mode.
    pub admin_token: Option<String>,
    /// What the control plane offers; `None` is the mode's default (see
    /// [`Config::control_plane`]).
    pub control_plane: Option<ControlPlane>,
    /// Serve `/metrics` to anyone, without the admin token, in production too: a deliberate
    /// choice for a scraper on a private network, never a default.
    pub public_metrics: bool,
    /// Requests the journal keeps in memory (the newest); 0 keeps none.
    pub journal_size: usize,
    /// The most bytes the journal's kept entries may hold alive (bodies and headers); the
    /// oldest entries go first when a new one would pass it.
    pub journal_memory: usize,
    /// A file every journal entry is appended to, as a JSON line.
    pub journal_file: Option<PathBuf>,
    /// The most bytes of customer pages and customers read by id kept between requests (see
    /// `page_cache.rs`); 0 keeps none. They are kept only where the store can tell every write
    /// (SQLite).
    pub page_cache_bytes: usize,
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
            control_plane: None,
            public_metrics: false,
            journal_size: 1000,
            journal_memory: 16 * 1024 * 1024,
            journal_file: None,
            page_cache_bytes: 4 * 1024 * 1024,
            faults: Vec::new(),
            fault_seed: None,
            upstream: crate::UpstreamConfig::default(),
        }
    }
}

impl Config {
    /// What the control plane offers: as chosen, or by default everything in sandbox mode,
    /// the observing part in production behind an admin token, and nothing in production
    /// without one. The test controls exist in production only when asked for by name.
    pub fn control_plane(&self) -> ControlPlane {
        match (self.control_plane, self.mode, &self.admin_token) {
            (Some(chosen), _, _) => chosen,
            (None, Mode::Sandbox, _) => ControlPlane::Full,
            (None, Mode::Production, Some(_)) => ControlPlane::Observe,
            (None, Mode::Production, None) => ControlPlane::Off,
        }
    }

    /// Whether `/metrics` answers, and to whom: `Some(true)` to anyone, `Some(false)` behind
    /// the admin token, `None` not at all (production without an admin token or
    /// [`Config::public_metrics`]).
    pub fn metrics_open(&self) -> Option<bool> {
        match (self.public_metrics, self.mode, &self.admin_token) {
            (true, _, _) | (false, Mode::Sandbox, None) => Some(true),
            (false, _, Some(_)) => Some(false),
            (false, Mode::Production, None) => None,
        }
    }

    /// Refuses the deployments that must not exist: production accepting development tokens,
    /// or a production control plane without an admin token.
    pub fn check(&self) -> Result<(), DeploymentError> {
        if self.mode != Mode::Production {
            return Ok(());
        }
        if matches!(self.auth, AuthConfig::Development) {
            return Err(DeploymentError::ProductionWithDevelopmentKeys);
        }
        if self.control_plane() != ControlPlane::Off && self.admin_token.is_none() {
            return Err(DeploymentError::ProductionControlPlaneWithoutAdminToken);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::KeyConfig;

    fn production(admin_token: Option<&str>, control_plane: Option<ControlPlane>) -> Config {
        Config {
            mode: Mode::Production,
            auth: AuthConfig::Production {
                key: KeyConfig::Hs256Secret("s".repeat(32)),
                issuer: "https://issuer".into(),
                audience: "aud".into(),
            },
            admin_token: admin_token.map(str::to_string),
            control_plane,
            ..Config::default()
        }
    }

    #[test]
    fn production_defaults_to_observing_behind_the_admin_token() {
        assert_eq!(Config::default().control_plane(), ControlPlane::Full);
        assert_eq!(production(None, None).control_plane(), ControlPlane::Off);
        assert_eq!(production(Some("a"), None).control_plane(), ControlPlane::Observe);
        assert_eq!(production(Some("a"), Some(ControlPlane::Full)).control_plane(), ControlPlane::Full);
        assert_eq!(production(None, None).metrics_open(), None);
        assert_eq!(production(Some("a"), None).metrics_open(), Some(false));
        assert_eq!(Config { public_metrics: true, ..production(None, None) }.metrics_open(), Some(true));
        assert_eq!(Config::default().metrics_open(), Some(true));
    }

    #[test]
    fn deployments_that_must_not_exist_are_refused() {
        let dev = Config { mode: Mode::Production, ..Config::default() };
        assert_eq!(dev.check(), Err(DeploymentError::ProductionWithDevelopmentKeys));
        let open = production(None, Some(ControlPlane::Full));
        assert_eq!(open.check(), Err(DeploymentError::ProductionControlPlaneWithoutAdminToken));
        assert!(production(None, Some(ControlPlane::Observe)).check().is_err());
        assert!(production(Some("a"), Some(ControlPlane::Full)).check().is_ok());
        assert!(production(None, None).check().is_ok());
        assert!(Config::default().check().is_ok());
    }
}
