//! A fault rule as the server keeps it (`POST /_partnerd/faults` answers one, `GET
//! /_partnerd/faults` lists them): the rule as written plus what the server added and counts.
//! The server writes this type and the client, the CLI and the mock read it, so a member the
//! server adds cannot be missed by a reader. See docs/control-plane.md, "Faults".

use serde::{Deserialize, Serialize};

use crate::FaultRule;

/// A rule in force. The rule's members come first and the server's after them, as on the wire.
///
/// `deny_unknown_fields` sits here, on the outer type, because serde hands a flattened type only
/// the members it names: the rule's own refusal never sees a stray member, this one does.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct KeptFault {
    /// The rule as written, normalised (method in capitals).
    #[serde(flatten)]
    pub rule: FaultRule,
    /// The id that `DELETE /_partnerd/faults/{id}` and a journal entry's `fault.id` name.
    pub id: String,
    /// How many requests the rule has struck.
    pub fired: u64,
    /// How many more it strikes before it is gone, for a rule with a `count`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u64>,
    /// When it ends (RFC 3339 UTC with milliseconds, on the server's clock), for a rule with
    /// `expiresInSeconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every member, in the order the server writes them.
    const FULL: &str = r#"{"method":"POST","route":"/v1/customers","status":503,"probability":0.5,"count":2,"expiresInSeconds":60,"id":"3","fired":1,"remaining":1,"expiresAt":"2026-01-31T12:01:00.000Z"}"#;

    #[test]
    fn the_full_view_round_trips() {
        let kept: KeptFault = serde_json::from_str(FULL).unwrap();
        assert_eq!(kept.rule.status, Some(503));
        assert_eq!(kept.rule.count, Some(2));
        assert_eq!((kept.id.as_str(), kept.fired, kept.remaining), ("3", 1, Some(1)));
        assert_eq!(serde_json::to_string(&kept).unwrap(), FULL);
    }

    #[test]
    fn an_unlimited_rule_has_no_remaining_or_expiry() {
        let text = r#"{"latencyMs":5,"id":"1","fired":0}"#;
        let kept: KeptFault = serde_json::from_str(text).unwrap();
        assert_eq!((kept.remaining, kept.expires_at.as_deref()), (None, None));
        assert_eq!(serde_json::to_string(&kept).unwrap(), text);
    }

    #[test]
    fn unknown_and_missing_members_are_refused() {
        let unknown = FULL.replacen("{", r#"{"colour":"red","#, 1);
        let err = serde_json::from_str::<KeptFault>(&unknown).unwrap_err().to_string();
        assert!(err.contains("colour"), "{err}");
        let no_id = FULL.replace(r#""id":"3","#, "");
        let err = serde_json::from_str::<KeptFault>(&no_id).unwrap_err().to_string();
        assert!(err.contains("id"), "{err}");
        let bad_rule = FULL.replace(r#""status":503"#, r#""status":"503""#);
        assert!(serde_json::from_str::<KeptFault>(&bad_rule).is_err());
    }
}
