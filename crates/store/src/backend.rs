//! The operations every database implements. Methods take the partner explicitly, so the
//! trait and its implementations are private to this crate: outside it, only the capability
//! handles (`PartnerStore`, `ControlStore`, `ServiceStore`, `OfflineStore`) call them, and a
//! partner's handle fixes the partner once.

use async_trait::async_trait;

use crate::{
    AccountItem, CustomerRecord, ListQuery, Page, Refusal, SkuUnits, StoreError, UserChange, UserLookup, UserQuery,
};

/// A customer as read back: its full document and current etag.
#[derive(Clone, Debug)]
pub struct StoredCustomer {
    pub doc: String,
    pub etag: String,
}

/// A change to one partner's customers.
#[derive(Clone, Debug)]
pub enum Mutation {
    /// Insert a new customer; refused with [`Applied::LimitReached`] when the partner already
    /// has `limit` customers.
    /// A new customer, with its admin user (and its roles) in the same transaction, so a
    /// customer the API acknowledged never lacks the admin its answer named.
    Create { record: CustomerRecord, limit: Option<u64>, admin: Option<UserChange> },
    /// The customer leaves this partner: it disappears from every read of this partner, and its
    /// domain stays taken.
    RemoveRelationship { id: String },
    /// The customer is deleted outright.
    Delete { id: String },
    /// Replace the stored customer (billing profile update) if its etag still is
    /// `expected_etag` (or unconditionally when that is `None`).
    Replace { record: CustomerRecord, expected_etag: Option<String> },
    /// Add an item to one of the partner's customers (or, with an empty `customer_id`, to
    /// the partner): [`Applied::NotFound`] without such a customer, [`Applied::Exists`] when
    /// an item of that kind and key is there already.
    AddItem { item: AccountItem },
    /// As `AddItem`, also replacing a partner-level item if it is unchanged since it was read:
    /// [`Applied::Stale`] when it changed meanwhile (nothing is changed).
    AddItemSpending { item: AccountItem, spend: crate::Spend },
    /// A change to the users of one of the partner's customers (see [`UserChange`]); users
    /// deleted before `purge_before` (Unix seconds) are removed first.
    Users { customer: String, change: UserChange, purge_before: i64 },
}

/// The response kept for an `MS-RequestId` (spec §6). `body` is opaque to the store: the
/// server seals it, because a create response holds the admin password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeptResponse {
    pub status: u16,
    pub body: Vec<u8>,
}

/// Idempotency for one mutation: the client's request id, a fingerprint of the request
/// (method, path and body), and the response to keep when the mutation succeeds. The times
/// come from the server's clock (which the control plane can move), never the database's.
#[derive(Clone, Debug)]
pub struct Idempotency {
    pub request_id: String,
    pub fingerprint: Vec<u8>,
    pub response: KeptResponse,
    /// When this request is made (Unix seconds): the kept record's age starts here.
    pub now: i64,
    /// Records kept before this (Unix seconds) have expired: they replay nothing, and the
    /// request id is free again, whether or not the purge has removed them yet.
    pub expired_before: i64,
}

/// What became of a mutation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// Done (and its response kept, when idempotency was asked for), in one transaction.
    Done,
    /// The request id was seen before with the same fingerprint: nothing was changed and this
    /// is the response kept then.
    Replay(KeptResponse),
    /// The request id was seen before with a different fingerprint; nothing was changed.
    Mismatch,
    /// No such customer for this partner; nothing was changed.
    NotFound,
    /// The etag did not match; nothing was changed.
    Stale,
    /// The partner has reached its customer limit; nothing was changed.
    LimitReached,
    /// An item of this kind and key exists already; nothing was changed.
    Exists,
    /// The customer exists but has no such user (or none in the state the change needs);
    /// nothing was changed.
    UserNotFound,
    /// Another user of the customer has this UPN; nothing was changed.
    UserTaken,
    /// A role or license change the directory refuses; nothing was changed.
    Refused(Refusal),
}

impl Applied {
    /// What an earlier request's kept record means for this one: the same request gets the
    /// kept response again, a different one with the same id is refused.
    pub(crate) fn seen(kept_fingerprint: &[u8], idem: &Idempotency, response: KeptResponse) -> Applied {
        if kept_fingerprint == idem.fingerprint.as_slice() {
            Applied::Replay(response)
        } else {
            Applied::Mismatch
        }
    }

    /// `Done` when a statement scoped to one customer of the partner changed it, `NotFound`
    /// when there was no such customer.
    pub(crate) fn by_rows_changed(changed: u64) -> Applied {
        if changed == 0 {
            Applied::NotFound
        } else {
            Applied::Done
        }
    }
}

#[async_trait]
pub(crate) trait Backend: Send + Sync + 'static {
    /// The named secret, created with random bytes by whichever instance asks first.
    async fn server_key(&self, name: &str) -> Result<Vec<u8>, StoreError>;
    async fn domain_exists(&self, domain_key: &str) -> Result<bool, StoreError>;
    async fn is_empty(&self) -> Result<bool, StoreError>;
    async fn list(&self, partner: &str, query: &ListQuery) -> Result<Page, StoreError>;
    /// A number that changes whenever a write by anyone (this process or another) commits,
    /// so that a read's answer kept beside it stays valid while it reads the same; `None`
    /// when the backend cannot tell cheaply (PostgreSQL, shared by several instances), and
    /// nothing may be kept.
    async fn version(&self) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }
    async fn get(&self, partner: &str, id: &str) -> Result<Option<StoredCustomer>, StoreError>;
    /// Applies one mutation atomically, together with its idempotency record. A request id
    /// already kept (committed by any instance, or committing concurrently) gives
    /// `Replay`/`Mismatch` instead of a second change. A failed mutation keeps nothing.
    /// `Create` of a taken domain or id fails with [`StoreError::Conflict`], saying which.
    async fn apply(&self, partner: &str, mutation: Mutation, idem: Option<Idempotency>) -> Result<Applied, StoreError>;
    /// Inserts records in one transaction, skipping those whose domain or id is taken, and
    /// returns the indexes of the skipped ones. With `atomic`, any skip rolls everything back.
    async fn insert_many(
        &self,
        partner: &str,
        records: Vec<CustomerRecord>,
        atomic: bool,
    ) -> Result<Vec<usize>, StoreError>;
    /// Deletes idempotency records created before `before` (Unix seconds); returns how many.
    async fn purge_idempotency(&self, before: i64) -> Result<u64, StoreError>;
    /// A run-time setting shared by every instance on this database (`None`: never set).
    async fn setting(&self, name: &str) -> Result<Option<i64>, StoreError>;
    async fn put_setting(&self, name: &str, value: i64) -> Result<(), StoreError>;
    /// The named secret as stored, without creating it.
    async fn read_server_key(&self, name: &str) -> Result<Option<Vec<u8>>, StoreError>;
    /// Replaces the named secret with fresh random bytes and returns them.
    async fn rotate_server_key(&self, name: &str) -> Result<Vec<u8>, StoreError>;
    /// Deletes every customer and kept response (of one partner, or of all partners and the
    /// customers that left theirs), in one transaction.
    async fn reset(&self, partner: Option<&str>) -> Result<Removed, StoreError>;
    /// Up to `limit` stored customers (of one partner, or all of them) with ids after `after`,
    /// in id order: a snapshot is read page by page.
    async fn snapshot_page(
        &self,
        partner: Option<&str>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<SnapshotRow>, StoreError>;
    /// Inserts the rows received in one transaction that commits only on [`Restore::Commit`]:
    /// anything else (the sender dropped, a taken id or domain, a failure) leaves the database
    /// as it was. With `replace`, the customers (of one partner, or all), their kept
    /// responses and the partners' own items are deleted first, in the same transaction.
    async fn load(&self, partner: Option<&str>, replace: bool, rows: RestoreRows) -> Result<Restored, StoreError>;
    /// Every partner's own items (of one partner, or of all), by partner, oldest first.
    async fn partner_items(&self, partner: Option<&str>) -> Result<Vec<PartnerItems>, StoreError>;
    /// The items of one kind of a customer (or, with an empty `customer_id`, of the partner),
    /// oldest first.
    async fn items(&self, partner: &str, customer_id: &str, kind: &str) -> Result<Vec<AccountItem>, StoreError>;
    /// Stores an item, replacing the one of the same kind and key (the control plane's edits).
    async fn put_item(&self, partner: &str, item: AccountItem) -> Result<(), StoreError>;
    /// A page of the users of the partner's `customer`; `None` when it has no such customer.
    async fn list_users(&self, partner: &str, customer: &str, query: &UserQuery) -> Result<Option<Page>, StoreError>;
    /// One user of the partner's `customer`, unless deleted before `purge_before`.
    async fn get_user(
        &self,
        partner: &str,
        customer: &str,
        id: &str,
        purge_before: i64,
    ) -> Result<UserLookup, StoreError>;
    /// The subscribed SKUs of the partner's `customer`; `None` when it has no such customer.
    async fn customer_skus(&self, partner: &str, customer: &str) -> Result<Option<Vec<SkuUnits>>, StoreError>;
}

/// What a reset removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    pub customers: u64,
    pub kept_responses: u64,
}

/// One customer exactly as stored: its owner (`None`: it left its partner), document, etag
/// and creation time (Unix seconds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SnapshotRow {
    pub id: String,
    pub partner: Option<String>,
    pub doc: String,
    pub etag: String,
    pub created_at: i64,
    /// Its account items (attestations, qualifications), oldest first; none once it left
    /// its partner.
    pub items: Vec<AccountItem>,
    /// The customer's users, roles, SKUs and licenses as a snapshot's `directory` member
    /// (JSON); `None` when it has none.
    pub directory: Option<String>,
}

/// A customer to restore; `line` names it in a refusal.
#[derive(Clone, Debug)]
pub struct RestoreRow {
    pub line: u64,
    pub partner: Option<String>,
    pub record: CustomerRecord,
    /// Its account items, restored with it (dropped for a customer without a partner).
    pub items: Vec<AccountItem>,
    /// The customer's users, roles, SKUs and licenses, checked.
    pub directory: Option<crate::directory_snapshot::CustomerDirectory>,
}

/// A partner's own items (its indirect resellers and GCC validation codes), as a snapshot's
/// partner line carries them.
#[derive(Clone, Debug)]
pub struct PartnerItems {
    /// The line it was read from (0 when exported).
    pub line: u64,
    pub partner: String,
    pub items: Vec<AccountItem>,
}

/// What a restore is sent: batches of rows and partners' items, then `Commit` once the input
/// is known to be good.
#[derive(Debug)]
pub enum Restore {
    Rows(Vec<RestoreRow>),
    Partner(PartnerItems),
    Commit,
}

/// The receiving end a restore reads from.
pub type RestoreRows = tokio::sync::mpsc::Receiver<Restore>;

/// How a restore ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restored {
    /// Committed, with this many customers.
    Done { customers: u64 },
    /// Refused, nothing changed: this line's id or domain is taken (by an earlier line, or
    /// by a customer outside the restored partner).
    Conflict { line: u64 },
    /// The sender stopped without `Commit`; nothing changed.
    Abandoned,
}
