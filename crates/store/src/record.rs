//! The stored form of a customer. A row is made only from a [`NewCustomer`] (a create request
//! that passed every check), so no path (create, import, seed, restore, billing update) can
//! store a customer that a POST would have refused.

use partnerd_model::assemble::NewIds;
use partnerd_model::filter::fold_key;
use partnerd_model::{BillingProfile, Customer, NewCustomer, Violations};

/// A customer as a row: its documents pre-serialised and its folded keys.
#[derive(Clone, Debug)]
pub struct CustomerRecord {
    pub(crate) id: String,
    pub(crate) name_key: String,
    pub(crate) domain_key: String,
    pub(crate) assoc_key: Option<String>,
    pub(crate) etag: String,
    /// The full customer as GET returns it (never with credentials: they are not a member
    /// of the assembled customer).
    pub(crate) doc: String,
    /// The list projection (spec §3.2).
    pub(crate) list_json: String,
    /// When it was created (Unix seconds, by the server's clock); `None`: when it is stored.
    pub(crate) created_at: Option<i64>,
}

impl CustomerRecord {
    /// The row of `customer` given `ids`, and the customer it holds.
    pub fn new(customer: NewCustomer, ids: NewIds) -> (CustomerRecord, Customer) {
        let etag = ids.etag.clone();
        let stored = customer.assemble(ids);
        let record = CustomerRecord {
            id: stored.id.clone().unwrap_or_default(),
            name_key: fold_key(stored.company_name()),
            domain_key: fold_key(stored.domain()),
            assoc_key: stored.associated_partner_id.as_deref().map(fold_key),
            etag,
            doc: serde_json::to_string(&stored).expect("customers serialise"),
            list_json: serde_json::to_string(&stored.list_projection()).expect("customers serialise"),
            created_at: None,
        };
        (record, stored)
    }

    /// The row of a complete customer (a snapshot line, a changed stored customer, a test's
    /// fixture), checked as its create request would be and keeping its ids; and the customer
    /// as stored (members in canonical form). Credentials it carries are dropped.
    /// A customer whose billing profile holds nothing but its id and etag was imported from
    /// a list item and is checked as one ([`NewCustomer::listed`]).
    pub fn of_customer(customer: &Customer) -> Result<(CustomerRecord, Customer), Violations> {
        let ids = NewIds::of(customer)?;
        let new = if customer.billing_profile.as_ref().is_some_and(is_empty) {
            NewCustomer::listed(customer.clone())?
        } else {
            NewCustomer::try_from(customer.clone())?
        };
        Ok(Self::new(new, ids))
    }

    /// The same row, created at `unix_seconds` rather than when it is stored.
    pub fn with_created_at(self, unix_seconds: i64) -> CustomerRecord {
        CustomerRecord { created_at: Some(unix_seconds), ..self }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The billing profile's etag.
    pub fn etag(&self) -> &str {
        &self.etag
    }

    /// The initial domain, folded as stored.
    pub fn domain(&self) -> &str {
        &self.domain_key
    }
}

/// Whether a billing profile has no member a client gave (only the server's id, links and
/// attributes).
fn is_empty(b: &BillingProfile) -> bool {
    BillingProfile { id: None, links: None, attributes: None, ..b.clone() } == BillingProfile::default()
}

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use partnerd_model::synthetic::Generator;
    use partnerd_model::UserCredentials;

    #[test]
    fn credentials_are_never_in_the_stored_documents() {
        let mut customer = Generator::new(1, "t").customer();
        customer.user_credentials =
            Some(UserCredentials { user_name: Some("admin".into()), password: Some("s3cret!".into()) });
        let (record, stored) = CustomerRecord::of_customer(&customer).unwrap();
        assert!(!record.doc.contains("s3cret!") && !record.list_json.contains("s3cret!"));
        assert_eq!(stored.user_credentials, None);
        assert!(record.doc.contains(&format!("\"id\":\"{}\"", record.id)));
    }

    #[test]
    fn a_customer_that_a_post_would_refuse_has_no_row() {
        let mut customer = Generator::new(1, "t").customer();
        customer.billing_profile.as_mut().unwrap().email = Some("nobody".into());
        let err = CustomerRecord::of_customer(&customer).unwrap_err();
        assert_eq!(err.members().collect::<Vec<_>>(), ["billingProfile.email"]);
    }

    #[test]
    fn a_customer_imported_from_its_list_item_restores_as_one() {
        let item = Customer { billing_profile: None, ..Generator::new(1, "t").customer() };
        let ids = NewIds::of(&Generator::new(1, "t").customer()).unwrap();
        let (_, stored) = CustomerRecord::new(NewCustomer::listed(item).unwrap(), ids);
        let (_, again) = CustomerRecord::of_customer(&stored).unwrap();
        assert_eq!(again, stored);
    }
}
