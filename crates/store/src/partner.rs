//! The partner-scoped handle, and the one maker of it a server holds.

use std::sync::Arc;

use partnerd_model::PartnerId;

use crate::timing::timed;
use crate::{
    AccountItem, Applied, Backend, CustomerRecord, Idempotency, ListQuery, Mutation, Page, StoreError, StoredCustomer,
};

/// Makes [`PartnerStore`]s for whatever partner it is told: whoever holds one decides whom a
/// caller speaks for. A server gives its only one to its authentication, which tells it the
/// partner of a verified token.
#[derive(Clone)]
pub struct PartnerStores {
    backend: Arc<dyn Backend>,
}

impl PartnerStores {
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        PartnerStores { backend }
    }

    /// The handle of `partner`'s customers (taken by value: it is made once per request).
    pub fn for_partner(&self, partner: PartnerId) -> PartnerStore {
        PartnerStore::new(self.backend.clone(), partner)
    }
}

/// Everything one partner may do with its customers, and nothing more: a Partner Center
/// handler holds this and cannot reset, restore or read another partner's customers.
///
/// ```compile_fail
/// async fn handler(store: &partnerd_store::PartnerStore) {
///     store.reset(None).await.unwrap();
/// }
/// ```
///
/// ```compile_fail
/// async fn handler(store: &partnerd_store::PartnerStore) {
///     store.snapshot_page(None, None, 100).await.unwrap();
/// }
/// ```
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

    /// What the stored data is at: equal before two reads means no write came between them.
    /// `None` when the store cannot tell (see `Backend::version`): then keep nothing.
    pub async fn version(&self) -> Result<Option<u64>, StoreError> {
        self.backend.version().await
    }

    /// The customer with this (lowercase) id, if it is this partner's.
    pub async fn get(&self, id: &str) -> Result<Option<StoredCustomer>, StoreError> {
        timed("get", self.backend.get(self.partner.as_str(), id)).await
    }

    /// Applies a mutation to this partner's customers, atomically with its idempotency
    /// record: a request id kept already gives `Replay` or `Mismatch` instead of a second
    /// change, a failed mutation keeps nothing, and a create of a taken domain or id fails with
    /// [`StoreError::Conflict`], saying which.
    pub async fn apply(&self, mutation: Mutation, idem: Option<Idempotency>) -> Result<Applied, StoreError> {
        timed("apply", self.backend.apply(self.partner.as_str(), mutation, idem)).await
    }

    /// The items of one kind of a customer (empty `customer_id`: of the partner), oldest first.
    pub async fn items(&self, customer_id: &str, kind: crate::ItemKind) -> Result<Vec<AccountItem>, StoreError> {
        timed("items", self.backend.items(self.partner.as_str(), customer_id, kind.as_str())).await
    }

    /// Whether any partner's customer has this domain (compared case-insensitively): the one
    /// question about other partners' customers the API answers.
    pub async fn domain_exists(&self, domain: &str) -> Result<bool, StoreError> {
        self.backend.domain_exists(&partnerd_model::filter::fold_key(domain)).await
    }

    /// Inserts many customers in one transaction (seeding, import, recording), skipping those
    /// whose domain or id is taken, and returns the indexes of the skipped ones; with
    /// `atomic`, any skip rolls everything back.
    pub async fn insert_many(&self, records: Vec<CustomerRecord>, atomic: bool) -> Result<Vec<usize>, StoreError> {
        timed("insert_many", self.backend.insert_many(self.partner.as_str(), records, atomic)).await
    }
}
