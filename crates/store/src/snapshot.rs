//! The snapshot format, one customer a line, shared by `GET|PUT /_partnerd/snapshot` and
//! `partnerd state export|import`, so a file from one store loads into the other:
//!
//! `{"partner":"<GUID>"|null,"createdAt":"<RFC 3339>","customer":{...as GET returns it...}}`
//!
//! `partner` is null for a customer that ended its relationship (its domain stays taken).
//! The customer carries everything stored: ids, commerce id, both profiles, the billing etag,
//! relationship, associated partner, custom domains. Credentials are never stored, so never
//! written. A line is restored only if its customer passes a create's checks.

use std::time::{Duration, UNIX_EPOCH};

use partnerd_model::{Customer, PartnerId};
use serde::Deserialize;

use crate::{CustomerRecord, RestoreRow, SnapshotRow};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Line {
    partner: Option<String>,
    created_at: String,
    customer: Customer,
    #[serde(default)]
    directory: Option<crate::directory_snapshot::Directory>,
}

/// One line (without its newline).
pub fn encode(row: &SnapshotRow) -> String {
    let partner = row.partner.as_deref().map_or("null".to_string(), |p| format!("\"{p}\""));
    let created = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(row.created_at.max(0) as u64));
    match &row.directory {
        None => format!("{{\"partner\":{partner},\"createdAt\":\"{created}\",\"customer\":{}}}", row.doc),
        Some(directory) => format!(
            "{{\"partner\":{partner},\"createdAt\":\"{created}\",\"customer\":{},\"directory\":{directory}}}",
            row.doc
        ),
    }
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
    let directory = parsed
        .directory
        .as_ref()
        .map(|d| d.check())
        .transpose()
        .map_err(|e| format!("the directory is not valid: {e}"))?;
    Ok(RestoreRow { line, partner: partner.map(|p| p.as_str().to_string()), record, directory })
}

fn owner(partner: Option<&PartnerId>) -> String {
    partner.map_or("no partner (it ended its relationship)".into(), |p| format!("partner {p}"))
}
