//! Fault rules: what [`MockServer::add_fault`] sends to `POST /_partnerd/faults`.
//!
//! A [`Fault`] is the rule's JSON (docs/control-plane.md, "Faults") built with methods; partnerd
//! checks it, so a rule that cannot act as written is refused by the server with its reason.

use std::fmt;
use std::time::Duration;

use partnerd_model::PartnerId;
use reqwest::Method;
use serde_json::{json, Map, Value};

use crate::MockServer;

/// A fault rule: what it does (the constructor), to which requests, how often and how long.
///
/// ```
/// use std::time::Duration;
/// use partnerd_mock::Fault;
///
/// // The next two creates answer 503 with Retry-After: 1 and write nothing.
/// let outage = Fault::status(503).method("POST").route("/v1/customers").count(2);
/// // One create is stored, but its answer is lost: what MS-RequestId retries are for.
/// let lost = Fault::status(503).method("POST").route("/v1/customers").commit().count(1);
/// // Half the reads are 200–800 ms slower, for a minute of the server's clock.
/// let slow = Fault::latency_between(Duration::from_millis(200), Duration::from_millis(800))
///     .method("GET")
///     .probability(0.5)
///     .expires_in(Duration::from_secs(60));
/// # let _ = (outage, lost, slow);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Fault(Map<String, Value>);

impl Fault {
    /// Answer `status` (400–599) with the contract's error body instead of running the
    /// request; 429 and 503 carry `Retry-After` (1 s unless [`Fault::retry_after`] says).
    pub fn status(status: u16) -> Fault {
        Fault::default().set("status", json!(status))
    }

    /// Wait `delay`, then run the request normally.
    pub fn latency(delay: Duration) -> Fault {
        Fault::default().set("latencyMs", json!(millis(delay)))
    }

    /// Wait a uniformly drawn time between `min` and `max`, then run the request normally.
    pub fn latency_between(min: Duration, max: Duration) -> Fault {
        Fault::default().set("latencyMinMs", json!(millis(min))).set("latencyMaxMs", json!(millis(max)))
    }

    /// Close the connection without answering (not even a status line).
    pub fn drop_connection() -> Fault {
        Fault::default().set("drop", json!(true))
    }

    /// Any rule as JSON, e.g. `{"method": "POST", "status": 503, "count": 2}`.
    ///
    /// # Panics
    ///
    /// When `rule` is not a JSON object.
    pub fn from_json(rule: Value) -> Fault {
        match rule {
            Value::Object(map) => Fault(map),
            other => panic!("a fault rule is a JSON object, not {other}"),
        }
    }

    /// Only requests with this method (`GET`, `POST`, ...).
    pub fn method(self, method: &str) -> Fault {
        self.set("method", json!(method))
    }

    /// Only requests to this route template, e.g. `/v1/customers/{id}` (the version prefix
    /// is optional and interchangeable).
    pub fn route(self, route: &str) -> Fault {
        self.set("route", json!(route))
    }

    /// Only requests whose bearer token is `partner`'s.
    pub fn partner(self, partner: &PartnerId) -> Fault {
        self.set("partner", json!(partner.as_str()))
    }

    /// Strike `n` requests, then the rule is gone (`count` on the wire and in `partnerd admin
    /// faults add --count`).
    pub fn count(self, n: u64) -> Fault {
        self.set("count", json!(n))
    }

    /// Strike only this share (above 0, at most 1) of matching requests; seed the draws with
    /// [`Config::fault_seed`](crate::Config::fault_seed) for repeatable runs.
    pub fn probability(self, p: f64) -> Fault {
        self.set("probability", json!(p))
    }

    /// End the rule this long after it is added, on the server's clock (time travel ends it too).
    pub fn expires_in(self, after: Duration) -> Fault {
        self.set("expiresInSeconds", json!(after.as_secs()))
    }

    /// With a status: the `Retry-After` to send, in whole seconds.
    pub fn retry_after(self, after: Duration) -> Fault {
        self.set("retryAfter", json!(after.as_secs()))
    }

    /// With a status: the error body's `code`.
    pub fn code(self, code: i64) -> Fault {
        self.set("code", json!(code))
    }

    /// With a status: the error body's `description`.
    pub fn description(self, description: &str) -> Fault {
        self.set("description", json!(description))
    }

    /// Run the request to the end first (the write and its kept `MS-RequestId` answer are
    /// stored), then lose its answer to the status or the dropped connection.
    pub fn commit(self) -> Fault {
        self.set("commit", json!(true))
    }

    /// The rule as partnerd reads it.
    pub fn to_json(&self) -> Value {
        Value::Object(self.0.clone())
    }

    fn set(mut self, name: &str, value: Value) -> Fault {
        self.0.insert(name.to_string(), value);
        self
    }
}

impl Default for Fault {
    fn default() -> Self {
        Fault(Map::new())
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The id partnerd gave a fault rule, for [`MockServer::remove_fault`] and for matching a
/// journal entry's `fault["id"]`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FaultId(pub String);

impl fmt::Display for FaultId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl MockServer {
    /// Puts `rule` in force (after the rules already there); returns its id.
    ///
    /// # Panics
    ///
    /// When partnerd refuses the rule (the panic carries its reason), e.g. a rule without an
    /// action or with a `drop` and a status.
    ///
    /// ```
    /// use partnerd_mock::{Fault, MockServer};
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = MockServer::start().await;
    /// let id = server.add_fault(Fault::status(429).route("/v1/customers").count(3)).await;
    /// server.remove_fault(&id).await;
    /// # }
    /// ```
    pub async fn add_fault(&self, rule: Fault) -> FaultId {
        let req = self.control(Method::POST, "/faults").json(&rule.to_json());
        let kept = self.expect("adding a fault rule", req).await;
        FaultId(kept["id"].as_str().expect("a kept rule has an id").to_string())
    }

    /// Removes one rule.
    ///
    /// # Panics
    ///
    /// When no rule has this id any more (its count ran out, or it expired).
    pub async fn remove_fault(&self, id: &FaultId) {
        self.expect("removing a fault rule", self.control(Method::DELETE, &format!("/faults/{id}"))).await;
    }

    /// Removes every rule.
    pub async fn clear_faults(&self) {
        self.expect("clearing the fault rules", self.control(Method::DELETE, "/faults")).await;
    }
}
