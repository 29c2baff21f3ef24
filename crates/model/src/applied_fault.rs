//! The fault that acted on one request, as its journal entry records it (`fault`): the rule
//! that struck, which rule it was, and the latency it drew. The server fills it when the rule
//! strikes; the journal's readers get it typed. See docs/control-plane.md, "Request journal".

use serde::{Deserialize, Serialize};

use crate::FaultRule;

/// A rule that struck a request. The rule's members come first, as on the wire.
///
/// `deny_unknown_fields` sits on this outer type because a flattened type is handed only the
/// members it names, so the rule's own refusal never sees a stray member.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AppliedFault {
    /// The rule as kept (normalised).
    #[serde(flatten)]
    pub rule: FaultRule,
    /// The kept rule's id (as `GET /_partnerd/faults` shows it).
    pub id: String,
    /// The latency waited, in milliseconds: the rule's `latencyMs`, or the one drawn from its
    /// range; absent when the rule adds none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applied_latency_ms: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_struck_rule_round_trips() {
        let text = r#"{"method":"GET","latencyMinMs":5,"latencyMaxMs":9,"id":"2","appliedLatencyMs":7}"#;
        let applied: AppliedFault = serde_json::from_str(text).unwrap();
        assert_eq!((applied.id.as_str(), applied.applied_latency_ms), ("2", Some(7)));
        assert_eq!(applied.rule.latency_min_ms, Some(5));
        assert_eq!(serde_json::to_string(&applied).unwrap(), text);
        let status = r#"{"status":503,"count":1,"id":"1"}"#;
        let applied: AppliedFault = serde_json::from_str(status).unwrap();
        assert_eq!(applied.applied_latency_ms, None);
        assert_eq!(serde_json::to_string(&applied).unwrap(), status);
    }

    #[test]
    fn unknown_members_are_refused() {
        let err = serde_json::from_str::<AppliedFault>(r#"{"status":503,"id":"1","fired":1}"#).unwrap_err();
        assert!(err.to_string().contains("fired"), "{err}");
    }
}
