//! The control plane from Rust: reset, seed, snapshots, the clock and guidance, each one
//! request to `/_partnerd/` (docs/control-plane.md).

use std::collections::BTreeMap;
use std::time::Duration;

use partnerd_model::PartnerId;
use reqwest::{Method, RequestBuilder};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::MockServer;

/// `GET /_partnerd/guidance`: the client habits partnerd flagged, summed up.
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

impl MockServer {
    /// A request to the control plane, with the admin token when the server has one.
    pub(crate) fn control(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self.http.request(method, format!("{}/_partnerd{path}", self.uri()));
        match &self.admin_token {
            Some(token) => req.bearer_auth(token),
            None => req,
        }
    }

    /// Sends `req`; the answer's JSON (`Null` for an empty one), or a panic naming `what`,
    /// the status and partnerd's error body.
    pub(crate) async fn expect(&self, what: &str, req: RequestBuilder) -> Value {
        let res = req.send().await.unwrap_or_else(|e| panic!("{what}: the request failed: {e}"));
        let status = res.status();
        let text = res.text().await.unwrap_or_else(|e| panic!("{what}: reading the answer failed: {e}"));
        assert!(status.is_success(), "{what}: partnerd answered {status}: {text}");
        if text.is_empty() {
            return Value::Null;
        }
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{what}: the answer is not JSON ({e}): {text}"))
    }

    /// Adds `count` synthetic customers to `partner`: the same partner and `seed` give the
    /// same customers (ids, names, domains, every member) on every run. Returns how many
    /// were added (`count`).
    ///
    /// # Panics
    ///
    /// When partnerd refuses, e.g. with 409 because this seed was already used for this
    /// partner (nothing is added then).
    ///
    /// ```
    /// use futures::TryStreamExt;
    /// use partnerd_client::ListQuery;
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// assert_eq!(server.seed(&partner, 3, 1).await, 3);
    /// let all: Vec<_> = server.client_for(&partner).list(&ListQuery::new()).try_collect().await.unwrap();
    /// assert_eq!(all.len(), 3);
    /// # }
    /// ```
    pub async fn seed(&self, partner: &PartnerId, count: u64, seed: u64) -> u64 {
        let req = self
            .control(Method::POST, &format!("/partners/{partner}/seed"))
            .json(&json!({"count": count, "seed": seed}));
        let answer = self.expect("seeding", req).await;
        answer["customers"].as_u64().expect("the seed answer counts the customers")
    }

    /// Forgets every customer and kept `MS-RequestId` answer, the journal, the fault rules
    /// and the guidance tallies; the clock keeps its offset.
    pub async fn reset(&self) {
        self.expect("resetting", self.control(Method::POST, "/reset")).await;
    }

    /// [`MockServer::reset`] for one partner only: its customers, kept answers, journal
    /// entries, the fault rules limited to it and its guidance tallies.
    pub async fn reset_partner(&self, partner: &PartnerId) {
        self.expect("resetting a partner", self.control(Method::POST, &format!("/reset?partner={partner}"))).await;
    }

    /// Moves the server's clock to real time + `seconds` (negative: into the past). Bearer
    /// tokens, continuation tokens and kept `MS-RequestId` answers expire by it, and fault
    /// rules with `expiresInSeconds` end by it; 0 is real time again.
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// let old = server.token_for(&partner);
    /// server.set_clock_offset(25 * 3600).await;
    /// let res = reqwest::Client::new().get(format!("{}/v1/customers", server.uri())).bearer_auth(old).send().await.unwrap();
    /// assert_eq!(res.status(), 401, "a token from before a 25-hour jump has expired");
    /// # }
    /// ```
    pub async fn set_clock_offset(&self, seconds: i64) {
        let req = self.control(Method::POST, "/clock").json(&json!({"offsetSeconds": seconds}));
        self.expect("moving the clock", req).await;
    }

    /// Moves the server's clock `by` further ahead (whole seconds).
    pub async fn advance_clock(&self, by: Duration) {
        let req = self.control(Method::POST, "/clock").json(&json!({"advanceSeconds": by.as_secs()}));
        self.expect("advancing the clock", req).await;
    }

    /// Every stored customer as snapshot JSON lines (docs/control-plane.md, "Snapshots").
    pub async fn snapshot(&self) -> String {
        let res = self.control(Method::GET, "/snapshot").send().await.expect("taking a snapshot");
        assert!(res.status().is_success(), "taking a snapshot: partnerd answered {}", res.status());
        res.text().await.expect("reading the snapshot")
    }

    /// Replaces every customer with those of `snapshot` (from [`MockServer::snapshot`] or
    /// `partnerd state export`), all or nothing; returns how many were restored.
    pub async fn restore(&self, snapshot: impl Into<String>) -> u64 {
        let req = self.control(Method::PUT, "/snapshot").body(snapshot.into());
        let answer = self.expect("restoring a snapshot", req).await;
        answer["customers"].as_u64().expect("the restore answer counts the customers")
    }

    /// The guidance summary: which client habits partnerd flagged, and how often.
    pub async fn guidance(&self) -> Guidance {
        let answer = self.expect("reading guidance", self.control(Method::GET, "/guidance")).await;
        serde_json::from_value(answer).expect("the guidance summary has its documented shape")
    }
}
