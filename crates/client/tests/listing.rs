//! Listing against a real server: full walks for several page sizes, filters, both link
//! forms, and resuming a walk from a saved `links.next`.

mod support;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use futures::{StreamExt, TryStreamExt};
use partnerd_client::{ListQuery, Page};
use partnerd_model::filter::fold_key;
use partnerd_model::Customer;
use partnerd_testkit::fixtures::{customer, insert, insert_many};
use partnerd_testkit::new_partner;
use partnerd_testkit::proxy::{Proxy, Verdict};
use support::ids;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_stream_visits_every_customer_once_for_several_page_sizes() {
    let server = support::server().await;
    let partner = new_partner();
    let customers = insert_many(&server.app.store, &partner, 53).await;
    insert_many(&server.app.store, &new_partner(), 5).await;
    let expected: BTreeSet<String> = ids(&customers).into_iter().collect();
    let client = support::client(&server.app.url(""), &partner);
    for size in [1u32, 7, 52, 53, 500] {
        let pages: Vec<Page> = client.pages(&ListQuery::new().size(size)).try_collect().await.unwrap();
        assert_eq!(pages.len(), 53usize.div_ceil(size as usize), "size {size}: page count");
        let listed: Vec<Customer> = client.list(&ListQuery::new().size(size)).try_collect().await.unwrap();
        let listed = ids(&listed);
        assert_eq!(listed.len(), 53, "size {size}: a customer was repeated or missed");
        assert_eq!(listed.iter().cloned().collect::<BTreeSet<_>>(), expected, "size {size}");
        let paged: Vec<String> = pages.iter().flat_map(|p| ids(&p.items)).collect();
        assert_eq!(paged, listed, "size {size}: pages and stream disagree");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_by_name_domain_and_reseller() {
    let server = support::server().await;
    let partner = new_partner();
    let reseller = new_partner().to_string();
    let mut customers = insert_many(&server.app.store, &partner, 40).await;
    let resold = vec![customer("Resold One", Some(&reseller)), customer("Resold Two", Some(&reseller))];
    insert(&server.app.store, &partner, &resold).await;
    customers.extend(resold.iter().cloned());
    let client = support::client(&server.app.url(""), &partner);

    let by_name = |prefix: &str| -> BTreeSet<String> {
        let p = fold_key(prefix);
        customers.iter().filter(|c| fold_key(c.company_name()).starts_with(&p)).map(|c| c.id.clone().unwrap()).collect()
    };
    for prefix in ["alpha b", "ärz", "CONTOSO", "東京", "nobody"] {
        let got: Vec<Customer> =
            client.list(&ListQuery::new().size(3).company_name_starts_with(prefix)).try_collect().await.unwrap();
        assert_eq!(ids(&got).into_iter().collect::<BTreeSet<_>>(), by_name(prefix), "name prefix {prefix}");
        assert_eq!(got.len(), by_name(prefix).len(), "name prefix {prefix}: repeats");
    }

    let domain = customers[7].domain().to_string();
    let got: Vec<Customer> =
        client.list(&ListQuery::new().domain_starts_with(&domain[..12])).try_collect().await.unwrap();
    assert_eq!(ids(&got), vec![customers[7].id.clone().unwrap()]);

    let got: Vec<Customer> =
        client.list(&ListQuery::new().size(1).indirect_reseller(&reseller)).try_collect().await.unwrap();
    assert_eq!(ids(&got).into_iter().collect::<BTreeSet<_>>(), ids(&resold).into_iter().collect());
}

/// The live service's list links start with `/v1/customers?`, but SDKs also meet
/// `/customers?`; a proxy rewrites the server's links into the second form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_link_forms_are_followed() {
    let server = support::server().await;
    let partner = new_partner();
    let customers = insert_many(&server.app.store, &partner, 23).await;
    let rewrites = Arc::new(AtomicUsize::new(0));
    let counter = rewrites.clone();
    let proxy = Proxy::start(&server.app.url(""), move |_| {
        let counter = counter.clone();
        Verdict::ForwardRewriting(Box::new(move |body| {
            let page: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            if page["links"]["next"]["uri"].as_str().is_some_and(|u| u.starts_with("/v1/customers?")) {
                counter.fetch_add(1, Ordering::SeqCst);
            }
            body.replace("\"/v1/customers?", "\"/customers?")
        }))
    })
    .await;

    for base in [server.app.url(""), proxy.url("")] {
        let client = support::client(&base, &partner);
        let got: Vec<Customer> = client.list(&ListQuery::new().size(5)).try_collect().await.unwrap();
        assert_eq!(ids(&got).into_iter().collect::<BTreeSet<_>>(), ids(&customers).into_iter().collect(), "via {base}");
        assert_eq!(got.len(), 23, "via {base}");
    }
    assert_eq!(rewrites.load(Ordering::SeqCst), 4, "every page but the last had a next link to rewrite");
    let seeks: Vec<_> = proxy.seen().into_iter().filter(|s| s.path_and_query.contains("seekOperation=Next")).collect();
    assert_eq!(seeks.len(), 4);
    for s in seeks {
        assert!(s.path_and_query.starts_with("/v1/customers?"), "{}", s.path_and_query);
        assert!(s.header("ms-continuationtoken").is_some_and(|t| !t.is_empty()), "the link's header was sent");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_walk_resumes_from_a_saved_next_link() {
    let server = support::server().await;
    let partner = new_partner();
    insert_many(&server.app.store, &partner, 30).await;
    let query = ListQuery::new().size(4).company_name_starts_with("c");
    let client = support::client(&server.app.url(""), &partner);
    let whole: Vec<Customer> = client.list(&query).try_collect().await.unwrap();

    let first = client.list_page(&query).await.unwrap();
    let saved = serde_json::to_string(&first.links.next.clone().expect("more than one page")).unwrap();
    let later = support::client(&server.app.url(""), &partner);
    let rest: Vec<Page> = later.pages_from(serde_json::from_str(&saved).unwrap()).try_collect().await.unwrap();
    let resumed: Vec<String> = ids(&first.items).into_iter().chain(rest.iter().flat_map(|p| ids(&p.items))).collect();
    assert_eq!(resumed, ids(&whole));
    assert!(!whole.is_empty());
}

/// Of a link's headers only the continuation token is sent: never anything in place of the
/// client's own token and ids, nor anything else.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn link_headers_cannot_replace_the_token_or_the_ids() {
    let server = support::server().await;
    let partner = new_partner();
    insert_many(&server.app.store, &partner, 4).await;
    let proxy = Proxy::start(&server.app.url(""), |_| {
        Verdict::ForwardRewriting(Box::new(|body| {
            let injected = r#""headers":[{"key":"Authorization","value":"Bearer stolen"},{"key":"MS-RequestId","value":"fixed"},{"key":"X-Extra","value":"1"},"#;
            body.replace(r#""headers":[{"key":"MS-ContinuationToken""#, &format!(r#"{injected}{{"key":"MS-ContinuationToken""#))
        }))
    })
    .await;
    let client = support::client(&proxy.url(""), &partner);
    let got: Vec<Customer> = client.list(&ListQuery::new().size(2)).try_collect().await.unwrap();
    assert_eq!(got.len(), 4);
    let follow =
        proxy.seen().into_iter().find(|s| s.path_and_query.contains("seekOperation=Next")).expect("a next page");
    assert!(follow.header("ms-continuationtoken").is_some_and(|t| !t.is_empty()), "the token was sent");
    assert_eq!(follow.header("x-extra"), None, "other link headers are not sent");
    assert_eq!(follow.headers.get_all("authorization").iter().count(), 1);
    assert_ne!(follow.header("authorization"), Some("Bearer stolen"));
    assert_eq!(follow.headers.get_all("ms-requestid").iter().count(), 1);
    assert_ne!(follow.header("ms-requestid"), Some("fixed"));
}

/// A next link that is the link that fetched the page would loop for ever: the walk stops
/// with an error instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_next_link_that_does_not_advance_ends_the_walk_with_an_error() {
    let server = support::server().await;
    let partner = new_partner();
    insert_many(&server.app.store, &partner, 10).await;
    let client = support::client(&server.app.url(""), &partner);
    let first = client.list_page(&ListQuery::new().size(2)).await.unwrap();
    let next = first.links.next.clone().unwrap();
    // Replaying the link always answers with the same page, whose next link differs only by
    // its freshly sealed token; a proxy pins it to the link that fetched it.
    let pinned = serde_json::to_string(&next.headers[0].value).unwrap();
    let proxy = Proxy::start(&server.app.url(""), move |_| {
        let pinned = pinned.clone();
        Verdict::ForwardRewriting(Box::new(move |body| {
            let start = body
                .find(r#""key":"MS-ContinuationToken","value":"#)
                .map(|i| i + r#""key":"MS-ContinuationToken","value":"#.len());
            match start {
                Some(i) => {
                    let end = i + body[i..][1..].find('"').unwrap() + 2;
                    format!("{}{}{}", &body[..i], pinned, &body[end..])
                }
                None => body,
            }
        }))
    })
    .await;
    let looping = support::client(&proxy.url(""), &partner);
    let walk: Result<Vec<Page>, _> = looping.pages_from(next).take(10).try_collect().await;
    assert!(matches!(walk, Err(partnerd_client::Error::Url(_))), "{walk:?}");
}
