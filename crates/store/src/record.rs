//! The stored form of a customer.

use partnerd_model::filter::fold_key;
use partnerd_model::Customer;

/// A customer as a row: its documents pre-serialised and its folded keys.
#[derive(Clone, Debug)]
pub struct CustomerRecord {
    pub id: String,
    pub name_key: String,
    pub domain_key: String,
    pub assoc_key: Option<String>,
    pub etag: String,
    /// The full customer as GET returns it (never with credentials).
    pub doc: String,
    /// The list projection (spec §3.2).
    pub list_json: String,
}

impl CustomerRecord {
    /// Builds the row for a complete customer (id, links and billing etag already set).
    pub fn from_customer(customer: &Customer) -> CustomerRecord {
        let mut stored = customer.clone();
        stored.user_credentials = None;
        let etag = stored
            .billing_profile
            .as_ref()
            .and_then(|b| b.attributes.as_ref())
            .and_then(|a| a.etag.clone())
            .unwrap_or_default();
        CustomerRecord {
            id: stored.id.clone().unwrap_or_default(),
            name_key: fold_key(stored.company_name()),
            domain_key: fold_key(stored.domain()),
            assoc_key: stored.associated_partner_id.as_deref().map(fold_key),
            etag,
            doc: serde_json::to_string(&stored).expect("customers serialise"),
            list_json: serde_json::to_string(&stored.list_projection())
                .expect("customers serialise"),
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}
