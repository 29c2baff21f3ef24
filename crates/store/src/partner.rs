//! The partner-scoped handle.

use std::sync::Arc;

use partnerd_model::PartnerId;

use crate::{Backend, CustomerRecord, ListQuery, Page, StoreError, StoredCustomer};

/// Everything one partner may do with its customers, and nothing more.
#[derive(Clone)]
pub struct PartnerStore {
    backend: Arc<dyn Backend>,
    partner: PartnerId,
}

impl PartnerStore {
    pub(crate) fn new(backend: Arc<dyn Backend>, partner: PartnerId) -> Self {
        PartnerStore { backend, partner }
    }

    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    pub async fn list(&self, query: &ListQuery) -> Result<Page, StoreError> {
        self.backend.list(self.partner.as_str(), query).await
    }

    /// The customer with this (lowercase) id, if it is this partner's.
    pub async fn get(&self, id: &str) -> Result<Option<StoredCustomer>, StoreError> {
        self.backend.get(self.partner.as_str(), id).await
    }

    /// Inserts many customers at once (seeding and import), all or none.
    pub async fn insert_many(&self, records: Vec<CustomerRecord>) -> Result<(), StoreError> {
        self.backend.insert_many(self.partner.as_str(), records).await
    }
}
