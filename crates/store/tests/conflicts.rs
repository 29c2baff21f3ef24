//! A create that breaks a uniqueness rule fails with the same [`Conflict`] on both stores,
//! told apart by the rule (the constraint or index), and changes nothing.

use partnerd_model::assemble::NewIds;
use partnerd_store::{Applied, Conflict, CustomerRecord, ListQuery, Mutation, Seek, StoreError};
use partnerd_testkit::fixtures::{new_customer, unique_domain};
use partnerd_testkit::{new_partner, store_test};

fn create(domain: &str, ids: NewIds) -> Mutation {
    Mutation::Create { record: CustomerRecord::new(new_customer(domain), ids).0, limit: None, admin: None }
}

store_test!(taken_domains_and_ids_are_told_apart, |db| {
    let store = db.open().await.offline();
    let (mine, theirs) = (store.for_partner(&new_partner()), store.for_partner(&new_partner()));
    let (domain, ids) = (unique_domain(), NewIds::random());
    assert_eq!(mine.apply(create(&domain, ids.clone()), None).await.unwrap(), Applied::Done);
    let outcome = |r: Result<Applied, StoreError>| match r {
        Err(StoreError::Conflict(c)) => Some(c),
        other => panic!("expected a conflict, got {other:?}"),
    };
    // The same domain in another case, by another partner.
    let upper = domain.to_uppercase();
    assert_eq!(outcome(theirs.apply(create(&upper, NewIds::random()), None).await), Some(Conflict::Domain));
    assert_eq!(outcome(mine.apply(create(&unique_domain(), ids.clone()), None).await), Some(Conflict::Id));
    let all = ListQuery { filter: None, size: 10, seek: Seek::First };
    assert_eq!(mine.list(&all).await.unwrap().len(), 1);
    assert!(theirs.list(&all).await.unwrap().is_empty());
});
