//! What instances sharing one database must agree on and the control plane can change at run
//! time: the clock offset and the continuation-token key. Both live in the database; each
//! instance re-reads them at most once per [`REFRESH`], on the first request after that much
//! time has passed (no background task, nothing read while idle). The instance that changes
//! one applies it at once; the others follow within a second.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use partnerd_store::{ControlStore, ServiceStore, StoreError};

use crate::clock::Clock;
use crate::vault::Vault;

/// How stale an instance's copy may get.
pub(crate) const REFRESH: Duration = Duration::from_secs(1);
/// The `server_keys` row of the continuation-token (and kept-response) key.
pub(crate) const TOKEN_KEY: &str = "continuation-token";

pub(crate) struct Shared {
    store: ServiceStore,
    clock: Clock,
    vault: Arc<Vault>,
    last_read: Mutex<Instant>,
}

impl Shared {
    /// Loads the stored clock offset into `clock`.
    pub async fn load(store: ServiceStore, clock: Clock, vault: Arc<Vault>) -> Result<Shared, StoreError> {
        clock.set_offset_seconds(store.clock_offset().await?);
        Ok(Shared { store, clock, vault, last_read: Mutex::new(Instant::now()) })
    }

    /// Re-reads the shared settings when the copy is older than [`REFRESH`]; a failure keeps
    /// the copy (requests go on) and is logged.
    pub async fn refresh(&self) {
        {
            let mut last = self.last_read.lock().expect("shared settings");
            if last.elapsed() < REFRESH {
                return;
            }
            *last = Instant::now();
        }
        if let Err(e) = self.reread().await {
            tracing::warn!(error = %e, "re-reading the shared clock offset and key failed");
        }
    }

    async fn reread(&self) -> Result<(), StoreError> {
        self.clock.set_offset_seconds(self.store.clock_offset().await?);
        if let Some(key) = self.store.read_server_key(TOKEN_KEY).await? {
            self.vault.rekey(&key);
        }
        Ok(())
    }

    /// Stores a new clock offset for every instance, and applies it here at once. Storing it
    /// takes the control plane's handle, which only control-plane handlers hold.
    pub async fn set_clock_offset(&self, control: &ControlStore, seconds: i64) -> Result<(), StoreError> {
        control.set_clock_offset(seconds).await?;
        self.clock.set_offset_seconds(seconds);
        Ok(())
    }

    /// Replaces the continuation-token key for every instance, and uses it here at once:
    /// every token issued before (and every kept response) stops opening.
    pub async fn rotate_key(&self, control: &ControlStore) -> Result<(), StoreError> {
        let key = control.rotate_server_key(TOKEN_KEY).await?;
        self.vault.rekey(&key);
        Ok(())
    }
}
