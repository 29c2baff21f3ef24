//! Property: whatever users are created and deleted between pages, a walk of a customer's
//! users visits every user present throughout exactly once and never repeats one.

use std::collections::HashSet;
use std::sync::OnceLock;

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::{create_body, unique_domain};
use partnerd_testkit::walk::page;
use partnerd_testkit::{new_partner, Kind, TestApp, TestDb};
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::runtime::Runtime;

type Fixture = (Runtime, Option<(TestDb, TestApp)>);

/// One runtime and server per store kind for all cases; each case uses a partner of its own.
fn fixture(kind: Kind) -> &'static Fixture {
    static SQLITE: OnceLock<Fixture> = OnceLock::new();
    static POSTGRES: OnceLock<Fixture> = OnceLock::new();
    let cell = match kind {
        Kind::Sqlite => &SQLITE,
        Kind::Postgres => &POSTGRES,
    };
    cell.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let served = rt.block_on(async {
            let db = TestDb::new(kind).await?;
            let app = TestApp::start(&db).await;
            Some((db, app))
        });
        (rt, served)
    })
}

/// Display names from a small alphabet, so ties, shared prefixes and case variants are common.
fn name() -> impl Strategy<Value = String> {
    let first = prop::sample::select(vec!["a", "A", "b", "ä", "Ä", "z"]);
    let rest = prop::collection::vec(prop::sample::select(vec!["a", "A", "b", "ä", "Ä", " ", "z"]), 0..3);
    (first, rest).prop_map(|(first, rest)| format!("{first}{}", rest.concat()))
}

type Step = (Vec<String>, Vec<prop::sample::Index>);

/// Between two pages: users to create, and which existing users (by index) to delete.
fn step() -> impl Strategy<Value = Step> {
    (prop::collection::vec(name(), 0..4), prop::collection::vec(any::<prop::sample::Index>(), 0..3))
}

struct Customer<'a> {
    app: &'a TestApp,
    partner: PartnerId,
    id: String,
    domain: String,
    made: usize,
}

impl Customer<'_> {
    async fn create(&mut self, names: &[String]) -> Vec<String> {
        let mut ids = Vec::new();
        for name in names {
            self.made += 1;
            let body = json!({"userPrincipalName": format!("u{}@{}", self.made, self.domain), "displayName": name,
                "passwordProfile": {"password": "Passw0rd-long"}});
            let res = self
                .app
                .request(Method::POST, &self.partner, &format!("/v1/customers/{}/users", self.id))
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 201);
            ids.push(res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string());
        }
        ids
    }

    async fn delete(&self, user: &str) {
        let uri = format!("/v1/customers/{}/users/{user}", self.id);
        let res = self.app.request(Method::DELETE, &self.partner, &uri).send().await.unwrap();
        assert_eq!(res.status(), 204);
    }
}

fn check_walk(kind: Kind, initial: Vec<String>, size: usize, steps: Vec<Step>) {
    let (rt, served) = fixture(kind);
    let Some((_db, app)) = served else { return };
    rt.block_on(async {
        let partner = new_partner();
        let domain = unique_domain();
        let res =
            app.request(Method::POST, &partner, "/v1/customers").json(&create_body(&domain)).send().await.unwrap();
        let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
        let mut customer = Customer { app, partner: partner.clone(), id, domain, made: 0 };
        let mut alive = customer.create(&initial).await;
        let original: HashSet<String> = alive.iter().cloned().collect();
        let mut deleted = HashSet::new();
        let mut seen = Vec::new();
        let mut current = page(app, &partner, &format!("/v1/customers/{}/users?size={size}", customer.id), None).await;
        let mut steps = steps.into_iter();
        loop {
            seen.extend(current.ids.clone());
            if let Some((creates, deletes)) = steps.next() {
                for ix in deletes {
                    if !alive.is_empty() {
                        let user = alive.remove(ix.index(alive.len()));
                        customer.delete(&user).await;
                        deleted.insert(user);
                    }
                }
                alive.extend(customer.create(&creates).await);
            }
            let Some((uri, token)) = current.next() else { break };
            current = page(app, &partner, &uri, Some(&token)).await;
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "a user was repeated");
        for user in original.difference(&deleted) {
            assert!(unique.contains(user), "user {user}, present throughout, was skipped");
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    #[test]
    fn user_walks_are_stable_under_concurrent_change_sqlite(
        initial in prop::collection::vec(name(), 0..30),
        size in 1usize..8,
        steps in prop::collection::vec(step(), 0..10),
    ) {
        check_walk(Kind::Sqlite, initial, size, steps);
    }
}

proptest! {
    // Fewer cases: each one is a few dozen round trips to PostgreSQL.
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn user_walks_are_stable_under_concurrent_change_postgres(
        initial in prop::collection::vec(name(), 0..30),
        size in 1usize..8,
        steps in prop::collection::vec(step(), 0..10),
    ) {
        check_walk(Kind::Postgres, initial, size, steps);
    }
}
