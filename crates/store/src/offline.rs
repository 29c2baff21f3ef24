//! The operator's handle, for commands that work on the database directly.

use std::sync::Arc;

use partnerd_model::PartnerId;

use crate::{Backend, ControlStore, PartnerStore, StoreError};

/// What `partnerd seed`, `import`, `state export` and `state import` (and tests) work with.
/// Whoever runs them holds the database itself and speaks for every partner, so there is
/// nothing to verify: a partner's handle is had for the asking, and the control plane's
/// operations are all here too. A server holds none.
#[derive(Clone)]
pub struct OfflineStore {
    backend: Arc<dyn Backend>,
}

impl OfflineStore {
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        OfflineStore { backend }
    }

    /// The handle of `partner`'s customers.
    pub fn for_partner(&self, partner: &PartnerId) -> PartnerStore {
        PartnerStore::new(self.backend.clone(), partner.clone())
    }

    /// Reset, snapshots, restore and the rest of what acts on every partner.
    pub fn control(&self) -> ControlStore {
        ControlStore::new(self.backend.clone())
    }

    /// Whether the database holds no customer at all (decides demo seeding).
    pub async fn is_empty(&self) -> Result<bool, StoreError> {
        self.backend.is_empty().await
    }
}
