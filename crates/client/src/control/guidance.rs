//! `GET /_partnerd/guidance`, typed: the client habits partnerd flagged, summed up.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

/// The guidance summary.
#[derive(Clone, Debug, Deserialize)]
pub struct Guidance {
    /// Flags raised in all.
    pub total: u64,
    /// Per flag (`retryBeforeRetryAfter`, `createWithoutRequestId`, `noCorrelationId`,
    /// `sizeAbove500`, `continuationTokenQueryChanged`), raised or not.
    pub flags: BTreeMap<String, GuidanceFlag>,
}

impl Guidance {
    /// How often `flag` was raised (0 for a flag partnerd does not know).
    pub fn count(&self, flag: &str) -> u64 {
        self.flags.get(flag).map_or(0, |f| f.count)
    }
}

/// One guidance flag in the summary.
#[derive(Clone, Debug, Deserialize)]
pub struct GuidanceFlag {
    /// What the flag means.
    pub description: String,
    /// How often it was raised.
    pub count: u64,
    /// The latest examples, newest first: `{"entry", "requestId", "method", "path"}`.
    pub latest: Vec<Value>,
}
