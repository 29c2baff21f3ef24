//! The control plane's handle: what acts on every partner at once, or on a partner named by
//! the operator rather than by a verified token.

use std::sync::Arc;

use partnerd_model::PartnerId;

use crate::service::CLOCK_OFFSET;
use crate::{Backend, PartnerItems, Removed, RestoreRows, Restored, SnapshotRow, StoreError};

/// Reset, snapshots, restore and seeding, the control plane's edits of account items and
/// SKUs, the shared clock and key. A Partner Center handler never holds one: it holds a
/// [`crate::PartnerStore`], which has none of these.
///
/// ```no_run
/// async fn reset_everything(control: &partnerd_store::ControlStore) {
///     control.reset(None).await.unwrap();
/// }
/// ```
#[derive(Clone)]
pub struct ControlStore {
    pub(crate) backend: Arc<dyn Backend>,
}

impl ControlStore {
    pub(crate) fn new(backend: Arc<dyn Backend>) -> Self {
        ControlStore { backend }
    }

    /// Deletes the customers and kept responses of `partner`, or of everybody.
    pub async fn reset(&self, partner: Option<&PartnerId>) -> Result<Removed, StoreError> {
        self.backend.reset(partner.map(PartnerId::as_str)).await
    }

    /// One page of a snapshot: customers (of `partner`, or all) after id `after`, in id order.
    pub async fn snapshot_page(
        &self,
        partner: Option<&PartnerId>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SnapshotRow>, StoreError> {
        self.backend.snapshot_page(partner.map(PartnerId::as_str), after, limit).await
    }

    /// The partners' own items (of `partner`, or of all), what a snapshot writes first.
    pub async fn partner_items(&self, partner: Option<&PartnerId>) -> Result<Vec<PartnerItems>, StoreError> {
        self.backend.partner_items(partner.map(PartnerId::as_str)).await
    }

    /// Replaces the customers of `partner` (or all) with the rows received, in one
    /// transaction that commits only on [`crate::Restore::Commit`]: anything else (the sender
    /// dropped, a taken id or domain, a failure) leaves the database as it was.
    pub async fn restore(&self, partner: Option<&PartnerId>, rows: RestoreRows) -> Result<Restored, StoreError> {
        self.backend.load(partner.map(PartnerId::as_str), true, rows).await
    }

    /// Adds the rows received in one transaction: all of them, or (on a taken id or domain)
    /// none; it commits only on [`crate::Restore::Commit`], as [`ControlStore::restore`] does.
    pub async fn add_all(&self, rows: RestoreRows) -> Result<Restored, StoreError> {
        self.backend.load(None, false, rows).await
    }

    /// Sets the clock offset (seconds) every instance on this database applies.
    pub async fn set_clock_offset(&self, seconds: i64) -> Result<(), StoreError> {
        self.backend.put_setting(CLOCK_OFFSET, seconds).await
    }

    /// Replaces the named secret with fresh random bytes; returns them.
    pub async fn rotate_server_key(&self, name: &str) -> Result<Vec<u8>, StoreError> {
        self.backend.rotate_server_key(name).await
    }
}
