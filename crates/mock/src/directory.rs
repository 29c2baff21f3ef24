//! Users and licenses for a test's customers: seeding customers with users and SKUs, and
//! setting one customer's SKUs from partnerd's catalogue (docs/users.md).

use serde_json::Value;

use crate::control::expect;
use crate::{MockServer, PartnerId};

impl MockServer {
    /// Adds `count` synthetic customers to `partner`, each with its admin user, `users` more
    /// users and the example SKUs of Partner Center's license pages (25 units each): the same
    /// partner and `seed` give the same customers and users on every run. Returns how many
    /// customers were added.
    ///
    /// # Panics
    ///
    /// When partnerd refuses (this seed already used for this partner; more than 100 users).
    ///
    /// ```
    /// use futures::TryStreamExt;
    ///
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// server.seed_with_users(&partner, 2, 1, 3).await;
    /// let client = server.client_for(&partner);
    /// let customer = client.list(&Default::default()).try_next().await.unwrap().unwrap();
    /// let users: Vec<_> = client.users(customer.id.as_deref().unwrap(), false, None).try_collect().await.unwrap();
    /// assert_eq!(users.len(), 4, "the admin and three users");
    /// # }
    /// ```
    pub async fn seed_with_users(&self, partner: &PartnerId, count: u64, seed: u64, users: u32) -> u64 {
        let answer = expect("seeding with users", self.control.seed(partner, count, seed, Some(users)).await);
        answer["customers"].as_u64().expect("the seed answer counts the customers")
    }

    /// Sets `partner`'s `customer`'s SKUs: each a catalogue SKU (id or part number, such as
    /// `"SPB"` or `"ENTERPRISEPACK"`) with its active units. Returns the subscribed SKUs as
    /// `GET …/subscribedskus` lists them.
    ///
    /// # Panics
    ///
    /// When partnerd refuses (no such customer for the partner, a SKU not in the catalogue).
    ///
    /// ```
    /// # #[tokio::main]
    /// # async fn main() {
    /// let server = partnerd_mock::MockServer::start().await;
    /// let partner = partnerd_mock::PartnerId::parse("5eed0000-0000-4000-8000-000000000001").unwrap();
    /// server.seed(&partner, 1, 1).await;
    /// let client = server.client_for(&partner);
    /// use futures::TryStreamExt;
    /// let customer = client.list(&Default::default()).try_next().await.unwrap().unwrap();
    /// let skus = server.set_customer_skus(&partner, customer.id.as_deref().unwrap(), &[("SPB", 10)]).await;
    /// assert_eq!(skus["items"][0]["availableUnits"], 10);
    /// # }
    /// ```
    pub async fn set_customer_skus(&self, partner: &PartnerId, customer: &str, skus: &[(&str, i64)]) -> Value {
        expect("setting the customer's SKUs", self.control.set_customer_skus(partner, customer, skus).await)
    }
}
