//! A NUL in a searched value matches nothing, on both stores: PostgreSQL cannot even take it
//! as a parameter, so its store has to answer without asking.

use partnerd_model::{Filter, FilterField};
use partnerd_store::{ListQuery, Seek};
use partnerd_testkit::fixtures::insert_named;
use partnerd_testkit::{new_partner, store_test};

store_test!(searches_with_a_nul_find_nothing, |db| {
    let store = db.open().await.offline();
    let partner = new_partner();
    insert_named(&store, &partner, &["a", "ab"]).await;
    for field in [FilterField::CompanyName, FilterField::Domain, FilterField::IndirectReseller] {
        let query = ListQuery { filter: Some(Filter { field, value: "a\0".into() }), size: 10, seek: Seek::First };
        let page = store.for_partner(&partner).list(&query).await.expect("list");
        assert!(page.is_empty() && !page.has_next && !page.has_prev, "{field:?}");
    }
    assert!(!store.for_partner(&partner).domain_exists("a\0.onmicrosoft.com").await.expect("domain_exists"));
});
