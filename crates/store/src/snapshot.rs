//! The snapshot format, one customer a line, shared by `GET|PUT /_partnerd/snapshot` and
//! `partnerd state export|import`, so a file from one store loads into the other:
//!
//! `{"partner":"<GUID>"|null,"createdAt":"<RFC 3339>","customer":{...as GET returns it...}}`
//!
//! `partner` is null for a customer that ended its relationship (its domain stays taken).
//! The partner's own state (its indirect resellers and GCC validation codes) is one line a
//! partner, before its customers: `{"partner":"<GUID>","partnerItems":[{"kind", "key",
//! "createdAt", "item"}]}`, kinds `reseller`, `validation_code` and `address_fixture`.
//! A customer with attestations or qualifications also has `"accountItems": [{"kind", "key",
//! "createdAt", "item"}]`, oldest first.
//! The customer carries everything stored: ids, commerce id, both profiles, the billing etag,
//! relationship, associated partner, custom domains. Credentials are never stored, so never
//! written. A line is restored only if its customer passes a create's checks.

use std::time::{Duration, UNIX_EPOCH};

use partnerd_model::{Customer, PartnerId};
use serde::{Deserialize, Serialize};

use crate::{AccountItem, CustomerRecord, ItemKind, PartnerItems, RestoreRow, SnapshotRow};

/// Either kind of line: a customer's (`customer`, `createdAt`) or a partner's (`partnerItems`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Line {
    partner: Option<String>,
    created_at: Option<String>,
    customer: Option<Customer>,
    #[serde(default)]
    account_items: Vec<ItemLine>,
    #[serde(default)]
    directory: Option<crate::directory_snapshot::Directory>,
    partner_items: Option<Vec<ItemLine>>,
}

/// What a line restores.
pub enum Decoded {
    Customer(Box<RestoreRow>),
    Partner(PartnerItems),
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
        line.push_str(",\"accountItems\":");
        line.push_str(&item_lines(&row.items));
    }
    if let Some(directory) = &row.directory {
        line.push_str(",\"directory\":");
        line.push_str(directory);
    }
    line.push('}');
    line
}

/// The partner's own items as one line (without its newline).
pub fn encode_partner(partner: &PartnerItems) -> String {
    format!("{{\"partner\":\"{}\",\"partnerItems\":{}}}", partner.partner, item_lines(&partner.items))
}

fn item_lines(items: &[AccountItem]) -> String {
    let lines: Vec<ItemLine> = items
        .iter()
        .map(|i| ItemLine {
            kind: i.kind.to_string(),
            key: i.key.clone(),
            created_at: i.created_at,
            item: serde_json::from_str(&i.doc).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    serde_json::to_string(&lines).expect("items serialise")
}

/// The items as stored, or why one cannot be: each of one of `kinds`, with a key and an
/// object (`customer_id` empty: the partner's own).
fn items_of(customer_id: &str, lines: Vec<ItemLine>, kinds: &[ItemKind]) -> Result<Vec<AccountItem>, String> {
    let names = || kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ");
    lines
        .into_iter()
        .map(|l| {
            let kind = kinds
                .iter()
                .copied()
                .find(|k| k.as_str() == l.kind)
                .ok_or_else(|| format!("item kind '{}' is not one of {}", l.kind, names()))?;
            if !l.item.is_object() || l.key.is_empty() {
                return Err(format!("a {} item needs a key and an object", l.kind));
            }
            Ok(AccountItem::new(customer_id, kind, l.key, l.item.to_string(), l.created_at))
        })
        .collect()
}

/// Whether a partner item is what the control plane would have stored under its key: a
/// reseller keyed by its tenant GUID, a validation code keyed by its id and of its partner, an
/// address fixture valid and keyed by its address.
fn check_partner_item(partner: &PartnerId, item: &AccountItem) -> Result<(), String> {
    use partnerd_model::address_fixture::AddressFixture;
    use partnerd_model::partner_relationship::Reseller;
    use partnerd_model::validation_code::ValidationCode;
    let fits = if item.kind == ItemKind::Reseller.as_str() {
        let r: Reseller = serde_json::from_str(&item.doc).map_err(|e| format!("reseller {}: {e}", item.key))?;
        partnerd_model::parse_guid(&r.id).is_some_and(|id| id == r.id && id == item.key) && !r.name.trim().is_empty()
    } else if item.kind == ItemKind::AddressFixture.as_str() {
        let f: AddressFixture =
            serde_json::from_str(&item.doc).map_err(|e| format!("address_fixture {}: {e}", item.key))?;
        let checked = f.checked().map_err(|(member, why)| format!("address_fixture {}: {member}: {why}", item.key))?;
        checked.key() == item.key
    } else {
        let c: ValidationCode =
            serde_json::from_str(&item.doc).map_err(|e| format!("validation_code {}: {e}", item.key))?;
        c.validation_id == item.key && c.partner_id == partner.as_str() && c.remaining_creates <= c.max_creates
    };
    if fits {
        Ok(())
    } else {
        Err(format!("the {} item '{}' does not match its key and partner, or lacks a name", item.kind, item.key))
    }
}

/// What line `line` restores, or why it cannot be restored. With `scope`, every line must be
/// that partner's.
pub fn decode_line(text: &str, line: u64, scope: Option<&PartnerId>) -> Result<Decoded, String> {
    let parsed: Line = serde_json::from_str(text).map_err(|e| format!("not a snapshot line: {e}"))?;
    let partner = match &parsed.partner {
        Some(p) => Some(PartnerId::parse(p).ok_or_else(|| format!("partner '{p}' is not a GUID"))?),
        None => None,
    };
    if let Some(scope) = scope {
        if partner.as_ref() != Some(scope) {
            return Err(format!("it belongs to {}, not to partner {scope}", owner(partner.as_ref())));
        }
    }
    match parsed {
        Line {
            partner_items: Some(items), created_at: None, customer: None, directory: None, account_items, ..
        } if account_items.is_empty() => {
            let partner = partner.ok_or("a partnerItems line needs its partner")?;
            let items = items_of("", items, &[ItemKind::Reseller, ItemKind::ValidationCode, ItemKind::AddressFixture])?;
            items.iter().try_for_each(|i| check_partner_item(&partner, i))?;
            Ok(Decoded::Partner(PartnerItems { line, partner: partner.as_str().to_string(), items }))
        }
        Line { partner_items: Some(_), .. } => Err("a partnerItems line has only partner and partnerItems".into()),
        Line { customer: Some(customer), created_at: Some(created_at), account_items, directory, .. } => {
            customer_row(line, partner, &created_at, &customer, account_items, directory)
                .map(|row| Decoded::Customer(Box::new(row)))
        }
        _ => Err("not a snapshot line: it needs customer and createdAt (or partnerItems)".into()),
    }
}

/// The customer on line `line`, or why it cannot be restored (a partner's line is refused:
/// this reads one customer).
pub fn decode(text: &str, line: u64, scope: Option<&PartnerId>) -> Result<RestoreRow, String> {
    match decode_line(text, line, scope)? {
        Decoded::Customer(row) => Ok(*row),
        Decoded::Partner(_) => Err("it is a partner's line (partnerItems), not a customer".into()),
    }
}

fn customer_row(
    line: u64,
    partner: Option<PartnerId>,
    created_at: &str,
    customer: &Customer,
    account_items: Vec<ItemLine>,
    directory: Option<crate::directory_snapshot::Directory>,
) -> Result<RestoreRow, String> {
    let created = humantime::parse_rfc3339(created_at)
        .map_err(|e| format!("createdAt '{created_at}' is not an RFC 3339 time: {e}"))?;
    let created_at = created.duration_since(UNIX_EPOCH).map_err(|_| "createdAt is before 1970".to_string())?;
    let (record, _) = CustomerRecord::of_customer(customer).map_err(|e| format!("the customer is not valid: {e}"))?;
    let record = record.with_created_at(created_at.as_secs() as i64);
    let items =
        items_of(record.id(), account_items, &[ItemKind::Agreement, ItemKind::Qualification, ItemKind::Status])?;
    let directory =
        directory.as_ref().map(|d| d.check()).transpose().map_err(|e| format!("the directory is not valid: {e}"))?;
    Ok(RestoreRow { line, partner: partner.map(|p| p.as_str().to_string()), record, items, directory })
}

fn owner(partner: Option<&PartnerId>) -> String {
    partner.map_or("no partner (it ended its relationship)".into(), |p| format!("partner {p}"))
}
