//! A customer as the wire carries it (a create body, a full customer from a GET, or a list
//! item) made into a stored record: what `partnerd import` does with each line and what
//! `serve --record-into-store` does with the customers an upstream answer carries. Both go
//! through the same checks a POST does, so neither can store what a create would refuse.

use partnerd_model::assemble::{new_etag, NewIds};
use partnerd_model::canonical::read_lenient;
use partnerd_model::{Customer, CustomerId, NewCustomer};
use serde_json::Value;

use crate::CustomerRecord;

/// The record of `value`, keeping its ids when it has them, or every reason it is refused:
/// - without an `id`: validated like a POST, given fresh ids;
/// - with one and a billing profile (a full customer): keeping its id, commerce id, billing
///   profile id and etag;
/// - with one and no billing profile (a list item): keeping its id and company profile, with
///   an empty billing profile (its id and etag only).
pub fn record_from_wire(value: Value) -> Result<CustomerRecord, String> {
    let input: Customer = read_lenient(value).map_err(|e| format!("{} is not valid: {}", e.member, e.message))?;
    let Some(id) = input.id.as_deref() else {
        let new = NewCustomer::try_from(input).map_err(|e| e.to_string())?;
        return Ok(CustomerRecord::new(new, NewIds::random()).0);
    };
    let id = CustomerId::try_from(id).map_err(|_| format!("id '{id}' is not a GUID"))?;
    let billing = input.billing_profile.as_ref();
    let fresh = NewIds::random();
    let ids = NewIds {
        id,
        commerce_id: input.commerce_id.clone().unwrap_or(fresh.commerce_id),
        billing_id: billing.and_then(|b| b.id.clone()).unwrap_or(fresh.billing_id),
        etag: billing.and_then(|b| b.attributes.as_ref()).and_then(|a| a.etag.clone()).unwrap_or_else(new_etag),
    };
    let new = if input.billing_profile.is_some() { NewCustomer::try_from(input) } else { NewCustomer::listed(input) };
    Ok(CustomerRecord::new(new.map_err(|e| e.to_string())?, ids).0)
}
