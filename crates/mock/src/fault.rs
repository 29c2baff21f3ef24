//! Fault rules: what [`MockServer::add_fault`] sends to `POST /_partnerd/faults`.
//!
//! A [`Fault`] builds the model's [`FaultRule`] (docs/control-plane.md, "Faults"), the one type
//! the server reads and checks, so a member cannot be misnamed here; a rule that cannot act as
//! written is refused by the server with its reason.

use std::fmt;
use std::time::Duration;

use partnerd_model::{FaultRule, KeptFault, PartnerId};

use crate::control::expect;
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
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct Fault(FaultRule);

impl Fault {
    /// Answer `status` (400–599) with the contract's error body instead of running the
    /// request; 429 and 503 carry `Retry-After` (1 s unless [`Fault::retry_after`] says).
    pub fn status(status: u16) -> Fault {
        Fault(FaultRule { status: Some(status), ..FaultRule::default() })
    }

    /// Wait `delay`, then run the request normally.
    pub fn latency(delay: Duration) -> Fault {
        Fault(FaultRule { latency_ms: Some(millis(delay)), ..FaultRule::default() })
    }

    /// Wait a uniformly drawn time between `min` and `max`, then run the request normally.
    pub fn latency_between(min: Duration, max: Duration) -> Fault {
        let (min, max) = (Some(millis(min)), Some(millis(max)));
        Fault(FaultRule { latency_min_ms: min, latency_max_ms: max, ..FaultRule::default() })
    }

    /// Close the connection without answering (not even a status line).
    pub fn drop_connection() -> Fault {
        Fault(FaultRule { drop: true, ..FaultRule::default() })
    }

    /// Any rule as JSON, e.g. `{"method": "POST", "status": 503, "count": 2}`.
    ///
    /// # Panics
    ///
    /// When `rule` is not a fault rule's JSON object (an unknown member, a value of the wrong
    /// type), with the reason.
    pub fn from_json(rule: serde_json::Value) -> Fault {
        Fault(serde_json::from_value(rule).unwrap_or_else(|e| panic!("not a fault rule: {e}")))
    }

    /// Only requests with this method (`GET`, `POST`, ...).
    pub fn method(self, method: &str) -> Fault {
        self.with(|r| r.method = Some(method.to_string()))
    }

    /// Only requests to this route template, e.g. `/v1/customers/{id}` (the version prefix
    /// is optional and interchangeable).
    pub fn route(self, route: &str) -> Fault {
        self.with(|r| r.route = Some(route.to_string()))
    }

    /// Only requests whose bearer token is `partner`'s.
    pub fn partner(self, partner: &PartnerId) -> Fault {
        self.with(|r| r.partner = Some(partner.to_string()))
    }

    /// Strike `n` requests, then the rule is gone (`count` on the wire and in `partnerd admin
    /// faults add --count`).
    pub fn count(self, n: u64) -> Fault {
        self.with(|r| r.count = Some(n))
    }

    /// Strike only this share (above 0, at most 1) of matching requests; seed the draws with
    /// [`Config::fault_seed`](crate::Config::fault_seed) for repeatable runs.
    pub fn probability(self, p: f64) -> Fault {
        self.with(|r| r.probability = Some(p))
    }

    /// End the rule this long after it is added, on the server's clock (time travel ends it too).
    pub fn expires_in(self, after: Duration) -> Fault {
        self.with(|r| r.expires_in_seconds = Some(after.as_secs()))
    }

    /// With a status: the `Retry-After` to send, in whole seconds.
    pub fn retry_after(self, after: Duration) -> Fault {
        self.with(|r| r.retry_after = Some(after.as_secs()))
    }

    /// With a status: the error body's `code`.
    pub fn code(self, code: i64) -> Fault {
        self.with(|r| r.code = Some(code))
    }

    /// With a status: the error body's `description`.
    pub fn description(self, description: &str) -> Fault {
        self.with(|r| r.description = Some(description.to_string()))
    }

    /// Run the request to the end first (the write and its kept `MS-RequestId` answer are
    /// stored), then lose its answer to the status or the dropped connection.
    pub fn commit(self) -> Fault {
        self.with(|r| r.commit = true)
    }

    /// The rule as partnerd reads it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.0).expect("a fault rule serialises")
    }

    /// The rule, typed; [`FaultRule::check`] tells whether partnerd would keep it.
    pub fn rule(&self) -> &FaultRule {
        &self.0
    }

    fn with(mut self, set: impl FnOnce(&mut FaultRule)) -> Fault {
        set(&mut self.0);
        self
    }
}

impl From<FaultRule> for Fault {
    fn from(rule: FaultRule) -> Fault {
        Fault(rule)
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The id partnerd gave a fault rule, for [`MockServer::remove_fault`] and for matching a
/// journal entry's `fault.id`.
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
        let kept = expect("adding a fault rule", self.control.add_fault(&rule.0).await);
        FaultId(kept.id)
    }

    /// The rules in force, in the order they are tried, each with its id, how often it fired
    /// and what remains of it.
    pub async fn faults(&self) -> Vec<KeptFault> {
        expect("listing the fault rules", self.control.faults().await)
    }

    /// Removes one rule.
    ///
    /// # Panics
    ///
    /// When no rule has this id any more (its count ran out, or it expired).
    pub async fn remove_fault(&self, id: &FaultId) {
        expect("removing a fault rule", self.control.remove_fault(&id.0).await);
    }

    /// Removes every rule.
    pub async fn clear_faults(&self) {
        expect("clearing the fault rules", self.control.clear_faults(None).await);
    }
}
