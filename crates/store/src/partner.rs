//! The partner-scoped handle.

use std::sync::Arc;

use partnerd_model::PartnerId;

use crate::timing::timed;
use crate::{
    AccountItem, Applied, Backend, CustomerRecord, Idempotency, ListQuery, Mutation, Page, StoreError, StoredCustomer,
};

/// Everything one partner may do with its customers, and nothing more.
#[derive(Clone)]
pub struct PartnerStore {
    pub(crate) backend: Arc<dyn Backend>,
    pub(crate) partner: PartnerId,
}

impl PartnerStore {
    pub(crate) fn new(backend: Arc<dyn Backend>, partner: PartnerId) -> Self {
        PartnerStore { backend, partner }
    }

    pub fn partner(&self) -> &PartnerId {
        &self.partner
    }

    pub async fn list(&self, query: &ListQuery) -> Result<Page, StoreError> {
        timed("list", self.backend.list(self.partner.as_str(), query)).await
    }

    /// The customer with this (lowercase) id, if it is this partner's.
    pub async fn get(&self, id: &str) -> Result<Option<StoredCustomer>, StoreError> {
        timed("get", self.backend.get(self.partner.as_str(), id)).await
    }

    /// Applies a mutation to this partner's customers (see [`Backend::apply`]).
    pub async fn apply(&self, mutation: Mutation, idem: Option<Idempotency>) -> Result<Applied, StoreError> {
        timed("apply", self.backend.apply(self.partner.as_str(), mutation, idem)).await
    }

    /// The items of one kind of a customer (empty `customer_id`: of the partner), oldest first.
    pub async fn items(&self, customer_id: &str, kind: crate::ItemKind) -> Result<Vec<AccountItem>, StoreError> {
        timed("items", self.backend.items(self.partner.as_str(), customer_id, kind.as_str())).await
    }

    /// Stores an item, replacing the one of the same kind and key (control-plane edits).
    pub async fn put_item(&self, item: AccountItem) -> Result<(), StoreError> {
        timed("put_item", self.backend.put_item(self.partner.as_str(), item)).await
    }

    /// Inserts many customers at once (seeding and import); see [`Backend::insert_many`].
    pub async fn insert_many(&self, records: Vec<CustomerRecord>, atomic: bool) -> Result<Vec<usize>, StoreError> {
        timed("insert_many", self.backend.insert_many(self.partner.as_str(), records, atomic)).await
    }
}
