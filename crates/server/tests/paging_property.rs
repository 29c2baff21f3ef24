//! Property: whatever is created and deleted between pages, a walk visits every customer
//! that existed throughout exactly once and never repeats one (spec §4.3).

use std::collections::HashSet;
use std::sync::OnceLock;

use partnerd_model::PartnerId;
use partnerd_testkit::fixtures::insert_named;
use partnerd_testkit::walk::page;
use partnerd_testkit::{new_partner, Kind, TestApp, TestDb};
use proptest::prelude::*;
use tokio::runtime::Runtime;

type Fixture = (Runtime, Option<(TestDb, TestApp)>);

/// One runtime and server per store kind for all cases; each case uses a partner of its own.
/// PostgreSQL's is `None` when it is unreachable and not required (as `store_test!` skips).
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

/// Names from a small alphabet, so ties, shared prefixes and case variants are common; each
/// starts with a letter, as a company name the API accepts must.
fn name() -> impl Strategy<Value = String> {
    let first = prop::sample::select(vec!["a", "A", "b", "ä", "Ä", "z"]);
    let rest = prop::collection::vec(prop::sample::select(vec!["a", "A", "b", "ä", "Ä", " ", "z"]), 0..3);
    (first, rest).prop_map(|(first, rest)| format!("{first}{}", rest.concat()))
}

/// Between two pages: names to insert, and which existing customers (by index) to delete.
fn step() -> impl Strategy<Value = Step> {
    (prop::collection::vec(name(), 0..4), prop::collection::vec(any::<prop::sample::Index>(), 0..3))
}

async fn delete(app: &TestApp, partner: &PartnerId, id: &str) {
    let res = app.request(reqwest::Method::DELETE, partner, &format!("/v1/customers/{id}")).send().await.unwrap();
    assert_eq!(res.status(), 204);
}

type Step = (Vec<String>, Vec<prop::sample::Index>);

/// Walks `size`-item pages over `initial` customers, applying one step between pages, and
/// checks that no customer is repeated and none present throughout is skipped.
fn check_walk(kind: Kind, initial: Vec<String>, size: usize, steps: Vec<Step>) {
    let (rt, served) = fixture(kind);
    let Some((_db, app)) = served else { return };
    rt.block_on(async {
        let partner = new_partner();
        let names: Vec<&str> = initial.iter().map(String::as_str).collect();
        let mut alive: Vec<String> =
            insert_named(&app.store, &partner, &names).await.into_iter().map(|c| c.id.unwrap()).collect();
        let original: HashSet<String> = alive.iter().cloned().collect();
        let mut deleted = HashSet::new();
        let mut seen = Vec::new();
        let mut current = page(app, &partner, &format!("/v1/customers?size={size}"), None).await;
        let mut steps = steps.into_iter();
        loop {
            seen.extend(current.ids.clone());
            if let Some((inserts, deletes)) = steps.next() {
                for ix in deletes {
                    if !alive.is_empty() {
                        let id = alive.remove(ix.index(alive.len()));
                        delete(app, &partner, &id).await;
                        deleted.insert(id);
                    }
                }
                let names: Vec<&str> = inserts.iter().map(String::as_str).collect();
                alive.extend(insert_named(&app.store, &partner, &names).await.into_iter().map(|c| c.id.unwrap()));
            }
            let Some((uri, token)) = current.next() else { break };
            current = page(app, &partner, &uri, Some(&token)).await;
        }
        let unique: HashSet<&String> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "a customer was repeated");
        for id in original.difference(&deleted) {
            assert!(unique.contains(id), "customer {id}, present throughout, was skipped");
        }
    });
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn walks_are_stable_under_concurrent_change_sqlite(
        initial in prop::collection::vec(name(), 0..40),
        size in 1usize..8,
        steps in prop::collection::vec(step(), 0..12),
    ) {
        check_walk(Kind::Sqlite, initial, size, steps);
    }
}

proptest! {
    // Fewer cases: each one is a few dozen round trips to PostgreSQL.
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn walks_are_stable_under_concurrent_change_postgres(
        initial in prop::collection::vec(name(), 0..40),
        size in 1usize..8,
        steps in prop::collection::vec(step(), 0..12),
    ) {
        check_walk(Kind::Postgres, initial, size, steps);
    }
}
