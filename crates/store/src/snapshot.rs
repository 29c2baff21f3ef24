//! The snapshot format, one customer a line, shared by `GET|PUT /_partnerd/snapshot` and
//! `partnerd state export|import`, so a file from one store loads into the other:
//!
//! `{"partner":"<GUID>"|null,"createdAt":"<RFC 3339>","customer":{...as GET returns it...}}`
//!
//! `partner` is null for a customer that ended its relationship (its domain stays taken).
//! A customer with attestations or qualifications also has `"accountItems": [{"kind", "key",
//! "createdAt", "item"}]`, oldest first.
//! The customer carries everything stored: ids, commerce id, both profiles, the billing etag,
//! relationship, associated partner, custom domains. Credentials are never stored, so never
//! written. A line is restored only if its customer passes a create's checks.

use std::time::{Duration, UNIX_EPOCH};

use partnerd_model::{Customer, PartnerId};
use serde::{Deserialize, Serialize};

use crate::{AccountItem, CustomerRecord, ItemKind, RestoreRow, SnapshotRow};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Line {
    partner: Option<String>,
    created_at: String,
    customer: Customer,
    #[serde(default)]
    account_items: Vec<ItemLine>,
    #[serde(default)]
    directory: Option<crate::directory_snapshot::Directory>,
}

/// One account item of the customer (see `account.rs`): `{"kind", "key", "createdAt", "item"}`,
/// the item as the API answers it.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ItemLine {
    kind: String,
    key: String,
    created_at: i64,
    item: serde_json::Value,
}

/// One line (without its newline). `accountItems` is written only when the customer has some,
/// so a snapshot of customers without any reads as before.
pub fn encode(row: &SnapshotRow) -> String {
    let partner = row.partner.as_deref().map_or("null".to_string(), |p| format!("\"{p}\""));
    let created = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(row.created_at.max(0) as u64));
    let mut line = format!("{{\"partner\":{partner},\"createdAt\":\"{created}\",\"customer\":{}", row.doc);
    if !row.items.is_empty() {
        let items: Vec<ItemLine> = row
            .items
            .iter()
            .map(|i| ItemLine {
                kind: i.kind.to_string(),
                key: i.key.clone(),
                created_at: i.created_at,
                item: serde_json::from_str(&i.doc).unwrap_or(serde_json::Value::Null),
            })
            .collect();
        line.push_str(",\"accountItems\":");
        line.push_str(&serde_json::to_string(&items).expect("items serialise"));
    }
    if let Some(directory) = &row.directory {
        line.push_str(",\"directory\":");
        line.push_str(directory);
    }
    line.push('}');
    line
}

/// The customer's items as stored, or why one cannot be: only customer items (attestations,
/// qualifications, statuses) travel with a customer, each an object.
fn items_of(customer_id: &str, lines: Vec<ItemLine>) -> Result<Vec<AccountItem>, String> {
    lines
        .into_iter()
        .map(|l| {
            let kind = [ItemKind::Agreement, ItemKind::Qualification, ItemKind::Status]
                .into_iter()
                .find(|k| k.as_str() == l.kind)
                .ok_or_else(|| format!("account item kind '{}' is not agreement, qualification or status", l.kind))?;
            if !l.item.is_object() || l.key.is_empty() {
                return Err(format!("a {} item needs a key and an object", l.kind));
            }
            Ok(AccountItem::new(customer_id, kind, l.key, l.item.to_string(), l.created_at))
        })
        .collect()
}

/// The customer on line `line`, or why it cannot be restored. With `scope`, every line must
/// be that partner's.
pub fn decode(text: &str, line: u64, scope: Option<&PartnerId>) -> Result<RestoreRow, String> {
    let parsed: Line = serde_json::from_str(text).map_err(|e| format!("not a snapshot line: {e}"))?;
    let partner = match parsed.partner {
        Some(p) => Some(PartnerId::parse(&p).ok_or_else(|| format!("partner '{p}' is not a GUID"))?),
        None => None,
    };
    if let Some(scope) = scope {
        if partner.as_ref() != Some(scope) {
            return Err(format!("it belongs to {}, not to partner {scope}", owner(partner.as_ref())));
        }
    }
    let created = humantime::parse_rfc3339(&parsed.created_at)
        .map_err(|e| format!("createdAt '{}' is not an RFC 3339 time: {e}", parsed.created_at))?;
    let created_at = created.duration_since(UNIX_EPOCH).map_err(|_| "createdAt is before 1970".to_string())?;
    let (record, _) =
        CustomerRecord::of_customer(&parsed.customer).map_err(|e| format!("the customer is not valid: {e}"))?;
    let record = record.with_created_at(created_at.as_secs() as i64);
    let items = items_of(record.id(), parsed.account_items)?;
    let directory = parsed
        .directory
        .as_ref()
        .map(|d| d.check())
        .transpose()
        .map_err(|e| format!("the directory is not valid: {e}"))?;
    Ok(RestoreRow { line, partner: partner.map(|p| p.as_str().to_string()), record, items, directory })
}

fn owner(partner: Option<&PartnerId>) -> String {
    partner.map_or("no partner (it ended its relationship)".into(), |p| format!("partner {p}"))
}
