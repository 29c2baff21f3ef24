//! `MockServer` as an integration test uses it: a real partnerd in the test's process, its
//! control plane driven from Rust, a `partnerd-client` pointed at it.

use std::time::Duration;

use futures::TryStreamExt;
use partnerd_client::{Error, ListQuery, RetryPolicy};
use partnerd_mock::{Config, Fault, MockServer, PartnerId, RequestFilter};
use partnerd_model::Customer;
use serde_json::json;

fn partner(n: u32) -> PartnerId {
    PartnerId::parse(&format!("5eed0000-0000-4000-8000-{n:012}")).unwrap()
}

fn new_customer(domain: &str) -> Customer {
    serde_json::from_value(json!({
        "companyProfile": {"domain": domain},
        "billingProfile": {
            "firstName": "Ada", "lastName": "Lovelace", "email": "ada@example.com", "culture": "en-US",
            "language": "en", "companyName": "Lovelace Analytical",
            "defaultAddress": {"country": "US", "city": "Redmond", "addressLine1": "1 Microsoft Way", "postalCode": "98052"}
        }
    }))
    .unwrap()
}

async fn ids(server: &MockServer, partner: &PartnerId) -> Vec<String> {
    let all: Vec<Customer> = server.client_for(partner).list(&ListQuery::new()).try_collect().await.unwrap();
    all.into_iter().map(|c| c.id.unwrap()).collect()
}

#[tokio::test]
async fn the_same_seed_gives_the_same_customers_on_every_server() {
    let (a, b) = (MockServer::start().await, MockServer::start().await);
    assert_ne!(a.uri(), b.uri());
    let p = partner(1);
    assert_eq!(a.seed(&p, 30, 9).await, 30);
    assert_eq!(b.seed(&p, 30, 9).await, 30);
    let listed = ids(&a, &p).await;
    assert_eq!(listed.len(), 30);
    assert_eq!(listed, ids(&b, &p).await);
    assert!(ids(&a, &partner(2)).await.is_empty(), "other partners see none of them");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_retries_through_two_503s_to_one_customer() {
    let server = MockServer::start().await;
    let p = partner(3);
    let rule = server.add_fault(Fault::status(503).method("POST").route("/v1/customers").count(2)).await;
    let quick = RetryPolicy { base_delay: Duration::from_millis(10), ..RetryPolicy::default() };
    let client = server.client_builder_for(&p).retry_policy(quick).build().unwrap();
    let created = client.create(&new_customer("retried.onmicrosoft.com")).await.unwrap();
    assert_eq!(ids(&server, &p).await, [created.id.unwrap()]);
    let posts = server.requests_matching(RequestFilter::new().method("POST")).await;
    assert_eq!(posts.iter().map(|r| r.status).collect::<Vec<_>>(), [Some(503), Some(503), Some(201)]);
    assert!(posts[..2].iter().all(|r| r.fault.as_ref().unwrap().id == rule.0));
    assert!(posts[2].fault.is_none());
    assert!(posts.iter().all(|r| r.request_id == posts[0].request_id), "one MS-RequestId for every attempt");
    assert_eq!(posts[0].request_header("Authorization"), Some("Bearer [redacted]"));
    assert_eq!(posts[2].response_json().unwrap()["companyProfile"]["domain"], "retried.onmicrosoft.com");
    assert!(server.guidance().await.total == 0, "the client behaves: {:?}", server.guidance().await);
}

#[tokio::test]
async fn faults_are_cleared_and_removed() {
    let server = MockServer::start().await;
    let p = partner(4);
    let client = server.client_builder_for(&p).retry_policy(RetryPolicy { max_retries: 0, ..RetryPolicy::default() });
    let client = client.build().unwrap();
    server.add_fault(Fault::status(500).route("/v1/customers/{id}")).await;
    let missing = "5eed0000-0000-4000-8000-00000000beef";
    assert_eq!(client.get(missing).await.unwrap_err().status(), Some(500));
    server.clear_faults().await;
    assert_eq!(client.get(missing).await.unwrap_err().status(), Some(404));
    let id = server.add_fault(Fault::from_json(json!({"status": 409, "code": 600006}))).await;
    assert_eq!(client.get(missing).await.unwrap_err().code(), Some(600006));
    server.remove_fault(&id).await;
    assert_eq!(client.get(missing).await.unwrap_err().status(), Some(404));
    let seen = server.requests_matching(RequestFilter::new().route("/v1/customers/{id}").status(404)).await;
    assert_eq!(seen.len(), 2);
}

#[tokio::test]
async fn time_travel_expires_old_tokens_but_not_the_helpers_client() {
    let server = MockServer::start().await;
    let p = partner(5);
    server.seed(&p, 5, 1).await;
    let old = server.token_for(&p);
    let client = server.client_for(&p);
    let first = client.list_page(&ListQuery::new().size(2)).await.unwrap();
    server.set_clock_offset(25 * 3600).await;
    let http = reqwest::Client::new();
    let list = |token: String| http.get(format!("{}/v1/customers", server.uri())).bearer_auth(token).send();
    assert_eq!(list(old).await.unwrap().status(), 401, "issued before the jump: expired");
    assert_eq!(list(server.token_for(&p)).await.unwrap().status(), 200, "issued on the moved clock");
    // The client mints on the moved clock too, and its continuation token is a day old.
    let next = first.links.next.expect("a second page");
    let err = client.pages_from(next).try_next().await.unwrap_err();
    assert!(matches!(err, Error::Api(_)) && err.status() == Some(400), "{err:?}");
    server.set_clock_offset(0).await;
    assert_eq!(client.list_page(&ListQuery::new()).await.unwrap().items.len(), 5);
}

#[tokio::test]
async fn reset_and_snapshots_round_trip() {
    let server = MockServer::start().await;
    let (a, b) = (partner(6), partner(7));
    server.seed(&a, 4, 2).await;
    server.seed(&b, 3, 2).await;
    let before = (ids(&server, &a).await, ids(&server, &b).await);
    let snapshot = server.snapshot().await;
    assert_eq!(snapshot.lines().count(), 7);
    assert!(!server.requests().await.is_empty());
    server.reset_partner(&a).await;
    assert!(ids(&server, &a).await.is_empty());
    assert_eq!(ids(&server, &b).await, before.1);
    server.reset().await;
    assert!(ids(&server, &b).await.is_empty());
    server.clear_requests().await;
    assert!(server.requests().await.is_empty());
    assert_eq!(server.restore(snapshot).await, 7);
    assert_eq!((ids(&server, &a).await, ids(&server, &b).await), before);
}

#[tokio::test]
async fn an_admin_token_is_sent_for_the_control_plane() {
    let server = MockServer::start_with(Config { admin_token: Some("s3cret-admin".into()), ..Config::default() }).await;
    let p = partner(8);
    assert_eq!(server.seed(&p, 2, 5).await, 2);
    let open = reqwest::get(format!("{}/_partnerd/requests", server.uri())).await.unwrap();
    assert_eq!(open.status(), 401, "the control plane stays closed to everyone else");
    assert_eq!(ids(&server, &p).await.len(), 2);
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let server = MockServer::start().await;
    let addr = server.address();
    // A kept-alive connection does not hold the shutdown open.
    let http = reqwest::Client::new();
    assert_eq!(http.get(format!("{}/healthz", server.uri())).send().await.unwrap().status(), 200);
    server.shutdown().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "nothing listens on {addr} any more");
}

/// `Fault` builds the server's own `FaultRule`, and the server's checks give the reason.
#[tokio::test]
#[should_panic(
    expected = "adding a fault rule: HTTP 400: Route '/v1/customer' is not a route template partnerd serves"
)]
async fn a_rule_the_server_refuses_panics_with_its_reason() {
    let server = MockServer::start().await;
    let rule = Fault::status(503).route("/v1/customer");
    assert_eq!(
        rule.rule().clone().check().unwrap_err().split(';').next(),
        Some("route '/v1/customer' is not a route template partnerd serves")
    );
    server.add_fault(rule).await;
}

#[test]
#[should_panic(expected = "not a fault rule: unknown field `colour`")]
fn an_unknown_member_is_refused_before_it_is_sent() {
    let _ = Fault::from_json(json!({"status": 503, "colour": "red"}));
}

/// The journal's entries are the model's, so a member the server writes reaches the test:
/// `proxied` did not, when the mock kept its own copy of the entry.
#[tokio::test]
async fn journal_entries_are_the_servers_wire_type() {
    let server = MockServer::start().await;
    let p = partner(9);
    server.add_fault(Fault::latency(Duration::from_millis(1)).method("GET").count(1)).await;
    server.client_for(&p).list_page(&ListQuery::new()).await.unwrap();
    let seen = server.requests().await;
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].proxied, None, "partnerd answered");
    assert_eq!(seen[0].fault.as_ref().unwrap().applied_latency_ms, Some(1));
    let raw: serde_json::Value =
        reqwest::get(format!("{}/_partnerd/requests", server.uri())).await.unwrap().json().await.unwrap();
    assert_eq!(serde_json::to_value(&seen[0]).unwrap(), raw["items"][0]);
}

/// The kept rules are the server's wire type: the rule as sent, with what the server counts.
#[tokio::test]
async fn kept_rules_show_what_they_did_and_what_remains() {
    let server = MockServer::start().await;
    let p = partner(10);
    let fault = Fault::status(503).method("get").route("/v1/customers").count(2).expires_in(Duration::from_secs(60));
    let id = server.add_fault(fault.clone()).await;
    reqwest::Client::new()
        .get(format!("{}/v1/customers", server.uri()))
        .bearer_auth(server.token_for(&p))
        .send()
        .await
        .unwrap();
    let kept = server.faults().await;
    assert_eq!(kept.len(), 1);
    assert_eq!((kept[0].id.as_str(), kept[0].fired, kept[0].remaining), (id.0.as_str(), 1, Some(1)));
    assert!(kept[0].expires_at.as_deref().is_some_and(|t| t.ends_with('Z')), "{:?}", kept[0].expires_at);
    assert_eq!(kept[0].rule, fault.rule().clone().check().unwrap(), "the rule as sent, normalised");
    let struck = server.requests().await;
    assert_eq!(struck[0].fault.as_ref().map(|f| &f.rule), Some(&kept[0].rule));
    let raw: serde_json::Value =
        reqwest::get(format!("{}/_partnerd/faults", server.uri())).await.unwrap().json().await.unwrap();
    assert_eq!(serde_json::to_value(&kept[0]).unwrap(), raw["items"][0]);
}
