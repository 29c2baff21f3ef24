//! The service's own handle: what a server needs of the database for itself, holding no
//! partner's data.

use std::sync::Arc;

use crate::{Backend, StoreError};

/// The shared secrets, the clock offset every instance applies, the readiness probe and the
/// idempotency purge. Nothing here reads or changes a customer, so every part of a server may
/// hold one.
#[derive(Clone)]
pub struct ServiceStore {
    backend: Arc<dyn Backend>,
}

/// The `settings` row holding the clock offset.
pub(crate) const CLOCK_OFFSET: &str = "clock_offset_seconds";

impl ServiceStore {
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        ServiceStore { backend }
    }

    /// A named secret shared by every instance on this database, created on first use.
    pub async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        self.backend.server_key(name).await
    }

    /// The named secret as stored now (another instance may have replaced it).
    pub async fn read_server_key(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.backend.read_server_key(name).await
    }

    /// The clock offset (seconds) every instance on this database applies; 0 until set.
    pub async fn clock_offset(&self) -> Result<i64, StoreError> {
        Ok(self.backend.setting(CLOCK_OFFSET).await?.unwrap_or(0))
    }

    /// Whether the database holds no customer at all: the readiness probe's query.
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        self.backend.is_empty().await
    }

    /// Forgets idempotency records kept before `before` (Unix seconds); returns how many went.
    pub async fn purge_idempotency(&self, before: i64) -> Result<u64, StoreError> {
        self.backend.purge_idempotency(before).await
    }
}
