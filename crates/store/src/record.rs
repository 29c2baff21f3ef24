//! The stored form of a customer.

use std::borrow::Cow;

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
    /// When it was created (Unix seconds, by the server's clock); `None`: when it is stored.
    pub created_at: Option<i64>,
}

impl CustomerRecord {
    /// Builds the row for a complete customer (id, links and billing etag already set).
    /// Credentials are never stored: a customer that carries them is stored without.
    pub fn from_customer(customer: &Customer) -> CustomerRecord {
        let stored = match customer.user_credentials {
            None => Cow::Borrowed(customer),
            Some(_) => Cow::Owned(Customer { user_credentials: None, ..customer.clone() }),
        };
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
            doc: serde_json::to_string(stored.as_ref()).expect("customers serialise"),
            list_json: serde_json::to_string(&stored.list_projection()).expect("customers serialise"),
            created_at: None,
        }
    }
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnerd_model::UserCredentials;

    #[test]
    fn credentials_are_never_in_the_stored_documents() {
        let customer = Customer {
            id: Some("c".into()),
            user_credentials: Some(UserCredentials {
                user_name: Some("admin".into()),
                password: Some("s3cret!".into()),
            }),
            ..Default::default()
        };
        let record = CustomerRecord::from_customer(&customer);
        assert!(!record.doc.contains("s3cret!") && !record.list_json.contains("s3cret!"));
        assert!(record.doc.contains("\"id\":\"c\""));
    }
}
