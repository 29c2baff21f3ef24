//! Full walks, seek operations and stability of the keyset order (spec §3.6, §4.3, §4.4).

use std::collections::HashSet;

use partnerd_testkit::fixtures::{insert_many, insert_named};
use partnerd_testkit::walk::{page, walk};
use partnerd_testkit::{new_partner, store_test, TestApp};

// For each size, counts of 0, 1, a multiple of the size and one more than it.
store_test!(full_walks_visit_everyone_once, |db| {
    let app = TestApp::start(&db).await;
    for size in [1usize, 7, 100, 500] {
        for count in [0, 1, size * 3, size * 3 + 1] {
            let partner = new_partner();
            let customers = insert_many(&app.store, &partner, count).await;
            let (ids, pages) = walk(&app, &partner, &format!("/v1/customers?size={size}")).await;
            let expected: HashSet<String> = customers.iter().map(|c| c.id.clone().unwrap()).collect();
            assert_eq!(ids.len(), count, "size {size} count {count}: repeats or misses");
            assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), expected, "size {size} count {count}");
            assert_eq!(pages.len(), count.div_ceil(size).max(1), "size {size} count {count}: page count");
            for (i, p) in pages.iter().enumerate() {
                let last = i + 1 == pages.len();
                assert_eq!(p.body["totalCount"], p.ids.len(), "totalCount is the page's item count");
                assert_eq!(p.body.get("continuationToken").is_some(), !last, "token exactly when next exists");
                assert_eq!(p.next().is_some(), !last);
                assert_eq!(p.previous().is_some(), i > 0, "previous on every page after the first");
                assert!(p.ids.len() <= size);
                assert_eq!(p.body["attributes"]["objectType"], "Collection");
            }
        }
    }
});

store_test!(order_is_case_insensitive_by_name_then_id, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_named(&app.store, &partner, &["beta", "Alpha", "alpha", "ÄRZTE", "Zeta", "Ärzte Ost", "ärzte"]).await;
    let (_, pages) = walk(&app, &partner, "/v1/customers?size=3").await;
    let names: Vec<String> = pages
        .iter()
        .flat_map(|p| p.body["items"].as_array().unwrap().clone())
        .map(|i| i["companyProfile"]["companyName"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(names.first().map(String::as_str), Some("alpha"));
});

store_test!(previous_first_and_last_move_through_the_walk, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 25).await;
    let (all, pages) = walk(&app, &partner, "/v1/customers?size=10").await;
    assert_eq!(pages.len(), 3);
    // Previous from the third page is the second page.
    let (uri, token) = pages[2].previous().expect("previous link");
    assert!(uri.contains("seekOperation=Previous"));
    let back = page(&app, &partner, &uri, Some(&token)).await;
    assert_eq!(back.ids, pages[1].ids);
    assert!(back.next().is_some() && back.previous().is_some());
    // Previous again reaches the first page, which has no previous.
    let (uri, token) = back.previous().unwrap();
    let first = page(&app, &partner, &uri, Some(&token)).await;
    assert_eq!(first.ids, pages[0].ids);
    assert!(first.previous().is_none());
    // Last and First, with the token carrying the query (no size in the request).
    let last = page(&app, &partner, "/v1/customers?seekOperation=Last", Some(&token)).await;
    assert_eq!(last.ids, all[15..].to_vec());
    assert!(last.next().is_none() && last.body.get("continuationToken").is_none());
    let first_again = page(&app, &partner, "/v1/customers?seekOperation=2", Some(&token)).await;
    assert_eq!(first_again.ids, pages[0].ids);
    // First and Last also work from the query alone.
    let last = page(&app, &partner, "/v1/customers?size=4&seekOperation=last", None).await;
    assert_eq!(last.ids, all[21..].to_vec());
});

store_test!(dotnet_manual_seek_with_only_the_token_continues_a_filtered_walk, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_named(&app.store, &partner, &["Contoso A", "Contoso B", "Contoso C", "Contoso D", "Fabrikam"]).await;
    let filter = r#"{"Field":"CompanyName","Value":"contoso","Operator":"starts_with"}"#;
    let q: String = form_urlencoded::byte_serialize(filter.as_bytes()).collect();
    let first = page(&app, &partner, &format!("/v1/customers?size=3&filter={q}"), None).await;
    assert_eq!(first.ids.len(), 3);
    let token = first.body["continuationToken"].as_str().unwrap().to_string();
    let second = page(&app, &partner, "/v1/customers?seekOperation=Next", Some(&token)).await;
    assert_eq!(second.ids.len(), 1, "the token alone carries filter and size");
    assert!(second.body.get("continuationToken").is_none());
});

store_test!(a_walk_during_inserts_and_deletes_sees_every_survivor_once, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    let customers = insert_many(&app.store, &partner, 120).await;
    let mut seen = Vec::new();
    let mut current = page(&app, &partner, "/v1/customers?size=9", None).await;
    let mut deleted = HashSet::new();
    let mut round = 0;
    loop {
        seen.extend(current.ids.clone());
        // Between pages: delete two not-yet-deleted customers and add three new ones.
        for c in customers.iter().skip(round * 7).take(2) {
            let id = c.id.clone().unwrap();
            let res =
                app.request(reqwest::Method::DELETE, &partner, &format!("/v1/customers/{id}")).send().await.unwrap();
            assert_eq!(res.status(), 204);
            deleted.insert(id);
        }
        insert_many(&app.store, &partner, 3).await;
        round += 1;
        let Some((uri, token)) = current.next() else { break };
        current = page(&app, &partner, &uri, Some(&token)).await;
    }
    let seen_set: HashSet<&String> = seen.iter().collect();
    assert_eq!(seen_set.len(), seen.len(), "no customer is repeated");
    for c in &customers {
        let id = c.id.as_ref().unwrap();
        if !deleted.contains(id) {
            assert!(seen_set.contains(id), "survivor {id} was skipped");
        }
    }
});

store_test!(size_rules, |db| {
    let app = TestApp::start(&db).await;
    let partner = new_partner();
    insert_many(&app.store, &partner, 510).await;
    for (query, expected) in
        [("", 500), ("?size=0", 500), ("?size=600", 500), ("?size=99999999999999999999", 500), ("?size=3", 3)]
    {
        let p = page(&app, &partner, &format!("/v1/customers{query}"), None).await;
        assert_eq!(p.ids.len(), expected, "{query}");
    }
    for bad in ["-1", "abc", "1.5"] {
        let res = app.get(&partner, &format!("/v1/customers?size={bad}")).send().await.unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        let body: serde_json::Value = res.json().await.unwrap();
        assert_eq!(body["code"], 800002);
    }
});
