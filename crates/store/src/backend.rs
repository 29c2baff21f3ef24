//! The operations every database implements. Methods take the partner explicitly; only
//! [`crate::PartnerStore`] and [`crate::Store`] call them, which is how partner scoping holds.

use async_trait::async_trait;

use crate::{CustomerRecord, ListQuery, Page, StoreError};

/// A customer as read back: its full document and current etag.
#[derive(Clone, Debug)]
pub struct StoredCustomer {
    pub doc: String,
    pub etag: String,
}

#[async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The named secret, created with random bytes by whichever instance asks first.
    async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError>;
    async fn domain_exists(&self, domain_key: &str) -> Result<bool, StoreError>;
    async fn is_empty(&self) -> Result<bool, StoreError>;
    async fn list(&self, partner: &str, query: &ListQuery) -> Result<Page, StoreError>;
    async fn get(&self, partner: &str, id: &str) -> Result<Option<StoredCustomer>, StoreError>;
    /// Inserts all records in one transaction: all or none.
    async fn insert_many(&self, partner: &str, records: Vec<CustomerRecord>) -> Result<(), StoreError>;
}
