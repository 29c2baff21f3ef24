//! Kept responses, on both stores: replayed for the same request, refused for a different
//! one, kept per partner, never kept for a failed mutation, and gone after the purge.

use partnerd_store::{now_secs, Applied, CustomerRecord, Idempotency, KeptResponse, Mutation};
use partnerd_testkit::fixtures::customer;
use partnerd_testkit::{new_partner, store_test};

fn idem(request_id: &str, fingerprint: &[u8]) -> Idempotency {
    Idempotency {
        request_id: request_id.into(),
        fingerprint: fingerprint.to_vec(),
        response: KeptResponse { status: 201, body: b"sealed".to_vec() },
        now: now_secs(),
        expired_before: now_secs() - 3600,
    }
}

fn create() -> Mutation {
    Mutation::Create {
        record: CustomerRecord::of_customer(&customer("Kept", None)).unwrap().0,
        limit: None,
        admin: None,
    }
}

store_test!(replay_mismatch_scope_and_purge, |db| {
    let store = db.open().await;
    let offline = store.offline();
    let (mine, theirs) = (offline.for_partner(&new_partner()), offline.for_partner(&new_partner()));
    assert_eq!(mine.apply(create(), Some(idem("r1", b"A"))).await.unwrap(), Applied::Done);
    let kept = Applied::Replay(KeptResponse { status: 201, body: b"sealed".to_vec() });
    assert_eq!(mine.apply(create(), Some(idem("r1", b"A"))).await.unwrap(), kept);
    assert_eq!(mine.apply(create(), Some(idem("r1", b"B"))).await.unwrap(), Applied::Mismatch);
    assert_eq!(theirs.apply(create(), Some(idem("r1", b"B"))).await.unwrap(), Applied::Done, "per partner");
    // A mutation that fails keeps nothing: the same id then runs for real.
    let missing = Mutation::Delete { id: "00000000-0000-4000-8000-000000000000".into() };
    assert_eq!(mine.apply(missing, Some(idem("r2", b"C"))).await.unwrap(), Applied::NotFound);
    assert_eq!(mine.apply(create(), Some(idem("r2", b"D"))).await.unwrap(), Applied::Done);
    // Records younger than the cut-off stay; the purge removes the older ones.
    assert_eq!(store.service().purge_idempotency(now_secs() - 3600).await.unwrap(), 0);
    assert_eq!(store.service().purge_idempotency(now_secs() + 5).await.unwrap(), 3);
    assert_eq!(mine.apply(create(), Some(idem("r1", b"A"))).await.unwrap(), Applied::Done, "forgotten after the purge");
});
