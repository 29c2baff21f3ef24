//! Bulk inserts skip, on both stores alike, exactly the records whose id or domain is taken,
//! by a stored customer or by an earlier record of the same batch.

use partnerd_model::assemble::NewIds;
use partnerd_model::CustomerId;
use partnerd_store::{CustomerRecord, ListQuery, Seek};
use partnerd_testkit::fixtures::new_customer;
use partnerd_testkit::{new_partner, store_test};

fn id(n: u32) -> String {
    format!("00000000-0000-0000-0000-{n:012}")
}

/// A customer with id `n` and domain `<domain>.onmicrosoft.com` (same name for every one, so
/// lists give them in id order).
fn record(n: u32, domain: &str) -> CustomerRecord {
    let ids = NewIds { id: CustomerId::try_from(id(n).as_str()).unwrap(), ..NewIds::random() };
    CustomerRecord::new(new_customer(&format!("{domain}.onmicrosoft.com")), ids).0
}

async fn stored_ids(store: &partnerd_store::PartnerStore) -> Vec<String> {
    let page = store.list(&ListQuery { filter: None, size: 500, seek: Seek::First }).await.expect("list");
    page.rows().map(|r| r.id.to_string()).collect()
}

store_test!(taken_ids_and_domains_are_skipped_and_the_rest_kept, |db| {
    let store = db.open().await.offline();
    let (mine, theirs) = (store.for_partner(&new_partner()), store.for_partner(&new_partner()));
    assert!(theirs.insert_many(vec![record(1, "one"), record(2, "two")], true).await.unwrap().is_empty());
    let batch = vec![
        record(1, "fresha"), // id taken (by another partner)
        record(3, "two"),    // domain taken
        record(4, "four"),
        record(4, "four"),  // identical to the one before
        record(5, "four"),  // domain taken earlier in the batch
        record(4, "other"), // id taken earlier in the batch
        record(6, "six"),
    ];
    assert_eq!(mine.insert_many(batch, false).await.unwrap(), vec![0, 1, 3, 4, 5]);
    assert_eq!(stored_ids(&mine).await, vec![id(4), id(6)]);
    assert_eq!(stored_ids(&theirs).await.len(), 2);
});

store_test!(an_atomic_batch_with_a_skip_keeps_nothing, |db| {
    let store = db.open().await.offline();
    let partner = store.for_partner(&new_partner());
    assert!(partner.insert_many(vec![record(1, "one")], true).await.unwrap().is_empty());
    let skipped = partner.insert_many(vec![record(2, "two"), record(3, "one"), record(4, "four")], true).await.unwrap();
    assert_eq!(skipped, vec![1]);
    assert_eq!(stored_ids(&partner).await, vec![id(1)]);
});
