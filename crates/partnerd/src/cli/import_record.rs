//! What `partnerd import` makes of one record. It reads the files partnerd itself writes, so
//! that export → import round-trips:
//! - a create body (no `id`): validated like a POST, given fresh ids;
//! - a full customer (`customers export --full`, or a GET): validated like a POST, keeping its
//!   id, commerce id, billing profile id and etag;
//! - a list item (`customers export`): keeping its id and company profile; it has no billing
//!   profile to keep, so the customer gets an empty one (its id and etag only);
//! - a snapshot line (`{"partner","createdAt","customer"}`, from `admin snapshot save`,
//!   `GET /_partnerd/snapshot` or `state export`): the customer exactly as stored, creation
//!   time included, when the line is the importing partner's. A snapshot's partner line (its
//!   resellers, GCC codes and address fixtures) is no customer: it is refused, pointing to
//!   `partnerd state import`, which restores it.

use partnerd_model::PartnerId;
use partnerd_store::{snapshot, CustomerRecord};
use serde_json::Value;

/// The record as the store keeps it, or every reason it is refused.
pub fn build(value: Value, partner: &PartnerId) -> Result<CustomerRecord, String> {
    if value.get("partnerItems").is_some() {
        return Err("a snapshot's partner line (resellers, GCC codes, address fixtures), not a customer: \
                    `partnerd state import` restores it"
            .into());
    }
    if is_snapshot_line(&value) {
        let row = snapshot::decode(&value.to_string(), 0, Some(partner)).map_err(|why| {
            format!("{why} (import takes one partner's lines; `partnerd state import` restores every partner)")
        })?;
        return Ok(row.record);
    }
    partnerd_store::record_from_wire(value)
}

/// A snapshot line wraps the customer: `customer` and `createdAt` beside `partner`.
fn is_snapshot_line(value: &Value) -> bool {
    value.get("customer").is_some_and(Value::is_object) && value.get("createdAt").is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn partner() -> PartnerId {
        PartnerId::parse("c0ffee00-0000-4000-8000-000000000001").unwrap()
    }

    #[test]
    fn a_list_item_keeps_its_id_and_company() {
        let id = "a5f29f1e-851e-4544-b838-756e70beea84";
        let item = json!({"id": id, "companyProfile": {"domain": "fabrikam.onmicrosoft.com", "companyName": "Fabrikam"},
            "relationshipToPartner": "reseller"});
        let record = build(item, &partner()).unwrap();
        assert_eq!(record.id(), id);
        assert_eq!(record.domain(), "fabrikam.onmicrosoft.com");
        let no_domain = json!({"id": id, "companyProfile": {"companyName": "Fabrikam"}});
        assert!(build(no_domain, &partner()).unwrap_err().contains("companyProfile.domain"));
    }

    #[test]
    fn a_snapshot_line_of_another_partner_is_refused() {
        let line =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/snapshot.jsonl")).unwrap();
        let value: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
        assert!(build(value.clone(), &partner()).is_ok());
        let other = PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
        assert!(build(value, &other).unwrap_err().contains("state import"));
        let own = json!({"partner": "c0ffee00-0000-4000-8000-000000000001", "partnerItems": []});
        assert!(build(own, &partner()).unwrap_err().contains("partner line"));
    }
}
