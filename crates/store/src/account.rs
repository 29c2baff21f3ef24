//! Items kept beside a customer's document (agreement attestations, qualifications) or beside
//! the partner (its indirect resellers, GCC codes, address fixtures): opaque JSON documents to the store, found by partner,
//! customer and kind, unique by key within them.

/// What an item is; the store keeps each kind apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    /// A customer's attestation that it accepted an agreement.
    Agreement,
    /// A customer's qualification, keyed by its name.
    Qualification,
    /// One of the partner's indirect resellers (a partner-level item), keyed by its tenant id.
    Reseller,
    /// A status Partner Center keeps about a customer (direct signing, account validation),
    /// keyed by which.
    Status,
    /// One of the partner's GCC validation codes (a partner-level item), keyed by its id.
    ValidationCode,
    /// What address validation answers the partner for one address (a partner-level item set
    /// by the control plane), keyed by the normalised address.
    AddressFixture,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Agreement => "agreement",
            ItemKind::Qualification => "qualification",
            ItemKind::Reseller => "reseller",
            ItemKind::Status => "status",
            ItemKind::ValidationCode => "validation_code",
            ItemKind::AddressFixture => "address_fixture",
        }
    }
}

/// A partner-level item to change in the same transaction as an add, only if it still is what
/// the caller read (`expected`): spending a GCC validation code as the qualification it allows
/// is added, so that two customers cannot both take its last use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Spend {
    pub kind: &'static str,
    pub key: String,
    pub expected: String,
    pub replacement: String,
}

/// One item as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountItem {
    /// The customer it belongs to; empty for the partner's own items.
    pub customer_id: String,
    pub kind: &'static str,
    pub key: String,
    pub doc: String,
    /// Unix seconds, by the server's clock.
    pub created_at: i64,
}

impl AccountItem {
    pub fn new(customer_id: &str, kind: ItemKind, key: impl Into<String>, doc: String, created_at: i64) -> Self {
        AccountItem { customer_id: customer_id.to_string(), kind: kind.as_str(), key: key.into(), doc, created_at }
    }
}

/// Partner-level rows `(partner, item)`, ordered by partner, grouped a partner each.
pub(crate) fn by_partner(rows: Vec<(String, AccountItem)>) -> Vec<crate::PartnerItems> {
    let mut grouped: Vec<crate::PartnerItems> = Vec::new();
    for (partner, item) in rows {
        match grouped.last_mut() {
            Some(last) if last.partner == partner => last.items.push(item),
            _ => grouped.push(crate::PartnerItems { line: 0, partner, items: vec![item] }),
        }
    }
    grouped
}

/// The kind named by a stored string (rows carry the text).
pub(crate) fn kind_of(text: &str) -> &'static str {
    [
        ItemKind::Agreement,
        ItemKind::Qualification,
        ItemKind::Reseller,
        ItemKind::Status,
        ItemKind::ValidationCode,
        ItemKind::AddressFixture,
    ]
    .into_iter()
    .map(ItemKind::as_str)
    .find(|k| *k == text)
    .unwrap_or("unknown")
}

/// The control plane's access to account items: it acts for every partner (reviewing
/// qualifications, registering resellers), so it names the partner on each call rather than
/// holding a partner's handle.
impl crate::ControlStore {
    pub async fn account_items(
        &self,
        partner: &partnerd_model::PartnerId,
        customer_id: &str,
        kind: ItemKind,
    ) -> Result<Vec<AccountItem>, crate::StoreError> {
        self.backend.items(partner.as_str(), customer_id, kind.as_str()).await
    }

    /// Whether `partner` has the customer `id` (the control plane checks before it sets a
    /// customer's status).
    pub async fn has_customer(&self, partner: &partnerd_model::PartnerId, id: &str) -> Result<bool, crate::StoreError> {
        Ok(self.backend.get(partner.as_str(), id).await?.is_some())
    }

    pub async fn put_account_item(
        &self,
        partner: &partnerd_model::PartnerId,
        item: AccountItem,
    ) -> Result<(), crate::StoreError> {
        self.backend.put_item(partner.as_str(), item).await
    }
}
