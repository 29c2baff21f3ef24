//! The control plane from Rust: reset, seed, snapshots, the clock and guidance, each one
//! request to `/_partnerd/` (docs/control-plane.md) made by `partnerd_client`'s
//! [`ControlClient`](partnerd_client::control::ControlClient), the client `partnerd admin` uses.

use std::time::Duration;

use partnerd_client::control::{ClockMove, ControlError, Guidance};
use partnerd_model::PartnerId;

use crate::MockServer;

/// The answer of a control-plane call, or a panic naming `what` and partnerd's reason: a
/// refused seed or fault rule is a broken test.
pub(crate) fn expect<T>(what: &str, answer: Result<T, ControlError>) -> T {
    answer.unwrap_or_else(|e| panic!("{what}: {e}"))
}

impl MockServer {
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
        let answer = expect("seeding", self.control.seed(partner, count, seed, None).await);
        answer["customers"].as_u64().expect("the seed answer counts the customers")
    }

    /// Forgets every customer and kept `MS-RequestId` answer, the journal, the fault rules
    /// and the guidance tallies; the clock keeps its offset.
    pub async fn reset(&self) {
        expect("resetting", self.control.reset(None, false).await);
    }

    /// [`MockServer::reset`] for one partner only: its customers, kept answers, journal
    /// entries, the fault rules limited to it and its guidance tallies.
    pub async fn reset_partner(&self, partner: &PartnerId) {
        expect("resetting a partner", self.control.reset(Some(partner), false).await);
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
        expect("moving the clock", self.control.clock(Some(ClockMove::OffsetSeconds(seconds))).await);
    }

    /// Moves the server's clock `by` further ahead (whole seconds).
    pub async fn advance_clock(&self, by: Duration) {
        let by = i64::try_from(by.as_secs()).unwrap_or(i64::MAX);
        expect("advancing the clock", self.control.clock(Some(ClockMove::AdvanceSeconds(by))).await);
    }

    /// Every stored customer as snapshot JSON lines (docs/control-plane.md, "Snapshots").
    pub async fn snapshot(&self) -> String {
        let res = expect("taking a snapshot", self.control.snapshot(None).await);
        res.text().await.expect("reading the snapshot")
    }

    /// Replaces every customer with those of `snapshot` (from [`MockServer::snapshot`] or
    /// `partnerd state export`), all or nothing; returns how many were restored.
    pub async fn restore(&self, snapshot: impl Into<String>) -> u64 {
        let answer = expect("restoring a snapshot", self.control.restore(None, snapshot.into()).await);
        answer["customers"].as_u64().expect("the restore answer counts the customers")
    }

    /// The guidance summary: which client habits partnerd flagged, and how often.
    pub async fn guidance(&self) -> Guidance {
        expect("reading guidance", self.control.guidance(None).await)
    }
}
